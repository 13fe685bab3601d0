"""Ingest after a session's turn or end (the Stop / SessionEnd hooks): read what is new in the
session's transcript, place its project, analyze, learn, and drop the calls the hooks stored
live once the transcript holds them: `lessonloop ingest`'s job (pipeline/ingest_job.py), with the
worker's request.

The hooks queue the transcripts (apply/hooks/session_end.py) and start this module as its own
process, `python -I -m lessonloop.pipeline.live_ingest [--no-bandit]` with $LESSONLOOP_DB set:
`run_queue` empties the queue, one worker at a time, without losing a path to a failure or a
kill (a path leaves the queue once its ingest has committed; one that keeps failing is dropped
after MAX_ATTEMPTS workers); its failures go to the hooks' failure log.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import sys
import time
from dataclasses import dataclass

from lessonloop.apply.hooks.failures import log_failure
from lessonloop.apply.hooks.hook_store import record
from lessonloop.apply.hooks.session_end import LOCK_FILE, QUEUE_FILE, queue_folder
from lessonloop.core.wings import latest_migrations
from lessonloop.pipeline.ingest_job import IngestRequest, run_ingest_job
from lessonloop.settings.config import ConfigError, load_config
from lessonloop.store.connection import connect_for_writing
from lessonloop.store.location import db_path_text
from lessonloop.store.transaction import ENV_BUSY_TIMEOUT, StoreError, cause_of


def ingest_transcripts(conn: sqlite3.Connection, paths: list[str], *, bandit: bool | None = None) -> dict[str, object]:
    """The `lessonloop ingest PATH...` job for `paths` (pipeline/ingest_job.py), without output;
    returns the worker's summary. `bandit`: as `analyze_store` takes it (None: as `[analysis]
    bandit` says, off by default, as `lessonloop ingest` does; the hook itself passes False). Only
    the sessions this ingest changed are analyzed: bandit being on never brings back sessions
    analyzed without it. The bundled sample is never ingested here, the live calls the transcripts
    now hold are dropped, and no team sync starts (the hooks never reach the network)."""
    try:
        config = load_config()
    except ConfigError:
        config = None
    request = IngestRequest(paths=tuple(paths), bandit=bandit, only_touched=True, sample=False, drop_live_calls=True)
    return run_ingest_job(conn, request, config).worker_json()


MAX_ATTEMPTS = 3  # a queued transcript that fails this many workers is logged and dropped
# An agent may write the transcript its end-of-turn hook names only after the hook ran (Copilot
# CLI 1.0.102 at times creates its events.jsonl after agentStop): the worker waits this long for a
# queued path that does not exist yet, then takes it as gone (nothing to read).
LATE_SECONDS = 15.0
WAIT_MS = 30_000  # the worker's wait for the store's write lock ($LESSONLOOP_BUSY_TIMEOUT_MS when lower)
TAKING = ".taking"  # the queue file renamed while its paths move to the claimed file
CLAIMED = ".claimed"  # the paths a worker has taken and not yet ingested, with their attempts


@dataclass(slots=True)
class Claim:
    """A queued transcript a worker has taken: how many workers have tried it, the last error."""

    path: str
    attempts: int = 0
    error: str | None = None


def run_queue(db: str, *, bandit: bool | None = None) -> int:
    """Ingest every queued transcript, round after round until the queue is empty, holding the
    lock so that one worker runs at a time. Returns how many paths were ingested (0 when another
    worker holds the lock: it will take ours). `bandit`: None runs it when `[analysis] bandit`
    is true, as `lessonloop ingest` does (the background worker); False leaves it out (the worker
    the hook waits for).

    Crash-safe: the queue's paths move to the claimed file (`ingest-queue.claimed`) before any
    work, and a path leaves it only once its ingest has committed; a worker that fails or is
    killed leaves its claims there and the next worker (holding the lock, so the owner is gone)
    takes them again. Each worker tries each path once; a path that failed MAX_ATTEMPTS workers
    (an exception while it was ingested, its file unreadable, the worker killed meanwhile) is
    logged and dropped. The store's own failures (locked, full, read-only, damaged) stop the
    worker without counting against the paths: they stay queued as they were."""
    folder = queue_folder(db)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, LOCK_FILE), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0
        wait = _wait_ms()
        done = 0
        failed: set[str] = set()  # tried once by this worker: left to the next one
        while True:
            claims = _claim(folder)
            for claim in [c for c in claims.values() if c.attempts >= MAX_ATTEMPTS]:
                _drop(db, folder, claims, claim, "the workers that tried it last were stopped before it finished")
            todo = [c for c in claims.values() if c.path not in failed]
            if not todo:
                return done
            # New paths go together; one that failed before goes alone, so it cannot fail the others.
            fresh = [c for c in todo if c.attempts == 0]
            batches = ([fresh] if fresh else []) + [[c] for c in todo if c.attempts > 0]
            conn = connect_for_writing(db, wait_ms=wait, wings=tuple(latest_migrations()))  # the job runs their steps
            try:
                record(conn, db, [], wait)  # the hook events waiting in the spool first
                for batch in batches:
                    not_ingested = _ingest_claims(conn, db, folder, claims, batch, bandit)
                    failed.update(not_ingested)
                    done += len(batch) - len(not_ingested)
            finally:
                conn.close()


def _ingest_claims(
    conn: sqlite3.Connection,
    db: str,
    folder: str,
    claims: dict[str, Claim],
    batch: list[Claim],
    bandit: bool | None,
) -> set[str]:
    """Ingest `batch` (claims of `claims`), counting the attempt first (a kill counts too); remove
    what was ingested from the claimed file, keep or drop what failed. Returns the paths that
    failed. The store's own failures are raised, the attempt not counted."""
    for claim in batch:
        claim.attempts += 1
    _save(folder, claims)
    _wait_for([c.path for c in batch], LATE_SECONDS)
    paths = [c.path for c in batch if os.path.exists(c.path)]  # a transcript deleted since: nothing to read
    failed: dict[str, str] = {}
    try:
        result = ingest_transcripts(conn, paths, bandit=bandit) if paths else {}
    except Exception as exc:
        if _store_failure(exc):
            for claim in batch:
                claim.attempts -= 1
            _save(folder, claims)
            raise
        failed = dict.fromkeys(paths, _described(exc))
    else:
        failed = _unreadable(result, paths)
    for claim in batch:
        error = failed.get(claim.path)
        if error is None:
            del claims[claim.path]
            continue
        claim.error = error
        if claim.attempts >= MAX_ATTEMPTS:
            _drop(db, folder, claims, claim, None)
        else:
            _log(
                db,
                f"the transcript {claim.path} was not ingested (attempt {claim.attempts} of {MAX_ATTEMPTS}; "
                f"it stays queued for the next Stop): {error}",
            )
    _save(folder, claims)
    return set(failed)


def _wait_for(paths: list[str], seconds: float) -> None:
    """Until every path exists, or `seconds` have passed (the agent writing it after its hook)."""
    deadline = time.monotonic() + seconds
    while not all(os.path.exists(path) for path in paths) and time.monotonic() < deadline:
        time.sleep(0.1)


def _drop(db: str, folder: str, claims: dict[str, Claim], claim: Claim, why: str | None) -> None:
    """Give up on `claim` after MAX_ATTEMPTS: logged, and removed from the claimed file."""
    cause = claim.error or why or "unknown"
    _log(
        db,
        f"the transcript {claim.path} was dropped from the ingest queue after {claim.attempts} failed attempts "
        f"(`lessonloop ingest` reads it): {cause}",
    )
    del claims[claim.path]
    _save(folder, claims)


def _log(db: str, message: str) -> None:
    log_failure(db, "ingest", None, message)


def _described(exc: BaseException) -> str:
    """An exception as the failure log says it: type, message, where it was raised."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" (at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno})" if tb is not None else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _unreadable(result: dict[str, object], paths: list[str]) -> dict[str, str]:
    """The paths among `paths` that ingest could not read (its problems), with what it said."""
    summary = result.get("ingest")
    problems = summary.get("problems") if isinstance(summary, dict) else None
    wanted = set(paths)
    failed: dict[str, str] = {}
    for problem in problems if isinstance(problems, list) else []:
        if not isinstance(problem, dict) or problem.get("line") is not None:
            continue  # a line of the file that cannot be read is not the file's failure
        path = problem.get("path")
        if path in wanted and problem.get("code") in ("unreadable-file", "unreadable-path", "missing-path"):
            failed[str(path)] = f"{problem.get('code')}: {problem.get('detail')}"
    return failed


def _store_failure(exc: BaseException) -> bool:
    """Whether `exc` is about the store itself (locked, full, read-only, damaged, I/O)."""
    return isinstance(exc, StoreError) or cause_of(exc) not in (None, "other")


def _wait_ms() -> int:
    try:
        return max(0, min(WAIT_MS, int(os.environ.get(ENV_BUSY_TIMEOUT, WAIT_MS))))
    except ValueError:
        return WAIT_MS


def queued(db: str) -> dict[str, int]:
    """The transcripts waiting for the worker of the store at `db`, with the attempts each has
    had (0: queued, not tried yet)."""
    folder = queue_folder(db)
    out = {path: claim.attempts for path, claim in _read_claims(folder).items()}
    for name in (QUEUE_FILE + TAKING, QUEUE_FILE):
        for path in _read_paths(os.path.join(folder, name)):
            out.setdefault(path, 0)
    return out


def _claim(folder: str) -> dict[str, Claim]:
    """Move the queued paths to the claimed file, after those it holds (a stopped worker's):
    the queue file is renamed, its paths written to the claimed file (a new file, renamed over
    it: whole or absent), then the renamed queue is deleted. A worker stopped between two steps
    leaves files the next one reads again; a path is claimed once (its attempts kept)."""
    path = os.path.join(folder, QUEUE_FILE)
    taking = path + TAKING
    claims = _read_claims(folder)
    for renamed in (False, True):  # first a renamed queue a stopped worker left, then the queue
        if renamed:
            try:
                os.replace(path, taking)
            except FileNotFoundError:
                break
        if not os.path.exists(taking):
            continue
        for queued_path in _read_paths(taking):
            claims.setdefault(queued_path, Claim(queued_path))
        _save(folder, claims)
        os.unlink(taking)
    return claims


def _read_paths(path: str) -> list[str]:
    """The paths of a queue file, each once ([] when there is none)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return list(dict.fromkeys(line.strip() for line in handle if line.strip()))
    except FileNotFoundError:
        return []


def _claimed_file(folder: str) -> str:
    return os.path.join(folder, QUEUE_FILE + CLAIMED)


def _read_claims(folder: str) -> dict[str, Claim]:
    """The claimed file: one JSON object a line, {"path", "attempts", "error"}."""
    claims: dict[str, Claim] = {}
    try:
        with open(_claimed_file(folder), encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return claims
    for line in lines:
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("path"), str):
            attempts = data.get("attempts")
            error = data.get("error")
            claims[data["path"]] = Claim(
                data["path"], attempts if isinstance(attempts, int) else 0, error if isinstance(error, str) else None
            )
    return claims


def _save(folder: str, claims: dict[str, Claim]) -> None:
    """Write the claimed file (a new file renamed over it), or delete it when nothing is claimed."""
    path = _claimed_file(folder)
    if not claims:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return
    text = "".join(
        json.dumps({"path": c.path, "attempts": c.attempts, "error": c.error}, ensure_ascii=False) + "\n"
        for c in claims.values()
    )
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    """The worker the Stop / SessionEnd hooks start: empty the queue of the store at
    $LESSONLOOP_DB (`--no-bandit`: leave bandit out even when `[analysis] bandit` is true). Always returns 0: a failure is written to
    the hooks' failure log (event "ingest"), where `lessonloop hooks status` shows it."""
    args = sys.argv[1:] if argv is None else argv
    db = db_path_text()
    try:
        run_queue(db, bandit=False if "--no-bandit" in args else None)
    except Exception as exc:
        from lessonloop.apply.hooks.failures import log_failure
        from lessonloop.store.transaction import cause_of, store_error

        if isinstance(exc, sqlite3.Error) and cause_of(exc) is not None:  # a read's error: in plain words
            exc = store_error(exc, db).with_traceback(exc.__traceback__)
        log_failure(db, "ingest", None, exc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
