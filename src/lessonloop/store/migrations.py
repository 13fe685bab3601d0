"""The schema's history: append-only, one small named step each, applied once and recorded.

The core's steps are here; each wing has a sequence of its own (its `store/migrations.py`, named by
its `wing` module: core/wings.py), applied after the core's, every step recorded in `_migrations`
by its function's name, which is unique across the sequences. Add a step by appending a decorated
function to its sequence; never edit or reorder a step that has shipped.
"""

from __future__ import annotations

import sqlite3

from lessonloop.core.timestamps import utc_now
from lessonloop.store.transaction import transaction

# The hooks that write open the store through this module on every event: what only an old
# migration uses (orjson, hashlib) is imported there, and typing not at all.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def sequence(steps: list[Migration]) -> Callable[[Migration], Migration]:
    """The decorator that appends a step to `steps` (a wing's MIGRATIONS): its function name is its
    recorded name."""

    def register(step: Migration) -> Migration:
        steps.append(step)
        return step

    return register


migration = sequence(MIGRATIONS)  # the core's


def all_migrations() -> list[Migration]:
    """The core's steps, then each wing's sequence in the wings' order (core/wings.py)."""
    from lessonloop.core.wings import wings

    steps = list(MIGRATIONS)
    for wing in wings():
        steps += wing.migrations()
    return steps


def execute_all(conn: sqlite3.Connection, script: str) -> None:
    """Run each statement of `script` inside the caller's transaction (executescript would commit)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement.strip()[:80]}")


def _applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations recorded in the store, in the order they were applied (open_store
    has refused another program's database before: this creates the bookkeeping table)."""
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    return [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]


def table_names(conn: sqlite3.Connection) -> set[str]:
    """Every table of the database (SQLite's own included): a store from before a migration lacks
    the tables it adds (git history, links), another program's database has none of lessonloop's."""
    return {str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the database has the table `name`."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def refuse_another_programs(conn: sqlite3.Connection) -> None:
    """Raise StoreError for a database of another program (tables, none of them lessonloop's):
    it is to be left as it was (open_store asks before it switches the file to WAL mode)."""
    tables = table_names(conn)
    if tables and "_migrations" not in tables and "source_files" not in tables:
        from lessonloop.store.transaction import StoreError, store_file

        where = store_file(conn) or "the store"
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise StoreError(
            f"the store {where} is not a lessonloop store: it holds another program's tables ({shown}); "
            "give --db a new file or a lessonloop store",
            path=where,
            cause="corrupt",
        )


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply every pending migration, each in its own transaction (a new store's all in one: it
    holds nothing a half-done upgrade could lose); return the names applied."""
    done = set(_applied_migrations(conn))
    steps = all_migrations()
    if not done:
        with transaction(conn):
            if not conn.execute("SELECT 1 FROM _migrations LIMIT 1").fetchone():  # no other process began it
                for step in steps:
                    step(conn)
                    conn.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (step.__name__, utc_now()))
                return [step.__name__ for step in steps]
        done = set(_applied_migrations(conn))
    newly: list[str] = []
    for step in steps:
        name = step.__name__
        if name in done:
            continue
        with transaction(conn):
            # Another process may have applied it while we waited for the lock.
            if conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                continue
            step(conn)
            conn.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, utc_now()))
        newly.append(name)
    return newly


@migration
def m001_source_files(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        CREATE TABLE source_files (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            agent TEXT NOT NULL,
            size INTEGER NOT NULL DEFAULT 0,      -- file size when it was last read
            mtime_ns INTEGER NOT NULL DEFAULT 0,
            offset INTEGER NOT NULL DEFAULT 0,    -- bytes consumed: the end of the last whole line
            lines INTEGER NOT NULL DEFAULT 0,     -- lines consumed
            head_hash TEXT,                       -- fingerprint of the first consumed bytes
            tail_hash TEXT,                       -- fingerprint of the last consumed bytes
            reread INTEGER NOT NULL DEFAULT 0,    -- 1: rebuild its records from the start
            is_sample INTEGER NOT NULL DEFAULT 0, -- the bundled sample, not the user's data
            ingested_at TEXT
        );
        """,
    )


@migration
def m002_sessions(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            parent_id TEXT,                 -- the main session of a subagent
            agent_id TEXT,                  -- a subagent's own id
            kind TEXT NOT NULL,             -- main | subagent | compaction
            agent TEXT NOT NULL,            -- claude-code, codex, ...
            project TEXT,                   -- git root of cwd when it exists, else cwd
            cwd TEXT,
            git_branch TEXT,
            version TEXT,
            slug TEXT,
            title TEXT,
            agent_type TEXT,
            description TEXT,
            spawn_tool_use_id TEXT,         -- the Task call that started a subagent, when recorded
            placeholder INTEGER NOT NULL DEFAULT 0,  -- known only as a subagent's parent
            source_file_id INTEGER REFERENCES source_files(id)
        );
        CREATE INDEX sessions_parent ON sessions(parent_id);
        CREATE INDEX sessions_project ON sessions(project);
        CREATE INDEX sessions_source ON sessions(source_file_id);
        -- Which sessions each file holds lines of, even lines stored under another file
        -- (history copied into a resumed session): what to re-read when a file is replaced.
        CREATE TABLE file_sessions (
            source_file_id INTEGER NOT NULL REFERENCES source_files(id),
            session_id TEXT NOT NULL,
            PRIMARY KEY (source_file_id, session_id)
        ) WITHOUT ROWID;
        CREATE INDEX file_sessions_session ON file_sessions(session_id);
        """,
    )


@migration
def m003_messages(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL,
            uuid TEXT NOT NULL,
            parent_uuid TEXT,
            seq INTEGER NOT NULL,           -- line number in the source file
            ts TEXT,
            role TEXT NOT NULL,             -- user | assistant | system
            kind TEXT NOT NULL,             -- prompt, assistant, interrupt, rejection, ...
            text TEXT,
            tool_use_id TEXT,               -- the tool call a rejection answers
            source_file_id INTEGER NOT NULL REFERENCES source_files(id),
            UNIQUE (session_id, uuid)
        );
        CREATE INDEX messages_session_ts ON messages(session_id, ts, seq);
        CREATE INDEX messages_source ON messages(source_file_id);
        """,
    )


@migration
def m004_tool_calls(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        CREATE TABLE tool_calls (
            id TEXT PRIMARY KEY,            -- tool_use_id
            session_id TEXT NOT NULL,
            message_uuid TEXT,
            seq INTEGER NOT NULL,
            ts TEXT,
            tool TEXT NOT NULL,
            input_json TEXT,
            target_path TEXT,
            command TEXT,
            ok INTEGER,                     -- 1 ok, 0 error, NULL no result yet
            status TEXT,                    -- ok | error | rejected | interrupted
            exit_code INTEGER,
            error_text TEXT,
            result_text TEXT,               -- start of a successful result
            result_ts TEXT,
            result_seq INTEGER,
            duration_ms INTEGER,
            diff TEXT,                      -- the applied diff of an edit, unified format
            lines_added INTEGER,
            lines_removed INTEGER,
            subagent_id TEXT,               -- agent id a Task call started
            source_file_id INTEGER NOT NULL REFERENCES source_files(id)
        );
        CREATE INDEX tool_calls_session ON tool_calls(session_id, seq);
        CREATE INDEX tool_calls_source ON tool_calls(source_file_id);
        CREATE INDEX tool_calls_tool ON tool_calls(tool);
        CREATE INDEX tool_calls_subagent ON tool_calls(subagent_id) WHERE subagent_id IS NOT NULL;
        """,
    )


@migration
def m005_token_usage(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        CREATE TABLE token_usage (
            message_id TEXT NOT NULL,
            request_id TEXT NOT NULL,
            session_id TEXT NOT NULL,
            model TEXT NOT NULL,
            ts TEXT,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cache_creation_tokens INTEGER NOT NULL,
            cache_read_tokens INTEGER NOT NULL,
            source_file_id INTEGER NOT NULL REFERENCES source_files(id),
            PRIMARY KEY (message_id, request_id)
        );
        CREATE INDEX token_usage_session ON token_usage(session_id);
        CREATE INDEX token_usage_source ON token_usage(source_file_id);
        """,
    )


@migration
def m006_session_summaries(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        CREATE TABLE session_summaries (
            leaf_uuid TEXT NOT NULL,        -- the last message the summary covers
            summary TEXT NOT NULL,
            seq INTEGER NOT NULL,
            source_file_id INTEGER NOT NULL REFERENCES source_files(id),
            PRIMARY KEY (source_file_id, seq)
        );
        CREATE INDEX session_summaries_leaf ON session_summaries(leaf_uuid);
        """,
    )


@migration
def m007_ingest_problems(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        CREATE TABLE ingest_problems (
            id INTEGER PRIMARY KEY,
            source_file_id INTEGER REFERENCES source_files(id),
            path TEXT NOT NULL,
            line INTEGER,
            code TEXT NOT NULL,             -- invalid-json, invalid-utf8, line-too-long, ...
            detail TEXT NOT NULL,
            seen_at TEXT NOT NULL
        );
        CREATE INDEX ingest_problems_source ON ingest_problems(source_file_id);
        """,
    )


