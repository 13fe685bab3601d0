"""`lessonloop runs patterns`: how well each pattern `lessonloop run` watched for told real failures
(real, false, unknown, missed, precision with its interval; docs/runner-learning.md)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import console, emit_json, open_cli_store
from lessonloop.report.table_fit import Column, fit_table, left_out_note
from lessonloop.runs.store.reader import run_count
from lessonloop.runs.suggestions import effectiveness, resolve_command

if TYPE_CHECKING:
    from lessonloop.runs.command_timing import PatternScore


def cmd_patterns(args: argparse.Namespace) -> int:
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
