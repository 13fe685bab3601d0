"""The store's session search: the places whose text holds the words (search_fts, FTS5 bm25),
placed in their sessions, filtered, best first with the latest first among equals, one hit per
place, and a snippet of each with the words marked."""

from __future__ import annotations

import re
import sqlite3

from lessonloop.store.search.hits import SearchFilters, SearchHit
from lessonloop.store.search.query_text import SearchQuery

MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters around a word found (snippet())
SNIPPET_TOKENS = 16  # words of a snippet (FTS5's snippet(): at most 64)
FIRST_TAKE = 200  # the best places taken first; more, eight times as many each time, while filters drop too many

_SPACES = re.compile(r"\s+")


class NoSearchIndex(LookupError):
    """The store has no search index (a store opened read-only before m044 made it)."""


def search(conn: sqlite3.Connection, query: SearchQuery, filters: SearchFilters, limit: int) -> list[SearchHit]:
    """The best `limit` hits of `query` passing `filters` (the places a writer left unindexed
    indexed first, when this connection may write)."""
    _index_leftovers(conn)
    take = max(FIRST_TAKE, limit * 4)
    while True:
        try:
            rows, complete = _ranked(conn, query, filters, take)
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                raise NoSearchIndex("this store has no search index yet: run any command that writes it once") from None
            raise
        if complete or len(rows) >= limit:
            break
        take *= 8
    hits = [_hit(row) for row in rows[:limit]]
    add_snippets(conn, query, hits)
    return hits


def _kind_condition(filters: SearchFilters) -> tuple[str, tuple[str, ...]]:
    """The places' part of the filters, on `p` (search_places)."""
    kinds = filters.kinds or ()
    where = f" AND p.kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
    if filters.calls_only():
        where += " AND p.call_id IS NOT NULL"
    return where, tuple(kinds)


def _index_leftovers(conn: sqlite3.Connection) -> None:
    from lessonloop.store.search.index_upkeep import index_new_places, unindexed
    from lessonloop.store.transaction import StoreError, transaction

    try:
        if unindexed(conn):
            with transaction(conn):
                index_new_places(conn)
    except (sqlite3.OperationalError, StoreError):
        pass  # read-only, busy, or no index yet: searched as it is


def _ranked(
    conn: sqlite3.Connection, query: SearchQuery, filters: SearchFilters, take: int
) -> tuple[list[tuple[object, ...]], bool]:
    """The hits among the `take` best places (whether those were every place matched), filtered,
    one per place (a call's command, error and paths are one place: its best), best first."""
    where_kind, kinds = _kind_condition(filters)
    matched = f"""
        SELECT p.id, p.kind, p.message_id, p.call_id, p.repository_id, p.hash, search_fts.rank AS rank
        FROM search_fts JOIN search_places p ON p.id = search_fts.rowid
        WHERE search_fts MATCH ?{where_kind}
        ORDER BY search_fts.rank LIMIT ?"""
    rows = _placed(conn, matched, (query.match, *kinds, take), filters)
    taken = conn.execute(
        f"""SELECT count(*) FROM (SELECT 1 FROM search_fts JOIN search_places p ON p.id = search_fts.rowid
            WHERE search_fts MATCH ?{where_kind} LIMIT ?)""",
        (query.match, *kinds, take + 1),
    ).fetchone()[0]
    return rows, int(taken) <= take


def hits_of_places(
    conn: sqlite3.Connection, places: list[tuple[int, float]], filters: SearchFilters
) -> list[SearchHit]:
    """These places (place, score: higher is better) as hits passing `filters`, one per place,
    best first; without snippets (`add_snippets` gives those of the places holding the words)."""
    if not places:
        return []
    from lessonloop.core import json_codec

    where_kind, kinds = _kind_condition(filters)
    matched = f"""
        SELECT p.id, p.kind, p.message_id, p.call_id, p.repository_id, p.hash, -json_extract(j.value, '$[1]') AS rank
        FROM json_each(?) j JOIN search_places p ON p.id = json_extract(j.value, '$[0]')
        WHERE 1{where_kind}"""
    given = json_codec.dumps([[place, score] for place, score in places])
    return [_hit(row) for row in _placed(conn, matched, (given, *kinds), filters)]


