"""Push and pull: the outbox sent in idempotent batches, pulls read by the server's cursor.

Push: the own lessons and command summaries that changed since the server last had them (by
digest) go into the outbox; the waiting rows are named into batches (stored before anything is
sent); each batch is sent in one server transaction that records its name, then leaves the outbox
in one local transaction. Killed between the two, the next push sends the batch again and the
server, which has its name, changes nothing. Pull: pages of items changed after the cursor (the
server's change number), each page stored in one local transaction with the new cursor.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lessonloop.core.timestamps import utc_now
from lessonloop.core.wings import wings
from lessonloop.settings.config import privacy_settings
from lessonloop.team import items
from lessonloop.team.remote_urls import RemoteError, normalize_remote, remote_of_folder
from lessonloop.team.server import TeamServer
from lessonloop.team.store import state as team_state
from lessonloop.team.store.state import Outgoing

PUSH_BATCH = 100  # items per batch
PULL_PAGE = 500  # items per page
# For the kill test and for people debugging a sync: after this many batches reached the server,
# say so on stderr and wait (before the outbox is told), so the process can be killed right there.
PAUSE_ENV = "LESSONLOOP_TEAM_PUSH_PAUSE_AFTER"


@dataclass(slots=True)
class PushResult:
    queued: int = 0  # changes put in the outbox now
    batches: int = 0  # batches sent
    items: int = 0  # items the server changed
    resent: int = 0  # batches the server already had (an earlier push was cut off)
    unshared: dict[str, int] = field(default_factory=dict)  # project without a remote -> lessons

    def to_json(self) -> dict[str, Any]:
        return {
            "queued": self.queued,
            "batches": self.batches,
            "items": self.items,
            "resent": self.resent,
            "unshared": dict(sorted(self.unshared.items())),
        }


@dataclass(slots=True)
class PullResult:
    pages: int = 0
    items: int = 0
    new: int = 0
    updated: int = 0
    removed: int = 0
    rejected: int = 0
    cursor: int = 0
    skipped: list[str] = field(default_factory=list)  # items that did not parse, and why

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "items": self.items,
            "new": self.new,
            "updated": self.updated,
            "removed": self.removed,
            "rejected": self.rejected,
            "cursor": self.cursor,
            "skipped": list(self.skipped),
        }


def project_remotes(conn: sqlite3.Connection, projects: set[str]) -> dict[str, str]:
    """Local project -> remote key: the mapping the person gave (`team project`), else the remote
    of the project's folder when it is a git repository on this machine (then remembered)."""
    remotes = team_state.project_remotes(conn)
    for project in sorted(projects - set(remotes)):
        url = remote_of_folder(project)
        if url is None:
            continue
        try:
            key = normalize_remote(url)
        except RemoteError:
            continue
        team_state.set_project(conn, project, key, url)
        remotes[project] = key
    return remotes


def _own_identities(
    conn: sqlite3.Connection, other_projects: set[str] | None = None
) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, str], Counter[str]]:
    """(item id, lesson) of every own lesson with a known project, the remotes (of those projects
    and `other_projects`, looked up once), and lessons per project without one."""
    lessons = team_state.own_lessons(conn)
    projects = {str(lesson["project"]) for lesson in lessons if lesson["scope"] == "project"}
    remotes = project_remotes(conn, projects | (other_projects or set()))
    found: list[tuple[str, dict[str, Any]]] = []
    unshared: Counter[str] = Counter()
    for lesson in lessons:
        if lesson["scope"] == "project":
            key = remotes.get(str(lesson["project"]))
            if key is None:
                unshared[str(lesson["project"])] += 1
                continue
        else:
            key = ""
        lesson["remote"] = key
        found.append((items.item_id("lesson", key, str(lesson["signature"])), lesson))
    return found, remotes, unshared


def own_item_ids(conn: sqlite3.Connection) -> dict[str, int]:
    """Team item id -> local lesson id of every own lesson that can travel."""
    own, _remotes, _unshared = _own_identities(conn)
    return {identity: int(lesson["id"]) for identity, lesson in own}


