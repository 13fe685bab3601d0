"""How capture/sniffer.py recognizes Claude Code's files: JSONL records with a `type` (user,
assistant, system, summary, ...) and its ids (sessionId, uuid, parentUuid, leafUuid, messageId)
or a `message`; its prompt history (`history.jsonl`): `{"display", "timestamp", "project"}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lessonloop.agents.claude.reader.record_types import ALL_TYPES
from lessonloop.capture.sniffing import RecordRule, Sniffing

TRANSCRIPT = "claude-code"
IDS = frozenset({"sessionId", "uuid", "parentUuid", "leafUuid", "messageId"})


def _typed(record: Mapping[str, Any]) -> str | None:
    kind = record.get("type")
    if isinstance(kind, str) and kind in ALL_TYPES and ("message" in record or not IDS.isdisjoint(record)):
        return TRANSCRIPT
    return None


def _history(record: Mapping[str, Any]) -> str | None:
    return "claude-code-history" if {"display", "timestamp", "project"} <= record.keys() else None


def _envelope(record: Mapping[str, Any]) -> str | None:
    """Claude Code's envelope around a record type not known yet."""
    return TRANSCRIPT if "sessionId" in record and ("uuid" in record or "parentUuid" in record) else None


SNIFFING = Sniffing(records=(RecordRule(30, _typed), RecordRule(100, _history), RecordRule(110, _envelope)))
