"""Aider's token report line: "Tokens: 12k sent, 1.2k cache write, 3k cache hit, 512 received.
Cost: $0.05 message, $0.31 session." (aider/coders/base_coder.py, calculate_and_show_tokens_and_cost).

Numbers are written by aider's format_tokens: below 1,000 exact, then "2.3k" (one decimal below
10k), "23k", "1.2M"; older versions wrote "12,345". A rounded number is stored as what it says
(2.3k -> 2,300): the exact count is not in the file. "sent" counts every input token, cache
writes and cache hits included; older versions wrote "N cached" for the cache hits. "Cost" is
per "message" (older: "request") and the running "session" total; only the first is kept.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_NUMBER = r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM]?)"
_PART = re.compile(_NUMBER + r" (sent|cache write|cache hit|cached|received)")
_COST = re.compile(r"Cost: \$([0-9][0-9,]*(?:\.[0-9]+)?) (?:message|request)")
_INT64 = 2**63 - 1


@dataclass(frozen=True, slots=True)
class TokenReport:
    sent: int
    received: int
    cache_write: int
    cache_hit: int
    cost_usd: float | None

    @property
    def input_tokens(self) -> int:
        """Input not read from and not written to a cache (records.TokenUsageRecord's meaning)."""
        return max(0, self.sent - self.cache_write - self.cache_hit)


def tokens_of(number: str, suffix: str) -> int:
    """A count as aider printed it: "12,345" -> 12345, "2.3k" -> 2300, "1.2M" -> 1200000."""
    try:
        value = float(number.replace(",", ""))
    except ValueError:
        return 0
    if not math.isfinite(value):
        return 0  # more digits than a float holds: round() of infinity would raise
    if suffix in ("k", "K"):
        value *= 1_000
    elif suffix in ("m", "M"):
        value *= 1_000_000
    count = round(value)
    return count if 0 <= count <= _INT64 else 0


def parse_token_report(text: str) -> TokenReport | None:
    """The figures of a line starting "Tokens: ", or None when it has no "sent" count."""
    found: dict[str, int] = {}
    for match in _PART.finditer(text):
        label = match.group(3)
        label = "cache hit" if label == "cached" else label
        found.setdefault(label, tokens_of(match.group(1), match.group(2)))
    if "sent" not in found:
        return None
    return TokenReport(
        sent=found["sent"],
        received=found.get("received", 0),
        cache_write=found.get("cache write", 0),
        cache_hit=found.get("cache hit", 0),
        cost_usd=cost_of(text),
    )


def cost_of(text: str) -> float | None:
    """The message's cost a "Cost: $X message, $Y session." text names, else None. Aider puts it
    on the Tokens line, or on the next line (written as a plain line: the report was one output
    of two lines, and only the first gets "> ") when the Tokens part is long."""
    match = _COST.search(text)
    if match is None:
        return None
    try:
        cost = float(match.group(1).replace(",", ""))
    except ValueError:
        return None
    return cost if math.isfinite(cost) else None
