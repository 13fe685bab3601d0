"""A command whose answer is findings or lessons (`replay`, `lessons list`, `lessons export`, the
findings of `report`) first waits for the store's worker, or does its work itself when none runs:
the answer is then current. Holding the worker's lock while it catches up, it never works beside
a worker."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from lessonloop.pipeline.background.catch_up import catch_up
from lessonloop.pipeline.background.lag import lag_of
from lessonloop.pipeline.background.worker import is_running, store_lock

if TYPE_CHECKING:
    from lessonloop.pipeline.analysis import AnalysisProgress
    from lessonloop.pipeline.background.catch_up import CatchUp
    from lessonloop.pipeline.ingest_job import IngestReport


def wait_until_current(
    db: str,
    conn: sqlite3.Connection,
    *,
    bandit: bool | None = None,
    learn: bool = True,
    waiting: AbstractContextManager[object] | None = None,
    analyzing: AnalysisProgress | None = None,
    learning: AbstractContextManager[object] | None = None,
    report: IngestReport | None = None,
    tie: bool = True,
) -> CatchUp | None:
    """Bring the store at `db` (open as `conn`) up to date: wait for its worker if one runs (inside
    `waiting`, a spinner), then catch up in this process under the worker's lock (`report`: an
    ingest's, for the sections its steps add). None when nothing trailed and no worker ran."""

    if not is_running(db) and not lag_of(conn, learn=learn).behind:
        return None
    with waiting or nullcontext(), store_lock(db, wait=True):
        return catch_up(
            conn, bandit=bandit, learn=learn, analyzing=analyzing, learning=learning, report=report, tie=tie
        )
