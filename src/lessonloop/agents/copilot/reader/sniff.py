"""How capture/sniffer.py recognizes Copilot CLI's session files: JSONL, every line an event
`{"type", "data", "id", "timestamp", "parentId"}` whose type is dotted (`session.start`,
`user.message`, `tool.execution_complete`, ...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lessonloop.capture.sniffing import RecordRule, Sniffing

EVENTS = "copilot-events"
_ENVELOPE = frozenset({"type", "data", "id", "timestamp", "parentId"})


def _event(record: Mapping[str, Any]) -> str | None:
    kind = record.get("type")
    if isinstance(kind, str) and "." in kind and isinstance(record.get("data"), dict) and record.keys() >= _ENVELOPE:
        return EVENTS
    return None


# Ranked after the other agents' rules: no other agent writes this envelope (parentId, a dotted type).
SNIFFING = Sniffing(records=(RecordRule(120, _event),))
