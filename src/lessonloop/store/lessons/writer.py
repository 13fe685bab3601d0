"""Keeping learned lessons: upsert by signature, keep what people decided, archive, never delete.

Learning recomputes lessons from the whole history; this writer merges the result into the
store. A lesson a person edited keeps their text; one they rejected stays rejected; one that
falls below the archive floor is archived with an event saying why; feedback people and agents
gave (`lessonloop mcp`'s lesson_feedback) is applied again after recounting. Lessons no longer
produced (an analyzer changed) are left as they are, only decayed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lessonloop.core import json_codec
from lessonloop.core.timestamps import days_between
from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.lesson import Evidence, Lesson
from lessonloop.lesson_model.stand_ins import general_remedy
from lessonloop.store.transaction import transaction

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@dataclass(slots=True)
class SaveResult:
    total: int = 0
    new: int = 0
    updated: int = 0
    archived: int = 0
    restored: int = 0


_UPDATE_COUNTS = """
UPDATE lessons SET sessions = ?, failed_sessions = ?, observations = ?, prevented = ?, confidence = ?,
    tier = ?, severity = CASE WHEN edited THEN severity ELSE ? END, scope = CASE WHEN edited THEN scope ELSE ? END,
    project = CASE WHEN edited THEN project ELSE ? END, agent = coalesce(agent, ?), model = coalesce(?, model),
    error_class = ?, first_seen = ?, last_seen = ?, status = ?, updated_at = ?, learned_confidence = ?
WHERE id = ?"""
_UPDATE_TEXT = """
UPDATE lessons SET embedding = CASE WHEN title IS NOT :title OR body IS NOT :body OR prevention IS NOT :prevention
        THEN NULL ELSE embedding END,
    title = :title, body = :body, prevention = :prevention, prevention_command = :command, trigger = :trigger,
    trigger_text = :trigger_text, category = :category, error_signature = :error_signature
WHERE id = :id AND edited = 0"""  # a vector of the old text is dropped: learning embeds the new one
# A new lesson takes an id never given before (m016_lesson_ids), not the id of a deleted one.
_INSERT = """
INSERT INTO lessons (id, signature, kind, origin, title, body, prevention, prevention_command, trigger, trigger_text,
    error_signature, error_class, category, severity, scope, project, agent, model, sessions, failed_sessions,
    observations, prevented, warnings, confidence, tier, status, edited, first_seen, last_seen, created_at, updated_at,
    learned_confidence)
VALUES ((SELECT last_id + 1 FROM lesson_ids), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 0, ?, ?, ?, ?,
    ?)"""


def log_event(
    conn: sqlite3.Connection, lesson_id: int | None, signature: str | None, ts: str, event: str, detail: object = None
) -> None:
    """Record what happened to a lesson (lesson_events)."""
    conn.execute(
        "INSERT INTO lesson_events (lesson_id, signature, ts, event, detail) VALUES (?, ?, ?, ?, ?)",
        (lesson_id, signature, ts, event, None if detail is None else json_codec.dumps(detail)),
    )


FEEDBACK_DETAIL = json_codec.dumps({"source": "feedback"})


@dataclass(slots=True)
class Feedback:
    """People's and agents' judgements of one lesson (lesson_events "feedback"): a helpful one is a
    success after the prevention (prevented + 1), an unhelpful one a session where the lesson did
    not apply (sessions + 1, no failure)."""

    helpful: int = 0
    unhelpful: int = 0
    helped: list[tuple[str | None, str]] = field(default_factory=list)  # (session id, ts) of each helpful one


def stored_feedback(conn: sqlite3.Connection) -> dict[int, Feedback]:
    """Every lesson's feedback events, summed, so learning can apply them again after recounting."""
    found: dict[int, Feedback] = {}
    for lesson_id, ts, detail in conn.execute(
        "SELECT lesson_id, ts, detail FROM lesson_events WHERE event = 'feedback' AND lesson_id IS NOT NULL ORDER BY ts, id"
    ):
        try:
            data = json_codec.loads(detail) if detail else {}
        except ValueError:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("helpful"), bool):
            continue
        item = found.setdefault(int(lesson_id), Feedback())
        if data["helpful"]:
            item.helpful += 1
            session = data.get("session_id")
            item.helped.append((session if isinstance(session, str) else None, ts))
        else:
            item.unhelpful += 1
    return found


