"""What learning reads from the store, a part at a time: every call in learning's order through a
cursor (a full relearn never holds the history), the calls and corrections at or after a time
(incremental learning), one main session's (to check that what was learned from it is unchanged),
calls by id, and the warnings the hooks gave.

Learning's order: each call's time (a call without one: its session's start), then its context,
then its place in the context; a correction after every call of its time or before (see
learn/history.History.stream). A digest of a session's inputs is the sum of one hash per call,
correction and warning, so that it can be extended by the inputs after a boundary without reading
the ones before again.
"""

from __future__ import annotations

import hashlib
import heapq
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop import json_codec
from lessonloop.learn.events import CallEvent
from lessonloop.learn.history import CorrectionEvent
from lessonloop.pipeline.learning_prompts import PROMPT_CHARS, PROMPTS_ORDER, PROMPTS_SELECT
from lessonloop.store.session_reader import CALL_COLUMNS, call_from_row

# Learning reads neither a result's text nor an edit's diff (analysis does): NULL in their place
# (they were more than half the bytes a full learn read, hashed and dropped).
_NOT_LEARNED = frozenset({"result_text", "diff"})
_T_COLUMNS = ", ".join(
    "NULL" if name.strip() in _NOT_LEARNED else f"t.{name.strip()}" for name in CALL_COLUMNS.split(",")
)
_WIDTH = len(CALL_COLUMNS.split(","))
_FROM = """FROM tool_calls t
    JOIN sessions s ON s.id = t.session_id
    JOIN sessions m ON m.id = coalesce(s.parent_id, s.id)
    LEFT JOIN call_errors e ON e.tool_use_id = t.id"""
_KEY = "coalesce(nullif(t.ts, ''), coalesce(s.started_at, m.started_at), '')"  # = CallEvent.ts
CALL_SELECT = f"SELECT {_T_COLUMNS}, m.id, m.project, m.git_branch, m.cwd, m.agent, e.class, coalesce(s.started_at, m.started_at) {_FROM}"
CORRECTIONS_SELECT = """SELECT a.session_id, a.message_uuid, a.label, a.detail, m.project, m.started_at, a.id
    FROM analysis_signals a JOIN sessions m ON m.id = a.session_id WHERE a.kind = 'correction'"""
_MOD = 1 << 128
_CHUNK = 500


@dataclass(slots=True)
class Item:
    """A call or a correction with the hash of the rows it was read from."""

    event: CallEvent | CorrectionEvent
    digest: int
    corrected_ids: list[str] = field(default_factory=list)  # a correction's calls, read when it is learned
    warned: list[str] = field(default_factory=list)  # a call's lessons a PreToolUse hook warned about

    @property
    def ts(self) -> str:
        event = self.event
        return event.ts if isinstance(event, CallEvent) else (event.ts or "")

    @property
    def session_id(self) -> str:
        return self.event.session_id


def item_hash(*parts: object) -> int:
    """128 bits of blake2b over the parts: a text as it is, any other value as its repr, with a
    unit separator between them. (The repr of the whole row, which escapes every text, was most
    of the time a full learn spent reading the store.)"""
    text = "\x1f".join(part if type(part) is str else repr(part) for part in parts)
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(), "big")


def add_digest(digest: int, value: int) -> int:
    return (digest + value) % _MOD


def digest_text(digest: int) -> str:
    return f"{digest:032x}"


def call_event(row: Sequence[Any]) -> CallEvent:
    """The call of a `CALL_SELECT` row, with its main session's facts and its error class (a failure
    analysis has not classified: classified here)."""
    call = call_from_row(row[:_WIDTH])
    root, proj, branch, cwd, agent, error_class, started_at = row[_WIDTH : _WIDTH + 7]
    event = CallEvent(call, root, proj, branch, cwd, error_class, agent, None, started_at)
    if call.status == "error" and error_class is None:
        _classify(event)
    return event


def _call_item(row: Sequence[Any], warnings: dict[str, list[str]]) -> Item:
    event = call_event(row)
    call = event.call
    digest = item_hash("call", *row[: _WIDTH + 7])
    warned = warnings.get(call.id) or []
    if warned:
        digest = add_digest(digest, item_hash("warned", call.id, tuple(warned)))
    return Item(event, digest, warned=warned)


def _classify(event: CallEvent) -> None:
    """Classify a failure analysis has not seen yet (a store ingested with --no-analyze)."""
    from lessonloop.analyze.error_classes import classify_call

    found = classify_call(event.call)
    if found is not None:
        event.error_class = found.label


def correction_item(row: Sequence[Any]) -> Item:
    session_id, message_uuid, label, detail, proj, started_at, _rowid = row
    try:
        data = json_codec.loads(detail) if detail else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    event = CorrectionEvent(
        session_id=session_id,
        project=proj,
        message_uuid=message_uuid or "",
        ts=data.get("ts") or started_at,  # an agent that writes no times: the session's start
        kind=label or str(data.get("kind") or ""),
        text=str(data.get("text") or ""),
    )
    ids = [str(i) for i in data.get("corrected_tool_use_ids") or () if isinstance(i, str)]
    return Item(event, item_hash("correction", *row[:6]), ids)