def _placed(
    conn: sqlite3.Connection, matched: str, values: tuple[object, ...], filters: SearchFilters
) -> list[tuple[object, ...]]:
    """The places `matched` (SQL giving search_places' columns and a rank: lower is better) in
    their sessions, passing `filters`, one per place, best first (the latest first among equals)."""
    given = [
        (condition, value)
        for condition, value in (
            ("s.agent = ?", filters.agent),
            ("coalesce(parent.project, s.project) = ?", filters.project),
            ("y.ts >= ?", filters.since),
            ("y.ts < ?", filters.until),
            ("lower(y.tool) = lower(?)", filters.tool),
        )
        if value is not None
    ]
    conditions = [condition for condition, _value in given] + (["y.status = 'error'"] if filters.failed else [])
    more = [value for _condition, value in given]
    where = " AND ".join(conditions) or "1"
    session_of_other, ts_of_other = _other_places()
    return conn.execute(
        f"""
        WITH matched AS ({matched}
        ), placed AS (
            SELECT x.*,
                CASE WHEN x.message_id IS NOT NULL THEN m.session_id
                     WHEN x.call_id IS NOT NULL THEN c.session_id
                     ELSE {session_of_other}
                END AS session_id,
                CASE WHEN x.message_id IS NOT NULL THEN m.ts WHEN x.call_id IS NOT NULL THEN c.ts
                     ELSE {ts_of_other} END AS ts,
                m.uuid AS uuid, c.tool AS tool, c.status AS status
            FROM matched x
            LEFT JOIN messages m ON m.id = x.message_id
            LEFT JOIN tool_calls c ON c.id = x.call_id
        ), kept AS (
            SELECT y.*, s.agent AS agent, coalesce(s.parent_id, s.id) AS main_id,
                   CASE WHEN s.parent_id IS NOT NULL THEN s.agent_id END AS subagent,
                   coalesce(parent.project, s.project) AS project,
                   row_number() OVER (PARTITION BY coalesce(y.call_id, 'place ' || y.id) ORDER BY y.rank, y.id) AS nth
            FROM placed y JOIN sessions s ON s.id = y.session_id
            LEFT JOIN sessions parent ON parent.id = s.parent_id
            WHERE {where}
        )
        SELECT id, kind, main_id, subagent, agent, project, ts, rank, tool, status, call_id, uuid, hash
        FROM kept WHERE nth = 1
        ORDER BY rank, ts IS NULL, ts DESC, id
        """,
        (*values, *more),
    ).fetchall()


def _other_places() -> tuple[str, str]:
    """The session and the time of a place that is neither a message nor a call: SQL over the
    place `x` that the wing whose place it is declares (search_places: the history wing's linked
    commits); NULL without such a wing (no such place is made then)."""
    from lessonloop.core.wings import wings

    sessions, times = [], []
    for wing in wings():
        module = wing.search_places()
        if module is None:
            continue
        sessions.append(str(module.SESSION_SQL))
        times.append(str(module.TS_SQL))
    if not sessions:
        return "NULL", "NULL"
    if len(sessions) == 1:
        return sessions[0], times[0]
    return f"coalesce({', '.join(sessions)})", f"coalesce({', '.join(times)})"


def _hit(row: tuple[object, ...]) -> SearchHit:
    place, kind, main_id, subagent, agent, project, ts, rank, tool, status, call_id, uuid, commit = row
    return SearchHit(
        place=int(str(place)),
        kind=str(kind),
        session_id=str(main_id),
        subagent=str(subagent) if subagent is not None else None,
        agent=str(agent),
        project=str(project) if project is not None else None,
        ts=str(ts) if ts is not None else None,
        score=-float(str(rank)),
        tool=str(tool) if tool is not None else None,
        status=str(status) if status is not None else None,
        call_id=str(call_id) if call_id is not None else None,
        message=str(uuid) if uuid is not None and call_id is None and commit is None else None,
        commit=str(commit) if commit is not None else None,
    )


def add_snippets(conn: sqlite3.Connection, query: SearchQuery, hits: list[SearchHit]) -> None:
    """Each hit's snippet (FTS5 snippet(): the words found and a few around them, on one line);
    a hit whose place does not hold the words keeps its snippet."""
    if not hits:
        return
    by_place = {hit.place: hit for hit in hits}
    marks = ", ".join("?" * len(by_place))
    # One pass over the places matched between the first and the last hit, a snippet made only for
    # the hits: `rowid IN (...)` made FTS5 evaluate the query once per hit, and a prefix (`t*`)
    # expands to every word it starts at each time (2.3 s for 50 hits of `t*` on a store of 29k
    # places, 0.06 s so).
    rows = conn.execute(
        f"""SELECT rowid, CASE WHEN rowid IN ({marks}) THEN snippet(search_fts, 0, ?, ?, '…', ?) END
            FROM search_fts WHERE search_fts MATCH ? AND rowid BETWEEN ? AND ?""",
        (*by_place, MARK_START, MARK_END, SNIPPET_TOKENS, query.match, min(by_place), max(by_place)),
    ).fetchall()
    for place, text in rows:
        hit = by_place.get(int(place))
        if hit is not None and text is not None:
            hit.snippet, hit.marks = marked(_SPACES.sub(" ", str(text)).strip())


def marked(text: str) -> tuple[str, list[tuple[int, int]]]:
    """`text` without the marks snippet() put around the words found, and where they were."""
    out: list[str] = []
    marks: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for char in text:
        if char == MARK_START:
            start = length
        elif char == MARK_END:
            if start is not None and length > start:
                marks.append((start, length))
            start = None
        else:
            out.append(char)
            length += 1
    return "".join(out), marks
