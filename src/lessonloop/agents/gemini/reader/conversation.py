"""A Gemini CLI chat file -> its conversation: the session's metadata and its final messages.

Single JSON (`session-*.json`): one object {sessionId, projectHash, startTime, lastUpdated,
messages[], summary?, directories?, kind?}, rewritten whole on every update.

JSONL (`session-*.jsonl`), replayed as Gemini CLI's own loader does (chatRecordingService.ts,
loadConversationRecord): a line with a string `$rewindTo` drops that message and every message
recorded after it (all of them when the id is unknown); a line with a string `id` is a message,
replacing the message of the same id where it stood; a `$set` object is merged into the
metadata, and a `$set.messages` list replaces the messages recorded so far, where it stands: the
lines after it add to that list (Gemini CLI 0.61 starts every chat with a `$set.messages` holding
its `<session_context>` message, and a resumed chat writes the whole history again that way); a
line with string sessionId and projectHash is the metadata line (messages it carries are added).
Unlike Gemini CLI's loader, a resumed chat's rewrite keeps the model turns it replaces, as they
were recorded (their tokens and tool calls: they ran), and leaves out its copies of them (new ids,
calls as parts, no tokens). Bad lines are Problems; the rest is read. The messages a rewind to a
message it names takes back are `retracted`: what the store holds of them is deleted, and nothing
else a re-read lacks is (store/sessions/kept_rows.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lessonloop.core import json_codec, json_depth
from lessonloop.core.records import Problem

_WHITESPACE = b" \t\r\n"


@dataclass(slots=True)
class Conversation:
    metadata: dict[str, Any] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    records: int = 0  # JSON records read (the document, or JSONL lines)
    unknown_lines: int = 0  # JSONL lines none of the record shapes
    first_unknown: int | None = None
    retracted: set[str] = field(default_factory=set)  # ids a rewind to a message it names took back


def load_document(path: str, data: bytes, problems: list[Problem]) -> Conversation | None:
    """The conversation of a single-JSON chat, or None (a Problem says why)."""
    value = _loads(path, data, None, problems, "file")
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append(Problem(path, None, "not-an-object", f"a JSON {type(value).__name__}, not a chat object"))
        return None
    clipped = json_depth.clip(value)
    if clipped is not None:
        problems.append(_too_deep(path, None, clipped))
    raw_messages = value.pop("messages", None)
    conversation = Conversation(metadata=value, records=1)
    if isinstance(raw_messages, list):
        conversation.messages = [m for m in raw_messages if isinstance(m, dict)]
        dropped = len(raw_messages) - len(conversation.messages)
        if dropped:
            problems.append(Problem(path, None, "malformed-record", f"{dropped} messages are not objects; skipped"))
    elif raw_messages is not None:
        problems.append(Problem(path, None, "malformed-record", "messages is not a list; no messages read"))
    return conversation


def load_jsonl(path: str, data: bytes, problems: list[Problem]) -> Conversation:
    """The conversation a JSONL chat's lines leave, replayed in order."""
    conversation = Conversation()
    messages: dict[str, dict[str, Any]] = {}
    kept: dict[str, dict[str, Any]] = {}  # model turns a history rewrite dropped (see _did_work)
    seen: dict[str, None] = {}  # every message id, in the order first recorded
    max_depth = json_depth.MAX_DEPTH
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip(_WHITESPACE):
            continue
        record = _loads(path, raw, lineno, problems, "line")
        if record is None:
            continue
        if not isinstance(record, dict):
            problems.append(Problem(path, lineno, "not-an-object", f"a JSON {type(record).__name__}, not an object"))
            continue
        conversation.records += 1
        if raw.count(b"[") + raw.count(b"{") > max_depth:
            clipped = json_depth.clip(record)
            if clipped is not None:
                problems.append(_too_deep(path, lineno, clipped))
        rewind = record.get("$rewindTo")
        if isinstance(rewind, str):
            if rewind in messages:
                ids = list(messages)
                for removed in ids[ids.index(rewind) :]:
                    del messages[removed]
                    conversation.retracted.add(removed)
            else:
                messages.clear()
                kept.clear()
        elif isinstance(record.get("id"), str):
            messages[record["id"]] = record
            seen.setdefault(record["id"])
        elif isinstance(record.get("$set"), dict):
            update = record["$set"]
            if isinstance(update.get("messages"), list):
                rewrite = bool(messages)
                if rewrite:  # a resumed chat's history written again: keep what the model did
                    for key, message in messages.items():
                        if _did_work(message):
                            kept.setdefault(key, message)
                messages.clear()
                _add_messages(messages, update["messages"], seen, skip_copies=rewrite)
            conversation.metadata.update({k: v for k, v in update.items() if k != "messages"})
        elif isinstance(record.get("sessionId"), str) and isinstance(record.get("projectHash"), str):
            if isinstance(record.get("messages"), list):
                _add_messages(messages, record["messages"], seen)
            conversation.metadata.update({k: v for k, v in record.items() if k != "messages"})
        else:
            conversation.unknown_lines += 1
            if conversation.first_unknown is None:
                conversation.first_unknown = lineno
    if kept:  # in the order the messages were first recorded
        order = {key: at for at, key in enumerate(seen)}
        merged = {**{k: m for k, m in kept.items() if k not in messages}, **messages}
        conversation.messages = [merged[key] for key in sorted(merged, key=order.__getitem__)]
    else:
        conversation.messages = list(messages.values())
    # Taken back by the person (a rewind to a message it names; one to an unknown id, as damage
    # could make, takes back nothing stored): the store deletes what it stored of them.
    conversation.retracted.difference_update(m["id"] for m in conversation.messages)
    return conversation


