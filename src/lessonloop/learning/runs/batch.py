"""Batch lessons (learning/engine/batch_lessons.py) from what saving reads (source.read_saving): findings
with the sessions that edited files of their type, and workflow lessons from habit statistics per
project; the changed file types of a call, which learning keeps as it goes (learn_edit_types).
Pure: the store is read before (source.py)."""

from __future__ import annotations

from collections.abc import Callable

from lessonloop.analyze.workflow import DEFAULT_RULES
from lessonloop.learning.engine.batch_lessons import FindingInput, file_type, finding_lessons, workflow_lessons
from lessonloop.learning.runs.source import Saving
from lessonloop.lesson_model.lesson import Lesson

_CHANGE_KINDS = ("edit", "write")  # every agent's file edits and writes (records.TOOL_KINDS)


EditSessions = Callable[[str | None, str], set[str]]  # (project, file type) -> main sessions that changed such files


def batch_lessons(read: Saving, edit_sessions: EditSessions) -> list[Lesson]:
    """Finding lessons and workflow lessons for the whole store. `edit_sessions`: the sessions
    that changed files of a type in a project, as learning keeps them (learn_edit_types)."""
    return _finding_lessons(read, edit_sessions) + _workflow_lessons(read)


def _finding_lessons(read: Saving, edit_sessions: EditSessions) -> list[Lesson]:
    if not read.findings:
        return []
    findings = [FindingInput(*row) for row in read.findings]
    pairs = {(f.project, file_type(f.path)) for f in findings}
    return finding_lessons(findings, {pair: edit_sessions(*pair) for pair in pairs})


def _workflow_lessons(read: Saving) -> list[Lesson]:
    descriptions = {rule.id: rule.description for rule in DEFAULT_RULES}
    lessons: list[Lesson] = []
    for project, facts in read.facts.items():
        if len(facts) < 2:
            continue
        lessons.extend(workflow_lessons(facts, descriptions, project))
    return lessons


def changed_types(
    project: str | None, root: str, kind: str, status: str | None, paths: list[str]
) -> set[tuple[str | None, str, str]]:
    """(project, file type, main session) of a call that changed files (learning keeps them in
    learn_edit_types, one call at a time)."""
    if kind not in _CHANGE_KINDS or status != "ok" or not paths:
        return set()
    return {(project, file_type(each), root) for each in paths}
