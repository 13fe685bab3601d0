"""What the Claude Code hooks (apply/hooks/) read and write: their own tables (`hook_sessions`,
`hook_decisions`, `live_calls`, `hook_spool`), and what they read of the rest on a tool call (the
lessons a call's trigger may match, the session's calls and prompts so far, the lessons SessionStart
considers). Plain rows in and out: the hooks decide, this module runs the queries.

Standard library only, and no import at all at module level: every hook process imports it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
    from typing import Any


# --- the connection as the hooks use it ----------------------------------------------------------


def read_only(conn: sqlite3.Connection) -> bool:
    """Whether `conn` was opened read-only (`query_only`)."""
    return bool(conn.execute("PRAGMA query_only").fetchone()[0])


def commit_without_fsync(conn: sqlite3.Connection) -> None:
    """As every connection of the store (store/connection.py): in WAL mode a commit then waits for
    no fsync, and a killed process still loses nothing (a power cut may lose the last records)."""
    conn.execute("PRAGMA synchronous = NORMAL")


def empty_wal(conn: sqlite3.Connection) -> None:
    """Checkpoint the whole -wal into the store and truncate it (SQLITE_BUSY, as an error, when
    another connection is using it and the lock wait runs out)."""
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    if busy:
        import sqlite3  # the hooks have imported it already; only the type check names it above

        raise sqlite3.OperationalError("database is locked: the -wal is in use")


def begin_read(conn: sqlite3.Connection) -> None:
    """Start a read transaction: what the next queries read is of one moment (`end_read`)."""
    conn.execute("BEGIN")


def end_read(conn: sqlite3.Connection) -> None:
    conn.execute("COMMIT")


def _rows(conn: sqlite3.Connection, make: Callable[[Sequence[Any]], object]) -> sqlite3.Cursor:
    """A cursor that gives each row as `make(row)`: a query's columns are unpacked by the typed row
    beside the query, and nowhere else."""
    cursor = conn.cursor()
    cursor.row_factory = lambda _cursor, row: make(row)
    return cursor


def set_lock_wait(conn: sqlite3.Connection, milliseconds: int) -> None:
    """How long `conn` waits for another process's lock (SQLite's busy timeout)."""
    conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")


def writes_now(conn: sqlite3.Connection, wait_ms: int = 0) -> bool:
    """Whether a write can start now: `conn` may write, and the store's write lock is free or freed
    within `wait_ms` (a BEGIN IMMEDIATE tried, then rolled back). A lock held for a moment (a
    worker's transaction, another hook's record) is waited for, as the event's own writes would
    wait; one held longer is not."""
    if read_only(conn):
        return False
    if conn.in_transaction:
        return True
    wait = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    set_lock_wait(conn, wait_ms)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except Exception:  # sqlite3.OperationalError: locked, busy, or the file cannot be written
        return False
    finally:
        set_lock_wait(conn, wait)


def is_forgotten(conn: sqlite3.Connection, session_id: str) -> bool:
    """Whether `lessonloop forget` removed this session (`forgotten_sessions`; store/sessions/forgotten.py
    lists them for ingest): here, so that a hook reads it without one more module's import."""
    return conn.execute("SELECT 1 FROM forgotten_sessions WHERE session_id = ?", (session_id,)).fetchone() is not None


def check_counts(conn: sqlite3.Connection) -> int:
    """`lessonloop hook --check`: the active lessons, counted; the hooks' decisions table read too
    (an old or damaged store fails here)."""
    lessons: int = conn.execute("SELECT count(*) FROM lessons WHERE status = 'active'").fetchone()[0]
    conn.execute("SELECT count(*) FROM hook_decisions").fetchone()
    return lessons


# --- hook_sessions -------------------------------------------------------------------------------


def remembered_project(conn: sqlite3.Connection, session_id: str) -> tuple[str | None] | None:
    """(project,) of the session as the store knows it: its ingested session's project (what
    learning and replay placed it in, from its transcript), else the one the hooks remembered;
    None when neither knows one (a session whose first event had no folder: a Stop)."""
    row: tuple[str | None] | None = conn.execute(
        """SELECT coalesce((SELECT project FROM sessions WHERE id = ?),
                           (SELECT project FROM hook_sessions WHERE session_id = ?))""",
        (session_id, session_id),
    ).fetchone()
    return row if row is not None and row[0] is not None else None


