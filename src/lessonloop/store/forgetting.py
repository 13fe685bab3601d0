"""Forgetting for good: sessions (one, or a project's) and every row tied to them, or the whole store.

`forget_sessions` deletes, in one transaction (a crash midway deletes nothing), every row of every
table tied to the sessions: the sessions and their subagents, their messages, tool calls, token
usage and summaries, what analysis found in them, the findings matched to them, the hooks' rows
(hook_sessions, hook_decisions, live_calls), and the lesson evidence they gave. A learned lesson
left without any evidence is deleted too; a `lesson_events` row 'forgotten' keeps only its id and
signature (so it is not learned again, as with `lessons forget`), and the texts earlier events held
about it are cleared. Any other table with a `session_id` column (added later) is swept as well.
Forgetting a project (`project=`) also deletes the wings' rows of it (core/wing.py's forget): the
runs `lessonloop run` recorded in it, with their patterns, matches and findings, and the git history
of the repositories whose root is the project's folder or inside it (their commits, files, hunks,
links, rollbacks, file models).

The source files are kept with their read positions (ingest does not read unchanged files again)
and the session ids go to `forgotten_sessions`: ingest drops their records whenever a file holding
them is read again (capture/privacy.py).

The deletion runs with `PRAGMA secure_delete = ON` (freed pages are overwritten with zeros), the
search index of lessons is merged, and afterwards the write-ahead log is checkpointed and emptied
(TRUNCATE), the file is rebuilt with VACUUM, and the log emptied again: the deleted texts are left
neither in free pages nor in the log.

`forget_everything` deletes the store file, its -wal/-shm/-journal and the hooks' failure log; the
configuration is kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Collection, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from lessonloop.core.timestamps import utc_now
from lessonloop.core.wings import wings
from lessonloop.learning.store.state import forget_state
from lessonloop.store.location import CARRIED_FOLDER, FAILURE_LOG, SPOOL_FOLDER, beside
from lessonloop.store.search.index_upkeep import optimize_index
from lessonloop.store.sessions.ids import SessionNotFound
from lessonloop.store.sessions.ids import resolve_session as resolve_stored
from lessonloop.store.transaction import transaction


class ForgetError(Exception):
    """What to forget cannot be found, or is not something that can be forgotten on its own."""


_S = "(SELECT id FROM temp._ll_fs)"  # the session ids being forgotten (subagents included)
_C = "(SELECT id FROM temp._ll_fc)"  # their tool call ids
_M = "(SELECT uuid FROM temp._ll_fm)"  # their message uuids
_F = "(SELECT id FROM temp._ll_ff)"  # source files holding no other session
_FI = "(SELECT id FROM temp._ll_ffi)"  # findings matched to them, or made by a forgotten run

# (table, condition) in the order rows are deleted; evidence first: it names the lessons to check.
_STEPS: tuple[tuple[str, str], ...] = (
    (
        "lesson_evidence",
        f"session_id IN {_S} OR tool_use_id IN {_C} OR finding_id IN {_FI} OR message_uuid IN {_M}",
    ),
    ("findings", f"id IN {_FI}"),  # then the wings' rows of a forgotten project (`_wing_parts`)
    ("diff_risk", f"session_id IN {_S} OR tool_use_id IN {_C}"),
    ("call_errors", f"session_id IN {_S} OR context_id IN {_S} OR tool_use_id IN {_C}"),
    ("analysis_signals", f"session_id IN {_S} OR context_id IN {_S} OR tool_use_id IN {_C}"),
    ("rule_results", f"session_id IN {_S}"),
    ("session_executions", f"session_id IN {_S}"),
    ("session_summaries", f"leaf_uuid IN {_M} OR source_file_id IN {_F}"),
    ("messages", f"session_id IN {_S}"),
    ("tool_calls", f"session_id IN {_S}"),
    ("token_usage", f"session_id IN {_S}"),
    ("ingest_problems", f"source_file_id IN {_F}"),
    ("file_sessions", f"session_id IN {_S}"),
    ("sessions", f"id IN {_S}"),
    ("live_calls", f"session_id IN {_S} OR id IN {_C}"),
    ("hook_decisions", f"session_id IN {_S} OR tool_use_id IN {_C}"),
    ("hook_sessions", f"session_id IN {_S}"),
    ("hook_session_states", f"session_id IN {_S}"),
)
# Tables never swept by their session_id column: the record of what was forgotten.
_KEEP = frozenset({"forgotten_sessions"})
_TEMP_TABLES = ("_ll_fs", "_ll_fc", "_ll_fm", "_ll_ff", "_ll_ffi", "_ll_fl", "_ll_doomed")


def _wing_parts() -> list[Any]:
    """The wings' parts of forgetting a project (core/wing.py's forget: modules with
    project_rows(conn, project), collect(conn, project) -> a condition on `findings` or None,
    STEPS ((table, condition) deleted after the findings), TEMP_TABLES, after(conn, project)
    -> rows deleted per table once the sessions' lessons are forgotten, and sessions_deleted(conn,
    models) -> rows deleted per table with any session: `models`, what cleanup drops, or None)."""
    return [part for wing in wings() if (part := wing.forget()) is not None]


def _temp_tables() -> tuple[str, ...]:
    """Every temporary table a deletion makes: its own and the wings' parts'."""
    return (*_TEMP_TABLES, *(name for part in _wing_parts() for name in part.TEMP_TABLES))


def project_rows(conn: sqlite3.Connection, project: str) -> int:
    """How many rows the wings hold of `project` (the runs `lessonloop run` recorded in it, its
    repositories)."""
    return sum(int(part.project_rows(conn, project)) for part in _wing_parts())


@dataclass(slots=True)
class ForgetResult:
    """What forgetting deleted (or, for a dry run, would delete)."""

    sessions: list[str]  # the main sessions asked for
    contexts: int = 0  # session ids forgotten, subagents included
    deleted: dict[str, int] = field(default_factory=dict)  # rows per table
    lessons_forgotten: int = 0  # learned lessons left without evidence, deleted
    source_files_marked: int = 0  # source files kept whose sessions are all forgotten
    dry_run: bool = False
    vacuumed: bool = False
    wal_emptied: bool = False

    @property
    def rows(self) -> int:
        return sum(self.deleted.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "contexts": self.contexts,
            "dry_run": self.dry_run,
            "deleted": self.deleted,
            "rows": self.rows,
            "lessons_forgotten": self.lessons_forgotten,
            "source_files_marked": self.source_files_marked,
            "vacuumed": self.vacuumed,
            "wal_emptied": self.wal_emptied,
        }


# --- what to forget ------------------------------------------------------------------------------


def resolve_session(conn: sqlite3.Connection, given: str) -> str:
    """The main session `given` names: an id or a unique prefix, of a stored session or of one
    only the hooks saw. ForgetError for none, several, or a subagent."""
    given = given.strip()
    if not given:
        raise ForgetError("no session id given")
    try:
        found = resolve_stored(conn, given)
    except SessionNotFound as exc:
        hooked = [
            str(row[0])
            for row in conn.execute(
                "SELECT session_id FROM hook_sessions WHERE substr(session_id, 1, ?) = ? ORDER BY session_id LIMIT 6",
                (len(given), given),
            )
        ]
        if given in hooked:
            return given
        if len(hooked) == 1:
            return hooked[0]
        if hooked:
            raise ForgetError(f"{given!r} is ambiguous: it matches {', '.join(hooked[:5])}") from exc
        raise ForgetError(str(exc)) from exc
    if "/" in found:
        parent = found.partition("/")[0]
        raise ForgetError(
            f"{found} is a subagent of session {parent}; a subagent is forgotten with its session: "
            f"`lessonloop forget session {parent}`"
        )
    return found


def project_sessions(conn: sqlite3.Connection, project: str) -> list[str]:
    """The main sessions of `project` (a stored project name, see cli.common.project_named):
    stored, analyzed, or only seen by the hooks."""
    return [
        str(row[0])
        for row in conn.execute(
            """SELECT id FROM sessions WHERE project = :p AND parent_id IS NULL
               UNION SELECT session_id FROM session_executions WHERE project = :p
               UNION SELECT session_id FROM hook_sessions WHERE project = :p
               ORDER BY 1""",
            {"p": project},
        )
    ]


# --- forgetting sessions -------------------------------------------------------------------------


def forget_sessions(
    conn: sqlite3.Connection,
    session_ids: Iterable[str],
    *,
    dry_run: bool = False,
    now: str | None = None,
    project: str | None = None,
) -> ForgetResult:
    """Delete every row tied to `session_ids` (main sessions; their subagents go with them), in one
    transaction, then compact the store (see the module's docstring). `project`: the runs recorded
    in that project go too, and its repositories' git history. `dry_run`: count the rows in the
    same transaction, then roll it back: nothing is deleted."""
    ids = list(dict.fromkeys(s for s in session_ids if s))
    result = ForgetResult(sessions=ids, dry_run=dry_run)
    if not ids and (project is None or not project_rows(conn, project)):
        return result
    moment = now or utc_now()
    previous = int(conn.execute("PRAGMA secure_delete").fetchone()[0])
    if not dry_run:
        conn.execute("PRAGMA secure_delete = ON")
    try:
        with transaction(conn, commit=not dry_run):  # a dry run counts, then rolls back
            delete_sessions(conn, ids, result, moment, project=project)
    finally:
        conn.execute(f"PRAGMA secure_delete = {previous}")
    if not dry_run:
        result.vacuumed, result.wal_emptied = compact(conn)
    return result


def delete_sessions(
    conn: sqlite3.Connection,
    ids: list[str],
    result: ForgetResult,
    moment: str,
    *,
    project: str | None = None,
    removed_because: str | None = None,
    file_models: Collection[str] | None = None,
    reason: str = "forget",
) -> None:
    """The deletion `forget_sessions` does, inside the caller's transaction, without compacting.

    `reason`: why they are remembered as forgotten, 'forget' (for good) or 'retention' (cleanup:
    `ingest --reread` brings them back from the files that held them, kept with each).

    `file_models`: the roots of the file models to drop (retention's, history/session_retention.py:
    those that learned from these sessions); None drops every one, as forgetting does (the
    history wing's part of forgetting drops them: history/store/forget.sessions_deleted).

    `removed_because` (the bundled sample, replaced by real transcripts): the sessions are not
    remembered as forgotten (they may be stored again), and a learned lesson left without
    evidence is deleted with a `removed` event giving this reason instead of `forgotten`, so
    learning may learn it again from other sessions; its earlier events keep their signature
    but no longer its id, and the hooks' decisions that gave it no longer name it."""
    try:
        _collect(conn, ids, result, project)
        files: dict[str, list[int]] = {}
        if removed_because is None:
            for session_id, file_id in conn.execute(
                f"""SELECT session_id, source_file_id FROM file_sessions WHERE session_id IN {_S}
                    UNION SELECT id, source_file_id FROM sessions WHERE id IN {_S} AND source_file_id IS NOT NULL"""
            ):
                files.setdefault(str(session_id), []).append(int(file_id))
        _delete(conn, result, file_models)
        _forget_lessons(conn, moment, result, removed_because)
        # Learning's stored state holds lessons' texts and these sessions' ids: it goes, and the
        # next learning run learns again from what is left (docs/lessons.md, "How learning keeps up").
        forget_state(conn)
        if project is not None:  # the wings' rows of the project deleted last (its git history)
            for part in _wing_parts():
                for table, count in part.after(conn, project).items():
                    result.deleted[table] = result.deleted.get(table, 0) + count
        if removed_because is None:
            conn.executemany(
                "INSERT OR IGNORE INTO forgotten_sessions (session_id, ts, reason, source_files) VALUES (?, ?, ?, ?)",
                [
                    (row[0], moment, reason, json.dumps(sorted(set(files.get(row[0], [])))))
                    for row in conn.execute("SELECT id FROM temp._ll_fs").fetchall()
                ],
            )
    finally:
        for name in _temp_tables():
            conn.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _collect(conn: sqlite3.Connection, ids: list[str], result: ForgetResult, project: str | None = None) -> None:
    """Temporary tables of what is forgotten: sessions (with subagents), calls, messages, the
    files holding nothing else, the wings' rows of the project (its runs), the findings and the
    lessons concerned."""
    for name in _temp_tables():
        conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    conn.execute("CREATE TEMP TABLE _ll_fs (id TEXT PRIMARY KEY)")
    conn.executemany("INSERT OR IGNORE INTO temp._ll_fs (id) VALUES (?)", [(i,) for i in ids])
    while True:  # subagents, and theirs
        added = conn.execute(
            f"INSERT OR IGNORE INTO temp._ll_fs SELECT id FROM sessions WHERE parent_id IN {_S} AND id NOT IN {_S}"
        ).rowcount
        if added <= 0:
            break
    result.contexts = conn.execute("SELECT count(*) FROM temp._ll_fs").fetchone()[0]
    conn.execute(
        f"""CREATE TEMP TABLE _ll_fc AS SELECT id FROM tool_calls WHERE session_id IN {_S}
            UNION SELECT id FROM live_calls WHERE session_id IN {_S}"""
    )
    conn.execute(f"CREATE TEMP TABLE _ll_fm AS SELECT DISTINCT uuid FROM messages WHERE session_id IN {_S}")
    conn.execute(
        f"""CREATE TEMP TABLE _ll_ff AS SELECT source_file_id AS id FROM file_sessions
            GROUP BY source_file_id HAVING sum(session_id NOT IN {_S}) = 0"""
    )
    result.source_files_marked = conn.execute("SELECT count(*) FROM temp._ll_ff").fetchone()[0]
    made_by = [part.collect(conn, project) for part in _wing_parts()]  # findings a forgotten run made
    extra = "".join(f" OR {condition}" for condition in made_by if condition)
    conn.execute(
        f"CREATE TEMP TABLE _ll_ffi AS SELECT id FROM findings WHERE session_id IN {_S} OR tool_use_id IN {_C}{extra}"
    )
    conn.execute(
        f"CREATE TEMP TABLE _ll_fl AS SELECT DISTINCT lesson_id AS id FROM lesson_evidence WHERE {_STEPS[0][1]}"
    )


def _delete(conn: sqlite3.Connection, result: ForgetResult, file_models: Collection[str] | None = None) -> None:
    tables = ordinary_tables(conn)
    done: set[str] = set()
    steps = list(_STEPS)
    after_findings = steps.index(("findings", f"id IN {_FI}")) + 1
    steps[after_findings:after_findings] = [step for part in _wing_parts() for step in part.STEPS]
    for table, condition in steps:
        if table in tables:
            result.deleted[table] = max(0, conn.execute(f"DELETE FROM {table} WHERE {condition}").rowcount)
            done.add(table)
    # Tables added later that name sessions or tool calls: swept too.
    for table, columns in sorted(tables.items()):
        if table in done or table in _KEEP:
            continue
        conditions = []
        if "session_id" in columns:
            conditions.append(f"session_id IN {_S}")
        if "tool_use_id" in columns:
            conditions.append(f"tool_use_id IN {_C}")
        if conditions:
            result.deleted[table] = max(
                0, conn.execute(f"DELETE FROM {table} WHERE {' OR '.join(conditions)}").rowcount
            )
    for part in _wing_parts():  # what the wings drop with any session: the history's file models
        for table, count in part.sessions_deleted(conn, file_models).items():
            if count:
                result.deleted[table] = count


def ordinary_tables(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """The ordinary tables of the store (not virtual tables or their shadows), with their columns."""
    names = [
        str(row[0])
        for row in conn.execute(
            """SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
               AND name NOT LIKE '%_fts%' AND sql NOT LIKE 'CREATE VIRTUAL%'"""
        )
    ]
    return {name: {str(row[1]) for row in conn.execute(f"PRAGMA table_info({name})")} for name in names}


def _forget_lessons(
    conn: sqlite3.Connection, moment: str, result: ForgetResult, removed_because: str | None = None
) -> None:
    """Learned lessons the forgotten sessions gave evidence to and that have none left: deleted,
    with a `forgotten` event (or `removed` with the reason, see delete_sessions)."""
    conn.execute(
        """CREATE TEMP TABLE _ll_doomed AS SELECT id, signature FROM lessons
           WHERE id IN (SELECT id FROM temp._ll_fl) AND origin = 'learned'
           AND NOT EXISTS (SELECT 1 FROM lesson_evidence e WHERE e.lesson_id = lessons.id)"""
    )
    doomed = "(SELECT id FROM temp._ll_doomed)"
    count = conn.execute("SELECT count(*) FROM temp._ll_doomed").fetchone()[0]
    result.lessons_forgotten = count
    result.deleted["lesson_aliases"] = max(
        0, conn.execute(f"DELETE FROM lesson_aliases WHERE lesson_id IN {doomed}").rowcount
    )
    result.deleted["lessons"] = max(0, conn.execute(f"DELETE FROM lessons WHERE id IN {doomed}").rowcount)
    if not count:
        return
    if removed_because is not None:
        # The history stays, by signature, and the hooks' decisions no longer name these ids (ids
        # are never given again, m016_lesson_ids; before it, a later lesson could get them).
        conn.execute(f"UPDATE lesson_events SET lesson_id = NULL WHERE lesson_id IN {doomed}")
        conn.execute(
            """INSERT INTO lesson_events (lesson_id, signature, ts, event, detail)
               SELECT NULL, signature, ?, 'removed', json_object('reason', ?) FROM temp._ll_doomed ORDER BY id""",
            (moment, removed_because),
        )
        conn.execute(
            f"""UPDATE hook_decisions SET lessons = (
                    SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_group_array(value) END
                    FROM json_each(hook_decisions.lessons) WHERE value NOT IN {doomed})
                WHERE lessons IS NOT NULL
                  AND EXISTS (SELECT 1 FROM json_each(hook_decisions.lessons) WHERE value IN {doomed})"""
        )
        return
    # Explicit, not ON DELETE CASCADE: that needs PRAGMA foreign_keys, which is per connection.
    conn.execute(f"UPDATE lesson_events SET detail = NULL WHERE lesson_id IN {doomed}")
    conn.execute(
        """INSERT INTO lesson_events (lesson_id, signature, ts, event, detail)
           SELECT id, signature, ?, 'forgotten', NULL FROM temp._ll_doomed ORDER BY id""",
        (moment,),
    )
    conn.execute("INSERT INTO lessons_fts(lessons_fts) VALUES ('optimize')")  # no deleted words linger


def compact(conn: sqlite3.Connection) -> tuple[bool, bool]:
    """Empty the write-ahead log, rebuild the file (VACUUM) and empty the log again, so deleted
    pages are gone from both. Returns (vacuumed, log emptied); either is False when another
    process kept the store busy past the busy timeout (SQLite finishes the checkpoint later).
    The session search's index is merged first: its deleted rows' words go with the pages."""
    with suppress(sqlite3.OperationalError):  # busy: the words stay marked deleted (never found) until next time
        optimize_index(conn)
    _checkpoint(conn)
    try:
        conn.execute("VACUUM")
        vacuumed = True
    except sqlite3.OperationalError:
        vacuumed = False
    return vacuumed, _checkpoint(conn)


def _checkpoint(conn: sqlite3.Connection) -> bool:
    try:
        row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:
        return False
    return row is not None and int(row[0]) == 0


# --- forgetting everything -----------------------------------------------------------------------

STORE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def store_files(db_path: str | os.PathLike[str]) -> list[tuple[str, int]]:
    """The files `forget everything` deletes that exist, with their sizes: the store, its
    -wal, -shm and -journal, the hooks' failure log beside it, the hook events still waiting
    in its spool (apply/hooks/spool.py) and the warnings a pre-tool hook left for a post-tool one
    (apply/hooks/kit/carried.py): those folders go too, once empty."""
    path = os.fspath(db_path)
    candidates = [path + suffix for suffix in STORE_SUFFIXES]
    candidates.append(beside(path, FAILURE_LOG))
    for folder in (beside(path, SPOOL_FOLDER), beside(path, CARRIED_FOLDER)):
        with contextlib.suppress(OSError):  # no such folder: the usual case
            candidates += sorted(os.path.join(folder, name) for name in os.listdir(folder))
    out: list[tuple[str, int]] = []
    for candidate in dict.fromkeys(candidates):
        try:
            info = os.lstat(candidate)
        except FileNotFoundError:
            continue
        if os.path.isdir(candidate):
            raise ForgetError(f"{candidate} is a folder, not a lessonloop store file; nothing was deleted")
        out.append((candidate, int(info.st_size)))
    return out


def forget_everything(db_path: str | os.PathLike[str]) -> list[tuple[str, int]]:
    """Delete the store and the files beside it that hold what it learned (see `store_files`);
    returns what was deleted. The configuration is kept."""
    deleted: list[tuple[str, int]] = []
    for path, size in store_files(db_path):
        try:
            os.remove(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            done = ", ".join(p for p, _ in deleted) or "nothing"
            raise ForgetError(f"cannot delete {path}: {exc.strerror or exc} (deleted so far: {done})") from exc
        deleted.append((path, size))
    for folder in (SPOOL_FOLDER, CARRIED_FOLDER):
        with contextlib.suppress(OSError):  # the folder, now empty (unless a hook just wrote to it)
            os.rmdir(beside(os.fspath(db_path), folder))
    return deleted
