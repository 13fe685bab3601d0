"""Batch lessons (learn/batch_lessons.py) over the store: findings with the sessions that edited
files of their type, and workflow lessons from habit statistics per project; the changed file
types of a call, which learning keeps as it goes (learn_edit_types)."""

from __future__ import annotations

import posixpath
import sqlite3
from collections import defaultdict
from collections.abc import Callable

from lessonloop.core import json_codec
from lessonloop.learn.batch_lessons import FindingInput, finding_lessons, workflow_lessons
from lessonloop.lesson_model.lesson import Lesson
from lessonloop.store import learning_reads as reads

_CHANGE_KINDS = ("edit", "write")  # every agent's file edits and writes (records.TOOL_KINDS)


EditSessions = Callable[[str | None, str], set[str]]  # (project, file type) -> main sessions that changed such files


def batch_lessons(conn: sqlite3.Connection, edit_sessions: EditSessions | None = None) -> list[Lesson]:
    """Finding lessons and workflow lessons for the whole store. `edit_sessions`: the sessions
    that changed files of a type in a project, as learning keeps them (learn_edit_types); None:
    found by reading every change the store holds."""
    return _finding_lessons(conn, edit_sessions) + _workflow_lessons(conn)


def _finding_lessons(conn: sqlite3.Connection, edit_sessions: EditSessions | None) -> list[Lesson]:
    rows = reads.finding_rows(conn)
    if not rows:
        return []
    findings = [FindingInput(*row) for row in rows]
    if edit_sessions is not None:
        pairs = {(f.project, posixpath.splitext(f.path or "")[1].lower()) for f in findings}
        return finding_lessons(findings, {pair: edit_sessions(*pair) for pair in pairs})
    edits: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    for root, project, path, paths_json in reads.changed_file_rows(conn, _CHANGE_KINDS):
        for each in _paths(path, paths_json):
            edits[(project, posixpath.splitext(each)[1].lower())].add(root)
    return finding_lessons(findings, edits)


def _workflow_lessons(conn: sqlite3.Connection) -> list[Lesson]:
    from lessonloop.analyze.workflow import DEFAULT_RULES
    from lessonloop.report.analysis_queries import session_facts

    descriptions = {rule.id: rule.description for rule in DEFAULT_RULES}
    lessons: list[Lesson] = []
    for project in reads.analyzed_projects(conn):
        facts = session_facts(conn, project) if project else []
        if len(facts) < 2:
            continue
        lessons.extend(workflow_lessons(facts, descriptions, project))
    return lessons


def changed_types(
    project: str | None, root: str, kind: str, status: str | None, paths: list[str]
) -> set[tuple[str | None, str, str]]:
    """(project, file type, main session) of a call that changed files (the facts the scan above
    reads, one call at a time: learning keeps them in learn_edit_types)."""
    if kind not in _CHANGE_KINDS or status != "ok" or not paths:
        return set()
    return {(project, posixpath.splitext(each)[1].lower(), root) for each in paths}


def _paths(path: str, paths_json: str | None) -> list[str]:
    """The files a call changed: its target, and every file of a patch of several."""
    if not paths_json:
        return [path]
    try:
        listed = json_codec.loads(paths_json)
    except ValueError:
        return [path]
    return [path, *(p for p in listed if isinstance(p, str))] if isinstance(listed, list) else [path]