SESSION_WRITES = {
    # the first event of a session (any hook): remembered once, its project resolved then
    # (a row without a project, from a Stop that came first, gets the one resolved now)
    "first": """INSERT INTO hook_sessions (session_id, project, cwd, transcript_path, started_at, last_event_at, agent)
                VALUES (:session_id, :project, :cwd, :transcript_path, :ts, :ts, :agent)
                ON CONFLICT (session_id) DO UPDATE SET project = coalesce(hook_sessions.project, excluded.project),
                    cwd = coalesce(hook_sessions.cwd, excluded.cwd), agent = coalesce(hook_sessions.agent, excluded.agent)
                WHERE hook_sessions.project IS NULL""",
    # SessionStart: the session's folder, project, transcript and model as they are now
    "start": """INSERT INTO hook_sessions (session_id, project, cwd, transcript_path, model, started_at, last_event_at, agent)
                VALUES (:session_id, :project, :cwd, :transcript_path, :model, :ts, :ts, :agent)
                ON CONFLICT (session_id) DO UPDATE SET project = excluded.project, cwd = excluded.cwd,
                    agent = coalesce(hook_sessions.agent, excluded.agent),
                    transcript_path = coalesce(excluded.transcript_path, transcript_path),
                    model = coalesce(excluded.model, model), last_event_at = excluded.last_event_at""",
    # Stop, SessionEnd: the last event, the end (SessionEnd), the transcript
    "end": """INSERT INTO hook_sessions (session_id, cwd, transcript_path, started_at, last_event_at, ended_at)
              VALUES (:session_id, :cwd, :transcript_path, :ts, :ts, :ended_at)
              ON CONFLICT (session_id) DO UPDATE SET last_event_at = excluded.last_event_at,
                  ended_at = coalesce(excluded.ended_at, ended_at),
                  transcript_path = coalesce(excluded.transcript_path, transcript_path)""",
}
SESSION_FIELDS = ("session_id", "project", "cwd", "transcript_path", "model", "ts", "ended_at", "agent")


def write_session(conn: sqlite3.Connection, mode: str, values: Mapping[str, object]) -> None:
    """A hook_sessions row written as `mode` says (first, start, end: SESSION_WRITES); `values`
    holds SESSION_FIELDS."""
    conn.execute(SESSION_WRITES[mode], values)


def touch_session(conn: sqlite3.Connection, session_id: str, ts: str) -> None:
    """The session's last event is now `ts`."""
    conn.execute("UPDATE hook_sessions SET last_event_at = ? WHERE session_id = ?", (ts, session_id))


# --- hook_decisions ------------------------------------------------------------------------------


def insert_decision(
    conn: sqlite3.Connection,
    session_id: object,
    event: object,
    tool_use_id: object,
    ts: object,
    action: object,
    lessons: str | None,
    detail: str | None,
) -> None:
    """One hook_decisions row (`lessons`, `detail`: JSON texts or None)."""
    conn.execute(
        "INSERT INTO hook_decisions (session_id, event, tool_use_id, ts, action, lessons, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (session_id, event, tool_use_id, ts, action, lessons, detail),
    )


def overrides(conn: sqlite3.Connection, lesson_id: int) -> int:
    """How often a call the lesson stopped was sent again, ran, and worked: its "override"
    decisions whose call is stored as successful (live or ingested). A resent call that failed
    (the lesson was right: it counts as its failure when learned from) or whose result is not
    known yet does not count against the lesson's stop."""
    return _decisions_naming(conn, "override", "hook_decisions_overrides", "lessons", lesson_id, _RESULT.format(ok=1))


def resent(conn: sqlite3.Connection, lesson_id: int) -> int:
    """How often a call the lesson stopped was sent again (and ran): every "override" decision."""
    return _decisions_naming(conn, "override", "hook_decisions_overrides", "lessons", lesson_id)


def confirmed(conn: sqlite3.Connection, lesson_id: int) -> int:
    """How often a call the lesson stopped was sent again and then failed: the stop was right."""
    return _decisions_naming(conn, "override", "hook_decisions_overrides", "lessons", lesson_id, _RESULT.format(ok=0))


# a decision's call stored with this outcome (live, or ingested from its transcript)
_RESULT = """(EXISTS (SELECT 1 FROM live_calls l WHERE l.id = hook_decisions.tool_use_id AND l.ok = {ok})
             OR EXISTS (SELECT 1 FROM tool_calls c WHERE c.id = hook_decisions.tool_use_id AND c.ok = {ok}))"""


def stops(conn: sqlite3.Connection, lesson_id: int) -> int:
    """How many calls the lesson stopped: the "stop" decisions that name it among the stopping."""
    return _decisions_naming(conn, "stop", "hook_decisions_stops", "detail, '$.stopping'", lesson_id)


def _decisions_naming(
    conn: sqlite3.Connection, action: str, index: str, ids: str, lesson_id: int, also: str = "1"
) -> int:
    """The PreToolUse decisions of `action` whose JSON list `ids` holds the lesson, read by the
    action's partial index of m046; 0 on a store read before m046 (read-only: no such index, and no
    stop yet) rather than an error that would cost a call its decision."""
    import sqlite3  # (loaded already: the connection is one)

    # (the action written as a literal: a partial index serves only a query whose WHERE names its value)
    query = f"""SELECT count(*) FROM hook_decisions INDEXED BY {index}
                WHERE action = '{action}' AND EXISTS (SELECT 1 FROM json_each({ids}) WHERE value = ?)
                  AND {also}"""
    try:
        row = conn.execute(query, (lesson_id,)).fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0]) if row else 0


