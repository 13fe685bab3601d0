"""One write transaction (store/transaction.py) and failures that say what happened: a full
store says it is full (SQLite rolls back by itself, and a second ROLLBACK used to replace that
with "cannot rollback - no transaction is active"), a read-only one that it is read-only, a
locked one that it is locked, a damaged one that it is damaged, each naming the store's file;
and what was stored before the failure is still there.

"Full" is real: SQLite's `PRAGMA max_page_count` caps the file at the pages it has (plus a few),
set on every connection of the process by a launcher (`FULL`) in front of the real command line
or hook entry point; nothing of lessonloop is replaced."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.learning.engine.exchange import normalize_record
from lessonloop.runs.store.writer import record_run
from lessonloop.store import open_store
from lessonloop.store.lessons.curation import import_records
from lessonloop.store.transaction import StoreError, cause_of, transaction
from tests.conftest import CORPUS, Dump, dump_store
from tests.hook_helpers import hook_env
from tests.runs.test_run_store import make_result

SHORT = CORPUS / "short.jsonl"
LONG = CORPUS / "258c7280-ae70-4798-800f-63464d01a85d.jsonl"

# Every sqlite3 connection the process opens may grow the file to $LL_TEST_MAX_PAGES pages, or by
# $LL_TEST_SPARE_PAGES pages (SQLite clamps max_page_count to the pages the file already has).
# Then the real program: the command line, or with "hook" the hooks' entry point.
FULL = """
import os, sqlite3, sys
_connect = sqlite3.connect
def connect(*args, **kwargs):
    conn = _connect(*args, **kwargs)
    pages = conn.execute("PRAGMA page_count").fetchone()[0] + int(os.environ.get("LL_TEST_SPARE_PAGES", "0"))
    conn.execute(f"PRAGMA max_page_count = {os.environ.get('LL_TEST_MAX_PAGES', pages)}")
    return conn
sqlite3.connect = connect
if sys.argv[1] == "hook":
    from lessonloop.apply.hooks.entry import run
    sys.argv[1:] = sys.argv[2:]
    run()
