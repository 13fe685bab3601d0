"""The few lines on top of `lessonloop report`: the sessions, agents, projects and cost, how the
workflow rules and outcomes went, the most frequent mistakes, and the lessons, each figure with
a few plain words (report/glossary.py). Plain text, from the report already built."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from lessonloop.report.costs import cost_text
from lessonloop.report.glossary import words

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from lessonloop.report.analysis_queries import Report
    from lessonloop.report.prevention_queries import Prevention

TOP_MISTAKES = 3
# Error classes that are not the agent's mistake in calling a tool (analyze/error_classes.py's
# usage classes are the others): left out of the top mistakes.
NOT_MISTAKES = frozenset(
    {"CHECK_FAILED", "INFRASTRUCTURE", "USER_REJECTED", "INTERRUPTED", "STOPPED", "CASCADE", "UNKNOWN"}
)


def report_summary_lines(report: Report, lessons_by_status: Sequence[tuple[str, int]]) -> list[str]:
    """The summary of `report` (its sessions, every one) and of the lessons stored (status, count)."""
    sessions = report.sessions
    if not sessions:
        return []
    agents = Counter(s.agent or "?" for s in sessions)
    projects = {s.project for s in sessions}
    starts = sorted(s.started_at for s in sessions if s.started_at)
    cost: float | None = None
    unpriced = 0
    for s in sessions:
        if s.cost_usd is not None:
            cost = (cost or 0.0) + s.cost_usd
        unpriced += s.unpriced_calls
    span = f", {starts[0][:10]}" if starts else ""
    if starts and starts[-1][:10] != starts[0][:10]:
        span += f" to {starts[-1][:10]}"
    out = [
        f"Summary: {_n(len(sessions), 'session')} in {_n(len(projects), 'project')}{span}, "
        f"cost {cost_text(cost, unpriced)}",
        "  agents: " + ", ".join(f"{agent} {n:,}" for agent, n in agents.most_common()),
    ]
    ruled = [s.compliance for s in sessions if s.compliance is not None]
    if ruled:
        average = sum(ruled) / len(ruled)
        out.append(f"  compliance {average:.0%} on average over {_n(len(ruled), 'session')}: {words('compliance')}")
    unresolved = sum(1 for s in sessions if s.unresolved_errors)
    out.append(f"  unresolved errors in {_n(unresolved, 'session')}: {words('unresolved')}")
    tested = [s for s in sessions if s.tests_failing_at_end is not None]
    if tested:
        failing = sum(1 for s in tested if s.tests_failing_at_end)
        out.append(f"  tests failing at the end in {failing:,} of the {_n(len(tested), 'session')} that ran tests")
    blind = sum(1 for s in sessions if s.blind_edits)
    out.append(f"  blind edits in {_n(blind, 'session')}: {words('blind edits')}")
    corrected = sum(1 for s in sessions if s.corrections)
    out.append(f"  corrections in {_n(corrected, 'session')}: {words('corrections')}")
    classes: Counter[str] = Counter()
    for s in sessions:
        classes.update(s.errors_by_class)
    mistakes = [(label, n) for label, n in classes.most_common() if label not in NOT_MISTAKES][:TOP_MISTAKES]
    if mistakes:
        out.append(f"  top mistakes ({words('usage error')}):")
        out.extend(f"    {label} {_n(n, 'call')}: {words(label)}" for label, n in mistakes)
    statuses = dict(lessons_by_status)
    if statuses:
        parts = [f"{statuses.get('active', 0):,} in use"]
        if statuses.get("pending"):
            parts.append(f"{statuses['pending']:,} pending review")
        if statuses.get("archived"):
            parts.append(f"{statuses['archived']:,} archived (old or contradicted)")
        out.append(f"  lessons: {', '.join(parts)}: `lessonloop lessons`")
    return out


def prevention_lines(prevented: Prevention) -> list[str]:
    """What the hooks stopped and prevented (report/prevention_queries.py), when they ever stopped
    a call; and each mistake's repeat rate before and after the hooks were installed."""
    stops = prevented.total("stops")
    if not prevented.hooks_since:
        return []
    figures = prevented.to_json()
    out = [
        f"  prevention since the hooks' first call ({prevented.hooks_since[:10]}): {_n(stops, 'call')} stopped by a lesson "
        f"before it ran; {figures['worked_after_stop']:,} changed call(s) then worked; {figures['resent']:,} sent "
        f"again unchanged ({figures['resent_worked']:,} then worked, {figures['resent_failed']:,} failed again)"
    ]
    before, after = figures["repeat_rate_before"], figures["repeat_rate_after"]
    if before is not None or after is not None:
        shown = [f"{value:.0%}" if value is not None else "no session" for value in (before, after)]
        out.append(
            f"    mistakes of a lesson coming back in a later session: {shown[0]} before the hooks, {shown[1]} after"
        )
    for rule in figures["declared"]:
        out.append(
            f"    the workflow rule {rule['rule']}: stopped {rule['stops']:,} call(s), {rule['prevented']:,} not sent "
            "again"
        )
    for lesson in prevented.shown(3):
        if lesson.stops:
            out.append(f"    {lesson.title[:90]}: stopped {lesson.stops:,}, then worked {lesson.worked_after_stop:,}")
    return out


def _n(count: int, what: str) -> str:
    return f"{count:,} {what}{'' if count == 1 else 's'}"


def model_lines(models: dict[str, dict[str, Any]], shown: int = 3) -> list[str]:
    """One line on the models (report/queries.model_figures) when the sessions ran more than one:
    the busiest `shown`, each with its error rate, the calls stopped and the lessons it taught."""
    busy = [(model, f) for model, f in models.items() if f["tool_calls"]]
    if len(busy) < 2:
        return []
    parts = [
        f"{model} {f['errors']:,} of {f['tool_calls']:,} calls failed ({f['error_rate']:.1%}), "
        f"{_n(f['stops'], 'stop')}, {_n(f['lessons'], 'lesson')}"
        for model, f in busy[:shown]
    ]
    more = f"; {len(busy) - shown} more in --json" if len(busy) > shown else ""
    return ["  by model: " + "; ".join(parts) + more]
