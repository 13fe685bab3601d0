"""The one time parser: every stored time is ISO-8601 UTC with milliseconds and a Z suffix."""

from __future__ import annotations

from datetime import UTC, datetime

# Claude Code writes "2026-02-12T15:36:09.570Z": already canonical, so it is kept as is.
_CANONICAL_LEN = len("2026-02-12T15:36:09.570Z")


def normalize_timestamp(value: object) -> str | None:
    """Return `value` as canonical UTC text ("YYYY-MM-DDTHH:MM:SS.mmmZ"), or None if unparseable.

    Naive times are taken as UTC; offsets are converted. Numbers are read as Unix seconds
    (or milliseconds when too large to be seconds).
    """
    if isinstance(value, str):
        if (
            len(value) == _CANONICAL_LEN
            and value[-1] == "Z"
            and value[10] == "T"
            and value[19] == "."
            and value[:4].isdigit()
        ):
            return value
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return format_timestamp(parsed)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000.0
        try:
            return format_timestamp(datetime.fromtimestamp(seconds, tz=UTC))
        except (OverflowError, OSError, ValueError):
            return None
    return None


def format_timestamp(moment: datetime) -> str:
    """Format a datetime as canonical UTC text; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if moment.year >= 1000:  # isoformat: the same text, in half strftime's time ("+00:00" cut)
        return moment.isoformat(timespec="milliseconds")[:-6] + "Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"  # the year unpadded


def parse_timestamp(text: str) -> datetime:
    """Parse canonical (or any ISO-8601) text into a timezone-aware UTC datetime."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def utc_now() -> str:
    """The current time as canonical UTC text."""
    return format_timestamp(datetime.now(tz=UTC))


def days_between(earlier: str, later: str) -> float:
    """Days from `earlier` to `later` (canonical or ISO-8601 text); 0 when `later` is not later
    or either cannot be read."""
    try:
        delta = parse_timestamp(later) - parse_timestamp(earlier)
    except ValueError:
        return 0.0
    return max(0.0, delta.total_seconds() / 86400.0)
