"""Lesson ids are never given again (migration m016_lesson_ids): a lesson learned after the newest
one was forgotten or removed gets a new id, so the old lesson's events ('restored', 'feedback',
'forgotten', ...) and the hooks' decisions naming it never become the new lesson's.

Real stores in tmp folders, lessons learned by the real learner and saved by store/lessons/writer.py,
forgotten with the CLI. A store built by an earlier version (the migrations before m016, rows as
that version wrote them) migrates: its next lesson skips the ids its history still names, and
where an id was already given again the old lesson's events and decisions let go of it.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from lessonloop.core.timestamps import format_timestamp, parse_timestamp
from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.exchange import normalize_record
from lessonloop.lesson_model.lesson import Lesson
from lessonloop.store import open_store
from lessonloop.store.lessons.curation import archive, import_records, restore
from lessonloop.store.lessons.writer import save_learned
from lessonloop.store.migrations import MIGRATIONS
from tests.conftest import cli
from tests.learning_helpers import IGNORED, Script, no_upstream, play

NOW = "2026-03-05T00:00:00.000Z"  # a few days after the scripted sessions
OLD_MIGRATIONS = [step for step in MIGRATIONS if step.__name__ < "m016"]


def later(ts: str, days: float) -> str:
    return format_timestamp(parse_timestamp(ts) + timedelta(days=days))


def push_lesson() -> Lesson:
    """`git push` on a branch without an upstream, then `git push -u`: one learned lesson."""
    script, learner = Script(), Learner()
    s = script.session("s1", branch="feat-x")
    play(learner, s.bash("git push", error=no_upstream("feat-x"), error_class="MISSING_PREREQUISITE"))
    play(learner, s.bash("git push -u origin feat-x"))
    learner.end_session("s1")
    (lesson,) = learner.lessons.values()
    return lesson


def add_lesson() -> Lesson:
    """`git add` of an ignored path, then `git add -f`: another learned lesson."""
    script, learner = Script(), Learner()
    s = script.session("s2")
    play(learner, s.bash("git add a.ex priv/static/assets/app.css", error=IGNORED, error_class="INCORRECT_PARAMETER"))
    play(learner, s.bash("git add -f priv/static/assets/app.css && git add a.ex"))
    learner.end_session("s2")
    (lesson,) = learner.lessons.values()
    return lesson


def learn(conn: sqlite3.Connection, lesson: Lesson, now: str = NOW) -> dict[str, Any]:
    """Save `lesson` as learning does; its stored row."""
    assert save_learned(conn, [lesson], {}, now) is not None
    row = conn.execute("SELECT id, status FROM lessons WHERE signature = ?", (lesson.signature,)).fetchone()
    return {"id": row[0], "status": row[1]}


def events(conn: sqlite3.Connection, lesson_id: int) -> list[str]:
    return [e for (e,) in conn.execute("SELECT event FROM lesson_events WHERE lesson_id = ? ORDER BY id", (lesson_id,))]


def test_a_lesson_learned_after_the_newest_was_forgotten_gets_a_new_id(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    conn = open_store(db)
    try:
        first = learn(conn, push_lesson())
        # a person archived it and restored it (exempt from the rules' archiving), then forgot it
        archive(conn, first["id"], now=NOW)
        restore(conn, first["id"], now=NOW)
        conn.execute(
            """INSERT INTO hook_decisions (session_id, event, tool_use_id, ts, action, lessons)
               VALUES ('s9', 'PreToolUse', 'toolu_9', ?, 'warn', ?)""",
            (NOW, json.dumps([first["id"]])),
        )
    finally:
        conn.close()
    done = cli("lessons", "forget", str(first["id"]), "--yes", "--db", db)
    assert done.exit_code == 0, done.stderr

    conn = open_store(db)
    try:
        second = learn(conn, add_lesson())
        assert second["id"] != first["id"] and second["id"] > first["id"]
        assert events(conn, second["id"]) == ["learned"]
        assert events(conn, first["id"]) == ["learned", "archived", "restored", "forgotten"]
        # not restored: long unseen, it is archived by the rules like any lesson
        assert learn(conn, add_lesson(), now=later(NOW, 5000))["status"] == "archived"
        # an imported lesson takes a new id too
        record = normalize_record({"signature": "lint", "kind": "manual", "title": "Run the linter"})
        imported = import_records(conn, [record], now=NOW)
        assert imported.ids == [second["id"] + 1]
    finally:
        conn.close()

    gone = cli("lessons", "show", str(first["id"]), "--db", db)
    assert gone.exit_code == 2 and f"no lesson has id '{first['id']}'" in gone.stderr
    shown = cli("lessons", "show", str(second["id"]), "--db", db, "--json")
    assert shown.exit_code == 0, shown.stderr
    assert [e["event"] for e in json.loads(shown.output)["events"]] == ["learned", "archived"]


def test_an_insert_that_would_give_an_id_again_is_refused(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    try:
        first = learn(conn, push_lesson())
        conn.execute("DELETE FROM lessons WHERE id = ?", (first["id"],))
        with pytest.raises(sqlite3.IntegrityError, match="lesson id given before"):
            conn.execute(
                """INSERT INTO lessons (signature, kind, origin, title, body, severity, scope, confidence, tier,
                       status, created_at, updated_at)
                   VALUES ('x', 'manual', 'manual', 't', 'b', 'low', 'global', 0.5, 'active', 'active', ?, ?)""",
                (NOW, NOW),
            )
    finally:
        conn.close()


# --- stores from before m016 ------------------------------------------------------------------------


def old_store(path: Path) -> sqlite3.Connection:
    """A store as lessonloop left it before m016: the schema of its migrations."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for step in OLD_MIGRATIONS:
        conn.execute("BEGIN")
        step(conn)
        conn.execute("INSERT INTO _migrations VALUES (?, '2026-11-01T00:00:00.000Z')", (step.__name__,))
        conn.execute("COMMIT")
    return conn


