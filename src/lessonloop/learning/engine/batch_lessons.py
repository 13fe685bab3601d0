"""Lessons learned over the whole history rather than call by call: scanner findings and test
failures tied to the edits that caused them, and workflow rules whose violation goes with bad
outcomes. They are recall-only (no PreToolUse trigger): they are given at session start and for
prompts they match, not before a particular tool call.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lessonloop.core.outside_text import as_data
from lessonloop.learning.engine.habit_stats import OUTCOMES, SessionFacts
from lessonloop.learning.engine.signatures import digest
from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.lesson import Evidence, Lesson
from lessonloop.lesson_model.quoting import tool_output

OUTCOME_WORDS = {
    "unresolved_errors": "end with errors left unresolved",
    "tests_failing_at_end": "end with tests failing",
    "corrections_needed": "need the person's corrections",
    "reverted_changes": "have changes reverted",
    "any_bad_outcome": "end badly",
}
_SEVERITY = {"info": "low", "low": "low", "medium": "medium", "high": "high", "critical": "critical"}


@dataclass(frozen=True, slots=True)
class FindingInput:
    """A stored finding matched to the edit that introduced it."""

    id: int
    source: str  # builtin | bandit | sarif:<tool> | junit
    kind: str  # risk | test_failure | run_error
    rule: str
    severity: str
    path: str | None
    message: str
    session_id: str
    tool_use_id: str | None
    ts: str | None
    project: str | None


def file_type(path: str | None) -> str:
    """A file's type as batch lessons group by it: its extension, lower case ("" for none)."""
    return posixpath.splitext(path or "")[1].lower()


def finding_lessons(
    findings: Iterable[FindingInput], edit_sessions: Mapping[tuple[str | None, str], set[str]]
) -> list[Lesson]:
    """One lesson per (source, rule, file type) with findings tied to an edit.

    Confidence counts sessions: of the sessions that edited files of that type in the project
    (`edit_sessions[(project, ext)]`), those whose edits brought the finding in.
    """
    groups: dict[tuple[str, str, str, str | None], list[FindingInput]] = {}
    for finding in findings:
        if finding.tool_use_id is None and finding.kind == "risk":
            continue
        ext = file_type(finding.path)
        groups.setdefault((finding.source, finding.rule, ext, finding.project), []).append(finding)
    lessons: list[Lesson] = []
    for (source, rule, ext, project), items in sorted(groups.items(), key=lambda kv: tuple(map(str, kv[0]))):
        items.sort(key=lambda f: (f.ts or "", f.id))
        first = items[0]
        files = sorted({posixpath.basename(f.path or "") for f in items if f.path})
        where = f"{ext} files" if ext else "files"
        named = [as_data(name) for name in files]  # the files' names: data
        changed = ", ".join(named[:3]) or where
        if source == "runner" and (first.kind == "run_error" or " " in rule):
            # `lessonloop run` stopped on an error line; the rule is the command (no test named).
            title = f"`{rule}` failed after changes to {changed}: {tool_output(first.message, 160)}"
            prevention = f"After changing {changed}, run `{rule}` and fix what it reports before finishing."
        elif first.kind == "test_failure":
            title = f"Test {as_data(rule)} failed after changes to {changed}"
            prevention = f"Run {as_data(rule)} after changing {changed}."
        else:
            title = f"{source} rule {rule} flags {where}: {tool_output(first.message, 160)}"
            prevention = _risk_prevention(rule, first.message)
        lesson = Lesson(
            signature=digest("finding", source, rule, ext, project or ""),
            kind="finding",
            title=title,
            body=f"{len(items)} finding(s) of {source} rule {rule} in edits to {', '.join(named[:5]) or where}: "
            f"{tool_output(first.message)}",
            trigger=None,
            error_signature=f"finding|{source}|{rule}",
            error_class="FINDING",
            prevention=prevention,
            category="security" if first.kind == "risk" and first.severity in ("high", "critical") else first.kind,
            base_severity=_SEVERITY.get(first.severity, "medium"),
        )
        failing = {f.session_id for f in items}
        for session in edit_sessions.get((project, ext), set()) | failing:
            lesson.session_failed[session] = session in failing
        if project:
            lesson.projects.add(project)
        for f in items:
            lesson.observations += 1
            lesson.add_evidence(
                Evidence("finding", f.session_id, f.tool_use_id, None, f.id, f.ts, f.project, {"path": f.path})
            )
        stamps = [f.ts for f in items if f.ts]
        lesson.first_seen, lesson.last_seen = (min(stamps), max(stamps)) if stamps else (None, None)
        lesson.recount()
        lessons.append(lesson)
    return lessons


