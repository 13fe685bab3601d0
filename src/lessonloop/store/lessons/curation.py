"""What people do to lessons: approve, reject, edit, archive, restore, forget, and import.

Each change is one `BEGIN IMMEDIATE` transaction that also records a lesson_events row, so
nothing changes silently. Learning keeps what people decided (lesson_writer.py): a rejected
lesson stays rejected, an edited one keeps its text (`edited = 1`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.core import json_codec
from lessonloop.core.timestamps import utc_now
from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.triggers import Trigger
from lessonloop.secrets.redaction import redact
from lessonloop.store.lessons.reader import LessonNotFound, LessonRow, get_lesson
from lessonloop.store.lessons.writer import log_event
from lessonloop.store.transaction import transaction


class CurationError(ValueError):
    """A change that is not allowed (e.g. approving a rejected lesson); the message says why."""


@dataclass(frozen=True, slots=True)
class Transition:
    """A status change: the status it leads to, the statuses it starts from, its event."""

    target: str
    sources: frozenset[str]
    event: str
    verb: str  # for messages: "approved"


TRANSITIONS: dict[str, Transition] = {
    "approve": Transition("active", frozenset({"pending"}), "approved", "approved"),
    "reject": Transition("rejected", frozenset({"pending", "active", "archived"}), "rejected", "rejected"),
    "archive": Transition("archived", frozenset({"pending", "active"}), "archived", "archived"),
    "restore": Transition("active", frozenset({"archived", "rejected"}), "restored", "restored"),
}
_REFUSALS = {
    ("approve", "rejected"): "it is rejected; `lessonloop lessons restore` brings it back",
    ("approve", "archived"): "it is archived; `lessonloop lessons restore` brings it back",
    ("archive", "rejected"): "it is rejected, which already keeps it out of use",
    ("restore", "pending"): "it is pending, not archived or rejected; `lessonloop lessons approve` activates it",
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a curation did to one lesson. `lesson` is the row afterwards (None once forgotten)."""

    lesson_id: int
    signature: str
    action: str  # approve | reject | archive | restore | edit | forget | import
    changed: bool
    message: str  # "approved", "already active: nothing to do", ...
    lesson: LessonRow | None = None

    def to_json(self) -> dict[str, Any]:
        """The lesson's row (or its id and signature once forgotten) and what happened to it."""
        out: dict[str, Any] = (
            self.lesson.to_json() if self.lesson else {"id": self.lesson_id, "signature": self.signature}
        )
        out["result"] = {"action": self.action, "changed": self.changed, "message": self.message}
        return out


def _current(conn: sqlite3.Connection, lesson_id: int) -> LessonRow:
    """The lesson as stored now (inside the caller's transaction)."""
    lesson = get_lesson(conn, lesson_id)
    if lesson is None:
        raise LessonNotFound(f"no lesson has id {lesson_id} (was it forgotten?)")
    return lesson


def refusal(action: str, status: str) -> str | None:
    """Why `action` cannot apply to a lesson in `status`; None when it can (or is a no-op)."""
    transition = TRANSITIONS[action]
    if status == transition.target or status in transition.sources:
        return None
    return _REFUSALS.get((action, status), f"it is {status}")


def refusal_of(action: str, lesson: LessonRow) -> str | None:
    """Why `action` cannot apply to `lesson`; None when it can (or is a no-op). Besides its status:
    a lesson whose stored trigger or fields cannot be read (LessonRow.unreadable) is never made
    active, since agents would be given what no one could check; it can be rejected, archived or
    forgotten."""
    why = refusal(action, lesson.status)
    if why is None and lesson.unreadable and TRANSITIONS[action].target == "active" and lesson.status != "active":
        return (
            f"what is stored cannot be read ({lesson.unreadable}), so it is never given to agents; "
            "reject, archive or forget it"
        )
    return why