@migration
def m008_analysis(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        ALTER TABLE tool_calls ADD COLUMN cwd TEXT;   -- working folder of the call

        -- One row per analyzed main session: the origins' session_executions.
        CREATE TABLE session_executions (
            session_id TEXT PRIMARY KEY,
            project TEXT,
            fingerprint TEXT NOT NULL,      -- inputs + analyzer version + rules; unchanged: skipped
            analyzed_at TEXT NOT NULL,
            started_at TEXT,
            ended_at TEXT,
            tool_calls INTEGER NOT NULL,
            typed_prompts INTEGER NOT NULL,
            engagement_rate REAL,           -- typed prompts / tool calls
            rules_applicable INTEGER NOT NULL,
            rules_satisfied INTEGER NOT NULL,
            compliance REAL,                -- satisfied / applicable; NULL when no rule applies
            blind_edits INTEGER NOT NULL,
            stale_edits INTEGER NOT NULL,
            duplicate_reads INTEGER NOT NULL,
            search_loops INTEGER NOT NULL,
            re_edits INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            usage_errors INTEGER NOT NULL,
            corrections INTEGER NOT NULL,
            findings INTEGER NOT NULL,
            max_risk REAL,                  -- highest diff risk in the session
            unresolved_errors INTEGER NOT NULL,
            tests_run INTEGER NOT NULL,
            tests_failing_at_end INTEGER,   -- 1 / 0; NULL when no test ran
            corrections_in_session INTEGER NOT NULL,
            opens_with_correction INTEGER NOT NULL,  -- its first typed prompt corrects earlier work
            corrections_next_session INTEGER,  -- NULL when there is no next session of the project
            reverted_changes INTEGER NOT NULL,
            detail TEXT                     -- JSON: everything `analyze --session` prints
        );
        CREATE INDEX session_executions_project ON session_executions(project, started_at);

        -- Every signal with its evidence; rewritten with its session.
        CREATE TABLE analysis_signals (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL,       -- the main session
            context_id TEXT NOT NULL,       -- the agent context (a subagent is "<session>/<agentId>")
            kind TEXT NOT NULL,             -- blind_edit, stale_edit, duplicate_read, search_loop, re_edit, correction, ...
            seq INTEGER,
            tool_use_id TEXT,
            message_uuid TEXT,
            path TEXT,
            label TEXT,                     -- error class, rule id, correction kind, ...
            detail TEXT                     -- JSON
        );
        CREATE INDEX analysis_signals_session ON analysis_signals(session_id, kind);
        CREATE INDEX analysis_signals_kind ON analysis_signals(kind, label);

        CREATE TABLE call_errors (
            tool_use_id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,       -- the main session
            context_id TEXT NOT NULL,
            class TEXT NOT NULL,            -- INCORRECT_PARAMETER, CHECK_FAILED, ...
            usage INTEGER NOT NULL,         -- 1 for the usage classes
            confidence REAL NOT NULL,
            evidence TEXT NOT NULL
        );
        CREATE INDEX call_errors_session ON call_errors(session_id);
        CREATE INDEX call_errors_class ON call_errors(class);

        CREATE TABLE rule_results (
            session_id TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            status TEXT NOT NULL,           -- satisfied | violated | not_applicable
            evidence TEXT,                  -- JSON
            PRIMARY KEY (session_id, rule_id)
        );

        -- Imported result files (SARIF, JUnit): a re-import replaces their findings.
        CREATE TABLE finding_imports (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            format TEXT NOT NULL,           -- sarif | junit
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        );

        -- Findings about code: built-in rules and bandit on added lines, imported scanners, failed tests.
        CREATE TABLE findings (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,           -- builtin | bandit | sarif:<tool> | junit
            kind TEXT NOT NULL,             -- risk | test_failure
            rule TEXT NOT NULL,
            severity TEXT NOT NULL,         -- info | low | medium | high | critical
            path TEXT,
            line INTEGER,
            message TEXT NOT NULL,
            ts TEXT,
            session_id TEXT,                -- the main session it is matched to
            tool_use_id TEXT,               -- the edit that introduced it
            import_id INTEGER REFERENCES finding_imports(id)
        );
        CREATE INDEX findings_session ON findings(session_id, kind);
        CREATE INDEX findings_import ON findings(import_id);

        CREATE TABLE diff_risk (
            tool_use_id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            risk REAL NOT NULL,
            findings INTEGER NOT NULL
        );
        CREATE INDEX diff_risk_session ON diff_risk(session_id);
        """,
    )


@migration
def m009_lessons(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        -- A lesson: what goes wrong (title, body), when (trigger), what to do instead
        -- (prevention), and how sure we are (counts -> confidence, tier).
        CREATE TABLE lessons (
            id INTEGER PRIMARY KEY,
            signature TEXT NOT NULL UNIQUE,  -- exact-merge key: kind + trigger + error signature
            kind TEXT NOT NULL,             -- usage | correction | finding | workflow | manual
            origin TEXT NOT NULL,           -- learned | manual | imported
            title TEXT NOT NULL,            -- one line: what goes wrong
            body TEXT NOT NULL,             -- the mistake in more words
            prevention TEXT,                -- what to do instead
            prevention_command TEXT,        -- the fix as a command, when it is one
            trigger TEXT,                   -- JSON (lesson_model/triggers.py); NULL: recall only
            trigger_text TEXT,              -- the trigger in words, for search and display
            error_signature TEXT,           -- the normalized error it prevents
            error_class TEXT,
            category TEXT,
            severity TEXT NOT NULL,         -- low | medium | high | critical
            scope TEXT NOT NULL,            -- project | global
            project TEXT,                   -- scope = project: the project it applies to
            agent TEXT,
            model TEXT,
            sessions INTEGER NOT NULL DEFAULT 0,         -- sessions with the trigger and without the prevention
            failed_sessions INTEGER NOT NULL DEFAULT 0,  -- ... of which the trigger failed
            observations INTEGER NOT NULL DEFAULT 0,     -- failing calls seen
            prevented INTEGER NOT NULL DEFAULT 0,        -- successes after the prevention or a warning
            warnings INTEGER NOT NULL DEFAULT 0,         -- times it was given to an agent
            confidence REAL NOT NULL,       -- decayed Wilson lower bound of failed_sessions / sessions
            tier TEXT NOT NULL,             -- candidate | active | core
            status TEXT NOT NULL,           -- pending | active | rejected | archived
            edited INTEGER NOT NULL DEFAULT 0,  -- a person changed its text: learning keeps theirs
            first_seen TEXT,
            last_seen TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            embedding BLOB,                 -- float32 vector of title + body + prevention
            embedding_model TEXT
        );
        CREATE INDEX lessons_project ON lessons(project, status);
        CREATE INDEX lessons_status ON lessons(status, tier);

        -- Why a lesson exists: one row per observation.
        CREATE TABLE lesson_evidence (
            id INTEGER PRIMARY KEY,
            lesson_id INTEGER NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            role TEXT NOT NULL,             -- failure | fix | success | prevented | correction | finding | rule
            session_id TEXT,
            tool_use_id TEXT,
            message_uuid TEXT,
            finding_id INTEGER,
            ts TEXT,
            project TEXT,
            detail TEXT                     -- JSON
        );
        CREATE INDEX lesson_evidence_lesson ON lesson_evidence(lesson_id, ts);
        CREATE INDEX lesson_evidence_call ON lesson_evidence(tool_use_id);

        -- Signatures merged into another lesson (near-duplicates), so relearning finds it again.
        CREATE TABLE lesson_aliases (
            signature TEXT PRIMARY KEY,
            lesson_id INTEGER NOT NULL REFERENCES lessons(id) ON DELETE CASCADE
        );

        -- What people and maintenance did to lessons: nothing changes silently.
        CREATE TABLE lesson_events (
            id INTEGER PRIMARY KEY,
            lesson_id INTEGER,              -- kept after `forget`, for the record
            signature TEXT,
            ts TEXT NOT NULL,
            event TEXT NOT NULL,            -- learned | approved | rejected | edited | archived | restored | forgotten | merged | imported
            detail TEXT
        );
        CREATE INDEX lesson_events_lesson ON lesson_events(lesson_id, ts);

        -- Each learning run: what it read (so an unchanged store is not learned again) and found.
        CREATE TABLE learn_runs (
            id INTEGER PRIMARY KEY,
            ts TEXT NOT NULL,
            fingerprint TEXT NOT NULL,      -- the history read + the learner's version
            tool_calls INTEGER NOT NULL,
            lessons INTEGER NOT NULL,
            new_lessons INTEGER NOT NULL,
            archived INTEGER NOT NULL
        );

        CREATE VIRTUAL TABLE lessons_fts USING fts5(
            title, body, prevention, trigger_text, category,
            content='lessons', content_rowid='id', tokenize='porter unicode61'
        );
        CREATE TRIGGER lessons_fts_insert AFTER INSERT ON lessons BEGIN
            INSERT INTO lessons_fts(rowid, title, body, prevention, trigger_text, category)
            VALUES (new.id, new.title, new.body, new.prevention, new.trigger_text, new.category);
        END;
        CREATE TRIGGER lessons_fts_delete AFTER DELETE ON lessons BEGIN
            INSERT INTO lessons_fts(lessons_fts, rowid, title, body, prevention, trigger_text, category)
            VALUES ('delete', old.id, old.title, old.body, old.prevention, old.trigger_text, old.category);
        END;
        CREATE TRIGGER lessons_fts_update AFTER UPDATE OF title, body, prevention, trigger_text, category ON lessons BEGIN
            INSERT INTO lessons_fts(lessons_fts, rowid, title, body, prevention, trigger_text, category)
            VALUES ('delete', old.id, old.title, old.body, old.prevention, old.trigger_text, old.category);
            INSERT INTO lessons_fts(rowid, title, body, prevention, trigger_text, category)
            VALUES (new.id, new.title, new.body, new.prevention, new.trigger_text, new.category);
        END;
        """,
    )


