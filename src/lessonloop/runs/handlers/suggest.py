"""`lessonloop runs suggest`: the `lessonloop run` options for a command, learned from its recorded runs
(limits, patterns), and the runs far from its usual duration or output (docs/runner-learning.md)."""

from __future__ import annotations

import argparse
import shlex
import sqlite3
from typing import TYPE_CHECKING

from lessonloop.analyze.command_norm import command_line, normalize_command
from lessonloop.cli.common import CommandError, console, emit_json, open_cli_store
from lessonloop.core.durations import format_duration
from lessonloop.report.table_fit import Column, fit_table, left_out_note
from lessonloop.runs.command_timing import MIN_ANOMALY_RUNS
from lessonloop.runs.store.reader import latest_command_line
from lessonloop.runs.suggestions import anomalies_for, resolve_command, suggestion_for

if TYPE_CHECKING:
    from lessonloop.runs.command_timing import Anomaly, Suggestion


def split_suggest_words(words: list[str]) -> tuple[list[str], bool, str | None]:
    """(the command's words, --json given, --db's value or None) from the words after `suggest`'s
    leading options: --json, --db PATH and --db=PATH are lessonloop's anywhere before a `--`;
    after one, every word is the command's (a `--` in front of the command is dropped)."""
    command: list[str] = []
    as_json, db = False, None
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            command += words[index + 1 :] if not command else words[index:]  # `cargo test -- --x`
            break
        if word == "--json":
            as_json = True
        elif word == "--db":
            if index + 1 >= len(words):
                raise CommandError("--db needs a PATH: `lessonloop runs suggest COMMAND --db PATH`")
            db = words[index + 1]
            index += 1
        elif word.startswith("--db="):
            db = word.removeprefix("--db=")
        else:
            command.append(word)
        index += 1
    return command, as_json, db


def cmd_suggest(args: argparse.Namespace) -> int:
    words, as_json, db = split_suggest_words(list(args.command))
    args.json = args.json or as_json
    args.db = db if db is not None else args.db
    if not words or not "".join(words).strip():
        raise CommandError(
            "no command given: `lessonloop runs suggest 'pytest -x tests/'` or `... -- pytest -x tests/`"
        )
    given: str | list[str] = words[0] if len(words) == 1 else words
    with open_cli_store(args.db, reading=True) as conn:
        command_norm, argv = resolve_command(conn, given)
        suggestion = suggestion_for(conn, given)
        found = anomalies_for(conn, command_norm)
        command = _command_text(conn, command_norm, argv)
    run_line = shlex.join(["lessonloop", "run", *suggestion.run_options(), "--", *shlex.split(command)])
    if args.json:
        emit_json(
            {
                "command": command,
                "run": run_line,
                **suggestion.to_json(),
                "anomalies": [a.to_json() for a in found],
            }
        )
        return 0
    _print_suggestion(suggestion, run_line, found)
    return 0


def _command_text(conn: sqlite3.Connection, command_norm: str, argv: list[str] | None) -> str:
    """The command line to show in the suggested `lessonloop run`: the one given, unless what was
    given is a normalized form (placeholders); then the most recent recorded run's."""
    if argv and normalize_command(argv) == command_norm and not any(w.startswith("<") for w in argv):
        return command_line(argv)
    latest = latest_command_line(conn, command_norm)
    if latest is not None:
        return latest
    return command_line(argv) if argv else command_norm


def _print_suggestion(suggestion: Suggestion, run_line: str, found: list[Anomaly]) -> None:
    from rich.text import Text

    out = console()
    counts = (
        f"{suggestion.runs} recorded run(s): {suggestion.successful} successful, {suggestion.failed} failed, "
        f"{suggestion.stopped} stopped by lessonloop"
    )
    out.print(Text(f"`{suggestion.command_norm}`: {counts}"))
    if not suggestion.runs:
        out.print("No run of this command was recorded yet: run it with `lessonloop run -- COMMAND` first.")
    out.print()
    out.print(Text(run_line, style="bold"))
    out.print()
    columns = [
        Column("LIMIT"),
        Column("SUGGESTED", "right"),
        Column("RUNS", "right"),
        Column("P95", "right"),
        Column("LONGEST", "right"),
        Column("MARGINS", "right", drop=1),
        Column("WHY", text="wrap", least=24),
    ]
    rows: list[list[str | Text]] = []
    for item in suggestion.limits:
        data = item.to_json()
        rows.append(
            [
                item.flag,
                data["value"] or "-",
                str(item.samples),
                _seconds(item.percentile_value),
                _seconds(item.max_observed),
                f"x{item.margin:g} / x{item.max_margin:g}",
                item.reason,
            ]
        )
    table, left_out = fit_table(out.width, columns, rows, title="Limits (from the successful runs)")
    out.print(table)
    if left_out:
        out.print(Text(left_out_note(left_out), style="dim"))
    out.print(Text(f"Patterns: {suggestion.pattern_reason}."))
    for pattern in suggestion.patterns:
        out.print(Text(f"  {' '.join(pattern.options())}  ({pattern.reason})"))
    out.print()
    if found:
        out.print(f"Anomalies ({len(found)}: modified z-score beyond ±3.5):")
        for anomaly in found:
            out.print(Text(f"  {anomaly.describe()}"))
    elif suggestion.runs >= MIN_ANOMALY_RUNS:
        out.print("Anomalies: none.")
    else:
        out.print(f"Anomalies: none (at least {MIN_ANOMALY_RUNS} runs are needed to tell).")


def _seconds(value: float | None) -> str:
    return "-" if value is None else format_duration(round(value, 1))