def change_status(
    conn: sqlite3.Connection, lesson_id: int, action: str, *, reason: str | None = None, now: str | None = None
) -> Outcome:
    """Apply `action` (approve, reject, archive, restore) to one lesson. A lesson already in the
    target status is left alone (changed False); a refused change raises CurationError."""
    transition = TRANSITIONS[action]
    moment = now or utc_now()
    with transaction(conn):
        lesson = _current(conn, lesson_id)
        if lesson.status == transition.target:
            return Outcome(
                lesson.id, lesson.signature, action, False, f"already {lesson.status}, nothing to do", lesson
            )
        why = refusal_of(action, lesson)
        if why is not None:
            raise CurationError(f"cannot {action} lesson #{lesson.id}: {why}")
        conn.execute(
            "UPDATE lessons SET status = ?, updated_at = ? WHERE id = ?", (transition.target, moment, lesson.id)
        )
        if _vouched_copy(lesson, transition.target):
            conn.execute("UPDATE lessons SET tier = 'active' WHERE id = ?", (lesson.id,))
        detail: dict[str, Any] = {"from": lesson.status, "to": transition.target}
        if reason:
            detail["reason"] = reason
        log_event(conn, lesson.id, lesson.signature, moment, transition.event, detail)
    return Outcome(lesson.id, lesson.signature, action, True, transition.verb, get_lesson(conn, lesson.id))


def _vouched_copy(lesson: LessonRow, target: str) -> bool:
    """A teammate's lesson this person puts in use while it is a candidate: the team server counts
    an untrusted member's report as one session (team/store/state.py _counted_evidence), and this
    person's approval is the second report a candidate lacks, so it becomes active (the next pull
    keeps it so)."""
    return (
        lesson.origin == "team"
        and target == "active"
        and lesson.tier == "candidate"
        and lesson.confidence >= conf.ACTIVE_BELOW
    )


def approve(conn: sqlite3.Connection, lesson_id: int, *, now: str | None = None) -> Outcome:
    """pending -> active: the lesson may now be given to agents."""
    return change_status(conn, lesson_id, "approve", now=now)


def reject(conn: sqlite3.Connection, lesson_id: int, *, reason: str | None = None, now: str | None = None) -> Outcome:
    """-> rejected: never given to agents, and learning keeps it rejected."""
    return change_status(conn, lesson_id, "reject", reason=reason, now=now)


def archive(conn: sqlite3.Connection, lesson_id: int, *, now: str | None = None) -> Outcome:
    """active or pending -> archived: out of use, kept with its evidence."""
    return change_status(conn, lesson_id, "archive", now=now)


def restore(conn: sqlite3.Connection, lesson_id: int, *, now: str | None = None) -> Outcome:
    """archived or rejected -> active."""
    return change_status(conn, lesson_id, "restore", now=now)


EDITABLE = ("title", "body", "prevention", "scope", "severity")
_TEXT_FIELDS = frozenset({"title", "body", "prevention"})


def _edit_changes(lesson: LessonRow, requested: Mapping[str, str | None]) -> dict[str, str | None]:
    """The columns an edit changes (only those that differ), validated, texts redacted (a person
    may paste a secret). An empty prevention clears it. Raises CurationError for an empty title or body, an unknown scope or severity, or
    project scope for a lesson that has no project."""
    changes: dict[str, str | None] = {}
    for name, value in requested.items():
        if name not in EDITABLE:
            raise CurationError(f"{name} cannot be edited (only {', '.join(EDITABLE)})")
        if value is None:
            continue
        new: str | None = value.strip()
        if name in _TEXT_FIELDS and new:
            new = redact(new)[0]  # a person's text is stored like any other: its secrets redacted
        if name in ("title", "body") and not new:
            raise CurationError(f"the {name} cannot be empty")
        if name == "prevention" and not new:
            new = None
        if name == "scope" and new not in ("project", "global"):
            raise CurationError(f"scope must be project or global, not {value!r}")
        if name == "scope" and new == "project" and not lesson.project:
            raise CurationError(f"lesson #{lesson.id} has no project (it was seen in several), so it stays global")
        if name == "severity" and new not in conf.SEVERITIES:
            raise CurationError(f"severity must be one of {', '.join(conf.SEVERITIES)}, not {value!r}")
        if getattr(lesson, name) != new:
            changes[name] = new
    return changes


