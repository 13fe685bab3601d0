"""The history wing's migration sequence (store/migrations.py applies it after the core's): git
history (m019), file prediction's models (m021) and the links of commits to sessions (m022). Its
steps keep the names they shipped with in the core's sequence, so a store made before the wings
had their own finds them applied. In a new store they come after session search (the core's
m044): m022 then makes a linked commit a search place (store/search_places.py), and m052 does in
a store whose m022 came before session search (where the core's m044 did it before the wings had
their own)."""

from __future__ import annotations

import sqlite3

from lessonloop.history.store.search_places import add_commit_search, has_commit_search
from lessonloop.store.migrations import execute_all, has_table, sequence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lessonloop.store.migrations import Migration

MIGRATIONS: list[Migration] = []
migration = sequence(MIGRATIONS)


@migration
def m019_git_history(conn: sqlite3.Connection) -> None:
    """Git history (issue 14, docs/git.md): the repositories read, with the branch tips read up
    to (the next read asks git for what is not reachable from them); their commits (first-parent
    history of every branch; merges marked), each commit's files in git's order (a rename keeps
    its old path) and the hunks kept under the size caps, redacted. Natural keys (repository,
    hash, file position, hunk position): reading a commit twice stores it once. Authors' emails
    are never stored: `author_key` is a keyed hash of the lower-cased address, with the store's
    own random key (`git_author_salt`), so one author's commits group without the address."""
    execute_all(
        conn,
        """
        CREATE TABLE git_author_salt (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            salt TEXT NOT NULL
        );
        INSERT INTO git_author_salt (id, salt) VALUES (1, lower(hex(randomblob(16))));
        CREATE TABLE git_repositories (
            id INTEGER PRIMARY KEY,
            root TEXT NOT NULL UNIQUE,      -- the main working tree (a bare repository's folder)
            common_dir TEXT NOT NULL,       -- the git folder its worktrees share
            tips TEXT NOT NULL DEFAULT '{}',-- JSON {ref: commit}: what was read up to
            shallow INTEGER NOT NULL DEFAULT 0,
            first_read_at TEXT NOT NULL,
            read_at TEXT                    -- the last complete read
        );
        CREATE TABLE git_commits (
            repository_id INTEGER NOT NULL,
            hash TEXT NOT NULL,
            parents TEXT NOT NULL,          -- space-separated, first parent first
            is_merge INTEGER NOT NULL,
            branch TEXT,                    -- the branch whose first-parent history holds it (NULL: a detached HEAD)
            author_name TEXT NOT NULL,
            author_key TEXT NOT NULL,       -- keyed hash of the email (see above)
            authored_at TEXT NOT NULL,      -- UTC
            author_offset_minutes INTEGER NOT NULL,
            author_hour INTEGER NOT NULL,   -- 0..23 in the author's time zone
            author_weekday INTEGER NOT NULL,-- 0 Monday .. 6 Sunday, in the author's time zone
            committed_at TEXT NOT NULL,
            subject TEXT NOT NULL,
            message TEXT NOT NULL,          -- redacted
            cc_type TEXT,                   -- conventional commit: feat, fix, ...
            cc_scope TEXT,
            cc_breaking INTEGER NOT NULL DEFAULT 0,
            files INTEGER NOT NULL,
            insertions INTEGER NOT NULL,
            deletions INTEGER NOT NULL,
            hunks_truncated INTEGER NOT NULL DEFAULT 0,
            message_not_utf8 INTEGER NOT NULL DEFAULT 0,
            read_at TEXT NOT NULL,
            PRIMARY KEY (repository_id, hash)
        );
        CREATE INDEX git_commits_hash ON git_commits(hash);
        CREATE INDEX git_commits_time ON git_commits(repository_id, authored_at);
        CREATE TABLE git_commit_files (
            repository_id INTEGER NOT NULL,
            hash TEXT NOT NULL,
            ordinal INTEGER NOT NULL,       -- the file's place in the commit's diff
            path TEXT NOT NULL,
            old_path TEXT,                  -- a rename's or copy's source
            status TEXT NOT NULL,           -- A M D R C
            insertions INTEGER,             -- NULL: binary
            deletions INTEGER,
            binary INTEGER NOT NULL DEFAULT 0,
            hunks_truncated INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (repository_id, hash, ordinal)
        );
        CREATE INDEX git_commit_files_path ON git_commit_files(repository_id, path);
        CREATE TABLE git_hunks (
            repository_id INTEGER NOT NULL,
            hash TEXT NOT NULL,
            ordinal INTEGER NOT NULL,       -- the file's place (git_commit_files.ordinal)
            idx INTEGER NOT NULL,           -- the hunk's place in the file
            old_start INTEGER NOT NULL,
            old_lines INTEGER NOT NULL,
            new_start INTEGER NOT NULL,
            new_lines INTEGER NOT NULL,
            header TEXT NOT NULL,
            text TEXT NOT NULL,             -- redacted (scope code)
            PRIMARY KEY (repository_id, hash, ordinal, idx)
        );
        """,
    )