@migration
def m010_hooks(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        -- What the PreToolUse hook looks lessons up by: the trigger's tool, and its first command
        -- word or its path (NULL: any call of the tool).
        ALTER TABLE lessons ADD COLUMN trigger_tool TEXT GENERATED ALWAYS AS (json_extract(trigger, '$.tool')) VIRTUAL;
        ALTER TABLE lessons ADD COLUMN trigger_key TEXT
            GENERATED ALWAYS AS (coalesce(json_extract(trigger, '$.words[0]'), json_extract(trigger, '$.path'))) VIRTUAL;
        CREATE INDEX lessons_trigger ON lessons(trigger_tool, trigger_key) WHERE trigger_tool IS NOT NULL;

        -- Sessions as the hooks saw them (before any transcript is ingested).
        CREATE TABLE hook_sessions (
            session_id TEXT PRIMARY KEY,
            project TEXT,                   -- resolved from cwd at the session's first event
            cwd TEXT,
            transcript_path TEXT,
            model TEXT,
            started_at TEXT,
            last_event_at TEXT,
            ended_at TEXT
        );

        -- Every decision a hook made: lessons injected (SessionStart, UserPromptSubmit) and the
        -- PreToolUse check of each call (none | warn | ask | block).
        CREATE TABLE hook_decisions (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL,
            event TEXT NOT NULL,            -- SessionStart | UserPromptSubmit | PreToolUse
            tool_use_id TEXT,
            ts TEXT NOT NULL,
            action TEXT NOT NULL,           -- none | inject | warn | ask | block
            lessons TEXT,                   -- JSON list of the lesson ids given
            detail TEXT                     -- JSON
        );
        CREATE INDEX hook_decisions_session ON hook_decisions(session_id, id);
        CREATE INDEX hook_decisions_call ON hook_decisions(tool_use_id) WHERE tool_use_id IS NOT NULL;

        -- Tool calls stored by PostToolUse / PostToolUseFailure as they happen (the transcript
        -- lags); rows are dropped once the transcript with the same call is ingested.
        CREATE TABLE live_calls (
            id TEXT PRIMARY KEY,            -- tool_use_id
            session_id TEXT NOT NULL,
            seq INTEGER NOT NULL,           -- arrival order within the session
            ts TEXT NOT NULL,
            tool TEXT NOT NULL,
            input_json TEXT,
            target_path TEXT,
            command TEXT,
            cwd TEXT,
            ok INTEGER NOT NULL,
            status TEXT NOT NULL,           -- ok | error | interrupted
            error_text TEXT,
            error_class TEXT,
            result_text TEXT
        );
        CREATE INDEX live_calls_session ON live_calls(session_id, seq);
        """,
    )


@migration
def m011_forgotten(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        -- Sessions `lessonloop forget` deleted: ingest never stores their records again, even when
        -- the transcript holding them is read again (only the id is kept, no text).
        CREATE TABLE forgotten_sessions (
            session_id TEXT PRIMARY KEY,
            ts TEXT NOT NULL
        );
        """,
    )


@migration
def m013_redact_again(conn: sqlite3.Connection) -> None:
    """The record of which redaction rules the stored texts were last redacted with. Its first pass
    (every stored text redacted again, old bytes gone) runs right after, when open_store finds no
    record: store/redaction_pass.py, which also runs it again whenever the rules change."""
    execute_all(
        conn,
        """
        CREATE TABLE redaction_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            rules_digest TEXT NOT NULL,        -- redaction_pass.rules_digest() of the last complete pass
            applied_at TEXT NOT NULL,
            rows_changed INTEGER NOT NULL,
            secrets INTEGER NOT NULL,
            compact_pending INTEGER NOT NULL   -- 1: old texts may linger in free pages or the log
        );
        """,
    )


@migration
def m014_hook_spool(conn: sqlite3.Connection) -> None:
    """The names of the spooled hook events already applied (apply/hooks/spool.py): recorded in
    the transaction that applies them, so that none is applied twice."""
    execute_all(
        conn,
        """
        CREATE TABLE hook_spool (
            name TEXT PRIMARY KEY,             -- the file's name in hook-spool/ next to the store
            applied_at TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
    )


@migration
def m015_analysis_bandit(conn: sqlite3.Connection) -> None:
    """Whether bandit scanned a session's Python edits, beside its fingerprint instead of inside
    it: an analysis without bandit (bandit not installed, `--no-bandit`) no longer makes the next
    one with bandit re-analyze every session, nor the reverse (pipeline/analysis.py)."""
    conn.execute(
        "ALTER TABLE session_executions ADD COLUMN bandit INTEGER NOT NULL DEFAULT 0"  # 1: bandit scanned its edits
    )


@migration
def m016_lesson_ids(conn: sqlite3.Connection) -> None:
    """Lesson ids are never given again. `lessons.id` is a plain INTEGER PRIMARY KEY, so SQLite
    gave a new lesson the id of the newest one deleted (forgotten or removed with the sample), and
    that lesson's events ('restored', 'feedback', ...) and the hooks' decisions naming it became
    the new lesson's. `lesson_ids` keeps the largest id ever given; every insert into `lessons`
    takes the next one (store/lessons/writer.py, store/lessons/curation.py), and a trigger refuses an
    insert that would give an id again (a writer that omits the id after the newest lesson was
    deleted fails loudly instead of reusing it).

    The mark starts at the largest id the store knows: its lessons, and the ids its events and
    the hooks' decisions still name. In a store where an id was already given again, the events
    and decisions from before the old lesson's 'forgotten' event are the old lesson's: they keep
    their signature and time, no longer the id."""
    execute_all(
        conn,
        """
        CREATE TABLE lesson_ids (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last_id INTEGER NOT NULL           -- the largest lesson id ever given
        );

        -- An id given again already: the old lesson's history and the decisions about it let go of it.
        CREATE TEMP TABLE _ll_reused AS
            SELECT f.lesson_id AS id, max(f.id) AS event_id, max(f.ts) AS ts
            FROM lesson_events f JOIN lessons l ON l.id = f.lesson_id
            WHERE f.event = 'forgotten'
            GROUP BY f.lesson_id;
        UPDATE lesson_events SET lesson_id = NULL
            WHERE lesson_id IN (SELECT id FROM temp._ll_reused)
              AND id <= (SELECT r.event_id FROM temp._ll_reused r WHERE r.id = lesson_events.lesson_id);
        UPDATE hook_decisions SET lessons = (
                SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_group_array(j.value) END
                FROM json_each(CASE WHEN json_valid(hook_decisions.lessons) THEN hook_decisions.lessons ELSE '[]' END) j
                WHERE NOT EXISTS (SELECT 1 FROM temp._ll_reused r WHERE r.id = j.value AND hook_decisions.ts <= r.ts))
            WHERE json_valid(lessons) AND EXISTS (
                SELECT 1 FROM json_each(CASE WHEN json_valid(hook_decisions.lessons) THEN hook_decisions.lessons ELSE '[]' END) j JOIN temp._ll_reused r ON r.id = j.value
                WHERE hook_decisions.ts <= r.ts);
        DROP TABLE temp._ll_reused;

        INSERT INTO lesson_ids (id, last_id) SELECT 1, max(
            coalesce((SELECT max(id) FROM lessons), 0),
            coalesce((SELECT max(lesson_id) FROM lesson_events), 0),
            coalesce((SELECT max(CAST(j.value AS INTEGER)) FROM hook_decisions d, json_each(CASE WHEN json_valid(d.lessons) THEN d.lessons ELSE '[]' END) j), 0));

        CREATE TRIGGER lesson_ids_given AFTER INSERT ON lessons BEGIN
            SELECT RAISE(ABORT, 'lesson id given before: insert lessons with the next id of lesson_ids')
                WHERE new.id <= (SELECT last_id FROM lesson_ids);
            UPDATE lesson_ids SET last_id = new.id WHERE id = 1;
        END;
        """,
    )


@migration
def m017_agents(conn: sqlite3.Connection) -> None:
    """Every agent (issue 13): what each adapter's records add to the store.

    - source_files: the format the file was read as (capture/sniffer.py names; a part of a file or
      database, "<file>#<part>", for adapters reading units), the parser's state carried to the next
      incremental read, and the line a later read restarts from (a parser that re-reads a session
      from its start, Aider's);
    - sessions: the model, and when the agent says the session started and was last updated;
    - tool_calls: the agent-neutral kind (shell, read, edit, write, search, fetch, plan, subagent,
      other) beside the agent's own tool name, and every target file of a call that has several;
    - token_usage: reasoning tokens (part of output) and the cost an agent reported.
    Claude Code's stored calls get their kinds here (agents/claude/reader/tools.py says the same)."""
    execute_all(
        conn,
        """
        ALTER TABLE source_files ADD COLUMN format TEXT;
        ALTER TABLE source_files ADD COLUMN parser_state TEXT;
        ALTER TABLE source_files ADD COLUMN restart_offset INTEGER;
        ALTER TABLE source_files ADD COLUMN restart_line INTEGER;
        UPDATE source_files SET format = 'claude-code' WHERE agent = 'claude-code';
        ALTER TABLE sessions ADD COLUMN model TEXT;
        ALTER TABLE sessions ADD COLUMN started_at TEXT;
        ALTER TABLE sessions ADD COLUMN ended_at TEXT;
        CREATE INDEX sessions_agent ON sessions(agent);
        ALTER TABLE tool_calls ADD COLUMN kind TEXT NOT NULL DEFAULT 'other';
        ALTER TABLE tool_calls ADD COLUMN paths_json TEXT;
        UPDATE tool_calls SET kind = CASE
            WHEN tool = 'Bash' THEN 'shell'
            WHEN tool IN ('Read', 'NotebookRead') THEN 'read'
            WHEN tool IN ('Edit', 'MultiEdit', 'NotebookEdit') THEN 'edit'
            WHEN tool = 'Write' THEN 'write'
            WHEN tool IN ('Grep', 'Glob', 'LS') THEN 'search'
            WHEN tool IN ('WebFetch', 'WebSearch') THEN 'fetch'
            WHEN tool IN ('TodoWrite', 'ExitPlanMode', 'EnterPlanMode') THEN 'plan'
            WHEN tool IN ('Task', 'Agent') THEN 'subagent'
            ELSE 'other' END;
        ALTER TABLE token_usage ADD COLUMN reasoning_tokens INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE token_usage ADD COLUMN cost_usd REAL;
        """,
    )


# The neutral kinds of Claude Code's tools, as lessons' triggers named them before m018 (the same
# table as m017's and agents/claude/reader/tools.py on that day; frozen here with this migration).
_M018_KINDS = {
    "Bash": "shell",
    "Read": "read",
    "NotebookRead": "read",
    "Edit": "edit",
    "MultiEdit": "edit",
    "NotebookEdit": "edit",
    "Write": "write",
    "Grep": "search",
    "Glob": "search",
    "LS": "search",
    "WebFetch": "fetch",
    "WebSearch": "fetch",
    "TodoWrite": "plan",
    "ExitPlanMode": "plan",
    "EnterPlanMode": "plan",
    "Task": "subagent",
    "Agent": "subagent",
}
_M018_NEUTRAL = frozenset(_M018_KINDS.values()) | {"other"}


def _m018_trigger_key(label: str, trigger: dict[str, Any]) -> str:
    """lesson_model/triggers.py Trigger.key() on m018's day, the trigger named by `label`."""
    parts = [
        label,
        " ".join(trigger.get("words") or ()),
        ",".join(sorted(trigger.get("lacks") or ())),
        trigger.get("operand") or "",
        trigger.get("path") or "",
    ]
    unless = trigger.get("unless")
    if isinstance(unless, dict):
        parts.append(
            f"{' '.join(unless.get('words') or ())}|{','.join(sorted(unless.get('flags') or ()))}"
            f"|{unless.get('since', 'session')}|{','.join(unless.get('exts') or ())}"
        )
    return "\x1e".join(parts)


def _m018_digest(*parts: str) -> str:
    """learning/engine/signatures.py digest() (a lesson's signature) on m018's day."""
    import hashlib

    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "replace"), digest_size=10).hexdigest()


