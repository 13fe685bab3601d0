"""Read stored sessions back as analysis inputs, and fingerprint them to skip unchanged ones.

A main session and its subagents load together as one `SessionInput`; the fingerprint of a
session changes whenever any of its calls, results or messages change.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from lessonloop.analyze.inputs import Call, Context, Message, SessionInput
from lessonloop.core import json_codec

_FINGERPRINTS = """
WITH tree AS (SELECT id, coalesce(parent_id, id) AS root FROM sessions {only_tree}),
calls AS (
    SELECT t.root, count(*) AS n, total(c.seq) AS seqs, total(coalesce(c.result_seq, -1)) AS results,
           total(length(coalesce(c.status, ''))) AS statuses
    FROM tool_calls c JOIN tree t ON t.id = c.session_id GROUP BY t.root
),
msgs AS (
    SELECT t.root, count(*) AS n, total(m.seq) AS seqs, max(m.ts) AS last_ts
    FROM messages m JOIN tree t ON t.id = m.session_id GROUP BY t.root
),
found AS (
    SELECT session_id AS root, count(*) AS n, max(id) AS last_id
    FROM findings WHERE (import_id IS NOT NULL OR run_id IS NOT NULL) AND session_id IS NOT NULL GROUP BY session_id
)
SELECT s.id, s.project,
       coalesce(calls.n, 0), coalesce(calls.seqs, 0), coalesce(calls.results, 0), coalesce(calls.statuses, 0),
       coalesce(msgs.n, 0), coalesce(msgs.seqs, 0), msgs.last_ts,
       coalesce(found.n, 0), coalesce(found.last_id, 0),
       (SELECT count(*) FROM sessions k WHERE k.parent_id = s.id)
FROM sessions s
LEFT JOIN calls ON calls.root = s.id
LEFT JOIN msgs ON msgs.root = s.id
LEFT JOIN found ON found.root = s.id
WHERE s.parent_id IS NULL {only}
"""


def session_fingerprints(
    conn: sqlite3.Connection, salt: str, roots: Sequence[str] | None = None
) -> dict[str, tuple[str | None, str]]:
    """Main session id -> (its project, a fingerprint of everything stored for it and `salt`);
    of the main sessions `roots` only when given (read by their indexes: no scan of the store)."""
    if roots is None:
        rows: Iterable[Sequence[Any]] = conn.execute(_FINGERPRINTS.format(only_tree="", only=""))
    else:
        rows = []
        for part in _chunks(list(dict.fromkeys(roots))):
            marks = ", ".join("?" * len(part))
            query = _FINGERPRINTS.format(
                only_tree=f"WHERE id IN ({marks}) OR parent_id IN ({marks})", only=f"AND s.id IN ({marks})"
            )
            rows += conn.execute(query, [*part, *part, *part]).fetchall()
    result: dict[str, tuple[str | None, str]] = {}
    for row in rows:
        digest = hashlib.blake2b(salt.encode(), digest_size=12)
        digest.update(repr(row[1:]).encode())
        result[row[0]] = (row[1], digest.hexdigest())
    return result


CALL_COLUMNS = (
    "id, session_id, seq, ts, tool, input_json, target_path, command, cwd, status, exit_code, "
    "error_text, result_text, result_seq, result_ts, diff, subagent_id, kind, paths_json"
)
# Analysis reads the person's words only: other messages' texts stay in the store.
_PERSON_KINDS = ("prompt", "rejection", "interrupt", "command")
_MESSAGE_COLUMNS = (
    "session_id, uuid, seq, ts, role, kind, "
    f"CASE WHEN kind IN ({', '.join(repr(k) for k in _PERSON_KINDS)}) THEN text END, tool_use_id"
)


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def call_from_row(r: Sequence[Any]) -> Call:
    """A Call from a row of `SELECT {CALL_COLUMNS} FROM tool_calls`."""
    # positional: the columns are in the order of Call's fields (a call per stored tool call)
    return Call(
        r[0],  # id
        r[1],  # context_id
        r[2],  # seq
        r[3],  # ts
        r[4],  # tool
        _parse_input(r[5]),
        r[6],  # target_path
        r[7],  # command
        r[8],  # cwd
        r[9],  # status
        r[10],  # exit_code
        r[11],  # error_text
        r[12],  # result_text
        r[13],  # result_seq
        r[14],  # result_ts
        r[15],  # diff
        r[16],  # subagent_id
        r[17] or "other",  # kind
        _parse_paths(r[18]),
    )


def _parse_paths(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    try:
        value = json_codec.loads(raw)
    except ValueError:
        return ()
    return tuple(p for p in value if isinstance(p, str)) if isinstance(value, list) else ()


def _parse_input(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json_codec.loads(raw)
    except ValueError:
        return {}
    if isinstance(value, str):
        return {"input": value}  # a custom tool's free-form input (Codex's apply_patch): its one field
    return value if isinstance(value, dict) else {}


def load_sessions(conn: sqlite3.Connection, session_ids: Iterable[str], home: str | None = None) -> list[SessionInput]:
    """The main sessions named, each with its subagent contexts, in the order given."""
    wanted = list(dict.fromkeys(session_ids))
    if not wanted:
        return []
    contexts: dict[str, list[tuple[Any, ...]]] = defaultdict(list)  # root -> session rows
    for part in _chunks(wanted):
        marks = ", ".join("?" * len(part))
        for row in conn.execute(
            f"""SELECT id, coalesce(parent_id, id), kind, parent_id, cwd, project, agent, started_at, ended_at
                FROM sessions WHERE id IN ({marks}) OR parent_id IN ({marks})
                ORDER BY parent_id IS NOT NULL, id""",
            [*part, *part],
        ):
            contexts[row[1]].append(row)
    context_ids = [row[0] for rows in contexts.values() for row in rows]
    calls: dict[str, list[Call]] = defaultdict(list)
    messages: dict[str, list[Message]] = defaultdict(list)
    for part in _chunks(context_ids):
        marks = ", ".join("?" * len(part))
        for r in conn.execute(
            f"SELECT {CALL_COLUMNS} FROM tool_calls WHERE session_id IN ({marks}) ORDER BY session_id, seq, rowid",
            list(part),
        ):
            calls[r[1]].append(call_from_row(r))
        for r in conn.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE session_id IN ({marks}) ORDER BY session_id, seq, rowid",
            list(part),
        ):
            messages[r[0]].append(
                Message(
                    context_id=r[0], uuid=r[1], seq=r[2], ts=r[3], role=r[4], kind=r[5], text=r[6], tool_use_id=r[7]
                )
            )
    sessions: list[SessionInput] = []
    for root in wanted:
        rows = contexts.get(root)
        if not rows:
            continue
        built = tuple(
            Context(
                id=row[0],
                kind=row[2],
                parent_id=row[3],
                cwd=row[4],
                calls=tuple(calls.get(row[0], ())),
                messages=tuple(messages.get(row[0], ())),
            )
            for row in rows
        )
        stamps = [c.ts for ctx in built for c in ctx.calls if c.ts] + [
            m.ts for ctx in built for m in ctx.messages if m.ts
        ]
        main_row = rows[0]
        sessions.append(
            SessionInput(
                id=root,
                project=main_row[5],
                cwd=main_row[4],
                agent=main_row[6],
                # No timed record (a session opened and left at once): what the agent said, if anything.
                started_at=min(stamps) if stamps else main_row[7],
                ended_at=max(stamps) if stamps else (main_row[8] or main_row[7]),
                contexts=built,
                home=home,
            )
        )
    return sessions
