"""Terminal rendering of analysis: one session's signals, the report, the habit statistics."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from lessonloop.report.costs import cost_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from lessonloop.learn.habit_stats import Association
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
    console: Console, report: Report, top: int | None = None, shown_ids: dict[str, str] | None = None
) -> None:
    """The sessions table, then each project's worst habits (`top` per project: 0 shows none, and
    says so). `shown_ids`: each session's id as shown (store/session_ids.short_ids), else its
    first 8 characters."""
    from lessonloop.report.table_fit import Column, fit_table, left_out_note

    columns = [
        Column("session"),
        Column("started"),
        Column("calls", "right"),
        Column("compliance", "right"),
        Column("blind edits", "right"),
        Column("errors by class", text="wrap"),
        Column("corrections", "right", drop=2),
        Column("risk", "right", drop=3),
        Column("unresolved", "right"),
        Column("tests at end", drop=1),
        Column("cost", "right", drop=4),
    ]
    rows: list[list[str | Text | list[str]]] = []
    for s in report.sessions:
        errors = [f"{label} {n}" for label, n in s.errors_by_class.items()] or ["—"]
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
    table, left_out = fit_table(console.width, columns, rows, title="Sessions")
    console.print(table)
    if left_out:
        from rich.text import Text

        console.print(Text(left_out_note(left_out), style="dim"))
    from rich.markup import escape

    if top == 0:
        console.print("\nWorst habits per project: not shown (-n 0).")
        return
    for project, habits in report.habits.items():
        cost = cost_text(*report.project_cost(project))
        console.print(f"\n[bold]{escape(project)}[/]: cost {cost} at list prices; worst habits")
        if not habits:
            console.print("  none found")
        for habit in habits:
            console.print(f"  {escape(habit.name)}: {escape(habit.detail)}")


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
