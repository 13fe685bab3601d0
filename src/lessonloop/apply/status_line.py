"""`lessonloop statusline`: the one line Claude Code shows under its prompt (its `statusLine`
command, docs/statusline.md), every turn: the model, the session's cost, the running billing
block's cost and time left, the lessons active in this project and the calls stopped today.

Claude Code runs it on every update of the conversation, so it is written as a hook is: stdlib
only at import (json, sqlite3, datetime), no argparse, read-only, a short lock wait. It never
fails: without a store, or with one it cannot read (locked, corrupt), it prints what the payload
says and why the rest is missing, and exits 0. What it prints comes from numbers and the payload's
model name; no text of the store is shown.

The payload (JSON on stdin, Claude Code's statusline input): `session_id`, `cwd` (or
`workspace.current_dir`), `model` ({"id", "display_name"}), `cost.total_cost_usd` (Claude Code's
own estimate of the session, preferred to the store's, which trails it by the turns not read
yet) and, on a subscription, `rate_limits.five_hour` ({"used_percentage", "resets_at"}: the
account's real window, whose reset time is preferred to the block worked out from the calls).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the status line)
if TYPE_CHECKING:
    from typing import Any

MAX_PAYLOAD_BYTES = 1024 * 1024
WAIT_MS = 200  # a store another process holds longer than this: the line without its figures
SEPARATOR = " | "


def main(argv: list[str]) -> int:
    """`lessonloop statusline [--db PATH] [--agent ID] [--json]`, the payload on stdin."""
    db, agent, as_json = None, None, False
    index = 0
    while index < len(argv):
        word = argv[index]
        if word in ("--db", "--agent") and index + 1 < len(argv):
            if word == "--db":
                db = argv[index + 1]
            else:
                agent = argv[index + 1]
            index += 2
            continue
        if word.startswith("--db="):
            db = word[len("--db=") :]
        elif word.startswith("--agent="):
            agent = word[len("--agent=") :]
        elif word == "--json":
            as_json = True
        index += 1
    if agent is None:  # whose calls make the billing block: the default agent's (the installed line names it)
        from lessonloop.core.agent_specs import default_spec

        agent = default_spec().id
    payload = read_payload()
    figures = status_figures(payload, store_path(db), agent, int(time.time() * 1000))
    try:
        if as_json:
            sys.stdout.write(json.dumps(figures, separators=(",", ":")) + "\n")
        else:
            sys.stdout.write(status_text(figures) + "\n")
        sys.stdout.flush()
    except (OSError, ValueError):
        pass  # the agent closed the pipe: nothing to tell it
    return 0


def store_path(db: str | None) -> str:
    """--db, else $LESSONLOOP_DB, else the default store (store/location.py)."""
    from lessonloop.store.location import resolve_db_path_text

    return resolve_db_path_text(db)


def read_payload() -> dict[str, Any]:
    """The JSON object on stdin; {} when there is none or it is not one (the line is printed anyway)."""
    try:
        data = sys.stdin.buffer.read(MAX_PAYLOAD_BYTES + 1) if not sys.stdin.isatty() else b""
    except (OSError, ValueError, AttributeError):
        return {}
    if len(data) > MAX_PAYLOAD_BYTES:
        return {}
    try:
        payload = json.loads(data.decode("utf-8", errors="replace")) if data.strip() else {}
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def status_figures(payload: dict[str, Any], db: str, agent: str, now: int) -> dict[str, Any]:
    """What the line shows, as JSON: {"model", "session_cost_usd", "session_cost_source",
    "block": {"cost_usd", "unpriced_calls", "start", "end", "minutes_left", "used_percentage"} |
    None, "lessons_here", "stops_today", "problem"}; a figure the store could not give is None and
    `problem` says why."""
    figures: dict[str, Any] = {
        "model": _model(payload.get("model")),
        "session_cost_usd": None,
        "session_cost_source": None,
        "block": None,
        "lessons_here": None,
        "stops_today": None,
        "problem": None,
    }
    cost = _object(payload.get("cost")).get("total_cost_usd")
    if isinstance(cost, (int, float)) and not isinstance(cost, bool):
        figures["session_cost_usd"], figures["session_cost_source"] = float(cost), "agent"
    limit = _five_hour_limit(payload)
    try:
        _store_figures(figures, payload, db, agent, now)
    except Exception as exc:
        figures["problem"] = _problem(exc, db)
    if limit is not None:  # the account's own window: its reset time and how much of it is used
        block = figures["block"] or {"cost_usd": None, "unpriced_calls": 0, "start": None, "end": None}
        used, resets = limit
        if resets is not None:
            block["end"] = resets
            block["minutes_left"] = max(0, round((resets - now) / 60_000))
        block["used_percentage"] = used
        figures["block"] = block
    if figures["block"] is not None:
        for key in ("start", "end"):
            if isinstance(figures["block"].get(key), int):
                from lessonloop.analyze.billing_blocks import utc_text

                figures["block"][key] = utc_text(figures["block"][key])
    return figures


def _store_figures(figures: dict[str, Any], payload: dict[str, Any], db: str, agent: str, now: int) -> None:
    if not os.path.exists(db):
        figures["problem"] = "no store yet (lessonloop ingest makes it)"
        return
    from lessonloop.analyze.billing_blocks import billing_blocks
    from lessonloop.store import status_line as queries

    conn = sqlite3.connect(f"file:{_uri_path(db)}?mode=ro", uri=True, timeout=WAIT_MS / 1000)
    try:
        session_id = payload.get("session_id")
        if figures["session_cost_usd"] is None and isinstance(session_id, str):
            found = queries.session_cost(conn, session_id)
            if found is not None and found[0] is not None:
                figures["session_cost_usd"], figures["session_cost_source"] = found[0], "store"
        blocks = billing_blocks(queries.calls_of_running_block(conn, agent, now))
        running = blocks[-1] if blocks and blocks[-1].active(now) else None
        if running is not None:
            figures["block"] = {
                "cost_usd": None if running.cost_usd is None else round(running.cost_usd, 6),
                "unpriced_calls": running.unpriced,
                "start": running.start,
                "end": running.end,
                "minutes_left": max(0, round((running.end - now) / 60_000)),
            }
        known, project = queries.session_project(conn, session_id) if isinstance(session_id, str) else (False, None)
        if not known:  # a session the hooks have not seen: its folder's project, as they would place it
            project = _project(payload, db, conn)
        figures["lessons_here"] = queries.lessons_active(conn, project)
        figures["stops_today"] = queries.stops_since(conn, _local_midnight(now))
    finally:
        conn.close()


def status_text(figures: dict[str, Any]) -> str:
    """The line: "Opus 4.6 | $0.23 session | $4.10 block, 2h45m left | 7 lessons here | 1 stop today"."""
    parts = []
    if figures.get("model"):
        parts.append(str(figures["model"]))
    if figures.get("session_cost_usd") is not None:
        parts.append(f"${figures['session_cost_usd']:,.2f} session")
    block = figures.get("block")
    if block is not None:
        text = "block" if block.get("cost_usd") is None else f"${block['cost_usd']:,.2f} block"
        if block.get("unpriced_calls") and block.get("cost_usd") is not None:
            text = f"${block['cost_usd']:,.2f}+ block"
        if block.get("used_percentage") is not None:
            text += f" {block['used_percentage']:.0f}% used"
        if block.get("minutes_left") is not None:
            left = int(block["minutes_left"])
            text += f", {left // 60}h{left % 60:02d}m left"
        parts.append(text)
    elif figures.get("problem") is None:
        parts.append("no block running")
    if figures.get("lessons_here") is not None:
        count = figures["lessons_here"]
        parts.append(f"{count} lesson{'' if count == 1 else 's'} here")
    if figures.get("stops_today") is not None:
        count = figures["stops_today"]
        parts.append(f"{count} stop{'' if count == 1 else 's'} today")
    if figures.get("problem"):
        parts.append(f"lessonloop: {figures['problem']}")
    return SEPARATOR.join(parts) or "lessonloop"


def _model(value: object) -> str | None:
    if isinstance(value, str):
        return _printable(value)
    data = _object(value)
    for key in ("display_name", "id"):
        if isinstance(data.get(key), str) and data[key]:
            return _printable(data[key])
    return None


def _printable(text: str) -> str:
    """At most 40 characters, control characters (an escape sequence) taken out."""
    return "".join(ch for ch in text if ch.isprintable())[:40]


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _five_hour_limit(payload: dict[str, Any]) -> tuple[float | None, int | None] | None:
    """(used percentage, reset time in milliseconds) of the payload's `rate_limits.five_hour`; None
    without one. `resets_at` is seconds since the epoch (or ISO text, in some versions)."""
    window = _object(_object(payload.get("rate_limits")).get("five_hour"))
    if not window:
        return None
    used = window.get("used_percentage")
    used_value = float(used) if isinstance(used, (int, float)) and not isinstance(used, bool) else None
    resets = window.get("resets_at")
    resets_ms = None
    if isinstance(resets, (int, float)) and not isinstance(resets, bool) and resets > 0:
        resets_ms = int(resets * 1000)
    elif isinstance(resets, str):
        from lessonloop.analyze.billing_blocks import epoch_ms_of

        try:
            resets_ms = epoch_ms_of(resets.replace("Z", "+00:00"))
        except ValueError:
            resets_ms = None
    if used_value is None and resets_ms is None:
        return None
    return used_value, resets_ms


def _project(payload: dict[str, Any], db: str, conn: sqlite3.Connection) -> str | None:
    cwd = payload.get("cwd")
    if not isinstance(cwd, str) or not cwd:
        cwd = _object(payload.get("workspace")).get("current_dir")
    if not isinstance(cwd, str) or not cwd:
        return None
    from lessonloop.apply.hooks.hook_store import folder_project, hook_policy

    return folder_project(cwd, hook_policy(db), conn)


def _local_midnight(now: int) -> str:
    """The start of today, local time, as stored UTC text."""
    from datetime import UTC, datetime

    local = datetime.fromtimestamp(now / 1000).astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _uri_path(path: str) -> str:
    """A file path as SQLite's URI wants it (the characters that would end or change it quoted)."""
    return os.path.abspath(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def _problem(exc: BaseException, db: str) -> str:
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return "store busy"
    if isinstance(exc, sqlite3.DatabaseError):  # the line is short: `hooks status` and --db name the file
        return f"cannot read the store ({exc})"
    return f"{type(exc).__name__}: {exc}"
