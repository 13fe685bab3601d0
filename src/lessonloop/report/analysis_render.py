"""Terminal rendering of analysis: one session's signals, the report, the habit statistics."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from lessonloop.report.costs import cost_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from lessonloop.learning.engine.habit_stats import Association
    from lessonloop.report.analysis_queries import Report


class AnalysisRun(Protocol):
    """What the text of an analysis pass needs of it (pipeline/analysis.py's AnalysisRun: the
    pipeline renders through this layer, never the other way)."""

    analyzed: int
    skipped: int
    seconds: float
    bandit: bool


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _risk(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def analysis_run_text(run: AnalysisRun) -> str:
    text = f"Analyzed {run.analyzed} session{'s' if run.analyzed != 1 else ''} in {run.seconds:.2f} s"
    if run.skipped:
        text += f" ({run.skipped} unchanged, skipped)"
    if run.bandit and run.analyzed:
        text += "; bandit ran on Python edits"
    return text + "."


def render_session_analysis(console: Console, data: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    console.print(f"[bold]Session {data['session_id']}[/]  {escape(data.get('project') or '')}")
    console.print(
        f"{data['tool_calls']} tool calls, {data['typed_prompts']} typed prompts "
        f"(engagement {_pct(data.get('engagement_rate'))}); compliance {_pct(data.get('compliance'))}; "
        f"max diff risk {_risk(data.get('max_risk'))}"
    )
    rules = Table(title="Workflow rules", title_justify="left")
    for column in ("rule", "status", "evidence"):
        rules.add_column(column)
    for rule in data.get("rules", []):
        rules.add_row(escape(rule.get("rule_id", "?")), rule.get("status", "?"), _evidence_text(rule))
    console.print(rules)
    signals = Table(title="Signals", title_justify="left")
    for column in ("kind", "line", "tool call", "detail"):
        signals.add_column(column, overflow="fold")
    for kind in ("blind_edits", "stale_edits", "duplicate_reads", "search_loops", "re_edits"):
        for item in data.get(kind, []):
            signals.add_row(
                kind.replace("_", " ").rstrip("s"),
                str(item.get("line")),
                item.get("tool_use_id") or "",
                escape(item.get("path") or ""),
            )
    for error in data.get("errors", []):
        signals.add_row(
            "error",
            str(error.get("line")),
            error.get("tool_use_id", ""),
            escape(f"{error['class']}  {error.get('evidence', '')}"[:160]),
        )
    for correction in data.get("corrections", []):
        signals.add_row(
            f"correction ({correction['kind']})",
            str(correction.get("line")),
            "",
            escape((correction.get("text") or "")[:160]),
        )
    for finding in data.get("findings", []):
        signals.add_row(
            f"finding ({finding.get('severity')})",
            str(finding.get("line")),
            finding.get("tool_use_id", ""),
            escape(f"{finding.get('rule')}: {finding.get('path')}"),
        )
    console.print(signals)
    outcomes = data.get("outcomes", {})
    console.print(
        "Outcomes: "
        + ", ".join(
            f"{name.replace('_', ' ')} {value}"
            for name, value in outcomes.items()
            if not name.endswith("_refs") and name != "last_test"
        )
    )


def _evidence_text(rule: dict[str, Any]) -> str:
    evidence = rule.get("evidence")
    if isinstance(evidence, list):
        lines = [str(e.get("line")) for e in evidence if isinstance(e, dict)]
        return ("lines " + ", ".join(lines[:8]) + (" …" if len(lines) > 8 else "")) if lines else ""
    if isinstance(evidence, dict):
        return ", ".join(f"{k} line {v.get('line')}" for k, v in evidence.items() if isinstance(v, dict))
    return ""


def render_report(
    console: Console,
    report: Report,
    top: int | None = None,
    shown_ids: dict[str, str] | None = None,
    *,
    summary: Sequence[str] = (),
    habits_shown: int | None = None,
    sessions_shown: int | None = None,
    projects_shown: int | None = None,
    max_lines: int | None = None,
) -> None:
    """`summary`'s lines, the sessions table, then each project's worst habits (`top` per project:
    0 shows none, and says so). `shown_ids`: each session's id as shown (store/sessions/ids.short_ids),
    else its first 8 characters. `sessions_shown`: only the latest sessions (each with its three
    most frequent error classes), `projects_shown`: only the projects with the most sessions, and
    `habits_shown`: fewer habits than the report holds per project, `max_lines`: fewer sessions still when the whole would print more lines at the console's
    width (None: everything); each cut is said under its part."""
    from rich.markup import escape
    from rich.text import Text

    parts: list[Any] = [Text(line) for line in summary]
    if summary:
        parts.append(Text(""))
    habits: list[Any] = []
    if top == 0:
        habits.append("\nWorst habits per project: not shown (-n 0).")
    else:
        projects = list(report.habits)
        if projects_shown is not None and len(projects) > projects_shown:
            busiest = Counter(s.project or "(no project)" for s in report.sessions)
            projects = sorted(projects, key=lambda p: -busiest[p])[:projects_shown]
            habits.append(f"\n[bold]Worst habits[/] of the {len(projects)} projects with the most sessions:")
        else:
            habits.append("")
        for project in projects:
            cost = cost_text(*report.project_cost(project))
            habits.append(f"[bold]{escape(project)}[/]: cost {cost} at list prices; worst habits")
            if not report.habits[project]:
                habits.append("  none found")
            found = report.habits[project][:habits_shown] if habits_shown is not None else report.habits[project]
            habits.extend(f"  {escape(habit.name)}: {escape(habit.detail)}" for habit in found)
        if len(projects) < len(report.habits):
            more = len(report.habits) - len(projects)
            habits.append(
                Text(
                    f"{more:,} more project{'' if more == 1 else 's'} not shown: -p PROJECT for one, --all every one.",
                    style="dim",
                )
            )
    sessions = report.sessions
    if sessions_shown is not None and len(sessions) > sessions_shown:
        sessions = sessions[len(sessions) - sessions_shown :] if sessions_shown else []
    room = None if max_lines is None else max_lines - _lines(console, [*parts, *habits])
    while True:  # the table and what is said under it, with fewer sessions while it takes more room
        table = _sessions_part(console, report, sessions, shown_ids, short=sessions_shown is not None)
        if room is None or len(sessions) <= 1 or _lines(console, table) <= room:
            break
        sessions = sessions[1:]
    for part in [*parts, *table, *habits]:
        console.print(part)


def _sessions_part(
    console: Console, report: Report, sessions: Sequence[Any], shown_ids: dict[str, str] | None, *, short: bool
) -> list[Any]:
    """The sessions table of `sessions` (`short`: a line a session, three error classes at most) and the lines
    under it: the columns left out, the sessions left out, the legend."""
    from rich.text import Text

    from lessonloop.report.table_fit import Column, fit_table, left_out_note

    columns = [
        Column("session"),
        Column("started"),
        Column("calls", "right"),
        Column("compliance", "right"),
        Column("blind edits", "right"),
        Column("errors", text="cut") if short else Column("errors by class", text="wrap"),
        Column("corrections", "right", drop=2),
        Column("risk", "right", drop=3),
        Column("unresolved", "right"),
        Column("tests at end", drop=1),
        Column("cost", "right", drop=4),
    ]
    rows: list[list[str | Text | list[str]]] = []
    for s in sessions:
        listed = [f"{label} {n}" for label, n in s.errors_by_class.items()] or ["—"]
        errors: str | list[str] = listed
        if short:  # one line a session, the most frequent classes first
            errors = ", ".join(listed if len(listed) <= 3 else [*listed[:2], f"+{len(listed) - 2} more"])
        tests = "—" if s.tests_failing_at_end is None else ("failing" if s.tests_failing_at_end else "passing")
        rows.append(
            [
                (shown_ids or {}).get(s.id, s.id[:8]),
                (s.started_at or "")[:16].replace("T", " "),
                str(s.tool_calls),
                _pct(s.compliance),
                str(s.blind_edits),
                errors,
                str(s.corrections),
                _risk(s.max_risk),
                str(s.unresolved_errors),
                tests,
                cost_text(s.cost_usd, s.unpriced_calls),
            ]
        )
    title = "Sessions" if len(sessions) == len(report.sessions) else f"The latest {len(sessions)} sessions"
    table, left_out = fit_table(console.width, columns, rows, title=title)
    out: list[Any] = [table]
    if left_out:
        out.append(Text(left_out_note(left_out), style="dim"))
    if len(sessions) < len(report.sessions):
        earlier = len(report.sessions) - len(sessions)
        out.append(
            Text(
                f"{earlier:,} earlier session{'' if earlier == 1 else 's'} not shown: --all, or narrow with "
                "-p/--agent/--since",
                style="dim",
            )
        )
    out.append(Text(LEGEND, style="dim"))
    return out


def _lines(console: Console, parts: Sequence[Any]) -> int:
    """How many lines `parts` print at the console's width."""
    with console.capture() as captured:
        for part in parts:
            console.print(part)
    return captured.get().count("\n")


