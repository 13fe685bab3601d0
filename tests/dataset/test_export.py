"""`lessonloop dataset export` (dataset/export/) and `lessonloop feedback` on sessions and chats, on a store
built from the real corpora of every agent, a planted transcript holding real-format secrets, and a
real `lessonloop run`: every kind in every format, loaded back with the csv module, pyarrow and the
real `datasets` library; no secret in any export (also when the store itself holds raw secrets);
the same bytes twice; the filters; a missing extra's error."""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from lessonloop.core.timestamps import parse_timestamp
from lessonloop.dataset.export.kinds import all_kinds
from tests.conftest import REPO_ROOT, SHARED_CORPUS, cli
from tests.planted_transcripts import write_planted_session
from tests.secret_samples import ANTHROPIC, AWS_ID, AWS_SECRET, GITHUB_PAT_CLASSIC

KINDS = ("records", "chats", "commits", "sessions", "lessons", "runs")
FORMATS = ("jsonl", "csv", "parquet", "hf")
PASSWORD = "Hunt3rPw0rd9x"
PLANTED = f"AWS_ACCESS_KEY_ID={AWS_ID} AWS_SECRET_ACCESS_KEY={AWS_SECRET} GITHUB_TOKEN={GITHUB_PAT_CLASSIC} password={PASSWORD} ./deploy.sh"
RAW = "raw-sekrit-Qm8Rt2Lx7V"  # written straight into the store's rows, as password=RAW
SECRETS = (AWS_ID, AWS_SECRET, GITHUB_PAT_CLASSIC, PASSWORD, ANTHROPIC, RAW)
CORPORA = (
    SHARED_CORPUS / "claude-code" / "spotter",
    SHARED_CORPUS / "claude-code" / "codemie",
    SHARED_CORPUS / "aider" / "aider-dev",
    SHARED_CORPUS / "codex" / "codemie",
    SHARED_CORPUS / "gemini" / "codemie",
    SHARED_CORPUS / "opencode" / "codemie",
)
BUNDLE = SHARED_CORPUS / "git" / "python-semantic-release.bundle"

pytestmark = pytest.mark.corpus