@migration
def m018_lesson_trigger_kinds(conn: sqlite3.Connection) -> None:
    """Lesson triggers name an agent-neutral kind instead of a Claude Code tool (issue 13), so a
    lesson learned from one agent's calls warns every agent: {"tool": "Bash", "words": [...]}
    becomes {"kind": "shell", "words": [...]}; a tool without a neutral kind (an MCP tool) keeps
    its name beside kind "other". The trigger's words (trigger_text), the error signature's tool
    ("Bash|..." -> "shell|...") and the signature learning matches lessons by follow, the old
    signature kept as an alias of the lesson. The PreToolUse index moves from the trigger's tool
    to its kind (trigger_kind, trigger_key)."""
    from lessonloop.core import json_codec

    rows = conn.execute(
        "SELECT id, signature, kind, trigger, trigger_text, error_signature FROM lessons WHERE trigger IS NOT NULL"
    ).fetchall()
    for lesson_id, signature, kind, trigger_json, trigger_text, error_signature in rows:
        try:
            trigger = json_codec.loads(trigger_json)
        except ValueError:
            continue
        if not isinstance(trigger, dict) or "kind" in trigger:
            continue
        tool = trigger.pop("tool", None)
        tool = tool if isinstance(tool, str) and tool else ""
        new_kind = tool if tool in _M018_NEUTRAL else _M018_KINDS.get(tool, "other")
        converted = {"kind": new_kind, **({"tool": tool} if new_kind == "other" and tool else {}), **trigger}
        label = tool if new_kind == "other" and tool else new_kind
        text = trigger_text
        if isinstance(text, str) and tool and (text == tool or text.startswith((tool + " ", tool + ","))):
            text = label + text[len(tool) :]
        new_error = error_signature
        if isinstance(error_signature, str) and tool and error_signature.startswith(tool + "|"):
            new_error = label + error_signature[len(tool) :]
        old_key, new_key = _m018_trigger_key(tool, trigger), _m018_trigger_key(label, trigger)
        new_signature = signature
        if signature == _m018_digest(kind, old_key, error_signature or ""):
            new_signature = _m018_digest(kind, new_key, new_error or "")
        elif signature == _m018_digest("correction", old_key, ""):
            new_signature = _m018_digest("correction", new_key, "")
        taken = (
            new_signature != signature
            and conn.execute("SELECT 1 FROM lessons WHERE signature = ?", (new_signature,)).fetchone()
        )
        if taken:  # another lesson already has it (an Edit and a MultiEdit lesson of one path): keep this one's
            new_signature = signature
        conn.execute(
            "UPDATE lessons SET trigger = ?, trigger_text = ?, error_signature = ?, signature = ? WHERE id = ?",
            (json_codec.dumps(converted), text, new_error, new_signature, lesson_id),
        )
        if new_signature != signature:
            conn.execute(
                "INSERT OR IGNORE INTO lesson_aliases (signature, lesson_id) VALUES (?, ?)", (signature, lesson_id)
            )
    execute_all(
        conn,
        """
        DROP INDEX lessons_trigger;
        ALTER TABLE lessons DROP COLUMN trigger_tool;
        ALTER TABLE lessons ADD COLUMN trigger_kind TEXT GENERATED ALWAYS AS (json_extract(trigger, '$.kind')) VIRTUAL;
        CREATE INDEX lessons_trigger ON lessons(trigger_kind, trigger_key) WHERE trigger_kind IS NOT NULL;
        """,
    )


@migration
def m020_feedback(conn: sqlite3.Connection) -> None:
    """A person's judgement of a session or of one chat (a typed prompt and the turn it started):
    a rating 1..5 and a note (redacted), given with `lessonloop feedback session|chat ID`. Runs
    keep theirs in their own row (m012). The export carries it, filters on it and weights by it
    (docs/export.md). Named m020: m019 is the commits' migration (issue 14, item 1)."""
    execute_all(
        conn,
        """
        CREATE TABLE feedback (
            kind TEXT NOT NULL,             -- session | chat
            session_id TEXT NOT NULL,       -- the main session
            message_uuid TEXT NOT NULL DEFAULT '',  -- chat: its typed prompt's uuid; session: ''
            rating INTEGER,                 -- 1..5
            note TEXT,
            feedback_at TEXT NOT NULL,
            UNIQUE (kind, session_id, message_uuid)
        );
        CREATE INDEX feedback_session ON feedback(session_id);
        """,
    )


