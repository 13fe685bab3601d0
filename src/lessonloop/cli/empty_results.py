"""What a listing says when it has nothing to show: that nothing is stored yet, or that something
is stored but nothing matches the filters given (naming them, with how much is stored)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from lessonloop.store import counts

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: recall imports this module
if TYPE_CHECKING:
    import argparse


def filters_text(filters: Sequence[tuple[str, object]]) -> str:
    """`--project 'x', --kind usage` for the filters that were given (not None)."""
    return ", ".join(
        f"{option} {value!r}" if isinstance(value, str) else f"{option} {value}" for option, value in filters
    )


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def no_sessions_text(conn: sqlite3.Connection, filters: Sequence[tuple[str, object | None]], shown: str) -> str:
    """`sessions`, `stats`, `report`, `analyze stats` with no session to show. `shown`: what the
    command would have listed ("sessions", "analyzed sessions")."""
    total = counts.main_sessions(conn)
    if not total:
        return "No sessions stored yet. Run `lessonloop ingest` first."
    given = [(option, value) for option, value in filters if value is not None]
    if not given:
        return f"No {shown} ({plural(total, 'session')} stored)."
    return (
        f"No {shown} match {filters_text(given)}; {plural(total, 'session')} stored "
        "(`lessonloop sessions` lists them with their projects)."
    )


def no_lessons_text(
    conn: sqlite3.Connection, filters: Sequence[tuple[str, object | None]], db: str | None = None
) -> str:
    """`lessons list` with no lesson to show; while the store's worker has sessions to analyze or
    history to learn (`db`: the store's path), it says so instead of asking for an ingest."""
    total = counts.lessons(conn)
    if not total:
        working = _work_left(conn, db)
        if working is not None:
            return f"No lessons stored yet: {working}. The lessons appear when it is done."
        return (
            "No lessons stored yet. `lessonloop ingest` (or `lessonloop learn`) learns them from the stored sessions."
        )
    given = [(option, value) for option, value in filters if value is not None]
    by_status = ", ".join(f"{n} {status}" for status, n in counts.lessons_by_status(conn))
    return (
        f"No lesson matches {filters_text(given)}; {plural(total, 'lesson')} stored ({by_status}; "
        "`lessonloop lessons list --status all` lists every one)."
    )


def no_recall_text(
    conn: sqlite3.Connection, statuses: Sequence[str], project: str | None, min_score: float, text: str
) -> str:
    """`recall` with no result: no lesson stored, none it could recall (status, project), or none
    scoring at least the minimum."""
    total = counts.lessons(conn)
    if not total:
        return "No lessons stored yet: nothing to recall from. `lessonloop ingest` learns them from the sessions."
    if not counts.recallable_lessons(conn, statuses, project):
        which = " or ".join(statuses) + " lesson" + (f" of the project {project}, nor a global one," if project else "")
        return (
            f"No {which} to recall from ({plural(total, 'lesson')} stored; "
            "`lessonloop lessons list --status all` lists them, `recall --all` searches every status)."
        )
    from lessonloop.secrets.redaction import redact_shown

    shown = redact_shown(text, "prose")[0]  # what was asked leaves redacted, as everything else does
    return f"Nothing passed the minimum score ({min_score:g}) for {shown!r}."


def session_filters(args: argparse.Namespace, *, limit: bool = True) -> list[tuple[str, object | None]]:
    """The session filters given, as options (for the message when nothing matches). `limit`:
    the command's -n limits the sessions listed (`sessions`), not what it shows of them (`report`'s
    top sessions, `analyze`'s): a filter to name."""
    return [
        ("--project", args.project),
        ("--agent", args.agent),
        *((("-n", getattr(args, "limit", None)),) if limit else ()),
        ("--since", getattr(args, "since", None)),
        ("--until", getattr(args, "until", None)),
    ]


def _work_left(conn: sqlite3.Connection, db: str | None) -> str | None:
    """What the store's worker has still to do, in words (pipeline/background/lag.work_left); None
    when nothing trails (or no session is stored)."""
    if db is None or counts.main_sessions(conn) == 0:
        return None
    from lessonloop.pipeline.background.lag import work_left

    return work_left(conn, db)
