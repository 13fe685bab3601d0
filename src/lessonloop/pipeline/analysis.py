"""Analyze stored sessions: skip the unchanged ones, run every analyzer, store the signals.

A session is re-analyzed when its fingerprint changes: any stored call, result or message of it
or its subagents, the analyzer version, or its project's workflow rules.

bandit is off unless `[analysis] bandit = true` or the command's `--bandit` turns it on (being
installed is not enough). When on, one bandit process reads the edits of every session the run
analyzes (scanners/bandit_scan.py, BanditScan): the sessions are analyzed and stored batch by
batch as without it, their snippets gathered meanwhile; after the last batch bandit runs once,
and only the sessions it found something in are analyzed again with its findings. Whether
bandit scanned a session is kept beside its fingerprint (`session_executions.bandit`), never in
it, and nothing re-analyzes a stored session because bandit was off when it was analyzed:
turning bandit on scans what is analyzed from then on (`lessonloop analyze --force --bandit`
redoes the history on request; docs/analysis.md).
"""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from lessonloop import __version__
from lessonloop.core.install_hints import extra_install
from lessonloop.core.timestamps import utc_now
from lessonloop.learning.store.reader import roots_of
from lessonloop.pipeline.analysis_check import (
    ANALYZER_VERSION,
    ProjectRules,
    mark_parts,
    marks_digest,
    project_rules_file,
    sessions_to_check,
)
from lessonloop.store import counts
from lessonloop.store.analysis import state as analysis_state
from lessonloop.store.sessions.reader import load_sessions, session_fingerprints
from lessonloop.store.transaction import transaction

if TYPE_CHECKING:
    from lessonloop.analyze.diff_risk import RiskFinding
    from lessonloop.analyze.session_analysis import SessionAnalysis
    from lessonloop.scanners.bandit_scan import BanditScan, ScanOutcome

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


def bandit_configured() -> bool:
    """`[analysis] bandit` of the configuration (False when the file cannot be read)."""
    from lessonloop.settings.config import ConfigError, load_config

    try:
        return load_config().analysis.bandit
    except ConfigError:
        return False


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
    """Analyze the main sessions named (all when None) whose inputs changed since last time.
    `bandit`: run bandit on their Python edits (None: as `[analysis] bandit` says, off by default)."""
    started = time.perf_counter()
    run = AnalysisRun()
    from lessonloop.pipeline.texts_later import store_texts

    store_texts(conn)  # files stored without their texts (pipeline/ingest.py): read whole first
    wants_bandit = bandit_configured() if bandit is None else bandit
    home = home if home is not None else os.path.expanduser("~")
    whole = session_ids is None and not force
    parts = mark_parts(conn, home, run.problems) if whole else None
    marks = marks_digest(parts) if parts is not None else None
    if marks is not None and analysis_state.checked_marks(conn) == marks:
        # Nothing added or changed since the last check of every session: no fingerprint read.
        run.sessions = run.skipped = counts.main_sessions(conn)
        run.seconds = time.perf_counter() - started
        return run
    run.problems.clear()  # found again below, once
    # Since the last check of every session: only the sessions with new or changed rows (or in a
    # project whose rules changed) are fingerprinted; every session when that cannot be told.
    moved = sessions_to_check(conn, analysis_state.checked_parts(conn), parts) if parts is not None else None
    stored = analysis_state.stored_fingerprints(conn)
    salt = f"{__version__}|{ANALYZER_VERSION}"
    roots: set[str] = set()
    if moved is not None:
        roots, gone_ids = roots_of(conn, sorted(moved))
        if gone_ids:  # sessions deleted or renamed (a history read again under new ids): check every one
            moved = None
    if moved is not None:
        fingerprints = session_fingerprints(conn, salt, sorted(roots))
        wanted = sorted(fingerprints)
        gone = []
        run.sessions = counts.main_sessions(conn)
    else:
        fingerprints = session_fingerprints(conn, salt, session_ids)
        wanted = list(fingerprints) if session_ids is None else [s for s in session_ids if s in fingerprints]
        # The analysis of sessions no longer stored (a history read again under new session ids,
        # m028): left, it would be counted by `analyze stats` and the report's habits.
        gone = [session_id for session_id in stored if session_id not in fingerprints] if session_ids is None else []
        run.sessions = len(wanted)
    if gone:
        _clear_gone(conn, gone)
    rules_by_project: dict[str | None, ProjectRules] = {}
    todo: list[tuple[str, str]] = []
    for session_id in wanted:
        project, digest = fingerprints[session_id]
        if project not in rules_by_project:
            rules_by_project[project] = project_rules_file(project, run.problems)
        fingerprint = f"{digest}:{rules_by_project[project].digest}"
        if force or stored.get(session_id) != fingerprint:
            todo.append((session_id, fingerprint))
    run.skipped = run.sessions - len(todo)
    if not todo:
        if marks is not None:
            analysis_state.keep_checked_marks(conn, marks, utc_now(), _parts_text(parts))
        run.seconds = time.perf_counter() - started
        return run
    from lessonloop.analyze.session_analysis import analyze_session  # the analyzers: only when needed

    scan = _bandit_scan(run.problems) if wants_bandit else None
    run.bandit = scan is not None
    if resolve is not None:
        # The file timeline and the workflow rules both normalize each path: one filesystem look-up each.
        resolve = functools.lru_cache(maxsize=None)(resolve)
    if progress is not None:
        progress.start(len(todo))
    try:
        for start in range(0, len(todo), _BATCH):
            batch = dict(todo[start : start + _BATCH])
            sessions = load_sessions(conn, list(batch), home)
            if scan is not None:  # their snippets, for the one bandit process after the last batch
                for s in sessions:
                    scan.add((call for context in s.contexts for call in context.calls), s.id)
            junit = analysis_state.junit_failure_times(conn, list(batch))
            imported = analysis_state.imported_risk_findings(conn, list(batch))
            analyses = [
                analyze_session(
                    s,
                    rules_by_project[s.project].rules(run.problems),
                    resolve,
                    _by_call(imported.get(s.id, ())),
                    junit.get(s.id, ()),
                )
                for s in sessions
            ]
            _store(conn, analyses, batch, bandit=False)
            run.analyzed += len(analyses)
            if progress is not None:
                progress.advance(len(analyses))
        if scan is not None:
            _add_bandit_findings(conn, scan.finish(), dict(todo), rules_by_project, resolve, home, run.problems)
    finally:
        if scan is not None:
            scan.close()
        if progress is not None:
            progress.finish()
    if marks is not None:
        # Every session was current, or analyzed, as of these marks: the next check goes on from
        # them (what this run wrote, and what arrived meanwhile, is past them and checked then).
        analysis_state.keep_checked_marks(conn, marks, utc_now(), _parts_text(parts))
    run.seconds = time.perf_counter() - started
    return run


