"""SessionStart's look-up of the most confident lessons reads each tier in `lessons_confidence`
(m039) in its ORDER BY and stops at its LIMIT: no sort of every active lesson (issue 43), and the
same lessons, in the same order, as sorting them all."""

from __future__ import annotations

import random
from pathlib import Path

from lessonloop.store import open_store
from lessonloop.store.hooks import session_start_candidates


def _store(path: Path) -> None:
    conn = open_store(path)
    rng = random.Random(43)
    rows = []
    for n in range(600):
        rows.append(
            (
                f"sig-{n}", f"lesson {n}", rng.choice((0.1, 0.3, 0.5, 0.5, 0.7, 0.9)),  # ties on confidence
                rng.choice(("active", "active", "deprecated", "pending")),
                rng.choice(("candidate", "active", "core")),
                rng.choice(("global", "project")), rng.choice(("p1", "p2", None)),
            )
        )  # fmt: skip
    conn.executemany(
        """INSERT INTO lessons (signature, kind, origin, title, body, severity, confidence, status, tier, scope,
               project, first_seen, last_seen, created_at, updated_at)
           VALUES (?, 'usage', 'learned', ?, 'body', 'medium', ?, ?, ?, ?, ?, 't', 't', 't', 't')""",
        rows,
    )
    conn.commit()
    conn.close()


def test_the_look_up_walks_the_confidence_index(tmp_path: Path) -> None:
    _store(tmp_path / "s.db")
    conn = open_store(tmp_path / "s.db")
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    session_start_candidates(conn, 0.125, "p1", 40)
    conn.set_trace_callback(None)
    (sql,) = [s for s in statements if "FROM lessons" in s]
    plan = [str(row[3]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
    # Each tier read in the index's order (what is sorted after is the two tiers' kept rows only).
    reads = [step for step in plan if " lessons " in f"{step} "]
    assert reads == ["SEARCH lessons USING INDEX lessons_confidence (tier=? AND status=? AND confidence>?)"] * 2, plan
    conn.close()


def test_the_look_up_keeps_the_most_confident_in_order(tmp_path: Path) -> None:
    _store(tmp_path / "s.db")
    conn = open_store(tmp_path / "s.db")
    everything = conn.execute("""SELECT id, confidence, status, tier, scope, project FROM lessons""").fetchall()
    for project, limit in (("p1", 40), ("p2", 7), (None, 40), ("p1", 1000)):
        kept = [
            row for row in everything
            if row[2] == "active" and row[3] in ("active", "core") and row[1] >= 0.125
            and (row[4] == "global" or (project is not None and row[5] == project))
        ]  # fmt: skip
        kept.sort(key=lambda row: (-row[1], row[0]))
        found = session_start_candidates(conn, 0.125, project, limit)
        assert [row.id for row in found] == [row[0] for row in kept[:limit]]
    conn.close()


def test_the_lessons_given_already_count_in_the_limit_and_are_left_out(tmp_path: Path) -> None:
    """With the session's lessons given already, the look-up returns the rows of the same limit's
    lessons that were not given, in the same order, reading each tier in the index still."""
    _store(tmp_path / "s.db")
    conn = open_store(tmp_path / "s.db")
    for project, limit in (("p1", 40), ("p2", 7), (None, 40), ("p1", 1000)):
        whole = session_start_candidates(conn, 0.125, project, limit)
        rng = random.Random(limit)
        for given in (set(), {whole[0].id}, {row.id for row in whole if rng.random() < 0.5}, {-1, 10**6}):
            found = session_start_candidates(conn, 0.125, project, limit, given)
            assert [(row.id, row.title, row.confidence) for row in found] == [
                (row.id, row.title, row.confidence) for row in whole if row.id not in given
            ], (project, limit, sorted(given))
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    session_start_candidates(conn, 0.125, "p1", 40, {1, 2, 3})
    conn.set_trace_callback(None)
    (sql,) = [s for s in statements if "FROM lessons" in s]
    plan = [str(row[3]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
    reads = [step for step in plan if "lessons_confidence" in step]
    assert reads == ["SEARCH lessons USING INDEX lessons_confidence (tier=? AND status=? AND confidence>?)"] * 2, plan
    conn.close()
