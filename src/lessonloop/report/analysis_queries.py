"""Read-side queries over stored analysis: one session's signals, the report, the statistics' input."""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from lessonloop.report.costs import cost_json
from lessonloop.report.queries import not_empty, session_filter
from lessonloop.store.sessions.totals import settle_for_read

# `lessonloop report` reads the report's classes alone: typing, dataclasses (with inspect),
# orjson and the habit statistics are imported by what needs them (issue 43).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lessonloop.learning.engine.habit_stats import SessionFacts


def session_analysis(conn: sqlite3.Connection, session_id: str) -> dict[str, Any] | None:
    """Everything `analyze --session` prints, as stored by the last analysis."""
    row = conn.execute(
        "SELECT detail, corrections_next_session, analyzed_at FROM session_executions WHERE session_id = ?",
        (session_id,),
    ).fetchone()
    if row is None:
        return None
    from lessonloop.core import json_codec

    detail: dict[str, Any] = json_codec.loads(row[0])
    outcomes = detail.setdefault("outcomes", {})
    outcomes["corrections_next_session"] = None if row[1] is None else bool(row[1])
    detail["analyzed_at"] = row[2]
    return detail


def session_facts(conn: sqlite3.Connection, project: str | None = None, agent: str | None = None) -> list[SessionFacts]:
    where, params = session_filter(conn, project, agent)
    rules: dict[str, dict[str, str]] = defaultdict(dict)
    for session_id, rule_id, status in conn.execute("SELECT session_id, rule_id, status FROM rule_results"):
        rules[session_id][rule_id] = status
    from lessonloop.core.wings import wings
    from lessonloop.learning.engine.habit_stats import SessionFacts

    rolled_back: dict[str, int] = {}  # sessions whose changes later commits undid (the history wing's)
    for wing in wings():
        for session_id, count in wing.undone_sessions(conn).items():
            rolled_back[session_id] = rolled_back.get(session_id, 0) + count
    facts: list[SessionFacts] = []
    for r in conn.execute(
        f"""SELECT e.session_id, e.compliance, e.blind_edits, e.search_loops, e.unresolved_errors,
                   e.tests_failing_at_end, e.corrections_in_session, e.corrections_next_session, e.reverted_changes,
                   e.tool_calls, e.typed_prompts
            FROM session_executions e JOIN sessions s ON s.id = e.session_id
            WHERE {where} ORDER BY e.started_at, e.session_id""",
        params,
    ):
        facts.append(
            SessionFacts(
                session_id=r[0],
                compliance=r[1],
                rules=rules.get(r[0], {}),
                blind_edits=r[2],
                search_loops=r[3],
                unresolved_errors=r[4],
                tests_failing_at_end=None if r[5] is None else bool(r[5]),
                corrections_in_session=r[6],
                corrections_next_session=None if r[7] is None else bool(r[7]),
                reverted_changes=r[8],
                rolled_back_commits=rolled_back.get(r[0], 0),
                tool_calls=r[9],
                typed_prompts=r[10],
            )
        )
    return facts


def outcome_counts(facts: list[SessionFacts]) -> dict[str, Any]:
    """How many sessions had each bad outcome; the changes rolled back by where it was seen
    (in the session's own calls, or a later commit undoing one of its commits: a session may be
    both, counted once in `sessions`)."""
    from lessonloop.learning.engine.habit_stats import OUTCOMES

    counts: dict[str, Any] = {name: sum(1 for f in facts if f.outcome(name)) for name in OUTCOMES}
    counts["changes_rolled_back"] = {
        "sessions": counts["reverted_changes"],
        "in_session": sum(1 for f in facts if f.reverted_changes > 0),
        "by_later_commit": sum(1 for f in facts if f.rolled_back_commits > 0),
        "commits_undone": sum(f.rolled_back_commits for f in facts),
    }
    return counts


def habit_figures(facts: list[SessionFacts]) -> dict[str, Any]:
    """`analyze stats --json` (and the dashboards' habits): how many sessions, their bad outcomes
    counted, and every habit tested against every outcome (Fisher's exact test)."""
    from lessonloop.learning.engine.habit_stats import habit_outcome_stats

    return {
        "sessions": len(facts),
        "empty_sessions_left_out": sum(1 for f in facts if f.empty),  # no prompt, no call: in neither group
        "outcomes": outcome_counts(facts),
        "associations": [a.to_json() for a in habit_outcome_stats(facts)],
    }