def _parts_text(parts: list[Any] | None) -> str | None:
    from lessonloop.core import json_codec

    return None if parts is None else json_codec.dumps(parts)


def _bandit_scan(problems: list[str]) -> BanditScan | None:
    """A BanditScan for this run, or None (and why, in `problems`) when bandit cannot run here."""
    from lessonloop.scanners.bandit_probe import bandit_command
    from lessonloop.scanners.bandit_scan import BanditScan

    command = bandit_command()
    if command is None:
        problems.append(
            f"bandit is on ([analysis] bandit or --bandit) but not installed ({extra_install('scanners')}); "
            "the sessions were analyzed without it"
        )
        return None
    return BanditScan(command)


def _add_bandit_findings(
    conn: sqlite3.Connection,
    outcome: ScanOutcome,
    fingerprints: dict[str, str],
    rules_by_project: dict[str | None, ProjectRules],
    resolve: Callable[[str], str] | None,
    home: str,
    problems: list[str],
) -> None:
    """After the run's one bandit process: the sessions it found something in analyzed again with
    its findings (their risk counts them), and every session it read marked as bandit-scanned."""
    from lessonloop.analyze.session_analysis import analyze_session

    found = [session_id for session_id in fingerprints if outcome.findings.get(session_id)]
    for start in range(0, len(found), _BATCH):
        batch = {session_id: fingerprints[session_id] for session_id in found[start : start + _BATCH]}
        sessions = load_sessions(conn, list(batch), home)
        junit = analysis_state.junit_failure_times(conn, list(batch))
        imported = analysis_state.imported_risk_findings(conn, list(batch))
        analyses = []
        for s in sessions:
            by_call = _by_call([*outcome.findings.get(s.id, ()), *imported.get(s.id, ())])
            rules = rules_by_project[s.project].rules(problems)
            analyses.append(analyze_session(s, rules, resolve, by_call, junit.get(s.id, ())))
        _store(conn, analyses, batch, bandit=True)
    scanned = [session_id for session_id in fingerprints if session_id not in outcome.failed]
    analysis_state.mark_bandit_scanned(conn, scanned)
    if outcome.failed:
        problems.append(
            f"bandit could not scan the Python edits of {len(outcome.failed)} session(s) (it failed, timed out or "
            "printed no report); they were analyzed without it"
        )


def _by_call(findings: Sequence[RiskFinding]) -> dict[str, list[RiskFinding]]:
    """Scanner findings (bandit's, imported SARIF) by the edit they are tied to."""
    by_call: dict[str, list[RiskFinding]] = {}
    for finding in findings:
        by_call.setdefault(finding.tool_use_id, []).append(finding)
    return by_call


def _clear_gone(conn: sqlite3.Connection, session_ids: list[str]) -> None:
    from lessonloop.store.analysis.writer import clear_session_analysis

    with transaction(conn):
        for session_id in session_ids:
            clear_session_analysis(conn, session_id)


def _store(
    conn: sqlite3.Connection, analyses: Sequence[SessionAnalysis], fingerprints: dict[str, str], *, bandit: bool
) -> None:
    from lessonloop.store.analysis.writer import link_next_sessions, write_session_analysis

    now = utc_now()
    with transaction(conn):
        for analysis in analyses:
            write_session_analysis(conn, analysis, fingerprints[analysis.session_id], now, bandit=bandit)
        # In the same transaction: a run killed after it leaves no session unlinked to its next.
        link_next_sessions(conn, {a.project for a in analyses})
