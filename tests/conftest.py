"""Shared fixtures: real SQLite stores in temporary folders, the real corpus when present."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lessonloop.analyze.inputs import SessionInput
from lessonloop.pipeline.ingest import IngestSummary, discover, ingest
from lessonloop.store import open_store
from lessonloop.store.sessions.reader import load_sessions

REPO_ROOT = Path(__file__).resolve().parent.parent
# ../shared/corpus holds real transcripts of several agents (<agent>/<source>/, each with a PROVENANCE.md).
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
# The spotter sessions: the Claude Code corpus most real-data tests and their exact figures are about.
CORPUS = Path(os.environ.get("LESSONLOOP_CORPUS", SHARED_CORPUS / "claude-code" / "spotter"))


# Fixtures that take seconds once per run (a whole corpus ingested, a PostgreSQL server started): a
# test asking for one is slow, and the quick run (`pytest -m "not slow"`, README "Development")
# leaves it out.
SLOW_FIXTURES = frozenset({"corpus_store", "corpus_sessions", "aider_dev_store", "team_server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


# The test run's settings, in the environment of every test and fixture (and of the processes they
# start): `ingest` analyzes and learns before it returns, and reads do not capture the machine's
# own transcripts first, for the fixtures of every scope too (a module's store is made before any
# test's own setting applies; the tests of those two set them back in their processes' env); the
# hooks' learning worker leaves as soon as its queue is empty (it lingers for a person:
# learning/live/worker.LINGER; tests/learning/live/test_worker.py tests that); and each hook
# process runs its call itself (a hook server per test's HOME would linger half an hour after its
# test; tests/apply/test_hook_server.py and the real agents' harness turn it on).
TEST_SETTINGS = {
    "LESSONLOOP_INGEST_WAIT": "1",
    "LESSONLOOP_REFRESH": "0",
    "LESSONLOOP_LEARN_LINGER": "0",
    "LESSONLOOP_HOOK_SERVER": "0",
}


def pytest_configure(config: pytest.Config) -> None:
    """TEST_SETTINGS, set when pytest starts and not when this module is imported: benchmarks
    import its helpers (SHARED_CORPUS, ...) and time lessonloop as a person runs it (those that
    compare stores after an ingest ask for the settings themselves)."""
    os.environ.update(TEST_SETTINGS)


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read the developer's own config file (projects mapping, policy), nor one that an
    earlier test wrote: each test gets a config folder of its own."""
    folder = tmp_path_factory.mktemp("no-user-config")
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(folder / "config.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    # Loading the embedding model takes seconds: only the tests about embeddings ask for it.
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", "none")
    monkeypatch.delenv("LESSONLOOP_BANDIT", raising=False)  # bandit as this interpreter finds it
    # `ingest` analyzes and learns before it returns (not in a background worker a test would race)
    # and reads do not capture the machine's own transcripts first: the tests of those two
    # (test_background_worker.py, test_read_refresh.py) set them back.
    monkeypatch.setenv("LESSONLOOP_INGEST_WAIT", "1")
    monkeypatch.setenv("LESSONLOOP_REFRESH", "0")


@pytest.fixture
def rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Redaction by the rules alone, without the learned last pass (secrets/learned_tokens.py):
    for the tests of what a rule finds and what it leaves alone. What the learned pass adds is
    measured on the look-alike sets (tests/secrets/test_secret_structure.py) and tested in
    tests/secrets/test_learned_tokens.py."""
    from lessonloop.secrets import redaction

    monkeypatch.setattr(redaction, "LEARNED", False)


@pytest.fixture
def corpus_dir() -> Path:
    """The spotter corpus of real Claude Code transcripts (skipped when ../shared is absent)."""
    if not CORPUS.is_dir():
        pytest.skip(f"real-data corpus not found at {CORPUS} (the ../shared folder is absent)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the whole spotter corpus, ingested once per test run. Do not modify it."""
    if not CORPUS.is_dir():
        pytest.skip(f"real-data corpus not found at {CORPUS} (the ../shared folder is absent)")
    db = tmp_path_factory.mktemp("corpus") / "lessonloop.db"
    run_ingest(db, CORPUS)
    return db


@pytest.fixture(scope="session")
def corpus_sessions(corpus_store: Path) -> list[SessionInput]:
    """Every main session of the spotter corpus, loaded as analysis input."""
    conn = open_store(corpus_store)
    try:
        ids = [row[0] for row in conn.execute("SELECT id FROM sessions WHERE parent_id IS NULL ORDER BY id")]
        return load_sessions(conn, ids)
    finally:
        conn.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "lessonloop.db"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A git repository in a temp folder, on branch feature-x (the agents' hook tests work in it)."""
    path = tmp_path / "project"
    path.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "feature-x", str(path)], check=True)
    return path


