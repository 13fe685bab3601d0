"""A store written by an earlier version is redacted again when opened (store/redaction_pass.py):
every stored text column, chunk by chunk, the old bytes gone from the file and its -wal, the
look-alikes kept; again whenever the redaction rules change, and never twice for the same rules.

The old stores are real SQLite files built the way an earlier lessonloop left them: the schema of
its migrations (up to m012), rows with raw secrets inserted directly (as its weaker rules let them
through), deleted rows left in free pages, and frames still in the write-ahead log.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessonloop.core import json_codec
from lessonloop.store import open_store
from lessonloop.store import redaction_pass as rp
from lessonloop.store.migrations import all_migrations
from tests.conftest import cli
from tests.secret_samples import ANTHROPIC, AWS_ID, GITHUB_PAT_CLASSIC, JWT, LOOK_ALIKES, PEM, PEM_BODY

# Secrets every version of the rules catches, so these tests are about the pass, not the rules.
SECRET_TEXTS = (
    f"deploy with {GITHUB_PAT_CLASSIC} now",
    f"aws configure set aws_access_key_id {AWS_ID}",
    f"the key {ANTHROPIC} works",
    f"cookie {JWT}",
    f"key:\n{PEM}\n",
)
SECRETS = (GITHUB_PAT_CLASSIC, AWS_ID, ANTHROPIC, JWT, PEM_BODY)
OLD_MIGRATIONS = sorted((step for step in all_migrations() if step.__name__ < "m013"), key=lambda step: step.__name__)


def old_store(path: Path) -> sqlite3.Connection:
    """A store as lessonloop left it before m013: its schema, secure_delete off. The connection
    stays open (its log is not checkpointed into the file until it closes)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA secure_delete = OFF")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for step in OLD_MIGRATIONS:
        conn.execute("BEGIN")
        step(conn)
        conn.execute("INSERT INTO _migrations VALUES (?, '2026-11-01T00:00:00.000Z')", (step.__name__,))
        conn.execute("COMMIT")
    return conn


