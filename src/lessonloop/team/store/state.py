"""The team store's local side (m023, docs/team.md): the team joined, projects and their remotes,
the outbox of changes to push, what the server holds of this member's, and the pulled items.

The store stays the source of truth: a pulled lesson becomes a row of `lessons` (origin 'team',
signature `team:<item id>`, the team's summed counts), so recall and the hooks use it as any other,
and `team_items` says where it came from. When this member has the same lesson (same project and
signature) their own row carries it and no copy is made.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.core import json_codec
from lessonloop.core.timestamps import days_between, normalize_timestamp
from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.provenance import member_trusted
from lessonloop.lesson_model.triggers import read_trigger
from lessonloop.store.lessons.writer import Feedback, log_event, stored_feedback
from lessonloop.store.transaction import StoreError, transaction
from lessonloop.team.store import tokens as team_tokens

TEAM_ORIGIN = "team"
COPY_PREFIX = "team:"


@dataclass(frozen=True, slots=True)
class TeamConfig:
    url: str  # to connect with: the stored address, its password (from the tokens file) put back in
    member: str
    token: str  # from the tokens file (team/store/tokens.py); "" when there is none: `token_problem` says why
    role: str | None
    joined_at: str
    sync_after_ingest: bool
    pull_seq: int
    last_push_at: str | None
    last_pull_at: str | None
    token_problem: str | None = None
    address: str = ""  # the team's URL as stored: never a password (print this one, or shown_url(url))


def team_config(conn: sqlite3.Connection) -> TeamConfig | None:
    """The team this store joined, its member's token and the database password read from the
    tokens file (a token or a password an older store still holds is moved there first, when it
    can be)."""
    row = conn.execute(
        """SELECT url, member, token, role, joined_at, sync_after_ingest, pull_seq, last_push_at, last_pull_at
           FROM team_config WHERE id = 1"""
    ).fetchone()
    if row is None:
        return None
    stored, member, kept = str(row[0]), str(row[1]), str(row[2] or "")
    token, problem = kept, None
    if kept:
        _move_token_out(conn)  # an older store's token: into the tokens file, when it can be written
    address, in_url = _split(stored)
    if in_url is not None:
        move_password_out(conn)  # an older store's password: the same
    password = in_url
    try:
        if not kept:
            token = team_tokens.read_token(address, member) or team_tokens.read_token(stored, member) or ""
        if password is None:
            password = team_tokens.read_password(address, member)
    except team_tokens.TokenFileError as exc:
        problem = str(exc)
    if not token and problem is None:
        problem = (
            f"no token for member {member} of this team in {team_tokens.tokens_path()} (nor in "
            f"${team_tokens.TOKEN_ENV}): join again with `lessonloop team join URL --as {member} --token TOKEN`"
        )
    url = team_tokens.with_password(address, password)
    return TeamConfig(url, member, token, row[3], row[4], bool(row[5]), int(row[6]), row[7], row[8], problem, address)


def _split(url: str) -> tuple[str, str | None]:
    """(the URL without its password, the password) of a stored URL; a key/value string that
    cannot be read as itself (libpq would not read it either)."""
    try:
        return team_tokens.split_password(url)
    except ValueError:
        return url, None


def _move_token_out(conn: sqlite3.Connection) -> bool:
    """Move the token a store made before m027 holds into the tokens file, and blank it in the store
    (secure_delete: the old text is overwritten, not left in a free page). False when there is none
    to move, or the file or the store cannot be written now (it stays, and is tried again)."""
    row = conn.execute("SELECT url, member, token FROM team_config WHERE id = 1").fetchone()
    if row is None or not row[2]:
        return False
    try:
        team_tokens.save_token(str(row[0]), str(row[1]), str(row[2]))
    except team_tokens.TokenFileError:
        return False
    try:
        with transaction(conn):
            _blank(conn, "token = ''")
    except (StoreError, sqlite3.Error):
        return False  # a store opened read-only: blanked by the next command that can write it
    return True


def move_password_out(conn: sqlite3.Connection, *, within: bool = False) -> bool:
    """Move the password of the team's URL a store made before m034 holds into the tokens file
    (with the member's token, under the URL without it), and keep the URL without it in the store
    (secure_delete). False when there is none, or it cannot move now (it stays, tried again).
    `within`: inside the caller's transaction (the migration's)."""
    row = conn.execute("SELECT url, member, token FROM team_config WHERE id = 1").fetchone()
    if row is None:
        return False
    stored, member = str(row[0]), str(row[1])
    address, password = _split(stored)
    if password is None:
        return False
    try:
        token = str(row[2] or "") or team_tokens.read_token(stored, member, environment=False) or ""
        team_tokens.save_token(address, member, token, password, moved_from=stored)
    except team_tokens.TokenFileError:
        return False
    if within:
        _blank(conn, "url = ?", (address,))
        return True
    try:
        with transaction(conn):
            _blank(conn, "url = ?", (address,))
    except (StoreError, sqlite3.Error):
        return False
    return True


def _blank(conn: sqlite3.Connection, assignment: str, params: tuple[str, ...] = ()) -> None:
    """`UPDATE team_config SET <assignment>` with secure_delete: the old text is overwritten."""
    (before,) = conn.execute("PRAGMA secure_delete").fetchone()
    conn.execute("PRAGMA secure_delete = ON")
    try:
        conn.execute(f"UPDATE team_config SET {assignment} WHERE id = 1", params)
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(before)}")


def save_config(conn: sqlite3.Connection, url: str, member: str, token: str, role: str | None, now: str) -> None:
    """Join a team: its URL (without a password) and the member's name in the store; the token and
    the URL's password, when it has one, in the tokens file (team/store/tokens.py; TokenFileError
    when it cannot be written, and nothing changes; ValueError when a key/value URL cannot be
    read). Joining another server or as another member starts over: the outbox, what was shared
    and the pulled items (with their team copies) are dropped, the cursor goes back to 0."""
    address, password = team_tokens.split_password(url)
    team_tokens.save_token(address, member, token, password)
    token = ""  # kept in the tokens file only
    with transaction(conn):
        old = team_config(conn)
        if old is not None and (old.address != address or old.member != member):
            _drop_team_state(conn)
        conn.execute(
            """INSERT INTO team_config (id, url, member, token, role, joined_at) VALUES (1, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET url = excluded.url, member = excluded.member, token = excluded.token,
                   role = excluded.role, joined_at = excluded.joined_at,
                   pull_seq = CASE WHEN team_config.url = excluded.url AND team_config.member = excluded.member
                                   THEN team_config.pull_seq ELSE 0 END""",
            (address, member, token, role, now),
        )


def _drop_team_state(conn: sqlite3.Connection) -> None:
    conn.execute(f"DELETE FROM lessons WHERE origin = '{TEAM_ORIGIN}' AND signature LIKE '{COPY_PREFIX}%'")
    for table in ("team_outbox", "team_shared", "team_items"):
        conn.execute(f"DELETE FROM {table}")


def set_sync_after_ingest(conn: sqlite3.Connection, on: bool) -> None:
    with transaction(conn):
        conn.execute("UPDATE team_config SET sync_after_ingest = ? WHERE id = 1", (int(on),))


# --- projects -------------------------------------------------------------------------------


def project_remotes(conn: sqlite3.Connection) -> dict[str, str]:
    """Local project -> normalized remote URL."""
    return dict(conn.execute("SELECT project, remote FROM team_projects ORDER BY project"))


def project_urls(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return list(conn.execute("SELECT project, remote, url FROM team_projects ORDER BY project"))


def set_project(conn: sqlite3.Connection, project: str, remote: str, url: str) -> int:
    """Map a local project to its remote. The team copies of that remote, and of the remote the
    project was mapped to before, are moved to their local name (_local_project: it does not
    depend on the order the mappings were made in). Returns how many team copies moved."""
    with transaction(conn):
        before = conn.execute("SELECT remote FROM team_projects WHERE project = ?", (project,)).fetchone()
        conn.execute(
            """INSERT INTO team_projects (project, remote, url) VALUES (?, ?, ?)
               ON CONFLICT (project) DO UPDATE SET remote = excluded.remote, url = excluded.url""",
            (project, remote, url),
        )
        remotes = project_remotes(conn)
        moved = 0
        for key in sorted({remote, *(before or ())}):
            name = _local_project(remotes, key)
            moved += conn.execute(
                """UPDATE lessons SET project = ? WHERE project IS NOT ? AND id IN (
                       SELECT lesson_id FROM team_items WHERE project = ? AND own = 0 AND lesson_id IS NOT NULL)""",
                (name, name, key),
            ).rowcount
        return moved


def _local_project(remotes: dict[str, str], remote: str) -> str:
    """The local name of a remote's team copies: of the local projects mapped to it, the first by
    name (when two clones of one repository are two local projects, the same one whatever order
    they were mapped or found in); the remote itself when none is."""
    names = sorted(p for p, r in remotes.items() if r == remote)
    return names[0] if names else remote


# --- what is shared -------------------------------------------------------------------------

_OWN_COLUMNS = (
    "id", "signature", "kind", "origin", "title", "body", "prevention", "prevention_command", "trigger", "trigger_text",
    "error_signature", "error_class", "category", "severity", "scope", "project", "sessions", "failed_sessions",
    "observations", "prevented", "status", "first_seen", "last_seen", "agent", "embedding", "embedding_model",
)  # fmt: skip
_OWN_LESSONS = f"SELECT {', '.join(_OWN_COLUMNS)} FROM lessons WHERE origin <> '{TEAM_ORIGIN}' ORDER BY id"


def own_lessons(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """This member's lessons (every one but the team copies), with their evidence summarized
    (rows per role) and their feedback (helpful, unhelpful)."""
    lessons = [dict(zip(_OWN_COLUMNS, row, strict=True)) for row in conn.execute(_OWN_LESSONS)]
    roles: dict[int, dict[str, int]] = {}
    for lesson_id, role, count in conn.execute(
        "SELECT lesson_id, role, count(*) FROM lesson_evidence GROUP BY lesson_id, role ORDER BY lesson_id, role"
    ):
        roles.setdefault(int(lesson_id), {})[role] = int(count)
    feedback = stored_feedback(conn)
    for lesson in lessons:
        lesson["evidence_roles"] = roles.get(lesson["id"], {})
        judged = feedback.get(lesson["id"], Feedback())
        lesson["feedback"] = {"helpful": judged.helpful, "unhelpful": judged.unhelpful}
        trigger = lesson["trigger"]
        try:
            lesson["trigger"] = json_codec.loads(trigger) if trigger else None
        except ValueError:
            lesson["trigger"] = None
    return lessons


def shared_items(conn: sqlite3.Connection) -> dict[str, tuple[str, str, str]]:
    """item id -> (kind, local key, digest) of what the server holds of this member's."""
    return {r[0]: (r[1], r[2], r[3]) for r in conn.execute("SELECT item_id, kind, local_key, digest FROM team_shared")}


def outbox_digests(conn: sqlite3.Connection) -> dict[str, str]:
    """item id -> digest of its newest row waiting in the outbox."""
    return {r[0]: r[1] for r in conn.execute("SELECT item_id, digest FROM team_outbox ORDER BY id")}


@dataclass(frozen=True, slots=True)
class Outgoing:
    item_id: str
    kind: str
    local_key: str
    item: dict[str, Any]
    digest: str


def enqueue(conn: sqlite3.Connection, items: Iterable[Outgoing], now: str) -> int:
    """Put changes in the outbox in one transaction: a change not yet in a batch replaces the
    item's earlier unbatched one; one already in a batch (a push may have sent it) stays, and the
    new one goes after it. Returns the rows written."""
    written = 0
    with transaction(conn):
        for out in items:
            record = dict(out.item, local_key=out.local_key)
            updated = conn.execute(
                "UPDATE team_outbox SET item = ?, digest = ?, queued_at = ? WHERE item_id = ? AND batch IS NULL",
                (json_codec.dumps(record), out.digest, now, out.item_id),
            ).rowcount
            if not updated:
                conn.execute(
                    "INSERT INTO team_outbox (item_id, kind, item, digest, queued_at) VALUES (?, ?, ?, ?, ?)",
                    (out.item_id, out.kind, json_codec.dumps(record), out.digest, now),
                )
            written += 1
    return written


def name_batches(conn: sqlite3.Connection, size: int) -> int:
    """Give the unbatched outbox rows their batch names, `size` rows each, before anything is sent:
    a push killed midway sends the same batches again. Returns how many batches were named."""
    with transaction(conn):
        ids = [r[0] for r in conn.execute("SELECT id FROM team_outbox WHERE batch IS NULL ORDER BY id")]
        batches = 0
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            marks = ", ".join("?" * len(chunk))
            conn.execute(f"UPDATE team_outbox SET batch = ? WHERE id IN ({marks})", (uuid.uuid4().hex, *chunk))
            batches += 1
    return batches


@dataclass(slots=True)
class Batch:
    name: str
    row_ids: list[int] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)


