"""The lines after an ingest's figures: what went wrong in the sessions it read (their most
frequent usage errors, in plain words), the lessons it learned, where to look closer, and, after
a first ingest, how the lessons reach the agents found (hooks, a rules file, MCP). Plain text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.apply.instruction_files import for_agent
from lessonloop.capture.agents import adapters, by_agent
from lessonloop.lesson_model.confidence import MIN_FAILED_SESSIONS
from lessonloop.report.glossary import words

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lessonloop.report.ingest_overview_queries import IngestOverview, NewLesson


def next_steps(overview: IngestOverview, width: int = 100, *, sample: bool = False) -> list[str]:
    """The lines after an ingest that read something: the mistakes and lessons, then where to
    look closer; after a first ingest of the person's own transcripts, how lessons reach agents."""
    out: list[str] = []
    if not overview.sessions:
        return out
    if overview.usage_errors:
        out.append("Most frequent mistakes (usage errors: what a lesson can prevent):")
        for label, calls, sessions in overview.usage_errors:
            line = f"  {label} {calls:,} call{_s(calls)} in {sessions:,} session{_s(sessions)}: {words(label)}"
            out.append(_cut(line, width))
    if overview.lessons:
        more = overview.lessons_learned - len(overview.lessons)
        heading = "Lessons learned" if overview.first else "New lessons"
        out.append(
            f"{heading} ({overview.lessons_learned:,}; "
            + ("`lessonloop lessons` lists them, " if more > 0 else "")
            + "`lessonloop lessons show ID` says why one exists):"
        )
        out.extend(_cut(_lesson_line(lesson), width) for lesson in overview.lessons)
    if overview.first:
        learned = "" if overview.lessons else "`lessonloop lessons` (what was learned), "
        out.append(
            f"Look closer: `lessonloop report` (what went wrong), {learned}`lessonloop serve` (in a browser), "
            "`lessonloop glossary` (what the figures mean)."
        )
    else:
        out.append(
            f"The store holds {overview.stored_sessions:,} session{_s(overview.stored_sessions)} and "
            f"{overview.stored_lessons:,} lesson{_s(overview.stored_lessons)} in use or pending: "
            "`lessonloop report --since 1d` for what went wrong lately."
        )
    if overview.first and not sample:
        out.extend(_delivery(set(overview.agents)))
    return out


def _delivery(agents: set[str]) -> list[str]:
    """How the lessons reach the agents found: hooks where the agent has them, a rules file, MCP."""

    def name(agent: str) -> str:
        adapter = by_agent(agent)
        return adapter.name if adapter is not None else agent

    rows: list[tuple[str, str]] = []
    known = [adapter for adapter in adapters() if adapter.agent in agents]
    hooked = [adapter.agent for adapter in known if adapter.hooks]
    if hooked:
        rows.append(
            (
                "lessonloop hooks install",
                f"{_listed(name(a) for a in hooked)}: a lesson stops a mistake before it is repeated",
            )
        )
    # the rules file to name first: an agent without hooks first (a rules file is its only way),
    # then the agents added last first
    latest_first = known[::-1]
    order = [a for a in latest_first if a.hooks is None] + [a for a in latest_first if a.hooks is not None]
    exported = [adapter.agent for adapter in order] or [adapters()[0].agent]
    rules = for_agent(exported[0])
    into = f"into {rules.name}" if rules is not None else ""
    others = " (--agent all: every agent's file)" if len(exported) > 1 else ""
    rows.append(
        (f"lessonloop lessons export --agent {exported[0]}", f"in a project folder: its lessons {into}{others}")
    )
    rows.append(("lessonloop mcp", "an MCP server any agent can ask for lessons (docs/mcp.md)"))
    command_width = max(len(command) for command, _ in rows)
    return ["Give the lessons to your agents:"] + [f"  {c:<{command_width}}  {text}" for c, text in rows]


def _lesson_line(lesson: NewLesson) -> str:
    pending = ", pending review" if lesson.status == "pending" else ""
    if lesson.sessions and lesson.failed_sessions < MIN_FAILED_SESSIONS:
        pending += ", a candidate until it fails in another session"  # (a note at most before)
    return (
        f"  #{lesson.id} {lesson.title} (confidence {lesson.confidence:.2f}, failed in "
        f"{lesson.failed_sessions} of {lesson.sessions} session{_s(lesson.sessions)}{pending})"
    )


def _listed(names: Iterable[str]) -> str:
    items = list(names)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _cut(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def _s(n: int) -> str:
    return "" if n == 1 else "s"
