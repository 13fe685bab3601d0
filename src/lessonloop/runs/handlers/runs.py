"""`lessonloop runs [list]` and `runs show`: the runs `lessonloop run` recorded as a table, newest first
(a screenful by default), and one run in full: settings, timings, matches with their context, findings."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import (
    UsageError,
    console,
    emit_json,
    known_agent,
    more_hint,
    open_cli_store,
    project_named,
    shown,
)
from lessonloop.cli.empty_results import filters_text, plural
from lessonloop.report.render import local_time, one_line
from lessonloop.runs.cli import RUNS_SHOWN
from lessonloop.runs.runner.exit_words import exit_words
from lessonloop.runs.store.reader import get_run, list_runs, run_count

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence

    from lessonloop.runs.runner.run_record import RunRecord
    from lessonloop.runs.store.reader import RunDetail


def cmd_runs_list(args: argparse.Namespace) -> int:
    with open_cli_store(args.db, reading=True) as conn:
        project = project_named(conn, args.project)
        agent = known_agent(conn, args.agent)
        rows = list_runs(
            conn,
            command=args.command,
            limit=args.limit,
            project=project,
            agent=agent,
            since=args.since,
            until=args.until,
        )
        left_out = 0
        if not args.json and args.limit is None and not args.all and len(rows) > RUNS_SHOWN:
            left_out, rows = len(rows) - RUNS_SHOWN, rows[:RUNS_SHOWN]  # newest first: a screenful of them
        empty = None
        if not rows and not args.json:
            filters = [
                ("--command", args.command),
                ("--project", project),
                ("--agent", agent),
                ("-n", args.limit),
                ("--since", args.since),
                ("--until", args.until),
            ]
            empty = _no_runs_text(conn, filters)
    if args.json:
        emit_json([row.to_json() for row in rows])
    elif empty is not None:
        print(empty)
    else:
        _render_list(rows)
        if left_out:
            print(more_hint(left_out, "older run", "-n N shows the N most recent"))
    return 0


def cmd_runs_show(args: argparse.Namespace) -> int:
    with open_cli_store(args.db, reading=True) as conn:
        detail = get_run(conn, args.run_id)
    if detail is None:
        raise UsageError(f"no run has the id {args.run_id} (`lessonloop runs` lists them)")
    if args.json:
        emit_json(detail.to_json())
    else:
        print(shown(run_detail_text(detail)))
    return 0


def seconds_text(value: float | None) -> str:
    """Seconds for people: 0.42s, 12.3s, 2m05s, 1h02m."""
    if value is None:
        return "-"
    if value < 10:
        return f"{value:.2f}s"
    if value < 60:
        return f"{value:.1f}s"
    whole = round(value)
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def _render_list(rows: list[RunRecord]) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    columns: list[tuple[str, str, list[str]]] = [
        ("ID", "right", [str(row.id) for row in rows]),
        ("STARTED", "left", [local_time(row.started_at) for row in rows]),
        ("COMMAND", "left", [one_line(row.command_norm, 80) for row in rows]),
        ("STATUS", "right", [str(row.exit_status) for row in rows]),
        ("REASON", "left", [_reason(row) for row in rows]),
        ("DURATION", "right", [seconds_text(row.duration) for row in rows]),
        ("FIRST OUT", "right", [seconds_text(row.first_output) for row in rows]),
        ("LINES OUT/ERR", "right", [f"{row.stdout_lines}/{row.stderr_lines}" for row in rows]),
        ("MATCHES", "right", [str(row.match_count) if row.match_count else "" for row in rows]),
        ("RATING", "right", [str(row.rating) if row.rating is not None else "" for row in rows]),
    ]
    from rich.cells import cell_len

    widths = {name: max(len(name), *(cell_len(cell) for cell in cells)) for name, _justify, cells in columns}
    # Each column as wide as its widest cell; the ones that do not fit are left out, the least
    # needed first, and the command takes what is left (at least 12).
    shown = [name for name, _justify, _cells in columns]
    for optional in ("FIRST OUT", "LINES OUT/ERR", "DURATION", "RATING", "MATCHES"):
        fixed = [n for n in shown if n != "COMMAND"]
        if sum(widths[n] for n in fixed) + 2 * (len(shown) - 1) + 12 <= out.width:
            break
        shown.remove(optional)
    fixed_width = sum(widths[n] for n in shown if n != "COMMAND") + 2 * (len(shown) - 1)
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name, justify, _cells in columns:
        if name not in shown:
            continue
        if name == "COMMAND":
            table.add_column(name, no_wrap=True, overflow="ellipsis", max_width=max(12, out.width - fixed_width))
        else:
            table.add_column(name, justify=justify, no_wrap=True, min_width=widths[name])  # type: ignore[arg-type]
    for index, row in enumerate(rows):
        cells = []
        for name, _justify, values in columns:
            if name not in shown:
                continue
            cell = escape(values[index])
            if name == "STATUS" and row.exit_status != 0:
                cell = f"[red]{cell}[/]"
            cells.append(cell)
        table.add_row(*cells)
    out.print(table)
    out.print(f"[dim]{len(rows)} run(s). `lessonloop runs show ID` for one run in full.[/]")


def _reason(row: RunRecord) -> str:
    return row.reason + (" (stopped)" if row.stopped and row.reason not in ("error", "success") else "")


def _end_words(run: RunRecord) -> str:
    """How the run ended, in words: why, and how the command did (its signal named, not -15)."""
    return exit_words(
        reason=run.reason,
        stopped=run.stopped,
        child_status=run.child_status,
        profile=run.profile,
        errors=min(run.match_count, int(run.settings.get("max_count") or 1)),
    )


def feedback_words(run: RunRecord) -> str:
    """A run's feedback in words: "rating 4/5, should have waited, note: ..." (what was given)."""
    parts = []
    if run.rating is not None:
        parts.append(f"rating {run.rating}/5")
    if run.verdict:
        parts.append(run.verdict.replace("_", " "))
    if run.feedback_note:
        parts.append(f"note: {run.feedback_note}")
    return ", ".join(parts)


