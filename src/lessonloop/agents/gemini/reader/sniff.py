"""How capture/sniffer.py recognizes Gemini CLI's files: `chats/session-*.json`, one object
`{sessionId, projectHash, startTime, lastUpdated, messages}`; newer versions `session-*.jsonl`: a
metadata line, message records `{id, timestamp, type: user|gemini|info|..., content}`,
`{"$set": ...}` and `{"$rewindTo": id}` lines. `logs.json`: an array of prompts
`{sessionId, messageId, type, message, timestamp}`."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from lessonloop.capture.sniffing import DocumentRule, RecordRule, Sniffing

CHAT_JSONL = "gemini-chat-jsonl"
_MESSAGE_TYPES = frozenset({"user", "gemini", "info", "error", "warning"})


def _update(record: Mapping[str, Any]) -> str | None:
    return CHAT_JSONL if "$set" in record or "$rewindTo" in record else None


def _message(record: Mapping[str, Any]) -> str | None:
    kind = record.get("type")
    if isinstance(kind, str) and kind in _MESSAGE_TYPES and "id" in record and "content" in record:
        return CHAT_JSONL if "message" not in record else None
    return None


def _metadata(record: Mapping[str, Any]) -> str | None:
    if record.get("type") is None and "sessionId" in record:
        return CHAT_JSONL if "projectHash" in record or "startTime" in record else None
    return None


def _chat(path: str, keys: Collection[str]) -> str | None:
    # A chat's messages are most of its head; its sessionId and projectHash come first.
    return "gemini-chat" if "sessionId" in keys and ("messages" in keys or "projectHash" in keys) else None


def _logs(path: str, keys: Collection[str]) -> str | None:
    return "gemini-logs" if "sessionId" in keys and "messageId" in keys and "message" in keys else None


SNIFFING = Sniffing(
    records=(RecordRule(10, _update), RecordRule(40, _message), RecordRule(60, _metadata)),
    documents=(DocumentRule(10, "object", _chat, final=True), DocumentRule(10, "array", _logs, final=True)),
)