def outbox_batches(conn: sqlite3.Connection) -> list[Batch]:
    """The named batches waiting, oldest first."""
    found: dict[str, Batch] = {}
    for row_id, batch, item in conn.execute(
        "SELECT id, batch, item FROM team_outbox WHERE batch IS NOT NULL ORDER BY id"
    ):
        entry = found.setdefault(batch, Batch(batch))
        entry.row_ids.append(int(row_id))
        entry.items.append(json_codec.loads(item))
    return list(found.values())


def mark_sent(conn: sqlite3.Connection, batch: Batch, now: str) -> None:
    """The server has `batch`: its rows leave the outbox and `team_shared` says what it holds."""
    with transaction(conn):
        for item in batch.items:
            if item.get("deleted"):
                conn.execute("DELETE FROM team_shared WHERE item_id = ?", (item["id"],))
            else:
                conn.execute(
                    """INSERT INTO team_shared (item_id, kind, local_key, digest, pushed_at) VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT (item_id) DO UPDATE SET digest = excluded.digest, pushed_at = excluded.pushed_at""",
                    (item["id"], item["kind"], item["local_key"], item["digest"], now),
                )
        marks = ", ".join("?" * len(batch.row_ids))
        conn.execute(f"DELETE FROM team_outbox WHERE id IN ({marks})", batch.row_ids)
        conn.execute("UPDATE team_config SET last_push_at = ? WHERE id = 1", (now,))


