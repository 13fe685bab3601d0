"""New transcript files parsed in worker processes while this process stores them (issue 28).

A first ingest of a long history spends about a third of its time in the parsers, one file after
another, while the store's writes wait. When there are at least two files never read before and
at least PARALLEL_MIN_BYTES of them, ingest hands them to worker processes (one per core, at most
MAX_WORKERS): each parses whole files with the same code (pipeline/file_parse.py) and sends their
chunks back; this process stores them in the files' order, as a serial read would. The stored
rows are the same (tests/pipeline/test_parallel_parse.py compares them).

Only files never read before go to the workers: a file read before is read on from where it
stopped, with the store's pending calls and the parser's saved state, here. A file a worker could
not read (gone, not a regular file, too large, a worker that died) is read here as usual, so every
problem is still reported once, by the serial path. `$LESSONLOOP_INGEST_WORKERS` sets the number
of workers (0 or 1: none).

A worker is `python -m lessonloop.pipeline.parallel_parse`, fed (path, format) jobs on its stdin
and answering each with a pickled ParsedFile on its stdout, the files dealt to the workers in
turn. Not multiprocessing: its workers import the caller's main module again, which runs a
library user's script without a `__main__` guard once per worker; and fork() of this process
would copy a progress bar's thread.
"""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
from collections.abc import Generator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import IO

from lessonloop.pipeline.file_parse import QUIET_SECONDS, FileEnd, ParsedChunk, ParsedStat, ReaderFailure, parse_chunks

ENV_WORKERS = "LESSONLOOP_INGEST_WORKERS"
PARALLEL_MIN_BYTES = 32 * 1024 * 1024  # below this, a pool's start costs about what it saves
MAX_WORKERS = 4
WINDOW_PER_WORKER = 2  # files parsed ahead of the one being stored, per worker (memory stays bounded)
MAX_FILE_BYTES = 64 * 1024 * 1024  # a larger file is read here, a chunk at a time (memory stays bounded)


@dataclass(slots=True)
class ParsedFile:
    """A worker's parse of a whole file, or None items when the file is to be read here."""

    path: str
    items: list[ParsedChunk | ReaderFailure | FileEnd] | None
    stat: ParsedStat | None


def workers_for(new_bytes: int, new_files: int) -> int:
    """How many worker processes to parse `new_files` files of `new_bytes` with (0: parse here)."""
    wanted = os.environ.get(ENV_WORKERS, "").strip()
    if wanted:
        try:
            count = int(wanted)
        except ValueError:
            count = -1
        if count >= 0:
            return count if count >= 2 and new_files >= 2 else 0
    if new_bytes < PARALLEL_MIN_BYTES or new_files < 2:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    count = min(cores, MAX_WORKERS, new_files)
    return count if count >= 2 else 0


def parse_whole(path: str, fmt: str, now: float) -> ParsedFile:
    """In a worker: parse the file from its start (None items when it cannot be read whole here)."""
    from lessonloop.capture.agents import for_format

    adapter = for_format(fmt)
    if adapter is None:
        return ParsedFile(path, None, None)
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return ParsedFile(path, None, None)
            items = list(
                parse_chunks(
                    path,
                    fmt,
                    adapter,
                    handle,
                    info.st_size,
                    quiet=now - info.st_mtime_ns / 1e9 >= QUIET_SECONDS,
                    start_offset=0,
                    start_line=0,
                )
            )
    except OSError:
        return ParsedFile(path, None, None)
    return ParsedFile(path, items, ParsedStat(info.st_size, info.st_mtime_ns))


def parsed_in_workers(
    files: Sequence[tuple[str, str]], workers: int, now: float, *, scrub_pii: bool, bulk: bool
) -> Generator[ParsedFile, None, None]:
    """Each of `files` ((path, format)) parsed by `workers` worker processes, in the files' order,
    a few files ahead of the caller. A file no worker could parse comes back with None items."""
    started = _start_workers(workers, now, scrub_pii=scrub_pii, bulk=bulk)
    pool: list[subprocess.Popen[bytes] | None] = list(started)
    ahead = workers * WINDOW_PER_WORKER
    finished = False
    try:
        for index in range(min(ahead, len(files))):
            _send(pool, index, files[index])
        for index, (path, _fmt) in enumerate(files):
            parsed = _receive(pool, index, path)
            if index + ahead < len(files):
                _send(pool, index + ahead, files[index + ahead])
            yield parsed
        finished = True
    finally:
        _stop(started, at_once=not finished)  # interrupted, or the caller stopped early


