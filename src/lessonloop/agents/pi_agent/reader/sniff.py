"""How capture/sniffer.py recognizes a pi session: its first line is the header, `{"type":
"session", "id", "timestamp", "cwd"}` with pi's own keys only (version 3: `version`,
`parentSession`; version 1: `provider`, `modelId`, `thinkingLevel`, `branchedFrom`), and its
entries are `{"type": "message", "timestamp", "message": {"role", ...}}` and the like."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lessonloop.capture.sniffing import RecordRule, Sniffing

SESSION = "pi-session"
_HEADER_KEYS = frozenset(
    {
        "type",
        "version",
        "id",
        "timestamp",
        "cwd",
        "parentSession",
        "provider",
        "modelId",
        "thinkingLevel",
        "branchedFrom",
    }
)
_ROLES = frozenset({"user", "assistant", "toolResult", "bashExecution"})


def _record(record: Mapping[str, Any]) -> str | None:
    kind = record.get("type")
    if kind == "session":
        keys = set(record)
        if {"id", "timestamp", "cwd"} <= keys <= _HEADER_KEYS and isinstance(record.get("cwd"), str):
            return SESSION
        return None
    if kind == "message" and set(record) <= {"type", "id", "parentId", "timestamp", "message"}:
        message = record.get("message")
        if isinstance(message, dict) and message.get("role") in _ROLES and "timestamp" in message:
            return SESSION
    return None


SNIFFING = Sniffing(records=(RecordRule(16, _record),))