@migration
def m024_learn_state(conn: sqlite3.Connection) -> None:
    """Learning that goes on from where it stopped (issue 15, item 1; docs/lessons.md, "How
    learning keeps up"). `learn_state`: the learner as it was after every call and correction
    before `boundary` (learning/engine/learner_state.py's JSON), the learner's and analyzer's versions it
    was learned with, and the highest rowid read of each table learning reads. `learn_sessions`:
    each main session with calls or corrections before the boundary, a digest of them and whether
    the learner had ended it. `learn_changes`: sessions whose calls, error classes, corrections,
    warnings, prompts or place were changed or deleted since (kept by these triggers; new rows are found
    by rowid). `learn_edit_types`: the main sessions that changed files of each type in each
    project, found by the same runs (finding lessons count them). `tool_calls_ts`: the calls
    after the boundary, by an index."""
    execute_all(
        conn,
        """
        CREATE TABLE learn_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            version TEXT NOT NULL,          -- learner, analyzer and policy the state was learned with
            boundary TEXT NOT NULL,         -- the state has learned every call and correction before this time
            marks TEXT NOT NULL,            -- JSON: table -> the highest rowid read
            tail_sessions TEXT NOT NULL,    -- JSON: main sessions with calls or corrections at or after the boundary
            learner TEXT NOT NULL,          -- JSON: the learner (lessons, running sessions, recent calls by id)
            saved_at TEXT NOT NULL
        );
        CREATE TABLE learn_sessions (
            session_id TEXT PRIMARY KEY,    -- a main session with calls or corrections before the boundary
            digest TEXT NOT NULL,           -- of those calls, corrections and warnings
            ended INTEGER NOT NULL          -- 1: the learner ended it before the boundary
        ) WITHOUT ROWID;
        CREATE TABLE learn_changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the last id read is a mark
            session_id TEXT NOT NULL        -- a session (main or subagent) whose stored inputs changed
        );
        CREATE TABLE learn_edit_types (
            project TEXT NOT NULL,          -- the main session's project ('' for none)
            ext TEXT NOT NULL,              -- a file type it changed (lowercase extension, '' for none)
            session_id TEXT NOT NULL,       -- the main session
            settled INTEGER NOT NULL,       -- 1: by a call before the boundary; 0: after it (found again each run)
            PRIMARY KEY (project, ext, session_id, settled)
        ) WITHOUT ROWID;
        CREATE INDEX tool_calls_ts ON tool_calls(ts);
        CREATE TRIGGER learn_changes_call_update AFTER UPDATE ON tool_calls
        WHEN old.session_id IS NOT new.session_id OR old.seq IS NOT new.seq OR old.ts IS NOT new.ts
          OR old.tool IS NOT new.tool OR old.input_json IS NOT new.input_json OR old.target_path IS NOT new.target_path
          OR old.command IS NOT new.command OR old.cwd IS NOT new.cwd OR old.status IS NOT new.status
          OR old.exit_code IS NOT new.exit_code OR old.error_text IS NOT new.error_text
          OR old.result_text IS NOT new.result_text OR old.result_seq IS NOT new.result_seq
          OR old.result_ts IS NOT new.result_ts OR old.diff IS NOT new.diff OR old.subagent_id IS NOT new.subagent_id
          OR old.kind IS NOT new.kind OR old.paths_json IS NOT new.paths_json
        BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
            INSERT INTO learn_changes (session_id) SELECT new.session_id WHERE new.session_id IS NOT old.session_id;
        END;
        CREATE TRIGGER learn_changes_call_delete AFTER DELETE ON tool_calls BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
        END;
        CREATE TRIGGER learn_changes_error_update AFTER UPDATE ON call_errors
        WHEN old.class IS NOT new.class OR old.tool_use_id IS NOT new.tool_use_id OR old.session_id IS NOT new.session_id
        BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
        END;
        CREATE TRIGGER learn_changes_error_delete AFTER DELETE ON call_errors BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
        END;
        CREATE TRIGGER learn_changes_signal_update AFTER UPDATE ON analysis_signals
        WHEN old.kind = 'correction' OR new.kind = 'correction' BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
        END;
        CREATE TRIGGER learn_changes_signal_delete AFTER DELETE ON analysis_signals WHEN old.kind = 'correction' BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
        END;
        CREATE TRIGGER learn_changes_prompt_update AFTER UPDATE ON messages
        WHEN (old.kind = 'prompt' OR new.kind = 'prompt') AND (old.text IS NOT new.text OR old.ts IS NOT new.ts
          OR old.kind IS NOT new.kind OR old.session_id IS NOT new.session_id)
        BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
        END;
        CREATE TRIGGER learn_changes_prompt_delete AFTER DELETE ON messages WHEN old.kind = 'prompt' BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
        END;
        CREATE TRIGGER learn_changes_decision_delete AFTER DELETE ON hook_decisions WHEN old.action != 'none' BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
        END;
        CREATE TRIGGER learn_changes_session_update AFTER UPDATE ON sessions
        WHEN old.project IS NOT new.project OR old.git_branch IS NOT new.git_branch OR old.cwd IS NOT new.cwd
          OR old.agent IS NOT new.agent OR old.started_at IS NOT new.started_at OR old.parent_id IS NOT new.parent_id
        BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.id);
        END;
        CREATE TRIGGER learn_changes_session_delete AFTER DELETE ON sessions BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.id);
        END;
        """,
    )


@migration
def m025_analysis_marks(conn: sqlite3.Connection) -> None:
    """What the last whole-store analysis check saw (issue 15: a repeat ingest without a scan of
    the store): a digest of the analyzer's version, the settings, each project's workflow rules
    and the store's rowid marks and change log. The same digest again: nothing to analyze, and
    the fingerprints of every session are not read. Deleted messages and findings are logged in
    learn_changes too (new rows are seen by their rowids)."""
    execute_all(
        conn,
        """
        CREATE TABLE analysis_marks (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            digest TEXT NOT NULL,
            checked_at TEXT NOT NULL
        );
        CREATE TRIGGER learn_changes_message_delete AFTER DELETE ON messages WHEN old.kind IS NOT 'prompt' BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
        END;
        CREATE TRIGGER learn_changes_finding_delete AFTER DELETE ON findings WHEN old.session_id IS NOT NULL BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
        END;
        CREATE TRIGGER learn_changes_finding_update AFTER UPDATE OF session_id, import_id, run_id ON findings
        WHEN old.session_id IS NOT new.session_id OR old.import_id IS NOT new.import_id OR old.run_id IS NOT new.run_id
        BEGIN
            INSERT INTO learn_changes (session_id) SELECT coalesce(new.session_id, old.session_id)
            WHERE coalesce(new.session_id, old.session_id) IS NOT NULL;
        END;
        """,
    )


@migration
def m028_aider_session_ids(conn: sqlite3.Connection) -> None:
    """Aider's session ids change (issue 26): from "aider:<file>:<heading time>", whose shared
    start made every session of a history look alike in a listing ("aider:7c"), to "aider-" and a
    digest of the file and the heading (agents/aider/reader/parser.py), unique from its first
    characters; its records gain times (the session's start, a millisecond a line). Each Aider
    history is marked to be read again from its start: the next ingest replaces its sessions,
    under their new ids, with what they derive (a history no longer on disk keeps its old ids)."""
    conn.execute("UPDATE source_files SET reread = 1 WHERE agent = 'aider'")


@migration
def m029_codex_reread(conn: sqlite3.Connection) -> None:
    """Codex rollouts read again from the start at the next ingest (issue 26): stores made before
    hold a second prompt for each first prompt whose user-role item came before its user_message
    event, forks whose replay kept the parent's times with 0 calls and 0 tokens, and calls stopped
    while they ran, refused by the exec policy or not offered in the mode as ok. The reread mark
    (m001) rebuilds each file's records as this version reads them; nothing else changes."""
    conn.execute(
        "UPDATE source_files SET reread = 1 WHERE format IN ('codex-rollout', 'codex-rollout-zst', 'codex-rollout-json')"
    )


@migration
def m030_cache_write_1h(conn: sqlite3.Connection) -> None:
    """Costs (issue 26, docs/costs.md): of a call's cache writes, those kept for an hour, which
    Anthropic bills at twice the input price (five minutes: 1.25 times). Claude Code reports them as
    `usage.cache_creation.ephemeral_1h_input_tokens`; part of cache_creation_tokens. Calls stored
    before this migration have 0 here (priced at the five-minute rate) until their file is read again."""
    execute_all(conn, "ALTER TABLE token_usage ADD COLUMN cache_creation_1h_tokens INTEGER NOT NULL DEFAULT 0;")


@migration
def m032_learn_checkpoints(conn: sqlite3.Connection) -> None:
    """Learning that goes on from before late data (issue 28, item 2; docs/lessons.md, "How
    learning keeps up"). `learn_checkpoints`: the learner as it was at a few boundaries before the
    state's (learning/engine/learner_state.py's JSON), spaced more widely the older they are, with the calls
    learned before each. `learn_session_parts` replaces `learn_sessions`: for each main session, at
    each boundary (the state's, a checkpoint's) with calls, corrections or prompts of it since the
    boundary before, the digest of all it held before that boundary and whether the learner had
    ended it; what was learned of a session before any boundary is its latest part at or before
    it. The rows of `learn_sessions` become parts at the state's boundary. `learn_state.calls`: the
    calls learned before the state's boundary (0 for a state kept before this migration)."""
    execute_all(
        conn,
        """
        CREATE TABLE learn_checkpoints (
            boundary TEXT PRIMARY KEY,      -- the learner had learned every call and correction before this time
            calls INTEGER NOT NULL,         -- how many calls that was
            learner TEXT NOT NULL           -- JSON: the learner then (as learn_state.learner)
        );
        CREATE TABLE learn_session_parts (
            session_id TEXT NOT NULL,       -- a main session
            boundary TEXT NOT NULL,         -- the state's or a checkpoint's boundary
            digest TEXT NOT NULL,           -- of its calls, corrections, warnings and prompts before the boundary
            ended INTEGER NOT NULL,         -- 1: the learner had ended it before the boundary
            PRIMARY KEY (session_id, boundary)
        ) WITHOUT ROWID;
        CREATE INDEX learn_session_parts_boundary ON learn_session_parts(boundary);
        INSERT INTO learn_session_parts (session_id, boundary, digest, ended)
            SELECT l.session_id, s.boundary, l.digest, l.ended FROM learn_sessions l JOIN learn_state s ON s.id = 1;
        DROP TABLE learn_sessions;
        ALTER TABLE learn_state ADD COLUMN calls INTEGER NOT NULL DEFAULT 0;
        """,
    )


@migration
def m033_claude_code_rejections(conn: sqlite3.Connection) -> None:
    """A tool result is the person's rejection only when Claude Code's own record says so (issue
    39): before, an error whose text started with Claude Code's rejection words was one (an MCP
    server's error, a PreToolUse hook's denial), and its words became the person's. Every Claude
    Code transcript holding a rejection is marked to be read again from its start (m001's reread
    mark): the next ingest stores such results as the errors they are."""
    conn.execute(
        """UPDATE source_files SET reread = 1 WHERE agent = 'claude-code' AND id IN (
               SELECT source_file_id FROM messages WHERE kind = 'rejection'
               UNION SELECT source_file_id FROM tool_calls WHERE status = 'rejected')"""
    )


@migration
def m035_lesson_learned_confidence(conn: sqlite3.Connection) -> None:
    """`lessons.learned_confidence`: the confidence learning computed from the lesson's evidence,
    before any decay (lesson.Lesson.base_confidence; issue 40). `confidence` stays the value decayed
    up to the last save, for display and archiving; the one decision (lesson_model/decision.py)
    decays from `learned_confidence` to the moment of the call, as replay does, so the hook and
    replay read the same number. NULL (a lesson not learned here: written, imported, a teammate's,
    or judged since): `confidence` stands. Filled by the next learning run."""
    conn.execute("ALTER TABLE lessons ADD COLUMN learned_confidence REAL")


