"""How capture/sniffer.py recognizes a Qwen Code chat: JSONL records in Claude Code's envelope
(sessionId, uuid) whose message holds Gemini's `parts`, or that carry Qwen Code's own fields
(`provenance`, a system record's `systemPayload`). Ranked before Claude Code's rules, whose
envelope the records share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lessonloop.capture.sniffing import RecordRule, Sniffing

CHAT = "qwen-code-chat"


def _record(record: Mapping[str, Any]) -> str | None:
    if "sessionId" not in record or "uuid" not in record:
        return None
    message = record.get("message")
    if isinstance(message, dict) and isinstance(message.get("parts"), list):
        return CHAT
    return CHAT if "systemPayload" in record or "provenance" in record else None


SNIFFING = Sniffing(records=(RecordRule(20, _record),))