class ReportSession:
    """One analyzed main session as the report shows it."""

    __slots__ = (
        "agent", "blind_edits", "compliance", "corrections", "cost_usd", "errors_by_class", "findings", "id",
        "max_risk", "project", "reverted_changes", "started_at", "tests_failing_at_end", "tool_calls",
        "unpriced_calls", "unresolved_errors",
    )  # fmt: skip

    def __init__(
        self,
        *,
        id: str,
        project: str | None,
        started_at: str | None,
        tool_calls: int,
        compliance: float | None,
        blind_edits: int,
        errors_by_class: dict[str, int],
        corrections: int,
        max_risk: float | None,
        findings: int,
        unresolved_errors: int,
        tests_failing_at_end: bool | None,
        reverted_changes: int,
        agent: str | None = None,
        cost_usd: float | None = None,  # report/costs.py, its subagents' calls included; None: none priced
        unpriced_calls: int = 0,
    ) -> None:
        self.id, self.project, self.started_at, self.tool_calls = id, project, started_at, tool_calls
        self.compliance, self.blind_edits, self.errors_by_class = compliance, blind_edits, errors_by_class
        self.corrections, self.max_risk, self.findings = corrections, max_risk, findings
        self.unresolved_errors, self.tests_failing_at_end = unresolved_errors, tests_failing_at_end
        self.reverted_changes, self.agent, self.cost_usd = reverted_changes, agent, cost_usd
        self.unpriced_calls = unpriced_calls

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.id,
            "agent": self.agent,
            "project": self.project,
            "started_at": self.started_at,
            "tool_calls": self.tool_calls,
            "compliance": self.compliance,
            "blind_edits": self.blind_edits,
            "errors_by_class": self.errors_by_class,
            "corrections": self.corrections,
            "max_risk": self.max_risk,
            "findings": self.findings,
            "outcomes": {
                "unresolved_errors": self.unresolved_errors,
                "tests_failing_at_end": self.tests_failing_at_end,
                "reverted_changes": self.reverted_changes,
            },
            **cost_json(self.cost_usd, self.unpriced_calls),
        }


