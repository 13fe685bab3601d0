"""Reading lessons back for people: one lesson by id or signature prefix, filtered lists, the
evidence behind a lesson (joined to the calls and messages it points at), its history, and its
confidence explained in numbers.

Nothing here writes; curation is in lesson_curation.py, learning's writes in lesson_writer.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from lessonloop.analyze.error_headline import error_headline
from lessonloop.core import json_codec
from lessonloop.core.timestamps import days_between, utc_now
from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.decision import confidence_now, remedy_of
from lessonloop.lesson_model.provenance import describe
from lessonloop.lesson_model.triggers import Trigger, read_trigger
from lessonloop.store import hooks as hook_tables
from lessonloop.store.lessons.statuses import status_values

KINDS = ("usage", "correction", "finding", "workflow", "manual")
ORDERS = ("status", "confidence", "signature", "recent", "id", "mistakes")

# Every column of `lessons` but the embedding vector, in table order.
COLUMNS = (
    "id", "signature", "kind", "origin", "title", "body", "prevention", "prevention_command", "trigger",
    "trigger_text", "error_signature", "error_class", "category", "severity", "scope", "project", "agent", "model",
    "sessions", "failed_sessions", "observations", "prevented", "warnings", "confidence", "tier", "status", "edited",
    "first_seen", "last_seen", "created_at", "updated_at", "embedding_model",
)  # fmt: skip
# ... and the author of a lesson from someone else (whose texts it carries: m050), for its
# provenance, and the lesson's undecayed learned confidence (what the hooks cap its confidence now by).
_SELECT = f"SELECT {', '.join('l.' + c for c in COLUMNS)}, l.author, l.learned_confidence FROM lessons l"
_STATUS_ORDER = {"active": 0, "pending": 1, "rejected": 2}  # then every other status (archived)
_STATUS_RANK = (
    "CASE l.status "
    + " ".join(f"WHEN '{status}' THEN {rank}" for status, rank in _STATUS_ORDER.items())
    + f" ELSE {len(_STATUS_ORDER)} END"
)
_ORDER_BY = {
    "status": f"{_STATUS_RANK}, l.confidence DESC, l.id",
    "confidence": "l.confidence DESC, l.signature",
    "signature": "l.signature",
    "recent": "l.last_seen IS NULL, l.last_seen DESC, l.id",
    "id": "l.id",
    "mistakes": "l.failed_sessions DESC, l.observations DESC, l.id",  # the most repeated mistakes first
}


class LessonNotFound(LookupError):
    """No lesson, or more than one, matches the reference given; the message says which."""


@dataclass(frozen=True, slots=True)
class LessonRow:
    """One stored lesson: every column but the embedding, and its trigger parsed."""

    id: int
    signature: str
    kind: str
    origin: str
    title: str
    body: str
    prevention: str | None
    prevention_command: str | None
    trigger: str | None  # the stored JSON text
    trigger_text: str | None
    error_signature: str | None
    error_class: str | None
    category: str | None
    severity: str
    scope: str
    project: str | None
    agent: str | None
    model: str | None
    sessions: int
    failed_sessions: int
    observations: int
    prevented: int
    warnings: int
    confidence: float
    tier: str
    status: str
    edited: bool
    first_seen: str | None
    last_seen: str | None
    created_at: str
    updated_at: str
    embedding_model: str | None
    author: str | None = None  # a team copy's author (whose texts it carries)
    # Why the stored lesson cannot be read ("trigger: its words field is a number, ..."), None when
    # it can: shown as such, never given to agents (approve and restore refuse it; reject,
    # archive and forget take it away).
    unreadable: str | None = None
    parsed_trigger: Trigger | None = field(default=None, compare=False, repr=False)
    # what the lesson's confidence is capped by (learning's undecayed value, else the stored one);
    # `confidence` is its confidence now, the one figure every command, page, export, hook and MCP
    # tool shows
    stored_confidence: float = field(default=0.0, compare=False, repr=False)

    @classmethod
    def from_row(cls, row: tuple[Any, ...], now: str | None = None) -> LessonRow:
        """Build from a row of COLUMNS, in order, then the team author and the learned confidence
        (when the row has them). `confidence` is the lesson's confidence at `now` (default: the
        current time; _shown_confidence). Never raises on what is stored: a value of the wrong type
        is read as its column's type can hold it, a trigger that cannot be read as none, and
        `unreadable` says why."""
        values = dict(zip(COLUMNS, row[: len(COLUMNS)], strict=True))
        values["author"] = row[len(COLUMNS)] if len(row) > len(COLUMNS) else None
        learned = row[len(COLUMNS) + 1] if len(row) > len(COLUMNS) + 1 else None
        problems = _coerce(values)
        trigger, problem = read_trigger(values["trigger"])
        if problem is not None:
            problems.insert(0, f"trigger: {problem}")
        cap = learned if isinstance(learned, int | float) and not isinstance(learned, bool) else values["confidence"]
        values["confidence"] = _shown_confidence(
            values["failed_sessions"], values["sessions"], values["last_seen"], cap, now
        )
        return cls(
            **values, unreadable="; ".join(problems) or None, parsed_trigger=trigger, stored_confidence=float(cap)
        )

    def trigger_json(self) -> dict[str, Any] | None:
        """The stored trigger as a JSON object (None when the lesson has none or it is not an
        object); as stored, also when a field cannot be read (`unreadable` says which)."""
        return _trigger_object(self.trigger)

    @property
    def remedy(self) -> str | None:
        """What it tells an agent to do instead, the rule broken, or the check to make
        (decision.remedy_of); None for a lesson that says only that a call failed before: such a
        lesson is never given to an agent."""
        rule = self.parsed_trigger.rule if self.parsed_trigger is not None else None
        return remedy_of(self.prevention, self.prevention_command, rule, self.kind, self.title)

    @property
    def provenance(self) -> str:
        """Where the lesson came from, in words (lesson_model/provenance.py)."""
        return describe(self.origin, self.kind, self.author)

    @property
    def trigger_shown(self) -> str:
        """The trigger in words for a person: its description, "(unreadable trigger: why)"."""
        if self.unreadable is not None and self.unreadable.startswith("trigger:"):
            return f"(unreadable {self.unreadable.split('; ', 1)[0]})"
        return self.trigger_text or "none (recalled by search only)"

    def to_json(self) -> dict[str, Any]:
        """Every column, the trigger as an object, where the lesson came from, and why it cannot
        be read (null when it can)."""
        out = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("parsed_trigger", "stored_confidence")
        }
        out["trigger"] = self.trigger_json()
        out["provenance"] = self.provenance
        return out


def _shown_confidence(
    failed_sessions: int, sessions: int, last_seen: str | None, stored: float, now: str | None = None
) -> float:
    """A lesson's confidence at `now`, as the PreToolUse hook computes it for a candidate
    (lesson_model/decision.live_confidence): its failing sessions' Wilson bound decayed for the days
    since it was last seen, no higher than `stored` (learning's undecayed value, which caps it by
    its warnings' precision; a person's or an import's own value when it was never counted)."""
    return round(confidence_now(failed_sessions, sessions, last_seen, float(stored), now or utc_now()), 6)


_TEXT_COLUMNS = frozenset(
    {"signature", "kind", "origin", "title", "body", "severity", "scope", "tier", "status", "created_at", "updated_at"}
)
_OPTIONAL_TEXT_COLUMNS = frozenset(
    {
        "prevention", "prevention_command", "trigger", "trigger_text", "error_signature", "error_class", "category",
        "project", "agent", "model", "first_seen", "last_seen", "embedding_model", "author",
    }
)  # fmt: skip
_COUNT_COLUMNS = ("sessions", "failed_sessions", "observations", "prevented", "warnings")


def _coerce(values: dict[str, Any]) -> list[str]:
    """Each value of a lessons row as its column's type, in place; what could not be read, in
    words (a text where a count is, bytes where a text is: a store another program wrote)."""
    problems: list[str] = []
    for name in _COUNT_COLUMNS:
        value = values[name]
        if type(value) is not int:
            values[name], problem = _number(value, int)
            if problem:
                problems.append(f"{name}: {problem}")
    confidence = values["confidence"]
    if type(confidence) is not float:
        values["confidence"], problem = _number(confidence, float)
        if problem:
            problems.append(f"confidence: {problem}")
    values["edited"] = bool(values["edited"]) if isinstance(values["edited"], int | float) else False
    for name, value in values.items():
        if value is None or isinstance(value, str):
            if value is None and name in _TEXT_COLUMNS:
                values[name] = ""
            continue
        if name in _TEXT_COLUMNS or name in _OPTIONAL_TEXT_COLUMNS:
            if isinstance(value, bytes):
                values[name] = value.decode("utf-8", "replace")
                problems.append(f"{name}: bytes, not text")
            else:
                values[name] = str(value)
    return problems


def _number(value: Any, kind: type[int] | type[float]) -> tuple[Any, str | None]:
    """`value` as an int or float: (it, None), or (0, why) when it is not a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return kind(value), None
    try:
        return kind(float(value) if kind is int else value), None
    except (TypeError, ValueError, OverflowError):
        return kind(0), f"{str(value)[:40]!r} is not a number"


def _trigger_object(text: str | None) -> dict[str, Any] | None:
    """The stored trigger JSON as a dict; None when absent or not an object."""
    if not text:
        return None
    try:
        value = json_codec.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def get_lesson(conn: sqlite3.Connection, lesson_id: int) -> LessonRow | None:
    """The lesson with this id, or None (an id SQLite cannot hold included)."""
    if not 0 < lesson_id <= MAX_ID:
        return None
    row = conn.execute(f"{_SELECT} WHERE l.id = ?", (lesson_id,)).fetchone()
    return LessonRow.from_row(row) if row else None


def lesson_status(conn: sqlite3.Connection, lesson_id: int) -> str | None:
    """The lesson's status, None when there is no such lesson."""
    row = conn.execute("SELECT status FROM lessons WHERE id = ?", (lesson_id,)).fetchone()
    return row[0] if row else None


def titles_and_statuses(conn: sqlite3.Connection, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(title, status) of each lesson of `ids` (not empty) still stored."""
    rows = conn.execute(
        f"SELECT id, title, status FROM lessons WHERE id IN ({', '.join('?' * len(ids))})", ids
    ).fetchall()
    return {int(row[0]): (row[1], row[2]) for row in rows}


MIN_PREFIX = 6  # an all-digit reference shorter than this is an id only
MAX_ID = 2**63 - 1  # SQLite's largest integer: a longer number names no lesson by its id
_ID_DIGITS = len(str(MAX_ID))


def find_lesson(conn: sqlite3.Connection, ref: str | int) -> LessonRow:
    """The lesson `ref` names: an id ("12" or "#12"), a signature, or a unique prefix of one.

    An all-digit reference is read as an id first, and only as an id when shorter than
    MIN_PREFIX (a forgotten lesson's number must not find another lesson by its signature). A signature merged into another lesson (an
    alias) finds that lesson. Raises LessonNotFound, saying why, when none or several match.
    """
    given = str(ref).strip()
    if not given or given == "#":
        raise LessonNotFound("no lesson given (an id, or a signature or its prefix)")
    if given.startswith("#"):
        number = given[1:]
        found = get_lesson(conn, int(number)) if number.isdigit() and len(number) <= _ID_DIGITS else None
        if found is None:
            raise LessonNotFound(f"no lesson has id {number!r} (see `lessonloop lessons list --status all`)")
        return found
    if given.isdigit() and len(given) <= _ID_DIGITS:
        found = get_lesson(conn, int(given))
        if found is not None:
            return found
        if len(given) < MIN_PREFIX:  # "3" means lesson 3, not any signature starting with 3
            raise LessonNotFound(f"no lesson has id {given!r} (see `lessonloop lessons list --status all`)")
    return _by_signature(conn, given)


def _by_signature(conn: sqlite3.Connection, given: str) -> LessonRow:
    """The lesson whose signature (or alias) is `given`, or whose signature starts with it."""
    row = conn.execute(f"{_SELECT} WHERE l.signature = ?", (given,)).fetchone()
    if row is None:
        row = conn.execute(
            f"{_SELECT} JOIN lesson_aliases a ON a.lesson_id = l.id WHERE a.signature = ?", (given,)
        ).fetchone()
    if row is not None:
        return LessonRow.from_row(row)
    rows = conn.execute(
        f"{_SELECT} WHERE substr(l.signature, 1, ?) = ? ORDER BY l.signature LIMIT 6", (len(given), given.lower())
    ).fetchall()
    if len(rows) == 1:
        return LessonRow.from_row(rows[0])
    if not rows:
        raise LessonNotFound(f"no lesson matches {given!r} (see `lessonloop lessons list --status all`)")
    shown = ", ".join(f"#{r[0]} {r[1]}" for r in rows[:5])
    more = " ..." if len(rows) > 5 else ""
    raise LessonNotFound(f"{given!r} is ambiguous: it starts the signatures of {shown}{more}; give more characters")


def _fts_query(text: str) -> str:
    """Free text as an FTS5 query: every word must occur (each quoted, so no syntax errors)."""
    words = [w for w in text.replace('"', " ").split() if w]
    return " ".join(f'"{w}"' for w in words)


def list_lessons(
    conn: sqlite3.Connection,
    *,
    status: str | Iterable[str] | None = None,
    tier: str | None = None,
    project: str | None = None,
    kind: str | None = None,
    query: str | None = None,
    limit: int | None = None,
    min_confidence: float | None = None,
    order: str = "status",
    since: str | None = None,
    until: str | None = None,
) -> list[LessonRow]:
    """Stored lessons, filtered and sorted.

    status: None or "all" for any, else one or several ("active,pending"). project: lessons of the
    stored project this value names (store/projects/names.py; UnknownProject when it names none or
    several), and global lessons (they apply everywhere). query:
    words to find in the title, body, prevention, trigger or category (full-text search).
    order: status (active, pending, rejected, archived; most confident first), confidence,
    signature, recent (last seen first), id, or mistakes (seen failing in the most sessions first).
    since, until (canonical UTC text): only lessons last seen from `since` on and before `until`
    (one never seen is then left out).
    """
    if order not in _ORDER_BY:
        raise ValueError(f"unknown order {order!r} (expected {', '.join(ORDERS)})")
    where: list[str] = []
    params: list[Any] = []
    statuses = status_values(status)
    if statuses:
        where.append(f"l.status IN ({', '.join('?' * len(statuses))})")
        params.extend(statuses)
    if tier and tier != "all":
        where.append("l.tier = ?")
        params.append(tier)
    if kind and kind != "all":
        where.append("l.kind = ?")
        params.append(kind)
    if project:
        from lessonloop.store.projects.names import resolve_project_name

        where.append("(l.scope = 'global' OR l.project = ?)")
        params.append(resolve_project_name(conn, project))
    if min_confidence is not None:
        where.append("l.confidence >= ?")
        params.append(min_confidence)
    if since is not None:
        where.append("l.last_seen >= ?")
        params.append(since)
    if until is not None:
        where.append("l.last_seen < ?")
        params.append(until)
    if query and _fts_query(query):
        where.append("l.id IN (SELECT rowid FROM lessons_fts WHERE lessons_fts MATCH ?)")
        params.append(_fts_query(query))
    sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + f" ORDER BY {_ORDER_BY[order]}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = [LessonRow.from_row(row) for row in conn.execute(sql, params)]
    # The store's order and filter read the stored column; what is shown is the confidence now
    # (never above it while nothing new was learned): the rows are held to and ordered by that.
    if min_confidence is not None:
        rows = [row for row in rows if row.confidence >= min_confidence]
    if order == "status":
        rows.sort(key=lambda row: (_STATUS_ORDER.get(row.status, len(_STATUS_ORDER)), -row.confidence, row.id))
    elif order == "confidence":
        rows.sort(key=lambda row: (-row.confidence, row.signature))
    return rows


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One observation behind a lesson, with what it points at: the call (its command or file,
    its error's headline), the person's message, or the finding."""

    id: int
    role: str  # failure | fix | success | prevented | correction | finding | rule
    session_id: str | None
    tool_use_id: str | None
    message_uuid: str | None
    finding_id: int | None
    ts: str | None
    project: str | None
    detail: dict[str, Any] | None
    tool: str | None = None
    command: str | None = None
    target_path: str | None = None
    call_status: str | None = None
    exit_code: int | None = None
    error: str | None = None  # the error's headline
    message_kind: str | None = None
    message_text: str | None = None
    finding: str | None = None  # "rule: message"

    @property
    def what(self) -> str:
        """The call in a few words: its command, else its file, else its tool; for a session that
        broke a workflow rule (role `rule`: no call), the rule and how the session went."""
        called = self.command or self.target_path or self.tool
        if called or self.role != "rule" or not self.detail:
            return called or ""
        outcome = "the outcome the lesson is about followed" if self.detail.get("bad") else "it went well"
        return f"the session broke {self.detail.get('rule') or 'the rule'}; {outcome}"

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_EVIDENCE = """
SELECT e.id, e.role, e.session_id, e.tool_use_id, e.message_uuid, e.finding_id, e.ts, e.project, e.detail,
       t.tool, t.command, t.target_path, t.status, t.exit_code, t.error_text,
       CASE WHEN e.message_uuid IS NOT NULL THEN  -- (messages has no index on uuid alone: no scan without one)
            coalesce(m.kind, (SELECT kind FROM messages WHERE uuid = e.message_uuid LIMIT 1)) END,
       CASE WHEN e.message_uuid IS NOT NULL THEN
            coalesce(nullif(m.text, ''), (SELECT text FROM messages WHERE uuid = e.message_uuid AND text != '' LIMIT 1),
                     (SELECT json_extract(a.detail, '$.text') FROM analysis_signals a
                      WHERE a.kind = 'correction' AND a.message_uuid = e.message_uuid LIMIT 1)) END,
       f.rule, f.message
FROM lesson_evidence e
LEFT JOIN tool_calls t ON t.id = e.tool_use_id
LEFT JOIN messages m ON m.session_id = e.session_id AND m.uuid = e.message_uuid
LEFT JOIN findings f ON f.id = e.finding_id
WHERE e.lesson_id = ?
ORDER BY e.ts IS NULL, e.ts, e.id
"""


def lesson_evidence(conn: sqlite3.Connection, lesson_id: int) -> list[EvidenceRow]:
    """Why a lesson exists: its evidence in time order, joined to the calls, messages and
    findings it names (those may be gone when their transcript was re-read; the row stays)."""
    out: list[EvidenceRow] = []
    for row in conn.execute(_EVIDENCE, (lesson_id,)):
        (eid, role, session_id, tool_use_id, message_uuid, finding_id, ts, project, detail) = row[:9]
        tool, command, target, status, exit_code, error_text, msg_kind, msg_text, rule, message = row[9:]
        out.append(
            EvidenceRow(
                eid, role, session_id, tool_use_id, message_uuid, finding_id, ts, project, _object(detail),
                tool, command, target, status, exit_code, error_headline(error_text) or None, msg_kind, msg_text,
                f"{rule}: {message}" if rule else None,
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True, slots=True)
class EventRow:
    """One thing that happened to a lesson (lesson_events)."""

    id: int
    lesson_id: int | None
    signature: str | None
    ts: str
    event: str
    detail: Any

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def evidence_by_role(conn: sqlite3.Connection, session_ids: list[str]) -> list[tuple[int, str, int]]:
    """(lesson id, role, count) of the evidence from these sessions (not empty), by lesson and role."""
    rows = conn.execute(
        f"""SELECT lesson_id, role, count(*) FROM lesson_evidence
            WHERE session_id IN ({", ".join("?" * len(session_ids))}) GROUP BY lesson_id, role ORDER BY lesson_id, role""",
        session_ids,
    )
    return [(int(lesson_id), role, int(count)) for lesson_id, role, count in rows]


def lesson_events(conn: sqlite3.Connection, lesson_id: int) -> list[EventRow]:
    """A lesson's history, oldest first."""
    rows = conn.execute(
        "SELECT id, lesson_id, signature, ts, event, detail FROM lesson_events WHERE lesson_id = ? ORDER BY ts, id",
        (lesson_id,),
    )
    return [EventRow(r[0], r[1], r[2], r[3], r[4], _parsed(r[5])) for r in rows]


def _parsed(text: str | None) -> Any:
    """Stored JSON text as a value (the text itself when it is not JSON)."""
    if text is None:
        return None
    try:
        return json_codec.loads(text)
    except ValueError:
        return text


def _object(text: str | None) -> dict[str, Any] | None:
    """Stored JSON text as a dict, or None."""
    value = _parsed(text)
    return value if isinstance(value, dict) else None


@dataclass(frozen=True, slots=True)
class ConfidenceExplained:
    """How a lesson's confidence follows from its counts, in numbers (lesson_model/confidence.py)."""

    failed_sessions: int
    sessions: int
    wilson: float  # lower bound of the failure rate, z = conf.Z
    days_unseen: float  # since last_seen
    decay: float  # factor kept after days_unseen
    value: float  # the confidence now: wilson * decay, no higher than `stored` (conf.live_confidence)
    stored: float  # the confidence saved at the last learning run (or given by a person / import)
    observed: bool  # False: no sessions counted here, so the stored value is as given
    capped: bool  # wilson * decay is above `stored`, which learning capped by its warnings' precision
    tier: str
    tier_now: str  # the tier `value` gives from the current tier

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        out["thresholds"] = {
            "z": conf.Z,
            "active_at": conf.ACTIVE_AT,
            "active_below": conf.ACTIVE_BELOW,
            "core_at": conf.CORE_AT,
            "core_below": conf.CORE_BELOW,
            "archive_floor": conf.ARCHIVE_FLOOR,
            "stale_days": conf.STALE_DAYS,
            "decay_rate": conf.DECAY_RATE,
            "decay_period_days": conf.DECAY_PERIOD_DAYS,
        }
        return out


def _explain_confidence(lesson: LessonRow, now: str | None = None) -> ConfidenceExplained:
    """The lesson's confidence recomputed at `now` (default: the current time), step by step."""
    moment = now or utc_now()
    days = days_between(lesson.last_seen, moment) if lesson.last_seen else 0.0
    wilson = conf.wilson_lower_bound(lesson.failed_sessions, lesson.sessions)
    decay = conf.decay_factor(days)
    observed = lesson.sessions > 0
    value = conf.live_confidence(lesson.failed_sessions, lesson.sessions, days, lesson.stored_confidence)
    return ConfidenceExplained(
        lesson.failed_sessions, lesson.sessions, wilson, days, decay, value, lesson.stored_confidence, observed,
        observed and value < wilson * decay, lesson.tier,
        conf.next_tier(value, lesson.tier, lesson.failed_sessions if observed else None),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class ModelSessions:
    """A model a lesson's mistake was made with, and in how many sessions (agent contexts)."""

    model: str
    sessions: int

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "sessions": self.sessions}


# The evidence that is a mistake made (not a fix, a success or a prevention): whose model it was.
MISTAKE_ROLES = ("failure", "correction", "finding")
UNKNOWN_MODEL = "(unknown)"


def _lesson_models(conn: sqlite3.Connection, lesson_id: int) -> list[ModelSessions]:
    """The models the lesson's mistakes were made with (its evidence's sessions, a subagent's its
    own), the most sessions first."""
    marks = ", ".join("?" * len(MISTAKE_ROLES))
    return [
        ModelSessions(str(model), int(count))
        for model, count in conn.execute(
            f"""SELECT coalesce(nullif(x.model, ''), ?), count(DISTINCT e.session_id)
                FROM lesson_evidence e JOIN sessions x ON x.id = e.session_id
                WHERE e.lesson_id = ? AND e.role IN ({marks})
                GROUP BY 1 ORDER BY 2 DESC, 1""",
            (UNKNOWN_MODEL, lesson_id, *MISTAKE_ROLES),
        )
    ]


@dataclass(frozen=True, slots=True)
class LessonDetail:
    """Everything about one lesson: the row, why it exists, its confidence, its history."""

    lesson: LessonRow
    evidence: list[EvidenceRow]
    events: list[EventRow]
    confidence: ConfidenceExplained
    stops: int = 0  # calls the hooks stopped for it (PreToolUse "stop" decisions)
    resent: int = 0  # of those, sent again and run ("override" decisions)
    overrides: int = 0  # of the resent, those that worked: against its stop (OVERRIDES_TO_NOTE)
    confirmed: int = 0  # of the resent, those that failed again: the stop was right
    models: list[ModelSessions] = field(default_factory=list)  # the models its mistakes were made with

    def to_json(self) -> dict[str, Any]:
        return {
            "lesson": self.lesson.to_json(),
            "models": [m.to_json() for m in self.models],
            "stops": self.stops,
            "resent": self.resent,
            "overrides": self.overrides,
            "confirmed": self.confirmed,
            "confidence": self.confidence.to_json(),
            "evidence": [e.to_json() for e in self.evidence],
            "events": [e.to_json() for e in self.events],
        }


def lesson_detail(conn: sqlite3.Connection, ref: str | int, now: str | None = None) -> LessonDetail:
    """Everything `lessons show` prints about the lesson `ref` names (see find_lesson)."""
    lesson = find_lesson(conn, ref)
    return LessonDetail(
        lesson,
        lesson_evidence(conn, lesson.id),
        lesson_events(conn, lesson.id),
        _explain_confidence(lesson, now),
        hook_tables.stops(conn, lesson.id),
        hook_tables.resent(conn, lesson.id),
        hook_tables.overrides(conn, lesson.id),
        hook_tables.confirmed(conn, lesson.id),
        _lesson_models(conn, lesson.id),
    )
