"""Analysis, then learning, until both are current: the work `lessonloop ingest` used to do before
it returned, done by the store's worker or by a command that waits for it. Each step commits its
own work, so a process killed half-way leaves a store the next one goes on from."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lessonloop.core.wings import wings
from lessonloop.pipeline.analysis import analyze_store
from lessonloop.pipeline.background.lag import lag_of
from lessonloop.pipeline.ingest_job import IngestReport, IngestRequest
from lessonloop.pipeline.texts_later import store_texts, texts_pending

if TYPE_CHECKING:
    from lessonloop.learning.runs import LearnRun
    from lessonloop.pipeline.analysis import AnalysisProgress, AnalysisRun

ROUNDS = 3  # a writer that keeps adding sessions meanwhile: the worker catches up again after this


@dataclass(slots=True)
class CatchUp:
    """What one catch-up did: the first analysis and learning runs that worked (None: not run)."""

    analysis: AnalysisRun | None = None
    learning: LearnRun | None = None
    rounds: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "analysis": self.analysis.to_json() if self.analysis is not None else None,
            "learning": self.learning.to_json() if self.learning is not None else None,
            "rounds": self.rounds,
        }


def catch_up(
    conn: sqlite3.Connection,
    *,
    bandit: bool | None = None,
    learn: bool = True,
    analyzing: AnalysisProgress | None = None,
    learning: AbstractContextManager[object] | None = None,
    phase: Callable[[str], None] | None = None,
    report: IngestReport | None = None,
    tie: bool = True,
) -> CatchUp:
    """Analyze the sessions that changed, then learn, again while a writer added more meanwhile
    (at most ROUNDS times). `bandit`: as `analyze_store` takes it; `learn`: False leaves learning
    out (`ingest --no-learn`); `phase`: told "analyzing" and "learning" as each starts; `report`:
    the ingest's, given the sections the steps before analysis add (the commits linked); `tie`:
    False when the caller's ingest ran those steps already."""

    done = CatchUp()
    if texts_pending(conn):  # the texts of files stored without them first: analysis reads them
        if phase is not None:
            phase("storing texts")
        store_texts(conn)
    if tie:
        _tie_findings_and_commits(conn, report)
    for _ in range(ROUNDS):
        done.rounds += 1
        if phase is not None:
            phase("analyzing")
        analysis = analyze_store(conn, bandit=bandit, progress=analyzing)
        done.analysis = _merged(done.analysis, analysis)
        if learn:
            from lessonloop.learning.runs import learn_store

            if phase is not None:
                phase("learning")
            with learning or nullcontext():
                run = learn_store(conn)
            if done.learning is None or not run.skipped:
                done.learning = run
        if not lag_of(conn, learn=learn).behind:
            break
        analyzing = None  # the progress bars are for the first round
        learning = None
    return done


def _tie_findings_and_commits(conn: sqlite3.Connection, report: IngestReport | None) -> None:
    """The wings' steps before analysis (core/wing.py's before_analysis: `lessonloop run`'s findings
    tied to the session edits they follow, the stored commits to the sessions that made them), as
    an ingest that does not defer runs them; what they change the analysis finds by its marks."""
    request, report = IngestRequest(), report if report is not None else IngestReport()
    for wing in wings():
        wing.before_analysis(conn, request, report)


def _merged(first: AnalysisRun | None, later: AnalysisRun) -> AnalysisRun:
    """The run to report: the first, with the sessions a later round analyzed counted in."""
    if first is None:
        return later
    first.analyzed += later.analyzed
    first.seconds += later.seconds
    first.problems += [problem for problem in later.problems if problem not in first.problems]
    return first