def fill(conn: sqlite3.Connection, text: str, n: int = 0) -> None:
    """One row in every table holding free text, each text column holding `text` (JSON columns
    a JSON document holding it)."""
    doc = json_codec.dumps({"text": text, "command": text, "nested": [{"output": text}]})
    tool_input = json_codec.dumps({"command": text, "description": text})
    conn.execute("INSERT OR IGNORE INTO source_files (id, path, agent) VALUES (1, '/t/s.jsonl', 'claude-code')")
    conn.execute(
        "INSERT INTO sessions (id, kind, agent, title, description, source_file_id) VALUES (?, 'main', 'claude-code', ?, ?, 1)",
        (f"s{n}", text, text),
    )
    conn.execute(
        """INSERT INTO messages (session_id, uuid, seq, role, kind, text, source_file_id)
           VALUES (?, ?, 1, 'user', 'prompt', ?, 1)""",
        (f"s{n}", f"u{n}", text),
    )
    conn.execute(
        """INSERT INTO tool_calls (id, session_id, seq, tool, input_json, command, error_text, result_text, diff,
               source_file_id) VALUES (?, ?, 2, 'Bash', ?, ?, ?, ?, ?, 1)""",
        (f"t{n}", f"s{n}", tool_input, text, text, text, f"+{text}"),
    )
    conn.execute("INSERT INTO session_summaries VALUES (?, ?, ?, 1)", (f"u{n}", text, n))
    conn.execute(
        "INSERT INTO ingest_problems (path, code, detail, seen_at) VALUES ('/t/s.jsonl', 'x', ?, 'now')", (text,)
    )
    conn.execute(
        """INSERT INTO session_executions (session_id, fingerprint, analyzed_at, tool_calls, typed_prompts,
               rules_applicable, rules_satisfied, blind_edits, stale_edits, duplicate_reads, search_loops, re_edits,
               errors, usage_errors, corrections, findings, unresolved_errors, tests_run, corrections_in_session,
               opens_with_correction, reverted_changes, detail)
           VALUES (?, 'f', 'now', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ?)""",
        (f"s{n}", doc),
    )
    conn.execute(
        "INSERT INTO analysis_signals (session_id, context_id, kind, detail) VALUES (?, ?, 'correction', ?)",
        (f"s{n}", f"s{n}", doc),
    )
    conn.execute("INSERT INTO call_errors VALUES (?, ?, ?, 'X', 0, 0.5, ?)", (f"t{n}", f"s{n}", f"s{n}", text))
    conn.execute("INSERT INTO rule_results VALUES (?, 'r', 'violated', ?)", (f"s{n}", doc))
    conn.execute(
        "INSERT INTO findings (source, kind, rule, severity, message) VALUES ('builtin', 'risk', 'r', 'low', ?)",
        (text,),
    )
    conn.execute(
        """INSERT INTO lessons (signature, kind, origin, title, body, prevention, prevention_command, trigger,
               trigger_text, error_signature, category, severity, scope, confidence, tier, status, created_at,
               updated_at)
           VALUES (?, 'correction', 'learned', ?, ?, ?, ?, ?, ?, ?, ?, 'low', 'global', 0.5, 'active', 'active',
               'now', 'now')""",
        (f"sig{n}", text, text, text, text, json_codec.dumps({"tool": "Bash", "words": [text]}), text, text, text),
    )
    lesson = conn.execute("SELECT id FROM lessons WHERE signature = ?", (f"sig{n}",)).fetchone()[0]
    conn.execute("INSERT INTO lesson_evidence (lesson_id, role, detail) VALUES (?, 'correction', ?)", (lesson, doc))
    conn.execute(
        "INSERT INTO lesson_events (lesson_id, ts, event, detail) VALUES (?, 'now', 'edited', ?)", (lesson, doc)
    )
    conn.execute(
        "INSERT INTO hook_decisions (session_id, event, ts, action, detail) VALUES (?, 'x', 'now', 'none', ?)",
        (f"s{n}", doc),
    )
    conn.execute(
        """INSERT INTO live_calls (id, session_id, seq, ts, tool, input_json, command, ok, status, error_text,
               result_text) VALUES (?, ?, 1, 'now', 'Bash', ?, ?, 0, 'error', ?, ?)""",
        (f"l{n}", f"s{n}", tool_input, text, text, text),
    )
    run = conn.execute(
        """INSERT INTO runs (started_at, ended_at, command, command_norm, program, mode, settings, exit_status,
               reason, stopped, duration, match_count, idle_count, stdout_lines, stdout_bytes, stderr_lines,
               stderr_bytes, feedback_note)
           VALUES ('now', 'now', ?, ?, 'x', 'pipes', ?, 0, 'exit', 0, 1.0, 0, 0, 0, 0, 0, 0, ?)""",
        (text, text, doc, text),
    ).lastrowid
    conn.execute("INSERT INTO run_patterns VALUES (?, 'error', ?, 1)", (run, text))
    conn.execute(
        """INSERT INTO run_matches (run_id, seq, kind, pattern, stream, line, offset, text, before, after)
           VALUES (?, 1, 'error', ?, 'stdout', 1, 0.5, ?, ?, ?)""",
        (run, text, text, json_codec.dumps([text]), json_codec.dumps([text])),
    )


def raw_bytes(path: Path) -> bytes:
    """The store file and its -wal, as bytes."""
    out = path.read_bytes()
    wal = Path(f"{path}-wal")
    return out + (wal.read_bytes() if wal.exists() else b"")


