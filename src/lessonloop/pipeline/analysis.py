"""Analyze stored sessions: skip the unchanged ones, run every analyzer, store the signals.

A session is re-analyzed when its fingerprint changes: any stored call, result or message of it
or its subagents, the analyzer version, or its project's workflow rules. Whether bandit scanned
it is kept beside the fingerprint (`session_executions.bandit`), not in it: a session analyzed
without bandit is analyzed again only by a run that has bandit (to add its findings), and a run
without bandit keeps a session bandit scanned as it is (docs/analysis.md).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from lessonloop import __version__
from lessonloop.analyze.inputs import SessionInput
from lessonloop.store.learn_state import changes_seq
from lessonloop.store.session_reader import load_sessions, session_fingerprints
from lessonloop.store.transaction import transaction
from lessonloop.timestamps import utc_now

if TYPE_CHECKING:
    from lessonloop.analyze.session_analysis import SessionAnalysis
    from lessonloop.analyze.workflow import Rule

ANALYZER_VERSION = "7"  # bump whenever an analyzer's output changes: every session is analyzed again
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
    bandit_added: int = 0  # of those analyzed: unchanged, analyzed again only to add bandit's findings
    seconds: float = 0.0
    bandit: bool = False
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "analyzed": self.analyzed,
            "skipped_unchanged": self.skipped,
            "bandit_added": self.bandit_added,
            "seconds": round(self.seconds, 3),
            "bandit": self.bandit,
            "problems": self.problems,
        }


def realpath_if_exists(path: str) -> str:
    """The symlink-free path of an existing file; the path unchanged otherwise."""
    return os.path.realpath(path) if os.path.lexists(path) else path


@dataclass(slots=True)
class _ProjectRules:
    """A project's rules file: its text (None: there is none or it cannot be read) and digest."""

    path: str | None
    text: str | None
    digest: str
    _rules: Sequence[Rule] | None = None

    def rules(self, problems: list[str]) -> Sequence[Rule]:
        """The file's rules merged with the defaults; the defaults alone when there is no file
        or it cannot be used (the reason goes to `problems`). Parsed on first use only."""
        if self._rules is None:
            from lessonloop.analyze.workflow import DEFAULT_RULES, RulesError, rules_from_file_text

            self._rules = DEFAULT_RULES
            if self.text is not None and self.path is not None:
                try:
                    self._rules = rules_from_file_text(self.text, self.path)
                except RulesError as exc:
                    problems.append(f"{exc}; using the defaults")
        return self._rules


def project_rules_file(project: str | None, problems: list[str]) -> _ProjectRules:
    """The project's `.lessonloop/workflow.toml`, read but not parsed: sessions whose inputs and
    rules text did not change are skipped without loading any analyzer."""
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
            return _ProjectRules(path, text, hashlib.blake2b(text.encode(), digest_size=8).hexdigest())
    return _ProjectRules(None, None, "defaults")


def _bandit_wanted(setting: bool | None) -> bool:
    if setting is False:
        return False
    from lessonloop.scanners.bandit_probe import bandit_available

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
    whole = session_ids is None and not force
    marks = _store_marks(conn, run.bandit, home, run.problems) if whole else None
    if marks is not None and _stored_marks(conn) == marks:
        # Nothing added or changed since the last check of every session: no fingerprint read.
        run.sessions = run.skipped = conn.execute("SELECT count(*) FROM sessions WHERE parent_id IS NULL").fetchone()[0]
        run.seconds = time.perf_counter() - started
        return run
    run.problems.clear()  # found again below, once
    fingerprints = session_fingerprints(conn, f"{__version__}|{ANALYZER_VERSION}", session_ids)
    stored = {
        str(session_id): (fingerprint, bool(scanned))
        for session_id, fingerprint, scanned in conn.execute(
            "SELECT session_id, fingerprint, bandit FROM session_executions"
        )
    }
    wanted = list(fingerprints) if session_ids is None else [s for s in session_ids if s in fingerprints]
    if session_ids is None:
        # The analysis of sessions no longer stored (a history read again under new session ids,
        # m028): left, it would be counted by `analyze stats` and the report's habits.
        gone = [session_id for session_id in stored if session_id not in fingerprints]
        if gone:
            _clear_gone(conn, gone)
    run.sessions = len(wanted)
    rules_by_project: dict[str | None, _ProjectRules] = {}
    todo: list[tuple[str, str]] = []
    for session_id in wanted:
        project, digest = fingerprints[session_id]
        if project not in rules_by_project:
            rules_by_project[project] = project_rules_file(project, run.problems)
        fingerprint = f"{digest}:{rules_by_project[project].digest}"
        before, bandit_scanned = stored.get(session_id, (None, False))
        if force or before != fingerprint:
            todo.append((session_id, fingerprint))
        elif run.bandit and not bandit_scanned:
            todo.append((session_id, fingerprint))
            run.bandit_added += 1
    run.skipped = run.sessions - len(todo)
    if not todo:
        if marks is not None:
            _keep_marks(conn, marks)
        run.seconds = time.perf_counter() - started
        return run
    from lessonloop.analyze.session_analysis import analyze_session  # the analyzers: only when needed

    if resolve is not None:
        # The file timeline and the workflow rules both normalize each path: one filesystem look-up each.
        resolve = functools.lru_cache(maxsize=None)(resolve)
    if progress is not None:
        progress.start(len(todo))
    try:
        for start in range(0, len(todo), _BATCH):
            batch = dict(todo[start : start + _BATCH])
            sessions = load_sessions(conn, list(batch), home)
            junit = _junit_failure_times(conn, list(batch))
            scanned = _scan_with_bandit(sessions) if run.bandit else {}
            analyses = [
                analyze_session(
                    s,
                    rules_by_project[s.project].rules(run.problems),
                    resolve,
                    scanned.get(s.id),
                    junit.get(s.id, ()),
                )
                for s in sessions
            ]
            _store(conn, analyses, batch, bandit=run.bandit)
            run.analyzed += len(analyses)
            if progress is not None:
                progress.advance(len(analyses))
    finally:
        if progress is not None:
            progress.finish()
    run.seconds = time.perf_counter() - started
    return run