def run_ingest(db: Path, *paths: Path | str) -> IngestSummary:
    """Ingest `paths` into the store at `db` in this process, the way the CLI does."""
    sources, summary = discover([str(p) for p in paths])
    conn = open_store(db)
    try:
        return ingest(conn, sources, summary)
    finally:
        conn.close()


# Columns that record when or in which order something was stored, not what was stored.
_VOLATILE = {
    "ingested_at",
    "seen_at",
    "id",
    "applied_at",
    "mtime_ns",
    "analyzed_at",
    "imported_at",
    "created_at",
    "updated_at",
}
# Per table: times of a run, and the confidence (decayed up to the moment of learning).
_VOLATILE_IN = {
    "lesson_events": {"ts", "lesson_id"},
    "lessons": {"confidence"},
    "lesson_evidence": {"lesson_id"},
    "git_author_salt": {"salt"},  # a random key per store (m019)
}
# One row per run, or the store's change log and marks: differ between one ingest and several by design.
# Learning's checkpoints and their sessions' parts (m032) are kept at the boundaries its runs reached.
_RUN_LOGS = {
    "learn_runs",
    "redaction_state",
    "learn_changes",
    "learn_state",
    "analysis_marks",
    "learn_checkpoints",
    "learn_session_parts",
    "search_marks",  # the highest search place indexed (places are numbered as they come)
    # what a store watches and when it looked (store/capture_watch.py): where its ingests looked
    # (the folders named, discovery's places), not what they stored
    "capture_watch",
    "capture_watch_state",
}


Row = tuple[tuple[str, Any], ...]
Dump = dict[str, list[Row]]


def dump_store(db: Path) -> Dump:
    """Every table's content, comparable between stores: file ids replaced by paths, rows sorted."""
    conn = sqlite3.connect(db)
    try:
        paths = dict(conn.execute("SELECT id, path FROM source_files").fetchall())
        out: Dump = {}
        tables = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ]
        for table in sorted(tables):
            if table in _RUN_LOGS or table.startswith(("lessons_fts", "search_fts")):
                continue
            if table == "search_places":
                out[table] = _search_places(conn)
                continue
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            volatile = _VOLATILE | _VOLATILE_IN.get(table, set())
            keep = [c for c in columns if c not in volatile or (c == "id" and table in ("sessions", "tool_calls"))]
            if not keep:
                continue  # nothing comparable (a per-store random key)
            rows = []
            for row in conn.execute(f"SELECT {', '.join(keep)} FROM {table}"):
                values = dict(zip(keep, row, strict=True))
                if "source_file_id" in values:
                    values["source_file_id"] = paths.get(values["source_file_id"])
                rows.append(tuple(values.items()))
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        conn.close()


def _search_places(conn: sqlite3.Connection) -> list[Row]:
    """The search's places (m044), a message named by its session and uuid (its id is the order it
    was stored in), and the index's words: each with the places holding it and how often."""
    rows: list[Row] = [
        (("kind", kind), ("message", message), ("call_id", call_id), ("repository_id", repo), ("hash", hash_))
        for kind, message, call_id, repo, hash_ in conn.execute(
            """SELECT p.kind, m.session_id || ' ' || m.uuid, p.call_id, p.repository_id, p.hash
               FROM search_places p LEFT JOIN messages m ON m.id = p.message_id"""
        )
    ]
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_words USING fts5vocab(main, search_fts, 'row')")
    rows += [
        (("word", term), ("places", doc), ("times", cnt))
        for term, doc, cnt in conn.execute("SELECT term, doc, cnt FROM temp.search_words")
    ]
    return sorted(rows, key=repr)


