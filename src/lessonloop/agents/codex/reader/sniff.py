"""How capture/sniffer.py recognizes Codex CLI's files: JSONL rollouts, each line `{"timestamp",
"type", "payload"}` with type session_meta, response_item, event_msg, turn_context or compacted;
older versions began with a `{"id", "timestamp", "instructions"}` line and wrote
`{"record_type": "state"}` lines. `~/.codex/history.jsonl`: `{"session_id", "ts", "text"}` prompts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lessonloop.capture.sniffing import RecordRule, Sniffing

ROLLOUT = "codex-rollout"
_TYPES = frozenset({"session_meta", "response_item", "event_msg", "turn_context", "compacted"})
_LEGACY_ITEMS = frozenset(
    {"message", "reasoning", "function_call", "function_call_output", "local_shell_call", "custom_tool_call"}
)
# The ids of Claude Code's records: an older rollout's item never has them.
_OTHER_IDS = frozenset({"sessionId", "uuid", "parentUuid", "leafUuid", "messageId"})


def _typed(record: Mapping[str, Any]) -> str | None:
    kind = record.get("type")
    if isinstance(kind, str) and kind in _TYPES and "payload" in record and "timestamp" in record:
        return ROLLOUT
    return None


def _legacy_item(record: Mapping[str, Any]) -> str | None:
    kind = record.get("type")
    if isinstance(kind, str) and kind in _LEGACY_ITEMS and _OTHER_IDS.isdisjoint(record) and "payload" not in record:
        return ROLLOUT
    return None


def _legacy_start(record: Mapping[str, Any]) -> str | None:
    if record.get("type") is None and "id" in record and "timestamp" in record:
        return ROLLOUT if "instructions" in record or "git" in record else None
    return None


def _state(record: Mapping[str, Any]) -> str | None:
    return ROLLOUT if "record_type" in record else None


def _history(record: Mapping[str, Any]) -> str | None:
    return "codex-history" if {"session_id", "ts", "text"} <= record.keys() else None


SNIFFING = Sniffing(
    records=(
        RecordRule(20, _typed),
        RecordRule(50, _legacy_item),
        RecordRule(70, _legacy_start),
        RecordRule(80, _state),
        RecordRule(90, _history),
    )
)