def add_feedback_evidence(conn: sqlite3.Connection, lesson_id: int, session_id: str | None, ts: str) -> None:
    """The evidence row of a helpful judgement: role "prevented", detail {"source": "feedback"}."""
    _insert_evidence(conn, lesson_id, _feedback_rows([(session_id, ts)]))


def store_judged_counts(
    conn: sqlite3.Connection, lesson_id: int, sessions: int, prevented: int, confidence: float, tier: str, ts: str
) -> None:
    """A judged lesson's counts (MCP's lesson_feedback), its confidence and tier recomputed from them."""
    conn.execute(
        """UPDATE lessons SET sessions = ?, prevented = ?, confidence = ?, tier = ?, updated_at = ?,
               learned_confidence = NULL WHERE id = ?""",
        (sessions, prevented, confidence, tier, ts, lesson_id),
    )


def save_learned(
    conn: sqlite3.Connection,
    lessons: Iterable[Lesson],
    aliases: dict[str, str],
    now: str,
    *,
    still_current: Callable[[], bool] | None = None,
    finish: Callable[[SaveResult], None] | None = None,
) -> SaveResult | None:
    """Merge `lessons` (and the signatures merged into them) into the store in one transaction.

    still_current: asked once the write lock is held; False (what was learned from changed in the
    meantime: another process ingested) rolls back and returns None, so the caller learns again.
    finish: runs last inside the transaction (the learning run's own record)."""
    lessons = list(lessons)
    result = SaveResult()
    with transaction(conn) as tx:
        if still_current is not None and not still_current():
            tx.discard()
            return None
        stored = _read_stored(conn)
        seen_ids: set[int] = set()
        for lesson in lessons:
            if lesson.signature in stored.forgotten:
                continue
            result.total += 1
            found = stored.lessons.get(lesson.signature)
            if found is None:
                lesson_id = _insert_learned(conn, lesson, now, result)
            elif found[0] in seen_ids:
                continue  # two signatures of one stored lesson: the first wins
            else:
                lesson_id = _update_learned(conn, lesson, found, stored, now, result)
            seen_ids.add(lesson_id)
            lesson.id = lesson_id
            helped = stored.feedback.get(lesson_id, Feedback()).helped
            _keep_evidence(conn, lesson_id, [*_evidence_rows(lesson.evidence), *_feedback_rows(helped)])
        _keep_aliases(conn, lessons, aliases)
        result.archived += _decay_others(conn, seen_ids, stored.restored, now)
        if finish is not None:
            finish(result)
    return result


@dataclass(slots=True)
class _Stored:
    """What a merge decides by: the stored lessons by signature and alias (id, status, tier); the
    signatures a person forgot (never learned again) and the lessons a person restored (archived
    again only by them); the feedback to apply again after recounting."""

    lessons: dict[str, tuple[int, str, str]]
    forgotten: set[str]
    restored: set[int]
    feedback: dict[int, Feedback]


def _read_stored(conn: sqlite3.Connection) -> _Stored:
    existing = {
        sig: (lid, status, tier)
        for lid, sig, status, tier in conn.execute("SELECT id, signature, status, tier FROM lessons")
    }
    for sig, lid, status, tier in conn.execute(
        "SELECT a.signature, l.id, l.status, l.tier FROM lesson_aliases a JOIN lessons l ON l.id = a.lesson_id"
    ):
        existing.setdefault(sig, (lid, status, tier))
    forgotten = {sig for (sig,) in conn.execute("SELECT signature FROM lesson_events WHERE event = 'forgotten'")}
    restored = {lid for (lid,) in conn.execute("SELECT DISTINCT lesson_id FROM lesson_events WHERE event = 'restored'")}
    return _Stored(existing, forgotten, restored, stored_feedback(conn))


def _counted(lesson: Lesson) -> int | None:
    """The failing sessions a tier is held to (confidence.MIN_FAILED_SESSIONS), None for a lesson
    not counted in sessions (a person's own, an import without counts)."""
    return lesson.failed_sessions if lesson.origin == "learned" or lesson.sessions else None