def _command_summaries(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The telemetry per project and command the wings give to share (core/wing.py's
    command_summaries: the runs')."""
    return [summary for wing in wings() for summary in wing.command_summaries(conn)]


def pending_changes(conn: sqlite3.Connection) -> tuple[list[Outgoing], Counter[str]]:
    """What differs from what the server holds of this member's, and lessons without a remote."""
    runs = _command_summaries(conn)
    own, remotes, unshared = _own_identities(conn, {str(r["project"]) for r in runs if r["project"]})
    shared = team_state.shared_items(conn)
    queued = team_state.outbox_digests(conn)
    team_rejected = team_state.team_rejected_items(conn)
    scrub = privacy_settings().scrub_pii_team  # personal data leaves with no push (docs/privacy.md)
    current: set[str] = set()
    changes: list[Outgoing] = []

    def consider(out: Outgoing) -> None:
        current.add(out.item_id)
        known = shared.get(out.item_id)
        if (known is None or known[2] != out.digest) and queued.get(out.item_id) != out.digest:
            changes.append(out)

    for identity, lesson in own:
        if lesson["status"] == "rejected" and identity not in team_rejected:
            continue  # a person rejected it here: taken back below when it was shared
        if lesson["status"] == "pending":
            continue  # not reviewed yet (lessons.review, an import): shared once approved
        consider(items.lesson_item(lesson, str(lesson["remote"]), scrub))
    for summary in runs:
        key = remotes.get(str(summary["project"])) if summary["project"] else ""
        if key is not None:
            consider(items.command_item(summary, key, scrub))
    for identity, (kind, local_key, _digest) in shared.items():
        if identity not in current and queued.get(identity) != "deleted":
            changes.append(items.withdrawal(identity, kind, local_key))
    return changes, unshared


def push(
    conn: sqlite3.Connection, server: TeamServer, *, batch_size: int = PUSH_BATCH, now: Callable[[], str] = utc_now
) -> PushResult:
    """Queue what changed and send every waiting batch (those of an earlier, cut-off push first)."""
    result = PushResult()
    changes, unshared = pending_changes(conn)
    result.unshared = dict(unshared)
    if changes:
        result.queued = team_state.enqueue(conn, changes, now())
    team_state.name_batches(conn, max(1, batch_size))
    pause_after = _pause_after()
    for batch in team_state.outbox_batches(conn):
        changed = server.push(batch.name, [_wire(item) for item in batch.items])
        result.batches += 1
        if changed < 0:
            result.resent += 1
        else:
            result.items += changed
        if pause_after is not None and result.batches == pause_after:
            print(f"team push: paused after {result.batches} batch(es) ({PAUSE_ENV})", file=sys.stderr, flush=True)
            time.sleep(3600)
        team_state.mark_sent(conn, batch, now())
    return result


def _wire(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "local_key"}


def _pause_after() -> int | None:
    value = os.environ.get(PAUSE_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def pull(
    conn: sqlite3.Connection,
    server: TeamServer,
    *,
    page: int = PULL_PAGE,
    now: Callable[[], str] = utc_now,
    review: bool | None = None,
    trusted: tuple[str, ...] | None = None,
) -> PullResult:
    """Every item changed since the cursor, page by page, each page stored with its cursor. A
    team copy waits as pending for this person's approval unless its author is trusted here
    (`trusted`, else the configuration's `lessons.trusted_members`); every new one does when the
    person reviews new lessons (`review`, else `lessons.review`)."""
    if review is None or trusted is None:
        from lessonloop.settings.config import load_config

        settings = load_config().lessons
        review = settings.review if review is None else review
        trusted = settings.trusted_members if trusted is None else trusted
    result = PullResult()
    own, remotes, _unshared = _own_identities(conn)
    own_ids = {identity: int(lesson["id"]) for identity, lesson in own}
    team_state.adopt_own(conn, own_ids, now())
    config = team_state.team_config(conn)  # read once: each page's cursor is the last page's highest change
    cursor = config.pull_seq if config else 0
    while True:
        got = server.pull(cursor, page)
        if not got.rows:
            team_state.apply_pulled(
                conn, [], cursor, now(), remotes=remotes, own_ids=own_ids, review=review, trusted=trusted
            )
            break
        cursor = max(cursor, got.last_seq)  # past the items skipped too: they do not come back
        pulled = got.items
        result.skipped.extend(got.skipped)
        counts = team_state.apply_pulled(
            conn, pulled, cursor, now(), remotes=remotes, own_ids=own_ids, review=review, trusted=trusted
        )
        result.pages += 1
        result.items += len(pulled)
        for name, value in counts.items():
            setattr(result, name, getattr(result, name) + value)
        if got.rows < page:
            break
    result.cursor = cursor
    return result
