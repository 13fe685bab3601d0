"""What a command says or does about findings and lessons that trail the captured sessions (the
store's background worker, pipeline/background): `lessons export` waits for them (`--no-wait`:
exports what is there, with a note); `lessons list` and `lessons show` say how far they trail."""

from __future__ import annotations

import sqlite3
import sys

from lessonloop.pipeline.background.lag import lag_of, work_left
from lessonloop.pipeline.background.wait import wait_until_current
from lessonloop.report.progress import Busy
from lessonloop.store.counts import main_sessions
from lessonloop.store.read_only import is_read_only


def note_if_behind(conn: sqlite3.Connection, db: str) -> None:
    """A note on stderr when the lessons trail the sessions (nothing when they are current)."""
    if is_read_only(conn):
        return
    if main_sessions(conn) == 0:
        return  # nothing stored: nothing trails
    left = work_left(conn, db)
    if left is not None:
        print(f"Note: the lessons trail the stored sessions ({left}).", file=sys.stderr)


def note_sharing_while_behind(conn: sqlite3.Connection, db: str) -> None:
    """`team push`: it shares the lessons learned so far and does not wait for the worker; a note on
    stderr says so when they trail the sessions (nothing when they are current)."""
    if is_read_only(conn) or main_sessions(conn) == 0:
        return
    left = work_left(conn, db)
    if left is not None:
        print(
            f"Note: pushing the lessons learned so far; they trail the stored sessions ({left}). "
            "Push again once it is done.",
            file=sys.stderr,
        )


def wait_for_lessons(conn: sqlite3.Connection, db: str, *, wait: bool, progress: bool) -> None:
    """Bring the lessons up to date before a command whose answer is nothing but them: wait for the
    worker, or do its work here (a spinner on a terminal); with `wait` False, a note instead."""
    if is_read_only(conn):
        return
    if not wait:
        note_if_behind(conn, db)
        return
    lag = lag_of(conn)
    if lag.behind and not progress and main_sessions(conn):  # no spinner: a line says why it waits
        print(
            f"Note: waiting for the lessons to catch up ({lag.text()}); --no-wait answers with what is there.",
            file=sys.stderr,
        )
    wait_until_current(db, conn, waiting=Busy(f"bringing the lessons up to date ({lag.text()})...", enabled=progress))