def store_differences(expected: Dump, got: Dump, rows: int = 3) -> list[str]:
    """Which tables differ between two dumps, with a few missing and extra rows of each: a short,
    readable account where comparing the whole dumps would print the whole store."""
    out: list[str] = []
    for table in sorted(set(expected) | set(got)):
        want, have = expected.get(table, []), got.get(table, [])
        if want == have:
            continue
        missing = [row for row in want if row not in have]
        extra = [row for row in have if row not in want]
        out.append(f"{table}: {len(want)} rows expected, {len(have)} stored")
        out.extend(f"  missing {dict(row)}" for row in missing[:rows])
        out.extend(f"  extra   {dict(row)}" for row in extra[:rows])
    return out


class CliResult:
    """What one in-process run of the command line printed and returned."""

    def __init__(self, exit_code: int, output: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.output = output
        self.stderr = stderr

    def json(self) -> Any:
        import json

        return json.loads(self.output)


def cli(*args: str | Path) -> CliResult:
    """Run `lessonloop ARGS` in this process, capturing stdout and stderr."""
    import contextlib
    import io

    from lessonloop.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors, --help, --version
            code = int(exc.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real PostgreSQL server (tests/team_server.py) for one module's tests, stopped when they
    are done (not at the end of the whole run); the tests skip with the reason when none starts."""
    import warnings

    from tests.team_server import ServerUnavailable, start_server

    try:
        server = start_server(tmp_path_factory.mktemp("postgres"))
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    if server.fallback_reasons:
        warnings.warn(f"PostgreSQL from {server.kind}: {'; '.join(server.fallback_reasons)}", stacklevel=1)
    try:
        yield server
    finally:
        server.stop()


AIDER_DEV_HISTORY = SHARED_CORPUS / "aider" / "aider-dev" / "chat-history.md"


@pytest.fixture(scope="session")
def _aider_dev_ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """aider/aider-dev's history ingested once per test session (per worker with -n): the history's
    copy and its store. Tests take `aider_dev_store`, a copy of the store of their own."""
    import shutil

    if not AIDER_DEV_HISTORY.is_file():
        pytest.skip(f"aider/aider-dev corpus not found at {AIDER_DEV_HISTORY} (the ../shared folder is absent)")
    base = tmp_path_factory.mktemp("aider-dev-store")
    history = base / "aider-dev" / ".aider.chat.history.md"
    history.parent.mkdir()
    shutil.copyfile(AIDER_DEV_HISTORY, history)
    db = base / "s.db"
    folder = tmp_path_factory.mktemp("aider-dev-config")
    with pytest.MonkeyPatch.context() as env:  # as _no_user_config does for each test
        env.setenv("LESSONLOOP_CONFIG", str(folder / "config.toml"))
        env.setenv("XDG_CONFIG_HOME", str(folder))
        env.setenv("LESSONLOOP_EMBEDDINGS", "none")
        result = cli("ingest", "--db", db, "--no-progress", "--json", history)
    assert result.exit_code == 0, result.stderr
    return history, db


@pytest.fixture
def aider_dev_store(_aider_dev_ingested: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """(the aider/aider-dev history, a store of this test's own where it is ingested and analyzed)."""
    import shutil

    history, db = _aider_dev_ingested
    own = tmp_path / "s.db"
    for suffix in ("", "-wal"):
        if Path(f"{db}{suffix}").exists():
            shutil.copyfile(f"{db}{suffix}", f"{own}{suffix}")
    return history, own


# One active global lesson about `git push` without an upstream: what recall's tests look up.
GIT_PUSH_LESSON: dict[str, Any] = {
    "signature": "git-push-upstream",
    "kind": "usage",
    "title": "`git push` fails without --set-upstream: the branch has no upstream",
    "body": "git push failed: the current branch has no upstream branch.",
    "prevention": "Push with `git push --set-upstream origin HEAD`.",
    "scope": "global",
    "sessions": 3,
    "failed_sessions": 3,
    "observations": 3,
}


@pytest.fixture()
def git_push_store(tmp_path: Path) -> Path:
    """A store holding GIT_PUSH_LESSON, active."""
    return store_with_active_lessons(tmp_path, GIT_PUSH_LESSON)


def store_with_active_lessons(folder: Path, *lessons: dict[str, Any]) -> Path:
    """A store at folder/store/lessonloop.db holding `lessons` (exchange records), imported active."""
    import json

    db = folder / "store" / "lessonloop.db"
    source = folder / "lessons.jsonl"
    source.write_text("".join(json.dumps(lesson) + "\n" for lesson in lessons), encoding="utf-8")
    result = cli("lessons", "import", "--db", db, "--status", "active", source)
    assert result.exit_code == 0, result.stderr
    return db
