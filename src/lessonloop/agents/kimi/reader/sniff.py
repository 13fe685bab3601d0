"""How capture/sniffer.py recognizes a Kimi Code wire log: its first record is `{"type": "metadata",
"protocol_version", "created_at"}`, and the others carry dotted types (`turn.prompt`,
`context.append_loop_event`, `usage.record`, ...) with an `agentId` or `kind: event`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lessonloop.capture.sniffing import RecordRule, Sniffing

WIRE = "kimi-code-wire"
_TYPES = frozenset(
    {"turn.prompt", "context.append_message", "context.append_loop_event", "usage.record", "llm.request"}
)


def _record(record: Mapping[str, Any]) -> str | None:
    kind = record.get("type")
    if kind == "metadata":
        return WIRE if "protocol_version" in record and "created_at" in record else None
    if isinstance(kind, str) and kind in _TYPES and "agentId" in record:
        return WIRE
    return None


SNIFFING = Sniffing(records=(RecordRule(16, _record),))
