"""What learning reads, as learning's items: the store's rows (store/learning_reads.py) made
calls and corrections (learn/events.CallEvent, learn/history.CorrectionEvent), each with the hash
of the rows it was read from; and the person's prompts of a session, read when the learner asks.

Learning's order: each call's time (a call without one: its session's start), then its context,
then its place in the context; a correction after every call of its time or before (see
learn/history.History.stream). A digest of a session's inputs is the sum of one hash per call,
correction and warning, so that it can be extended by the inputs after a boundary without reading
the ones before again.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.core import json_codec
from lessonloop.learn.events import CallEvent
from lessonloop.learn.history import CorrectionEvent
from lessonloop.store import learning_reads as reads
from lessonloop.store.learning_reads import CALL_ROW_WIDTH, CALL_WIDTH
from lessonloop.store.session_reader import call_from_row

_MOD = 1 << 128


@dataclass(slots=True)
class Item:
    """A call or a correction with the hash of the rows it was read from."""

    event: CallEvent | CorrectionEvent
    digest: int
    corrected_ids: list[str] = field(default_factory=list)  # a correction's calls, read when it is learned
    warned: list[str] = field(default_factory=list)  # a call's lessons a PreToolUse hook warned about

    @property
    def ts(self) -> str:
        event = self.event
        return event.ts if isinstance(event, CallEvent) else (event.ts or "")

    @property
    def session_id(self) -> str:
        return self.event.session_id


def item_hash(*parts: object) -> int:
    """128 bits of blake2b over the parts: a text as it is, any other value as its repr, with a
    unit separator between them. (The repr of the whole row, which escapes every text, was most
    of the time a full learn spent reading the store.)"""
    text = "\x1f".join([part if type(part) is str else repr(part) for part in parts])
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(), "big")


def add_digest(digest: int, value: int) -> int:
    return (digest + value) % _MOD


def digest_text(digest: int) -> str:
    return f"{digest:032x}"


def call_event(row: Sequence[Any]) -> CallEvent:
    """The call of a call row (store/learning_reads.py), with its main session's facts and its error class (a failure
    analysis has not classified: classified here)."""
    call = call_from_row(row[:CALL_WIDTH])
    root, proj, branch, cwd, agent, error_class, started_at = row[CALL_WIDTH:CALL_ROW_WIDTH]
    event = CallEvent(call, root, proj, branch, cwd, error_class, agent, None, started_at)
    if call.status == "error" and error_class is None:
        _classify(event)
    return event


def _call_item(row: Sequence[Any], warnings: dict[str, list[str]]) -> Item:
    event = call_event(row)
    call = event.call
    digest = item_hash("call", *row[:CALL_ROW_WIDTH])
    warned = warnings.get(call.id) or []
    if warned:
        digest = add_digest(digest, item_hash("warned", call.id, tuple(warned)))
    return Item(event, digest, warned=warned)


def _classify(event: CallEvent) -> None:
    """Classify a failure analysis has not seen yet (a store ingested with --no-analyze)."""
    from lessonloop.analyze.error_classes import classify_call

    found = classify_call(event.call)
    if found is not None:
        event.error_class = found.label


def correction_item(row: Sequence[Any]) -> Item:
    session_id, message_uuid, label, detail, proj, started_at, _rowid = row
    try:
        data = json_codec.loads(detail) if detail else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    event = CorrectionEvent(
        session_id=session_id,
        project=proj,
        message_uuid=message_uuid or "",
        ts=data.get("ts") or started_at,  # an agent that writes no times: the session's start
        kind=label or str(data.get("kind") or ""),
        text=str(data.get("text") or ""),
    )
    ids = [str(i) for i in data.get("corrected_tool_use_ids") or () if isinstance(i, str)]
    return Item(event, item_hash("correction", *row[:6]), ids)


def correction_order(item: Item) -> tuple[str, str]:
    event = item.event
    assert isinstance(event, CorrectionEvent)
    return (event.ts or "", event.message_uuid)


def call_order(item: Item) -> tuple[str, str, int]:
    event = item.event
    assert isinstance(event, CallEvent)
    return (event.ts, event.call.context_id, event.call.seq)


# ---------------------------------------------------------------------------- readers


def all_calls(conn: sqlite3.Connection, warnings: dict[str, list[str]]) -> Iterator[Item]:
    """Every call in learning's order, through a cursor."""
    for row in reads.all_call_rows(conn):
        yield _call_item(row, warnings)


