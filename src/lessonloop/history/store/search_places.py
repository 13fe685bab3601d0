"""Session search's places of the history wing: a commit linked to a session is a place the core's
search index holds (store/search/), its text the commit's message. This module makes those places
and keeps them (`add_commit_search`, by the wing's migrations), and tells the core's search reader
which session and time a commit's place has (SESSION_SQL, TS_SQL: SQL over the place `x`, its
`repository_id` and `hash`) and which call a commit is in `show --at` (`place_at`); handed over
by the wing's Wing.search_places(), so the core's SQL names none of this wing's tables."""

from __future__ import annotations

import sqlite3

from lessonloop.store.migrations import SEARCH_INDEXED, execute_all, search_texts_view

# The session a commit's place belongs to: the one linked to it most strongly; its time: the commit's.
SESSION_SQL = """(SELECT l.session_id FROM git_commit_links l
                           WHERE l.repository_id = x.repository_id AND l.hash = x.hash
                           ORDER BY l.strength DESC, l.session_id LIMIT 1)"""
TS_SQL = "(SELECT g.committed_at FROM git_commits g WHERE g.repository_id = x.repository_id AND g.hash = x.hash)"


def place_at(conn: sqlite3.Connection, session_id: str, at: str) -> str | None:
    """A commit linked to the main session `session_id` whose hash starts with `at` (report/queries.place_of:
    `show --at`): the id of the call that made it ("" when no call did), or None when
    the session links to no such commit."""
    link = conn.execute(
        """SELECT tool_use_id FROM git_commit_links WHERE session_id = ? AND substr(hash, 1, ?) = ?
           ORDER BY strength DESC, tool_use_id IS NULL LIMIT 1""",
        (session_id, len(at), at.lower()),
    ).fetchone()
    if link is None:
        return None
    return str(link[0]) if link[0] is not None else ""


def has_commit_search(conn: sqlite3.Connection) -> bool:
    """Whether the store's search index keeps commits' places already (`add_commit_search` ran)."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'search_commit_link_insert'"
    ).fetchone()
    return row is not None


def add_commit_search(conn: sqlite3.Connection) -> None:
    """Session search finds a commit linked to a session (the core's m044, docs/search.md): its
    place in `search_places`, kept by these triggers as links and commits are written, changed and
    deleted, its text read by the index's view (made again with it), and the places of the commits
    already linked, indexed. Made by m022 in a new store, by m052 in one whose m022 came before
    session search (the core's m044 made it there before the wings had their own)."""
    commit_out = f"""
            INSERT INTO search_fts (search_fts, rowid, text)
                SELECT 'delete', p.id, g.message FROM search_places p
                JOIN git_commits g ON g.repository_id = p.repository_id AND g.hash = p.hash
                WHERE p.repository_id = old.repository_id AND p.hash = old.hash AND p.id <= {SEARCH_INDEXED};
            DELETE FROM search_places WHERE repository_id = old.repository_id AND hash = old.hash;"""
    commit_text = "(SELECT g.message FROM git_commits g WHERE g.repository_id = p.repository_id AND g.hash = p.hash)"
    execute_all(
        conn,
        f"""
        DROP VIEW search_texts;
        {search_texts_view(commit_text)}

        -- A commit is a place once a session is linked to it and its row is stored, and no longer once
        -- no session is.
        CREATE TRIGGER search_commit_link_insert AFTER INSERT ON git_commit_links
        WHEN NOT EXISTS (SELECT 1 FROM search_places WHERE repository_id = new.repository_id AND hash = new.hash)
        BEGIN
            INSERT INTO search_places (kind, repository_id, hash)
                SELECT 'commit', new.repository_id, new.hash WHERE EXISTS
                (SELECT 1 FROM git_commits WHERE repository_id = new.repository_id AND hash = new.hash);
        END;
        CREATE TRIGGER search_commit_link_delete AFTER DELETE ON git_commit_links
        WHEN NOT EXISTS (SELECT 1 FROM git_commit_links WHERE repository_id = old.repository_id AND hash = old.hash)
        BEGIN{commit_out}
        END;
        CREATE TRIGGER search_commit_insert AFTER INSERT ON git_commits
        WHEN EXISTS (SELECT 1 FROM git_commit_links WHERE repository_id = new.repository_id AND hash = new.hash)
        BEGIN
            INSERT OR IGNORE INTO search_places (kind, repository_id, hash) VALUES ('commit', new.repository_id, new.hash);
        END;
        CREATE TRIGGER search_commit_delete AFTER DELETE ON git_commits BEGIN
            INSERT INTO search_fts (search_fts, rowid, text)
                SELECT 'delete', id, old.message FROM search_places
                WHERE repository_id = old.repository_id AND hash = old.hash AND id <= {SEARCH_INDEXED};
            DELETE FROM search_places WHERE repository_id = old.repository_id AND hash = old.hash;
        END;
        CREATE TRIGGER search_commit_update AFTER UPDATE OF message ON git_commits WHEN old.message IS NOT new.message
        BEGIN
            INSERT INTO search_fts (search_fts, rowid, text)
                SELECT 'delete', id, old.message FROM search_places
                WHERE repository_id = old.repository_id AND hash = old.hash AND id <= {SEARCH_INDEXED};
            DELETE FROM search_places WHERE repository_id = old.repository_id AND hash = old.hash;
            INSERT INTO search_places (kind, repository_id, hash)
                SELECT 'commit', new.repository_id, new.hash WHERE EXISTS
                (SELECT 1 FROM git_commit_links WHERE repository_id = new.repository_id AND hash = new.hash);
        END;

        INSERT INTO search_places (kind, repository_id, hash)
            SELECT DISTINCT 'commit', l.repository_id, l.hash FROM git_commit_links l
            JOIN git_commits g ON g.repository_id = l.repository_id AND g.hash = l.hash;
        """,
    )
    from lessonloop.store.search.index_upkeep import index_new_places

    index_new_places(conn)
