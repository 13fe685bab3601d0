"""How capture/sniffer.py recognizes a Fake Agent log: JSONL records marked `"fake": 1` with an
`event`. Ranked after the built-in agents' rules (none of theirs takes such a record)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lessonloop.capture.sniffing import RecordRule, Sniffing


def _record(record: Mapping[str, Any]) -> str | None:
    return "fake-log" if record.get("fake") == 1 and "event" in record else None


SNIFFING = Sniffing(records=(RecordRule(1000, _record),))
