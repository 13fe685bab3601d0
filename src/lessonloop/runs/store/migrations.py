"""The runs wing's migration sequence (store/migrations.py applies it after the core's): the runs of
`lessonloop run`, their patterns and matches, and a finding's run. Its step keeps the name it
shipped with in the core's sequence, so a store made before the wings had their own finds it
applied."""

from __future__ import annotations

import sqlite3

from lessonloop.store.migrations import execute_all, sequence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lessonloop.store.migrations import Migration

MIGRATIONS: list[Migration] = []
migration = sequence(MIGRATIONS)


@migration
def m012_runs(conn: sqlite3.Connection) -> None:
    execute_all(
        conn,
        """
        -- `lessonloop run`: one row per run of a command, written in one transaction after it ends.
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            ended_at TEXT NOT NULL,
            command TEXT NOT NULL,          -- the command line, shell-quoted and redacted
            command_norm TEXT NOT NULL,     -- its normalized form: `pytest tests/x.py` and `pytest tests/y.py` group
            program TEXT NOT NULL,          -- the program's name (argv[0] without its folder)
            cwd TEXT,
            project TEXT,
            profile TEXT,                   -- the --profile used, if any
            mode TEXT NOT NULL,             -- pty | pipes
            settings TEXT NOT NULL,         -- JSON: patterns, flags, timeouts, after window, --auto's choice
            timeout REAL,                   -- seconds; NULL: none
            idle_timeout REAL,
            first_output_timeout REAL,
            exit_status INTEGER NOT NULL,   -- lessonloop's own exit status
            child_status INTEGER,           -- the command's: its exit code, -N when signal N ended it,
                                            -- NULL when it never started
            reason TEXT NOT NULL,           -- exit | error | success | timeout | idle_timeout |
                                            -- first_output_timeout | max_repeat | interrupted |
                                            -- output_closed | not_found | not_executable
            stopped INTEGER NOT NULL,       -- 1: lessonloop stopped the command
            duration REAL NOT NULL,         -- seconds, start to end
            first_output REAL,              -- seconds to the first byte of output; NULL: none
            first_match REAL,               -- seconds to the first error or success match
            match_count INTEGER NOT NULL,
            longest_idle REAL,              -- longest silence after the first output (seconds)
            idle_count INTEGER NOT NULL,    -- silences of 1 s or more after the first output
            idle_periods TEXT,              -- JSON [[start, length], ...]: the longest silences
            stdout_lines INTEGER NOT NULL,
            stdout_bytes INTEGER NOT NULL,
            stderr_lines INTEGER NOT NULL,
            stderr_bytes INTEGER NOT NULL,
            rating INTEGER,                 -- `lessonloop feedback`: 1..5
            verdict TEXT,                   -- should_have_waited | should_have_stopped
            feedback_note TEXT,
            feedback_at TEXT
        );
        CREATE INDEX runs_command ON runs(command_norm, started_at);
        CREATE INDEX runs_started ON runs(started_at);

        -- The patterns a run watched for, with how often each matched (pattern effectiveness).
        CREATE TABLE run_patterns (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,             -- error | success | exclude
            pattern TEXT NOT NULL,
            matches INTEGER NOT NULL,
            PRIMARY KEY (run_id, kind, pattern)
        );
        CREATE INDEX run_patterns_pattern ON run_patterns(pattern, kind);

        -- Each match of a run, with the lines around it (redacted).
        CREATE TABLE run_matches (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,           -- 1, 2, ... in the order seen
            kind TEXT NOT NULL,             -- error | success | repeat
            pattern TEXT NOT NULL,
            stream TEXT NOT NULL,           -- stdout | stderr
            line INTEGER NOT NULL,          -- line number within its stream, from 1
            offset REAL NOT NULL,           -- seconds from the start
            text TEXT NOT NULL,
            before TEXT,                    -- JSON list of the lines before it
            after TEXT                      -- JSON list of the lines after it
        );
        CREATE INDEX run_matches_run ON run_matches(run_id, seq);
        """,
    )
    # A matched error line is also a finding (for the learning loop), tied to its run: the
    # findings' run_id, the core's since m049 (a store made before it gets it here, first).
    if "run_id" not in {str(row[1]) for row in conn.execute("PRAGMA table_info(findings)")}:
        execute_all(
            conn,
            """
            ALTER TABLE findings ADD COLUMN run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL;
            CREATE INDEX findings_run ON findings(run_id) WHERE run_id IS NOT NULL;
            """,
        )