def _did_work(message: dict[str, Any]) -> bool:
    """A model turn as recorded when it ran: its tokens or its tool calls (with their results)."""
    return message.get("type") == "gemini" and (
        isinstance(message.get("tokens"), dict) or bool(message.get("toolCalls"))
    )


def _add_messages(
    messages: dict[str, dict[str, Any]], given: list[Any], seen: dict[str, None], skip_copies: bool = False
) -> None:
    """Messages of a `$set.messages` or header list, by id (one without an id is not a message).
    `skip_copies`: a resumed chat's rewrite holds each earlier model turn again under a new id, as
    the history sent to the model (its calls as parts, no tokens): those copies are left out, the
    turns as recorded when they ran are kept."""
    for message in given:
        if not isinstance(message, dict) or not isinstance(message.get("id"), str):
            continue
        if skip_copies and message.get("type") == "gemini" and not _did_work(message):
            continue
        messages[message["id"]] = message
        seen.setdefault(message["id"])


def _loads(path: str, raw: bytes, lineno: int | None, problems: list[Problem], what: str) -> Any:
    """A JSON value, or None with a Problem: invalid UTF-8 is replaced and kept when the rest is JSON."""
    try:
        return json_codec.loads(raw)
    except json_codec.JSONDecodeError as exc:
        reason = str(exc)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            value = json_codec.loads(raw.decode("utf-8", errors="replace"))
        except json_codec.JSONDecodeError:
            problems.append(
                Problem(
                    path,
                    lineno,
                    "invalid-utf8",
                    f"invalid UTF-8 at byte {exc.start} and not valid JSON; {what} skipped",
                )
            )
            return None
        problems.append(
            Problem(path, lineno, "invalid-utf8", f"invalid UTF-8 at byte {exc.start}; replaced with U+FFFD and kept")
        )
        return value
    if reason.startswith("unexpected end of data") and raw.lstrip()[:1] in (b"{", b"["):
        code, detail = f"truncated-{what}", f"truncated JSON: the {what} ends before its value does; {what} skipped"
    elif reason.startswith("depth limit exceeded"):
        code, detail = (
            "nested-too-deep",
            f"JSON nested deeper than 1024 levels (the JSON reader's limit); {what} skipped",
        )
    else:
        code, detail = "invalid-json", f"invalid JSON; {what} skipped"
    problems.append(Problem(path, lineno, code, f"{detail} ({reason[:120]})"))
    return None


def _too_deep(path: str, lineno: int | None, clipped: json_depth.JsonPath) -> Problem:
    return Problem(
        path,
        lineno,
        "nested-too-deep",
        f"{json_depth.describe(clipped)} nests deeper than {json_depth.MAX_DEPTH} levels;"
        " the deeper part is not read, the rest is",
    )