def forget_shared(conn: sqlite3.Connection) -> None:
    """After `team forget`: nothing of this member's is on the server, nothing waits to go."""
    with transaction(conn):
        conn.execute("DELETE FROM team_shared")
        conn.execute("DELETE FROM team_outbox")


# --- pulled ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Incoming:
    """A pulled item: one item as the server has it now, every member's counts summed
    (team/server.py reads them)."""

    seq: int
    item_id: str
    kind: str
    project: str  # remote key, '' global
    signature: str
    payload: dict[str, Any]  # texts (lesson) or the summary (command); empty for a forgotten one
    rejected_by: str | None
    reject_reason: str | None
    totals: dict[str, float]
    members: tuple[str, ...]
    first_seen: str | None
    last_seen: str | None
    author: str | None = None  # whose texts it carries (None: a server older than schema 4)
    member_counts: dict[str, dict[str, float]] = field(default_factory=dict)  # each member's own
    # each member's own (first seen, last seen) (empty: a server whose pull_items does not send them)
    member_seen: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def forgotten(self) -> bool:
        """Every contributor forgot it: pullers drop their copy."""
        return not self.members


class ItemError(ValueError):
    """A pulled item whose fields have types no lessonloop server sends: not stored (why, in words)."""


def apply_pulled(
    conn: sqlite3.Connection,
    items: Sequence[Incoming],
    cursor: int,
    now: str,
    *,
    remotes: dict[str, str],
    own_ids: dict[str, int],
    review: bool = False,
    trusted: tuple[str, ...] = (),
) -> dict[str, int]:
    """One page of a pull in one transaction, the cursor with it: a pull killed midway resumes at
    the first page it had not stored. `remotes`: local project -> remote key (a team copy takes
    its project's local name); `own_ids`: team item id -> this member's lesson of the same
    identity; `review`: every new team copy waits as pending for this person's approval
    (`lessons.review`); `trusted`: the members whose lessons are active here without it
    (`lessons.trusted_members`, "*" for all): another's copy waits as pending until approved, and
    again when its author changes anything it shows (_upsert_copy). Returns counts (new, updated,
    removed, rejected).

    Each item is checked before it is stored (a field of the wrong type: ItemError) and stored
    under a savepoint: an item that cannot be stored is left out with a `team_skipped` event
    saying why, and the page goes on (the server's own checks are another program's)."""
    counts = {"new": 0, "updated": 0, "removed": 0, "rejected": 0}
    with transaction(conn):
        for item in items:
            conn.execute("SAVEPOINT team_item")
            try:
                _apply_item(conn, _checked(item), now, counts, remotes, own_ids, review, trusted)
            except (ItemError, TypeError, ValueError, sqlite3.InterfaceError, sqlite3.ProgrammingError) as exc:
                conn.execute("ROLLBACK TO team_item")
                identity = item.item_id if isinstance(item.item_id, str) else repr(item.item_id)
                log_event(conn, None, None, now, "team_skipped", {"item": identity[:80], "why": str(exc)[:300]})
            conn.execute("RELEASE team_item")
        conn.execute("UPDATE team_config SET pull_seq = max(pull_seq, ?), last_pull_at = ? WHERE id = 1", (cursor, now))
    return counts