# Under the sessions table: what its figures mean, in a few words (report/glossary.py says more).
LEGEND = "compliance: rules followed; risk: 0-1, the riskiest edit; unresolved: never fixed (`lessonloop glossary`)"


def render_habit_stats(console: Console, associations: Sequence[Association], sessions: int, empty: int = 0) -> None:
    from rich.text import Text

    from lessonloop.report.table_fit import Column, fit_table, left_out_note

    columns = [
        Column("habit", text="wrap"),
        Column("outcome", text="wrap", least=18),
        Column("with: bad/n", "right"),
        Column("without: bad/n", "right"),
        Column("p (exact)", "right"),
        Column("odds ratio [95% CI]", "right"),
        Column("risk diff", "right", drop=1),
    ]
    rows: list[list[str | Text]] = []
    for a in associations:
        n_with, n_without = a.with_bad + a.with_good, a.without_bad + a.without_good
        if not n_with and not n_without:
            continue
        odds = "—"  # undefined (nan) when no session, or every session, has the outcome
        if a.odds_ratio is not None and a.odds_ratio_ci is not None and not math.isnan(a.odds_ratio):
            odds = f"{a.odds_ratio:.2f} [{a.odds_ratio_ci[0]:.2f}, {a.odds_ratio_ci[1]:.2f}]"
        p = "—" if a.p_value is None else f"{a.p_value:.3g}"
        rows.append(
            [
                a.habit,
                a.outcome.replace("_", " "),
                f"{a.with_bad}/{n_with}",
                f"{a.without_bad}/{n_without}",
                Text(p, style="bold") if a.significant and a.p_value is not None else p,
                odds,
                "—" if a.risk_difference is None else f"{a.risk_difference:+.2f}",
            ]
        )
    title = f"Habits against outcomes ({sessions} analyzed sessions" + (
        f"; {empty} with no prompt and no call left out)" if empty else ")"
    )
    table, left_out = fit_table(console.width, columns, rows, title=title)
    console.print(table)
    if left_out:
        console.print(Text(left_out_note(left_out), style="dim"))
    console.print(
        "Sessions are compared within strata of their number of tool calls (Fisher's exact test in one, the exact "
        "stratified test and the Mantel-Haenszel odds ratio across several). p < 0.05 in bold. Few sessions give "
        "wide intervals: read the counts, not only the p-values."
    )
