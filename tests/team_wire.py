"""Helpers of the team server's tests (issue 39): items as the client sends them (team/items.py's
own functions), database logins as docs/team.md tells an owner to make them, and waiting for a
server backend to block on a lock (a condition polled, not a time asserted)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from lessonloop.team import items

WAIT_S = 60  # the longest any wait for a condition here may take before the test fails


def lesson(signature: str, title: str, *, sessions: int = 2, failed: int = 1, project: str = "") -> dict[str, Any]:
    """A lesson as `team push` sends it (items.lesson_item on a lesson row's fields)."""
    row = {
        "signature": signature,
        "kind": "usage",
        "title": title,
        "body": f"{title}: seen in a session.",
        "prevention": "Run the check before this step.",
        "severity": "medium",
        "category": "shell",
        "sessions": sessions,
        "failed_sessions": failed,
        "observations": failed,
        "first_seen": "2026-11-01T09:00:00.000Z",
        "last_seen": "2026-11-01T09:00:00.000Z",
    }
    return _wire(items.lesson_item(row, project, scrub_pii=False).item)


def command(text: str, *, runs: int = 1, failures: int = 0, project: str = "") -> dict[str, Any]:
    """A run record's summary as `team push` sends it (items.command_item)."""
    summary = {
        "command": text,
        "program": text.split()[0],
        "runs": runs,
        "failures": failures,
        "stopped": 0,
        "duration_total": 1.5 * runs,
        "duration_max": 1.5,
        "first_seen": "2026-11-01T09:00:00.000Z",
        "last_seen": "2026-11-01T09:00:00.000Z",
    }
    return _wire(items.command_item(summary, project, scrub_pii=False).item)


def _wire(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "local_key"}


def as_login(url: str, user: str) -> str:
    """`url` with another database user."""
    import psycopg

    return str(psycopg.conninfo.make_conninfo(url, user=user))


def plain_login(admin_url: str, url: str) -> str:
    """A new database login with only what docs/team.md gives a member's login (LOGIN, CONNECT on
    the team's database; the schema's USAGE and functions are PUBLIC's): its URL for `url`'s database."""
    import psycopg

    name = "login_" + uuid.uuid4().hex[:10]
    database = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {name} LOGIN")
        admin.execute(f"GRANT CONNECT ON DATABASE {database} TO {name}")
    return as_login(url, name)


def wait_for_blocked(url: str, relation: str | None = None, waiting: int = 1) -> None:
    """Until `waiting` backends wait for a lock (on `relation` when given; on anything else, such
    as a row or transaction, when not). Fails the test after WAIT_S."""
    import psycopg

    query = "SELECT count(*) FROM pg_catalog.pg_locks WHERE NOT granted"
    params: tuple[Any, ...] = ()
    if relation is not None:
        query += " AND relation = pg_catalog.to_regclass(%s)"
        params = (relation,)
    deadline = time.monotonic() + WAIT_S
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            row = conn.execute(query, params).fetchone()
            if row is not None and int(row[0]) >= waiting:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"no backend waited for a lock within {WAIT_S} s")
            time.sleep(0.02)