def correction_order(item: Item) -> tuple[str, str]:
    event = item.event
    assert isinstance(event, CorrectionEvent)
    return (event.ts or "", event.message_uuid)


def call_order(item: Item) -> tuple[str, str, int]:
    event = item.event
    assert isinstance(event, CallEvent)
    return (event.ts, event.call.context_id, event.call.seq)


# ---------------------------------------------------------------------------- readers


def all_calls(conn: sqlite3.Connection, warnings: dict[str, list[str]]) -> Iterator[Item]:
    """Every call in learning's order, through a cursor: the calls with a time in the order of the
    time index, merged with those without one (by their session's start). One ORDER BY over the
    whole key sorted every row, wide columns and all, in a temporary b-tree."""
    timed = conn.execute(f"{CALL_SELECT} WHERE t.ts > '' ORDER BY t.ts, t.session_id, t.seq")
    untimed = conn.execute(f"{CALL_SELECT} WHERE t.ts IS NULL OR t.ts = '' ORDER BY {_KEY}, t.session_id, t.seq")
    for row in heapq.merge(timed, untimed, key=_row_order):
        yield _call_item(row, warnings)


def _row_order(row: Sequence[Any]) -> tuple[str, str, int]:
    """A `CALL_SELECT` row's place in learning's order (`_KEY`, then its session and place)."""
    return (row[3] or row[_WIDTH + 6] or "", row[1], row[2])


def calls_from(
    conn: sqlite3.Connection, boundary: str, warnings: Callable[[list[str]], dict[str, list[str]]]
) -> list[Item]:
    """The calls whose learning time is `boundary` or later, in learning's order (by the time
    index; calls without a time by their session's start)."""
    rows = conn.execute(f"{CALL_SELECT} WHERE t.ts >= ? AND t.ts != ''", (boundary,)).fetchall()
    rows += conn.execute(
        f"{CALL_SELECT} WHERE (t.ts IS NULL OR t.ts = '') AND t.session_id IN "
        "(SELECT s2.id FROM sessions s2 LEFT JOIN sessions m2 ON m2.id = s2.parent_id "
        " WHERE coalesce(s2.started_at, m2.started_at, '') >= ?)",
        (boundary,),
    ).fetchall()
    warned = warnings([row[0] for row in rows])
    items = [_call_item(row, warned) for row in rows]
    items = [item for item in items if item.ts >= boundary]
    items.sort(key=call_order)
    return items


def calls_by_id(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, CallEvent]:
    found: dict[str, CallEvent] = {}
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start : start + _CHUNK]
        marks = ", ".join("?" * len(part))
        for row in conn.execute(f"{CALL_SELECT} WHERE t.id IN ({marks})", part):
            event = call_event(row)
            found[event.call.id] = event
    return found


def session_calls(conn: sqlite3.Connection, root: str, warnings: dict[str, list[str]]) -> list[Item]:
    """The calls of main session `root` and its subagents."""
    rows = conn.execute(f"{CALL_SELECT} WHERE s.id = ? OR s.parent_id = ?", (root, root)).fetchall()
    return [_call_item(row, warnings) for row in rows]


def all_corrections(conn: sqlite3.Connection) -> list[Item]:
    """Every correction, in learning's order (few: a person's words)."""
    items = [correction_item(row) for row in conn.execute(CORRECTIONS_SELECT)]
    items.sort(key=correction_order)
    return items


def session_corrections(conn: sqlite3.Connection, roots: Iterable[str]) -> list[Item]:
    """The corrections of these main sessions, in learning's order."""
    items: list[Item] = []
    for root in dict.fromkeys(roots):
        items += [correction_item(row) for row in conn.execute(f"{CORRECTIONS_SELECT} AND a.session_id = ?", (root,))]
    items.sort(key=correction_order)
    return items