@migration
def m036_hook_session_states(conn: sqlite3.Connection) -> None:
    """`hook_session_states`: what a session had done, as of its first `calls` calls, kept by the
    pre-tool hook so that its next call replays only the calls since (apply/hooks/pre_tool.py,
    lesson_model/state_codec.py). `digest` fingerprints those calls (their ids and results): a call
    changed or inserted before them makes the state useless, and it is rebuilt. `signed`: each
    failure kept with its error signature (which depends on `branch`). A cache: forgetting a
    session deletes its row, the redaction pass deletes them all, and rows unused for two days are
    pruned as others are saved."""
    conn.execute(
        """
        CREATE TABLE hook_session_states (
            session_id TEXT PRIMARY KEY,
            signed INTEGER NOT NULL,
            calls INTEGER NOT NULL,
            digest TEXT NOT NULL,
            branch TEXT,
            state TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )
        """
    )


@migration
def m037_session_totals(conn: sqlite3.Connection) -> None:
    """Reads that cost what they show (issue 43; store/sessions/totals.py). `token_usage.price_usd`:
    the call's cost (analyze/pricing.py), worked out once and stored (NULL: unpriced), `priced` 1
    once it was; `price_state`: the price table and rules the stored costs come from (a newer one
    prices every call again). `usage_totals`, `call_totals` and `message_totals`: each session's
    calls, tokens, costs and messages summed per model and quarter of an hour (UTC), per tool and
    kind, per message kind. The triggers put every session whose rows change in `totals_dirty`,
    whatever writes them (ingest, forget, retention); settling rebuilds the totals of those
    sessions alone. Every session of an existing store starts dirty. (The triggers insert only
    what is not there: an OR IGNORE inside a trigger gives way to the conflict policy of the
    statement that fired it.)"""
    execute_all(
        conn,
        """
        ALTER TABLE token_usage ADD COLUMN price_usd REAL;
        ALTER TABLE token_usage ADD COLUMN priced INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE price_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            price_table TEXT NOT NULL,      -- "genai-prices 0.0.40"
            rules TEXT NOT NULL             -- analyze/pricing.PRICING_RULES
        );
        CREATE TABLE totals_dirty (session_id TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE usage_totals (
            session_id TEXT NOT NULL,
            model TEXT NOT NULL,
            slot TEXT NOT NULL,             -- the quarter of an hour the calls began in, UTC 'YYYY-MM-DDTHH:MM'; '' untimed
            calls INTEGER NOT NULL,
            input INTEGER NOT NULL,
            output INTEGER NOT NULL,
            cache_creation INTEGER NOT NULL,
            cache_read INTEGER NOT NULL,
            reasoning INTEGER NOT NULL,
            cost_usd REAL,                  -- of the priced calls; NULL when none is
            unpriced INTEGER NOT NULL,
            PRIMARY KEY (session_id, model, slot)
        ) WITHOUT ROWID;
        CREATE TABLE call_totals (
            session_id TEXT NOT NULL,
            tool TEXT NOT NULL,
            kind TEXT NOT NULL,
            calls INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            first_ts TEXT,
            last_ts TEXT,
            PRIMARY KEY (session_id, tool, kind)
        ) WITHOUT ROWID;
        CREATE TABLE message_totals (
            session_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            messages INTEGER NOT NULL,
            first_ts TEXT,
            last_ts TEXT,
            PRIMARY KEY (session_id, kind)
        ) WITHOUT ROWID;
        CREATE TRIGGER totals_usage_insert AFTER INSERT ON token_usage BEGIN
            INSERT INTO totals_dirty (session_id) SELECT new.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = new.session_id);
        END;
        CREATE TRIGGER totals_usage_delete AFTER DELETE ON token_usage BEGIN
            INSERT INTO totals_dirty (session_id) SELECT old.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = old.session_id);
        END;
        CREATE TRIGGER totals_usage_update AFTER UPDATE OF session_id, model, ts, input_tokens, output_tokens,
            cache_creation_tokens, cache_read_tokens, reasoning_tokens, cost_usd, cache_creation_1h_tokens
        ON token_usage
        WHEN old.session_id IS NOT new.session_id OR old.model IS NOT new.model OR old.ts IS NOT new.ts
          OR old.input_tokens IS NOT new.input_tokens OR old.output_tokens IS NOT new.output_tokens
          OR old.cache_creation_tokens IS NOT new.cache_creation_tokens
          OR old.cache_read_tokens IS NOT new.cache_read_tokens OR old.reasoning_tokens IS NOT new.reasoning_tokens
          OR old.cost_usd IS NOT new.cost_usd OR old.cache_creation_1h_tokens IS NOT new.cache_creation_1h_tokens
        BEGIN
            UPDATE token_usage SET price_usd = NULL, priced = 0 WHERE rowid = new.rowid;
            INSERT INTO totals_dirty (session_id) SELECT old.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = old.session_id);
            INSERT INTO totals_dirty (session_id) SELECT new.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = new.session_id);
        END;
        CREATE TRIGGER totals_call_insert AFTER INSERT ON tool_calls BEGIN
            INSERT INTO totals_dirty (session_id) SELECT new.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = new.session_id);
        END;
        CREATE TRIGGER totals_call_delete AFTER DELETE ON tool_calls BEGIN
            INSERT INTO totals_dirty (session_id) SELECT old.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = old.session_id);
        END;
        CREATE TRIGGER totals_call_update AFTER UPDATE OF session_id, tool, kind, ok, ts ON tool_calls
        WHEN old.session_id IS NOT new.session_id OR old.tool IS NOT new.tool OR old.kind IS NOT new.kind
          OR old.ok IS NOT new.ok OR old.ts IS NOT new.ts
        BEGIN
            INSERT INTO totals_dirty (session_id) SELECT old.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = old.session_id);
            INSERT INTO totals_dirty (session_id) SELECT new.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = new.session_id);
        END;
        CREATE TRIGGER totals_message_insert AFTER INSERT ON messages BEGIN
            INSERT INTO totals_dirty (session_id) SELECT new.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = new.session_id);
        END;
        CREATE TRIGGER totals_message_delete AFTER DELETE ON messages BEGIN
            INSERT INTO totals_dirty (session_id) SELECT old.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = old.session_id);
        END;
        CREATE TRIGGER totals_message_update AFTER UPDATE OF session_id, kind, ts ON messages
        WHEN old.session_id IS NOT new.session_id OR old.kind IS NOT new.kind OR old.ts IS NOT new.ts
        BEGIN
            INSERT INTO totals_dirty (session_id) SELECT old.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = old.session_id);
            INSERT INTO totals_dirty (session_id) SELECT new.session_id
                WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE session_id = new.session_id);
        END;
        INSERT OR IGNORE INTO totals_dirty (session_id)
            SELECT session_id FROM token_usage UNION SELECT session_id FROM tool_calls
            UNION SELECT session_id FROM messages;
        """,
    )


@migration
def m038_redaction_sources_stat(conn: sqlite3.Connection) -> None:
    """`redaction_state.sources_stat`: the names, sizes and modification times of the rule files the
    stored digest was read from (issue 43): an open that finds them the same reads no rule file
    (store/redaction_pass.needs_pass). NULL until the next open reads them once."""
    conn.execute("ALTER TABLE redaction_state ADD COLUMN sources_stat TEXT")


@migration
def m039_lessons_confidence(conn: sqlite3.Connection) -> None:
    """`lessons_confidence` on lessons(tier, status, confidence DESC): SessionStart's look-up (the
    most confident active lessons of tier active or core, store/hooks.session_start_candidates)
    reads each tier in it in its ORDER BY and stops at its LIMIT (issue 43). Through
    `lessons_status` it read every active lesson of those tiers and sorted them all (3,881 on
    hook_bench's store of 10,000 to keep 40). Its rowid runs ascending within a confidence, as the
    ORDER BY's `id` does. Led by tier, not status: an index led by status made SQLite's planner
    read the PreToolUse look-up (by trigger kind and key) through `lessons_status` instead."""
    conn.execute("CREATE INDEX lessons_confidence ON lessons(tier, status, confidence DESC)")


@migration
def m040_price_rates(conn: sqlite3.Connection) -> None:
    """`price_rates`: how the price table prices each model on each day a stored call was made
    (analyze/pricing.model_day_rates, JSON: its rates per band of input, "calc", or null when the
    table has no price), kept so that pricing a new call of a model and day seen before loads no
    price table (issue 43: genai-prices' snapshot takes about 0.4 s, more than a refresh of one turn
    may). Cleared with every stored cost when the price table or the pricing rules change
    (store/sessions/totals.py)."""
    conn.execute(
        """
        CREATE TABLE price_rates (
            model TEXT NOT NULL,
            day TEXT NOT NULL,
            rates TEXT NOT NULL,
            PRIMARY KEY (model, day)
        ) WITHOUT ROWID
        """
    )