def _rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every corpus and a planted session ingested through the CLI (analysis and lessons
    included), one real run recorded, feedback given; then raw secrets written straight into some
    rows (as an older version or a hand edit could leave them): exports must redact them again."""
    for corpus in (*CORPORA, BUNDLE):
        if not corpus.exists():
            pytest.skip(f"real-data corpus not found at {corpus}")
    root = tmp_path_factory.mktemp("export")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LESSONLOOP_CONFIG", str(root / "config.toml"))
        patch.setenv("LESSONLOOP_EMBEDDINGS", "none")
        planted_dir = root / "planted"
        planted = write_planted_session(planted_dir, PLANTED, 0)
        db = root / "store" / "lessonloop.db"
        result = cli("ingest", "--db", db, "--no-bandit", "--no-progress", *CORPORA, planted_dir)
        assert result.exit_code == 0, result.stderr
        release, repo = _git_repositories(root)
        result = cli("ingest", "--git", release, repo, "--db", db)
        assert result.exit_code == 0, result.stderr
        env = {**os.environ, "LESSONLOOP_DB": str(db)}
        command = [sys.executable, "-m", "lessonloop", "run", "--db", str(db), "-e", "denied", "--"]
        code = f"print('deploy with password={PASSWORD}'); print('access denied for {AWS_ID}')"
        run = subprocess.run([*command, sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert run.returncode != 0 and "denied" in run.stdout, run.stderr
        spotter = _rows(
            db, "SELECT id FROM sessions WHERE agent = 'claude-code' AND parent_id IS NULL AND project LIKE '%spotter%'"
        )
        assert spotter
        rated = str(spotter[0][0])
        assert cli("feedback", "session", rated[:8], "--rating", "5", "--db", db).exit_code == 0
        assert cli("feedback", "chat", f"{rated}#1", "--rating", "1", "--note", "wrong file", "--db", db).exit_code == 0
        note = f"leaked password={PASSWORD} here"
        assert cli("feedback", "session", planted, "--rating", "4", "--note", note, "--db", db).exit_code == 0
        assert cli("feedback", "run", "1", "--rating", "2", "--db", db).exit_code == 0
        conn = sqlite3.connect(db, isolation_level=None)
        try:
            conn.execute(
                "UPDATE messages SET text = text || ? WHERE session_id = ? AND kind IN ('prompt', 'assistant')",
                (f" token={ANTHROPIC} password={RAW}", rated),
            )
            conn.execute("UPDATE sessions SET title = ? WHERE id = ?", (f"deploy password={RAW}", rated))
            conn.execute("UPDATE lessons SET body = body || ?", (f" password={RAW}",))
            conn.execute(
                "UPDATE git_commits SET message = message || ? WHERE rowid = (SELECT min(rowid) FROM git_commits)",
                (f" password={RAW}",),
            )
            conn.execute("UPDATE runs SET command = command || ?", (f" --password={RAW}",))
            conn.execute(
                "UPDATE feedback SET note = ? WHERE session_id = ? AND kind = 'session'",
                (f"note password={RAW}", rated),
            )
        finally:
            conn.close()
        yield {"db": db, "root": root, "rated": rated, "planted": planted, "release": release, "repo": repo}


def _git_repositories(root: Path) -> tuple[Path, Path]:
    """python-semantic-release's real history cloned from its bundle, and a small repository whose
    commit carries the planted secrets in its message and in the file it adds."""
    release = root / "python-semantic-release"
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(release)], check=True, capture_output=True)
    repo = root / "planted-repo"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Dev",
        "GIT_AUTHOR_EMAIL": "dev@example.com",
        "GIT_COMMITTER_NAME": "Dev",
        "GIT_COMMITTER_EMAIL": "dev@example.com",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)

    repo.mkdir()
    git("init", "-q", "-b", "main")
    (repo / "deploy.env").write_text(f"{PLANTED}\n", encoding="utf-8")
    git("add", "deploy.env")
    git("commit", "-q", "-m", f"feat(deploy): add the deploy settings\n\n{PLANTED}")
    return release, repo


def _export(store: dict[str, Any], kind: str, fmt: str, name: str, *extra: str) -> Path:
    path: Path = store["root"] / "out" / f"{name}-{kind}.{fmt}"
    result = cli("dataset", "export", "--db", store["db"], "--kind", kind, "--format", fmt, "--to", path, *extra)
    assert result.exit_code == 0, result.stderr
    return path


def _load(path: Path, fmt: str, cache: Path) -> list[dict[str, Any]]:
    """The rows of an export, read back by the library each format is for."""
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_table(path).to_pylist())
    import datasets

    loaded = datasets.load_dataset(str(path), cache_dir=str(cache))
    assert list(loaded) == ["train"]
    return list(loaded["train"].to_list())


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _expected(db: Path) -> dict[str, int]:
    mains = "SELECT id FROM sessions WHERE parent_id IS NULL AND placeholder = 0"
    chats = _rows(db, f"SELECT count(*) FROM messages WHERE kind = 'prompt' AND session_id IN ({mains})")[0][0]
    commits = _rows(db, "SELECT count(*) FROM git_commits")[0][0]
    return {
        "records": chats + commits,
        "chats": chats,
        "commits": commits,
        "sessions": _rows(db, "SELECT count(*) FROM sessions WHERE parent_id IS NULL")[0][0],
        "lessons": _rows(db, "SELECT count(*) FROM lessons")[0][0],
        "runs": _rows(db, "SELECT count(*) FROM runs")[0][0],
    }


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_every_format_loads_back_the_same_rows_without_secrets(store: dict[str, Any], kind: str) -> None:
    expected = _expected(store["db"])[kind]
    assert expected > 0
    loaded = {}
    for fmt in FORMATS:
        path = _export(store, kind, fmt, "all")
        rows = _load(path, fmt, store["root"] / "hf-cache")
        assert len(rows) == expected, (fmt, len(rows), expected)
        texts = "\n".join(s for row in rows for s in _strings(row))
        if fmt == "hf":
            texts += (path / "README.md").read_text(encoding="utf-8")
        else:
            texts += path.read_bytes().decode("utf-8", "replace")
        leaked = [secret for secret in SECRETS if secret in texts]
        assert not leaked, (kind, fmt, leaked)
        loaded[fmt] = rows
    ids = [str(row["id"]) for row in loaded["jsonl"]]
    assert len(set(ids)) == len(ids)
    for fmt in ("csv", "parquet", "hf"):
        assert [str(row["id"]) for row in loaded[fmt]] == ids, fmt
    assert loaded["parquet"] == loaded["hf"]
    # the same values and types, nested fields included; moments are timestamps in the columnar formats
    times = [field.name for field in all_kinds()[kind].fields if field.type == "time"]
    assert times and all(isinstance(row[name], datetime) for row in loaded["parquet"] for name in times if row[name])
    as_text = [{**row, **{name: _iso(row[name]) for name in times}} for row in loaded["parquet"]]
    assert as_text == [{**row, **{name: _iso(row[name]) for name in times}} for row in loaded["jsonl"]]


def _iso(value: Any) -> str | None:
    """A moment as comparable text, from a timestamp or the stored ISO text."""
    if value is None:
        return None
    return (value if isinstance(value, datetime) else parse_timestamp(value)).isoformat()


@pytest.mark.slow
def test_the_planted_and_raw_secrets_were_there_to_find(store: dict[str, Any]) -> None:
    """The secrets the exports must not hold are in the store's reach: the planted ones in the
    transcript that was ingested, the raw ones in the rows themselves."""
    transcript = next((store["root"] / "planted").rglob("*.jsonl")).read_text(encoding="utf-8")
    assert all(secret in transcript for secret in (AWS_ID, AWS_SECRET, GITHUB_PAT_CLASSIC, PASSWORD))
    db = store["db"]
    assert _rows(db, "SELECT count(*) FROM messages WHERE instr(text, ?) > 0", (RAW,))[0][0] > 0
    assert _rows(db, "SELECT count(*) FROM messages WHERE instr(text, ?) > 0", (ANTHROPIC,))[0][0] > 0
    assert _rows(db, "SELECT count(*) FROM feedback WHERE instr(note, ?) > 0", (RAW,))[0][0] == 1
    assert _rows(db, "SELECT count(*) FROM runs WHERE instr(command, ?) > 0", (RAW,))[0][0] == 1
    summary = cli(
        "dataset",
        "export",
        "--db",
        db,
        "--kind",
        "chats",
        "--format",
        "jsonl",
        "--to",
        store["root"] / "c.jsonl",
        "--json",
    )
    assert summary.exit_code == 0 and summary.json()["redacted"] > 0


@pytest.mark.slow
def test_the_same_store_gives_the_same_bytes(store: dict[str, Any]) -> None:
    # Every kind's reader in one format, and every format's writer on two kinds (a writer reads no
    # kind, a kind's rows are the same whatever the format).
    pairs = [(kind, "jsonl") for kind in ("records", "chats", "commits", "sessions")]
    pairs += [(kind, fmt) for kind in ("records", "sessions") for fmt in FORMATS if fmt != "jsonl"]
    for kind, fmt in pairs:
        first, second = _export(store, kind, fmt, "first"), _export(store, kind, fmt, "second")
        if fmt == "hf":
            for name in ("README.md", "data/train.parquet"):
                assert (first / name).read_bytes() == (second / name).read_bytes(), (kind, name)
        else:
            assert first.read_bytes() == second.read_bytes(), (kind, fmt)


@pytest.mark.slow
def test_records_follow_the_origin_format(store: dict[str, Any]) -> None:
    rows = _load(_export(store, "records", "jsonl", "origin"), "jsonl", store["root"])
    assert list(rows[0]) == ["type", "id", "timestamp", "input", "output", "context", "project", "rating", "weight"]
    assert {row["type"] for row in rows} == {"chat", "commit"}
    assert all(set(row["context"]) == {"files", "tools_used"} for row in rows)
    assert [row["timestamp"] or "" for row in rows] == sorted(row["timestamp"] or "" for row in rows)
    assert any(row["context"]["files"] and row["context"]["tools_used"] and row["output"] for row in rows)


@pytest.mark.slow
def test_a_chat_holds_its_turn(store: dict[str, Any]) -> None:
    """The codemie session that creates hello.py, then asks for a comment in it: the second chat
    read and edited hello.py (the transcript's own Read and Edit calls of that turn)."""
    rows = _load(_export(store, "chats", "jsonl", "turn"), "jsonl", store["root"])
    chat = next(row for row in rows if row["prompt"] == "update py with one liner comment")
    assert chat["chat"] == 2 and chat["agent"] == "claude-code"
    assert chat["files_modified"] == ["hello.py"] and chat["files_referenced"] == ["hello.py"]
    assert chat["tools_used"] == ["Read", "Edit"] and chat["tool_calls"] == 2
    assert "comment" in chat["response"] and chat["tokens"]["output"] > 0


@pytest.mark.slow
def test_filters(store: dict[str, Any]) -> None:
    db, rated = store["db"], store["rated"]
    everything = _load(_export(store, "chats", "jsonl", "every"), "jsonl", store["root"])
    project = _rows(db, "SELECT project FROM sessions WHERE id = ?", (rated,))[0][0]
    only = _load(_export(store, "chats", "jsonl", "project", "--project", project), "jsonl", store["root"])
    assert only and {row["project"] for row in only} == {project} and len(only) < len(everything)

    since = "2024-08-15T00:00Z"  # a bare date is a local day (arg_types.since_time)
    later = _load(_export(store, "chats", "jsonl", "since", "--since", since), "jsonl", store["root"])
    assert later and all(row["timestamp"] >= "2024-08-15T00:00:00.000Z" for row in later)
    assert len(later) == sum(1 for row in everything if (row["timestamp"] or "") >= "2024-08-15T00:00:00.000Z")
    assert len(later) < len(everything)

    good = _load(_export(store, "chats", "jsonl", "good", "--min-rating", "4"), "jsonl", store["root"])
    prompts = _rows(
        db, "SELECT count(*) FROM messages WHERE kind = 'prompt' AND session_id IN (?, ?)", (rated, store["planted"])
    )
    assert len(good) == prompts[0][0] - 1  # chat 1 of the rated session is rated 1: its own rating wins
    assert all(row["feedback"]["rating"] >= 4 for row in good)
    assert {row["feedback"]["source"] for row in good} == {"session"}
    assert f"{rated}#1" not in {row["id"] for row in good}
    bad = _load(_export(store, "chats", "jsonl", "bad", "--min-rating", "1"), "jsonl", store["root"])
    first = next(row for row in bad if row["id"] == f"{rated}#1")
    assert first["feedback"] == {"rating": 1, "note": "wrong file", "source": "chat"} and first["weight"] == 0.3333

    sessions = _load(_export(store, "sessions", "jsonl", "rated", "--min-rating", "4"), "jsonl", store["root"])
    assert [row["started_at"] for row in sessions] == sorted(row["started_at"] for row in sessions)
    assert {row["id"] for row in sessions} == {rated, store["planted"]}
    assert all(row["weight"] > 1 for row in sessions)
    runs = _load(_export(store, "runs", "jsonl", "runs", "--min-rating", "3"), "jsonl", store["root"])
    assert runs == []
    lessons = cli(
        "dataset", "export", "--db", db, "--kind", "lessons", "--format", "jsonl", "--to", "-", "--min-rating", "3"
    )
    assert lessons.exit_code == 1 and "carry no rating" in lessons.stderr


def test_feedback_on_sessions_and_chats(store: dict[str, Any], tmp_path: Path) -> None:
    db, rated = store["db"], store["rated"]
    shown = cli("feedback", "chat", f"{rated[:8]}#2", "--note", "fine", "--db", db, "--json").json()
    assert shown["id"] == f"{rated}#2" and shown["note"] == "fine" and shown["rating"] is None
    again = cli("feedback", "chat", f"{rated}#2", "--rating", "3", "--db", db, "--json").json()
    assert (again["rating"], again["note"]) == (3, "fine")  # what is not given keeps its value
    for args, message, status in (
        (("chat", f"{rated}#0"), "not chat 0", 2),  # an id that names nothing: a usage error
        (("chat", rated), "SESSION#N", 2),
        (("session", "no-such-session"), "no session matches", 2),
        (("sessions", rated), "not 'sessions'", 1),
        (("session", rated, "--should-have-waited"), "for runs only", 1),
        (("session", rated), "nothing to record", 1),
        (("abc",), "not a run id", 1),
    ):
        extra = () if "nothing" in message or "--should-have-waited" in args else ("--rating", "3")
        result = cli("feedback", *args, *extra, "--db", db)
        assert result.exit_code == status and message in result.stderr, (args, result.stderr)
    run = cli("feedback", "1", "--should-have-stopped", "--db", db, "--json").json()
    assert (run["rating"], run["verdict"]) == (2, "should_have_stopped")
    stored = _rows(db, "SELECT note FROM feedback WHERE session_id = ? AND kind = 'session'", (store["planted"],))
    assert stored == [("leaked password=[REDACTED:assigned-secret] here",)]


def test_forgetting_a_session_forgets_its_feedback(store: dict[str, Any], tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    source = sqlite3.connect(store["db"])
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    assert _rows(copy, "SELECT count(*) FROM feedback WHERE session_id = ?", (store["rated"],))[0][0] >= 2
    assert cli("forget", "session", store["rated"], "--yes", "--db", copy).exit_code == 0
    assert _rows(copy, "SELECT count(*) FROM feedback WHERE session_id = ?", (store["rated"],)) == [(0,)]


def test_errors(store: dict[str, Any], tmp_path: Path) -> None:
    db = store["db"]
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    taken = cli("dataset", "export", "--db", db, "--kind", "lessons", "--format", "hf", "--to", folder)
    assert taken.exit_code == 1 and "not empty" in taken.stderr and (folder / "notes.txt").exists()
    mine = tmp_path / "mine.jsonl"  # a file already there is replaced only with --force (issue 82)
    mine.write_text("my own notes\n", encoding="utf-8")
    kept = cli("dataset", "export", "--db", db, "--kind", "sessions", "--format", "jsonl", "--to", mine)
    assert kept.exit_code == 1 and "exists: nothing was written (--force replaces it)" in kept.stderr
    assert mine.read_text(encoding="utf-8") == "my own notes\n"
    forced = cli("dataset", "export", "--db", db, "--kind", "sessions", "--format", "jsonl", "--to", mine, "--force")
    assert forced.exit_code == 0 and mine.read_text(encoding="utf-8").startswith("{")
    empty = cli(
        "dataset",
        "export",
        "--db",
        db,
        "--kind",
        "runs",
        "--format",
        "hf",
        "--to",
        tmp_path / "e",
        "--since",
        "2999-01-01",
    )
    assert empty.exit_code == 1 and "cannot be empty" in empty.stderr
    since = cli("dataset", "export", "--db", db, "--format", "jsonl", "--to", "-", "--since", "last week")
    assert since.exit_code == 2 and "argument --since: not a date, time or duration: 'last week'" in since.stderr
    week = cli("dataset", "export", "--db", db, "--kind", "sessions", "--format", "jsonl", "--to", "-", "--since", "7d")
    assert week.exit_code == 0 and week.output == ""  # issue 26: a duration, as cleanup --older-than takes
    until = cli(
        "dataset", "export", "--db", db, "--kind", "sessions", "--format", "jsonl", "--to", "-", "--until", "2999-01-01"
    )
    every = cli(
        "dataset", "export", "--db", db, "--kind", "sessions", "--format", "jsonl", "--to", "-"
    ).output.splitlines()
    timed = [line for line in every if json.loads(line)["started_at"] is not None]  # untimed: left out by --until
    assert until.exit_code == 0 and until.output.splitlines() == timed and timed  # (every session has a start now)
    stdout = cli("dataset", "export", "--db", db, "--kind", "lessons", "--format", "jsonl", "--to", "-")
    assert stdout.exit_code == 0 and len(stdout.output.splitlines()) == _expected(db)["lessons"]
    parquet = cli("dataset", "export", "--db", db, "--format", "parquet", "--to", "-")
    assert parquet.exit_code == 1 and "standard output" in parquet.stderr
    # An earlier export's folder is replaced.
    again = _export(store, "lessons", "hf", "again")
    assert _export(store, "lessons", "hf", "again") == again and (again / "data" / "train.parquet").is_file()


def test_a_missing_extra_is_named(store: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without pyarrow (an import that fails, as on an install without the `export` extra),
    parquet and hf say what to install; jsonl and csv still work."""
    for name in [module for module in sys.modules if module == "pyarrow" or module.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    for fmt in ("parquet", "hf"):
        result = cli(
            "dataset", "export", "--db", store["db"], "--kind", "lessons", "--format", fmt, "--to", tmp_path / fmt
        )
        assert result.exit_code == 1, result.stderr
        assert (
            re.search(rf"pip install (-e )?'{re.escape(str(REPO_ROOT))}\[export\]'", result.stderr)
            and not (tmp_path / fmt).exists()
        )
    assert not list(tmp_path.iterdir())  # no partial file left behind
    ok = cli(
        "dataset", "export", "--db", store["db"], "--kind", "lessons", "--format", "csv", "--to", tmp_path / "l.csv"
    )
    assert ok.exit_code == 0, ok.stderr


def test_commits(store: dict[str, Any]) -> None:
    """A commit's files and counts are git's own (git show --numstat), its diff summary one line
    per file; --project names a repository."""
    release = store["release"]
    rows = _load(_export(store, "commits", "jsonl", "release", "--project", str(release)), "jsonl", store["root"])
    count = subprocess.run(
        ["git", "-C", str(release), "rev-list", "--count", "--first-parent", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert {row["repository"] for row in rows} == {str(release)}
    assert len(rows) >= int(count.stdout)
    assert [row["timestamp"] for row in rows] == sorted(row["timestamp"] for row in rows)
    sample = next(row for row in rows if not row["is_merge"] and len(row["files"]) >= 2)
    numstat = subprocess.run(
        ["git", "-C", str(release), "show", "--no-renames", "--numstat", "--format=", sample["id"]],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    stats = [line.split("\t") for line in numstat if line]
    assert sorted(path for _a, _d, path in stats) == sorted(sample["files"])
    assert sum(int(a) for a, _d, _p in stats if a != "-") == sample["insertions"]
    assert len(sample["diff_summary"].splitlines()) == len(sample["files"])
    planted = _load(_export(store, "commits", "jsonl", "planted", "--project", "planted-repo"), "jsonl", store["root"])
    assert len(planted) == 1 and planted[0]["type"] == "feat" and planted[0]["scope"] == "deploy"
    assert planted[0]["diff_summary"] == "A +1 -0 deploy.env" and "[REDACTED:" in planted[0]["message"]
    rated = cli(
        "dataset",
        "export",
        "--db",
        store["db"],
        "--kind",
        "commits",
        "--format",
        "jsonl",
        "--to",
        "-",
        "--min-rating",
        "2",
    )
    assert rated.exit_code == 1 and "carry no rating" in rated.stderr
