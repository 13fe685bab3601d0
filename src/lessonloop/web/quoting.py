"""A value a request gave, quoted for the message that refuses it: whole when short, cut with its
length when long (a 5,000-digit number is not sent back whole)."""

from __future__ import annotations

SHOWN = 80  # characters of a refused value repeated in a message


def shown(text: str) -> str:
    """`text` quoted for a message, cut when long."""
    if len(text) <= SHOWN:
        return repr(text)
    return f"{text[:SHOWN]!r}… ({len(text):,} characters)"