def _checked(item: Incoming) -> Incoming:
    """`item` with the types every step below relies on; ItemError naming the first field that
    has another."""
    for name in ("item_id", "kind", "project", "signature"):
        if not isinstance(getattr(item, name), str):
            raise ItemError(f"its {name} is not text")
    if not isinstance(item.payload, dict):
        raise ItemError("its texts are not an object")
    if not isinstance(item.members, tuple | list) or not all(isinstance(m, str) for m in item.members):
        raise ItemError("its members are not a list of names")
    for name in ("rejected_by", "reject_reason", "author"):
        if getattr(item, name) is not None and not isinstance(getattr(item, name), str):
            raise ItemError(f"its {name} is not text")
    if not isinstance(item.totals, dict) or not isinstance(item.member_counts, dict):
        raise ItemError("its counts are not objects")
    if isinstance(item.seq, bool) or not isinstance(item.seq, int):
        raise ItemError("its change number is not a number")
    return item


def _apply_item(
    conn: sqlite3.Connection,
    item: Incoming,
    now: str,
    counts: dict[str, int],
    remotes: dict[str, str],
    own_ids: dict[str, int],
    review: bool = False,
    trusted: tuple[str, ...] = (),
) -> None:
    copy_sig = COPY_PREFIX + item.item_id
    found = conn.execute("SELECT id FROM lessons WHERE signature = ?", (copy_sig,)).fetchone()
    copy_id = int(found[0]) if found else None  # None: never made, or forgotten here
    if item.forgotten:
        if copy_id is not None:
            conn.execute("DELETE FROM lessons WHERE id = ?", (copy_id,))
            log_event(conn, copy_id, copy_sig, now, "team_removed", {"item": item.item_id})
            counts["removed"] += 1
        conn.execute("DELETE FROM team_items WHERE item_id = ?", (item.item_id,))
        return
    lesson_id: int | None = None
    own = 0
    author_texts: dict[str, Any] | None = None
    if item.kind == "lesson":
        own_lesson_id = own_ids.get(item.item_id)
        if own_lesson_id is not None:
            if copy_id is not None:  # this member learned it since: their own row carries it now
                conn.execute("DELETE FROM lessons WHERE id = ?", (copy_id,))
            lesson_id, own = own_lesson_id, 1
            if item.rejected_by:
                detail = {"team": True, "by": item.rejected_by, "reason": item.reject_reason}
                counts["rejected"] += _reject(conn, lesson_id, now, detail)
        elif copy_id is not None or not (_forgotten_here(conn, copy_sig) or _forgotten_here(conn, item.signature)):
            # (a copy this person forgot is not made again, whatever the team sends: forget's
            # record keeps only that it was forgotten, so nothing more is written about it)
            local = _local_project(remotes, item.project) if item.project else None
            author_texts = _author_columns(item.payload)
            lesson_id = _upsert_copy(conn, copy_id, copy_sig, item, local, now, counts, review, trusted, author_texts)
    payload = item.payload if item.kind == "command" else author_texts
    conn.execute(
        """INSERT INTO team_items (item_id, kind, project, signature, lesson_id, own, members, totals, payload,
               rejected_by, seq, pulled_at, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (item_id) DO UPDATE SET lesson_id = excluded.lesson_id, own = excluded.own,
               members = excluded.members, totals = excluded.totals, payload = excluded.payload,
               rejected_by = excluded.rejected_by, seq = excluded.seq, pulled_at = excluded.pulled_at,
               author = excluded.author""",
        (
            item.item_id, item.kind, item.project, item.signature, lesson_id, own, json_codec.dumps(list(item.members)),
            json_codec.dumps(item.totals), json_codec.dumps(payload) if payload is not None else None,
            item.rejected_by, item.seq, now, item.author,
        ),
    )  # fmt: skip
    if lesson_id is not None and not own:  # a copy: whose texts it carries, on its row (the core reads it)
        conn.execute("UPDATE lessons SET author = ? WHERE id = ?", (item.author, lesson_id))


