"""Antigravity's conversation databases (`<lane>/conversations/<uuid>.db`, SQLite in WAL mode, rows
of protobuf blobs) -> their token rows, read as ccusage 20 reads them (its Antigravity adapter,
rust/adapters/antigravity/src/parser.rs and loader.rs @0a67b46; docs/agents/antigravity.md).

A database is a unit, the conversation it is (its file's stem, the uuid its brain transcript is
filed under: one session whichever of the two is there). Read, read-only inside one read
transaction (its -wal included):
- `steps.metadata` (a CortexStepMetadata; rows where it is not NULL, by idx): its usage, field 9,
  and the usage of each of its retries, field 28 -> 2; its model, field 24 (a ModelInfo: name 12,
  else 8; model id 1; provider 7); its time, field 8, else 1 (a Timestamp: seconds 1, nanos 2).
- `gen_metadata.data` (by idx): a message whose field 1 is a ChatModelMetadata: usage 4, retries
  17 -> 2, model name 19 (else 21), model id 3, time 9 -> 4.
- `trajectory_metadata_blob.data`: created_at, field 2 (the first row that has one).
A usage (ModelUsageStats) is: model id 1, input 2, output 3 (thinking included), cache write 4,
cache read 5, provider 6, message_id 7, thinking 9, visible output 10, response_id 11,
provider_assigned_message_id 12. One with no token is no event.

Each usage is an event; events sharing a response_id, provider_assigned_message_id or
message_id are one (every counter its largest; the time of the better-ranked one: a row's own
time, then one an event of the same id had, then the trajectory's created_at, then the file's
mtime). Output: ccusage reports the visible output (10, or 3 - 9) and the thinking apart
("extra"); lessonloop's output_tokens is both (records.TokenUsageRecord), reasoning_tokens the
thinking. Models are named as ccusage names them (`model_name`).

What is not ccusage's: ccusage merges the events of every database in one pass; here a database
is read alone, and a response found in two databases (a fork's copy) is one row by its id in the
store (the one read first, or the one with more output). A blob that is no protobuf is a problem
of its row (ccusage stops its whole report); a database that is none of Antigravity's, or no
SQLite, a problem naming the file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from lessonloop.agents.antigravity.reader import AGENT, paths
from lessonloop.agents.antigravity.reader import protobuf_wire as wire
from lessonloop.capture.adapters import Unit
from lessonloop.capture.readonly_sqlite import ReadOnlyDatabase, database_units, read_session_rows
from lessonloop.core.records import Batch, Problem, SessionRecord, TokenUsageRecord

NAME = "Antigravity"
DEFAULT_MODEL = "gemini-internal-model"
_INT64 = (1 << 63) - 1
_STAMP_MASK = (1 << 62) - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Ranks of an event's time, better first: its row's own, (one an event of the same id had), the
# trajectory's created_at, the file's mtime.
OWN, TRAJECTORY, MTIME = 3, 1, 0


# --- the blobs --------------------------------------------------------------------------------


@dataclass(slots=True)
class Usage:
    """One ModelUsageStats."""

    model_id: int | None = None
    input: int = 0
    total_output: int = 0
    cache_write: int = 0
    cache_read: int = 0
    thinking: int = 0
    visible_output: int = 0
    provider: int | None = None
    message_id: str | None = None
    response_id: str | None = None
    provider_message_id: str | None = None

    def has_tokens(self) -> bool:
        counts = (self.input, self.total_output, self.cache_write, self.cache_read, self.thinking, self.visible_output)
        return any(counts)

    def identities(self) -> list[str]:
        named = (("response", self.response_id), ("provider", self.provider_message_id), ("message", self.message_id))
        return [f"{kind}:{value}" for kind, value in named if value]

    def preferred_id(self) -> tuple[str | None, int]:
        """The id the event goes by, and its rank: response_id 3, provider's 2, message_id 1."""
        if self.response_id:
            return self.response_id, 3
        if self.provider_message_id:
            return self.provider_message_id, 2
        return self.message_id or None, 1


@dataclass(slots=True)
class _Row:
    """What one steps or gen_metadata row says: its usage, its retries', model and time."""

    usage: Usage | None = None
    retries: list[Usage] = field(default_factory=list)
    model: str | None = None
    model_id: int | None = None
    provider: int | None = None
    ms: int | None = None


