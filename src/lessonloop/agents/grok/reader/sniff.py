"""How capture/sniffer.py recognizes Grok Build's updates.jsonl: every line an envelope
`{"timestamp", "method": "session/update" | "_x.ai/session/update", "params": {"sessionId",
"update": {"sessionUpdate": <tag>, ...}, "_meta"}}`, or (older files) the bare notification
`{"sessionId", "update": {"sessionUpdate": ...}}` (grok-build's session/storage/mod.rs,
SessionUpdateEnvelope)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lessonloop.capture.sniffing import RecordRule, Sniffing

UPDATES = "grok-build-updates"
METHODS = frozenset({"session/update", "_x.ai/session/update"})
_ENVELOPE = frozenset({"timestamp", "method", "params"})
_NOTIFICATION = frozenset({"sessionId", "update", "_meta"})


def notification(value: Any) -> bool:
    """An ACP session notification: a session id and an update tagged by `sessionUpdate`."""
    if not isinstance(value, Mapping) or not isinstance(value.get("sessionId"), str):
        return False
    update = value.get("update")
    return isinstance(update, Mapping) and isinstance(update.get("sessionUpdate"), str)


def _record(record: Mapping[str, Any]) -> str | None:
    if "method" in record:
        if record.get("method") in METHODS and record.keys() <= _ENVELOPE and notification(record.get("params")):
            return UPDATES
        return None
    if record.keys() <= _NOTIFICATION and notification(record):
        return UPDATES
    return None


# Ranked after the other agents' rules: no other agent writes ACP notifications.
SNIFFING = Sniffing(records=(RecordRule(140, _record),))
