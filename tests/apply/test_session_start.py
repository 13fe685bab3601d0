"""A session's start is one value (store/sessions/span.py): the session list shows it and the
session browser filters and sorts by it, in the report functions and over HTTP. Claude Code
records no start of its own; before, the browser filtered such a session by its first message
while the list showed the earliest record of its subagents too, so a day filter could drop a
session the list dated inside it."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lessonloop.report.queries import list_sessions
from lessonloop.report.session_browse_queries import SessionFilters, session_page
from lessonloop.store import open_store
from tests.conftest import run_ingest
from tests.transcript_builder import TranscriptBuilder

MIDNIGHT = datetime(2026, 11, 2, 0, 0, 0, tzinfo=UTC)


def _transcripts(root: Path) -> dict[str, str]:
    """Three Claude Code sessions in root/projects/-p: (name: session id)."""
    folder = root / "projects" / "-p"
    cwd = str(root / "work")
    # A main session whose subagent wrote before midnight and whose own first message came after.
    early_sub = TranscriptBuilder(cwd=cwd, start=MIDNIGHT.replace(day=2, hour=0, minute=0, second=5))
    early_sub.prompt("Explore the code base")
    early_sub.say("Done")
    side = TranscriptBuilder(
        session_id=early_sub.session_id, agent_id="a1b2c3d", cwd=cwd, start=MIDNIGHT.replace(day=1, hour=23, minute=59)
    )
    side.prompt("Suggest the next prompt")
    side.say("Run the tests")
    early_sub.write(folder / f"{early_sub.session_id}.jsonl")
    side.write(folder / early_sub.session_id / "subagents" / "agent-a1b2c3d.jsonl")
    # A main session known only as its subagent's parent: no record of its own.
    orphan = TranscriptBuilder(cwd=cwd)
    only_sub = TranscriptBuilder(
        session_id=orphan.session_id, agent_id="e4f5a6b", cwd=cwd, start=MIDNIGHT.replace(day=5, hour=10)
    )
    only_sub.prompt("Find the CLI")
    only_sub.say("Found it")
    (folder / f"{orphan.session_id}.jsonl").parent.mkdir(parents=True, exist_ok=True)
    (folder / f"{orphan.session_id}.jsonl").write_bytes(b"")
    only_sub.write(folder / orphan.session_id / "subagents" / "agent-e4f5a6b.jsonl")
    # A plain session.
    plain = TranscriptBuilder(cwd=cwd, start=MIDNIGHT.replace(day=3, hour=12))
    plain.prompt("Fix the build")
    plain.say("Fixed")
    plain.write(folder / f"{plain.session_id}.jsonl")
    return {"early_sub": early_sub.session_id, "orphan": orphan.session_id, "plain": plain.session_id}


@pytest.fixture
def store(tmp_path: Path, db_path: Path) -> tuple[Path, dict[str, str]]:
    ids = _transcripts(tmp_path)
    run_ingest(db_path, tmp_path / "projects")
    return db_path, ids


def test_the_browser_filters_by_the_start_it_shows(store: tuple[Path, dict[str, str]]) -> None:
    db, ids = store
    conn = open_store(db)
    try:
        starts = {row.id: row.started_at for row in list_sessions(conn)}
        assert set(starts) == set(ids.values())
        raw = dict(conn.execute("SELECT id, started_at FROM sessions WHERE parent_id IS NULL").fetchall())
        assert all(value is None for value in raw.values())  # Claude Code records no start
        assert starts[ids["early_sub"]] == "2026-11-01T23:59:01.000Z"  # the subagent's first record
        assert starts[ids["orphan"]] == "2026-11-05T10:00:01.000Z"
        everything = session_page(conn, SessionFilters())
        assert [row.id for row in everything.sessions] == sorted(starts, key=lambda i: starts[i] or "", reverse=True)
        for session_id, start in starts.items():
            assert start is not None
            day = start[:10]
            kept = session_page(conn, SessionFilters(since=day, until=day))
            assert [row.id for row in kept.sessions] == [session_id], day
            assert kept.sessions[0].started_at == start
    finally:
        conn.close()


@pytest.mark.slow
def test_the_sessions_api_filters_by_the_start_it_shows(store: tuple[Path, dict[str, str]]) -> None:
    pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
    pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'lessonloop[web]'")
    from tests.web_stores import serving

    db, ids = store
    with serving(db) as server:

        def sessions(query: str) -> list[dict[str, object]]:
            with urllib.request.urlopen(f"{server.url}/api/sessions{query}", timeout=60) as answer:
                rows: list[dict[str, object]] = json.loads(answer.read())["sessions"]
                return rows

        shown = {str(row["id"]): str(row["started_at"]) for row in sessions("")}
        assert set(shown) == set(ids.values())
        for session_id, start in shown.items():
            day = start[:10]
            assert [row["id"] for row in sessions(f"?since={day}&until={day}")] == [session_id], day
    assert shown[ids["early_sub"]].startswith("2026-11-01")  # its subagent's first record, as the list shows


def test_milestones_count_sessions_by_the_start_the_list_shows(store: tuple[Path, dict[str, str]]) -> None:
    """`lessonloop dataset milestones` counts the sessions made since a time by the same start the list
    shows (placeholders, known only as a parent, it leaves out): before, a session whose subagent
    wrote first was dated there by its own first message, so it counted as made after a time the
    list dates it before."""
    from lessonloop.dataset.milestone_queries import collection_counts

    db, ids = store
    conn = open_store(db)
    try:
        counted = {
            row[0] for row in conn.execute("SELECT id FROM sessions WHERE parent_id IS NULL AND placeholder = 0")
        }
        assert ids["early_sub"] in counted
        starts = {row.id: str(row.started_at) for row in list_sessions(conn) if row.id in counted}
        for since in ("2026-11-01T23:59:30.000Z", "2026-11-02T00:00:00.000Z", "2026-11-04T00:00:00.000Z"):
            shown_since = sum(1 for start in starts.values() if start >= since)
            assert collection_counts(conn, since)["sessions"] == shown_since, since
        assert collection_counts(conn)["sessions"] == len(counted)
    finally:
        conn.close()
