"""Analyze stored sessions: skip the unchanged ones, run every analyzer, store the signals.

A session is re-analyzed when its fingerprint changes: any stored call, result or message of it
or its subagents, the analyzer version, its project's workflow rules, or whether bandit ran.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from lessonloop import __version__
from lessonloop.analyze.inputs import FILE_EDIT_TOOLS, FILE_WRITE_TOOLS, SessionInput
from lessonloop.analyze.session_analysis import SessionAnalysis, analyze_session
from lessonloop.analyze.workflow import DEFAULT_RULES, Rule, RulesError, rules_from_file_text
from lessonloop.store.analysis_writer import link_next_sessions, write_session_analysis
from lessonloop.store.session_reader import load_sessions, session_fingerprints
from lessonloop.timestamps import utc_now

ANALYZER_VERSION = "1"  # bump whenever an analyzer's output changes: every session is analyzed again
RULES_FILE = os.path.join(".lessonloop", "workflow.toml")
_BATCH = 25


class AnalysisProgress(Protocol):
    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...

    def finish(self) -> None: ...


@dataclass(slots=True)
class AnalysisRun:
    """What one analysis pass did."""

    sessions: int = 0
    analyzed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    bandit: bool = False
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "analyzed": self.analyzed,
            "skipped_unchanged": self.skipped,
            "seconds": round(self.seconds, 3),
            "bandit": self.bandit,
            "problems": self.problems,
        }


def realpath_if_exists(path: str) -> str:
    """The symlink-free path of an existing file; the path unchanged otherwise."""
    return os.path.realpath(path) if os.path.lexists(path) else path


@dataclass(slots=True)
class _ProjectRules:
    rules: Sequence[Rule]
    digest: str


def load_project_rules(project: str | None, problems: list[str]) -> _ProjectRules:
    """The project's `.lessonloop/workflow.toml` merged with the defaults; the defaults alone
    when there is none or it cannot be used (the reason goes to `problems`)."""
    if project:
        path = os.path.join(project, RULES_FILE)
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot read workflow rules ({exc}); using the defaults")
        else:
            try:
                rules = rules_from_file_text(text, path)
            except RulesError as exc:
                problems.append(f"{exc}; using the defaults")
            else:
                return _ProjectRules(rules, hashlib.blake2b(text.encode(), digest_size=8).hexdigest())
    return _ProjectRules(DEFAULT_RULES, "defaults")


def _bandit_wanted(setting: bool | None) -> bool:
    if setting is False:
        return False
    from lessonloop.capture.bandit_scan import bandit_available

    return bandit_available()


def analyze_store(
    conn: sqlite3.Connection,
    *,
    session_ids: Sequence[str] | None = None,
    force: bool = False,
    bandit: bool | None = None,
    resolve: Callable[[str], str] | None = realpath_if_exists,
    progress: AnalysisProgress | None = None,
    home: str | None = None,
) -> AnalysisRun:
    """Analyze the main sessions named (all when None) whose inputs changed since last time."""
    started = time.perf_counter()
    run = AnalysisRun(bandit=_bandit_wanted(bandit))
    home = home if home is not None else os.path.expanduser("~")
    fingerprints = session_fingerprints(conn, f"{__version__}|{ANALYZER_VERSION}|bandit={run.bandit}")
    stored = dict(conn.execute("SELECT session_id, fingerprint FROM session_executions").fetchall())
    wanted = list(fingerprints) if session_ids is None else [s for s in session_ids if s in fingerprints]
    run.sessions = len(wanted)
    rules_by_project: dict[str | None, _ProjectRules] = {}
    todo: list[tuple[str, str]] = []
    for session_id in wanted:
        project, digest = fingerprints[session_id]
        if project not in rules_by_project:
            rules_by_project[project] = load_project_rules(project, run.problems)
        fingerprint = f"{digest}:{rules_by_project[project].digest}"
        if force or stored.get(session_id) != fingerprint:
            todo.append((session_id, fingerprint))
    run.skipped = run.sessions - len(todo)
    if progress is not None and todo:
        progress.start(len(todo))
    projects: set[str | None] = set()
    try:
        for start in range(0, len(todo), _BATCH):
            batch = dict(todo[start : start + _BATCH])
            sessions = load_sessions(conn, list(batch), home)
            junit = _junit_failure_times(conn, list(batch))
            scanned = _scan_with_bandit(sessions) if run.bandit else {}
            analyses = [
                analyze_session(
                    s,
                    rules_by_project[s.project].rules,
                    resolve,
                    scanned.get(s.id),
                    junit.get(s.id, ()),
                )
                for s in sessions
            ]
            _store(conn, analyses, batch)
            projects.update(a.project for a in analyses)
            run.analyzed += len(analyses)
            if progress is not None:
                progress.advance(len(analyses))
        if projects:
            conn.execute("BEGIN IMMEDIATE")
            try:
                link_next_sessions(conn, projects)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    finally:
        if progress is not None:
            progress.finish()
    run.seconds = time.perf_counter() - started
    return run


def _store(conn: sqlite3.Connection, analyses: Sequence[SessionAnalysis], fingerprints: dict[str, str]) -> None:
    now = utc_now()
    conn.execute("BEGIN IMMEDIATE")
    try:
        for analysis in analyses:
            write_session_analysis(conn, analysis, fingerprints[analysis.session_id], now)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _junit_failure_times(conn: sqlite3.Connection, session_ids: list[str]) -> dict[str, list[str | None]]:
    marks = ", ".join("?" * len(session_ids))
    found: dict[str, list[str | None]] = {}
    for session_id, ts in conn.execute(
        f"""SELECT session_id, ts FROM findings
            WHERE kind = 'test_failure' AND import_id IS NOT NULL AND session_id IN ({marks})""",
        session_ids,
    ):
        found.setdefault(session_id, []).append(ts)
    return found


def _scan_with_bandit(sessions: Sequence[SessionInput]) -> dict[str, dict[str, list[Any]]]:
    """bandit's findings on the Python edits of `sessions`: session id -> tool_use_id -> findings."""
    from lessonloop.capture.bandit_scan import run_bandit

    owner: dict[str, str] = {}
    calls = []
    for session in sessions:
        for context in session.contexts:
            for call in context.calls:
                if (
                    call.ok
                    and call.diff
                    and (call.tool in FILE_EDIT_TOOLS or call.tool in FILE_WRITE_TOOLS)
                    and (call.target_path or "").endswith(".py")
                ):
                    calls.append(call)
                    owner[call.id] = session.id
    if not calls:
        return {}
    findings = run_bandit(calls) or []
    result: dict[str, dict[str, list[Any]]] = {}
    for finding in findings:
        result.setdefault(owner[finding.tool_use_id], {}).setdefault(finding.tool_use_id, []).append(finding)
    return result