from lessonloop.cli import main
sys.exit(main(sys.argv[1:]))
"""
# The same with every connection in query-only mode: no write can succeed (read-only for root too).
READ_ONLY = FULL.replace("    return conn\n", '    conn.execute("PRAGMA query_only = 1")\n    return conn\n')


def _lessonloop(
    launcher: str, *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", launcher, *[str(a) for a in args]],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        timeout=300,
        check=False,
    )


def _kept(before: Dump, after: Dump) -> list[str]:
    """The rows of `before` that `after` lacks, per table."""
    return [f"{table}: {row}" for table, rows in before.items() for row in rows if row not in after.get(table, [])]


def _corpus() -> None:
    if not SHORT.is_file() or not LONG.is_file():
        pytest.skip(f"real-data corpus not found at {CORPUS}")


def _copy(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    target.write_bytes(source.read_bytes())
    return target


@pytest.mark.slow
def test_a_full_store_stops_ingest_saying_so_and_keeps_what_was_stored(tmp_path: Path) -> None:
    _corpus()
    db = tmp_path / "store" / "lessonloop.db"
    first = _copy(SHORT, tmp_path / "a")
    second = _copy(LONG, tmp_path / "b")
    done = _lessonloop(
        FULL, "ingest", "--db", db, "--no-progress", first, env=dict(os.environ, LL_TEST_SPARE_PAGES="100000")
    )
    assert done.returncode == 0, done.stderr
    before = dump_store(db)
    full = _lessonloop(
        FULL, "ingest", "--db", db, "--no-progress", second, env=dict(os.environ, LL_TEST_SPARE_PAGES="8")
    )
    assert full.returncode == 1, full.stdout
    assert "cannot rollback" not in full.stderr
    assert f"Error: the store {db} is full: database or disk is full" in full.stderr, full.stderr
    assert _kept(before, dump_store(db)) == []
    with sqlite3.connect(db) as conn:  # nothing of the second transcript's failed chunk
        assert conn.execute("SELECT count(*) FROM sessions WHERE source_file_id IN "
                            "(SELECT id FROM source_files WHERE path = ?)", (str(second),)).fetchone() == (0,)  # fmt: skip
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _lesson(i: int) -> dict[str, Any]:
    words = " ".join(f"word{i}x{j}" for j in range(60))
    return normalize_record({"signature": f"test|lesson-{i}", "kind": "usage", "title": f"Lesson {i}", "body": words})


def test_a_lesson_curation_on_a_full_store_says_full_and_keeps_the_lessons_before(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    conn = open_store(db)
    try:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 20}")
        imported = 0
        with pytest.raises(StoreError) as failure:
            for i in range(10_000):
                import_records(conn, [_lesson(i)])
                imported += 1
        assert failure.value.cause == "full"
        assert str(failure.value).startswith(f"the store {db} is full: database or disk is full")
        assert not conn.in_transaction and imported > 0
        stored = [row[0] for row in conn.execute("SELECT signature FROM lessons ORDER BY id")]
        assert stored == [f"test|lesson-{i}" for i in range(imported)]
    finally:
        conn.close()


def test_a_run_recorded_in_a_full_store_says_full_and_keeps_the_runs_before(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    conn = open_store(db)
    try:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 10}")
        ids: list[int] = []
        with pytest.raises(StoreError) as failure:
            for i in range(10_000):
                result = make_result(started_at=f"2026-11-01T10:00:{i % 60:02d}.000Z", matches=20)
                ids.append(record_run(conn, result, command=f"pytest -q tests/test_{i}.py", command_norm="pytest",
                                      project="/home/dev/app"))  # fmt: skip
        assert failure.value.cause == "full" and f"the store {db} is full" in str(failure.value)
        assert "cannot rollback" not in str(failure.value)
        assert [row[0] for row in conn.execute("SELECT id FROM runs ORDER BY id")] == ids
        matches = conn.execute("SELECT count(*) FROM run_matches").fetchone()[0]
        assert matches == 20 * len(ids)  # the failed run left no match behind
    finally:
        conn.close()


def _post(session: str, n: int, cwd: Path) -> bytes:
    return json.dumps(
        {
            "session_id": session,
            "cwd": str(cwd),
            "hook_event_name": "PostToolUse",
            "tool_name": "Bash",
            "tool_use_id": f"toolu_full_{n:04d}",
            "tool_input": {"command": f"echo {n}"},
            "tool_response": {"stdout": f"line {n} " * 300, "stderr": ""},
        }
    ).encode()


@pytest.mark.slow
def test_a_hook_writing_to_a_full_store_logs_that_it_is_full(tmp_path: Path) -> None:
    from lessonloop.apply.hooks import failures

    db = tmp_path / "lessonloop.db"
    conn = open_store(db)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    env = hook_env(db, LL_TEST_MAX_PAGES=str(pages + 12))
    stored = 0
    for n in range(200):
        run = subprocess.run(
            [sys.executable, "-c", FULL, "hook", "PostToolUse"], input=_post("s-full", n, tmp_path), env=env,
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        assert (run.returncode, run.stdout) == (0, b"")
        if failures.read_failures(str(db))[0]:
            break
        stored += 1
    count, logged = failures.read_failures(str(db))
    assert count == 1 and stored > 0, "the store never became full"
    assert str(logged[0]["error"]).startswith(f"StoreError: the store {db} is full: database or disk is full")
    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM live_calls ORDER BY seq")]
    assert ids == [f"toolu_full_{n:04d}" for n in range(stored)]


def test_a_read_only_store_says_read_only(tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    open_store(db).close()
    done = _lessonloop(READ_ONLY, "lessons", "import", "--db", db, _jsonl(tmp_path))
    assert done.returncode == 1
    assert f"Error: the store {db} cannot be written, it is read-only: attempt to write a readonly database" in (
        done.stderr
    )


def _jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "lessons.jsonl"
    path.write_text(json.dumps(_lesson(1)) + "\n")
    return path


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes a read-only folder anyway (query_only covers it above)")
def test_a_store_in_a_read_only_folder_says_read_only(tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    open_store(db).close()
    lessons = _jsonl(tmp_path)
    for path in (db.parent, *db.parent.iterdir()):
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        done = _lessonloop(
            FULL, "lessons", "import", "--db", db, lessons, env=dict(os.environ, LL_TEST_SPARE_PAGES="9999")
        )
    finally:
        for path in (db.parent, *db.parent.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert done.returncode == 1
    assert f"Error: the store {db} " in done.stderr and "read-only" in done.stderr, done.stderr


def test_a_locked_store_says_locked_after_the_busy_timeout(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    open_store(db).close()
    lessons = _jsonl(tmp_path)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing for a long time
    try:
        env = dict(os.environ, LESSONLOOP_BUSY_TIMEOUT_MS="200", LL_TEST_SPARE_PAGES="9999")
        done = _lessonloop(FULL, "lessons", "import", "--db", db, lessons, env=env)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 1
    assert (
        f"Error: the store {db} is locked by another process: database is locked (waited 0.2 s; "
        "$LESSONLOOP_BUSY_TIMEOUT_MS sets how long to wait)"
    ) in done.stderr, done.stderr


def test_a_damaged_store_says_damaged(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    db.write_bytes(b"this is not a database\x00" * 200)
    done = _lessonloop(FULL, "sessions", "--db", db)
    assert done.returncode == 1
    assert f"Error: the store {db} is damaged or not a lessonloop store: file is not a database" in done.stderr


# --- the helper itself ----------------------------------------------------------------------


@pytest.fixture
def conn(tmp_path: Path) -> Any:
    connection = open_store(tmp_path / "lessonloop.db")
    connection.execute("CREATE TABLE t (x TEXT)")
    yield connection
    connection.close()


def test_commits_at_the_end_and_rolls_back_on_an_error_it_leaves_untouched(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        conn.execute("INSERT INTO t VALUES ('kept')")
    with pytest.raises(KeyError, match="mine"), transaction(conn):
        conn.execute("INSERT INTO t VALUES ('dropped')")
        raise KeyError("mine")
    conn.execute("CREATE TEMP TRIGGER boom BEFORE INSERT ON t BEGIN SELECT RAISE(ABORT, 'a constraint'); END")
    with pytest.raises(sqlite3.IntegrityError, match="a constraint"), transaction(conn):  # a bug stays a bug
        conn.execute("INSERT INTO t VALUES ('refused')")
    assert not conn.in_transaction
    assert conn.execute("SELECT x FROM t").fetchall() == [("kept",)]


def test_a_dry_run_or_a_discarded_transaction_rolls_back(conn: sqlite3.Connection) -> None:
    with transaction(conn, commit=False):
        conn.execute("INSERT INTO t VALUES ('dry')")
    with transaction(conn) as tx:
        conn.execute("INSERT INTO t VALUES ('stale')")
        tx.discard()
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,) and not conn.in_transaction


def test_sqlite_rolled_back_already_so_the_full_error_is_the_one_raised(conn: sqlite3.Connection) -> None:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError) as failure, transaction(conn):
        for _ in range(1000):
            conn.execute("INSERT INTO t VALUES (?)", ("x" * 1000,))
    assert failure.value.cause == "full" and "database or disk is full" in str(failure.value)
    assert isinstance(failure.value.__cause__, sqlite3.OperationalError)
    assert not conn.in_transaction


def test_a_read_only_connection_and_a_held_lock_are_named(conn: sqlite3.Connection, tmp_path: Path) -> None:
    conn.execute("PRAGMA query_only = 1")
    with pytest.raises(StoreError) as failure, transaction(conn):
        conn.execute("INSERT INTO t VALUES ('no')")
    assert failure.value.cause == "read-only" and failure.value.path == str(tmp_path / "lessonloop.db")
    conn.execute("PRAGMA query_only = 0")
    other = sqlite3.connect(tmp_path / "lessonloop.db", isolation_level=None, timeout=0.05)
    try:
        with pytest.raises(StoreError) as locked, transaction(conn), transaction(other):
            pass
        assert locked.value.cause == "locked" and "waited 0.05 s" in str(locked.value)
    finally:
        other.close()
    assert not conn.in_transaction


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (sqlite3.OperationalError("database or disk is full"), "full"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
        (sqlite3.OperationalError("database is locked"), "locked"),
        (sqlite3.DatabaseError("file is not a database"), "corrupt"),
        (sqlite3.DatabaseError("database disk image is malformed"), "corrupt"),
        (sqlite3.OperationalError("disk I/O error"), "io"),
        (sqlite3.OperationalError("no such table: x"), "other"),
        (sqlite3.IntegrityError("UNIQUE constraint failed: t.x"), None),
        (ValueError("not sqlite"), None),
    ],
)
def test_causes_in_plain_words(error: BaseException, cause: str | None) -> None:
    assert cause_of(error) == cause
