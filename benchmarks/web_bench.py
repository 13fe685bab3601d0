"""How fast the web UI's pages answer on the 16x corpus store (benchmarks/web_store.py), each
against a bare SQLite query of the same data run in this process between the requests (the
same load for both): the page's median over HTTP from a real `lessonloop serve` process, the
query's median, and their ratio. Also the first visit after a change to the store (the
dashboards' statistics and the replay computed again), in this process.

    .venv/bin/python benchmarks/web_bench.py [--rounds 15] [--db benchmarks/.cache/web16/lessonloop.db]

The issue's target: every page under 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.web_store import DEFAULT_STORE, build_store  # noqa: E402

TARGET_MS = 200.0


def pick(conn: sqlite3.Connection, sql: str) -> Any:
    row = conn.execute(sql).fetchone()
    if row is None:
        raise SystemExit(f"the store has nothing for: {sql}")
    return row[0]


def cases(conn: sqlite3.Connection) -> list[tuple[str, str, str, tuple[Any, ...]]]:
    """(name, path, the bare query of the same data, its parameters) for every page."""
    lesson = pick(conn, "SELECT lesson_id FROM lesson_evidence GROUP BY lesson_id ORDER BY count(*) DESC LIMIT 1")
    session = pick(
        conn,
        """SELECT s.id FROM sessions s JOIN tool_calls c ON c.session_id = s.id
           WHERE s.parent_id IS NULL GROUP BY s.id ORDER BY count(*) DESC LIMIT 1""",
    )
    run = pick(conn, "SELECT max(id) FROM runs")
    return [
        (
            "dashboard page /",
            "/",
            "SELECT count(*), sum(ok = 0) FROM tool_calls",
            (),
        ),
        (
            "dashboard data /api/dashboard",
            "/api/dashboard",
            "SELECT substr(ts, 1, 10), tool, count(*), sum(ok = 0) FROM tool_calls GROUP BY 1, 2",
            (),
        ),
        (
            "replay data /api/replay",
            "/api/replay",
            "SELECT substr(ts, 1, 10), count(*), sum(ok = 0) FROM tool_calls GROUP BY 1",
            (),
        ),
        (
            "lessons /lessons",
            "/lessons",
            "SELECT * FROM lessons WHERE status IN ('pending', 'active') ORDER BY status, confidence DESC",
            (),
        ),
        (
            "recall /lessons?q=git+push",
            "/lessons?q=git+push",
            'SELECT rowid FROM lessons_fts WHERE lessons_fts MATCH \'"git" "push"\'',
            (),
        ),
        (
            f"lesson /lessons/{lesson} (most evidence)",
            f"/lessons/{lesson}",
            "SELECT * FROM lesson_evidence e LEFT JOIN tool_calls t ON t.id = e.tool_use_id WHERE e.lesson_id = ?",
            (lesson,),
        ),
        (
            "sessions /sessions",
            "/sessions",
            "SELECT * FROM sessions WHERE parent_id IS NULL ORDER BY started_at DESC LIMIT 50",
            (),
        ),
        (
            "sessions filtered (agent, errors)",
            "/sessions?agent=claude-code&errors=1",
            """SELECT s.* FROM sessions s WHERE s.parent_id IS NULL AND s.agent = 'claude-code'
               AND EXISTS (SELECT 1 FROM tool_calls c WHERE c.session_id = s.id AND c.ok = 0)
               ORDER BY s.started_at DESC LIMIT 50""",
            (),
        ),
        (
            "timeline /sessions/ID (most calls)",
            f"/sessions/{session}",
            """SELECT * FROM messages WHERE session_id = ?1 UNION ALL
               SELECT id, session_id, tool, seq, ts, kind, command, target_path, status, error_text, result_text
               FROM tool_calls WHERE session_id = ?1""",
            (session,),
        ),
        ("runs /runs", "/runs", "SELECT * FROM runs ORDER BY started_at DESC LIMIT 200", ()),
        (f"run /runs/{run}", f"/runs/{run}", "SELECT * FROM run_matches WHERE run_id = ?", (run,)),
    ]


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status}")
        body: bytes = response.read()
        return body


def first_visit(db: Path) -> dict[str, float]:
    """The figures a page waits for after the store changed, computed in this process."""
    from lessonloop.learning.engine.replay import replay
    from lessonloop.learning.runs import load_replay_history
    from lessonloop.report.dashboard_queries import dashboard
    from lessonloop.report.queries import stats
    from lessonloop.store import open_store

    conn = open_store(db, migrate=False, redact=False)
    try:
        return {
            "stats": timed(lambda: stats(conn)),
            "dashboard": timed(lambda: dashboard(conn)),
            "replay": timed(lambda: replay(load_replay_history(conn))),
        }
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    db = build_store(args.db, 16)
    env = {**os.environ, "LESSONLOOP_EMBEDDINGS": "none", "PYTHONPATH": str(REPO / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "lessonloop", "serve", "--db", str(db), "--port", "0", "--json"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        base = json.loads(server.stdout.readline())["url"].rstrip("/")
        fetch(base + "/api/replay")  # waits for the server's warm-up (the figures of the whole store)
        conn = sqlite3.connect(db)
        rows = []
        for name, path, sql, params in cases(conn):
            fetch(base + path)
            conn.execute(sql, params).fetchall()
            page_ms: list[float] = []
            query_ms: list[float] = []
            for _ in range(args.rounds):  # interleaved: the same load for both
                page_ms.append(timed(lambda p=path: fetch(base + p)))  # type: ignore[misc]
                query_ms.append(timed(lambda s=sql, q=params: conn.execute(s, q).fetchall()))  # type: ignore[misc]
            page, query = statistics.median(page_ms), statistics.median(query_ms)
            rows.append((name, page, max(page_ms), query, page / query if query else float("inf")))
        conn.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    counts = (
        sqlite3.connect(db)
        .execute(
            "SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM tool_calls), (SELECT count(*) FROM lessons)"
        )
        .fetchone()
    )
    print(
        f"store: {db} ({db.stat().st_size / 1e6:.0f} MB; {counts[0]:,} sessions, {counts[1]:,} tool calls, "
        f"{counts[2]:,} lessons); load average {os.getloadavg()[0]:.2f}; {args.rounds} rounds"
    )
    print("| page | median ms | slowest ms | bare SQLite ms | ratio | under 200 ms |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, page, slowest, query, ratio in rows:
        print(
            f"| {name} | {page:.1f} | {slowest:.1f} | {query:.2f} | {ratio:.1f}x | {'yes' if page < TARGET_MS else 'NO'} |"
        )
    cold = first_visit(db)
    print(
        "first visit after a change (computed again, then kept): "
        + ", ".join(f"{k} {v:.0f} ms" for k, v in cold.items())
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
