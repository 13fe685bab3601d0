"""How capture/sniffer.py recognizes an Antigravity brain transcript (transcript_full.jsonl,
transcript.jsonl and their chunks): one step a line, `{"step_index": <int>, "source": "USER_EXPLICIT"
| "MODEL" | ..., "type": "USER_INPUT" | "PLANNER_RESPONSE" | "GENERIC" | ..., "status": "DONE" |
"RUNNING" | ..., "created_at", "content"?, "thinking"?, "tool_calls"?}` (agy 1.2.0). Upper-case enum
names and an integer step_index: no other agent writes these."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lessonloop.capture.sniffing import RecordRule, Sniffing

TRANSCRIPT = "antigravity-transcript"
KEYS = frozenset({"step_index", "source", "type", "status", "created_at", "content", "thinking", "tool_calls"})
_ENUM = re.compile(r"[A-Z][A-Z0-9_]*\Z")


def step(record: Mapping[str, Any]) -> bool:
    """A brain transcript's step: its keys among agy's, an integer step_index, enum names."""
    if not record.keys() <= KEYS or type(record.get("step_index")) is not int:
        return False
    return all(isinstance(record.get(k), str) and _ENUM.match(record[k]) for k in ("type", "status", "source"))


def _record(record: Mapping[str, Any]) -> str | None:
    return TRANSCRIPT if step(record) else None


# Ranked after the other agents' rules: none of them writes upper-case step types.
SNIFFING = Sniffing(records=(RecordRule(150, _record),))
