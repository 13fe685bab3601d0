"""`lessonloop forget`: sessions, projects and the whole store deleted for good, on real stores built
by ingesting real transcripts (built ones, the bundled sample, the corpus)."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply.hooks.failures import log_failure, log_path
from lessonloop.sample import sample_transcripts
from lessonloop.store import open_store
from lessonloop.store.forgetting import forget_sessions
from lessonloop.store.projects.names import InexactProject, exact_project
from tests.conftest import cli, dump_store, store_differences
from tests.transcript_builder import TranscriptBuilder

SECRET = "QUOKKAZEBRA-7731"  # in the forgotten session's prompt only

# Every table that names a session by one of these columns.
_SESSION_COLUMNS = {
    "sessions": "id",
    "messages": "session_id",
    "tool_calls": "session_id",
    "token_usage": "session_id",
    "file_sessions": "session_id",
    "session_executions": "session_id",
    "analysis_signals": "session_id",
    "call_errors": "session_id",
    "rule_results": "session_id",
    "diff_risk": "session_id",
    "findings": "session_id",
    "lesson_evidence": "session_id",
    "hook_sessions": "session_id",
    "hook_decisions": "session_id",
    "live_calls": "session_id",
}


def _rows(db: Path, sql: str, params: tuple[object, ...] | dict[str, object] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def _count(db: Path, table: str, session_id: str) -> int:
    column = _SESSION_COLUMNS[table]
    return int(
        _rows(
            db, f"SELECT count(*) FROM {table} WHERE {column} = ? OR {column} LIKE ?", (session_id, session_id + "/%")
        )[0][0]
    )


def _store_bytes(db: Path) -> bytes:
    """The store file and its write-ahead log, as they are on disk."""
    data = db.read_bytes()
    wal = db.with_name(db.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def _hook_rows(db: Path, session_id: str, project: str, text: str) -> None:
    """What the hooks store for a session as it runs (the rows forget must delete too)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute(
            "INSERT INTO hook_sessions (session_id, project, cwd, started_at) VALUES (?, ?, ?, '2026-11-01T09:00:00.000Z')",
            (session_id, project, project),
        )
        conn.execute(
            """INSERT INTO hook_decisions (session_id, event, ts, action, detail)
               VALUES (?, 'UserPromptSubmit', '2026-11-01T09:00:01.000Z', 'inject', ?)""",
            (session_id, f'{{"prompt": "{text}"}}'),
        )
        conn.execute(
            """INSERT INTO live_calls (id, session_id, seq, ts, tool, command, ok, status, result_text)
               VALUES (?, ?, 1, '2026-11-01T09:00:02.000Z', 'Bash', 'make', 1, 'ok', ?)""",
            (f"live-{session_id}", session_id, f"live output {text}"),
        )
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def built(tmp_path: Path) -> dict[str, Any]:
    """A store from two projects' transcripts, analyzed and learned as `lessonloop ingest` does:
    the secret session (with a subagent, and hook rows) and two others."""
    root = tmp_path / "transcripts"
    secret = TranscriptBuilder(cwd="/home/dev/secret-app")
    secret.prompt(f"fix {SECRET} in the parser please")
    secret.bash("git push", "fatal: The current branch feat has no upstream branch.", exit_code=128)
    secret.bash("git push --set-upstream origin feat", "ok")
    task = secret.tool_use("Task", {"description": "look", "prompt": "look around", "subagent_type": "Explore"})
    secret.tool_result(task, "done", is_error=False, tool_use_result={"agentId": "a5ec12"})
    secret.write(root / "secret" / f"{secret.session_id}.jsonl")
    sub = TranscriptBuilder(session_id=secret.session_id, agent_id="a5ec12", cwd="/home/dev/secret-app")
    sub.prompt("look around")
    sub.bash("ls", "parser.py")
    sub.write(root / "secret" / secret.session_id / "subagents" / "agent-a5ec12.jsonl")
    other = TranscriptBuilder(cwd="/home/dev/open-app")
    other.prompt("add a feature to the open app")
    other.bash("pytest -q", "3 passed")
    other.write(root / "open" / f"{other.session_id}.jsonl")
    third = TranscriptBuilder(cwd="/home/dev/open-app")
    third.prompt("another open session")
    third.bash("ls", "x")
    third.write(root / "open" / f"{third.session_id}.jsonl")
    db = tmp_path / "store" / "lessonloop.db"
    result = cli("ingest", "--db", db, root)
    assert result.exit_code == 0, result.stderr
    _hook_rows(db, secret.session_id, "/home/dev/secret-app", SECRET)
    _hook_rows(db, other.session_id, "/home/dev/open-app", "open work")
    return {"db": db, "root": root, "secret": secret, "other": other, "third": third}


