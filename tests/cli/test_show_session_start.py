"""`show --json` (and the web's session page, which reads the same timeline) gives a session the
start and end `sessions` lists: what the agent recorded, else its first and last message or call
(store/sessions/span.py). It gave null for every Claude Code session, which records no start."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder


def test_show_and_sessions_agree_on_when_a_session_ran(tmp_path: Path) -> None:
    t = TranscriptBuilder(cwd="/tmp/app", start=datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    t.prompt("fix it")
    t.bash("echo x", "ok")
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    db = tmp_path / "s.db"
    assert cli("ingest", "--db", db, tmp_path / "in").exit_code == 0
    listed = cli("sessions", "--db", db, "--json").json()[0]
    shown = cli("show", t.session_id, "--db", db, "--json").json()["session"]
    assert listed["started_at"] is not None
    assert (shown["started_at"], shown["ended_at"]) == (listed["started_at"], listed["ended_at"])