@migration
def m041_session_figures(conn: sqlite3.Connection) -> None:
    """`session_figures`: each session's own figures in one row, summed from its totals (m037)
    when it is settled (store/sessions/totals.py), so that `sessions` and `report` read a row per
    session rather than every total of it (issue 43: the five grouped reads of the totals were 16
    of `sessions --json`'s 80 ms on 576 sessions). `prompts` counts the session's own typed prompts;
    `model` is the model of its own requests with the most output (by name on a tie). Every session
    with totals is marked dirty: the next settle sums them (the totals themselves come out the same)."""
    execute_all(
        conn,
        """
        CREATE TABLE session_figures (
            session_id TEXT PRIMARY KEY,
            calls INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            calls_first TEXT,
            calls_last TEXT,
            msgs_first TEXT,
            msgs_last TEXT,
            prompts INTEGER NOT NULL,
            input INTEGER NOT NULL,
            output INTEGER NOT NULL,
            cache_creation INTEGER NOT NULL,
            cache_read INTEGER NOT NULL,
            cost_usd REAL,                  -- of the priced calls; NULL when none is
            unpriced INTEGER NOT NULL,
            model TEXT                      -- NULL: no request of its own
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO totals_dirty (session_id)
            SELECT session_id FROM usage_totals UNION SELECT session_id FROM call_totals
            UNION SELECT session_id FROM message_totals;
        """,
    )


@migration
def m042_rule_severity(conn: sqlite3.Connection) -> None:
    """`rule_results.severity`: the rule's severity when it was checked, as its evidence JSON
    holds it, in a column of its own: the report weighs each project's violated rules by it, and
    reading it out of every violation's evidence was a fifth of `report --json` on 576 sessions
    (issue 43)."""
    execute_all(
        conn,
        """
        ALTER TABLE rule_results ADD COLUMN severity TEXT;
        UPDATE rule_results SET severity = json_extract(evidence, '$.severity') WHERE json_valid(evidence);
        """,
    )


@migration
def m043_analysis_mark_parts(conn: sqlite3.Connection) -> None:
    """`analysis_marks.parts`: the marks the last whole-store analysis check kept, each apart (JSON:
    the rowid marks, the change log's position, each project's rules digest, the analyzer's version
    and the home folder), beside their digest (issue 43). A check that finds the digest changed
    fingerprints only the sessions with rows past those marks, in the change log after them, or
    in a project whose rules changed, rather than every session (a scan of every call and message:
    0.1 s at 576 sessions, on every ingest of a new turn). NULL until the next check keeps them.
    The change log gets what that check needs and the triggers before left out: a session's old
    and new ids when it is renamed, any message moved or renumbered (its old and new session), and the session a finding left
    for another (the earlier trigger logs the one it went to)."""
    execute_all(
        conn,
        """
        ALTER TABLE analysis_marks ADD COLUMN parts TEXT;
        CREATE TRIGGER learn_changes_session_rename AFTER UPDATE OF id ON sessions WHEN old.id IS NOT new.id BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.id);
            INSERT INTO learn_changes (session_id) VALUES (new.id);
        END;
        CREATE TRIGGER learn_changes_message_move AFTER UPDATE OF session_id, seq, ts ON messages
        WHEN old.session_id IS NOT new.session_id OR old.seq IS NOT new.seq OR old.ts IS NOT new.ts
        BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
            INSERT INTO learn_changes (session_id) SELECT new.session_id WHERE new.session_id IS NOT old.session_id;
        END;
        CREATE TRIGGER learn_changes_finding_leave AFTER UPDATE OF session_id ON findings
        WHEN old.session_id IS NOT NULL AND new.session_id IS NOT NULL AND old.session_id IS NOT new.session_id
        BEGIN
            INSERT INTO learn_changes (session_id) VALUES (old.session_id);
        END;
        """,
    )


# Session search (issue 44): the message kinds indexed, and the search kind each is.
_SEARCH_PROMPT_KINDS = ("prompt", "command", "bash_input", "rejection")  # the person's words
_SEARCH_REPLY_KINDS = ("assistant", "reasoning", "task_prompt")  # the agent's words


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _call_paths(row: str) -> str:
    """A call's paths as the index holds them (its target and any others), of `row` (new, old)."""
    return f"trim(coalesce({row}.target_path, '') || ' ' || coalesce({row}.paths_json, ''))"


SEARCH_INDEXED = (
    "(SELECT indexed FROM search_marks)"  # the highest place indexed (search_fts holds it and those before)
)
_INDEXED = SEARCH_INDEXED


def search_texts_view(other: str = "NULL") -> str:
    """The view the search index reads each place's text from (m044): a message's, a call's
    command, error or paths; `other`, an SQL expression over the place `p`, the text of a wing's
    kind of place (a linked commit's: the history wing makes the view again with its text,
    history/store/search_places.py)."""
    return f"""CREATE VIEW search_texts (id, text) AS
            SELECT p.id, CASE
                WHEN p.message_id IS NOT NULL THEN (SELECT m.text FROM messages m WHERE m.id = p.message_id)
                WHEN p.kind = 'command' THEN (SELECT c.command FROM tool_calls c WHERE c.id = p.call_id)
                WHEN p.kind = 'error' THEN (SELECT c.error_text FROM tool_calls c WHERE c.id = p.call_id)
                WHEN p.kind = 'path' THEN (SELECT {_call_paths("c")} FROM tool_calls c WHERE c.id = p.call_id)
                ELSE {other}
            END
            FROM search_places p;"""


def _call_place_sql(kind: str, expression: str) -> tuple[str, str]:
    """The statements that make a call's place of `kind` (command, error, path) and take it out,
    given the SQL of that text in `new.` and `old.` terms: (add for new, remove for old). A place
    is indexed later, with every new place (store/search/index_upkeep.index_new_places); one taken
    out leaves the index when it was in it."""
    new, old = expression.format(row="new"), expression.format(row="old")
    add = f"""
            INSERT INTO search_places (kind, call_id) SELECT '{kind}', new.id WHERE coalesce({new}, '') <> '';"""
    remove = f"""
            INSERT INTO search_fts (search_fts, rowid, text)
                SELECT 'delete', id, {old} FROM search_places
                WHERE call_id = old.id AND kind = '{kind}' AND id <= {_INDEXED};
            DELETE FROM search_places WHERE call_id = old.id AND kind = '{kind}';"""
    return add, remove


@migration
def m044_session_search(conn: sqlite3.Connection) -> None:
    """Session search (issue 44, docs/search.md): `search_places`, each place a search can find
    (a prompt, a reply, a call's command, its error, its paths, a commit linked to a session), and
    `search_fts`, FTS5 over their texts. The index holds no copy of the texts (external content:
    the view `search_texts` reads each from its own row). Triggers keep the places as rows are
    written, changed and deleted (a changed text is a new place) and take a place's words out of
    the index as it goes; new places are indexed together when their rows' transaction ends
    (`search_marks`: the highest place indexed; an FTS5 insert in a trigger flushes its segment at
    every statement: 2.6 times the cost of noting the places and one insert of them all). Existing
    rows indexed here. A linked commit's place is the history wing's (history/store/search_places.py,
    made by its m022 or m052)."""
    prompt_kinds, reply_kinds = _quoted(_SEARCH_PROMPT_KINDS), _quoted(_SEARCH_REPLY_KINDS)
    message_kind = f"CASE WHEN new.kind IN ({reply_kinds}) THEN 'reply' ELSE 'prompt' END"
    indexed = f"new.kind IN ({prompt_kinds}, {reply_kinds}) AND coalesce(new.text, '') <> ''"
    message_out = f"""
            INSERT INTO search_fts (search_fts, rowid, text)
                SELECT 'delete', id, old.text FROM search_places WHERE message_id = old.id AND id <= {_INDEXED};
            DELETE FROM search_places WHERE message_id = old.id;"""
    calls = {
        "command": _call_place_sql("command", "{row}.command"),
        "error": _call_place_sql("error", "{row}.error_text"),
        "path": _call_place_sql("path", _call_paths("{row}")),
    }
    execute_all(
        conn,
        f"""
        CREATE TABLE search_places (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- the index's rowid; never used again
            kind TEXT NOT NULL,             -- prompt | reply | command | error | path | commit
            message_id INTEGER,             -- prompt, reply: messages.id
            call_id TEXT,                   -- command, error, path: tool_calls.id
            repository_id INTEGER,          -- commit: git_commits' key, a commit linked to a session
            hash TEXT
        );
        CREATE UNIQUE INDEX search_places_message ON search_places(message_id) WHERE message_id IS NOT NULL;
        CREATE UNIQUE INDEX search_places_call ON search_places(call_id, kind) WHERE call_id IS NOT NULL;
        CREATE UNIQUE INDEX search_places_commit ON search_places(repository_id, hash) WHERE hash IS NOT NULL;
        CREATE TABLE search_marks (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            indexed INTEGER NOT NULL        -- the highest place in search_fts: those after it are not yet
        );

        {search_texts_view()}

        CREATE VIRTUAL TABLE search_fts USING fts5(
            text, content='search_texts', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
        );

        CREATE TRIGGER search_message_insert AFTER INSERT ON messages WHEN {indexed} BEGIN
            INSERT INTO search_places (kind, message_id) VALUES ({message_kind}, new.id);
        END;
        CREATE TRIGGER search_message_delete AFTER DELETE ON messages BEGIN{message_out}
        END;
        CREATE TRIGGER search_message_update AFTER UPDATE OF id, text, kind ON messages
        WHEN old.id IS NOT new.id OR old.text IS NOT new.text OR old.kind IS NOT new.kind BEGIN{message_out}
            INSERT INTO search_places (kind, message_id) SELECT {message_kind}, new.id WHERE {indexed};
        END;

        CREATE TRIGGER search_call_insert AFTER INSERT ON tool_calls BEGIN{calls["command"][0]}{calls["error"][0]}{calls["path"][0]}
        END;
        CREATE TRIGGER search_call_delete AFTER DELETE ON tool_calls BEGIN{calls["command"][1]}{calls["error"][1]}{calls["path"][1]}
        END;
        CREATE TRIGGER search_call_command_update AFTER UPDATE OF id, command ON tool_calls
        WHEN old.id IS NOT new.id OR old.command IS NOT new.command BEGIN{calls["command"][1]}{calls["command"][0]}
        END;
        CREATE TRIGGER search_call_error_update AFTER UPDATE OF id, error_text ON tool_calls
        WHEN old.id IS NOT new.id OR old.error_text IS NOT new.error_text BEGIN{calls["error"][1]}{calls["error"][0]}
        END;
        CREATE TRIGGER search_call_path_update AFTER UPDATE OF id, target_path, paths_json ON tool_calls
        WHEN old.id IS NOT new.id OR old.target_path IS NOT new.target_path OR old.paths_json IS NOT new.paths_json
        BEGIN{calls["path"][1]}{calls["path"][0]}
        END;

        INSERT INTO search_places (kind, message_id)
            SELECT CASE WHEN kind IN ({reply_kinds}) THEN 'reply' ELSE 'prompt' END, id FROM messages
            WHERE kind IN ({prompt_kinds}, {reply_kinds}) AND coalesce(text, '') <> '' ORDER BY id;
        INSERT INTO search_places (kind, call_id) SELECT 'command', id FROM tool_calls WHERE coalesce(command, '') <> '';
        INSERT INTO search_places (kind, call_id) SELECT 'error', id FROM tool_calls WHERE coalesce(error_text, '') <> '';
        INSERT INTO search_places (kind, call_id)
            SELECT 'path', id FROM tool_calls WHERE {_call_paths("tool_calls")} <> '';
        INSERT INTO search_fts (search_fts) VALUES ('rebuild');
        INSERT INTO search_marks (id, indexed) VALUES (1, (SELECT coalesce(max(id), 0) FROM search_places));
        """,
    )