def test_forget_session_deletes_every_row_and_the_text_from_the_file(built: dict[str, Any]) -> None:
    db: Path = built["db"]
    secret_id: str = built["secret"].session_id
    other_id: str = built["other"].session_id
    assert _count(db, "sessions", secret_id) == 2  # the session and its subagent
    for table in ("messages", "tool_calls", "token_usage", "session_executions", "rule_results", "hook_decisions"):
        assert _count(db, table, secret_id) > 0, table
    others_before = {table: _count(db, table, other_id) for table in _SESSION_COLUMNS}
    conn = open_store(db)
    try:
        assert SECRET.encode() in _store_bytes(db)
        result = forget_sessions(conn, [secret_id], now="2026-12-01T00:00:00.000Z")
        # Checked while the connection is open: the write-ahead log exists and holds nothing of it.
        assert SECRET.encode() not in _store_bytes(db)
        assert secret_id.encode() in db.read_bytes()  # only its id, in forgotten_sessions
    finally:
        conn.close()
    assert result.sessions == [secret_id]
    assert result.contexts == 2
    assert result.vacuumed and result.wal_emptied
    assert result.deleted["sessions"] == 2
    assert result.deleted["hook_sessions"] == 1
    assert result.deleted["live_calls"] == 1
    for table in _SESSION_COLUMNS:
        assert _count(db, table, secret_id) == 0, table
        assert _count(db, table, other_id) == others_before[table], table
    assert sorted(_rows(db, "SELECT session_id, ts FROM forgotten_sessions")) == sorted(
        [(secret_id, "2026-12-01T00:00:00.000Z"), (f"{secret_id}/a5ec12", "2026-12-01T00:00:00.000Z")]
    )
    # The transcript files stay listed (with how far they were read): ingest does not re-read them.
    assert len(_rows(db, "SELECT path FROM source_files")) == 4
    assert SECRET.encode() not in _store_bytes(db)
    assert b"look around" not in db.read_bytes()  # the subagent's prompt went too