def old_lesson(conn: sqlite3.Connection, signature: str, ts: str) -> int:
    """A lesson as the earlier version inserted it (no id given: SQLite's next rowid)."""
    cursor = conn.execute(
        """INSERT INTO lessons (signature, kind, origin, title, body, severity, scope, sessions, failed_sessions,
               confidence, tier, status, first_seen, last_seen, created_at, updated_at)
           VALUES (?, 'usage', 'learned', ?, 'b', 'low', 'global', 2, 2, 0.5, 'active', 'active', ?, ?, ?, ?)""",
        (signature, f"lesson {signature}", ts, ts, ts, ts),
    )
    return int(cursor.lastrowid or 0)


def old_event(conn: sqlite3.Connection, lesson_id: int, signature: str, ts: str, event: str) -> None:
    conn.execute(
        "INSERT INTO lesson_events (lesson_id, signature, ts, event) VALUES (?, ?, ?, ?)",
        (lesson_id, signature, ts, event),
    )


def old_decision(conn: sqlite3.Connection, ts: str, ids: list[int]) -> None:
    conn.execute(
        """INSERT INTO hook_decisions (session_id, event, ts, action, lessons)
           VALUES ('s9', 'SessionStart', ?, 'inject', ?)""",
        (ts, json.dumps(ids)),
    )


def decisions(conn: sqlite3.Connection) -> list[list[int] | None]:
    return [json.loads(v) if v else None for (v,) in conn.execute("SELECT lessons FROM hook_decisions ORDER BY id")]


def test_an_old_store_whose_newest_lesson_was_forgotten_gives_its_id_no_more(tmp_path: Path) -> None:
    t0, t1 = "2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"
    old = old_store(tmp_path / "s.db")
    keep = old_lesson(old, "keep", t0)
    gone = old_lesson(old, "gone", t0)
    old_event(old, gone, "gone", t0, "learned")
    old_event(old, gone, "gone", t0, "restored")
    old_decision(old, t0, [keep, gone])
    old.execute("DELETE FROM lessons WHERE id = ?", (gone,))
    old_event(old, gone, "gone", t1, "forgotten")
    old.close()

    conn = open_store(tmp_path / "s.db")
    try:
        assert conn.execute("SELECT last_id FROM lesson_ids").fetchone() == (gone,)
        new = learn(conn, push_lesson())
        assert new["id"] == gone + 1
        assert events(conn, new["id"]) == ["learned"]
        assert events(conn, gone) == ["learned", "restored", "forgotten"]  # the record is kept
        assert decisions(conn) == [[keep, gone]]
    finally:
        conn.close()


def test_an_old_store_that_gave_an_id_again_lets_the_old_lessons_history_go(tmp_path: Path) -> None:
    t0, t1, t2 = "2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z"
    old = old_store(tmp_path / "s.db")
    keep = old_lesson(old, "keep", t0)
    first = old_lesson(old, "first", t0)
    old_event(old, first, "first", t0, "learned")
    old_event(old, first, "first", t0, "restored")
    old_decision(old, t0, [keep, first])
    old_decision(old, t0, [first])
    old.execute("DELETE FROM lessons WHERE id = ?", (first,))
    old_event(old, first, "first", t1, "forgotten")
    reused = old_lesson(old, "second", t2)  # the earlier version gave the id again
    assert reused == first
    old_event(old, reused, "second", t2, "learned")
    old_decision(old, t2, [reused])
    old.close()

    conn = open_store(tmp_path / "s.db")
    try:
        # the current lesson keeps its own history; the old one's is kept by signature, without the id
        assert events(conn, reused) == ["learned"]
        assert conn.execute(
            "SELECT event FROM lesson_events WHERE signature = 'first' AND lesson_id IS NULL ORDER BY id"
        ).fetchall() == [("learned",), ("restored",), ("forgotten",)]
        assert decisions(conn) == [[keep], None, [reused]]
        # not taken for restored: the rules archive the long-unseen lesson
        assert save_learned(conn, [], {}, later(t2, 5000)) is not None
        assert conn.execute("SELECT status FROM lessons WHERE id = ?", (reused,)).fetchone() == ("archived",)
        assert learn(conn, push_lesson())["id"] == reused + 1
    finally:
        conn.close()
