"""The whole-store analysis check after new rows (issue 43, item 2): it fingerprints only the
sessions with rows past the marks the last check kept, in the change log after them, or in a
project whose rules changed (not every session of the store), and leaves the analysis as a check
of every session would."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lessonloop.learning.runs import learn_store
from lessonloop.pipeline import analysis as analysis_pipeline
from lessonloop.pipeline.analysis import analyze_store
from lessonloop.pipeline.live_ingest import ingest_transcripts
from lessonloop.store import open_store
from lessonloop.store.analysis.state import stored_fingerprints
from lessonloop.store.sessions.reader import session_fingerprints
from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder

_IDS = (
    "a1110000-0000-4000-8000-000000000001",
    "b2220000-0000-4000-8000-000000000002",
    "c3330000-0000-4000-8000-000000000003",
)


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", "off")


def _session(folder: Path, sid: str, cwd: Path, day: int, turns: int = 1) -> None:
    t = TranscriptBuilder(session_id=sid, cwd=str(cwd), start=datetime(2026, 11, day, 9, 0, tzinfo=UTC))
    for turn in range(turns):
        t.prompt(f"run the tests, round {turn}")
        t.bash("pytest -q", "1 failed", exit_code=1)
        t.bash("pytest -q -x", "ok")
        t.say("fixed")
    t.write(folder / f"{sid}.jsonl")


class _Seen:
    """The main sessions each fingerprint read was asked for (None: every session)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.asked: list[list[str] | None] = []
        original = session_fingerprints

        def spy(conn: sqlite3.Connection, salt: str, roots: Any = None) -> Any:
            self.asked.append(None if roots is None else sorted(roots))
            return original(conn, salt, roots)

        monkeypatch.setattr(analysis_pipeline, "session_fingerprints", spy)


def _assert_current(conn: sqlite3.Connection) -> None:
    """Every main session's stored analysis is of its inputs as they are (what a check of every
    session would find nothing to redo for)."""
    before = stored_fingerprints(conn)
    again = analyze_store(conn, force=True, bandit=False)
    assert again.analyzed == len(before)
    assert stored_fingerprints(conn) == before


def _store(tmp_path: Path) -> tuple[sqlite3.Connection, Path, Path, Path]:
    folder, alpha, beta = tmp_path / "in", tmp_path / "alpha", tmp_path / "beta"
    alpha.mkdir()
    beta.mkdir()
    _session(folder, _IDS[0], alpha, 1)
    _session(folder, _IDS[1], alpha, 2)
    _session(folder, _IDS[2], beta, 3)
    conn = open_store(tmp_path / "store.db")
    ingest_transcripts(conn, [str(folder)], bandit=False)
    first = analyze_store(conn, bandit=False)  # every session checked once: the marks kept
    assert first.sessions == 3
    return conn, folder, alpha, beta


def test_a_new_turn_is_checked_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn, folder, alpha, _beta = _store(tmp_path)
    try:
        seen = _Seen(monkeypatch)
        _session(folder, _IDS[1], alpha, 2, turns=2)  # the same session, a turn longer
        assert cli("ingest", "--db", tmp_path / "store.db", "--no-analyze", folder).exit_code == 0
        run = analyze_store(conn, bandit=False)
        assert seen.asked == [[_IDS[1]]]
        assert (run.sessions, run.analyzed, run.skipped) == (3, 1, 2)
        # The marks kept are those the check began with: what the analysis wrote is past them,
        # its session checked once more (and found current); then nothing is read at all.
        assert analyze_store(conn, bandit=False).analyzed == 0
        assert analyze_store(conn, bandit=False).analyzed == 0
        assert seen.asked == [[_IDS[1]], [_IDS[1]]]
        _assert_current(conn)
    finally:
        conn.close()


