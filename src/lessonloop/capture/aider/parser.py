"""Aider chat history lines -> normalized records, session by session.

The history only grows, one session after another, each from its "# aider chat started at
<local time>" heading. The parser keeps the lines of the last session it has seen and hands
every session whole to session_reader.py: a batch holds its sessions from their heading (named
in `Batch.replaced_sessions`, so what was stored of them before is replaced). `restart_line` is
the last heading: the next read parses that session again from there, since it may have grown.

Session ids come from the file and the heading (its time, and how many headings just before it
had the same time), never from line numbers: appending to the file changes no id.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from typing import Any

from lessonloop.capture.adapters import PendingCall
from lessonloop.capture.aider import AGENT
from lessonloop.capture.aider.session_reader import SessionReader
from lessonloop.capture.projects import project_for_cwd
from lessonloop.records import Batch, Problem, SessionRecord
from lessonloop.timestamps import normalize_timestamp

HEADING = b"# aider chat started at "


class AiderHistoryParser:
    """Parses the lines of one .aider.chat.history.md into Batches."""

    def __init__(self, path: str, state: dict[str, Any] | None = None) -> None:
        self.path = path
        self._absolute = os.path.abspath(path)
        self._file_key = hashlib.blake2b(self._absolute.encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()
        self._cwd = os.path.dirname(self._absolute)
        self._project: str | None = None
        self._project_known = False
        self._buffer: list[bytes] = []  # the lines of the session being read
        self._start = 0  # the file's line number of the buffer's first line
        self._heading: tuple[str, int] | None = None  # (time text, ordinal) of the buffered session
        heading = state.get("heading") if isinstance(state, dict) else None
        ordinal = state.get("ordinal") if isinstance(state, dict) else None
        if isinstance(heading, str) and isinstance(ordinal, int) and ordinal > 0:
            self._previous: tuple[str | None, int] = (heading, ordinal - 1)
        else:
            self._previous = (None, -1)
        self._reported: set[int] = set()
        self.restart_line: int | None = None

    def parse(self, lines: Sequence[bytes], first_lineno: int) -> Batch:
        batch = Batch()
        lineno = first_lineno - 1
        for raw in lines:
            lineno += 1
            if raw.startswith(HEADING):
                if self._buffer:
                    self._emit(batch)
                time_text = raw[len(HEADING) :].decode("utf-8", "replace").strip()
                previous_time, previous_ordinal = self._previous
                ordinal = previous_ordinal + 1 if previous_time == time_text else 0
                self._previous = (time_text, ordinal)
                self._heading = (time_text, ordinal)
                self._buffer = [raw]
                self._start = lineno
                continue
            if not self._buffer:
                self._start = lineno  # lines before the file's first heading (a history cut at its start)
            self._buffer.append(raw)
        batch.records = len(lines)
        if self._buffer:
            self._emit(batch)  # the last session, maybe unfinished: emitted whole, read again later
            self.restart_line = self._start
        return batch

    def state(self) -> dict[str, Any] | None:
        """The heading the next read starts at, with its ordinal among equal headings."""
        if self._heading is None or self.restart_line != self._start:
            return None
        return {"heading": self._heading[0], "ordinal": self._heading[1]}

    def notices(self) -> list[Problem]:
        return []

    # ------------------------------------------------------------------

    def _session_id(self) -> str:
        if self._heading is None:
            return f"aider:{self._file_key}:before-first-heading"
        time_text, ordinal = self._heading
        stamp = normalize_timestamp(time_text) or time_text.replace(" ", "_")
        return f"aider:{self._file_key}:{stamp}" + (f"#{ordinal + 1}" if ordinal else "")

    def _emit(self, batch: Batch) -> None:
        lines = self._decode(batch)
        if self._heading is None and not any(line.startswith(("####", "> ")) for line in lines):
            return  # nothing but stray text before the first heading (an editor's mode line)
        project = self._project_for()
        started = normalize_timestamp(self._heading[0]) if self._heading is not None else None
        session = SessionRecord(
            id=self._session_id(),
            agent=AGENT,
            kind="main",
            cwd=self._cwd,
            project=project,
            started_at=started,
            ended_at=started,
        )
        reader = SessionReader(session, batch, self._start)
        reader.read(lines)
        batch.sessions[session.id] = session
        batch.replaced_sessions.add(session.id)

    def _project_for(self) -> str | None:
        if not self._project_known:
            self._project = project_for_cwd(self._cwd)
            self._project_known = True
        return self._project

    def _decode(self, batch: Batch) -> list[str]:
        try:
            text = b"\n".join(self._buffer).decode("utf-8")
        except UnicodeDecodeError:
            decoded: list[str] = []
            for offset, raw in enumerate(self._buffer):
                try:
                    decoded.append(raw.decode("utf-8"))
                except UnicodeDecodeError as exc:
                    decoded.append(raw.decode("utf-8", "replace"))
                    lineno = self._start + offset
                    if lineno not in self._reported:
                        self._reported.add(lineno)
                        batch.problems.append(
                            Problem(
                                self.path,
                                lineno,
                                "invalid-utf8",
                                f"invalid UTF-8 at byte {exc.start}; replaced with U+FFFD",
                            )
                        )
            return [line[:-1] if line.endswith("\r") else line for line in decoded]
        lines = text.split("\n")
        if "\r" in text:
            lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        return lines


def open_parser(
    path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None = None
) -> AiderHistoryParser:
    """The parser of one Aider chat history (capture/adapters.py); `state` carries the ordinal of
    the heading the read starts at (two sessions started in the same second)."""
    return AiderHistoryParser(path, state)
