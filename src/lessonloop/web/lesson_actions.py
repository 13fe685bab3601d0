"""The writes the UI and the API make: a lesson approved, rejected, archived, restored, edited or
forgotten, through the store's curation (store/lessons/curation.py, one transaction each, every
change in the lesson's history). The caller has checked the token and the origin."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from lessonloop.store.lessons.curation import (
    EDITABLE,
    TRANSITIONS,
    CurationError,
    Outcome,
    change_status,
    edit,
    forget,
    refusal_of,
)
from lessonloop.store.lessons.reader import LessonRow, find_lesson

STATUS_ACTIONS = ("approve", "reject", "archive", "restore")
ACTIONS = (*STATUS_ACTIONS, "edit", "forget")
DONE = {
    "approve": "approved",
    "reject": "rejected",
    "archive": "archived",
    "restore": "restored",
    "edit": "edited",
    "forget": "forgotten",
}


class ActionRefused(ValueError):
    """The action cannot apply (unknown action, wrong status, nothing to edit, not confirmed)."""


def actions_for(lesson: LessonRow) -> list[str]:
    """The status changes a lesson in its status can take."""
    return [action for action in STATUS_ACTIONS if refusal_of(action, lesson) is None and _moves(action, lesson)]


def _moves(action: str, lesson: LessonRow) -> bool:
    return TRANSITIONS[action].target != lesson.status


def apply_action(conn: sqlite3.Connection, ref: str, action: str, fields: Mapping[str, str]) -> Outcome:
    """Apply `action` to the lesson `ref` names. `fields`: reason (reject), title, body,
    prevention, scope, severity (edit), confirm=yes (forget). Raises ActionRefused, or
    store/lessons/reader's LessonNotFound."""
    if action not in ACTIONS:
        raise ActionRefused(f"unknown action {action!r} (expected {', '.join(ACTIONS)})")
    lesson = find_lesson(conn, ref)
    try:
        if action in STATUS_ACTIONS:
            return change_status(conn, lesson.id, action, reason=(fields.get("reason") or "").strip() or None)
        if action == "edit":
            changes = {name: fields[name] for name in EDITABLE if name in fields}
            if not changes:
                raise ActionRefused(f"nothing to change: give at least one of {', '.join(EDITABLE)}")
            return edit(conn, lesson.id, **changes)
        if fields.get("confirm") != "yes":
            raise ActionRefused("forget deletes the lesson and its evidence for good: confirm it (confirm=yes)")
        return forget(conn, lesson.id)
    except CurationError as exc:
        raise ActionRefused(str(exc)) from exc
