"""Durations as people write them: 30, 30s, 1.5m, 5m, 2h, 90d, 2w (a bare number is seconds)."""

from __future__ import annotations

UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


class DurationError(ValueError):
    """Not a duration; the message says what was expected."""


def parse_duration(text: str) -> float:
    """Seconds in `text` ("30", "30s", "250ms", "1.5m", "5m", "2h", "90d", "2w"); DurationError if
    it is not one, or is negative."""
    value = text.strip().lower()
    unit = "s"
    for suffix in ("ms", "s", "m", "h", "d", "w"):
        if value.endswith(suffix):
            unit = suffix
            value = value[: -len(suffix)].strip()
            break
    try:
        number = float(value)
    except ValueError:
        raise DurationError(f"not a duration: {text!r} (use a number of seconds, or 30s, 5m, 2h, 90d, 2w)") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise DurationError(f"not a duration: {text!r}")
    if number < 0:
        raise DurationError(f"a duration cannot be negative: {text!r}")
    return number * UNITS[unit]


def format_duration(seconds: float) -> str:
    """A short, readable form that parse_duration reads back: 45s, 1.5m, 2h, 3d, 250ms."""
    if seconds < 1 and seconds > 0:
        return f"{seconds * 1000:.0f}ms"
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("m", 60.0)):
        if seconds >= size and (seconds / size) * 10 == int((seconds / size) * 10):
            return f"{seconds / size:g}{unit}"
    return f"{seconds:.0f}s" if seconds == int(seconds) else f"{seconds:.1f}s"