def adopt_own(conn: sqlite3.Connection, own_ids: dict[str, int], now: str) -> int:
    """Team copies of lessons this member has learned since: their own row carries the item now
    (the copy goes; a team rejection is applied to their row). Returns how many were adopted."""
    found = [
        (item_id, copy_id, rejected_by)
        for item_id, copy_id, rejected_by in conn.execute(
            "SELECT item_id, lesson_id, rejected_by FROM team_items WHERE own = 0 AND kind = 'lesson'"
        )
        if item_id in own_ids
    ]
    if not found:
        return 0
    with transaction(conn):
        for item_id, copy_id, rejected_by in found:
            if copy_id is not None:
                conn.execute("DELETE FROM lessons WHERE id = ? AND origin = ?", (copy_id, TEAM_ORIGIN))
            own_id = own_ids[item_id]
            conn.execute("UPDATE team_items SET lesson_id = ?, own = 1 WHERE item_id = ?", (own_id, item_id))
            if rejected_by:
                _reject(conn, own_id, now, {"team": True, "by": rejected_by})
    return len(found)


def _reject(conn: sqlite3.Connection, lesson_id: int, now: str, detail: dict[str, Any]) -> bool:
    """A team rejection reaches this member's own lesson (logged with `detail`); False when the
    lesson is gone or rejected already."""
    row = conn.execute("SELECT status, signature FROM lessons WHERE id = ?", (lesson_id,)).fetchone()
    if row is None or row[0] == "rejected":
        return False
    conn.execute("UPDATE lessons SET status = 'rejected', updated_at = ? WHERE id = ?", (now, lesson_id))
    log_event(conn, lesson_id, row[1], now, "rejected", detail)
    return True


def _count(totals: dict[str, float], name: str) -> int:
    return max(0, round(totals.get(name, 0.0)))


# --- what a team copy shows, and who decides it -----------------------------------------------

# Every column of a team copy that its author's texts decide: all an agent is given of it (the
# hooks' trigger, title, prevention, category, kind, error signature; recall's and MCP's texts,
# severity and trigger description; a rules file's bullet) and all a person is shown of it
# (`lessons list/show`, the web UI). Its other columns are this store's: the counts, times and
# confidence from what the server vouches for (_counted_evidence), the status from this person's
# decisions, the scope and project from the item's identity. tests/team/test_team_decisions.py checks
# that every column those readers read is one or the other. A copy is made, and compared when
# its author changes it, from this dict only, so no field the author sends escapes the comparison.
AUTHOR_COLUMNS = (
    "kind", "title", "body", "prevention", "prevention_command", "trigger", "trigger_text", "error_signature",
    "error_class", "category", "severity",
)  # fmt: skip
EDITED_COLUMNS = ("title", "body", "prevention", "scope", "severity")  # a person's edit keeps these (lessons edit)


def _author_columns(payload: dict[str, Any]) -> dict[str, Any]:
    """The AUTHOR_COLUMNS of a team copy from its author's texts, as they are stored and compared.
    Never raises: a text of another type is stored as its JSON text (what was sent, shown as
    data), a trigger as it came (one that cannot be read makes the copy unreadable: pending, never
    approvable); `trigger_text` is described here from the trigger, never the author's own words
    for it; `severity` is the author's (the counted failures raise it when stored)."""
    trigger = payload.get("trigger")
    parsed = None
    if isinstance(trigger, dict):
        trigger_json: str | None = json_codec.dumps(trigger)
        parsed, _problem = read_trigger(trigger_json)
    else:
        trigger_json = None if trigger is None else json_codec.dumps(trigger)
    kind, severity = payload.get("kind"), payload.get("severity")
    return {
        "kind": kind if isinstance(kind, str) and kind else "manual",
        "title": _as_text(payload.get("title")) or "",
        "body": _as_text(payload.get("body")) or "",
        "prevention": _as_text(payload.get("prevention")),
        "prevention_command": _as_text(payload.get("prevention_command")),
        "trigger": trigger_json,
        "trigger_text": parsed.describe() if parsed is not None else None,
        "error_signature": _as_text(payload.get("error_signature")),
        "error_class": _as_text(payload.get("error_class")),
        "category": _as_text(payload.get("category")),
        "severity": severity if isinstance(severity, str) and severity in conf.SEVERITIES else "medium",
    }


def _as_text(value: Any) -> str | None:
    """A text field as stored: itself, None for null or "", another JSON value as its JSON text."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else json_codec.dumps(value)


_INSERT_COPY = """
INSERT INTO lessons (id, signature, kind, origin, title, body, prevention, prevention_command, trigger, trigger_text,
    error_signature, error_class, category, severity, scope, project, sessions, failed_sessions, observations,
    prevented, warnings, confidence, tier, status, edited, first_seen, last_seen, created_at, updated_at)
