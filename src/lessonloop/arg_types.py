"""Option value types for argparse, shared by the CLI and `lessonloop run` (which must not import
the CLI package: every run starts with it). Standard library only (and lessonloop.durations, which is too)."""

from __future__ import annotations

import argparse


def whole_number(text: str, minimum: int) -> int:
    """`text` as an int of at least `minimum`, or argparse's error naming what was wrong."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be {minimum} or more: {value}")
    return value


def non_negative(text: str) -> int:
    return whole_number(text, 0)


def positive(text: str) -> int:
    return whole_number(text, 1)


def port(text: str) -> int:
    """A TCP port, 0 (a free one) to 65535."""
    value = whole_number(text, 0)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, not {value}")
    return value


def duration(text: str) -> float:
    """Seconds in a duration such as 30, 30s, 5m, 2h, 90d, or argparse's error saying what is expected."""
    from lessonloop.durations import DurationError, parse_duration

    try:
        return parse_duration(text)
    except DurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