def _nonzero(value: int | None) -> int | None:
    return value if value else None


def parse_usage(blob: bytes) -> Usage:
    fields = wire.decode(blob)
    return Usage(
        model_id=_nonzero(wire.varint(fields, 1)),
        input=wire.varint(fields, 2) or 0,
        total_output=wire.varint(fields, 3) or 0,
        cache_write=wire.varint(fields, 4) or 0,
        cache_read=wire.varint(fields, 5) or 0,
        thinking=wire.varint(fields, 9) or 0,
        visible_output=wire.varint(fields, 10) or 0,
        provider=_nonzero(wire.varint(fields, 6)),
        message_id=wire.text(fields, 7),
        response_id=wire.text(fields, 11),
        provider_message_id=wire.text(fields, 12),
    )


def _retries(fields: list[wire.Field], number: int) -> list[Usage]:
    found = []
    for retry in wire.all_bytes(fields, number):
        usage = wire.first_bytes(wire.decode(retry), 2)
        if usage is not None:
            found.append(parse_usage(usage))
    return found


def timestamp_ms(blob: bytes) -> int | None:
    """A google.protobuf.Timestamp (seconds 1, nanos 2) in milliseconds; None before 1970-01-01T00:00:01."""
    fields = wire.decode(blob)
    seconds = wire.varint(fields, 1)
    if seconds is None or seconds <= 0 or seconds > _INT64:
        return None
    nanos = min(wire.varint(fields, 2) or 0, 999_999_999)
    return min(seconds * 1000 + nanos // 1_000_000, _INT64)


def parse_step_metadata(blob: bytes) -> _Row:
    fields = wire.decode(blob)
    usage = wire.first_bytes(fields, 9)
    info = wire.first_bytes(fields, 24)
    info_fields = wire.decode(info) if info is not None else []
    when = wire.first_bytes(fields, 8)
    if when is None:
        when = wire.first_bytes(fields, 1)
    return _Row(
        usage=parse_usage(usage) if usage is not None else None,
        retries=_retries(fields, 28),
        model=wire.text(info_fields, 12) or wire.text(info_fields, 8),
        model_id=_nonzero(wire.varint(info_fields, 1)),
        provider=_nonzero(wire.varint(info_fields, 7)),
        ms=timestamp_ms(when) if when is not None else None,
    )


def parse_generation(blob: bytes) -> _Row:
    chat = wire.first_bytes(wire.decode(blob), 1)
    if chat is None:
        raise wire.WireError("no ChatModelMetadata (field 1)")
    fields = wire.decode(chat)
    usage = wire.first_bytes(fields, 4)
    info = wire.first_bytes(fields, 9)
    when = wire.first_bytes(wire.decode(info), 4) if info is not None else None
    return _Row(
        usage=parse_usage(usage) if usage is not None else None,
        retries=_retries(fields, 17),
        model=wire.text(fields, 19) or wire.text(fields, 21),
        model_id=_nonzero(wire.varint(fields, 3)),
        ms=timestamp_ms(when) if when is not None else None,
    )


def parse_trajectory_ms(blob: bytes) -> int | None:
    when = wire.first_bytes(wire.decode(blob), 2)
    return timestamp_ms(when) if when is not None else None


# --- models, as ccusage names them --------------------------------------------------------------

_IDS = {
    246: "gemini-2.5-pro", 312: "gemini-2.5-flash", 313: "gemini-2.5-flash-thinking",
    329: "gemini-2.5-flash-thinking", 330: "gemini-2.5-flash-lite", 281: "claude-4-sonnet", 282: "claude-4-sonnet",
    290: "claude-4-opus", 291: "claude-4-opus", 333: "claude-4.5-sonnet", 334: "claude-4.5-sonnet",
    340: "claude-4.5-haiku", 341: "claude-4.5-haiku", 342: "model_openai_gpt_oss_120b_medium",
    1318: "gemini-3.8-flash-high", 1319: "gemini-3.8-flash-medium", 1320: "gemini-3.8-flash-low",
    1298: "gemini-3.7-flash-high", 1299: "gemini-3.7-flash-medium", 1300: "gemini-3.7-flash-low",
    1071: "gemini-3.6-flash-high", 1072: "gemini-3.6-flash-medium", 1073: "gemini-3.6-flash-low",
}  # fmt: skip
_EFFORTS = {
    f"gemini {version} flash ({effort})": f"gemini-{version}-flash-{effort}"
    for version in ("3.8", "3.7", "3.6")
    for effort in ("high", "medium", "low")
}
_NAMES = {
    "gemini 3.8 flash": "gemini-3.8-flash", "gemini 3.8 flash thinking": "gemini-3.8-flash",
    "gemini 3.7 flash": "gemini-3.7-flash", "gemini 3.7 flash thinking": "gemini-3.7-flash",
    "gemini 3.7 pro": "gemini-3.7-pro", "gemini 3.7 pro thinking": "gemini-3.7-pro",
    "gemini 3.6 flash": "gemini-3.6-flash", "gemini 3 flash": "gemini-3.6-flash", "gemini 3.6 pro": "gemini-3.6-pro",
    "gemini 3 pro": "gemini-3-pro", "gemini 3 pro thinking": "gemini-3-pro",
    "gemini 2.5 flash": "gemini-2.5-flash", "gemini 2.5 pro": "gemini-2.5-pro",
    "gemini 2.0 flash": "gemini-2.0-flash", "gemini 2 flash": "gemini-2.0-flash", "gemini 2.0 pro": "gemini-2.0-pro",
    "gemini 1.5 flash": "gemini-1.5-flash", "gemini 1.5 pro": "gemini-1.5-pro",
    "model_placeholder_m318": "gemini-3.8-flash-high", "model_placeholder_m319": "gemini-3.8-flash-medium",
    "model_placeholder_m320": "gemini-3.8-flash-low", "model_placeholder_m298": "gemini-3.7-flash-high",
    "model_placeholder_m299": "gemini-3.7-flash-medium", "model_placeholder_m300": "gemini-3.7-flash-low",
    "model_placeholder_m71": "gemini-3.6-flash-high", "model_placeholder_m72": "gemini-3.6-flash-medium",
    "model_placeholder_m73": "gemini-3.6-flash-low", "model_placeholder_m26": "claude-opus-4-6",
    "model_placeholder_m35": "claude-sonnet-4-6", "model_placeholder_m36": "gemini-3.1-pro",
    "model_placeholder_m37": "gemini-3.1-pro", "model_placeholder_m16": "gemini-3.1-pro",
    "model_placeholder_m18": "gemini-3-flash-preview", "model_placeholder_m84": "gemini-3-flash-preview",
    "model_placeholder_m47": "gemini-3-flash-preview", "model_placeholder_m132": "gemini-3.5-flash-high",
    "model_placeholder_m133": "gemini-3.5-flash-high", "model_placeholder_m187": "gemini-3.5-flash-extra-low",
    "model_placeholder_m20": "gemini-3.5-flash-medium", "model_openai_gpt_oss_120b_medium": "gpt-oss-120b-medium",
    "gemini-pro-default": "gemini-3.1-pro", "gemini-pro-agent": "gemini-3.1-pro",
    "gemini-3-flash-agent": "gemini-3.5-flash-high", "gemini-3-flash-agent-a": "gemini-3.5-flash-high",
    "gemini-3-flash-agent-b": "gemini-3.5-flash-high", "gemini-3-flash-a": "gemini-3.5-flash-high",
    "gemini-3-flash-b": "gemini-3.5-flash-high", "gemini-3-flash-c": "gemini-3-flash-preview",
    "gemini-3-flash": "gemini-3-flash-preview", "gemini-3.5-flash-low": "gemini-3.5-flash-medium",
    "gemini-3.1-pro-high": "gemini-3.1-pro", "gemini-3.1-pro-low": "gemini-3.1-pro",
    "gemini-3-pro-high": "gemini-3-pro", "gemini-3-pro-low": "gemini-3-pro",
    "claude 3.7 sonnet": "claude-3-7-sonnet", "claude 3.7 sonnet thinking": "claude-3-7-sonnet",
    "claude 3.5 sonnet": "claude-3-5-sonnet", "claude 3.5 haiku": "claude-3-5-haiku", "claude 3 opus": "claude-3-opus",
}  # fmt: skip


def model_from_id(model_id: int) -> str:
    """A numeric model id (the Model enum) by ccusage's table: an unknown one from 1000 on is
    `model_placeholder_m<id - 1000>`, below it `antigravity-model-<id>`."""
    if model_id in _IDS:
        return _IDS[model_id]
    return f"model_placeholder_m{model_id - 1000}" if model_id >= 1000 else f"antigravity-model-{model_id}"


def model_name(raw: str | None) -> str | None:
    """A model's name or label as ccusage names it ("Gemini 3.8 Flash (High)" ->
    "gemini-3.8-flash-high", "MODEL_PLACEHOLDER_M318" -> the same); None when blank."""
    if raw is None or not raw.strip():
        return None
    trimmed = raw.strip()
    lower = trimmed.lower()
    if lower in _EFFORTS:
        return _EFFORTS[lower]
    base = lower[: lower.index("(")].strip() if "(" in lower else lower
    if base in _NAMES:
        return _NAMES[base]
    converted = base.replace(" ", "-")
    return converted if converted.startswith(("gemini-", "claude-", "gpt-")) else trimmed


def _row_model(row: _Row) -> str | None:
    return model_name(row.model) or (model_name(model_from_id(row.model_id)) if row.model_id else None)


# --- events -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Event:
    """One response's tokens, as ccusage counts them: `output` visible, `reasoning` the thinking,
    `total_output` both."""

    ms: int
    rank: int
    model: str
    provider: int | None
    input: int
    output: int
    cache_write: int
    cache_read: int
    reasoning: int
    total_output: int
    message_id: str | None
    id_rank: int
    identities: list[str]
    where: str  # "step <idx>" / "gen <idx>", and its place among the row's usages: a key when it has no id


def _add(
    events: list[Event],
    seen: dict[str, tuple[int, int]],
    usage: Usage,
    model: str | None,
    provider: int | None,
    own: int | None,
    trajectory: int | None,
    mtime: int,
    where: str,
) -> None:
    if not usage.has_tokens():
        return
    identities = usage.identities()
    when: tuple[int, int] | None = (own, OWN) if own is not None else None
    if when is None:
        when = next((seen[i] for i in identities if i in seen), None)
    if when is None:
        when = (trajectory, TRAJECTORY) if trajectory is not None else (mtime, MTIME)
    ms, rank = when
    total = max(usage.total_output, usage.visible_output + usage.thinking)
    output = max(usage.visible_output, max(total - usage.thinking, 0))
    reasoning = max(usage.thinking, total - output)
    named = (model_name(model_from_id(usage.model_id)) if usage.model_id else None) or model_name(model)
    for identity in identities:
        old = seen.get(identity)
        if old is None or rank > old[1] or (rank == old[1] and ms < old[0]):
            seen[identity] = (ms, rank)
    message_id, id_rank = usage.preferred_id()
    events.append(
        Event(
            ms=ms,
            rank=rank,
            model=named or DEFAULT_MODEL,
            provider=usage.provider or provider,
            input=usage.input,
            output=output,
            cache_write=usage.cache_write,
            cache_read=usage.cache_read,
            reasoning=reasoning,
            total_output=total,
            message_id=message_id,
            id_rank=id_rank,
            identities=identities,
            where=where,
        )
    )


def events_of(
    steps: list[tuple[int, _Row]], generations: list[tuple[int, _Row]], trajectory: int | None, mtime: int
) -> list[Event]:
    """The events of one database's rows, in ccusage's order (steps, then generations), not deduplicated."""
    fallback = next((m for m in (_row_model(row) for _, row in reversed(generations)) if m), None)
    events: list[Event] = []
    seen: dict[str, tuple[int, int]] = {}
    for idx, row in steps:
        model = _row_model(row) or fallback
        for n, usage in enumerate([*([row.usage] if row.usage else []), *row.retries]):
            _add(events, seen, usage, model, row.provider, row.ms, trajectory, mtime, f"step{idx}.{n}")
    current: str | None = None
    for idx, row in generations:
        found = _row_model(row)
        if found is None and row.usage is not None and row.usage.model_id:
            found = model_name(model_from_id(row.usage.model_id))
        current = found or current
        for n, usage in enumerate([*([row.usage] if row.usage else []), *row.retries]):
            _add(events, seen, usage, current, None, row.ms, trajectory, mtime, f"gen{idx}.{n}")
    return events


def merge(target: Event, duplicate: Event) -> None:
    target.input = max(target.input, duplicate.input)
    target.output = max(target.output, duplicate.output)
    target.cache_write = max(target.cache_write, duplicate.cache_write)
    target.cache_read = max(target.cache_read, duplicate.cache_read)
    target.reasoning = max(target.reasoning, duplicate.reasoning)
    target.total_output = max(target.total_output, duplicate.total_output, target.output + target.reasoning)
    if target.model == DEFAULT_MODEL and duplicate.model != DEFAULT_MODEL:
        target.model = duplicate.model
    if target.provider is None:
        target.provider = duplicate.provider
    if duplicate.rank > target.rank or (duplicate.rank == target.rank and duplicate.ms < target.ms):
        target.ms, target.rank = duplicate.ms, duplicate.rank
    if duplicate.id_rank > target.id_rank:
        target.message_id, target.id_rank = duplicate.message_id, duplicate.id_rank
    target.identities.extend(i for i in duplicate.identities if i not in target.identities)


def deduplicated(events: list[Event]) -> list[Event]:
    """Events sharing any id merged into the first of them (each counter its largest), in order."""
    slots: list[Event | None] = []
    index_of: dict[str, int] = {}
    for event in events:
        matching = sorted({index_of[i] for i in event.identities if i in index_of})
        if not matching:
            for identity in event.identities:
                index_of[identity] = len(slots)
            slots.append(replace(event, identities=list(event.identities)))
            continue
        target = slots[matching[0]]
        assert target is not None
        for other in matching[1:]:
            duplicate = slots[other]
            if duplicate is not None:
                slots[other] = None
                merge(target, duplicate)
        merge(target, event)
        for identity in target.identities:
            index_of[identity] = matching[0]
    return [event for event in slots if event is not None]


def iso(ms: int) -> str | None:
    try:
        moment = _EPOCH + timedelta(milliseconds=ms)
    except OverflowError:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# --- the database -------------------------------------------------------------------------------


class _Database(ReadOnlyDatabase):
    def __init__(self, path: str) -> None:
        super().__init__(path, "lessonloop-antigravity-", timeout=2.0)
        self.tables: set[str] = set()


@dataclass(slots=True)
class _Rows:
    steps: list[tuple[int, _Row]] = field(default_factory=list)
    generations: list[tuple[int, _Row]] = field(default_factory=list)
    trajectory: int | None = None
    problems: list[str] = field(default_factory=list)
    rows: int = 0


def units(db_paths: list[str], problems: list[Problem]) -> list[Unit]:
    found: list[Unit] = []
    for path in db_paths:
        if _uninitialized(path):
            continue  # created, nothing written yet (ccusage skips it too)
        found.extend(database_units(path, problems, agent=NAME, open_database=_Database, listing=_listing, read=_read))
    return found


def _uninitialized(path: str) -> bool:
    try:
        return os.path.getsize(path) == 0 and not os.path.exists(path + "-wal")
    except OSError:
        return False


def _listing(db: _Database, problems: list[Problem]) -> dict[str, tuple[int, int]]:
    """The conversation the database is, stamped by its blobs (a new step, a usage filled in, a
    rewind: another stamp) and its file's time (the last resort of an event's time)."""
    db.require({"gen_metadata": {"idx", "data"}})
    db.tables = {str(row[0]) for row in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    digest = hashlib.blake2b(digest_size=8)
    for query in _queries(db):
        for row in db.conn.execute(query):
            digest.update(repr(row[0]).encode() if not isinstance(row[0], bytes) else row[0])
            digest.update(b"\x00")
    size = sum(_size(db.path + suffix) for suffix in ("", "-wal"))
    digest.update(str(_mtime_ms(db.path)).encode())
    return {_conversation(db.path): (size, int.from_bytes(digest.digest(), "big") & _STAMP_MASK)}


def _queries(db: _Database) -> list[str]:
    queries = ["SELECT data FROM gen_metadata ORDER BY idx", "SELECT idx FROM gen_metadata ORDER BY idx"]
    if "steps" in db.tables and "metadata" in db.table_columns("steps"):
        queries += ["SELECT metadata FROM steps ORDER BY idx", "SELECT idx FROM steps ORDER BY idx"]
    if "trajectory_metadata_blob" in db.tables:
        queries.append("SELECT data FROM trajectory_metadata_blob ORDER BY rowid")
    return queries


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _mtime_ms(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns // 1_000_000
    except OSError:
        return 0


def _conversation(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def _blob(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    raise wire.WireError(f"a {type(value).__name__}, not a blob")


def _rows_of(db: _Database, session_id: str) -> _Rows:
    rows = _Rows()
    db.conn.execute("BEGIN")  # one snapshot of the database and its -wal for every query
    try:
        for idx, data in db.conn.execute("SELECT idx, data FROM gen_metadata ORDER BY idx"):
            rows.rows += 1
            try:
                rows.generations.append((idx, parse_generation(_blob(data))))
            except wire.WireError as exc:
                rows.problems.append(f"gen_metadata row {idx}: {exc}")
        if "steps" in db.tables and "metadata" in db.table_columns("steps"):
            for idx, data in db.conn.execute("SELECT idx, metadata FROM steps WHERE metadata IS NOT NULL ORDER BY idx"):
                rows.rows += 1
                try:
                    rows.steps.append((idx, parse_step_metadata(_blob(data))))
                except wire.WireError as exc:
                    rows.problems.append(f"steps row {idx}: {exc}")
        if "trajectory_metadata_blob" in db.tables:
            for (data,) in db.conn.execute("SELECT data FROM trajectory_metadata_blob ORDER BY rowid"):
                try:
                    found = parse_trajectory_ms(_blob(data))
                except wire.WireError as exc:
                    rows.problems.append(f"trajectory_metadata_blob: {exc}")
                    continue
                rows.trajectory = rows.trajectory if rows.trajectory is not None else found
    finally:
        db.conn.execute("ROLLBACK")
    return rows


def _read(db: _Database, session_id: str) -> Batch:
    source = f"{db.path}#{session_id}"
    rows, said = read_session_rows(db, session_id, NAME, _rows_of)
    batch = Batch(problems=said)
    batch.records = rows.rows
    for detail in rows.problems:
        batch.problems.append(Problem(source, None, "malformed-record", f"{detail[:250]}: not protobuf; skipped"))
    events = deduplicated(events_of(rows.steps, rows.generations, rows.trajectory, _mtime_ms(db.path)))
    if not events:
        return batch
    for event in events:
        key = f"antigravity:{event.message_id}" if event.message_id else f"{session_id}#{event.where}"
        batch.usage[(key, "")] = TokenUsageRecord(
            message_id=key,
            request_id="",
            session_id=session_id,
            model=event.model,
            ts=iso(event.ms),
            input_tokens=min(event.input, _INT64),
            output_tokens=min(event.total_output, _INT64),
            cache_creation_tokens=min(event.cache_write, _INT64),
            cache_read_tokens=min(event.cache_read, _INT64),
            reasoning_tokens=min(event.total_output - event.output, _INT64),
        )
    batch.sessions[session_id] = _session(db.path, session_id, events, rows.trajectory)
    return batch


def _session(path: str, session_id: str, events: list[Event], trajectory: int | None) -> SessionRecord:
    """The conversation as its database knows it: its parent (the same a transcript names:
    brain/<parent>/.system_generated/subagents/<uuid>.json), its span (times of rows and of the
    trajectory, not the file's), its first model when no transcript names one."""
    lane = os.path.dirname(os.path.dirname(os.path.abspath(path)))
    brain = os.path.join(lane, paths.BRAIN)
    parent = paths.parent_in(brain, session_id)
    times = sorted([*(e.ms for e in events if e.rank > MTIME), *([trajectory] if trajectory is not None else [])])
    first = min(events, key=lambda e: e.ms)
    transcript = paths.transcript_files(os.path.join(brain, session_id))
    return SessionRecord(
        id=session_id,
        agent=AGENT,
        kind="subagent" if parent is not None else "main",
        parent_id=parent[0] if parent is not None else None,
        agent_type=parent[2] if parent is not None else None,
        description=parent[1] if parent is not None else None,
        model=None if transcript else first.model,
        started_at=iso(times[0]) if times else None,
        ended_at=iso(times[-1]) if times else None,
    )