VALUES ((SELECT last_id + 1 FROM lesson_ids), :signature, :kind, 'team', :title, :body, :prevention,
    :prevention_command, :trigger, :trigger_text, :error_signature, :error_class, :category, :severity, :scope,
    :project, :sessions, :failed_sessions, :observations, :prevented, 0, :confidence, :tier, :status, 0,
    :first_seen, :last_seen, :now, :now)"""
# A person's edit (`lessons edit`: edited = 1) keeps their title, body, prevention, scope and severity.
_UPDATE_COPY = """
UPDATE lessons SET kind = :kind,
    title = CASE WHEN edited THEN title ELSE :title END, body = CASE WHEN edited THEN body ELSE :body END,
    prevention = CASE WHEN edited THEN prevention ELSE :prevention END,
    prevention_command = :prevention_command, trigger = :trigger, trigger_text = :trigger_text,
    error_signature = :error_signature, error_class = :error_class, category = :category,
    severity = CASE WHEN edited THEN severity ELSE :severity END, scope = CASE WHEN edited THEN scope ELSE :scope END,
    project = :project, sessions = :sessions, failed_sessions = :failed_sessions,
    observations = :observations, prevented = :prevented, confidence = :confidence, tier = :tier, status = :status,
    first_seen = :first_seen, last_seen = :last_seen, updated_at = :now,
    embedding = CASE WHEN NOT edited AND (title IS NOT :title OR body IS NOT :body OR prevention IS NOT :prevention)
        THEN NULL ELSE embedding END
WHERE id = :id"""


def _forgotten_here(conn: sqlite3.Connection, signature: str) -> bool:
    """A person forgot this lesson here (`lessons forget`: the team copy, or their own lesson of the
    same signature): the team's is not made again."""
    found = conn.execute(
        "SELECT 1 FROM lesson_events WHERE event = 'forgotten' AND signature = ? LIMIT 1", (signature,)
    ).fetchone()
    return found is not None


@dataclass(frozen=True, slots=True)
class _Decisions:
    """What this person decided about a team copy, from its history (lesson_events)."""

    archived: bool  # their latest decision archived it (`lessons archive`, the web UI)
    approved: bool  # they approved or restored it since it was made or its author last changed it
    change_unreviewed: bool = False  # they approved it once, and its author changed it since


def _decisions(conn: sqlite3.Connection, lesson_id: int) -> _Decisions:
    row = conn.execute(
        """SELECT max(CASE WHEN event IN ('approved', 'restored') THEN id END),
                  max(CASE WHEN event IN ('team_pulled', 'team_changed') THEN id END),
                  max(CASE WHEN event IN ('approved', 'restored', 'archived') THEN id END),
                  max(CASE WHEN event = 'archived' THEN id END),
                  max(CASE WHEN event = 'team_changed' THEN id END)
           FROM lesson_events WHERE lesson_id = ?""",
        (lesson_id,),
    ).fetchone()
    approval, change, decision, archive, author_change = row
    return _Decisions(
        archived=archive is not None and archive == decision,
        approved=approval is not None and (change is None or approval > change),
        change_unreviewed=approval is not None and author_change is not None and author_change > approval,
    )


def _change_to_review(old: dict[str, Any] | None, changed: list[str], decided: _Decisions) -> bool:
    """A copy this person approved, in use or waiting here, that its author changed (now, or at an
    earlier pull whose change is not approved yet)."""
    if old is None or old["status"] not in ("active", "pending"):
        return False
    if changed:
        return old["status"] == "active" or decided.change_unreviewed or decided.approved
    return old["status"] == "pending" and decided.change_unreviewed