def _clear_gone(conn: sqlite3.Connection, session_ids: list[str]) -> None:
    from lessonloop.store.analysis_writer import clear_session_analysis

    with transaction(conn):
        for session_id in session_ids:
            clear_session_analysis(conn, session_id)


def _store_marks(conn: sqlite3.Connection, bandit: bool, home: str, problems: list[str]) -> str:
    """What checking every session depends on, without reading them: the analyzer's version and
    settings, each project's workflow rules, the highest rowid of the tables a fingerprint reads
    and the store's change log (updates and deletes, m024/m025)."""
    marks = [
        conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
        for table in ("tool_calls", "messages", "findings", "sessions")
    ]
    rules = [
        (project, project_rules_file(project, problems).digest)
        for (project,) in conn.execute("SELECT DISTINCT project FROM sessions WHERE parent_id IS NULL ORDER BY 1")
    ]
    text = repr((__version__, ANALYZER_VERSION, bandit, home, marks, changes_seq(conn), rules))
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).hexdigest()


def _stored_marks(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT digest FROM analysis_marks WHERE id = 1").fetchone()
    return None if row is None else str(row[0])


def _keep_marks(conn: sqlite3.Connection, marks: str) -> None:
    """Record a check of every session that found nothing to analyze (the marks read before it)."""
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO analysis_marks (id, digest, checked_at) VALUES (1, ?, ?)", (marks, utc_now())
        )


def _store(
    conn: sqlite3.Connection, analyses: Sequence[SessionAnalysis], fingerprints: dict[str, str], *, bandit: bool
) -> None:
    from lessonloop.store.analysis_writer import link_next_sessions, write_session_analysis

    now = utc_now()
    with transaction(conn):
        for analysis in analyses:
            write_session_analysis(conn, analysis, fingerprints[analysis.session_id], now, bandit=bandit)
        # In the same transaction: a run killed after it leaves no session unlinked to its next.
        link_next_sessions(conn, {a.project for a in analyses})


def _junit_failure_times(conn: sqlite3.Connection, session_ids: list[str]) -> dict[str, list[str | None]]:
    marks = ", ".join("?" * len(session_ids))
    found: dict[str, list[str | None]] = {}
    for session_id, ts in conn.execute(
        f"""SELECT session_id, ts FROM findings
            WHERE kind = 'test_failure' AND (import_id IS NOT NULL OR run_id IS NOT NULL)
                  AND session_id IN ({marks})""",
        session_ids,
    ):
        found.setdefault(session_id, []).append(ts)
    return found


def _scan_with_bandit(sessions: Sequence[SessionInput]) -> dict[str, dict[str, list[Any]]]:
    """bandit's findings on the Python edits of `sessions`: session id -> tool_use_id -> findings.
    (run_bandit picks the calls it can scan and starts no process when there are none.)"""
    from lessonloop.scanners.bandit_scan import run_bandit

    owner = {call.id: s.id for s in sessions for context in s.contexts for call in context.calls}
    findings = run_bandit(call for s in sessions for context in s.contexts for call in context.calls) or []
    result: dict[str, dict[str, list[Any]]] = {}
    for finding in findings:
        result.setdefault(owner[finding.tool_use_id], {}).setdefault(finding.tool_use_id, []).append(finding)
    return result