@migration
def m021_file_models(conn: sqlite3.Connection) -> None:
    """File prediction (issue 14, item 3; docs/files.md): each repository's model, kept and
    updated as history arrives. `state` is the learner's JSON (zlib); `commits_rowid` and
    `chats_until` say what it has learned (git_commits rows up to that rowid, chats up to that
    time), so an update reads only the commits and chats stored after them."""
    execute_all(
        conn,
        """
        CREATE TABLE file_models (
            key TEXT PRIMARY KEY,           -- the repository's root
            state BLOB NOT NULL,
            commits_rowid INTEGER NOT NULL, -- the last git_commits rowid learned
            chats_until TEXT NOT NULL,      -- the time of the last chat learned ('' none)
            examples INTEGER NOT NULL,      -- examples learned
            updated_at TEXT NOT NULL
        );
        """,
    )


@migration
def m022_git_links(conn: sqlite3.Connection) -> None:
    """Commits tied to the sessions that made them, and commits undone by later ones (issue 14,
    item 2; docs/git.md, "Links"). A link names the main session, the evidence (`agent_commit`:
    the session's own commit command whose output names the hash; `aider_commit`: Aider's
    "> Commit <sha>" line; `edit_window`: the session edited the commit's files shortly before
    it), its strength (1 for a commit call, at most 0.5 for edits) and the call. A rollback names
    the commit undone and the later commit undoing it (`revert_message`, `inverse_hunks`).
    `git_link_state` is how far the linking has read (git_commits and tool_calls rowids)."""
    execute_all(
        conn,
        """
        CREATE TABLE git_commit_links (
            repository_id INTEGER NOT NULL,
            hash TEXT NOT NULL,
            session_id TEXT NOT NULL,       -- the main session
            evidence TEXT NOT NULL,         -- agent_commit | aider_commit | edit_window
            strength REAL NOT NULL,         -- 1: a commit call naming it; edit_window: 0.5 x share of its files
            tool_use_id TEXT,               -- the commit call; edit_window: the last edit it took
            files INTEGER NOT NULL DEFAULT 0,  -- edit_window: its files the session edited
            PRIMARY KEY (repository_id, hash, session_id, evidence)
        );
        CREATE INDEX git_commit_links_session ON git_commit_links(session_id);
        CREATE TABLE git_rollbacks (
            repository_id INTEGER NOT NULL,
            hash TEXT NOT NULL,             -- the commit undone
            by_hash TEXT NOT NULL,          -- the later commit undoing it
            evidence TEXT NOT NULL,         -- revert_message | inverse_hunks
            hunks INTEGER NOT NULL,         -- inverse_hunks: how many of its hunks were undone
            PRIMARY KEY (repository_id, hash, by_hash)
        );
        CREATE TABLE git_link_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            commits_rowid INTEGER NOT NULL,
            calls_rowid INTEGER NOT NULL
        );
        INSERT INTO git_link_state (id, commits_rowid, calls_rowid) VALUES (1, 0, 0);
        """,
    )
    if has_table(conn, "search_places"):  # a new store: session search (m044) came first
        add_commit_search(conn)


@migration
def m052_commit_search(conn: sqlite3.Connection) -> None:
    """A linked commit is a search place in a store whose m022 came before session search (the
    core's m044 made it so there until the core named no table of this wing; issue 63)."""
    if has_table(conn, "search_places") and not has_commit_search(conn):
        add_commit_search(conn)
