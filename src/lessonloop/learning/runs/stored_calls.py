"""Learning's items: the store's rows (learning/store/reader.py, read by source.py) made calls and
corrections (learning/engine/events.CallEvent, learning/engine/history.CorrectionEvent), each with the hash of the
rows it was read from.

Learning's order: each call's time (a call without one: its session's start), then its context,
then its place in the context; a correction after every call of its time or before (see
learning/engine/history.History.stream). A digest of a session's inputs is the sum of one hash per call,
correction and warning, so that it can be extended by the inputs after a boundary without reading
the ones before again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.analyze.error_classes import classify_call
from lessonloop.apply.hooks.kit.tool_view import hook_call
from lessonloop.core import json_codec
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.history import CorrectionEvent
from lessonloop.learning.store.reader import CALL_ROW_WIDTH, CALL_WIDTH
from lessonloop.store.sessions.reader import call_from_row

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
    """The call of a call row (learning/store/reader.py), with its main session's facts and its error class (a failure
    analysis has not classified: classified here), its tool as the agent's hook names it."""
    call = call_from_row(row[:CALL_WIDTH])
    root, proj, branch, cwd, agent, error_class, started_at = row[CALL_WIDTH:CALL_ROW_WIDTH]
    event = CallEvent(call, root, proj, branch, cwd, error_class, agent, None, started_at)
    # as the agent's hook hands it to the decision (its tool's name, its input)
    event.hook_tool, event.hook_input = hook_call(agent, call.tool, call.input, call.command)
    if call.status == "error" and error_class is None:
        _classify(event)
    return event


def call_item(row: Sequence[Any], warnings: dict[str, list[str]]) -> Item:
    """A call row as learning's item: its event, and the hash of its row and of the lessons a
    hook warned about on it (`warnings`: call id -> signatures)."""
    event = call_event(row)
    call = event.call
    digest = item_hash("call", *row[:CALL_ROW_WIDTH])
    warned = warnings.get(call.id) or []
    if warned:
        digest = add_digest(digest, item_hash("warned", call.id, tuple(warned)))
    return Item(event, digest, warned=warned)


def _classify(event: CallEvent) -> None:
    """Classify a failure analysis has not seen yet (a store ingested with --no-analyze)."""
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
    return event_order(event)


def event_order(event: CallEvent) -> tuple[str, str, int]:
    """A call's place in learning's order: its time, then its context, then its place there."""
    return (event.ts, event.call.context_id, event.call.seq)


def prompt_hash(root: str, ts: str, text: str) -> int:
    return item_hash("prompt", root, ts, text)