def _decayed(lesson: Lesson, now: str) -> tuple[float, float]:
    """Days since the lesson was last seen, and its confidence decayed by them."""
    days = days_between(lesson.last_seen, now) if lesson.last_seen else 0.0
    return days, lesson.base_confidence * conf.decay_factor(days)


def _insert_learned(conn: sqlite3.Connection, lesson: Lesson, now: str, result: SaveResult) -> int:
    """A lesson new to the store: inserted (archived at once when below the floor), logged."""
    days, value = _decayed(lesson, now)
    trigger_json = json_codec.dumps(lesson.trigger.to_json()) if lesson.trigger else None
    tier = conf.next_tier(value, lesson.tier, _counted(lesson))
    status = lesson.status
    if status in ("active", "pending") and conf.should_archive(value, days, lesson.sessions, lesson.failed_sessions):
        status = "archived"
    learned = round(lesson.base_confidence, 6) if lesson.origin == "learned" else None
    lesson_id = _insert_lesson(conn, lesson, trigger_json, value, tier, status, now, learned)
    log_event(conn, lesson_id, lesson.signature, now, "learned", {"title": lesson.title})
    if status == "archived":
        log_event(conn, lesson_id, lesson.signature, now, "archived", {"confidence": round(value, 4)})
        result.archived += 1
    result.new += 1
    return lesson_id


def _update_learned(
    conn: sqlite3.Connection,
    lesson: Lesson,
    found: tuple[int, str, str],
    stored: _Stored,
    now: str,
    result: SaveResult,
) -> int:
    """A stored lesson learned again: its counts recounted (the feedback applied again), archived
    when below the floor (unless a person restored it), its text replaced unless a person edited it."""
    lesson_id, status, old_tier = found
    days, value = _decayed(lesson, now)
    judged = stored.feedback.get(lesson_id, Feedback())
    sessions, prevented = lesson.sessions + judged.unhelpful, lesson.prevented + judged.helpful
    learned: float | None = lesson.base_confidence if lesson.origin == "learned" else None
    if judged.unhelpful:  # one more session without a failure each; the precision cap stays
        value = conf.live_confidence(lesson.failed_sessions, sessions, days, value)
        learned = None  # judged: its stored value stands
    tier = conf.next_tier(value, old_tier, _counted(lesson))
    if (
        status in ("active", "pending")
        and lesson_id not in stored.restored
        and conf.should_archive(value, days, sessions, lesson.failed_sessions)
    ):
        status = "archived"
        log_event(conn, lesson_id, lesson.signature, now, "archived", {"confidence": round(value, 4)})
        result.archived += 1
    conn.execute(
        _UPDATE_COUNTS,
        (
            sessions, lesson.failed_sessions, lesson.observations, prevented, round(value, 6),
            tier, lesson.severity, lesson.scope, lesson.project, lesson.agent, lesson.model,
            lesson.error_class, lesson.first_seen, lesson.last_seen, status, now,
            None if learned is None else round(learned, 6), lesson_id,
        ),
    )  # fmt: skip
    conn.execute(
        _UPDATE_TEXT,
        {
            "title": lesson.title,
            "body": lesson.body,
            "prevention": lesson.prevention,
            "command": lesson.prevention_command,
            "trigger": json_codec.dumps(lesson.trigger.to_json()) if lesson.trigger else None,
            "trigger_text": lesson.trigger.describe() if lesson.trigger else None,
            "category": lesson.category,
            "error_signature": lesson.error_signature,
            "id": lesson_id,
        },
    )
    result.updated += 1
    return lesson_id


def _keep_aliases(conn: sqlite3.Connection, lessons: list[Lesson], aliases: dict[str, str]) -> None:
    """The signatures merged into a saved lesson, kept pointing at it (lesson_aliases)."""
    by_signature = {lesson.signature: lesson.id for lesson in lessons if lesson.id is not None}
    for alias, target in aliases.items():
        target_id = by_signature.get(target)
        if target_id is not None and alias not in by_signature:
            conn.execute(
                "INSERT OR REPLACE INTO lesson_aliases (signature, lesson_id) VALUES (?, ?)", (alias, target_id)
            )


