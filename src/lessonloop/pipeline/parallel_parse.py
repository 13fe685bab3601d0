"""New transcript files parsed in worker processes while this process stores them (issue 28).

A first ingest of a long history spends about a third of its time in the parsers, one file after
another, while the store's writes wait. When there are at least two files never read before and
at least PARALLEL_MIN_BYTES of them, ingest hands them to a pool of worker processes (one per
core, at most MAX_WORKERS): each parses a whole file with the same code (pipeline/file_parse.py)
and sends its chunks back; this process stores them in the files' order, as a serial read would.
The stored rows are the same (tests/test_parallel_parse.py compares them).

Only files never read before go to the workers: a file read before is read on from where it
stopped, with the store's pending calls and the parser's saved state, here. A file a worker could
not read (gone, not a regular file, a worker that died) is read here as usual, so every problem
is still reported once, by the serial path. `$LESSONLOOP_INGEST_WORKERS` sets the number of
workers (0 or 1: none).

Workers start from a fork server (spawn where there is none) that has imported this module
once: never by fork() of this process, which may hold a progress bar's thread.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lessonloop.pipeline.file_parse import QUIET_SECONDS, FileEnd, ParsedChunk, ParsedStat, ReaderFailure, parse_chunks

if TYPE_CHECKING:
    from concurrent.futures import Future

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


def _start_worker(scrub_pii: bool, bulk: bool) -> None:
    import signal

    from lessonloop.secrets.redaction import prepare_bulk, set_pii

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the ingest, which stops the pool

    set_pii(scrub_pii)
    if bulk:
        prepare_bulk()


def parsed_in_workers(
    files: Sequence[tuple[str, str]], workers: int, now: float, *, scrub_pii: bool, bulk: bool
) -> Generator[ParsedFile, None, None]:
    """Each of `files` ((path, format)) parsed by a pool of `workers`, in the files' order, a few
    files ahead of the caller. A file the pool failed on comes back with None items."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    try:
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            context.set_forkserver_preload([__name__])
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(scrub_pii, bulk))
    except (OSError, ValueError, ImportError):  # no semaphores or processes here (a sandbox): parse here
        yield from (ParsedFile(path, None, None) for path, _fmt in files)
        return
    ahead: deque[tuple[str, Future[ParsedFile]]] = deque()
    queue = iter(files)
    broken = False
    try:
        while True:
            while not broken and len(ahead) < workers * WINDOW_PER_WORKER:
                job = next(queue, None)
                if job is None:
                    break
                try:
                    ahead.append((job[0], pool.submit(parse_whole, job[0], job[1], now)))
                except RuntimeError:  # the pool broke (a worker died): the rest is read here
                    broken = True
                    ahead.append((job[0], _none()))
            if not ahead:
                if broken:
                    yield from (ParsedFile(path, None, None) for path, _fmt in queue)
                return
            path, future = ahead.popleft()
            try:
                parsed = future.result()
            except Exception:  # a worker that died, or a result that could not be sent: read here
                parsed = ParsedFile(path, None, None)
            yield parsed
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _none() -> Future[ParsedFile]:
    from concurrent.futures import Future

    done: Future[ParsedFile] = Future()
    done.set_exception(RuntimeError("the worker pool is broken"))
    return done