def found_in(data: bytes, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    """The secrets that occur in `data`, as written or lower-cased (the search index folds case)."""
    return [s for s in secrets if s.encode() in data or s.lower().encode() in data]


@pytest.fixture
def leaky(tmp_path: Path) -> Iterator[tuple[Path, sqlite3.Connection]]:
    """An old store holding every secret in every text column, in its file, free pages and log."""
    path = tmp_path / "old.db"
    conn = old_store(path)
    for n, text in enumerate(SECRET_TEXTS):
        conn.execute("BEGIN")
        fill(conn, text, n)
        conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # into the file...
    conn.execute("BEGIN")
    fill(conn, SECRET_TEXTS[0], 99)
    conn.execute("DELETE FROM messages WHERE session_id = 's99'")  # ... into free pages ...
    conn.execute("COMMIT")
    conn.execute("BEGIN")
    conn.execute("UPDATE sessions SET title = ? WHERE id = 's0'", (SECRET_TEXTS[1],))  # ... and the log
    conn.execute("COMMIT")
    try:
        yield path, conn
    finally:
        conn.close()


def test_the_old_store_holds_the_secrets_in_its_file_and_log(leaky: tuple[Path, sqlite3.Connection]) -> None:
    path, _conn = leaky
    assert found_in(path.read_bytes()) == list(SECRETS)
    assert found_in(Path(f"{path}-wal").read_bytes())


def test_opening_an_old_store_redacts_every_text_and_leaves_no_old_bytes(
    leaky: tuple[Path, sqlite3.Connection],
) -> None:
    path, _old = leaky
    conn = open_store(path)
    try:
        state = conn.execute(
            "SELECT rules_digest, rows_changed, secrets, compact_pending FROM redaction_state"
        ).fetchone()
        left = [
            f"{table}.{column}"
            for table, column, _scope in rp.stored_texts().text_columns
            for (value,) in conn.execute(f"SELECT {column} FROM {table}")
            if value is not None and found_in(str(value).encode())
        ]
        fts = conn.execute("SELECT count(*) FROM lessons_fts WHERE lessons_fts MATCH 'REDACTED'").fetchone()[0]
    finally:
        conn.close()
    assert left == []
    assert state[0] == rp.rules_digest() and state[1] > 0 and state[2] > 0 and state[3] == 0
    assert found_in(raw_bytes(path)) == []
    assert fts == len(SECRET_TEXTS) + 1  # the search index holds the redacted texts


def test_every_column_is_rewritten_in_its_scope(leaky: tuple[Path, sqlite3.Connection]) -> None:
    path, _old = leaky
    conn = open_store(path)
    try:
        title, command, input_json, before = conn.execute(
            """SELECT s.title, c.command, c.input_json, m.before FROM sessions s, tool_calls c, run_matches m
               WHERE s.id = 's2' AND c.id = 't2' AND m.rowid = 3"""
        ).fetchone()
    finally:
        conn.close()
    assert title == "the key [REDACTED:anthropic-key] works"
    assert command == "the key [REDACTED:anthropic-key] works"
    assert json_codec.loads(input_json) == {"command": command, "description": command}
    assert json_codec.loads(before) == [command]


@pytest.mark.usefixtures("rules_only")  # the rules' look-alikes (what the learned pass adds: test_learned_tokens.py)
def test_look_alikes_are_kept_and_a_clean_store_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = old_store(path)
    for n, text in enumerate(LOOK_ALIKES):
        old.execute("BEGIN")
        fill(old, text, n)
        old.execute("COMMIT")
    old.close()
    before = {table: _texts(path, table, column) for table, column, _s in rp.stored_texts().text_columns}
    conn = open_store(path)
    try:
        rows_changed = conn.execute("SELECT rows_changed FROM redaction_state").fetchone()[0]
    finally:
        conn.close()
    assert rows_changed == 0
    assert {table: _texts(path, table, column) for table, column, _s in rp.stored_texts().text_columns} == before


def _texts(path: Path, table: str, column: str) -> list[object]:
    """A column's texts; none for a table that a later migration adds (the old store lacks it)."""
    conn = sqlite3.connect(path)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
            return []
        return [row[0] for row in conn.execute(f"SELECT {column} FROM {table} ORDER BY rowid")]
    finally:
        conn.close()


def test_the_pass_runs_once_per_rules_and_again_when_they_change(leaky: tuple[Path, sqlite3.Connection]) -> None:
    path, _old = leaky
    open_store(path).close()
    conn = open_store(path)
    try:
        first = conn.execute("SELECT applied_at FROM redaction_state").fetchone()[0]
        assert not rp.needs_pass(conn)
        # Rules changed since (another digest recorded, from rule files of other sizes and times):
        # the next open redacts again.
        conn.execute("UPDATE redaction_state SET rules_digest = 'rules of an older version', sources_stat = 'other'")
    finally:
        conn.close()
    conn = open_store(path)
    try:
        digest, applied, changed = conn.execute(
            "SELECT rules_digest, applied_at, rows_changed FROM redaction_state"
        ).fetchone()
    finally:
        conn.close()
    assert digest == rp.rules_digest() and applied >= first and changed == 0


def test_the_pass_goes_in_chunks_and_a_crash_midway_records_nothing(
    leaky: tuple[Path, sqlite3.Connection], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _old = leaky
    conn = open_store(path, migrate=True, redact=False)
    try:
        assert rp.needs_pass(conn)
        calls = 0
        real = rp._update

        def crash_on_the_fourth(*args: object) -> None:
            nonlocal calls
            calls += 1
            if calls == 4:
                raise KeyboardInterrupt
            real(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(rp, "_update", crash_on_the_fourth)
        with pytest.raises(KeyboardInterrupt):
            rp.redact_store(conn, chunk_rows=2)
        assert rp.needs_pass(conn)  # nothing recorded: the next open starts again
        monkeypatch.setattr(rp, "_update", real)
        result = rp.redact_store(conn, chunk_rows=2)
        assert result.rows_changed > 0 and not rp.needs_pass(conn)
        assert rp.redact_store(conn, chunk_rows=2).rows_changed == 0  # clean rows are not rewritten
    finally:
        conn.close()


def test_two_patterns_of_a_run_that_become_one_add_up(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = old_store(path)
    old.execute("BEGIN")
    fill(old, "plain", 0)
    run = old.execute("SELECT id FROM runs").fetchone()[0]
    other = f"deploy with {GITHUB_PAT_CLASSIC[:-1]}X now"  # another token: the same once redacted
    old.execute("INSERT INTO run_patterns VALUES (?, 'error', ?, 2)", (run, SECRET_TEXTS[0]))
    old.execute("INSERT INTO run_patterns VALUES (?, 'error', ?, 3)", (run, other))
    old.execute("COMMIT")
    old.close()
    conn = open_store(path)
    try:
        rows = conn.execute("SELECT pattern, matches FROM run_patterns WHERE pattern != 'plain'").fetchall()
    finally:
        conn.close()
    assert rows == [("deploy with [REDACTED:github-token] now", 5)]


def test_every_text_column_of_the_schema_is_redacted_or_named_as_kept(db_path: Path) -> None:
    conn = open_store(db_path)
    try:
        assert rp.unclassified_columns(conn) == []
    finally:
        conn.close()


def test_the_cli_shows_the_old_store_redacted(leaky: tuple[Path, sqlite3.Connection]) -> None:
    path, _old = leaky
    result = cli("show", "s2", "--db", path, "--json")
    assert result.exit_code == 0, result.stderr
    assert found_in(result.output.encode()) == [] and "[REDACTED:anthropic-key]" in result.output


def test_a_store_locked_by_another_process_opens_and_is_redacted_next_time(
    leaky: tuple[Path, sqlite3.Connection],
) -> None:
    path, old = leaky
    open_store(path, redact=False).close()  # migrated, not yet redacted
    old.execute("BEGIN IMMEDIATE")  # another process writing
    try:
        conn = open_store(path, timeout_ms=50)
        try:
            assert rp.needs_pass(conn)  # skipped for now: the command still runs
        finally:
            conn.close()
    finally:
        old.execute("ROLLBACK")
    conn = open_store(path)
    try:
        assert not rp.needs_pass(conn)
    finally:
        conn.close()
    assert found_in(raw_bytes(path)) == []


def test_the_rules_digest_reads_every_file_that_decides_what_is_redacted() -> None:
    import lessonloop.secrets.redaction as redaction
    from lessonloop.secrets import field_redaction

    sources = {Path(path).name for path in rp.rule_sources()}
    rule_modules = {path.name for path in Path(redaction.__file__).parent.glob("secret*.py")}
    assert {"redaction.py", "field_redaction.py", "redaction_pass.py"} | rule_modules <= sources
    assert Path(field_redaction.__file__).name in sources


def test_the_digest_changes_with_any_byte_of_the_rules_and_with_pii(tmp_path: Path) -> None:
    files = [tmp_path / "a.py", tmp_path / "b.py"]
    files[0].write_text("RULES = ['x']\n")
    files[1].write_text("MORE = 1\n")
    paths = [str(f) for f in files]
    first = rp.digest_of(paths, False)
    assert rp.digest_of(paths, False) == first
    assert rp.digest_of(paths, True) != first
    files[1].write_text("MORE = 2\n")
    assert rp.digest_of(paths, False) != first
    files[1].write_text("MORE = 1\n")
    (tmp_path / "b.py").rename(tmp_path / "c.py")  # the same bytes under another name
    assert rp.digest_of([paths[0], str(tmp_path / "c.py")], False) != first


@pytest.mark.slow
def test_a_reader_holding_the_store_does_not_make_every_command_wait(tmp_path: Path) -> None:
    """A compaction left pending cannot finish while another process reads from an old snapshot
    (the checkpoint waits for it). The open must not wait the busy timeout for it (it did, twice
    per command): it leaves the compaction pending for a later open and the command runs."""
    import os
    import subprocess
    import sys

    db = tmp_path / "store.db"
    open_store(db).close()
    with sqlite3.connect(db) as setup:
        setup.execute("UPDATE redaction_state SET compact_pending = 1")
    reader = sqlite3.connect(db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM redaction_state").fetchone()
    try:
        env = dict(os.environ, LESSONLOOP_BUSY_TIMEOUT_MS="600000")  # ten minutes, were it waited
        code = f"from lessonloop.cli import main; raise SystemExit(main(['stats', '--db', {str(db)!r}, '--json']))"
        # Not a timing assertion: a hang guard far above a normal run, far below the busy timeout.
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    finally:
        reader.close()
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT compact_pending FROM redaction_state").fetchone() == (1,)
    open_store(db).close()  # no reader now: the compaction finishes
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT compact_pending FROM redaction_state").fetchone() == (0,)


def test_an_open_reads_no_rule_file_while_they_are_the_same(
    leaky: tuple[Path, sqlite3.Connection], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digest reads every rule file (300 KB): an open that finds the files' names, sizes and
    times as they were reads none of them; when only their times changed (a reinstall of the same
    rules), the digest is read again, found the same, and no pass runs."""
    path, _old = leaky
    open_store(path).close()
    conn = open_store(path)
    try:
        kept = conn.execute("SELECT rules_digest, sources_stat, applied_at FROM redaction_state").fetchone()
        assert kept[1] == rp.sources_stat()
        monkeypatch.setattr(rp, "_DIGEST", None)
        monkeypatch.setattr(rp, "digest_of", lambda *_: pytest.fail("a rule file was read"))
        assert not rp.needs_pass(conn)
        monkeypatch.undo()
        conn.execute("UPDATE redaction_state SET sources_stat = 'files of other times'")
    finally:
        conn.close()
    conn = open_store(path)
    try:
        again = conn.execute("SELECT rules_digest, sources_stat, applied_at FROM redaction_state").fetchone()
    finally:
        conn.close()
    assert again == kept  # the same digest, the files' stat kept again, and no pass (same applied_at)
