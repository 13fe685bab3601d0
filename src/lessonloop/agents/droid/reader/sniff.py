"""How capture/sniffer.py recognizes a Factory Droid session: its first record is
`{"type": "session_start", "id", "title", "owner", "cwd", "version", ...}`, and its other records
`{"type": "message", "id", "parentId", "timestamp", "message": {"role", "content": [...]}}` (Claude's
content blocks, without Claude Code's `sessionId`/`uuid` envelope). Ranked before Codex's rules,
which take a `type: message` record for one of its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lessonloop.capture.sniffing import RecordRule, Sniffing

SESSION = "droid-session"


def _record(record: Mapping[str, Any]) -> str | None:
    kind = record.get("type")
    if kind == "session_start":
        return SESSION if "id" in record and ("hostId" in record or "owner" in record) else None
    if kind == "message" and "sessionId" not in record and "uuid" not in record:
        message = record.get("message")
        if isinstance(message, dict) and isinstance(message.get("content"), list) and "id" in record:
            return SESSION if "timestamp" in record else None
    return None


SNIFFING = Sniffing(records=(RecordRule(15, _record),))
