"""The bundled sample in the dashboards (report/sample_queries.py): a sample session that survived
beside real ones is left out of every figure, so that its old days do not stretch the time axes;
a store of the sample alone still shows it. Real stores: the spotter corpus moved to days after
the sample's (tests/shifted_transcripts.py) and the sample ingested by its path, as a new user's
home ends up."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from lessonloop.report.dashboard_queries import dashboard
from lessonloop.report.sample_queries import sample_scope, without_sample
from lessonloop.sample import sample_transcripts
from lessonloop.store import open_store
from tests.conftest import CORPUS, cli
from tests.shifted_transcripts import days_of, shifted_copy

pytestmark = [pytest.mark.corpus]


def ingest(db: Path, *paths: Path) -> None:
    result = cli("ingest", "--db", db, "--no-progress", *paths)
    assert result.exit_code == 0, result.stderr


def sample_and_real_store(work: Path) -> tuple[Path, date]:
    """Real sessions a week after the sample's last day, then the sample: both stay stored.
    Returns the store and the real sessions' first day."""
    if not CORPUS.is_dir():
        pytest.skip(f"real-data corpus not found at {CORPUS} (the ../shared folder is absent)")
    first_real = days_of(sample_transcripts())[-1] + timedelta(days=7)
    shifted_copy(CORPUS, work / "spotter", first_real)
    db = work / "lessonloop.db"
    ingest(db, work / "spotter")
    ingest(db, sample_transcripts())  # named by its path: kept beside the real sessions
    return db, first_real


def days(figures: dict[str, list[dict[str, object]]], *keys: str) -> set[str]:
    return {str(row["day"]) for key in keys for row in figures[key]}


def test_a_surviving_sample_is_left_out_of_every_dashboard(tmp_path: Path) -> None:
    db, first_real = sample_and_real_store(tmp_path)
    sample_days = {d.isoformat() for d in days_of(sample_transcripts())}
    conn = open_store(db)
    try:
        stored = conn.execute(
            "SELECT count(*) FROM sessions s JOIN source_files f ON f.id = s.source_file_id"
            " WHERE s.parent_id IS NULL AND f.is_sample = 1"
        ).fetchone()[0]
        assert stored == 3  # the sample's three sessions did survive
        scope = sample_scope(conn)
        figures = dashboard(conn)
        shown = days(figures, "errors_by_class", "errors_by_tool", "tokens")
        assert shown and min(shown) == first_real.isoformat(), sorted(shown)[:3]
        assert not shown & sample_days
        assert figures["sample"] == {
            "sessions": 3,
            "left_out": True,
            "first_day": min(sample_days),
            "last_day": max(sample_days),
        }
        real_sessions = conn.execute(
            "SELECT count(*) FROM session_executions e JOIN sessions s ON s.id = e.session_id"
            " WHERE s.source_file_id NOT IN (SELECT id FROM source_files WHERE is_sample = 1)"
        ).fetchone()[0]
        assert figures["habits"]["sessions"] == real_sessions
        # a lesson seen failing in the sample alone is not among the repeated mistakes
        sample_only = {
            int(row[0])
            for row in conn.execute(
                """SELECT e.lesson_id FROM lesson_evidence e JOIN sessions k ON k.id = e.session_id
                   JOIN sessions m ON m.id = coalesce(k.parent_id, k.id)
                   JOIN source_files f ON f.id = m.source_file_id
                   WHERE e.role = 'failure' GROUP BY e.lesson_id HAVING min(f.is_sample) = 1"""
            )
        }
        assert sample_only, "the sample taught no lesson of its own: nothing to leave out"
        assert figures["top_mistakes"] and not {m["id"] for m in figures["top_mistakes"]} & sample_only

        from lessonloop.learning.engine.replay import replay
        from lessonloop.learning.runs import load_replay_history

        history = load_replay_history(conn)
        kept = without_sample(history, scope)
        assert len(kept.events) < len(history.events)
        assert {e.session_id for e in kept.events}.isdisjoint(scope.sessions)
        replayed = [d["day"] for d in replay(kept).to_json()["by_day"]]
        assert replayed and min(replayed) >= first_real.isoformat(), replayed[:3]
    finally:
        conn.close()


def test_a_store_of_the_sample_alone_shows_it(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    ingest(db, sample_transcripts())
    conn = open_store(db)
    try:
        figures = dashboard(conn)
        assert figures["sample"]["sessions"] == 3 and figures["sample"]["left_out"] is False
        assert days(figures, "errors_by_tool") == {d.isoformat() for d in days_of(sample_transcripts())}
        assert figures["habits"]["sessions"] == 3
    finally:
        conn.close()


def test_a_session_with_no_source_file_is_real(tmp_path: Path) -> None:
    """A main session stored with no source file (as the hooks' live calls make one) is real data:
    shown, and the sample then left out."""
    db = tmp_path / "lessonloop.db"
    ingest(db, sample_transcripts())
    conn = sqlite3.connect(db)
    try:
        live = conn.execute("SELECT id FROM sessions WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetchone()[0]
        conn.execute("UPDATE sessions SET source_file_id = NULL WHERE id = ?", (live,))
        conn.commit()
        scope = sample_scope(conn)
        assert scope.left_out and len(scope.sessions) == 2 and live not in scope.sessions
        assert dashboard(conn)["habits"]["sessions"] == 1
    finally:
        conn.close()