def test_learning_keeps_the_change_log_the_check_has_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Learning clears the change log it read; the entries after the last analysis check stay
    for it, so a changed call is still checked alone."""
    conn, _folder, _alpha, _beta = _store(tmp_path)
    try:
        learn_store(conn)
        call, root = conn.execute(
            """SELECT t.id, coalesce(s.parent_id, s.id) FROM tool_calls t JOIN sessions s ON s.id = t.session_id
               WHERE t.status = 'ok' ORDER BY t.rowid DESC LIMIT 1"""
        ).fetchone()
        with conn:
            conn.execute("UPDATE tool_calls SET status = 'error', error_text = 'Exit code 2' WHERE id = ?", (call,))
        learn_store(conn)  # reads the update from the change log, and clears what it may
        seen = _Seen(monkeypatch)
        run = analyze_store(conn, bandit=False)
        assert seen.asked == [[root]] and run.analyzed == 1
        assert conn.execute("SELECT count(*) FROM call_errors WHERE tool_use_id = ?", (call,)).fetchone()[0] == 1
        _assert_current(conn)
    finally:
        conn.close()


def test_a_change_log_cleared_past_the_marks_means_every_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn, _folder, _alpha, _beta = _store(tmp_path)
    try:
        call = conn.execute("SELECT id FROM tool_calls WHERE status = 'ok' LIMIT 1").fetchone()[0]
        with conn:
            conn.execute("UPDATE tool_calls SET status = 'error', error_text = 'Exit code 2' WHERE id = ?", (call,))
            conn.execute("DELETE FROM learn_changes")  # as a learning run of an older lessonloop would
        seen = _Seen(monkeypatch)
        assert analyze_store(conn, bandit=False).analyzed == 1
        assert seen.asked == [None]
        _assert_current(conn)
    finally:
        conn.close()


def test_a_projects_new_rules_check_its_sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn, _folder, alpha, _beta = _store(tmp_path)
    try:
        (alpha / ".lessonloop").mkdir()
        (alpha / ".lessonloop" / "workflow.toml").write_text(
            '[[rule]]\nid = "tests-first"\nkind = "before"\nwhen = { tool = "Bash", command = "git commit" }\n'
            'require = { tool = "Bash", command = "pytest" }\n'
        )
        seen = _Seen(monkeypatch)
        run = analyze_store(conn, bandit=False)
        assert seen.asked == [sorted(_IDS[:2])]
        assert run.analyzed == 2
        _assert_current(conn)
    finally:
        conn.close()


def test_a_forgotten_session_leaves_no_analysis_and_a_new_one_is_analyzed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forgetting the newest session deletes the rows at the marks (and compacts the store): a
    new row may then take a rowid below a mark, so every session is checked."""
    conn, folder, _alpha, beta = _store(tmp_path)
    conn.close()
    assert cli("forget", "--db", tmp_path / "store.db", "session", _IDS[2][:8], "--yes").exit_code == 0
    newer = "d4440000-0000-4000-8000-000000000004"
    _session(folder, newer, beta, 4)
    assert cli("ingest", "--db", tmp_path / "store.db", "--no-analyze", folder).exit_code == 0
    conn = open_store(tmp_path / "store.db")
    try:
        seen = _Seen(monkeypatch)
        run = analyze_store(conn, bandit=False)
        assert seen.asked == [None]
        assert (run.sessions, run.analyzed) == (3, 1)
        assert set(stored_fingerprints(conn)) == {*_IDS[:2], newer}
        _assert_current(conn)
    finally:
        conn.close()


def test_a_session_read_again_under_a_new_id_is_analyzed_under_it(tmp_path: Path) -> None:
    """Rows moved to a new session id in place (rowids kept, as a history read again under new
    ids may): the check finds the old id gone and the new one unanalyzed."""
    conn, _folder, _alpha, _beta = _store(tmp_path)
    try:
        renamed = "e5550000-0000-4000-8000-000000000005"
        with conn:
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for table, column in (("sessions", "id"), ("tool_calls", "session_id"), ("messages", "session_id")):
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (renamed, _IDS[0]))
        run = analyze_store(conn, bandit=False)
        assert run.analyzed == 1
        assert set(stored_fingerprints(conn)) == {renamed, *_IDS[1:]}
        _assert_current(conn)
    finally:
        conn.close()


def test_a_session_renamed_alone_leaves_no_analysis_under_its_old_id(tmp_path: Path) -> None:
    """Only the session's own row renamed (its calls and messages moved by their own updates
    later, or never): the old id's analysis goes, the new id is analyzed."""
    conn, _folder, _alpha, _beta = _store(tmp_path)
    try:
        renamed = "f6660000-0000-4000-8000-000000000006"
        with conn:
            conn.execute("PRAGMA defer_foreign_keys = ON")
            conn.execute("UPDATE sessions SET id = ? WHERE id = ?", (renamed, _IDS[2]))
        analyze_store(conn, bandit=False)
        assert set(stored_fingerprints(conn)) == {renamed, *_IDS[:2]}
    finally:
        conn.close()