def _changed_fields(conn: sqlite3.Connection, item_id: str, old: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The AUTHOR_COLUMNS whose value differs from what the author's texts said at the last pull
    (team_items.payload); for a copy pulled before it was kept there, from the copy's columns
    (a person's edit of one is not the author's change)."""
    row = conn.execute("SELECT payload FROM team_items WHERE item_id = ?", (item_id,)).fetchone()
    before: Any = None
    if row is not None and row[0]:
        try:
            before = json_codec.loads(row[0])
        except ValueError:
            before = None
    if isinstance(before, dict) and set(AUTHOR_COLUMNS) <= before.keys():
        return [name for name in AUTHOR_COLUMNS if before[name] != now[name]]
    skipped = set(EDITED_COLUMNS) if old["edited"] else set()
    changed = [n for n in AUTHOR_COLUMNS if n not in skipped and n != "severity" and old[n] != now[n]]
    if "severity" not in skipped and conf.severity_for(now["severity"], old["failed_sessions"]) != old["severity"]:
        changed.append("severity")
    return changed


def _upsert_copy(
    conn: sqlite3.Connection,
    copy_id: int | None,
    signature: str,
    item: Incoming,
    project: str | None,
    now: str,
    counts: dict[str, int],
    review: bool,
    trusted: tuple[str, ...],
    texts: dict[str, Any],
) -> int:
    """The team copy of a lesson this member does not have, in local `project` (None: global).

    Its texts: the author's (`texts`, _author_columns). Its counts: the trusted members' own, one
    session for each other member the server says reported it (_counted_evidence: a member's
    counts are a claim). Its first and last seen, and so its decay: the author's and the trusted
    members' own (an untrusted member's fresh time cannot take its decay away). Its status, in this order:
    - rejected, by a maintainer for the team or by this person: stays rejected;
    - archived by this person: stays archived, whatever arrives (`team_update_kept` says it came);
    - in use or waiting here after this person approved it, and changed by its author since
      (`team_changed`), unless the author is trusted and this person does not review: pending
      until approved again, whatever its confidence (the change reaches a review; archiving it
      as its confidence fell would hide the change);
    - archived when its confidence fell below the floor (as learning archives);
    - pending when what is stored cannot be read (a trigger of the wrong shape): never active;
    - new, or changed by its author in any AUTHOR_COLUMNS field (`team_changed` names them):
      active only when its author is trusted here and this person does not review new lessons
      (`review`), else pending until approved again;
    - otherwise pending while it waits; active when its author is trusted or this person approved
      it since its last change, else pending (a teammate's trust taken back makes their copies
      wait); one archived as its confidence fell comes back as a new copy would, or as approved."""
    chosen = _counted_evidence(item, trusted)
    sessions, failed = _count(chosen, "sessions"), _count(chosen, "failed_sessions")
    first_seen, last_seen = _counted_times(item, trusted, now)
    days = days_between(last_seen, now) if last_seen else 0.0
    value = conf.confidence(failed, sessions, days)
    old = _stored_copy(conn, copy_id) if copy_id is not None else None
    # A first copy starts in the tier its undecayed evidence earns, as a lesson learned here was
    # promoted while fresh; decay then moves it with the tiers' gap, as learning does.
    start = old["tier"] if old else conf.next_tier(conf.wilson_lower_bound(failed, sessions))
    tier = conf.next_tier(value, start, failed if sessions else None)
    vouched = member_trusted(item.author, trusted)
    changed = _changed_fields(conn, item.item_id, old, texts) if old is not None else []
    decided = _decisions(conn, copy_id) if copy_id is not None else _Decisions(False, False)
    if tier == "candidate" and decided.approved and value >= conf.ACTIVE_BELOW:
        tier = "active"  # this person's approval is the second report one untrusted member's lacks
    _trigger, unreadable = read_trigger(texts["trigger"])
    kept = None
    if item.rejected_by or (old is not None and old["status"] == "rejected"):
        status = "rejected"  # by a maintainer for all, or by a person here: either decision stands
        kept = "rejected" if old is not None and old["status"] == "rejected" else None
    elif old is not None and old["status"] == "archived" and decided.archived:
        status = kept = "archived"  # this person put it out of use: a push does not bring it back
    elif _change_to_review(old, changed, decided) and not (vouched and not review):
        status = "pending"  # approved before, changed by its author since: reviewed again, not archived
    elif conf.should_archive(value, days, sessions, failed):
        status = "archived"
    elif unreadable is not None:
        status = "pending"
    elif old is None or changed:
        status = "active" if vouched and not review else "pending"
    elif old["status"] == "pending":
        status = "pending"  # not approved yet (an approval would have made it active)
    elif old["status"] == "active":
        status = "active" if vouched or decided.approved else "pending"
    else:  # archived as its confidence fell, fresh again: active as a new copy would be, or as approved
        status = "active" if (vouched and not review) or decided.approved else "pending"
    params: dict[str, Any] = {
        **texts,
        "signature": signature,
        "severity": conf.severity_for(texts["severity"], failed),
        "scope": "project" if item.project else "global",
        "project": project,
        "sessions": sessions,
        "failed_sessions": failed,
        "observations": _count(chosen, "observations"),
        "prevented": _count(chosen, "prevented"),
        "confidence": round(value, 6),
        "tier": tier,
        "status": status,
        "first_seen": first_seen,
        "last_seen": last_seen,
        "now": now,
    }
    detail: dict[str, Any] = {"item": item.item_id, "members": list(item.members), "author": item.author}
    if unreadable is not None:
        detail["unreadable"] = f"trigger: {unreadable}"
    if copy_id is None:
        lesson_id = int(conn.execute(_INSERT_COPY, params).lastrowid or 0)
        log_event(conn, lesson_id, signature, now, "team_pulled", {**detail, "status": status})
        counts["new"] += 1
        if status == "rejected":
            counts["rejected"] += 1
        return lesson_id
    assert old is not None
    if kept is not None:
        log_event(conn, copy_id, signature, now, "team_update_kept", {**detail, "kept": kept, "changed": changed})
    elif changed:
        log_event(conn, copy_id, signature, now, "team_changed", {**detail, "changed": changed, "status": status})
    if old["status"] != "rejected" and status == "rejected":
        log_event(conn, copy_id, signature, now, "rejected", {"team": True, "by": item.rejected_by})
        counts["rejected"] += 1
    conn.execute(_UPDATE_COPY, {**params, "id": copy_id})
    counts["updated"] += 1
    return copy_id


_STORED = ("tier", "status", "edited", "failed_sessions", *AUTHOR_COLUMNS)


def _stored_copy(conn: sqlite3.Connection, copy_id: int) -> dict[str, Any]:
    """The copy's columns _upsert_copy compares and keeps."""
    row = conn.execute(f"SELECT {', '.join(_STORED)} FROM lessons WHERE id = ?", (copy_id,)).fetchone()
    return dict(zip(_STORED, row, strict=True))


def _counted(item: Incoming, trusted: tuple[str, ...]) -> list[str]:
    """The members whose times a copy takes (its decay): its author and the members trusted here."""
    return [m for m in item.member_counts if m == item.author or member_trusted(m, trusted)]


# What the server itself knows of an untrusted member's report: one session, failing.
_ONE_REPORT = {"sessions": 1.0, "failed_sessions": 1.0}