@migration
def m045_search_vectors(conn: sqlite3.Connection) -> None:
    """`search_vectors`: each search place's vector of an embedding model, for `lessonloop search
    --semantic` (docs/search.md): made the first time such a search needs it, and gone with its
    place (a place whose text changes is a new place)."""
    execute_all(
        conn,
        """
        CREATE TABLE search_vectors (
            place INTEGER PRIMARY KEY,      -- search_places.id
            model TEXT NOT NULL,            -- the embedding model's id
            vector BLOB NOT NULL            -- little-endian float32 (apply/vector_index.py)
        );
        CREATE TRIGGER search_vectors_place_delete AFTER DELETE ON search_places BEGIN
            DELETE FROM search_vectors WHERE place = old.id;
        END;
        """,
    )


@migration
def m046_hook_overrides(conn: sqlite3.Connection) -> None:
    """A PreToolUse decision may now stop a call once ("stop") and let the same call sent again run
    ("override", issue 59): an index of each, few rows of many: the overrides are read when a lesson
    is about to stop a call (how often its stops were gone past), both by `lessons show`."""
    execute_all(
        conn,
        """
        CREATE INDEX hook_decisions_overrides ON hook_decisions(action) WHERE action = 'override';
        CREATE INDEX hook_decisions_stops ON hook_decisions(action) WHERE action = 'stop';
        """,
    )


@migration
def m047_capture_watch(conn: sqlite3.Connection) -> None:
    """What a read looks at to tell whether the agents wrote anything new since the last capture
    (pipeline/refresh.py, issue 62): the folders discovery looked in (the agents' places, each
    folder between them and a file found there) with their modification times, and a digest of
    what chose those places (the environment, the configured paths). A file the store knows is
    looked at by its `source_files` row."""
    execute_all(
        conn,
        """
        CREATE TABLE capture_watch (
            path TEXT PRIMARY KEY,       -- a folder discovery looked in
            mtime_ns INTEGER NOT NULL    -- its modification time then; -1: it did not exist
        ) WITHOUT ROWID;
        CREATE TABLE capture_watch_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            places TEXT NOT NULL,        -- the digest of what chose the places (capture/discovery_env.py)
            looked_at TEXT NOT NULL      -- when discovery last looked
        );
        """,
    )


@migration
def m048_texts_withheld(conn: sqlite3.Connection) -> None:
    """A first capture may store a file's figures before its texts (issue 62): `lessonloop ingest`
    and `stats` read a new file's sessions, calls, outcomes and tokens with every text left out,
    and the store's worker reads the file again whole, its texts redacted, in their place
    (pipeline/ingest.py, "Texts later"). 1: the file's rows hold no text yet."""
    execute_all(
        conn,
        """
        ALTER TABLE source_files ADD COLUMN texts_withheld INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX source_files_texts_withheld ON source_files(texts_withheld) WHERE texts_withheld = 1;
        """,
    )


@migration
def m049_findings_run_id(conn: sqlite3.Connection) -> None:
    """`findings.run_id`, the core's: a finding from outside the analysis (a wing's run) is told
    from the analysis' own by it (store/sessions/reader.py, store/analysis/), so the core's table
    holds it whether or not the runs wing is loaded (issue 63; it was the wing's m012, which now
    adds it only to a store made before this step). Which run it names is the wing's to know."""
    if "run_id" not in {str(row[1]) for row in conn.execute("PRAGMA table_info(findings)")}:
        execute_all(
            conn,
            """
            ALTER TABLE findings ADD COLUMN run_id INTEGER;
            CREATE INDEX findings_run ON findings(run_id) WHERE run_id IS NOT NULL;
            """,
        )


@migration
def m050_lesson_author(conn: sqlite3.Connection) -> None:
    """`lessons.author`: whose texts a lesson carries when it came from someone else (a team copy),
    for its provenance; the wing that brings such lessons writes it (the team wing's m051 fills it
    for the copies it pulled before), so the core reads the lesson's own row (issue 63)."""
    conn.execute("ALTER TABLE lessons ADD COLUMN author TEXT")


@migration
def m053_approved_rules(conn: sqlite3.Connection) -> None:
    """`approved_rules`: a project's workflow rules file (.lessonloop/workflow.toml) this person
    approved, by its path and the SHA-256 of its bytes (`lessonloop rules approve`, issue 80): its
    `never` rules then stop a call once, as lessonloop's own do; a file changed since is a
    repository's text again (a warning) until approved anew (analyze/declared_rules.py)."""
    conn.execute(
        """CREATE TABLE approved_rules (
            path TEXT PRIMARY KEY,   -- the rules file, absolute
            sha256 TEXT NOT NULL,    -- of the bytes approved
            approved_at TEXT NOT NULL
        )"""
    )


@migration
def m054_capture_named(conn: sqlite3.Connection) -> None:
    """A store is what it was made from (issue 81, item 4): besides the folders discovery looks in,
    `capture_watch` keeps the paths named to `lessonloop ingest PATH...` (`kind` 'named') and each
    folder between a named folder and a file found there ('below'), which a read looks at by their
    times and reads again (pipeline/refresh.py); the rows kept before are discovery's ('place').
    `capture_watch_state.defaults`: whether a read looks in the agents' own folders too (1: the
    store was made by discovery, or a later `ingest` without paths asked for them; 0: made from
    named paths only). A store with no row keeps today's answer: the agents' folders."""
    execute_all(
        conn,
        """
        CREATE TABLE capture_watch_kinds (
            kind TEXT NOT NULL DEFAULT 'place',  -- 'place' (discovery's), 'named' (named to ingest), 'below'
            path TEXT NOT NULL,
            mtime_ns INTEGER NOT NULL,           -- its modification time then; -1: it did not exist
            PRIMARY KEY (kind, path)
        ) WITHOUT ROWID;
        INSERT INTO capture_watch_kinds (kind, path, mtime_ns) SELECT 'place', path, mtime_ns FROM capture_watch;
        DROP TABLE capture_watch;
        ALTER TABLE capture_watch_kinds RENAME TO capture_watch;
        ALTER TABLE capture_watch_state ADD COLUMN defaults INTEGER NOT NULL DEFAULT 1;
        """,
    )


@migration
def m055_forgotten_reason(conn: sqlite3.Connection) -> None:
    """Why a session was forgotten (issue 82, item 4): 'forget' (`lessonloop forget`: the person's
    choice, for good) or 'retention' (`lessonloop cleanup`: old), and the source files that held
    it (`source_files`, a JSON list of ids), which `ingest --reread` reads again whole to bring
    back what cleanup deleted while those files exist."""
    execute_all(
        conn,
        """
        ALTER TABLE forgotten_sessions ADD COLUMN reason TEXT NOT NULL DEFAULT 'forget';
        ALTER TABLE forgotten_sessions ADD COLUMN source_files TEXT;
        """,
    )


@migration
def m056_hook_session_agent(conn: sqlite3.Connection) -> None:
    """Whose session the hooks saw (issue 84): `hook_sessions.agent`, the store's id of the agent
    whose hook wrote a session's first row (NULL: the default agent, a hook command without
    `--agent`, and every row written before). A session only the hooks have seen was called the
    default agent's whatever agent ran it."""
    execute_all(conn, "ALTER TABLE hook_sessions ADD COLUMN agent TEXT;")


@migration
def m057_token_usage_time(conn: sqlite3.Connection) -> None:
    """The calls' usage by time (issue 85): `lessonloop statusline` reads the latest calls of an
    agent, newest first, back to the last silence of five hours (its billing block), not the
    whole table."""
    execute_all(conn, "CREATE INDEX token_usage_ts ON token_usage(ts);")