def _insert_lesson(
    conn: sqlite3.Connection,
    lesson: Lesson,
    trigger_json: str | None,
    value: float,
    tier: str,
    status: str,
    now: str,
    learned: float | None = None,
) -> int:
    """Insert a new lesson row; returns its id. `learned`: its undecayed learned confidence."""
    cursor = conn.execute(
        _INSERT,
        (
            lesson.signature, lesson.kind, lesson.origin, lesson.title, lesson.body, lesson.prevention,
            lesson.prevention_command, trigger_json, lesson.trigger.describe() if lesson.trigger else None,
            lesson.error_signature, lesson.error_class, lesson.category, lesson.severity, lesson.scope,
            lesson.project, lesson.agent, lesson.model, lesson.sessions, lesson.failed_sessions,
            lesson.observations, lesson.prevented, round(value, 6), tier, status, lesson.first_seen,
            lesson.last_seen, now, now, learned,
        ),
    )  # fmt: skip
    return int(cursor.lastrowid or 0)


_EVIDENCE_COLUMNS = "role, session_id, tool_use_id, message_uuid, finding_id, ts, project, detail"


def _keep_evidence(conn: sqlite3.Connection, lesson_id: int, rows: list[tuple[Any, ...]]) -> None:
    """The lesson's evidence made `rows` (in their order): rewritten only when the stored rows
    differ. A learning run gives every lesson its evidence again, and most lessons' is what it
    was: rewriting it all on every turn wrote every lesson's rows (and three indexes) again."""
    stored = conn.execute(
        f"SELECT {_EVIDENCE_COLUMNS} FROM lesson_evidence WHERE lesson_id = ? ORDER BY id", (lesson_id,)
    ).fetchall()
    if stored == rows:
        return
    conn.execute("DELETE FROM lesson_evidence WHERE lesson_id = ?", (lesson_id,))
    _insert_evidence(conn, lesson_id, rows)


def _insert_evidence(conn: sqlite3.Connection, lesson_id: int, rows: list[tuple[Any, ...]]) -> None:
    conn.executemany(
        f"INSERT INTO lesson_evidence (lesson_id, {_EVIDENCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(lesson_id, *row) for row in rows],
    )


def _evidence_rows(evidence: Iterable[Evidence]) -> list[tuple[Any, ...]]:
    """Evidence as lesson_evidence rows (_EVIDENCE_COLUMNS)."""
    return [
        (
            e.role, e.session_id, e.tool_use_id, e.message_uuid, e.finding_id, e.ts, e.project,
            json_codec.dumps(e.detail) if e.detail else None,
        )
        for e in evidence
    ]  # fmt: skip


def _feedback_rows(helped: Iterable[tuple[str | None, str]]) -> list[tuple[Any, ...]]:
    """Helpful judgements as the rows add_feedback_evidence writes."""
    return [("prevented", session_id, None, None, None, ts, None, FEEDBACK_DETAIL) for session_id, ts in helped]


def _decay_others(conn: sqlite3.Connection, done: set[int], restored: set[int], now: str) -> int:
    """Decay the stored lessons this run did not produce (manual, imported, or no longer learned);
    archive those below the floor. Returns how many were archived.

    Their counts do not change here, so the decayed value is never above the one stored before
    but where that one was capped (by the precision of the lesson's warnings, or lowered by a
    person's judgement): the stored value stays a ceiling, as it is for live confidence
    (lesson_model.confidence.live_confidence), and the cap is not lost by a lesson leaving the
    learned set."""
    archived = 0
    rows = conn.execute(
        "SELECT id, signature, sessions, failed_sessions, last_seen, tier, status, origin, confidence FROM lessons"
    ).fetchall()
    for lesson_id, signature, sessions, failed, last_seen, tier, status, origin, stored in rows:
        if lesson_id in done:
            continue
        days = days_between(last_seen, now) if last_seen else 0.0
        base = conf.wilson_lower_bound(failed, sessions) if origin == "learned" or sessions else None
        if base is None:
            continue  # a manual lesson without observations keeps the confidence a person gave it
        value = min(base * conf.decay_factor(days), float(stored))
        if (
            status in ("active", "pending")
            and lesson_id not in restored
            and conf.should_archive(value, days, sessions, failed)
        ):
            status = "archived"
            log_event(conn, lesson_id, signature, now, "archived", {"confidence": round(value, 4)})
            archived += 1
        conn.execute(
            "UPDATE lessons SET confidence = ?, tier = ?, status = ? WHERE id = ?",
            (round(value, 6), conf.next_tier(value, tier, failed), status, lesson_id),
        )
    return archived