def _start_workers(count: int, now: float, *, scrub_pii: bool, bulk: bool) -> list[subprocess.Popen[bytes] | None]:
    """`count` workers running this very lessonloop (its folder first on their path)."""
    import lessonloop

    command = [sys.executable, "-m", __name__, repr(now), "pii" if scrub_pii else "-", "bulk" if bulk else "-"]
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(lessonloop.__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p))
    started: list[subprocess.Popen[bytes] | None] = []
    for _ in range(count):
        try:
            started.append(subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env))
        except OSError:  # no processes here (a sandbox): its files are parsed by the caller
            started.append(None)
    return started


def _send(pool: list[subprocess.Popen[bytes] | None], index: int, job: tuple[str, str]) -> None:
    worker = pool[index % len(pool)]
    if worker is None or worker.stdin is None:
        return
    try:
        pickle.dump(job, worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        worker.stdin.flush()
    except OSError:  # the worker died: what it was given is parsed by the caller
        pool[index % len(pool)] = None


def _receive(pool: list[subprocess.Popen[bytes] | None], index: int, path: str) -> ParsedFile:
    worker = pool[index % len(pool)]
    if worker is None or worker.stdout is None:
        return ParsedFile(path, None, None)
    try:
        parsed = pickle.load(worker.stdout)
    except (EOFError, OSError, pickle.UnpicklingError, AttributeError, ImportError):
        pool[index % len(pool)] = None  # died, or answered nothing readable: the rest of its files here
        return ParsedFile(path, None, None)
    if not isinstance(parsed, ParsedFile) or parsed.path != path:
        pool[index % len(pool)] = None
        return ParsedFile(path, None, None)
    return parsed


def _stop(started: list[subprocess.Popen[bytes] | None], *, at_once: bool) -> None:
    """End the workers: idle after the last file (their stdin closed, they exit), or `at_once`,
    still parsing files no one will store."""
    for worker in started:
        if worker is None:
            continue
        if at_once:
            worker.kill()
        elif worker.stdin is not None:
            with suppress(OSError):
                worker.stdin.close()  # end of jobs: the worker exits
    for worker in started:
        if worker is None:
            continue
        try:
            worker.wait(timeout=5)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        for pipe in (worker.stdin, worker.stdout):
            if pipe is not None:
                with suppress(OSError):
                    pipe.close()


def serve(jobs: IO[bytes], answers: IO[bytes], now: float, *, scrub_pii: bool, bulk: bool) -> None:
    """A worker: parse each (path, format) read from `jobs`, answer with its ParsedFile."""
    from lessonloop.secrets.redaction import prepare_bulk, set_pii

    set_pii(scrub_pii)
    if bulk:
        prepare_bulk()
    while True:
        try:
            path, fmt = pickle.load(jobs)
        except EOFError:
            return
        try:
            parsed = parse_whole(path, fmt, now)
        except Exception:  # a defect: the caller reads this file itself, and reports what fails
            parsed = ParsedFile(path, None, None)
        pickle.dump(parsed, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


def _worker_main(argv: Sequence[str]) -> int:
    """`python -m lessonloop.pipeline.parallel_parse NOW PII BULK`: answers on what was stdout;
    anything else written there goes to stderr, so that it cannot break the answers."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        serve(sys.stdin.buffer, answers, float(argv[0]), scrub_pii=argv[1] == "pii", bulk=argv[2] == "bulk")
    except (KeyboardInterrupt, BrokenPipeError):  # Ctrl-C reaches the workers too; the caller ends them
        return 130
    return 0


if __name__ == "__main__":
    # Run as the package's module, not as __main__: the ParsedFile sent back must be the class the
    # caller unpickles.
    from lessonloop.pipeline import parallel_parse

    sys.exit(parallel_parse._worker_main(sys.argv[1:]))
