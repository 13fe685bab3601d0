"""A progress bar for long reads, on stderr, shown only on a terminal."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class TerminalProgress:
    """Bytes read across files, with speed and time left (rich)."""

    def __init__(self) -> None:
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total_bytes: int, files: int) -> None:
        if total_bytes <= 0:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]ingest[/]"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[file]}", style="dim"),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("ingest", total=total_bytes, file=f"{files} files")

    def advance(self, nbytes: int, path: str) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=nbytes, file=os.path.basename(path)[:40])

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


class CountProgress:
    """Items done out of a total (e.g. sessions analyzed), with time left (rich)."""

    def __init__(self, label: str, unit: str) -> None:
        self._label = label
        self._unit = unit
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total: int) -> None:
        if total <= 1:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn(f"[bold]{self._label}[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(self._unit),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(self._label, total=total)

    def advance(self, done: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=done)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


class Busy:
    """A spinner and a line of text on stderr while work of unknown length runs (learning, which
    may load the recall model for seconds): shown only when `enabled` (a terminal, no --no-progress)."""

    def __init__(self, text: str, *, enabled: bool) -> None:
        self._text = text
        self._enabled = enabled
        self._status: Any = None

    def __enter__(self) -> Busy:
        if self._enabled:
            from rich.console import Console

            self._status = Console(stderr=True).status(self._text)
            self._status.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


class Stages:
    """A spinner on stderr with the step under way and the time taken so far, for a command that
    runs seconds through steps of unknown length (`report --html`, `replay`, `files predict`):
    shown only when `enabled` (a terminal, and no --json). `step(text)` names the next step;
    `count(done, total)` shows a step's items done, when it knows them (a progress callback)."""

    def __init__(self, *, enabled: bool) -> None:
        self._enabled = enabled
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Stages:
        if self._enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TextColumn("{task.fields[count]}", style="dim"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("starting", total=None, count="")
        return self

    def step(self, text: str) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=text, count="")
            self._progress.refresh()  # shown now, however short the step

    def count(self, done: int, total: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, count=f"{done:,} of {total:,}", refresh=done == total)

    def __exit__(self, *_exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