def count_warnings(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    """One more warning on each lesson of `ids` (not empty)."""
    conn.execute(f"UPDATE lessons SET warnings = warnings + 1 WHERE id IN ({', '.join('?' * len(ids))})", ids)


def injected_lesson_lists(conn: sqlite3.Connection, session_id: str) -> list[str]:
    """The lessons given to this session's context, as each decision stored them (JSON lists)."""
    return [
        lessons
        for (lessons,) in conn.execute(
            "SELECT lessons FROM hook_decisions WHERE session_id = ? AND action = 'inject' AND lessons IS NOT NULL",
            (session_id,),
        )
    ]


class GivenDecision:
    """A PreToolUse decision that gave lessons (hook_decisions): its id, the call it was about, the
    lessons' ids (JSON) and its detail (JSON, None when it has none)."""

    __slots__ = ("detail", "id", "lessons", "tool_use_id")

    def __init__(self, decision_id: object, tool_use_id: object, lessons: object, detail: object) -> None:
        self.id = int(decision_id)  # type: ignore[call-overload]
        self.tool_use_id = tool_use_id if isinstance(tool_use_id, str) else None
        self.lessons = str(lessons or "[]")
        self.detail = detail if isinstance(detail, str) else None


def _given_decision(row: Sequence[Any]) -> GivenDecision:
    return GivenDecision(*row)


def warnings_to_credit(conn: sqlite3.Connection, session_id: str, tool_use_id: str) -> list[GivenDecision]:
    """The session's latest 50 PreToolUse decisions that gave lessons, but the one about the call
    `tool_use_id`, newest first (an "override", the stopped call sent again, gave nothing: its stop
    is the decision credited)."""
    return (
        _rows(conn, _given_decision)
        .execute(
            """SELECT id, tool_use_id, lessons, detail FROM hook_decisions
           WHERE session_id = ? AND event = 'PreToolUse' AND action NOT IN ('none', 'override')
             AND lessons IS NOT NULL
             AND (tool_use_id IS NULL OR tool_use_id != ?)
           ORDER BY id DESC LIMIT 50""",
            (session_id, tool_use_id),
        )
        .fetchall()
    )


def notes_on_call(conn: sqlite3.Connection, session_id: str, tool_use_id: str) -> list[GivenDecision]:
    """The notes (PreToolUse, action warn) given on the call `tool_use_id`."""
    return (
        _rows(conn, _given_decision)
        .execute(
            """SELECT id, tool_use_id, lessons, detail FROM hook_decisions
           WHERE session_id = ? AND tool_use_id = ? AND event = 'PreToolUse' AND action = 'warn'
             AND lessons IS NOT NULL""",
            (session_id, tool_use_id),
        )
        .fetchall()
    )


def lower_after_false_alarm(
    conn: sqlite3.Connection,
    lesson_id: int,
    session_id: str,
    tool_use_id: str,
    ts: str,
    project: str | None,
    lowered: Callable[[int, int, str], tuple[float, str]],
) -> bool:
    """A note of the lesson's followed by its call working: the session is one more trial where its
    trigger did not fail (an evidence row `success`), counted at once, so the lesson's confidence
    falls before the next ingest learns it (issue 83, item 4). `lowered(failed, sessions, tier)`:
    its new undecayed confidence and tier. Nothing when the session is counted for it already (a
    failure or a success of the lesson there). Whether it was counted."""
    seen = conn.execute(
        "SELECT 1 FROM lesson_evidence WHERE lesson_id = ? AND session_id = ? AND role IN ('failure', 'success') LIMIT 1",
        (lesson_id, session_id),
    ).fetchone()
    row = conn.execute("SELECT failed_sessions, sessions, tier FROM lessons WHERE id = ?", (lesson_id,)).fetchone()
    if seen is not None or row is None:
        return False
    failed, sessions, tier = int(row[0] or 0), int(row[1] or 0) + 1, str(row[2] or "candidate")
    value, new_tier = lowered(failed, sessions, tier)
    conn.execute(
        """UPDATE lessons SET sessions = ?, tier = ?, confidence = min(confidence, ?),
                  learned_confidence = min(COALESCE(learned_confidence, confidence), ?)
           WHERE id = ?""",
        (sessions, new_tier, value, value, lesson_id),
    )
    _call_evidence(conn, lesson_id, "success", session_id, tool_use_id, ts, project, '{"after_note": true}')
    return True


def lesson_trigger(conn: sqlite3.Connection, lesson_id: int) -> str | None:
    """A lesson's trigger (JSON), None when it has none or is gone."""
    row = conn.execute("SELECT trigger FROM lessons WHERE id = ?", (lesson_id,)).fetchone()
    return row[0] if row is not None and isinstance(row[0], str) else None


def credit_prevention(
    conn: sqlite3.Connection,
    lesson_id: int,
    session_id: str,
    tool_use_id: str,
    ts: str,
    project: str | None,
    detail: str,
) -> None:
    """A success after prevention for the lesson: its count, and an evidence row of the call."""
    conn.execute("UPDATE lessons SET prevented = prevented + 1 WHERE id = ?", (lesson_id,))
    _call_evidence(conn, lesson_id, "prevented", session_id, tool_use_id, ts, project, detail)


def _call_evidence(
    conn: sqlite3.Connection,
    lesson_id: int,
    role: str,
    session_id: str,
    tool_use_id: str,
    ts: str,
    project: str | None,
    detail: str,
) -> None:
    """An evidence row of a call the hooks saw, for the lesson."""
    conn.execute(
        """INSERT INTO lesson_evidence (lesson_id, role, session_id, tool_use_id, ts, project, detail)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (lesson_id, role, session_id, tool_use_id, ts, project, detail),
    )


def set_decision_detail(conn: sqlite3.Connection, decision_id: int, detail: str) -> None:
    conn.execute("UPDATE hook_decisions SET detail = ? WHERE id = ?", (detail, decision_id))


# --- live_calls ----------------------------------------------------------------------------------

INSERT_CALL = """INSERT INTO live_calls (id, session_id, seq, ts, tool, input_json, target_path, command, cwd, ok,
                      status, error_text, error_class, result_text)
                  SELECT :id, :session_id, coalesce(max(seq), 0) + 1, :ts, :tool, :input_json, :target_path,
                      :command, :cwd, :ok, :status, :error_text, :error_class, :result_text
                  FROM live_calls WHERE session_id = :session_id
                  ON CONFLICT (id) DO NOTHING"""
CALL_FIELDS = ("id", "session_id", "ts", "tool", "input_json", "target_path", "command", "cwd", "ok", "status",
               "error_text", "error_class", "result_text")  # fmt: skip


def insert_call(conn: sqlite3.Connection, values: Mapping[str, object]) -> int:
    """A call stored with the next arrival number of its session (`values`: CALL_FIELDS); 1 when
    stored, 0 when it was there already."""
    return conn.execute(INSERT_CALL, values).rowcount


class LiveCall:
    """A call the hooks stored (live_calls), as live learning reads it."""

    __slots__ = (
        "command",
        "cwd",
        "error_class",
        "error_text",
        "id",
        "input_json",
        "seq",
        "status",
        "target",
        "tool",
        "ts",
    )

    def __init__(
        self,
        call_id: str,
        seq: int,
        ts: str | None,
        tool: str,
        input_json: str | None,
        target: str | None,
        command: str | None,
        cwd: str | None,
        status: str,
        error_text: str | None,
        error_class: str | None,
    ) -> None:
        self.id = call_id
        self.seq = seq
        self.ts = ts
        self.tool = tool
        self.input_json = input_json
        self.target = target
        self.command = command
        self.cwd = cwd
        self.status = status
        self.error_text = error_text
        self.error_class = error_class


def _live_row(row: Sequence[Any]) -> LiveCall:
    return LiveCall(*row)


def recent_calls(
    conn: sqlite3.Connection, session_id: str, limit: int, through_seq: int | None = None
) -> list[LiveCall]:
    """The session's latest `limit` live calls, newest first; with `through_seq`, the latest up
    to that arrival number (the calls a hook saw, for the learning worker that comes after it)."""
    return (
        _rows(conn, _live_row)
        .execute(
            """SELECT id, seq, ts, tool, input_json, target_path, command, cwd, status, error_text, error_class
           FROM live_calls WHERE session_id = ? AND seq <= ? ORDER BY seq DESC LIMIT ?""",
            (session_id, through_seq if through_seq is not None else 1 << 62, limit),
        )
        .fetchall()
    )


def live_call_seq(conn: sqlite3.Connection, call_id: str) -> int | None:
    """The arrival number of the live call `call_id` in its session (None: not stored, or gone
    since: its transcript was ingested)."""
    row = conn.execute("SELECT seq FROM live_calls WHERE id = ?", (call_id,)).fetchone()
    return int(row[0]) if row is not None else None


def failed_before(
    conn: sqlite3.Connection, session_id: str, tool: str, command: str | None, target: str | None
) -> bool:
    """Whether a call like this one (the same command, else the same file, else the same tool)
    failed earlier in this session, ingested or stored live (an indexed look-up)."""
    column, value = ("command", command) if command else ("target_path", target) if target else ("tool", tool)
    found = conn.execute(
        f"""SELECT 1 FROM tool_calls WHERE session_id = ? AND ok = 0 AND {column} = ?
            UNION ALL SELECT 1 FROM live_calls WHERE session_id = ? AND ok = 0 AND {column} = ? LIMIT 1""",
        (session_id, value, session_id, value),
    ).fetchone()
    return found is not None


# --- the session so far (PreToolUse) -------------------------------------------------------------


def session_branch(conn: sqlite3.Connection, session_id: str) -> str | None:
    """The ingested session's git branch (None when it is not ingested or has none)."""
    found = conn.execute("SELECT git_branch FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return found[0] if found else None


# The session's ingested calls with a result that the hooks did not store live, in order (two
# values: the session id twice).
_INGESTED = """FROM tool_calls c LEFT JOIN call_errors e ON e.tool_use_id = c.id
           WHERE c.session_id = ? AND c.ok IS NOT NULL
             AND c.id NOT IN (SELECT id FROM live_calls WHERE session_id = ?)
           ORDER BY c.ts, c.seq, c.rowid"""
# What `ingested_calls` and `calls_by_id` give of an ingested call, and `live_calls` and
# `calls_by_id` of a call the hooks stored (pre_tool.session_state replays both shapes).
# (a read's output: the file's text, for its line ends, lesson_model/triggers.SessionState.endings)
_INGESTED_COLUMNS = (
    "c.kind, c.tool, c.ok, c.command, c.target_path, c.error_text, c.exit_code, c.status, c.input_json, e.class,"
    " CASE WHEN c.ok = 1 AND c.kind = 'read' THEN substr(c.result_text, 1, 2000) END"
)
_LIVE_COLUMNS = (
    "tool, ok, command, target_path, error_text, status, input_json, error_class,"
    " CASE WHEN ok = 1 THEN substr(result_text, 1, 2000) END"
)


class StoredCall:
    """A call of the session as the pre-tool hook replays it (pre_tool.session_state): ingested
    from its transcript (`from_transcript`, with its neutral kind and exit code) or stored live by
    the hooks (kind None: the hook reads it from the tool). (A plain class: the hooks import no
    dataclasses or typing.)"""

    __slots__ = (
        "command",
        "error_class",
        "error_text",
        "exit_code",
        "from_transcript",
        "input_json",
        "kind",
        "ok",
        "result",
        "status",
        "target",
        "tool",
    )

    def __init__(
        self,
        from_transcript: bool,
        kind: str | None,
        tool: str,
        ok: object,
        command: str | None,
        target: str | None,
        error_text: str | None,
        exit_code: int | None,
        status: str | None,
        input_json: str | None,
        error_class: str | None,
        result: str | None,
    ) -> None:
        self.from_transcript = from_transcript
        self.kind = kind
        self.tool = tool
        self.ok = bool(ok)
        self.command = command
        self.target = target
        self.error_text = error_text
        self.exit_code = exit_code
        self.status = status
        self.input_json = input_json
        self.error_class = error_class
        self.result = result  # a successful read's output (its start)


def _ingested_call(row: Sequence[Any]) -> StoredCall:
    kind, tool, ok, command, target, error_text, exit_code, status, input_json, error_class, result = row[:11]
    return StoredCall(
        True, kind, str(tool or ""), ok, command, target, error_text, exit_code, status, input_json, error_class, result
    )


def _live_call(row: Sequence[Any]) -> StoredCall:
    tool, ok, command, target, error_text, status, input_json, error_class, result = row
    return StoredCall(
        False, None, str(tool or ""), ok, command, target, error_text, None, status, input_json, error_class, result
    )


def ingested_calls(conn: sqlite3.Connection, session_id: str, before: str | None = None) -> list[StoredCall]:
    """The session's ingested calls with a result that the hooks did not store live, in order;
    `before`: only those before the call of that id (the session as it was then)."""
    if before is None:
        found: list[StoredCall] = (
            _rows(conn, _ingested_call)
            .execute(f"SELECT {_INGESTED_COLUMNS} {_INGESTED}", (session_id, session_id))
            .fetchall()
        )
        return found
    rows = conn.execute(f"SELECT {_INGESTED_COLUMNS}, c.id {_INGESTED}", (session_id, session_id)).fetchall()
    cut = next((n for n, row in enumerate(rows) if row[-1] == before), len(rows))
    return [_ingested_call(row) for row in rows[:cut]]


def call_heads(conn: sqlite3.Connection, session_id: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(id, mark) of each call `ingested_calls` gives, then of each `live_calls` gives, in their
    order; the mark is the call's result as SQL text (ok, status, error class, exit code): what
    tells whether a state kept of the first calls still holds (hook_session_states). A call's
    input and command come with it and do not change; its result comes once (ok was NULL until
    then); the redaction pass, which rewrites texts, deletes the kept states. Two short columns a
    row: no text of the call is read, a long session costs little."""
    ingested: list[tuple[str, str]] = conn.execute(
        "SELECT c.id, quote(c.ok) || ',' || quote(c.status) || ',' || quote(e.class) || ',' || quote(c.exit_code) "
        + _INGESTED,
        (session_id, session_id),
    ).fetchall()
    live: list[tuple[str, str]] = conn.execute(
        """SELECT id, quote(ok) || ',' || quote(status) || ',' || quote(error_class) || ',NULL'
           FROM live_calls WHERE session_id = ? ORDER BY seq""",
        (session_id,),
    ).fetchall()
    return ingested, live


def calls_by_id(
    conn: sqlite3.Connection, session_id: str, ingested: Sequence[str], live: Sequence[str]
) -> tuple[list[StoredCall], list[StoredCall]]:
    """The calls `ingested_calls` and `live_calls` give, in their order, of the calls of these ids
    only (a few: the calls since a kept state)."""
    found: list[StoredCall] = []
    if ingested:
        marks = ", ".join("?" * len(ingested))
        found = (
            _rows(conn, _ingested_call)
            .execute(
                f"""SELECT {_INGESTED_COLUMNS}
               FROM tool_calls c LEFT JOIN call_errors e ON e.tool_use_id = c.id
               WHERE c.session_id = ? AND c.id IN ({marks})
               ORDER BY c.ts, c.seq, c.rowid""",
                (session_id, *ingested),
            )
            .fetchall()
        )
    stored: list[StoredCall] = []
    if live:
        marks = ", ".join("?" * len(live))
        stored = (
            _rows(conn, _live_call)
            .execute(
                f"SELECT {_LIVE_COLUMNS} FROM live_calls WHERE session_id = ? AND id IN ({marks}) ORDER BY seq",
                (session_id, *live),
            )
            .fetchall()
        )
    return found, stored


class KeptState:
    """A session's state kept between calls (hook_session_states): whether it is signed, how many
    calls it was made of, their digest, the branch, the state's text."""

    __slots__ = ("branch", "calls", "digest", "signed", "text")

    def __init__(self, signed: object, calls: object, digest: object, branch: object, text: object) -> None:
        self.signed = bool(signed)
        self.calls = calls if isinstance(calls, int) else None
        self.digest = digest if isinstance(digest, str) else None
        self.branch = branch if isinstance(branch, str) else None
        self.text = str(text or "")


def kept_state(conn: sqlite3.Connection, session_id: str) -> KeptState | None:
    """The session's kept state, or None."""
    found = conn.execute(
        "SELECT signed, calls, digest, branch, state FROM hook_session_states WHERE session_id = ?", (session_id,)
    ).fetchone()
    return None if found is None else KeptState(*found)


STATE_DAYS = 2  # a kept state unused for this long is pruned when another is saved


def keep_state(conn: sqlite3.Connection, values: Mapping[str, object]) -> None:
    """Keep a session's state (`values`: session_id, signed, calls, digest, branch, state, saved_at),
    and prune those not saved for STATE_DAYS days."""
    conn.execute(
        """INSERT INTO hook_session_states (session_id, signed, calls, digest, branch, state, saved_at)
           VALUES (:session_id, :signed, :calls, :digest, :branch, :state, :saved_at)
           ON CONFLICT (session_id) DO UPDATE SET signed = excluded.signed, calls = excluded.calls,
               digest = excluded.digest, branch = excluded.branch, state = excluded.state,
               saved_at = excluded.saved_at""",
        values,
    )
    conn.execute(
        "DELETE FROM hook_session_states WHERE saved_at < strftime('%Y-%m-%dT%H:%M:%fZ', ?, ?)",
        (values["saved_at"], f"-{STATE_DAYS} days"),
    )


def live_calls(conn: sqlite3.Connection, session_id: str) -> list[StoredCall]:
    """The session's calls the hooks stored, in arrival order."""
    found: list[StoredCall] = (
        _rows(conn, _live_call)
        .execute(f"SELECT {_LIVE_COLUMNS} FROM live_calls WHERE session_id = ? ORDER BY seq", (session_id,))
        .fetchall()
    )
    return found


def learned_here(conn: sqlite3.Connection, lesson_id: int, session_id: str) -> bool:
    """Whether the lesson has a failure of this session among its evidence."""
    return (
        conn.execute(
            "SELECT 1 FROM lesson_evidence WHERE lesson_id = ? AND session_id = ? AND role = 'failure' LIMIT 1",
            (lesson_id, session_id),
        ).fetchone()
        is not None
    )


def ingested_prompts(conn: sqlite3.Connection, session_id: str, until: str | None = None) -> list[str]:
    """The person's prompts of the session as ingested so far (`until`: those up to that time, and
    the untimed)."""
    if until is None:
        found = conn.execute(
            "SELECT text FROM messages WHERE session_id = ? AND kind = 'prompt' AND text IS NOT NULL", (session_id,)
        )
    else:
        found = conn.execute(
            """SELECT text FROM messages WHERE session_id = ? AND kind = 'prompt' AND text IS NOT NULL
                 AND (ts IS NULL OR ts = '' OR ts <= ?)""",
            (session_id, until),
        )
    return [text for (text,) in found]


# --- lessons the hooks consider ------------------------------------------------------------------

TRIGGER_COLUMNS = (
    "id, trigger, title, prevention, prevention_command, sessions, failed_sessions, confidence, last_seen, category,"
    " kind, error_signature, origin, signature, learned_confidence, tier"
)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


class StoredLesson:
    """A lesson as the pre-tool hook reads it (TRIGGER_COLUMNS), by name: the columns are unpacked
    here, beside the query that reads them, and nowhere else. (A plain class: the hooks import no
    dataclasses or typing.)"""

    __slots__ = (
        "category",
        "confidence",
        "error_signature",
        "failed_sessions",
        "id",
        "kind",
        "last_seen",
        "learned_confidence",
        "origin",
        "prevention",
        "prevention_command",
        "sessions",
        "signature",
        "tier",
        "title",
        "trigger",
    )

    def __init__(self, row: Sequence[Any]) -> None:
        (
            lesson_id,
            trigger,
            title,
            prevention,
            prevention_command,
            sessions,
            failed_sessions,
            confidence,
            last_seen,
            category,
            kind,
            error_signature,
            origin,
            signature,
            learned_confidence,
            tier,
        ) = row
        self.id = int(lesson_id)
        self.trigger = _text(trigger)  # the trigger's JSON
        self.title = str(title or "")
        self.prevention = _text(prevention)
        self.prevention_command = _text(prevention_command)
        self.sessions = int(sessions or 0)
        self.failed_sessions = int(failed_sessions or 0)
        self.confidence = float(confidence or 0.0)
        self.last_seen = _text(last_seen)
        self.category = _text(category)
        self.kind = _text(kind)
        self.error_signature = _text(error_signature)
        self.origin = _text(origin)
        self.signature = str(signature or "")
        # the undecayed learned confidence (None: not learned here, or judged)
        self.learned_confidence = None if learned_confidence is None else float(learned_confidence)
        self.tier = str(tier or "active")


def stored_lesson(conn: sqlite3.Connection, lesson_id: int) -> StoredLesson | None:
    """The lesson `lesson_id` as the pre-tool hook reads it (whatever its tier or status), or None."""
    found: StoredLesson | None = (
        _rows(conn, StoredLesson)
        .execute(f"SELECT {TRIGGER_COLUMNS} FROM lessons WHERE id = ?", (lesson_id,))
        .fetchone()
    )
    return found


def trigger_candidates(
    conn: sqlite3.Connection,
    kind: str,
    keys: Sequence[str],
    project: str | None,
    session_id: str | None = None,
    one_off_at: float | None = None,
) -> list[StoredLesson]:
    """TRIGGER_COLUMNS of the active lessons (tier active or core, global or of `project`) whose
    trigger is of `kind` and keyed by none or one of `keys` (first command words, or a path), and
    the candidates among them (one failing session: not yet a lesson) that may speak
    (lesson_model/decision.py): those of `project` whose stored confidence is at least
    `one_off_at` (a note), and those that failed in session `session_id` (they speak there while
    the call they taught about keeps failing)."""
    query, values = trigger_query(kind, keys, project, session_id, one_off_at)
    found: list[StoredLesson] = _rows(conn, StoredLesson).execute(query, values).fetchall()
    return found


def trigger_query(
    kind: str,
    keys: Sequence[str],
    project: str | None,
    session_id: str | None = None,
    one_off_at: float | None = None,
) -> tuple[str, list[object]]:
    """`trigger_candidates`' query and its values: two look-ups of the index on (trigger_kind,
    trigger_key), the unkeyed lessons then the keyed ones (written as one OR, SQLite would use the
    kind alone and read every lesson of the kind); a candidate's failures in the session are looked
    up by its id (lesson_evidence_lesson), only for the candidates the index found."""
    either: list[str] = []
    here: list[object] = []
    if one_off_at is not None and project is not None:
        either.append("(project = ? AND COALESCE(learned_confidence, confidence) >= ?)")
        here += [project, one_off_at]
    if session_id is not None:
        either.append(
            "EXISTS (SELECT 1 FROM lesson_evidence e WHERE e.lesson_id = lessons.id AND e.session_id = ?"
            " AND e.role = 'failure')"
        )
        here.append(session_id)
    tiers = "tier IN ('active', 'core')"
    if either:
        tiers = f"(tier IN ('active', 'core') OR (tier = 'candidate' AND ({' OR '.join(either)})))"
    chosen = """SELECT {columns} FROM lessons
            WHERE trigger_kind = ? AND {key_test} AND status = 'active' AND {tiers}
              AND (scope = 'global' OR project = ?)"""
    query = chosen.format(columns=TRIGGER_COLUMNS, key_test="trigger_key IS NULL", tiers=tiers)
    values: list[object] = [kind, *here, project]
    if keys:
        marks = ", ".join("?" * len(keys))
        query += " UNION ALL " + chosen.format(
            columns=TRIGGER_COLUMNS, key_test=f"trigger_key IN ({marks})", tiers=tiers
        )
        values += [kind, *keys, *here, project]
    return query, values


class StartLesson:
    """A lesson as SessionStart considers it (session_start_candidates' columns, by name). (A plain
    class: the hooks import no dataclasses or typing.)"""

    __slots__ = (
        "category",
        "confidence",
        "failed_sessions",
        "id",
        "kind",
        "last_seen",
        "learned_confidence",
        "observations",
        "origin",
        "prevention",
        "prevention_command",
        "sessions",
        "severity",
        "title",
        "trigger",
    )

    def __init__(self, row: Sequence[Any]) -> None:
        (
            lesson_id,
            title,
            prevention,
            prevention_command,
            failed_sessions,
            observations,
            sessions,
            confidence,
            last_seen,
            severity,
            category,
            trigger,
            learned_confidence,
            origin,
            kind,
        ) = row
        self.id = int(lesson_id)
        self.title = str(title or "")
        self.prevention = _text(prevention)
        self.prevention_command = _text(prevention_command)
        self.failed_sessions = int(failed_sessions or 0)
        self.observations = int(observations or 0)
        self.sessions = int(sessions or 0)
        self.confidence = float(confidence or 0.0)
        self.last_seen = _text(last_seen)
        self.severity = _text(severity)
        self.category = _text(category)
        self.trigger = _text(trigger)  # the trigger's JSON
        self.learned_confidence = None if learned_confidence is None else float(learned_confidence)
        self.origin = _text(origin)  # another's lesson is quoted whole (context_block)
        self.kind = _text(kind)


def session_start_candidates(
    conn: sqlite3.Connection,
    min_confidence: float,
    project: str | None,
    limit: int,
    given: Collection[int] = (),
) -> list[StartLesson]:
    """The active lessons of tier
    active or core, global or of `project`, with a stored confidence of at least `min_confidence`: the
    `limit` most confident (read in `lessons_confidence`'s order, m039: the rows kept and those
    skipped on the way, not every active lesson), less those in `given` (the lessons the session
    was given already: they count in the limit, and only the others' rows are read whole)."""
    # Each tier read in `lessons_confidence`'s order up to the limit (m039), the two merged.
    if not given:
        tier = """SELECT * FROM (
                      SELECT id, title, prevention, prevention_command, failed_sessions, observations, sessions,
                             confidence, last_seen, severity, category, trigger, learned_confidence, origin, kind
                      FROM lessons
                      WHERE tier = ? AND status = 'active' AND confidence >= ? AND (scope = 'global' OR project = ?)
                      ORDER BY confidence DESC, id LIMIT ?)"""
        return (
            _rows(conn, StartLesson)
            .execute(
                f"{tier} UNION ALL {tier} ORDER BY confidence DESC, id LIMIT ?",
                ("active", min_confidence, project, limit, "core", min_confidence, project, limit, limit),
            )
            .fetchall()
        )
    # A session given many lessons (a long one resumed and compacted often) reads the ids of the
    # limit's lessons first, then the whole rows of those not given: not the texts of all it was given.
    import json

    tier = """SELECT * FROM (
                  SELECT id, confidence FROM lessons
                  WHERE tier = ? AND status = 'active' AND confidence >= ? AND (scope = 'global' OR project = ?)
                  ORDER BY confidence DESC, id LIMIT ?)"""
    return (
        _rows(conn, StartLesson)
        .execute(
            f"""SELECT l.id, l.title, l.prevention, l.prevention_command, l.failed_sessions, l.observations,
                   l.sessions, l.confidence, l.last_seen, l.severity, l.category, l.trigger, l.learned_confidence,
                   l.origin, l.kind
            FROM ({tier} UNION ALL {tier} ORDER BY confidence DESC, id LIMIT ?) AS top
            JOIN lessons AS l ON l.id = top.id
            WHERE top.id NOT IN (SELECT value FROM json_each(?))
            ORDER BY top.confidence DESC, top.id""",
            (
                "active",
                min_confidence,
                project,
                limit,
                "core",
                min_confidence,
                project,
                limit,
                limit,
                json.dumps(sorted(given)),
            ),
        )
        .fetchall()
    )


# --- hook_spool ----------------------------------------------------------------------------------


def applied_spool_files(conn: sqlite3.Connection) -> set[str]:
    """The names of the spool's files applied already (sqlite3.OperationalError on a store from
    before the spool)."""
    return {row[0] for row in conn.execute("SELECT name FROM hook_spool")}


def begin_spooled(conn: sqlite3.Connection) -> None:
    """A savepoint around one spooled file's writes (inside the caller's transaction)."""
    conn.execute("SAVEPOINT spooled")


def undo_spooled(conn: sqlite3.Connection) -> None:
    conn.execute("ROLLBACK TO spooled")


def end_spooled(conn: sqlite3.Connection) -> None:
    conn.execute("RELEASE spooled")


def mark_spool_applied(conn: sqlite3.Connection, name: str, ts: str) -> None:
    conn.execute("INSERT OR IGNORE INTO hook_spool (name, applied_at) VALUES (?, ?)", (name, ts))


def forget_spool_files(conn: sqlite3.Connection, names: Iterable[str]) -> None:
    """Forget applied names whose files are gone (every name is new: never listed again)."""
    conn.executemany("DELETE FROM hook_spool WHERE name = ?", [(n,) for n in names])


# The id prefix of a call the hooks stored live whose agent names no call id in its hook payloads
# (Gemini CLI: agents/gemini/hooks.py): the transcript names it otherwise.
UNNAMED_CALL_PREFIX = "hook-call:"


def drop_ingested_live_calls(conn: sqlite3.Connection) -> int:
    """Delete the calls the hooks stored live that the store now holds from a transcript; in one
    transaction. Returns how many went. A call the hooks had to name (UNNAMED_CALL_PREFIX) is in
    the transcript once the transcript holds a message of its session written after it."""
    from lessonloop.store.transaction import transaction

    with transaction(conn):
        cursor = conn.execute(
            """DELETE FROM live_calls WHERE id IN (SELECT id FROM tool_calls)
                  OR (substr(id, 1, ?) = ? AND EXISTS (SELECT 1 FROM messages m
                      WHERE m.session_id = live_calls.session_id AND m.ts >= live_calls.ts))""",
            (len(UNNAMED_CALL_PREFIX), UNNAMED_CALL_PREFIX),
        )
    return cursor.rowcount


def last_left_open(conn: sqlite3.Connection, project: str | None, session_id: str) -> tuple[str, str] | None:
    """(session id, what it left open as JSON: analyze/left_open.py) of the latest analyzed session
    of `project` that made a call, other than `session_id`; None when there is none (or it was
    analyzed before the analysis said what it left open). Read by the project's index, newest
    first: the whole analysis is not parsed, only its `left_open`."""
    if project is None:
        return None
    row = conn.execute(
        """SELECT session_id, json_extract(detail, '$.left_open') FROM session_executions
           WHERE project = ? AND session_id != ? AND tool_calls > 0
           ORDER BY started_at DESC LIMIT 1""",
        (project, session_id),
    ).fetchone()
    if row is None or not row[1]:
        return None
    return str(row[0]), str(row[1])


def continuity_told(conn: sqlite3.Connection, session_id: str) -> bool:
    """Whether the session was told already what the project's last session left open (a
    SessionStart decision naming it: `continuity_from`), at a start before this one (a resume)."""
    row = conn.execute(
        """SELECT 1 FROM hook_decisions WHERE session_id = ? AND event = 'SessionStart'
           AND detail LIKE '%"continuity_from"%' LIMIT 1""",
        (session_id,),
    ).fetchone()
    return row is not None