def edit(
    conn: sqlite3.Connection,
    lesson_id: int,
    *,
    title: str | None = None,
    body: str | None = None,
    prevention: str | None = None,
    scope: str | None = None,
    severity: str | None = None,
    now: str | None = None,
) -> Outcome:
    """Change a lesson's text, scope or severity, and mark it edited so learning keeps the
    person's text. A changed text drops the stored embedding (it described the old text); the
    full-text index follows through the table's triggers."""
    requested = {"title": title, "body": body, "prevention": prevention, "scope": scope, "severity": severity}
    if all(value is None for value in requested.values()):
        raise CurationError(
            "nothing to change: give at least one of --title, --body, --prevention, --scope, --severity"
        )
    moment = now or utc_now()
    with transaction(conn):
        lesson = _current(conn, lesson_id)
        changes = _edit_changes(lesson, requested)
        if not changes:
            return Outcome(
                lesson.id, lesson.signature, "edit", False, "unchanged: the values given are its own", lesson
            )
        assignments = [f"{name} = ?" for name in changes] + ["edited = 1", "updated_at = ?"]
        if _TEXT_FIELDS & changes.keys():
            assignments.append("embedding = NULL, embedding_model = NULL")
        conn.execute(
            f"UPDATE lessons SET {', '.join(assignments)} WHERE id = ?", (*changes.values(), moment, lesson.id)
        )
        before = {name: getattr(lesson, name) for name in changes}
        log_event(conn, lesson.id, lesson.signature, moment, "edited", {"fields": list(changes), "before": before})
    message = "edited " + ", ".join(changes)
    return Outcome(lesson.id, lesson.signature, "edit", True, message, get_lesson(conn, lesson.id))


def forget(conn: sqlite3.Connection, lesson_id: int, *, now: str | None = None) -> Outcome:
    """Delete a lesson for good: its row, evidence and aliases, and its words from the search
    index. A privacy action, so the event kept says only which id and signature were forgotten,
    and the texts earlier events held about it (titles, reasons, edits) are cleared too.

    Deleted pages are overwritten (secure_delete) and the search index is merged so the words do
    not linger in the file; the write-ahead log is checkpointed afterwards when nothing blocks it.
    """
    moment = now or utc_now()
    previous = conn.execute("PRAGMA secure_delete").fetchone()[0]
    conn.execute("PRAGMA secure_delete = ON")
    try:
        with transaction(conn):
            lesson = _current(conn, lesson_id)
            # Explicit, not only ON DELETE CASCADE: that needs PRAGMA foreign_keys, which is per connection.
            conn.execute("DELETE FROM lesson_evidence WHERE lesson_id = ?", (lesson.id,))
            conn.execute("DELETE FROM lesson_aliases WHERE lesson_id = ?", (lesson.id,))
            conn.execute("DELETE FROM lessons WHERE id = ?", (lesson.id,))
            conn.execute("INSERT INTO lessons_fts(lessons_fts) VALUES ('optimize')")
            conn.execute("UPDATE lesson_events SET detail = NULL WHERE lesson_id = ?", (lesson.id,))
            log_event(conn, lesson.id, lesson.signature, moment, "forgotten")
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(previous)}")
    _checkpoint(conn)
    return Outcome(lesson.id, lesson.signature, "forget", True, "forgotten")


def _checkpoint(conn: sqlite3.Connection, wait_ms: int = 200) -> None:
    """Copy the write-ahead log into the file and empty it, waiting at most `wait_ms` for other
    readers (best effort: a busy store is checkpointed later by SQLite itself)."""
    previous = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:
        pass
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(previous)}")


# --- import ---------------------------------------------------------------------------------

_FILLABLE = ("body", "prevention", "prevention_command", "trigger", "error_signature", "error_class", "category")
# A new lesson takes an id never given before (m016_lesson_ids), not the id of a deleted one.
_INSERT = """
INSERT INTO lessons (id, signature, kind, origin, title, body, prevention, prevention_command, trigger, trigger_text,
    error_signature, error_class, category, severity, scope, project, sessions, failed_sessions, observations,
    prevented, warnings, confidence, tier, status, edited, first_seen, last_seen, created_at, updated_at)
VALUES ((SELECT last_id + 1 FROM lesson_ids), ?, ?, 'imported', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 0, ?, ?, ?, ?)"""


@dataclass(slots=True)
class ImportResult:
    """What an import did: lessons added, lessons that gained text they lacked, lessons kept."""

    new: int = 0
    filled: int = 0
    unchanged: int = 0
    ids: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"new": self.new, "filled": self.filled, "unchanged": self.unchanged, "ids": self.ids}