def test_forget_dry_run_counts_exactly_and_deletes_nothing(built: dict[str, Any], tmp_path: Path) -> None:
    db: Path = built["db"]
    before = dump_store(db)
    dry = cli("forget", "session", built["secret"].session_id[:8], "--db", db, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    planned = dry.json()
    assert planned["dry_run"] is True
    assert planned["target"] == "session"
    assert store_differences(before, dump_store(db)) == []
    text = cli("forget", "session", built["secret"].session_id, "--db", db, "--dry-run").output
    assert text.startswith("Would forget 1 session (+1 subagent context):")
    assert "Dry run: nothing was deleted." in text
    done = cli("forget", "session", built["secret"].session_id, "--db", db, "--json", "--yes")
    assert done.exit_code == 0, done.stderr
    real = done.json()
    assert real["dry_run"] is False
    assert real["deleted"] == planned["deleted"]
    assert real["rows"] == planned["rows"] > 0


def test_a_failure_midway_deletes_nothing(built: dict[str, Any]) -> None:
    db: Path = built["db"]
    before = dump_store(db)
    conn = open_store(db)
    try:
        # hook_sessions is deleted from last: by then everything else was deleted in the transaction.
        conn.execute(
            "CREATE TEMP TRIGGER boom BEFORE DELETE ON hook_sessions BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
        )
        with pytest.raises(sqlite3.IntegrityError, match="disk on fire"):
            forget_sessions(conn, [built["secret"].session_id])
        assert not conn.in_transaction
        assert conn.execute("SELECT count(*) FROM sqlite_temp_master WHERE name LIKE '_ll_%'").fetchone() == (0,)
    finally:
        conn.close()
    assert store_differences(before, dump_store(db)) == []
    assert _rows(db, "SELECT count(*) FROM forgotten_sessions") == [(0,)]


def test_a_forgotten_session_is_never_ingested_again(built: dict[str, Any], tmp_path: Path) -> None:
    db: Path = built["db"]
    secret: TranscriptBuilder = built["secret"]
    assert cli("forget", "session", secret.session_id, "--db", db, "--yes").exit_code == 0
    # Its transcript grows (the session was resumed): the new lines are read, and dropped.
    secret.prompt(f"more about {SECRET}")
    secret.bash("make", "built")
    path = built["root"] / "secret" / f"{secret.session_id}.jsonl"
    secret.write(path)
    result = cli("ingest", "--db", db, built["root"], "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["files"]["read"] == 1
    assert data["sessions"] == 0
    assert any(n["code"] == "forgotten-sessions" for n in data["notices"])
    assert not any(n["code"] == "result-without-call" for n in data["notices"])
    assert _count(db, "sessions", secret.session_id) == 0
    assert _count(db, "messages", secret.session_id) == 0
    # A copy of the transcripts in another folder (a backup restored) is not stored either.
    copy = tmp_path / "restored"
    shutil.copytree(built["root"] / "secret", copy)
    assert cli("ingest", "--db", db, copy).exit_code == 0
    assert _count(db, "sessions", secret.session_id) == 0
    assert _count(db, "tool_calls", secret.session_id) == 0
    assert SECRET.encode() not in db.read_bytes()
    # The other sessions are untouched and still ingested.
    assert _count(db, "sessions", built["other"].session_id) == 1


def test_forget_project_takes_all_its_sessions(built: dict[str, Any]) -> None:
    db: Path = built["db"]
    other, third = built["other"].session_id, built["third"].session_id
    result = cli("forget", "project", "open-app", "--db", db, "--json", "--yes")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["target"] == "project"
    assert data["project"] == "/home/dev/open-app"
    assert data["sessions"] == sorted([other, third])
    for session_id in (other, third):
        for table in _SESSION_COLUMNS:
            assert _count(db, table, session_id) == 0, table
    assert _rows(db, "SELECT DISTINCT project FROM sessions") == [("/home/dev/secret-app",)]
    none = cli("forget", "project", "open-app", "--db", db, "--yes")
    assert none.exit_code == 2
    assert "no project matches 'open-app'" in none.stderr


def _forget_off_a_terminal(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`lessonloop forget ARGS` in a real process whose standard input is not a terminal (a script)."""
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", "forget", *args, "--db", str(db)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120, check=False,
    )  # fmt: skip


def test_part_of_a_project_name_deletes_nothing_and_lists_the_matches(built: dict[str, Any]) -> None:
    db: Path = built["db"]
    before = dump_store(db)
    for given in ("open", "OPEN-APP", "dev/open"):  # part of one name, or letter case not exact
        loose = cli("forget", "project", given, "--db", db, "--yes")
        assert loose.exit_code == 2, (given, loose.stderr)
        assert "nothing was deleted" in loose.stderr
        assert f"{given!r} is not the name of a project, only part of the name of /home/dev/open-app" in loose.stderr
    several = cli("forget", "project", "app", "--db", db, "--yes", "--json")
    assert several.exit_code == 2 and several.output == ""
    assert "only part of 2 projects' names: /home/dev/open-app, /home/dev/secret-app" in several.stderr
    unknown = cli("forget", "project", "nowhere", "--db", db, "--yes")
    assert unknown.exit_code == 2 and "no project matches 'nowhere'" in unknown.stderr
    assert store_differences(before, dump_store(db)) == []


def test_an_exact_project_name_needs_yes_off_a_terminal(built: dict[str, Any]) -> None:
    db: Path = built["db"]
    other, third = built["other"].session_id, built["third"].session_id
    before = dump_store(db)
    refused = _forget_off_a_terminal(db, "project", "/home/dev/open-app")
    assert refused.returncode == 1, refused.stderr
    assert "Would forget 2 sessions of the project /home/dev/open-app:" in refused.stderr
    assert "Rows that would be deleted:" in refused.stderr  # the counts per table, as --dry-run shows them
    assert "nothing was deleted: `forget project` deletes for good and asks first, but standard input is not a " \
        "terminal; add --yes to confirm" in refused.stderr  # fmt: skip
    assert refused.stdout == ""
    session = _forget_off_a_terminal(db, "session", built["secret"].session_id)
    assert session.returncode == 1 and "add --yes to confirm" in session.stderr
    assert store_differences(before, dump_store(db)) == []
    # Its full name with a trailing slash, or its last folder, name it exactly; with --yes it goes.
    done = _forget_off_a_terminal(db, "project", "/home/dev/open-app/", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sessions"] == sorted([other, third])
    for session_id in (other, third):
        assert _count(db, "sessions", session_id) == 0
    assert _count(db, "sessions", built["secret"].session_id) == 2


def test_a_folder_several_projects_end_with_names_none_of_them() -> None:
    names = ["/home/dev/app", "/srv/app", "/home/dev/app-web", "C:\\work\\tool"]
    assert exact_project("/home/dev/app", names) == "/home/dev/app"
    assert exact_project("app-web", names) == "/home/dev/app-web"
    assert exact_project("tool", names) == "C:\\work\\tool"
    with pytest.raises(InexactProject) as both:
        exact_project("app", names)
    assert both.value.candidates == ["/home/dev/app", "/srv/app"]
    assert "is the folder of 2 projects" in str(both.value)
    with pytest.raises(InexactProject) as part:
        exact_project("web", names)
    assert part.value.candidates == ["/home/dev/app-web"]


def test_forget_session_errors(built: dict[str, Any]) -> None:
    db: Path = built["db"]
    secret_id = built["secret"].session_id
    sub = cli("forget", "session", f"{secret_id}/a5ec12", "--db", db)
    assert sub.exit_code == 1
    assert f"is a subagent of session {secret_id}" in sub.stderr
    unknown = cli("forget", "session", "ffffffff-nope", "--db", db)
    assert unknown.exit_code == 1
    assert "no session matches 'ffffffff-nope'" in unknown.stderr
    assert cli("forget").exit_code == 2
    missing = db.with_name("missing.db")
    nothing = cli("forget", "session", secret_id, "--db", missing)
    assert nothing.exit_code == 1
    assert f"there is no store at {missing}" in nothing.stderr
    assert not missing.exists()
    assert _count(db, "sessions", secret_id) == 2


def test_a_session_only_the_hooks_saw_can_be_forgotten(built: dict[str, Any]) -> None:
    db: Path = built["db"]
    _hook_rows(db, "hooks-only-session-1", "/home/dev/live", "live work")
    result = cli("forget", "session", "hooks-only", "--db", db, "--json", "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.json()["deleted"]["hook_decisions"] == 1
    assert _rows(db, "SELECT count(*) FROM hook_sessions WHERE session_id = 'hooks-only-session-1'") == [(0,)]
    assert _rows(db, "SELECT session_id FROM forgotten_sessions") == [("hooks-only-session-1",)]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_forget_asks_first(built: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    db: Path = built["db"]
    secret_id = built["secret"].session_id
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    refused = cli("forget", "session", secret_id, "--db", db)
    assert refused.exit_code == 1
    assert "Forget 1 session (+1 subagent context) for good?" in refused.stderr
    assert "Nothing was deleted." in refused.stderr
    assert _count(db, "sessions", secret_id) == 2
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    accepted = cli("forget", "session", secret_id, "--db", db)
    assert accepted.exit_code == 0, accepted.stderr
    assert accepted.output.startswith("Forgot 1 session (+1 subagent context):")
    assert _count(db, "sessions", secret_id) == 0


def test_lessons_left_without_evidence_are_forgotten(tmp_path: Path) -> None:
    """The bundled sample: forgetting one session deletes the learned lessons only it gave
    evidence to (their signature kept, no text), and keeps those other sessions support."""
    db = tmp_path / "sample.db"
    assert cli("ingest", "--db", db, sample_transcripts()).exit_code == 0
    session_id = "13128c20-5634-4f45-968e-0f7676938120"
    evidence: dict[int, set[str]] = {}
    for lesson_id, sid in _rows(db, "SELECT lesson_id, session_id FROM lesson_evidence"):
        evidence.setdefault(int(lesson_id), set()).add(str(sid).partition("/")[0])
    lessons = {int(r[0]): (str(r[1]), str(r[2])) for r in _rows(db, "SELECT id, signature, title FROM lessons")}
    only = {lid for lid, sids in evidence.items() if sids == {session_id}}
    shared = {lid for lid, sids in evidence.items() if session_id in sids and len(sids) > 1}
    assert only and shared  # the sample has both kinds
    doomed_titles = [lessons[lid][1] for lid in only]
    assert all(title.encode() in db.read_bytes() for title in doomed_titles)
    result = cli("forget", "session", session_id, "--db", db, "--json", "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.json()["lessons_forgotten"] == len(only)
    left = {int(r[0]) for r in _rows(db, "SELECT id FROM lessons")}
    assert left == set(lessons) - only
    assert shared <= left
    events = _rows(
        db, "SELECT lesson_id, signature, detail FROM lesson_events WHERE event = 'forgotten' ORDER BY lesson_id"
    )
    assert events == [(lid, lessons[lid][0], None) for lid in sorted(only)]
    assert _rows(
        db, f"SELECT count(*) FROM lesson_events WHERE lesson_id IN ({','.join(map(str, only))}) AND detail IS NOT NULL"
    ) == [(0,)]
    assert _rows(db, "SELECT count(*) FROM lesson_evidence WHERE session_id LIKE ?", (session_id + "%",)) == [(0,)]
    data = _store_bytes(db)
    for title in doomed_titles:
        assert title.encode() not in data
    # Learning again does not bring them back.
    assert cli("learn", "--db", db, "--force").exit_code == 0
    assert {int(r[0]) for r in _rows(db, "SELECT id FROM lessons")} == left
    assert not {str(r[0]) for r in _rows(db, "SELECT signature FROM lessons")} & {lessons[lid][0] for lid in only}


def test_forget_everything_deletes_the_store_and_keeps_the_config(
    built: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db: Path = built["db"]
    config = tmp_path / "cfg" / "config.toml"
    config.parent.mkdir()
    config.write_text("[capture]\nstore_prompts = false\n")
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(config))
    log_failure(str(db), "PreToolUse", "s1", "boom")
    assert Path(log_path(str(db))).exists()
    conn = open_store(db)  # an open connection keeps the -wal and -shm files
    try:
        conn.execute("INSERT INTO forgotten_sessions (session_id, ts) VALUES ('x', 'y')")
        wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
        assert wal.exists() and shm.exists()
        refused = cli("forget", "everything", "--db", db)
        assert refused.exit_code == 1
        assert "add --yes to confirm" in refused.stderr
        assert db.exists()
        dry = cli("forget", "everything", "--db", db, "--dry-run", "--json").json()
        assert [f["path"] for f in dry["would_delete"]] == [str(db), str(wal), str(shm), log_path(str(db))]
        assert dry["deleted"] == []
        assert db.exists()
    finally:
        conn.close()
    wal_existed = Path(f"{db}-wal").exists()
    done = cli("forget", "everything", "--db", db, "--yes")
    assert done.exit_code == 0, done.stderr
    assert done.output.startswith("Deleted:\n")
    assert str(db) in done.output
    assert log_path(str(db)) in done.output
    assert f"Kept the configuration {config}." in done.output
    assert not db.exists()
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()
    assert not Path(log_path(str(db))).exists()
    assert config.read_text() == "[capture]\nstore_prompts = false\n"
    assert not wal_existed or f"{db}-wal" in done.output
    nothing = cli("forget", "everything", "--db", db, "--yes")
    assert nothing.exit_code == 0
    assert "Nothing to delete" in nothing.output
    assert not db.exists()  # forget never creates the store it deletes


def test_forget_everything_asks_on_a_terminal(built: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    db: Path = built["db"]
    monkeypatch.setattr("sys.stdin", _Terminal("no\n"))
    assert cli("forget", "everything", "--db", db).exit_code == 1
    assert db.exists()
    monkeypatch.setattr("sys.stdin", _Terminal("yes\n"))
    assert cli("forget", "everything", "--db", db).exit_code == 0
    assert not db.exists()


@pytest.mark.corpus
def test_forget_a_corpus_session(corpus_store: Path, tmp_path: Path) -> None:
    """The real spotter corpus: a forgotten session's typed prompts are gone from the file, and
    only that session's rows went."""
    db = tmp_path / "corpus.db"
    shutil.copy(corpus_store, db)
    totals = {
        table: _rows(db, f"SELECT count(*) FROM {table}")[0][0] for table in ("sessions", "messages", "tool_calls")
    }
    session_id, prompt = _rows(
        db,
        """SELECT m.session_id, m.text FROM messages m JOIN sessions s ON s.id = m.session_id
           WHERE m.kind = 'prompt' AND s.parent_id IS NULL AND length(m.text) > 60
           ORDER BY length(m.text) DESC LIMIT 1""",
    )[0]
    own = {table: _count(db, table, session_id) for table in ("sessions", "messages", "tool_calls")}
    marker = prompt[:60].encode()
    copies = _rows(
        db,
        "SELECT count(*) FROM messages WHERE instr(text, ?) > 0 AND session_id NOT LIKE ?",
        (prompt[:60], session_id + "%"),
    )
    assert marker in db.read_bytes()
    result = cli("forget", "session", session_id, "--db", db, "--json", "--yes")
    assert result.exit_code == 0, result.stderr
    for table, total in totals.items():
        assert _rows(db, f"SELECT count(*) FROM {table}")[0][0] == total - own[table], table
        assert _count(db, table, session_id) == 0
    assert copies == [(0,)]  # the prompt is not quoted in another session
    assert marker not in _store_bytes(db)
