"""Late data learned from its own checkpoint (issue 28, item 2): lines appended to an older
session, and a whole older session read after later ones, are learned again from the latest
checkpoint before them, not from scratch, and learning ends with what learning everything gives:
the same lessons (every column), evidence and aliases as learning the same store again from
scratch (`lessons` rows compared whole, ids and times included), and the same `lessons list
--json` as a fresh store that ingested every file at once and learned once (compared whole but for
each lesson's `id`: a fresh store numbers its lessons in its own order)."""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.learning import runs as learning_runs
from lessonloop.learning.runs import stream
from lessonloop.learning.runs.stream import thin_checkpoints
from lessonloop.learning.store.state import forget_state
from lessonloop.pipeline.live_ingest import ingest_transcripts
from lessonloop.store import open_store
from tests.conftest import CORPUS, cli
from tests.corpus_copies import claude_code_copies
from tests.learning.runs.test_incremental_learning import NOW, learned, relearned, time_steps, write

COPIES = 3  # the spotter corpus three times over, 3 days apart: 3,405 calls
CHECKPOINT_CALLS = 100  # checkpoints in a history this small


@pytest.fixture(autouse=True)
def _setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", "off")
    monkeypatch.setattr(stream, "CHECKPOINT_CALLS", CHECKPOINT_CALLS)


def _need() -> None:
    if not CORPUS.exists():
        pytest.skip(f"real-data corpus not found at {CORPUS} (the ../shared folder is absent)")


def listed(db: Path) -> list[dict[str, Any]]:
    """`lessons list --json` of every lesson, without the ids, in signature order."""
    result = cli("lessons", "list", "--db", db, "--status", "all", "--json")
    assert result.exit_code == 0, result.stderr
    lessons = json.loads(result.output)
    lessons = lessons["lessons"] if isinstance(lessons, dict) else lessons
    out = [{k: v for k, v in lesson.items() if k != "id"} for lesson in lessons]
    return sorted(out, key=lambda lesson: json.dumps(lesson, sort_keys=True))


def counts(conn: sqlite3.Connection) -> dict[str, tuple[Any, ...]]:
    """Each lesson's counts, confidence and status, by signature."""
    return {
        row[0]: tuple(row[1:])
        for row in conn.execute(
            """SELECT signature, sessions, failed_sessions, observations, prevented, warnings, confidence, status
               FROM lessons"""
        )
    }


def fresh(files: Path, tmp_path: Path) -> Path:
    """A store that ingested every file at once and learned once."""
    db = tmp_path / "fresh.db"
    conn = open_store(db)
    try:
        ingest_transcripts(conn, [str(files)], bandit=False)
    finally:
        conn.close()
    return db


def older_failure(db: Path, files: Path) -> tuple[Path, str, str]:
    """A main session of the middle copy (not its latest) with a failure that is evidence of a
    lesson learned from at least two sessions: (its transcript, the failing call, the lesson)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            """SELECT e.session_id, e.tool_use_id, l.signature FROM lesson_evidence e
               JOIN lessons l ON l.id = e.lesson_id JOIN tool_calls t ON t.id = e.tool_use_id
               JOIN sessions s ON s.id = t.session_id
               WHERE s.parent_id IS NULL AND t.status = 'error' AND l.failed_sessions >= 2
               ORDER BY t.ts"""
        ).fetchall()
        latest = conn.execute("SELECT max(ts) FROM tool_calls").fetchone()[0]
    finally:
        conn.close()
    for session, call, signature in rows:
        path = next(files.glob(f"copy001/{session}.jsonl"), None)
        if path is not None and latest not in path.read_text() and f'"id":"{call}"' in path.read_text():
            return path, call, signature
    raise AssertionError("no failure of a repeated mistake in the middle copy")


def learn_late(tmp_path: Path, files: Path, hide: dict[Path, bytes | None]) -> tuple[Path, list[dict[str, Any]]]:
    """The store of `files` with `hide`'s files cut to these bytes (None: absent), ingested and
    learned; then the files whole again, each ingested and learned as the Stop worker does.
    Returns the store and the late runs' JSON."""
    whole = {path: path.read_bytes() for path in hide}
    for path, cut in hide.items():
        if cut is None:
            path.unlink()
        else:
            path.write_bytes(cut)
    db = tmp_path / "late.db"
    conn = open_store(db)
    try:
        ingest_transcripts(conn, [str(files)], bandit=False)
        for path, data in whole.items():
            path.write_bytes(data)
        seen = len(RUNS)
        ingest_transcripts(conn, [str(path) for path in whole], bandit=False)
        return db, RUNS[seen:]
    finally:
        conn.close()


