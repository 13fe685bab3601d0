"""Suggestions from the recorded runs of `lessonloop run`: read a command's history from the store
and hand it to learning/engine/command_timing.py (`lessonloop runs suggest`, `lessonloop runs patterns`, and
`lessonloop run --auto`)."""

from __future__ import annotations

import shlex
import sqlite3
from collections.abc import Sequence
from typing import Any

from lessonloop.analyze.command_norm import normalize_command
from lessonloop.core.durations import format_duration
from lessonloop.runs.command_timing import (
    Anomaly,
    PatternScore,
    Suggestion,
    anomalies,
    pattern_effectiveness,
    suggest,
)
from lessonloop.runs.runner.profiles import PROFILES
from lessonloop.runs.runner.run_record import RunRecord
from lessonloop.runs.store.reader import HISTORY_RUNS, command_history, has_runs_of, pattern_rows


def resolve_command(conn: sqlite3.Connection, command_or_argv: str | Sequence[str]) -> tuple[str, list[str] | None]:
    """(the normalized command, the argv when one can be told): a list is an argv; a string is a
    stored normalized command as it is, else a command line (split as a shell would)."""
    if isinstance(command_or_argv, str):
        text = command_or_argv.strip()
        stored = has_runs_of(conn, text)
        try:
            argv = shlex.split(text)
        except ValueError:  # an unclosed quote: read it as plain words
            argv = text.split()
        if stored:
            return text, argv
        return normalize_command(argv), argv
    argv = list(command_or_argv)
    return normalize_command(argv), argv


def history(conn: sqlite3.Connection, command_norm: str, limit: int = HISTORY_RUNS) -> list[RunRecord]:
    """The recorded runs of exactly `command_norm`, newest first (at most `limit`; the window of
    runs/store/reader.py, the dashboards' too)."""
    return command_history(conn, command_norm, limit)


def suggestion_for(conn: sqlite3.Connection, command_or_argv: str | Sequence[str]) -> Suggestion:
    """What to give `lessonloop run` for this command, from the recorded runs of its normalized form."""
    command_norm, argv = resolve_command(conn, command_or_argv)
    runs = history(conn, command_norm)
    return suggest(runs, _whole_line_uses(conn, command_norm), command_norm=command_norm, argv=argv)


def _whole_line_uses(conn: sqlite3.Connection, command_norm: str) -> list[Any]:
    """The pattern uses of `command_norm`'s runs, without the profiles' progress patterns: those are
    matched on a line still being written (pytest's `..F`), never given as `--error`, where they would
    match whole lines only and turn the profile off."""
    partial = {pattern for profile in PROFILES.values() for pattern in profile.partial}
    return [use for use in pattern_rows(conn, command_norm) if use.pattern not in partial]


def anomalies_for(conn: sqlite3.Connection, command_norm: str) -> list[Anomaly]:
    """The recorded runs of `command_norm` far from its usual duration or output volume, among its
    latest HISTORY_RUNS runs (as the dashboards compute them)."""
    return anomalies(history(conn, command_norm))


def effectiveness(conn: sqlite3.Connection, command_norm: str | None = None) -> list[PatternScore]:
    """How well each pattern told real outcomes, over every recorded run (or `command_norm`'s)."""
    return pattern_effectiveness(pattern_rows(conn, command_norm))


def auto_options(conn: sqlite3.Connection, argv: Sequence[str]) -> tuple[dict[str, Any], str]:
    """What `lessonloop run --auto` applies, and a one-line note saying so.

    The dict holds, when there is a suggestion for them: "timeout", "idle_timeout",
    "first_output_timeout" (seconds), "error" (patterns) and "exclude" (the exclude patterns
    that went with the suggested error patterns in earlier runs, or the profile's). A value the
    person gave on the command line wins over these (the caller keeps it).
    """
    suggestion = suggestion_for(conn, list(argv))
    command_norm = suggestion.command_norm
    values: dict[str, Any] = dict(suggestion.seconds())
    parts = [f"{item.flag} {format_duration(item.seconds)}" for item in suggestion.limits if item.seconds is not None]
    errors = [p.pattern for p in suggestion.patterns if p.kind == "error"]
    profiles = [p.pattern for p in suggestion.patterns if p.kind == "profile"]
    if errors:
        values["error"] = errors
        values["exclude"] = _excludes_with(conn, command_norm, errors)
        parts.append(f"{len(errors)} error pattern(s) from earlier runs")
    elif profiles:
        profile = _profile_patterns(profiles[0])
        if profile is not None and profile[0]:
            values["error"], values["exclude"] = profile
            parts.append(f"the {profiles[0]} profile's patterns")
    timing = suggestion.limit("timeout").reason.removeprefix("none: ")
    if not parts:
        return values, f"nothing to apply for `{command_norm}` ({timing})"
    if not suggestion.seconds():
        return values, f"{', '.join(parts)}; no limits for `{command_norm}` ({timing})"
    basis = f"{suggestion.successful} successful of {suggestion.runs} recorded runs"
    return values, f"{', '.join(parts)} (from {basis} of `{command_norm}`)"


def _excludes_with(conn: sqlite3.Connection, command_norm: str, errors: list[str]) -> list[str]:
    """The exclude patterns of the runs that watched for any of `errors`."""
    uses = pattern_rows(conn, command_norm)
    runs = {use.run_id for use in uses if use.kind == "error" and use.pattern in errors}
    found: list[str] = []
    for use in uses:
        if use.kind == "exclude" and use.run_id in runs and use.pattern not in found:
            found.append(use.pattern)
    return found


def _profile_patterns(name: str) -> tuple[list[str], list[str]] | None:
    """(error patterns, exclude patterns) of the built-in profile `name`; None when unknown."""
    try:
        from lessonloop.runs.runner.profiles import PROFILES
    except ImportError:
        return None
    profile = PROFILES.get(name)
    if profile is None:
        return None
    return list(profile.error), list(profile.exclude)
