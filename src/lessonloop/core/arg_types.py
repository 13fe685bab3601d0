"""Option value types for argparse, shared by the CLI and `lessonloop run` (which must not import
the CLI package: every run starts with it). Standard library only (and lessonloop.core.durations, which is too)."""

from __future__ import annotations


def _type_error(message: str) -> Exception:
    """argparse's error for an option value, argparse imported only now: `lessonloop recall`
    parses its usual options without it (cli/recall_commands.py)."""
    import argparse

    return argparse.ArgumentTypeError(message)


def whole_number(text: str, minimum: int) -> int:
    """`text` as an int of at least `minimum`, or argparse's error naming what was wrong."""
    try:
        value = int(text)
    except ValueError:
        raise _type_error(f"not a whole number: {text!r}") from None
    if value < minimum:
        raise _type_error(f"must be {minimum} or more: {value}")
    return value


def non_negative(text: str) -> int:
    return whole_number(text, 0)


def positive(text: str) -> int:
    return whole_number(text, 1)


def fraction(text: str) -> float:
    """A value from 0 to 1 (a share, a score, a confidence)."""
    value = _number(text)
    if not 0.0 <= value <= 1.0:
        raise _type_error(f"must be between 0 and 1: {value}")
    return value


def open_fraction(text: str) -> float:
    """A share strictly between 0 and 1 (a split of a history: neither part may be empty)."""
    value = _number(text)
    if not 0.0 < value < 1.0:
        raise _type_error(f"must be between 0 and 1, both left out (e.g. 0.8): {value}")
    return value


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _type_error(f"not a number: {text!r}") from None


def port(text: str) -> int:
    """A TCP port, 0 (a free one) to 65535."""
    value = whole_number(text, 0)
    if value > 65535:
        raise _type_error(f"a port is 0 to 65535, not {value}")
    return value


def duration(text: str) -> float:
    """Seconds in a duration such as 30, 30s, 5m, 2h, 90d, or argparse's error saying what is expected."""
    from lessonloop.core.durations import DurationError, parse_duration

    try:
        return parse_duration(text)
    except DurationError as exc:
        raise _type_error(str(exc)) from None


def _time_bound(text: str, *, end: bool) -> str:
    """The moment `text` names, as canonical UTC text ("YYYY-MM-DDTHH:MM:SS.mmmZ"): a duration
    back from now (7d, 2w, 12h, 30m: a unit is required), a day (2026-11-01 or 20261101, in local
    time: its start, or with `end` the start of the next day, so that an --until day is included),
    or an ISO time (local time unless it gives Z or an offset). argparse's error otherwise."""
    from datetime import UTC, datetime, timedelta

    value = text.strip()
    expected = (
        f"not a date, time or duration: {text!r} (use a date, 2026-11-01; an ISO time, 2026-11-01T14:00"
        f" or 2026-11-01T14:00Z; or a duration back from now, 7d, 2w, 12h)"
    )
    moment: datetime | None = None
    if value[:1].isdigit() and value[-1:].lower() in ("s", "m", "h", "d", "w") and "-" not in value:
        from lessonloop.core.durations import DurationError, parse_duration

        try:
            moment = datetime.now(tz=UTC) - timedelta(seconds=parse_duration(value))
        except (DurationError, OverflowError):
            raise _type_error(expected) from None
    else:
        day_only = len(value) in (8, 10) and value.replace("-", "").isdigit()
        try:
            if day_only:
                parsed = datetime.strptime(value.replace("-", ""), "%Y%m%d")
                if end:
                    parsed += timedelta(days=1)
            else:
                parsed = datetime.fromisoformat(value.replace("z", "Z"))
        except (ValueError, OverflowError):
            raise _type_error(expected) from None
        moment = parsed.astimezone() if parsed.tzinfo is None else parsed  # naive: local time
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def since_time(text: str) -> str:
    """--since: the first moment included, as canonical UTC text (see _time_bound)."""
    return _time_bound(text, end=False)


def until_time(text: str) -> str:
    """--until: the first moment no longer included, as canonical UTC text: a day given is
    included whole (see _time_bound)."""
    return _time_bound(text, end=True)
