"""`lessonloop runs suggest` (the options to run a command with, learned from its recorded runs) and
`lessonloop runs patterns` (how well each watched pattern told real failures). docs/runner-learning.md
explains the numbers."""

from __future__ import annotations

import argparse
import shlex
import sqlite3
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP, CommandError, console, emit_json, open_cli_store

if TYPE_CHECKING:
    from lessonloop.learn.command_timing import Anomaly, PatternScore, Suggestion

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def add_suggest(commands: Commands, path: str = "runs suggest") -> None:
    """The suggest command at `path` (its words after `lessonloop`)."""
    suggest = commands.add_parser(
        path.split()[-1],
        usage=f"lessonloop {path} [-h] [--db PATH] [--json] [--] COMMAND...",
        help="the `lessonloop run` options for a command, learned from its recorded runs",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Suggest the options of `lessonloop run` for COMMAND from the recorded runs of its\n"
            "normalized form (`pytest tests/x.py` and `pytest tests/y.py` are both `pytest <path>`):\n\n"
            "  --timeout, --idle-timeout, --first-output-timeout   from the successful runs: the 95th\n"
            "      percentile x 1.5, never below the longest run x 1.25, rounded up (at least 5\n"
            "      successful runs are needed)\n"
            "  --error / --success                                  patterns that told real outcomes\n"
            "      with few false alarms, else --profile (the built-in one for the program)\n\n"
            "It also lists the runs far from the usual duration or output (anomalies).\n"
            "COMMAND is one quoted command line or its words. --json and --db PATH are\n"
            "lessonloop's wherever they stand, before or after the command's words, up to a `--`;\n"
            "everything after a `--` is the command's (so is everything inside quotes):\n\n"
            f"  lessonloop {path} 'pytest -x tests/'\n"
            f"  lessonloop {path} pytest -x tests/ --json\n"
            f"  lessonloop {path} --json -- jest --json      (for `jest --json`)\n\n"
            "`lessonloop run --auto` applies the same suggestion."
        ),
    )
    suggest.add_argument("--db", metavar="PATH", help=DB_HELP)
    suggest.add_argument("--json", action="store_true", help=JSON_HELP)
    # REMAINDER: the command's own options (`pytest -x`) are not lessonloop's; split_suggest_words
    # then takes lessonloop's --json and --db from among the words, up to a `--`.
    suggest.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        metavar="COMMAND",
        help="the command: one quoted command line, or its words (after a `--`, every word is the command's)",
    )
    suggest.set_defaults(handler=cmd_suggest)


def add_patterns(commands: Commands) -> None:
    """The patterns command (`runs patterns`)."""
    patterns = commands.add_parser(
        "patterns",
        help="how well each pattern `lessonloop run` watched for told real failures (precision, misses)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Pattern effectiveness over the recorded runs, per pattern:\n\n"
            "  RUNS     runs that watched for it        MATCHED  runs where it matched\n"
            "  REAL     matched, and the run really failed (for a success pattern: succeeded):\n"
            "           the command's own status, or feedback (rating 4-5, should_have_stopped)\n"
            "  FALSE    matched, yet the command then succeeded by itself, or feedback said\n"
            "           should_have_waited or a rating of 1-2\n"
            "  UNKNOWN  matched, with neither (stopped, and no feedback)\n"
            "  MISSED   did not match, yet the run failed (for a success pattern: succeeded)\n"
            "  PRECISION  REAL / (REAL + FALSE), with its 95% Wilson interval\n\n"
            "`lessonloop feedback` turns UNKNOWN into REAL or FALSE."
        ),
    )
    patterns.add_argument(
        "--command",
        metavar="C",
        help="only the runs of this command (a command line, or a normalized command as `lessonloop runs` shows it)",
    )
    patterns.add_argument("--db", metavar="PATH", help=DB_HELP)
    patterns.add_argument("--json", action="store_true", help=JSON_HELP)
    patterns.set_defaults(handler=cmd_patterns)


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
    from lessonloop.runs.suggestions import anomalies_for, resolve_command, suggestion_for

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
    from lessonloop.analyze.command_norm import command_line, normalize_command
    from lessonloop.runs.store.reader import latest_command_line

    if argv and normalize_command(argv) == command_norm and not any(w.startswith("<") for w in argv):
        return command_line(argv)
    latest = latest_command_line(conn, command_norm)
    if latest is not None:
        return latest
    return command_line(argv) if argv else command_norm


def _print_suggestion(suggestion: Suggestion, run_line: str, found: list[Anomaly]) -> None:
    from rich.text import Text

    from lessonloop.learn.command_timing import MIN_ANOMALY_RUNS
    from lessonloop.report.table_fit import Column, fit_table, left_out_note

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
    from lessonloop.core.durations import format_duration

    return "-" if value is None else format_duration(round(value, 1))


def cmd_patterns(args: argparse.Namespace) -> int:
    from lessonloop.runs.store.reader import run_count
    from lessonloop.runs.suggestions import effectiveness, resolve_command

    with open_cli_store(args.db, reading=True) as conn:
        command_norm = resolve_command(conn, args.command)[0] if args.command else None
        scores = effectiveness(conn, command_norm)
        recorded = 0 if scores else run_count(conn)
    if args.json:
        emit_json({"command_norm": command_norm, "patterns": [score.to_json() for score in scores]})
        return 0
    if not scores and not recorded:
        print("No runs recorded yet. Run a command with `lessonloop run -- COMMAND`.")
        return 0
    _print_scores(scores, command_norm)
    return 0


def _print_scores(scores: list[PatternScore], command_norm: str | None) -> None:
    from rich.text import Text

    from lessonloop.report.table_fit import Column, fit_table, left_out_note

    out = console()
    where = f" of `{command_norm}`" if command_norm else ""
    if not scores:
        out.print(Text(f"No recorded run{where} watched for a pattern."))
        return
    columns = [
        Column("KIND"),
        Column("PATTERN", text="fold"),
        Column("RUNS", "right"),
        Column("MATCHED", "right"),
        Column("REAL", "right"),
        Column("FALSE", "right"),
        Column("UNKNOWN", "right", drop=1),
        Column("MISSED", "right"),
        Column("PRECISION [95% CI]", "right"),
        Column("COMMANDS", text="cut", drop=2),
    ]
    rows: list[list[str | Text]] = []
    for score in scores:
        interval = score.precision_interval()
        precision = (
            "-"
            if score.precision is None or interval is None
            else f"{score.precision:.0%} [{interval[0]:.0%}-{interval[1]:.0%}]"
        )
        commands = ", ".join(score.commands[:3]) + (f" +{len(score.commands) - 3}" if len(score.commands) > 3 else "")
        rows.append(
            [
                score.kind,
                score.pattern,
                str(score.runs),
                str(score.matched),
                str(score.real),
                str(score.false_alarms),
                str(score.unknown),
                str(score.misses),
                precision,
                commands,
            ]
        )
    out.print(Text(f"Pattern effectiveness over the recorded runs{where}", style="italic"))
    table, left_out = fit_table(out.width, columns, rows)
    out.print(table)
    if left_out:
        out.print(Text(left_out_note(left_out), style="dim"))