def import_records(
    conn: sqlite3.Connection,
    records: Sequence[Mapping[str, Any]],
    *,
    status: str = "pending",
    source: str | None = None,
    now: str | None = None,
) -> ImportResult:
    """Upsert validated records (learn.exchange.normalize_record) by signature, in one transaction.

    A new lesson is inserted with origin "imported" and `status` (pending: reviewed before use).
    A lesson the store has (by signature or alias) keeps its counts, status and text; the import
    only fills text it lacks. Each insert or fill is recorded as an "imported" event."""
    if status not in ("pending", "active"):
        raise CurationError(f"imported lessons are pending or active, not {status!r}")
    moment = now or utc_now()
    result = ImportResult()
    with transaction(conn):
        for record in records:
            lesson_id = _stored_id(conn, str(record["signature"]))
            if lesson_id is None:
                lesson_id = _insert(conn, record, status, moment)
                log_event(conn, lesson_id, record["signature"], moment, "imported", {"from": source, "new": True})
                result.new += 1
            elif filled := _fill(conn, lesson_id, record, moment):
                log_event(conn, lesson_id, record["signature"], moment, "imported", {"from": source, "filled": filled})
                result.filled += 1
            else:
                result.unchanged += 1
            result.ids.append(lesson_id)
    return result


def mark_stated_by_agent(conn: sqlite3.Connection, lesson_id: int) -> None:
    """A lesson an agent stated (MCP's record_lesson) and the import just stored: origin "mcp",
    not "imported" (inside the caller's transaction)."""
    conn.execute("UPDATE lessons SET origin = 'mcp' WHERE id = ? AND origin = 'imported'", (lesson_id,))


def _stored_id(conn: sqlite3.Connection, signature: str) -> int | None:
    """The id of the lesson with this signature or alias."""
    row = conn.execute(
        """SELECT id FROM lessons WHERE signature = ?
           UNION ALL SELECT lesson_id FROM lesson_aliases WHERE signature = ? LIMIT 1""",
        (signature, signature),
    ).fetchone()
    return int(row[0]) if row else None


def _trigger_columns(trigger: Any) -> tuple[str | None, str | None]:
    """The stored trigger JSON and its description."""
    if not isinstance(trigger, Mapping):
        return None, None
    try:
        text = Trigger.from_json(dict(trigger)).describe()
    except ValueError:  # a trigger the caller did not check: kept as given, the lesson shown as unreadable
        text = None
    return json_codec.dumps(trigger), text


def _insert(conn: sqlite3.Connection, record: Mapping[str, Any], status: str, now: str) -> int:
    """Insert an imported lesson; returns its id."""
    trigger_json, trigger_text = _trigger_columns(record.get("trigger"))
    cursor = conn.execute(
        _INSERT,
        (
            record["signature"], record["kind"], record["title"], record["body"], record.get("prevention"),
            record.get("prevention_command"), trigger_json, trigger_text, record.get("error_signature"),
            record.get("error_class"), record.get("category"), record["severity"], record["scope"],
            record.get("project"), record["sessions"], record["failed_sessions"], record["observations"],
            record["prevented"], record["confidence"], record["tier"], status, record.get("first_seen"),
            record.get("last_seen"), now, now,
        ),
    )  # fmt: skip
    return int(cursor.lastrowid or 0)


def _fill(conn: sqlite3.Connection, lesson_id: int, record: Mapping[str, Any], now: str) -> list[str]:
    """Fill the texts the stored lesson lacks from `record`; returns the columns filled."""
    lesson = _current(conn, lesson_id)
    filled = [name for name in _FILLABLE if not getattr(lesson, name) and record.get(name)]
    if not filled:
        return []
    values: dict[str, Any] = {name: record[name] for name in filled}
    if "trigger" in values:
        values["trigger"], values["trigger_text"] = _trigger_columns(values["trigger"])
    assignments = ", ".join(f"{name} = ?" for name in values)
    conn.execute(f"UPDATE lessons SET {assignments}, updated_at = ? WHERE id = ?", (*values.values(), now, lesson_id))
    return filled
