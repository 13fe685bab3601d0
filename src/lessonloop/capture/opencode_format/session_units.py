"""The units of an OpenCode database (the current one's or the Go opencode's): one per session,
each read from the shared snapshot and releasing it when read."""

from __future__ import annotations

from collections.abc import Callable

from lessonloop.capture.adapters import Unit
from lessonloop.core.records import Batch


def session_units(
    where: str, stamps: dict[str, tuple[int, int]], read_one: Callable[[str], Batch], done: Callable[[], None]
) -> list[Unit]:
    """A unit "<where>#<session id>" per session of `stamps` (its size and stamp), read by
    `read_one`; `done` is called after each read, whatever happens (the snapshot counts them)."""
    found = []
    for session_id, (size, stamp) in stamps.items():

        def read(session_id: str = session_id) -> Batch:
            try:
                return read_one(session_id)
            finally:
                done()

        found.append(Unit(f"{where}#{session_id}", size, stamp, read))
    return found
