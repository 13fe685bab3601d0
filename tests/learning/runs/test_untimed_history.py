"""An agent that writes no times (Aider: only each session's heading is dated) is still learned
from in time order: its records take their session's start plus a millisecond per line before
them (agents/aider/reader/session_lines.py), so the history interleaves them with other agents'
sessions by date, in their order, and the lessons learned from them are dated."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from lessonloop.learning.runs import load_history
from tests.agents.aider.test_aider_adapter import SESSION_ONE, write
from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder

LATER = SESSION_ONE.replace("2024-08-05 10:00:00", "2024-08-07 09:30:00")


def test_untimed_calls_take_their_sessions_start(tmp_path: Path) -> None:
    history_file = write(tmp_path / "proj" / ".aider.chat.history.md", SESSION_ONE + LATER)
    claude = TranscriptBuilder(start=datetime(2024, 8, 6, 12, 0, 0, tzinfo=UTC))
    claude.prompt("run the tests")
    claude.bash("pytest -q", "1 passed")
    transcript = tmp_path / "claude" / f"{claude.session_id}.jsonl"
    claude.write(transcript)
    db = tmp_path / "store.db"
    result = cli("ingest", "--db", db, "--no-progress", "--json", history_file, transcript)
    assert result.exit_code == 0, result.stderr

    conn = sqlite3.connect(db)
    try:
        untimed = conn.execute(
            "SELECT count(*) FROM tool_calls c JOIN sessions s ON s.id = c.session_id WHERE s.agent = 'aider' AND c.ts IS NULL"
        ).fetchone()[0]
        assert untimed == 0  # every call dated: the per-day charts and --since count them
        history = load_history(conn)
        aider_starts = dict(conn.execute("SELECT id, started_at FROM sessions WHERE agent = 'aider'"))
    finally:
        conn.close()
    assert all(event.ts for event in history.events)
    order = [event.session_id for event in history.events]
    sessions = list(dict.fromkeys(order))  # each session's first appearance, in history order
    assert len(sessions) == 3 and sessions[1] == claude.session_id  # 5 Aug (Aider), 6 Aug, 7 Aug (Aider)
    starts = history.session_starts
    assert [starts[s] for s in sessions] == sorted(starts[s] for s in sessions)
    for session, started in aider_starts.items():
        assert started and started <= starts[session] and starts[session][:10] == started[:10]  # its first call
        events = [e for e in history.events if e.session_id == session]
        assert events and all(started <= e.ts < started[:11] + "23:59:59.999Z" for e in events)
        assert [e.ts for e in events] == sorted(e.ts for e in events)  # in line order
    # Each session's calls stay together and in line order.
    assert order == sorted(order, key=sessions.index)
    for session in sessions:
        seqs = [e.call.seq for e in history.events if e.session_id == session and e.call.context_id == session]
        assert seqs == sorted(seqs)
