"""Units of files read whole (capture/adapters.py's Unit): one a file, its stamp the file's size and
time, and a companion file's beside it when the agent keeps a session in two (the stamp changes
when either does). Not an adapter: the adapters of such agents import it."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

from lessonloop.capture.adapters import Unit
from lessonloop.core.records import Batch, Problem


def file_units(
    paths: list[str],
    problems: list[Problem],
    read: Callable[[str], Batch],
    companion: Callable[[str], str] | None = None,
) -> list[Unit]:
    """One unit per path, read by `read(path)`; `companion(path)`: the file beside it whose
    changes count too (absent: the path's own stamp)."""
    found: list[Unit] = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError as exc:
            problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
            continue
        size, mtime = info.st_size, info.st_mtime_ns
        if companion is not None:
            try:
                extra = os.stat(companion(path))
                size, mtime = size + extra.st_size, max(mtime, extra.st_mtime_ns)
            except OSError:
                pass  # not written yet: the path's own stamp
        found.append(Unit(path, size, mtime, functools.partial(read, path)))
    return found