def merge_live(conn: sqlite3.Connection, lesson: Lesson, now: str) -> int | None:
    """Merge a lesson learned during a session (hooks) into the store, in the caller's
    transaction: a new lesson is inserted with its counts; a known one (by signature or alias)
    gets the evidence rows it lacks, and one more failing session when this session is new to it.
    Batch learning later recounts everything from the whole history. Returns the lesson's id, or
    None when a person forgot that signature."""
    forgotten = conn.execute(
        "SELECT 1 FROM lesson_events WHERE event = 'forgotten' AND signature = ? LIMIT 1", (lesson.signature,)
    ).fetchone()
    if forgotten is not None:
        return None
    found = conn.execute(
        """SELECT id, tier FROM lessons WHERE signature = ?
           UNION ALL SELECT l.id, l.tier FROM lesson_aliases a JOIN lessons l ON l.id = a.lesson_id WHERE a.signature = ?
           LIMIT 1""",
        (lesson.signature, lesson.signature),
    ).fetchone()
    trigger_json = json_codec.dumps(lesson.trigger.to_json()) if lesson.trigger else None
    if found is None:
        value = lesson.base_confidence
        tier = conf.next_tier(value, lesson.tier, _counted(lesson))
        lesson_id = _insert_lesson(conn, lesson, trigger_json, value, tier, lesson.status, now, round(value, 6))
        log_event(conn, lesson_id, lesson.signature, now, "learned", {"title": lesson.title, "live": True})
        _add_evidence(conn, lesson_id, lesson.evidence)
        return lesson_id
    lesson_id, tier = found
    known = {
        (role, call)
        for role, call in conn.execute(
            "SELECT role, tool_use_id FROM lesson_evidence WHERE lesson_id = ? AND tool_use_id IS NOT NULL",
            (lesson_id,),
        )
    }
    failing = {
        s
        for (s,) in conn.execute(
            "SELECT DISTINCT session_id FROM lesson_evidence WHERE lesson_id = ? AND role = 'failure'", (lesson_id,)
        )
    }
    if lesson.prevention:
        # a remedy found since it was stored (the call that worked after the failure that taught
        # it, learned at once): kept where none was, or where only a general one was (a stand-in
        # for a missing program: lesson_model/stand_ins.py), unless a person wrote the lesson's text
        stored = conn.execute("SELECT prevention FROM lessons WHERE id = ?", (lesson_id,)).fetchone()[0]
        if stored is None or (general_remedy(stored) and not general_remedy(lesson.prevention)):
            conn.execute(
                "UPDATE lessons SET prevention = ?, prevention_command = ?, updated_at = ? WHERE id = ? AND NOT edited",
                (lesson.prevention, lesson.prevention_command, now, lesson_id),
            )
    new = [e for e in lesson.evidence if e.tool_use_id is None or (e.role, e.tool_use_id) not in known]
    new_failures = [e for e in new if e.role == "failure"]
    new_sessions = {e.session_id for e in new_failures if e.session_id not in failing}
    _add_evidence(conn, lesson_id, new)
    if new_failures:
        sessions, failed, last_seen = conn.execute(
            "SELECT sessions, failed_sessions, last_seen FROM lessons WHERE id = ?", (lesson_id,)
        ).fetchone()
        sessions += len(new_sessions)
        failed += len(new_sessions)
        value = conf.wilson_lower_bound(failed, sessions)
        seen = max(filter(None, [last_seen, lesson.last_seen]), default=None)
        conn.execute(
            """UPDATE lessons SET sessions = ?, failed_sessions = ?, observations = observations + ?, confidence = ?,
                   tier = ?, last_seen = ?, updated_at = ?, learned_confidence = ? WHERE id = ?""",
            (
                sessions,
                failed,
                len(new_failures),
                round(value, 6),
                conf.next_tier(value, tier, failed),
                seen,
                now,
                round(value, 6),
                lesson_id,
            ),
        )
    return int(lesson_id)


def _add_evidence(conn: sqlite3.Connection, lesson_id: int, evidence: Iterable[Evidence]) -> None:
    _insert_evidence(conn, lesson_id, _evidence_rows(evidence))