def calls_of(conn: sqlite3.Connection, project: str | None, agent: str | None) -> Iterator[CallEvent]:
    """The calls of one project, of one agent's sessions (None: any), in no order."""
    for row in reads.call_rows_of(conn, project, agent):
        yield call_event(row)


def calls_from(
    conn: sqlite3.Connection, boundary: str, warnings: Callable[[list[str]], dict[str, list[str]]]
) -> list[Item]:
    """The calls whose learning time is `boundary` or later, in learning's order (by the time
    index; calls without a time by their session's start)."""
    rows = reads.call_rows_from(conn, boundary)
    warned = warnings([row[0] for row in rows])
    items = [_call_item(row, warned) for row in rows]
    items = [item for item in items if item.ts >= boundary]
    items.sort(key=call_order)
    return items


def calls_by_id(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, CallEvent]:
    found: dict[str, CallEvent] = {}
    for row in reads.call_rows_by_id(conn, ids):
        event = call_event(row)
        found[event.call.id] = event
    return found


def session_calls(conn: sqlite3.Connection, root: str, warnings: dict[str, list[str]]) -> list[Item]:
    """The calls of main session `root` and its subagents."""
    return [_call_item(row, warnings) for row in reads.session_call_rows(conn, root)]


def all_corrections(conn: sqlite3.Connection) -> list[Item]:
    """Every correction, in learning's order (few: a person's words)."""
    items = [correction_item(row) for row in reads.all_correction_rows(conn)]
    items.sort(key=correction_order)
    return items


def corrections_of(conn: sqlite3.Connection, project: str | None, agent: str | None) -> list[Item]:
    """The corrections of one project, of one agent's sessions (None: any), in learning's order."""
    items = [correction_item(row) for row in reads.correction_rows_of(conn, project, agent)]
    items.sort(key=correction_order)
    return items


def session_corrections(conn: sqlite3.Connection, roots: Iterable[str]) -> list[Item]:
    """The corrections of these main sessions, in learning's order."""
    items: list[Item] = []
    for root in dict.fromkeys(roots):
        items += [correction_item(row) for row in reads.session_correction_rows(conn, root)]
    items.sort(key=correction_order)
    return items


# ---------------------------------------------------------------------------- prompts


class SessionPrompts(Mapping[str, Sequence[tuple[str, str]]]):
    """The person's prompts of a main session (store/learning_reads.load_prompts, one session
    at a time): read from the store when the learner asks for a session's, the last
    few kept. Memory stays bounded however many sessions the store holds."""

    def __init__(self, conn: sqlite3.Connection, keep: int = 64) -> None:
        self._conn = conn
        self._keep = keep
        self._cache: dict[str, list[tuple[str, str]]] = {}
        self._any = reads.any_prompt(conn)

    def __getitem__(self, root: str) -> Sequence[tuple[str, str]]:
        found = self._cache.pop(root, None)
        if found is None:
            found = [(ts, text) for _root, ts, text in reads.session_prompts(self._conn, root)]
        self._cache[root] = found  # the most recent last
        if len(self._cache) > self._keep:
            del self._cache[next(iter(self._cache))]
        if not found:
            raise KeyError(root)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(root for root, _ts, _text in reads.all_prompts(self._conn)))

    def __len__(self) -> int:
        return 1 if self._any else 0  # only asked whether there is any (Learner.decide)


def prompt_hash(root: str, ts: str, text: str) -> int:
    return item_hash("prompt", root, ts, text)
