"""Aider chat history lines -> normalized records, session by session.

The history only grows, one session after another, each from its "# aider chat started at
<local time>" heading. The parser keeps the lines of the last session it has seen and hands
every session whole to session_lines.py: a batch holds its sessions from their heading (named
in `Batch.replaced_sessions`, so what was stored of them before is replaced). `restart_line` is
the last heading: the next read parses that session again from there, since it may have grown.

Session ids are "aider-" and a digest of the file's path and the heading (its time, and how many
headings just before it had the same time), never of line numbers: appending to the file changes no
id. Aider writes no other time: each record's time is the session's start plus a millisecond per
line before it (session_lines.py), so that every call has a time, in order, on the session's day.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from typing import Any

from lessonloop.agents.aider.reader import AGENT
from lessonloop.agents.aider.reader.session_lines import SessionReader
from lessonloop.capture.adapters import PendingCall
from lessonloop.capture.projects import project_for_cwd
from lessonloop.core.records import Batch, Problem, SessionRecord
from lessonloop.core.timestamps import normalize_timestamp
from lessonloop.secrets.redaction import Scope

HEADING = b"# aider chat started at "
ID_PREFIX = "aider-"
_NEWLINE_HEADING = b"\n" + HEADING


class AiderHistoryParser:
    """Parses the lines of one .aider.chat.history.md into Batches."""

    def __init__(self, path: str, state: dict[str, Any] | None = None) -> None:
        self.path = path
        self._absolute = os.path.abspath(path)
        self._file_key = hashlib.blake2b(self._absolute.encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()
        self._cwd = os.path.dirname(self._absolute)
        self._project: str | None = None
        self._project_known = False
        self._buffer: list[bytes] = []  # the session being read: pieces of its lines, each joined by newlines
        self._start = 0  # the file's line number of the buffer's first line
        self._next = 0  # the file's line number after the last line parsed
        self._heading: tuple[str, int] | None = None  # (time text, ordinal) of the buffered session
        heading = state.get("heading") if isinstance(state, dict) else None
        ordinal = state.get("ordinal") if isinstance(state, dict) else None
        if isinstance(heading, str) and isinstance(ordinal, int) and ordinal > 0:
            self._previous: tuple[str | None, int] = (heading, ordinal - 1)
        else:
            self._previous = (None, -1)
        self._reported: set[int] = set()
        self._continued = 0  # lines not read: they continue a session stored before (see _emit)
        self._continued_at: int | None = None
        self._redacted: dict[tuple[str, Scope], tuple[str, int]] = {}  # redaction answers of one parse() call
        self.restart_line: int | None = None

    def parse(self, lines: Sequence[bytes], first_lineno: int) -> Batch:
        batch = Batch()
        self._redacted.clear()
        if self._buffer and first_lineno > self._next:
            # Lines the reader did not hand on (longer than it reads, streamed past): blank lines
            # in their place, so that the lines after them keep their numbers.
            self._buffer.append(b"\n" * (first_lineno - self._next - 1))
        self._next = first_lineno + len(lines)
        if lines:
            # Headings are found in the chunk's text, not line by line (the reader's bytes when it has them).
            joined = getattr(lines, "joined", None)
            data = joined if isinstance(joined, bytes) else b"\n".join(lines)
            piece = piece_line = 0  # the lines not yet buffered: from data[piece], the chunk's line piece_line
            line = pos = 0  # data[pos] starts the chunk's line `line`
            for at in _headings(data):
                line += data.count(b"\n", pos, at)
                pos = at
                if at > piece:
                    self._add(data[piece : at - 1], first_lineno + piece_line)
                newline = data.find(b"\n", at)
                time_text = data[at + len(HEADING) : newline if newline >= 0 else len(data)].decode("utf-8", "replace")
                time_text = time_text.strip()
                if self._buffer:
                    self._emit(batch, time_text)
                previous_time, previous_ordinal = self._previous
                ordinal = previous_ordinal + 1 if previous_time == time_text else 0
                self._previous = (time_text, ordinal)
                self._heading = (time_text, ordinal)
                self._buffer = []
                piece, piece_line = at, line
            self._add(data[piece:], first_lineno + piece_line)
        batch.records = len(lines)
        if self._buffer:
            self._emit(batch)  # the last session, maybe unfinished: emitted whole, read again later
            self.restart_line = self._start
        return batch

    def _add(self, text: bytes, lineno: int) -> None:
        """Buffer lines (joined by newlines) of the session being read; `lineno` is the first's."""
        if not self._buffer:
            self._start = lineno  # lines before the file's first heading (a history cut at its start)
        self._buffer.append(text)

    def state(self) -> dict[str, Any] | None:
        """The heading the next read starts at, with its ordinal among equal headings."""
        if self._heading is None or self.restart_line != self._start:
            return None
        return {"heading": self._heading[0], "ordinal": self._heading[1]}

    def notices(self) -> list[Problem]:
        if not self._continued:
            return []
        return [
            Problem(
                self.path,
                self._continued_at,
                "continued-session-not-read",
                f"{self._continued} line{'s' if self._continued != 1 else ''} before the next heading continue a "
                "session already stored (kept as it was read before this history was damaged): not read",
                "notice",
            )
        ]

    # ------------------------------------------------------------------

    def _session_id(self) -> str:
        """The session's id: "aider-" and a digest of the history's path and the session's place in
        it (its heading's time text and ordinal among equal headings just before it). Stable across
        re-reads and appends, the same for the session wherever a read starts, and unique from its
        first characters (a shared "aider:<file>:" start made every id of a history look alike)."""
        place = "before-first-heading" if self._heading is None else f"{self._heading[0]}\0{self._heading[1]}"
        digest = hashlib.blake2b(
            f"{self._absolute}\0{place}".encode("utf-8", "surrogateescape"), digest_size=8
        ).hexdigest()
        return f"{ID_PREFIX}{digest}"

    def _emit(self, batch: Batch, next_heading: str | None = None) -> None:
        """Emit the buffered session; `next_heading` is the time text of the heading after it, when
        known: the start given to lines before the file's first heading (a history cut at its
        start), which were written before it."""
        text = self._decode(batch)
        if self._heading is None and not (text.startswith(("####", "> ")) or "\n####" in text or "\n> " in text):
            return  # nothing but stray text before the first heading (an editor's mode line)
        if self._heading is None and self._start > 1:
            # A read that starts after the file's first line with no session to continue (the last
            # one was kept as stored from a damaged file, pipeline/damaged_files.py): these lines
            # continue a session stored already, which they must not replace.
            self._continued += text.count("\n") + 1
            if self._continued_at is None:
                self._continued_at = self._start
            return
        project = self._project_for()
        heading = self._heading[0] if self._heading is not None else next_heading
        started = normalize_timestamp(heading) if heading is not None else None
        session = SessionRecord(
            id=self._session_id(),
            agent=AGENT,
            kind="main",
            cwd=self._cwd,
            project=project,
            started_at=started,
            ended_at=started,
        )
        reader = SessionReader(session, batch, self._start, self._redacted)
        reader.read(text)
        session.ended_at = reader.time_of(self._start + text.count("\n")) or started
        batch.sessions[session.id] = session
        batch.replaced_sessions.add(session.id)

    def _project_for(self) -> str | None:
        if not self._project_known:
            self._project = project_for_cwd(self._cwd)
            self._project_known = True
        return self._project

    def _decode(self, batch: Batch) -> str:
        """The buffered session as text: its lines joined by newlines, each line without the one
        carriage return it may end with (as a Windows-written history has)."""
        data = b"\n".join(self._buffer)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            decoded: list[str] = []
            for offset, raw in enumerate(data.split(b"\n")):
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
            text = "\n".join(decoded)
        if "\r" in text:
            text = text.replace("\r\n", "\n")  # one CR per line: CR CR LF keeps one CR
            if text.endswith("\r"):
                text = text[:-1]
        return text


def _headings(data: bytes) -> Iterator[int]:
    """Where each heading line starts in `data` (lines joined by newlines)."""
    if data.startswith(HEADING):
        yield 0
    find = data.find
    at = find(_NEWLINE_HEADING)
    while at >= 0:
        yield at + 1
        at = find(_NEWLINE_HEADING, at + 1)


def open_parser(
    path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None = None
) -> AiderHistoryParser:
    """The parser of one Aider chat history (capture/adapters.py); `state` carries the ordinal of
    the heading the read starts at (two sessions started in the same second)."""
    return AiderHistoryParser(path, state)
