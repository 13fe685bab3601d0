"""The team wing's migration sequence (store/migrations.py applies it after the core's): the
local side of the team store. Its steps keep the names they shipped with in the core's sequence,
so a store made before the wings had its own finds them applied."""

from __future__ import annotations

import sqlite3

from lessonloop.store.migrations import execute_all, sequence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lessonloop.store.migrations import Migration

MIGRATIONS: list[Migration] = []
migration = sequence(MIGRATIONS)


@migration
def m023_team(conn: sqlite3.Connection) -> None:
    """The team store (issue 17, docs/team.md): this store stays the source of truth. `team_config`:
    the team's server, this member's name and token, the pull cursor (the server's change number
    read up to, never a local time) and whether ingest syncs. `team_projects`: a local project and
    its repository's normalized remote URL (one project on every clone). `team_outbox`: local changes
    waiting to be pushed, in batches named before they are sent (a batch sent twice is applied
    once). `team_shared`: what the server holds of this member's, by digest. `team_items`: what was
    pulled, with the team's summed counts, its members and the local lesson that carries it (a team
    copy with origin 'team', or this member's own lesson of the same identity)."""
    execute_all(
        conn,
        """
        CREATE TABLE team_config (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            url TEXT NOT NULL,              -- the server (a password is better kept in ~/.pgpass)
            member TEXT NOT NULL,
            token TEXT NOT NULL,            -- this member's token (the server keeps its hash only)
            role TEXT,
            joined_at TEXT NOT NULL,
            sync_after_ingest INTEGER NOT NULL DEFAULT 0,
            pull_seq INTEGER NOT NULL DEFAULT 0,
            last_push_at TEXT,
            last_pull_at TEXT
        );
        CREATE TABLE team_projects (
            project TEXT PRIMARY KEY,       -- the local project name
            remote TEXT NOT NULL,           -- normalized remote URL (team/remote_urls.py)
            url TEXT NOT NULL               -- the URL as given or found
        );
        CREATE TABLE team_outbox (
            id INTEGER PRIMARY KEY,
            item_id TEXT NOT NULL,
            kind TEXT NOT NULL,             -- lesson | command
            item TEXT NOT NULL,             -- JSON: what is sent, redacted
            digest TEXT NOT NULL,
            batch TEXT,                     -- NULL until a push names the batch it goes in
            queued_at TEXT NOT NULL
        );
        CREATE INDEX team_outbox_batch ON team_outbox(batch, id);
        CREATE TABLE team_shared (
            item_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            local_key TEXT NOT NULL,        -- the lesson's signature, the command's normalized form
            digest TEXT NOT NULL,
            pushed_at TEXT NOT NULL
        );
        CREATE TABLE team_items (
            item_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            project TEXT NOT NULL,          -- normalized remote URL; '' global
            signature TEXT NOT NULL,
            lesson_id INTEGER,              -- the local lesson carrying it
            own INTEGER NOT NULL DEFAULT 0, -- 1: lesson_id is this member's own lesson
            members TEXT NOT NULL,          -- JSON list of contributing members
            totals TEXT NOT NULL,           -- JSON: counts summed over members
            payload TEXT,                   -- JSON: a command's summary (lessons live in `lessons`)
            rejected_by TEXT,
            seq INTEGER NOT NULL,
            pulled_at TEXT NOT NULL
        );
        CREATE INDEX team_items_lesson ON team_items(lesson_id);
        """,
    )


@migration
def m026_team_authors(conn: sqlite3.Connection) -> None:
    """Whose texts a pulled team lesson carries (issue 25): its author, shown with it and used to
    decide whether it is trusted here (`lessons.trusted_members`); NULL for items pulled from a
    server older than schema 4, and before this migration."""
    execute_all(conn, "ALTER TABLE team_items ADD COLUMN author TEXT;")


@migration
def m027_team_token_out_of_store(conn: sqlite3.Connection) -> None:
    """A team member's token leaves the store (issue 25, item 6): it goes into the tokens file beside
    the configuration (team/store/tokens.py, 0600) and `team_config.token` is blanked, with
    secure_delete so that its text is overwritten. When the file cannot be written now, the token
    stays, and `team_state.team_config` moves it the next time a team command reads it."""
    row = conn.execute("SELECT url, member, token FROM team_config WHERE id = 1").fetchone()
    if row is None or not row[2]:
        return
    from lessonloop.team.store.tokens import TokenFileError, save_token

    try:
        save_token(str(row[0]), str(row[1]), str(row[2]))
    except TokenFileError:
        return
    (before,) = conn.execute("PRAGMA secure_delete").fetchone()
    conn.execute("PRAGMA secure_delete = ON")
    try:
        conn.execute("UPDATE team_config SET token = '' WHERE id = 1")
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(before)}")


@migration
def m034_team_url_password(conn: sqlite3.Connection) -> None:
    """A password in the team's URL leaves the store (issue 39, docs/team.md): `team_config.url` keeps
    the URL without it, and the password goes into the tokens file beside the member's token
    (team/store/tokens.py, 0600; with secure_delete, the old text is overwritten). When the file
    cannot be written now, the URL stays as it is and `team_state.team_config` moves the password
    the next time a team command reads it."""
    from lessonloop.team.store.state import move_password_out

    if conn.execute("SELECT 1 FROM team_config WHERE id = 1").fetchone() is not None:
        move_password_out(conn, within=True)


@migration
def m051_lesson_author(conn: sqlite3.Connection) -> None:
    """The author of each team copy pulled before the core's m050, on its lesson's row (the core
    reads `lessons.author`, no longer this wing's `team_items`)."""
    conn.execute(
        """UPDATE lessons SET author = (SELECT t.author FROM team_items t WHERE t.lesson_id = lessons.id AND t.own = 0
                                         AND t.author IS NOT NULL LIMIT 1)
           WHERE id IN (SELECT lesson_id FROM team_items WHERE own = 0 AND lesson_id IS NOT NULL)"""
    )