def _bytes_text(value: int) -> str:
    for limit, suffix in ((1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "kB")):
        if value >= limit:
            return f"{value / limit:.1f} {suffix}"
    return f"{value} B"


def run_detail_text(detail: RunDetail) -> str:
    """`runs show` as text."""
    run = detail.run
    lines = [f"Run {run.id}: {run.command}"]
    if run.command_norm != run.command:
        lines.append(f"  normalized     {run.command_norm}")
    lines.append(
        f"  started        {local_time(run.started_at, seconds=True)}, ended {local_time(run.ended_at, seconds=True)}"
    )
    lines.append(f"  folder         {run.cwd or '-'}" + (f"  (project {run.project})" if run.project else ""))
    lines.append(f"  ended          {run.reason}: status {run.exit_status}: {_end_words(run)}")
    lines.append(
        f"  timings        duration {seconds_text(run.duration)}, first output {seconds_text(run.first_output)}, "
        f"first match {seconds_text(run.first_match)}"
    )
    silences = f"  silences       longest {seconds_text(run.longest_idle)}, {run.idle_count} of 1 s or more"
    if run.idle_periods:
        silences += ": " + ", ".join(
            f"{seconds_text(length)} at {seconds_text(start)}" for start, length in run.idle_periods[:5]
        )
    lines.append(silences)
    lines.append(
        f"  output         stdout {run.stdout_lines:,} lines ({_bytes_text(run.stdout_bytes)}), "
        f"stderr {run.stderr_lines:,} lines ({_bytes_text(run.stderr_bytes)})"
    )
    limits = [
        f"{name} {seconds_text(value)}"
        for name, value in (
            ("timeout", run.timeout),
            ("idle timeout", run.idle_timeout),
            ("first output timeout", run.first_output_timeout),
        )
        if value is not None
    ]
    lines.append(
        f"  settings       mode {run.mode}"
        + (f", profile {run.profile}" if run.profile else "")
        + (", " + ", ".join(limits) if limits else ", no time limits")
    )
    if run.rating is not None or run.verdict or run.feedback_note:
        lines.append(f"  feedback       {feedback_words(run)} ({local_time(run.feedback_at)})")
    if detail.patterns:
        lines.append("")
        lines.append("Patterns:")
        width = max(len(p.kind) for p in detail.patterns)
        for p in detail.patterns:
            lines.append(f"  {p.kind:<{width}}  {p.matches:>4} match{'es' if p.matches != 1 else ''}  {p.pattern}")
    lines.append("")
    if detail.matches:
        lines.append("Matches:")
        for m in detail.matches:
            lines.append(f"  #{m.seq} {m.kind} on {m.stream} line {m.line}, at {seconds_text(m.offset)}: /{m.pattern}/")
            numbered = [(m.line - len(m.before) + i, " ", text) for i, text in enumerate(m.before)]
            numbered.append((m.line, ">", m.text))
            numbered += [(m.line + 1 + i, " ", text) for i, text in enumerate(m.after)]
            width = len(str(max(n for n, _, _ in numbered)))
            lines.extend(f"    {mark} {n:>{width}} | {text}" for n, mark, text in numbered)
    else:
        lines.append("No matches.")
    if detail.findings:
        lines.append("")
        lines.append("Findings:")
        for f in detail.findings:
            where = f"{f.path}:{f.line}" if f.path and f.line else (f.path or "")
            lines.append(f"  #{f.id} {f.severity} {f.rule}" + (f" {where}" if where else "") + f": {f.message}")
    return "\n".join(lines)


def _no_runs_text(conn: sqlite3.Connection, filters: Sequence[tuple[str, object | None]]) -> str:
    """`runs` with no run to show: none recorded yet, or none matching the filters given (named,
    with how many are recorded), as the core's listings say it (cli/empty_results.py)."""
    total = run_count(conn)
    if not total:
        return "No runs recorded yet. Run a command with `lessonloop run -- COMMAND`."
    given = [(option, value) for option, value in filters if value is not None]
    return f"No run matches {filters_text(given)}; {plural(total, 'run')} recorded (`lessonloop runs` lists them)."
