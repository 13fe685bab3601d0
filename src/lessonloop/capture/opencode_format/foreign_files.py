"""What a file given as an OpenCode database is, when OpenCode did not write it: said in the
problem ingest reports, so that a person who named the file learns why nothing was read.

- Not a SQLite file: its kind from its first bytes (empty, text or JSON, gzip, zstd, zip, ...).
- A SQLite file without OpenCode's tables: an empty database, a database of the older OpenCode
  written in Go (opencode-ai/opencode, continued as Crush: `.opencode/opencode.db` in a project,
  tables `sessions`, `messages`, `files`) that lacks a table or column its reader needs (one that
  has them is read: go_database.py), a lessonloop store, or another program's database (its
  tables named).
"""

from __future__ import annotations

import sqlite3

SQLITE_HEADER = b"SQLite format 3\x00"
_MAGIC = (
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"BZh", "bzip2-compressed data"),
)
# What go_database.py reads of the Go OpenCode's tables (its migration 20250424200609_initial.sql).
GO_TABLES = {
    "sessions": {"id", "parent_session_id", "title", "created_at", "updated_at"},
    "messages": {"id", "session_id", "role", "parts", "created_at", "updated_at"},
}


def not_sqlite(head: bytes) -> str | None:
    """What a file whose first bytes are `head` is, when it is no SQLite database (None: it is one)."""
    if head.startswith(SQLITE_HEADER):
        return None
    if not head:
        return "an empty file (0 bytes), not a SQLite database"
    return f"not a SQLite database ({_kind(head)}; a SQLite file begins with the header 'SQLite format 3')"


def _kind(head: bytes) -> str:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "binary data"
    start = text.lstrip()[:1]
    return "JSON text" if start in ("{", "[") else "text"


def foreign_database(conn: sqlite3.Connection) -> str | None:
    """What a SQLite database without OpenCode's `session` table is, in words (None: it has one)."""
    tables = sorted(str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    if "session" in tables:
        return None
    if not tables:
        return "an empty SQLite database (no tables, so none of OpenCode's: session, message, part)"
    if "sessions" in tables:
        columns = {str(row[1]) for row in conn.execute("PRAGMA table_info(sessions)")}
        if {"parent_session_id", "message_count"} <= columns:
            return (
                "the database of the older OpenCode written in Go (opencode-ai/opencode, continued as Crush; "
                "`.opencode/opencode.db` in a project), without what lessonloop reads of it: "
                + "; ".join(go_missing(conn))
                + " (a database cut short, or of a version whose schema differs: "
                "open it once with that OpenCode, or name the file in an issue)"
            )
    if "_migrations" in tables and "source_files" in tables:
        return "a lessonloop store, not an agent's transcripts (a store is given with --db)"
    shown = ", ".join(tables[:6]) + (", ..." if len(tables) > 6 else "")
    return f"another program's SQLite database (none of OpenCode's tables session, message, part; its tables: {shown})"


def go_missing(conn: sqlite3.Connection) -> list[str]:
    """What the Go OpenCode's reader needs and the database lacks (empty: it can be read)."""
    missing = []
    for table, needed in GO_TABLES.items():
        columns = {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")}
        if not columns:
            missing.append(f"no {table} table")
        elif needed - columns:
            missing.append(f"its {table} table has no {', '.join(sorted(needed - columns))} column")
    return missing