class Habit:
    """A habit of a project: how often it happened, out of how many chances."""

    __slots__ = ("count", "detail", "name", "out_of")

    def __init__(self, name: str, count: int, out_of: int | None, detail: str) -> None:
        self.name = name
        self.count = count
        self.out_of = out_of  # sessions where it could happen (rules), None for plain counts
        self.detail = detail

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Habit):
            return NotImplemented
        return (self.name, self.count, self.out_of, self.detail) == (
            other.name,
            other.count,
            other.out_of,
            other.detail,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Habit(name={self.name!r}, count={self.count!r}, out_of={self.out_of!r}, detail={self.detail!r})"

    def to_json(self) -> dict[str, Any]:
        return {"habit": self.name, "count": self.count, "out_of": self.out_of, "detail": self.detail}


class Report:
    """The report: its sessions, and each project's worst habits first."""

    __slots__ = ("habits", "sessions")

    def __init__(self) -> None:
        self.sessions: list[ReportSession] = []
        self.habits: dict[str, list[Habit]] = {}  # project -> worst habits first

    def project_cost(self, project: str) -> tuple[float | None, int]:
        """The cost of the report's sessions of `project` (its key in `habits`) and their unpriced calls."""
        cost: float | None = None
        unpriced = 0
        for s in self.sessions:
            if (s.project or "(no project)") == project:
                if s.cost_usd is not None:
                    cost = (cost or 0.0) + s.cost_usd
                unpriced += s.unpriced_calls
        return cost, unpriced

    def to_json(self) -> dict[str, Any]:
        return {
            "sessions": [s.to_json() for s in self.sessions],
            "projects": [
                {
                    "project": project,
                    "worst_habits": [h.to_json() for h in found],
                    **cost_json(*self.project_cost(project)),
                }
                for project, found in self.habits.items()
            ],
        }


def build_report(
    conn: sqlite3.Connection,
    project: str | None = None,
    top: int = 5,
    agent: str | None = None,
    since: str | None = None,
    until: str | None = None,
    include_empty: bool = True,
) -> Report:
    """The analyzed main sessions of `project` and `agent` started from `since` and before `until`
    (session_filter), each with its figures and cost, and each project's worst habits; sessions
    with no prompt and no call only when `include_empty`."""
    where, params = session_filter(conn, project, agent, since, until)
    if not include_empty:
        where = f"({where}) AND {not_empty('s')}"
    classes: dict[str, dict[str, int]] = defaultdict(dict)
    for session_id, label, n in conn.execute(
        "SELECT session_id, class, count(*) FROM call_errors GROUP BY session_id, class"
    ):  # each session's classes by name; the most frequent first below (a sort in SQL cost as much as the rest)
        classes[session_id][label] = n
    for session_id, counts in classes.items():
        if len(counts) > 1:
            classes[session_id] = dict(sorted(counts.items(), key=lambda item: -item[1]))
    report = Report()
    for r in conn.execute(
        f"""SELECT e.session_id, e.project, e.started_at, e.tool_calls, e.compliance, e.blind_edits, e.corrections,
                   e.max_risk, e.findings, e.unresolved_errors, e.tests_failing_at_end, e.reverted_changes, s.agent
            FROM session_executions e JOIN sessions s ON s.id = e.session_id
            WHERE {where} ORDER BY e.started_at, e.session_id""",
        params,
    ):
        report.sessions.append(
            ReportSession(
                id=r[0],
                project=r[1],
                started_at=r[2],
                tool_calls=r[3],
                compliance=r[4],
                blind_edits=r[5],
                errors_by_class=classes.get(r[0], {}),
                corrections=r[6],
                max_risk=r[7],
                findings=r[8],
                unresolved_errors=r[9],
                tests_failing_at_end=None if r[10] is None else bool(r[10]),
                reverted_changes=r[11],
                agent=r[12],
            )
        )
    costs = _session_costs(conn, [s.id for s in report.sessions])
    for s in report.sessions:
        s.cost_usd, s.unpriced_calls = costs.get(s.id, (None, 0))
    session_ids = {s.id: s.project for s in report.sessions}
    for project_name in dict.fromkeys(s.project for s in report.sessions):
        ids = [sid for sid, p in session_ids.items() if p == project_name]
        report.habits[project_name or "(no project)"] = _project_habits(conn, ids)[:top]
    return report


def _session_costs(conn: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[float | None, int]]:
    """Each main session's cost and unpriced calls, its subagents' calls included, from the figures
    kept per session (`session_figures`, store/sessions/totals.py)."""
    settle_for_read(conn)
    costs: dict[str, tuple[float | None, int]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        marks = ", ".join("?" * len(part))
        for root, cost, unpriced in conn.execute(
            f"""SELECT coalesce(s.parent_id, s.id), sum(f.cost_usd), sum(f.unpriced) FROM session_figures f
                JOIN sessions s ON s.id = f.session_id
                WHERE s.id IN ({marks}) OR s.parent_id IN ({marks}) GROUP BY 1""",
            [*part, *part],
        ):
            costs[root] = (cost, int(unpriced))
    return costs


# How much a habit matters when two are equally frequent: blind edits and unresolved errors
# first, then usage errors, then the softer signals. Rules weigh by their own severity (a
# project's rules file may set it), as stored with each violation (the highest, when a rules file
# changed it between sessions).
_SIGNAL_HABITS = {
    "blind_edit": ("blind edits", 3),
    "unresolved_error": ("errors left unresolved", 3),
    "stale_edit": ("edits of files changed since read", 2),
    "reverted_change": ("changes reverted", 2),
    "search_loop": ("search loops", 1),
    "duplicate_read": ("duplicate reads", 1),
    "re_edit": ("re-edits of the same region", 1),
}
_RULE_WEIGHT = {"high": 3, "medium": 2, "low": 1}


def _project_habits(conn: sqlite3.Connection, session_ids: list[str]) -> list[Habit]:
    """A project's habits, worst first: by the share of its sessions showing the habit, then how
    much the habit matters, then how often it happened."""
    if not session_ids:
        return []
    marks = ", ".join("?" * len(session_ids))
    total = len(session_ids)
    found: list[tuple[float, int, int, Habit]] = []
    for rule_id, severity, violated, applicable in conn.execute(
        f"""SELECT rule_id, max(CASE WHEN status = 'violated' THEN severity END),
                   sum(status = 'violated'), sum(status != 'not_applicable')
            FROM rule_results WHERE session_id IN ({marks}) GROUP BY rule_id""",
        session_ids,
    ):
        if violated:
            habit = Habit(f"violates {rule_id}", violated, applicable, f"{violated} of {applicable} sessions")
            found.append((violated / total, _RULE_WEIGHT.get(severity, 2), violated, habit))
    for kind, n, sessions in conn.execute(
        f"""SELECT kind, count(*), count(DISTINCT session_id) FROM analysis_signals
            WHERE session_id IN ({marks}) GROUP BY kind""",
        session_ids,
    ):
        if kind in _SIGNAL_HABITS:
            label, weight = _SIGNAL_HABITS[kind]
            found.append((sessions / total, weight, n, Habit(label, n, None, f"{n} in {sessions} of {total} sessions")))
    for label, n, sessions in conn.execute(
        f"""SELECT class, count(*), count(DISTINCT session_id) FROM call_errors
            WHERE session_id IN ({marks}) AND usage = 1 GROUP BY class""",
        session_ids,
    ):
        habit = Habit(f"usage errors: {label}", n, None, f"{n} tool calls in {sessions} of {total} sessions")
        found.append((sessions / total, 2, n, habit))
    found.sort(key=lambda item: (-item[0], -item[1], -item[2], item[3].name))
    return [habit for *_, habit in found]