RUNS: list[dict[str, Any]] = []


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.parametrize("late", ["lines", "session"])
def test_late_data_learned_from_its_checkpoint_as_a_relearn(
    late: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _need()
    monkeypatch.setattr(learning_runs, "learn_store", _recording(learning_runs.learn_store))
    files = tmp_path / "corpus"
    claude_code_copies(files, COPIES)
    once = fresh(files, tmp_path)
    path, call, signature = older_failure(once, files)
    lines = path.read_bytes().splitlines(keepends=True)
    if late == "lines":  # the session's last lines, from that failing call on, arrive late
        cut = next(i for i, line in enumerate(lines) if f'"id":"{call}"'.encode() in line)
        hide: dict[Path, bytes | None] = {path: b"".join(lines[:cut])}
    else:  # the whole session (and its subagents') is read after later ones
        hide = {path: None}
        sub = path.with_suffix("")
        if sub.is_dir():
            hide |= dict.fromkeys(sorted(sub.rglob("*.jsonl")))
    RUNS.clear()
    db, late_runs = learn_late(tmp_path, files, hide)
    assert RUNS[0]["mode"] == "full" and late_runs, RUNS
    run = late_runs[-1]
    assert run["mode"] == "incremental" and run["late"], run
    conn = open_store(db)
    try:
        total = conn.execute("SELECT count(*) FROM tool_calls").fetchone()[0]
        after = counts(conn)
        checkpoints = conn.execute("SELECT count(*) FROM learn_checkpoints").fetchone()[0]
    finally:
        conn.close()
    assert run["tool_calls"] < total * 0.75, (run, total)  # not everything learned again
    assert checkpoints >= 3

    # The same as learning the same store again from scratch, and as a store that read it all at once.
    assert _learned_at(db) == relearned(db, tmp_path)
    assert listed(db) == listed(once)

    # What the late data changed: the repeated mistake's lesson; others it left as they were.
    first = RUNS[0]["counts"]
    assert after[signature] != first.get(signature), (signature, first.get(signature), after[signature])
    assert any(after[sig] == value for sig, value in first.items() if sig != signature)


def _learned_at(db: Path) -> tuple[list[Any], list[Any], list[Any]]:
    conn = open_store(db)
    try:
        return learned(conn)
    finally:
        conn.close()


def _recording(real: Any) -> Any:
    """learn_store, noting each run's JSON and the lessons' counts after it in RUNS."""

    def run(conn: sqlite3.Connection, *args: Any, **kwargs: Any) -> learning_runs.LearnRun:
        kwargs.setdefault("now", NOW)
        found: learning_runs.LearnRun = real(conn, *args, **kwargs)
        RUNS.append({**found.to_json(), "counts": counts(conn)})
        return found

    return run


def test_checkpoints_thin_out_with_age() -> None:
    """Dense candidates keep a checkpoint about CHECKPOINT_CALLS before the boundary and others
    ever further apart: a number logarithmic in the history, each within half its distance."""
    total = 100_000
    candidates = [(f"{n:08d}", n) for n in range(10, total, 10)]
    kept = sorted(int(b) for b in thin_checkpoints(candidates, total))
    assert 10 <= len(kept) <= 25, kept
    assert total - kept[-1] <= CHECKPOINT_CALLS + 10
    edges = [0, *kept, total]
    for older, newer in itertools.pairwise(edges):
        assert newer - older <= max(CHECKPOINT_CALLS, (total - newer) // 2) + 10, (older, newer)
    again = sorted(int(b) for b in thin_checkpoints([(f"{n:08d}", n) for n in kept], total))
    assert again == kept  # thinning what was thinned keeps it


@pytest.mark.slow
@pytest.mark.corpus
def test_checkpoints_left_by_runs_turn_by_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The history arriving a step at a time (learning after each, as the Stop worker does), with
    an older session's last lines held back to the end: the checkpoints the incremental runs left
    (each old boundary kept or dropped, its sessions' parts moved on) take the late lines from
    before them, with what learning everything again gives."""
    _need()
    monkeypatch.setattr(learning_runs, "learn_store", _recording(learning_runs.learn_store))
    files = tmp_path / "corpus"
    claude_code_copies(files, COPIES)
    once = fresh(files, tmp_path)
    path, call, _signature = older_failure(once, files)
    every = {p.relative_to(files): p.read_bytes() for p in sorted(files.rglob("*.jsonl"))}
    lines = every[path.relative_to(files)].splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if f'"id":"{call}"'.encode() in line)
    held = dict(every)
    held[path.relative_to(files)] = b"".join(lines[:cut])
    shutil.rmtree(files)
    folder = tmp_path / "steps"
    db = tmp_path / "steps.db"
    RUNS.clear()
    conn = open_store(db)
    try:
        for files_now in time_steps(held, 6):
            write(folder, files_now)
            ingest_transcripts(conn, [str(folder)], bandit=False)
        checkpoints = [b for (b,) in conn.execute("SELECT boundary FROM learn_checkpoints")]
    finally:
        conn.close()
    # The same store, learning everything again when the late lines come (as before issue 28).
    base = tmp_path / "base.db"
    shutil.copyfile(db, base)
    conn = open_store(base)
    try:
        with conn:
            forget_state(conn)
    finally:
        conn.close()
    write(folder, {path.relative_to(files): every[path.relative_to(files)]})
    for store in (db, base):
        conn = open_store(store)
        try:
            ingest_transcripts(conn, [str(folder / path.relative_to(files))], bandit=False)
        finally:
            conn.close()
    late, full = RUNS[-2], RUNS[-1]
    modes = [run["mode"] for run in RUNS]
    assert modes[0] == "full" and modes.count("incremental") >= 4, RUNS
    assert len(checkpoints) >= 3, checkpoints
    assert late["late"] and late["learned_from"] in checkpoints, late
    assert full["mode"] == "full", full
    assert late["tool_calls"] < full["tool_calls"] * 0.75, (late, full)
    assert _learned_at(db) == _learned_at(base) == relearned(db, tmp_path)
    assert listed(db) == listed(base)
    # (Not the fresh store's: a lesson's status and tier keep what earlier saves made of them, e.g.
    # a lesson archived at an early step, whichever way the late lines are learned.)
