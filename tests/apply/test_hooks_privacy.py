"""The hooks obey the privacy settings: capture off stores nothing (lessons are still given),
excluded categories are never given, tool output and forgotten sessions are not stored."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tests.hook_helpers import HookSession, hook_env, no_upstream


def _config(text: str) -> None:
    path = Path(os.environ["LESSONLOOP_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _learn_push_lesson(tmp_path: Path, db: Path, sessions: int = 1) -> HookSession:
    """`git push` failing for a missing upstream and fixed, in `sessions` sessions (from two the
    lesson is active: given); the last session."""
    for _ in range(sessions):
        session = HookSession(tmp_path, hook_env(db))
        session.bash("git push", error=no_upstream("main"))
        session.bash("git push --set-upstream origin main", stdout="pushed")
    return session


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_capture_off_stores_nothing_but_still_warns(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    _learn_push_lesson(tmp_path, db, sessions=2)
    before = {t: _count(db, t) for t in ("live_calls", "hook_decisions", "hook_sessions")}
    _config("[capture]\nenabled = false\n")
    other = HookSession(tmp_path, hook_env(db))
    assert "--set-upstream" in other.start().context
    pre, post = other.bash("git push", error=no_upstream("main"))
    assert "--set-upstream" in pre.context and post.stdout == ""
    assert pre.output is not None  # two failing sessions: the lesson stops the call once (the default)
    assert pre.output["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert {t: _count(db, t) for t in before} == before
    _config("[capture]\nenabled = true\n")  # the cache follows the file
    other.bash("ls", stdout="a b")
    assert _count(db, "live_calls") == before["live_calls"] + 1


def test_an_excluded_category_is_never_given(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    _learn_push_lesson(tmp_path, db, sessions=2)
    with sqlite3.connect(db) as conn:
        (category, tier) = conn.execute("SELECT category, tier FROM lessons").fetchone()
    assert category and tier == "active"  # given but for its category
    _config(f'[lessons]\nexclude_categories = ["{category.upper()}"]\n')
    other = HookSession(tmp_path, hook_env(db))
    assert other.start().stdout == ""
    pre, _post = other.bash("git push")
    assert pre.stdout == ""


def test_tool_output_off_keeps_errors_only_and_forgotten_sessions_stay_forgotten(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    _config("[capture]\nstore_tool_output = false\n")
    session = _learn_push_lesson(tmp_path, db)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT status, error_text, result_text FROM live_calls ORDER BY seq").fetchall()
        assert rows[0][0] == "error" and "no upstream" in rows[0][1]
        assert rows[1] == ("ok", None, None)
        conn.execute("INSERT INTO forgotten_sessions (session_id, ts) VALUES (?, 'now')", (session.session_id,))
    session.bash("ls", stdout="a b")
    assert _count(db, "live_calls") == 2
