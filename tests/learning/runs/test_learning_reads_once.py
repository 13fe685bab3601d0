"""Learning reads once (issue 45, item 3): a learning run reads the store through one module
(learning/runs/source.py) before the learning and once more before saving; the learning itself
(stream.py, batch.py) is pure. Checked on a real store with SQLite's own statement trace: while
stream.learn_from learns (on from the stored state, after new sessions arrived), the only
statements the connection runs are the lookups of a session's prompts the learner asks for
(source.Prompts, kept lazy for bounded memory); and the pure modules import no connection, no
store reader. The result is the same as before the split: learning on from the state keeps what
learning everything again keeps (tests/learning/runs/test_incremental_learning.py, test_late_learning.py)."""

from __future__ import annotations

import ast
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lessonloop.learning.runs import learn_store, learn_version, source, stream
from lessonloop.learning.store.state import read_marks, read_state
from lessonloop.pipeline.ingest_job import IngestRequest, run_ingest_job
from lessonloop.store import open_store
from tests.conftest import REPO_ROOT
from tests.transcript_builder import TranscriptBuilder, write_build_failure_sessions

NOW = "2026-11-23T00:00:00.000Z"
LEARNING = REPO_ROOT / "src" / "lessonloop" / "learning" / "runs"
# What the pure modules may take from the store: types and a row's shape, no query.
_PURE_STORE_NAMES = {
    "lessonloop.learning.store.state": {"LearnState"},
    "lessonloop.learning.store.reader": {"CALL_ROW_WIDTH", "CALL_WIDTH"},
    "lessonloop.store.sessions.reader": {"call_from_row"},
}


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", "off")


def _ingest(conn: sqlite3.Connection, folder: Path) -> None:
    run_ingest_job(conn, IngestRequest(paths=(str(folder),), learn=False, sample=False, bandit=False), None)


def _later_session(folder: Path, day: int) -> None:
    t = TranscriptBuilder(cwd="/home/dev/shop", start=datetime(2026, 11, day, 9, tzinfo=UTC))
    t.prompt("the build again, please")
    t.bash("npm run build", "Error: Cannot find module 'left-pad'", exit_code=1)
    t.bash("npm install && npm run build", "built")
    t.write(folder / f"{t.session_id}.jsonl")


def test_learning_on_from_the_state_runs_no_statement_but_the_prompts(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_build_failure_sessions(folder, days=4)
    conn = open_store(tmp_path / "s.db")
    try:
        _ingest(conn, folder)
        first = learn_store(conn, now=NOW)
        assert first.mode == "full" and first.lessons > 0
        _later_session(folder, 20)
        _ingest(conn, folder)

        version = learn_version(None)
        stored = read_state(conn)
        assert stored is not None and stored.version == version
        marks = read_marks(conn)
        changes = source.read_changes(conn, stored, marks)
        assert not isinstance(changes, str), changes
        assert changes.roots, "the new session is among the changed ones"
        start, reason = stream.choose_start(changes, stored)
        assert start == stored.boundary and reason is None  # later calls only: on from the state
        read = source.read_from(conn, stored, changes, start)
        assert not isinstance(read, str), read

        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        try:
            outcome = stream.learn_from(read, None, stored, changes.checkpoints, marks, NOW)
        finally:
            conn.set_trace_callback(None)
        assert isinstance(outcome, stream.Outcome), outcome
        after = conn.execute("SELECT count(*) FROM tool_calls WHERE ts >= ?", (stored.boundary,)).fetchone()[0]
        assert not outcome.full and outcome.calls == after < 9  # the calls after the boundary, no more
        others = [s for s in statements if "FROM messages g" not in s]
        assert others == [], f"the learning read the store itself: {others[:3]}"
    finally:
        conn.close()


def test_learning_everything_streams_only_the_calls_and_the_prompts(tmp_path: Path) -> None:
    """A full relearn's calls and prompts come through cursors (the history is never held whole):
    those, and a session's prompts, are the statements it runs while it learns."""
    folder = tmp_path / "in"
    write_build_failure_sessions(folder, days=3)
    conn = open_store(tmp_path / "s.db")
    try:
        _ingest(conn, folder)
        read = source.read_everything(conn)
        version, marks = learn_version(None), read_marks(conn)
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        try:
            outcome = stream.learn_everything(read, None, version, marks, NOW, None)
        finally:
            conn.set_trace_callback(None)
        assert outcome.calls == 9 and outcome.learner.lessons
        others = [s for s in statements if "FROM tool_calls t" not in s and "FROM messages g" not in s]
        assert others == [], f"the learning read the store itself: {others[:3]}"
        assert any("FROM tool_calls t" in s for s in statements)  # the calls' cursor, read as it learns
    finally:
        conn.close()


@pytest.mark.parametrize("module", ["stream.py", "batch.py", "stored_calls.py"])
def test_the_learning_modules_hold_no_connection(module: str) -> None:
    """The pure modules import neither sqlite3 nor a store query: what they learn from is handed
    to them (source.py's classes); from the store they take the state's type and a call row's
    shape only."""
    tree = ast.parse((LEARNING / module).read_text(encoding="utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert "sqlite3" not in imported
    used = {
        node.module: {alias.name for alias in node.names}
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lessonloop.store")
    }
    assert not {name for name in imported if name and name.startswith("lessonloop.store")} - set(used)
    for name, names in used.items():
        assert names <= _PURE_STORE_NAMES.get(name, set()), (name, names)