def _counted_evidence(item: Incoming, trusted: tuple[str, ...]) -> dict[str, float]:
    """The counts a team copy's confidence comes from. A member's counts are that member's claim:
    the server stores what each member sends and cannot check it (a member may send "99 of 99
    sessions"). So a member's claim counts here only when this person trusts that member
    (`lessons.trusted_members`). Of every other member the copy counts what the server itself
    knows: that they reported it failing, one failing session each; their author may lower their
    own lesson with their claim (one that kept succeeding), never raise it; another untrusted
    member's claim that it never failed is not counted (it would let anyone archive another's
    lesson). An untrusted teammate's lesson therefore starts at the confidence of one failing
    session (a one-off: a note in its project, never a stop) and rises as more members report it,
    as this person approves it (store/lessons/curation.py) or trusts its author. A server older
    than schema 4 sends the members' claims summed: they count only when every member is trusted."""
    if not item.member_counts:
        if item.members and all(member_trusted(m, trusted) for m in item.members):
            return dict(item.totals)
        reported = float(len(item.members))
        return {"sessions": reported, "failed_sessions": reported}
    summed: dict[str, float] = {}
    for member, claim in item.member_counts.items():
        counts: dict[str, float] | None = claim
        if not member_trusted(member, trusted):
            counts = _untrusted_report(claim, member == item.author)
        for name, value in (counts or {}).items():
            summed[name] = summed.get(name, 0.0) + value
    return summed


def _untrusted_report(claim: dict[str, float], author: bool) -> dict[str, float] | None:
    """What an untrusted member's report counts for (_counted_evidence): one failing session, or
    the author's own claim when it says less than that; nothing from another member whose claim
    says it never failed."""
    failed, sessions = _count(claim, "failed_sessions"), _count(claim, "sessions")
    if author and conf.wilson_lower_bound(failed, sessions) < conf.wilson_lower_bound(1, 1):
        return claim
    return dict(_ONE_REPORT) if failed else None


def _counted_times(item: Incoming, trusted: tuple[str, ...], now: str) -> tuple[str | None, str | None]:
    """(first seen, last seen) of a team copy: the earliest and latest of its author's and trusted
    members' own times, so that another member's fresh time cannot take its decay away. The
    item's (every member's) when the server sends no member's own; a time that cannot be read is
    none, one after `now` is `now`."""
    if item.member_counts and item.member_seen:
        pairs = [item.member_seen.get(m, (None, None)) for m in _counted(item, trusted)]
        firsts = [t for t in (_time(p[0], now) for p in pairs) if t is not None]
        lasts = [t for t in (_time(p[1], now) for p in pairs) if t is not None]
        return (min(firsts) if firsts else None), (max(lasts) if lasts else None)
    return _time(item.first_seen, now), _time(item.last_seen, now)


def _time(value: Any, now: str) -> str | None:
    """A pulled time as canonical text, never after `now` (None when it cannot be read)."""
    moment = normalize_timestamp(value) if isinstance(value, str) else None
    if moment is None:
        return None
    return min(moment, normalize_timestamp(now) or now)


def pulled_summary(conn: sqlite3.Connection) -> dict[str, int]:
    """What was pulled: team lessons carried by a copy, by this member's own lesson, commands."""
    row = conn.execute(
        """SELECT sum(kind = 'lesson' AND own = 0), sum(kind = 'lesson' AND own = 1), sum(kind = 'command'),
                  sum(rejected_by IS NOT NULL) FROM team_items"""
    ).fetchone()
    return {
        "team_lessons": int(row[0] or 0),
        "own_lessons_shared": int(row[1] or 0),
        "commands": int(row[2] or 0),
        "rejected": int(row[3] or 0),
    }


def item_of_lesson(conn: sqlite3.Connection, lesson_id: int) -> str | None:
    """The team item a local lesson was shared or pulled as (None when it is not on the team)."""
    row = conn.execute("SELECT item_id FROM team_items WHERE lesson_id = ?", (lesson_id,)).fetchone()
    return None if row is None else str(row[0])


def items_starting(conn: sqlite3.Connection, given: str) -> list[str]:
    """The team items (pulled or shared) whose id starts with `given`."""
    rows = conn.execute(
        "SELECT item_id FROM team_items WHERE item_id LIKE ? || '%' UNION SELECT item_id FROM team_shared "
        "WHERE item_id LIKE ? || '%'",
        (given, given),
    ).fetchall()
    return [str(row[0]) for row in rows]


def item_described(conn: sqlite3.Connection, item_id: str) -> dict[str, Any] | None:
    """What this store knows of a team item (pulled or shared): its kind, project, signature and its
    local lesson's id and title (None when the item is unknown here)."""
    row = conn.execute(
        """SELECT i.kind, i.project, i.signature, i.lesson_id, l.title FROM team_items i
           LEFT JOIN lessons l ON l.id = i.lesson_id WHERE i.item_id = ?""",
        (item_id,),
    ).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT kind, '', local_key, NULL, NULL FROM team_shared WHERE item_id = ?", (item_id,)
        ).fetchone()
    if row is None:
        return None
    return {"kind": row[0], "project": row[1], "signature": row[2], "lesson_id": row[3], "title": row[4]}


def team_rejected_items(conn: sqlite3.Connection) -> set[str]:
    """The items someone of the team rejected for everyone."""
    return {str(r[0]) for r in conn.execute("SELECT item_id FROM team_items WHERE rejected_by IS NOT NULL")}


def outbox_size(conn: sqlite3.Connection) -> tuple[int, int]:
    """(items, batches) waiting in the outbox."""
    items, batches = conn.execute("SELECT count(*), count(DISTINCT batch) FROM team_outbox").fetchone()
    return int(items), int(batches)
