"""Files read wrong before, read again as what they are (issue 81, item 5).

A file the store read as one agent's format may be another's: an OpenCode database listed in
capture.paths was read as an Aider history before its paths were recognized by their content
(522 problems, no session), and the store remembers a file's format (`source_files.format`), so
every later ingest, `lessonloop ingest FILE` included, read it the same wrong way, or not at all.

A file the store holds is looked at again here when its reading looks wrong:
- discovery knows it by its place as another agent's (the adapter's own format for it), or
- what was read of it left problems (`ingest_problems`), and a reader recognizes it now, by its
  path (an adapter's `claims`) or by its content (capture/sniffer.py; a SQLite file is given to
  the one reader of SQLite files, as a file named to `ingest` is), as another format.

Only then is what the wrong reading stored (its sessions, messages, calls, tokens, problems)
replaced: deleted with the file's row in one transaction, and the file read at once as the
format recognized, as a file never read; a notice names the file, how it was read and how it is
read now. A file read right is never touched, nor any other file's rows (a file that shared
sessions with it is read again from its start, which restores exactly what it stored:
store/sessions/writer.clear_file_records). A reading with problems that no reader tells apart
(a damaged transcript of the agent it was read as) stays as it is.
"""

from __future__ import annotations

import sqlite3

from lessonloop.capture.agents import DEFAULT_FORMAT, adapters, for_format
from lessonloop.capture.discovery import SourceRef
from lessonloop.core.records import Problem
from lessonloop.store.sessions import writer

SQLITE_FORMAT = "opencode-db"  # the one reader of SQLite files (pipeline/ingest.py's _format_of)


def recognized_now(conn: sqlite3.Connection, ref: SourceRef, state: writer.FileState) -> str | None:
    """The format `ref`'s file is to be read as in place of the one the store read it as
    (`state`), when that reading looks wrong (see the module's docstring); None: as stored."""
    if state.is_sample:
        return None
    stored = state.format or DEFAULT_FORMAT
    if ref.format is not None:  # discovery knows the file by its place
        if ref.format != stored and for_format(ref.format) is not None and _agent(ref.format) != _agent(stored):
            return ref.format
        return None
    if not writer.read_with_problems(conn, state.id):
        return None
    found = recognized(ref.path)
    return found if found is not None and found != stored else None


def recognized(path: str) -> str | None:
    """The format a reader recognizes the file at `path` as, by its path or its content; None
    when none does (or it cannot be opened)."""
    from lessonloop.capture import sniffer

    for adapter in adapters():
        claimed = adapter.claims(path)
        if claimed is not None:
            return claimed if for_format(claimed) is not None else None
    try:
        with open(path, "rb") as handle:
            head = handle.read(sniffer.HEAD_BYTES)
    except OSError:
        return None
    found = sniffer.sniff(path, head)
    if found is None and sniffer.is_sqlite(head):
        found = SQLITE_FORMAT
    if found is None or found == sniffer.UNKNOWN or for_format(found) is None:
        return None
    return found


def replace_misread(conn: sqlite3.Connection, state: writer.FileState, now_as: str) -> Problem:
    """Delete what the wrong reading of `state`'s file stored, and its row (the file is then read
    as one never read, as `now_as`), in one transaction; the notice that says so."""
    from lessonloop.capture import sniffer

    stored = state.format or DEFAULT_FORMAT
    problems, sessions = writer.forget_misread_file(conn, state)
    before = sniffer.known_formats().get(stored)
    after = sniffer.known_formats().get(now_as)
    was = before.what if before is not None else stored
    now = after.what if after is not None else now_as
    return Problem(
        state.path,
        None,
        "read-again",
        f"read before as {was} ({problems:,} problem{'' if problems == 1 else 's'}, {sessions:,} "
        f"session{'' if sessions == 1 else 's'}); recognized now as {now}: read again as it, what the "
        "first reading stored replaced",
        "notice",
    )


def _agent(fmt: str) -> str | None:
    adapter = for_format(fmt)
    return adapter.agent if adapter is not None else None