def _risk_prevention(rule: str, message: str) -> str:
    if "secret" in rule or "secret" in message.lower():
        return "Read secrets from the environment or a secrets store; never write them into source or config files."
    return f"Avoid what {rule} flags (its message: {as_data(message, 160)})."


def workflow_lessons(
    facts: Sequence[SessionFacts], descriptions: Mapping[str, str], project: str | None, min_sessions: int = 2
) -> list[Lesson]:
    """A lesson for each workflow rule whose violation goes with a worse outcome: violated in at
    least `min_sessions` sessions, with a higher rate of a bad outcome than where it was kept, for
    the outcome where the lower bound of that difference (confidence.difference_lower_bound,
    one-sided 95%) is highest (`lessonloop analyze stats` has the tests of significance).

    Its confidence is that bound (Lesson.ceiling), never more than the Wilson lower bound of
    "violated -> bad outcome": 23 bad of 29 sessions that broke a rule against 67 of 100 that kept
    it is a lesson of confidence 0 (the bound is below 0: the counts do not show harm, whatever
    the 29 alone would say), a candidate given to no agent, which says so; more sessions may show
    it. Its severity rises one level at most (Lesson.severity).
    """
    rules = sorted({rule for f in facts for rule in f.rules})
    lessons: list[Lesson] = []
    for rule in rules:
        best: tuple[float, str, list[tuple[str, bool]], int, int] | None = None
        for outcome in OUTCOMES:
            violated: list[tuple[str, bool]] = []
            kept_bad = kept = 0
            for f in facts:
                status, bad = f.rules.get(rule), f.outcome(outcome)
                if bad is None or status not in ("violated", "satisfied"):
                    continue
                if status == "violated":
                    violated.append((f.session_id, bad))
                else:
                    kept += 1
                    kept_bad += bad
            bad_violated = sum(1 for _, bad in violated if bad)
            if len(violated) < min_sessions or not bad_violated or not kept:
                continue  # no sessions that kept the rule: nothing to compare with
            if bad_violated / len(violated) <= kept_bad / kept:
                continue  # no worse where it was broken
            bound = conf.difference_lower_bound(bad_violated, len(violated), kept_bad, kept)
            if best is None or bound > best[0]:
                best = (bound, outcome, violated, kept_bad, kept)
        if best is None:
            continue
        bound, outcome, violated, kept_bad, kept = best
        bad_count = sum(1 for _, bad in violated if bad)
        words = OUTCOME_WORDS.get(outcome, outcome)
        lesson = Lesson(
            signature=digest("workflow", rule, project or ""),
            kind="workflow",
            title=f"Sessions that break the rule {rule} {words} more often"
            + ("" if bound > 0 else " (not shown by the counts yet)"),
            body=f"{bad_count} of {len(violated)} sessions violating {rule} {words}, against {kept_bad} of {kept} that kept it"
            + (
                f" (a difference of at least {bound:.2f})."
                if bound > 0
                else ": on these counts the difference may be chance (its lower bound is not above 0)."
            ),
            trigger=None,
            error_signature=f"workflow|{rule}",
            error_class="WORKFLOW_RULE",
            prevention=descriptions.get(rule) or f"Follow the workflow rule {rule}.",
            category="workflow",
            base_severity="medium",
            ceiling=bound,
        )
        for session_id, bad in violated:
            lesson.session_failed[session_id] = bad
            lesson.add_evidence(
                Evidence("rule", session_id, None, None, None, None, project, {"rule": rule, "bad": bad})
            )
        if project:
            lesson.projects.add(project)
        lesson.observations = bad_count
        lesson.recount()
        lessons.append(lesson)
    return lessons
