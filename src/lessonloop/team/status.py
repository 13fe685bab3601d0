"""`team status`: what is shared, what is pending, what was pulled, the last sync, and the server's
side (members, items, whether it has pgvector) when it can be reached."""

from __future__ import annotations

import sqlite3
from typing import Any

from lessonloop.team.server import TeamError, TeamServer, shown_url
from lessonloop.team.store import state as team_state
from lessonloop.team.sync import pending_changes


def local_status(conn: sqlite3.Connection) -> dict[str, Any]:
    """The store's side of the team: nothing here needs the network."""
    config = team_state.team_config(conn)
    if config is None:
        return {"joined": False}
    shared = team_state.shared_items(conn)
    changes, unshared = pending_changes(conn)
    waiting, _batches = team_state.outbox_size(conn)
    return {
        "joined": True,
        "url": shown_url(config.address or config.url),
        "member": config.member,
        "role": config.role,
        "joined_at": config.joined_at,
        "sync_after_ingest": config.sync_after_ingest,
        "last_push_at": config.last_push_at,
        "last_pull_at": config.last_pull_at,
        "cursor": config.pull_seq,
        "shared": {
            "lessons": sum(1 for kind, _key, _d in shared.values() if kind == "lesson"),
            "commands": sum(1 for kind, _key, _d in shared.values() if kind == "command"),
        },
        "pending": {
            "outbox": waiting,
            "changed": len(changes),
        },
        "not_shared": dict(sorted(unshared.items())),
        "projects": [{"project": project, "remote": remote} for project, remote, _url in team_state.project_urls(conn)],
        "pulled": team_state.pulled_summary(conn),
    }


def team_status(conn: sqlite3.Connection, *, offline: bool = False) -> dict[str, Any]:
    """The local status, and the server's unless `offline` (its error in words when unreachable)."""
    data = local_status(conn)
    config = team_state.team_config(conn)
    if config is None or offline:
        return data
    if not config.token:
        data["server"] = {"error": config.token_problem}
        return data
    try:
        with TeamServer(config.url, config.member, config.token) as server:
            remote = server.status()
    except TeamError as exc:
        data["server"] = {"error": str(exc)}
        return data
    vectors = remote.get("vectors")
    remote["vectors"] = vectors == "yes"
    if vectors != "yes":
        remote["vectors_note"] = vectors or "no pgvector on this server: full-text search only"
    data["server"] = remote
    return data