def all_warnings(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """tool_use_id -> signatures of the lessons a PreToolUse hook warned about on that call."""
    return _warnings(conn, "", ())


def warnings_for(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for start in range(0, len(ids), _CHUNK):
        part = list(ids[start : start + _CHUNK])
        out.update(_warnings(conn, f" AND tool_use_id IN ({', '.join('?' * len(part))})", part))
    return out


def session_warnings(conn: sqlite3.Connection, root: str) -> dict[str, list[str]]:
    return _warnings(
        conn,
        " AND tool_use_id IN (SELECT t.id FROM tool_calls t JOIN sessions s ON s.id = t.session_id"
        " WHERE s.id = ? OR s.parent_id = ?)",
        (root, root),
    )


def _warnings(conn: sqlite3.Connection, where: str, args: Sequence[str]) -> dict[str, list[str]]:
    rows = conn.execute(
        "SELECT tool_use_id, lessons FROM hook_decisions WHERE event = 'PreToolUse' AND action != 'none'"
        f" AND tool_use_id IS NOT NULL AND lessons IS NOT NULL{where} ORDER BY id",
        tuple(args),
    ).fetchall()
    if not rows:
        return {}
    signatures = dict(conn.execute("SELECT id, signature FROM lessons"))
    out: dict[str, list[str]] = {}
    for tool_use_id, lessons in rows:
        try:
            ids = json_codec.loads(lessons)
        except ValueError:
            continue
        found = [signatures[i] for i in ids if i in signatures] if isinstance(ids, list) else []
        if found:
            out.setdefault(tool_use_id, []).extend(found)
    return out


def last_calls(conn: sqlite3.Connection) -> dict[str, str]:
    """Each main session's last call in learning's order."""
    return dict(
        conn.execute(
            f"""SELECT root, id FROM (
                  SELECT m.id AS root, t.id AS id,
                         row_number() OVER (PARTITION BY m.id ORDER BY {_KEY} DESC, t.session_id DESC, t.seq DESC) AS n
                  FROM tool_calls t JOIN sessions s ON s.id = t.session_id
                  JOIN sessions m ON m.id = coalesce(s.parent_id, s.id))
                WHERE n = 1"""
        )
    )


def latest_time(conn: sqlite3.Connection) -> str:
    """The latest learning time of any call (by the time index; calls without a time: their
    session's start)."""
    timed = conn.execute("SELECT max(ts) FROM tool_calls").fetchone()[0] or ""
    untimed = ""
    for empty in ("t.ts IS NULL", "t.ts = ''"):  # each by the time index
        found = conn.execute(
            f"""SELECT max(coalesce(s.started_at, m.started_at)) FROM tool_calls t
                JOIN sessions s ON s.id = t.session_id LEFT JOIN sessions m ON m.id = s.parent_id WHERE {empty}"""
        ).fetchone()[0]
        untimed = max(untimed, found or "")
    return max(timed, untimed)


def roots_of(conn: sqlite3.Connection, ids: Iterable[str]) -> tuple[set[str], set[str]]:
    """The main sessions of these sessions (main or subagent), and the ids the store no longer has."""
    wanted = list(dict.fromkeys(ids))
    roots: set[str] = set()
    known: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start : start + _CHUNK]
        marks = ", ".join("?" * len(part))
        for sid, root in conn.execute(f"SELECT id, coalesce(parent_id, id) FROM sessions WHERE id IN ({marks})", part):
            known.add(sid)
            roots.add(root)
    return roots, set(wanted) - known


def session_models(conn: sqlite3.Connection, roots: Iterable[str]) -> dict[str, str]:
    """Each of these main sessions' most used model (its subagents' calls included)."""
    out: dict[str, str] = {}
    for root in dict.fromkeys(roots):
        row = conn.execute(
            """SELECT u.model, count(*) AS n FROM token_usage u
               WHERE u.model NOT LIKE '<%' AND u.session_id IN (SELECT id FROM sessions WHERE id = ? OR parent_id = ?)
               GROUP BY u.model ORDER BY n DESC, u.model LIMIT 1""",
            (root, root),
        ).fetchone()
        if row is not None:
            out[root] = row[0]
    return out


# ---------------------------------------------------------------------------- prompts


class SessionPrompts(Mapping[str, Sequence[tuple[str, str]]]):
    """The person's prompts of a main session (pipeline/learning_prompts.load_prompts, one
    session at a time): read from the store when the learner asks for a session's, the last
    few kept. Memory stays bounded however many sessions the store holds."""

    def __init__(self, conn: sqlite3.Connection, keep: int = 64) -> None:
        self._conn = conn
        self._keep = keep
        self._cache: dict[str, list[tuple[str, str]]] = {}
        self._any = conn.execute("SELECT 1 FROM messages WHERE kind = 'prompt' AND text IS NOT NULL LIMIT 1").fetchone()

    def __getitem__(self, root: str) -> Sequence[tuple[str, str]]:
        found = self._cache.pop(root, None)
        if found is None:
            found = [(ts, text) for _root, ts, text in session_prompts(self._conn, root)]
        self._cache[root] = found  # the most recent last
        if len(self._cache) > self._keep:
            del self._cache[next(iter(self._cache))]
        if not found:
            raise KeyError(root)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(root for root, _ts, _text in all_prompts(self._conn)))

    def __len__(self) -> int:
        return 1 if self._any else 0  # only asked whether there is any (Learner.decide)


def session_prompts(conn: sqlite3.Connection, root: str) -> list[tuple[str, str, str]]:
    """(main session, time, text) of its prompts and its subagents', in learning_prompts' order."""
    return [
        (root, ts, text)
        for _root, ts, text in conn.execute(
            f"{PROMPTS_SELECT} AND (s.id = ? OR s.parent_id = ?){PROMPTS_ORDER}", (PROMPT_CHARS, root, root)
        )
    ]


def all_prompts(conn: sqlite3.Connection) -> Iterator[tuple[str, str, str]]:
    """(main session, time, text) of every prompt, through a cursor."""
    yield from conn.execute(PROMPTS_SELECT, (PROMPT_CHARS,))


def prompt_hash(root: str, ts: str, text: str) -> int:
    return item_hash("prompt", root, ts, text)
