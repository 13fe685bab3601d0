"""The ingest job, written once: a request in, a report out.

`run_ingest_job` runs the whole chain over one store: discover the files (the paths given, else
the agents' own places, the folders the store knows and `capture.paths`, else the bundled sample)
-> read and store them (pipeline/ingest.py; without paths, also the files of the projects the
ingest made known) -> place every session in its project (when a configuration is given) ->
import the SARIF / JUnit files -> the wings' steps before analysis (core/wings.py: `lessonloop
run`'s findings and the stored commits tied to the sessions) -> analyze -> learn -> the sample's
figures -> drop the live calls the transcripts now hold (when asked) -> the wings' steps after an
ingest (core/wings.py: the team's sync, when asked and the store wants it).
`lessonloop ingest` (cli/handlers/ingest.py) and the Stop hook's worker (pipeline/live_ingest.py)
both call it; what differs between them is the request's: the worker analyzes only the sessions
its ingest changed (`only_touched`), never ingests the sample (`sample=False`), drops the live
calls, and never reaches the network (no `store_file`). The job decides nothing about terminals:
the caller hands it its progress objects (or none) and renders the report.

`lessonloop ingest --git` (and the post-commit hook, which runs it) is the history wing's job
(history/jobs.py).

Imports are made in the functions: the Stop hook's worker imports this module first.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable
    from pathlib import Path

    from lessonloop.capture.discovery import SourceRef
    from lessonloop.learning.runs import LearnRun
    from lessonloop.pipeline.analysis import AnalysisProgress, AnalysisRun
    from lessonloop.pipeline.findings_import import ImportResult
    from lessonloop.pipeline.ingest import IngestSummary, Progress
    from lessonloop.pipeline.session_projects import ProjectResolution
    from lessonloop.settings.config import Config


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """What the caller shows while the job runs (None: nothing). `learning` is entered while
    lessons are learned (a spinner)."""

    reading: Progress | None = None  # the files read, in bytes
    analyzing: AnalysisProgress | None = None  # the sessions analyzed
    learning: AbstractContextManager[object] | None = None


@dataclass(frozen=True, slots=True)
class IngestRequest:
    """What to ingest and which steps to run."""

    paths: tuple[str, ...] | None = None  # None: the agents' own places (and the sample, if allowed)
    sarif: tuple[str, ...] = ()  # SARIF files to import and match to sessions
    junit: tuple[str, ...] = ()  # JUnit XML files, likewise
    analyze: bool = True
    learn: bool = True  # learning runs only after an analysis
    bandit: bool | None = None  # as `analyze_store` takes it (None: as `[analysis] bandit` says)
    only_touched: bool = False  # analyze only the sessions this ingest changed (the Stop hook's worker)
    sample: bool = True  # whether the bundled sample may be ingested when nothing else is found
    drop_live_calls: bool = False  # delete the hooks' live calls the store now holds from a transcript
    store_file: Path | None = None  # the store's file, for the wings' steps that start a process (a team sync)
    progress: IngestProgress = IngestProgress()
    # Capture only: analysis, learning and the steps after them are left to the store's background
    # worker (pipeline/background), which the caller starts or waits for; `report.deferred` says so.
    defer: bool = False
    defer_steps: bool = False  # with `defer`: the wings' steps before analysis too (a read's refresh)
    # With `paths` None: whether to look in the agents' places (a read's refresh that found only
    # known files changed does not), and files the store knows to read again wherever they are.
    discover: bool = True
    known_changed: tuple[str, ...] = ()
    # With `paths` None: look again at the paths named to `ingest` for this store (a read's
    # refresh that found one changed; with `discover`, they are always looked at).
    named_again: bool = False
    # With `paths`: they are the person's, named for this store (`lessonloop ingest PATH...`):
    # recorded in it (store/capture_watch.py) and looked at again by its later reads. A store made
    # so watches those paths only, unless it is `default_store` (the store without --db or
    # $LESSONLOOP_DB, which always watches the agents' folders) or already watched them.
    watch_paths: bool = False
    default_store: bool = False
    # With `defer`: the files read from their start are stored without their texts, which the
    # worker stores (pipeline/ingest.py, "Texts later"): `lessonloop ingest`, `stats`' refresh.
    texts_later: bool = False

    @property
    def results_only(self) -> bool:
        """Only result files to import: no sessions are discovered or read."""
        return self.paths is None and bool(self.sarif or self.junit)


class ResultsFileError(Exception):
    """A SARIF or JUnit file that cannot be read at all."""

    def __init__(self, path: str, cause: OSError) -> None:
        super().__init__(f"cannot read {path}: {cause.strerror or cause}")
        self.path = path
        self.cause = cause


@dataclass(slots=True)
class IngestReport:
    """What one ingest job did. Steps not run are None (or empty)."""

    summary: IngestSummary | None = None  # None: results only, or the sample refused
    projects: ProjectResolution | None = None
    imports: list[ImportResult] = field(default_factory=list)
    analysis: AnalysisRun | None = None
    learning: LearnRun | None = None
    stats: dict[str, Any] | None = None  # the store's figures, after ingesting the sample
    live_calls_dropped: int | None = None
    results_only: bool = False
    sample_refused: bool = False  # nothing of the user's found and the sample not allowed: nothing done
    wing_steps: dict[str, Any] = field(default_factory=dict)  # what the wings' steps after ingest did
    deferred: bool = False  # analysis and learning left to the store's background worker (request.defer)
    # What the wings' steps added to the report, by key (the history wing's "links"): each with
    # section_json() (None: left out of --json), section_text() and quiet_text() (said even when
    # nothing new was read; "" for nothing).
    sections: dict[str, Any] = field(default_factory=dict)

    @property
    def nothing_readable(self) -> bool:
        """Sessions were looked for and nothing could be read."""
        return self.summary is not None and self.summary.nothing_readable

    @property
    def nothing_imported(self) -> bool:
        """Only result files were given, and none gave a finding or a test (errors say why)."""
        return self.results_only and bool(self.imports) and all(_nothing_imported(r) for r in self.imports)

    def to_json(self) -> dict[str, Any]:
        """`lessonloop ingest --json`."""
        data = self.summary.to_json() if self.summary is not None else {}
        if self.projects is not None:
            data["projects"] = self.projects.to_json()
        if self.imports:
            data["imports"] = [r.to_json() for r in self.imports]
        if self.analysis is not None:
            data["analysis"] = self.analysis.to_json()
        if self.learning is not None:
            data["learning"] = self.learning.to_json()
        if self.stats is not None:
            data["stats"] = self.stats
        for key, section in self.sections.items():
            shown = section.section_json()
            if shown is not None:
                data[key] = shown
        return data

    def worker_json(self) -> dict[str, object]:
        """The Stop hook's worker's summary (pipeline/live_ingest.py's `ingest_transcripts`)."""
        if self.sample_refused or self.summary is None:
            return {"ingested": 0}
        return {
            "ingest": self.summary.to_json(),
            "analysis": self.analysis.to_json() if self.analysis is not None else None,
            "learning": self.learning.to_json() if self.learning is not None else None,
            "live_calls_dropped": self.live_calls_dropped,
        }


def _nothing_imported(result: ImportResult) -> bool:
    """No finding and no test read from a results file, and an error said why."""
    return not result.findings and not result.tests and any(p.severity == "error" for p in result.problems)


def run_ingest_job(conn: sqlite3.Connection, request: IngestRequest, config: Config | None) -> IngestReport:
    """Run `request` over the store at `conn` (see the module docstring). `config`: the loaded
    configuration, whose [projects] and [capture] place and find the sessions (None: no projects
    pass, no `capture.paths`). Raises ResultsFileError for a results file that cannot be read."""
    from lessonloop.pipeline.ingest import discover, ingest, ingest_new_projects, known_folders

    progress = request.progress
    summary: IngestSummary | None = None
    sources: list[SourceRef] = []
    known: list[str] = []
    configured: tuple[str, ...] = ()
    defaults: bool | None = None  # the store's watch of the agents' folders, when this job names paths
    named: list[str] = []  # the paths named to `ingest` for this store, looked at again
    if request.results_only:
        pass
    elif request.paths is not None:
        if request.watch_paths:
            defaults = _watches_defaults(conn, request)
        sources, summary = discover(list(request.paths))
    elif request.discover:  # Aider keeps its history in each project: look in the folders the store knows
        known = known_folders(conn)
        configured = config.capture.paths if config is not None else ()
        sources, summary = discover(None, known_folders=known, configured=configured)
    else:
        from lessonloop.pipeline.ingest import IngestSummary

        summary = IngestSummary()
    if request.paths is None and (request.discover or request.named_again) and summary is not None:
        named = _named_paths(conn)
        if named:
            sources = _with_named(named, sources, summary)
    # What the store watches, before reading (a first ingest stopped midway has made the store's record)
    if summary is not None and request.paths is not None and request.watch_paths and defaults is not None:
        _record_named(conn, request.paths, sources, defaults=defaults, replace=False)
    elif named:
        _record_named(conn, named, sources, defaults=True, replace=True)
    if request.known_changed and summary is not None:
        from lessonloop.capture.discovery import SourceRef

        listed = {ref.path for ref in sources}
        sources = sources + [SourceRef(path) for path in request.known_changed if path not in listed]
    if summary is not None and summary.used_sample and not request.sample:
        if request.paths is None and request.discover:
            _record_watch(conn, [], configured)  # nothing there: a read looks at the empty places
        return IngestReport(sample_refused=True)
    changes_before = 0
    if request.only_touched:
        from lessonloop.learning.store.state import changes_seq

        changes_before = changes_seq(conn)
    if summary is not None:
        later = request.texts_later and request.defer
        ingest(conn, sources, summary, progress=progress.reading, texts_later=later)
        if request.paths is None and request.discover:  # and in the projects this ingest made known
            ingest_new_projects(conn, known, configured, sources, summary, progress=progress.reading, texts_later=later)
    report = IngestReport(summary=summary, results_only=request.results_only)
    if config is not None:
        from lessonloop.pipeline.session_projects import resolve_store_projects

        report.projects = resolve_store_projects(conn, config)
    if summary is not None and request.paths is None and request.discover and not summary.used_sample:
        _record_watch(conn, sources, configured)  # after the projects: the folders the store knows now
    report.imports = _import_results(conn, request)
    from lessonloop.core.wings import wings

    # The runs' findings tied to the session edits they follow; the commits to the sessions that
    # made them (docs/git.md, "Links").
    deferred = request.defer and request.analyze and not (summary is not None and summary.used_sample)
    if deferred and request.defer_steps:
        # a read's refresh: the steps that tie findings and commits to sessions are the worker's too
        report.deferred = True
        return report
    given: set[str] = set()  # the sessions the steps changed (a runner's finding tied to one)
    for wing in wings():
        given.update(wing.before_analysis(conn, request, report) or ())
    if deferred:
        # Analysis and learning: the worker's (pipeline/background). The bundled sample is small and
        # shown whole: analyzed and learned at once.
        report.deferred = True
        return report
    if request.analyze:
        from lessonloop.pipeline.analysis import analyze_store

        touched = None
        if request.only_touched:
            # The sessions this ingest changed (read, placed in another project, given a runner's
            # finding), by their indexes: the rest of the store is `lessonloop ingest`'s to check
            # (a rules file edited, --no-analyze).
            read = summary.main_sessions | summary.subagent_sessions if summary is not None else set()
            touched = _touched_sessions(conn, read | given, changes_before)
        report.analysis = analyze_store(conn, bandit=request.bandit, session_ids=touched, progress=progress.analyzing)
        if request.learn:
            from lessonloop.learning.runs import learn_store

            with progress.learning or nullcontext():
                report.learning = learn_store(conn)
    if summary is not None and summary.used_sample:
        from lessonloop.report.queries import stats

        report.stats = stats(conn)
    if request.drop_live_calls:
        from lessonloop.store.hooks import drop_ingested_live_calls

        report.live_calls_dropped = drop_ingested_live_calls(conn)
    for wing in wings():
        wing.after_ingest(conn, request, report)
    return report


def _record_watch(conn: sqlite3.Connection, sources: list[SourceRef], configured: tuple[str, ...]) -> None:
    """Keep what discovery looks at now (store/capture_watch.py): each place the agents' adapters
    look in for the folders the store knows after this ingest (not the current folder), and each
    folder between such a place and a file found there, with its modification time (-1: not
    there), so that a read tells new files from none by their times (pipeline/refresh.py)."""
    import os

    from lessonloop.capture.discovery import searched_places
    from lessonloop.capture.discovery_env import places_digest
    from lessonloop.core.timestamps import utc_now
    from lessonloop.pipeline.ingest import known_folders
    from lessonloop.store.capture_watch import ABSENT, record_watch
    from lessonloop.store.transaction import transaction

    known = known_folders(conn)
    roots = [
        os.path.abspath(os.path.expanduser(place))
        for place in searched_places(known_folders=known, configured=configured)
    ]
    folders: dict[str, int] = {root: _mtime(root) for root in roots}
    for ref in sources:
        folder = os.path.dirname(os.path.abspath(ref.path))
        while folder not in folders:
            folders[folder] = _mtime(folder)
            parent = os.path.dirname(folder)
            if parent == folder or not any(parent == root or parent.startswith(root + os.sep) for root in roots):
                break  # the place's own folder reached, or a file outside every place (one named)
            folder = parent
    with transaction(conn):
        record_watch(
            conn,
            places_digest(os.environ, configured, known),
            {k: v for k, v in folders.items() if v != ABSENT or k in roots},
            utc_now(),
        )


def _watches_defaults(conn: sqlite3.Connection, request: IngestRequest) -> bool:
    """Whether the store, which this job names paths to, watches the agents' folders: as its record
    says; with none, the default store does, and so does one holding files already (made before
    the record was kept: as before); a new store made from named paths does not."""
    from lessonloop.store.capture_watch import holds_files, watch_of

    watch = watch_of(conn)
    if watch.recorded:
        return watch.defaults
    return request.default_store or holds_files(conn)


def _named_paths(conn: sqlite3.Connection) -> list[str]:
    from lessonloop.store.capture_watch import watch_of

    return watch_of(conn).named_paths


def _with_named(named: list[str], sources: list[SourceRef], summary: IngestSummary) -> list[SourceRef]:
    """`sources` and the files under the paths named to `ingest` for this store that still exist
    (those gone keep what they stored), found as `ingest PATH...` finds them; what discovery found
    and `summary` are merged with them (the bundled sample dropped when they hold files)."""
    import os

    from lessonloop.pipeline.ingest import discover

    present = [path for path in named if os.path.exists(path)]
    if not present:
        return sources
    found, seen = discover(present)
    if not found:
        return sources
    if summary.used_sample:
        summary.used_sample, sources = False, []
    listed = {ref.path for ref in sources}
    summary.searched.extend(path for path in seen.searched if path not in summary.searched)
    summary.problems.extend(seen.problems)
    summary.notices.extend(seen.notices)
    summary.files_failed += seen.files_failed
    return sources + [ref for ref in found if ref.path not in listed]


def _record_named(
    conn: sqlite3.Connection, paths: Iterable[str], sources: list[SourceRef], *, defaults: bool, replace: bool
) -> None:
    """Keep the paths named to `ingest` for this store (store/capture_watch.py) with their times,
    and each folder between a named folder and a file found there, so that a read tells a new file
    under them from none. `replace`: `paths` are all of them (those gone kept, as not there), else
    the ones this ingest named that exist, added to the others."""
    import os

    from lessonloop.core.timestamps import utc_now
    from lessonloop.sample import is_sample_path
    from lessonloop.store.capture_watch import ABSENT, record_named
    from lessonloop.store.transaction import transaction

    named: dict[str, int] = {}
    for path in paths:
        full = os.path.abspath(os.path.expanduser(path))
        if not is_sample_path(full) and (replace or os.path.exists(full)):
            named[full] = _mtime(full)
    folders = [root for root, mtime in named.items() if mtime != ABSENT and os.path.isdir(root)]
    below: dict[str, int] = {}
    for ref in sources:
        folder = os.path.dirname(os.path.abspath(ref.path))
        while folder not in below and folder not in named:
            if not any(folder.startswith(root.rstrip(os.sep) + os.sep) for root in folders):
                break  # outside every named folder
            below[folder] = _mtime(folder)
            folder = os.path.dirname(folder)
    with transaction(conn):
        record_named(conn, named, below, utc_now(), defaults=defaults, replace=replace)


def _mtime(path: str) -> int:
    import os

    from lessonloop.store.capture_watch import ABSENT

    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return ABSENT


def _import_results(conn: sqlite3.Connection, request: IngestRequest) -> list[ImportResult]:
    """The --sarif and --junit files, imported and matched to sessions."""
    results: list[ImportResult] = []
    if not request.sarif and not request.junit:
        return results
    from lessonloop.pipeline.findings_import import import_findings

    for fmt, paths in (("sarif", request.sarif), ("junit", request.junit)):
        for path in paths:
            try:
                results.append(import_findings(conn, path, fmt))
            except OSError as exc:
                raise ResultsFileError(path, exc) from exc
    return results


def _touched_sessions(conn: sqlite3.Connection, read: set[str], changes_after: int) -> list[str]:
    """The main sessions an ingest changed: those it read or its steps changed (given a runner's
    finding), and those whose place changed (the learn_changes the store's triggers logged
    meanwhile)."""
    from lessonloop.learning.store.reader import roots_of
    from lessonloop.learning.store.state import changed_sessions, changes_seq

    ids = set(read) | changed_sessions(conn, changes_after, changes_seq(conn))
    roots, _gone = roots_of(conn, ids)
    return sorted(roots)
