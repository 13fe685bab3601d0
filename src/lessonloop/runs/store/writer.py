"""Recording a `lessonloop run`: its `runs` row, the patterns it watched (`run_patterns`), its
matches with their context (`run_matches`) and the findings made of them, in one transaction.

Every stored text is redacted first (secrets/redaction.py): the command line, the settings and
patterns as command lines ("command" scope: `--password X`, `DB_TOKEN=X cmd`, `mysql -pX`), the
matched lines, the lines around them and the findings' messages as a tool's output ("output").
Everything is prepared before the write lock is taken, and the rows go in with one statement per
table (executemany): recording adds well under a millisecond to a typical run (benchmarks/runner_bench.py measures it).

Imports stay light: `lessonloop run` pays for them on every run.
"""

from __future__ import annotations

import os
import sqlite3

from lessonloop.core.json_codec import dumps
from lessonloop.secrets.redaction import Scope, redact
from lessonloop.store.transaction import transaction

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from lessonloop.core.records import FindingRecord
    from lessonloop.runs.runner.result import MatchEvent, RunResult

# The longest a run waits for another process's write lock before giving up on recording it.
RECORD_WAIT_MS = 2000
_PATTERN_KINDS = ("error", "success", "exclude")
_PRIVATE_KEY = "PRIVATE KEY"
_REDACTED_KEY = "[REDACTED:private-key]"

_INSERT_RUN = """INSERT INTO runs (
    started_at, ended_at, command, command_norm, program, cwd, project, profile, mode, settings,
    timeout, idle_timeout, first_output_timeout, exit_status, child_status, reason, stopped, duration,
    first_output, first_match, match_count, longest_idle, idle_count, idle_periods,
    stdout_lines, stdout_bytes, stderr_lines, stderr_bytes
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_INSERT_PATTERN = "INSERT INTO run_patterns (run_id, kind, pattern, matches) VALUES (?, ?, ?, ?)"
_INSERT_MATCH = """INSERT INTO run_matches (run_id, seq, kind, pattern, stream, line, offset, text, before, after)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_INSERT_FINDING = """INSERT INTO findings
    (source, kind, rule, severity, path, line, message, ts, session_id, tool_use_id, run_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def open_for_recording(db_path: str) -> sqlite3.Connection:
    """A connection for `record_run` to the store at `db_path`: created or migrated only when
    needed, a short lock wait (RECORD_WAIT_MS, or $LESSONLOOP_BUSY_TIMEOUT_MS when lower),
    foreign keys on, and synchronous = NORMAL (in WAL mode a killed process loses nothing)."""
    from lessonloop.runs import WING
    from lessonloop.store.connection import connect_for_writing

    try:
        limit = int(os.environ.get("LESSONLOOP_BUSY_TIMEOUT_MS", RECORD_WAIT_MS))
    except ValueError:
        limit = RECORD_WAIT_MS
    conn = connect_for_writing(db_path, max(0, min(RECORD_WAIT_MS, limit)), wings=(WING.LATEST_MIGRATION,))
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def record_run(
    conn: sqlite3.Connection,
    result: RunResult,
    *,
    command: str,
    command_norm: str,
    project: str | None,
    findings: Sequence[FindingRecord] = (),
) -> int:
    """Store `result` in one BEGIN IMMEDIATE transaction (all of it, or nothing) and return the
    run's id. `command` is the command line as shown (shell-quoted), `command_norm` its normalized
    form; both are redacted again here. `findings` are stored with their run_id set. `conn` must
    be in autocommit mode (isolation_level None), as the store's connections are."""
    options = result.options
    argv = options.argv
    program = os.path.basename(argv[0]) if argv else ""
    settings = {
        key: redact_text(value, "command")
        if isinstance(value, str)
        else [redact_text(v, "command") for v in value]
        if isinstance(value, list)
        else value
        for key, value in options.settings().items()
    }
    idle_periods = [[round(start, 3), round(length, 3)] for start, length in result.idle_periods]
    run_row = (
        result.started_at,
        result.ended_at,
        redact_text(command, "command"),
        redact_text(command_norm, "command"),
        program,
        result.cwd,
        project,
        options.profile,
        "pty" if options.use_pty else "pipes",
        dumps(settings),
        options.timeout,
        options.idle_timeout,
        options.first_output_timeout,
        result.status,
        result.child_status,
        result.reason,
        1 if result.stopped else 0,
        result.duration,
        result.first_output,
        result.first_match,
        len(result.matches),
        result.longest_idle,
        result.idle_count,
        dumps(idle_periods),
        result.stdout.lines,
        result.stdout.bytes,
        result.stderr.lines,
        result.stderr.bytes,
    )
    patterns = _pattern_rows(options.error, options.success, options.exclude, result.pattern_counts)
    matches = [_match_row(seq, match) for seq, match in enumerate(result.matches, 1)]
    finding_rows = [
        (
            f.source,
            f.kind,
            f.rule,
            f.severity,
            f.path,
            f.line,
            redact_text(f.message),
            f.ts,
            f.session_id,
            f.tool_use_id,
        )
        for f in findings
    ]
    with transaction(conn):
        run_id = conn.execute(_INSERT_RUN, run_row).lastrowid
        assert run_id is not None
        if patterns:
            conn.executemany(_INSERT_PATTERN, [(run_id, *row) for row in patterns])
        if matches:
            conn.executemany(_INSERT_MATCH, [(run_id, *row) for row in matches])
        if finding_rows:
            conn.executemany(_INSERT_FINDING, [(*row, run_id) for row in finding_rows])
    return run_id


def _pattern_rows(
    error: list[str], success: list[str], exclude: list[str], counts: dict[tuple[str, str], int]
) -> list[tuple[str, str, int]]:
    """(kind, pattern, matches) for every pattern of the options, and any other counted pattern of
    those kinds; patterns redacted (two that become the same add up)."""
    found: dict[tuple[str, str], int] = {}
    for kind, patterns in (("error", error), ("success", success), ("exclude", exclude)):
        for pattern in patterns:
            key = (kind, pattern)
            if key not in found:
                found[key] = counts.get(key, 0)
    for key, count in counts.items():
        if key not in found and key[0] in _PATTERN_KINDS:
            found[key] = count
    rows: dict[tuple[str, str], int] = {}
    for (kind, pattern), count in found.items():
        clean = (kind, redact_text(pattern, "command"))
        rows[clean] = rows.get(clean, 0) + count
    return [(kind, pattern, count) for (kind, pattern), count in rows.items()]


def _match_row(seq: int, match: MatchEvent) -> tuple[object, ...]:
    """A run_matches row (without its run id): the matched line and its context, redacted."""
    before, text, after = clean_context(match.before, match.text, match.after)
    return (
        seq,
        match.kind,
        redact_text(match.pattern, "command"),
        match.stream,
        match.line,
        match.offset,
        text,
        dumps(before),
        dumps(after),
    )


def redact_text(text: str, scope: Scope = "output") -> str:
    """`text` with its secrets replaced (secrets/redaction.py), read as `scope` says."""
    return redact(text, scope)[0]


def clean_context(before: list[str], text: str, after: list[str]) -> tuple[list[str], str, list[str]]:
    """A matched line and the lines around it, redacted. The lines are redacted together (one
    pass over the block, which also catches a private key spread over several lines); only when a
    secret is found is each line redacted on its own, and a private key's lines are replaced
    from its BEGIN line to its END line."""
    block = [*before, text, *after]
    joined = "\n".join(block)
    cleaned = redact_text(joined)
    if cleaned == joined:
        return before, text, after
    if cleaned.count("\n") == len(block) - 1:
        lines = cleaned.split("\n")
    else:
        lines = _clean_each(block)
    split = len(before)
    return lines[:split], lines[split], lines[split + 1 :]


def _clean_each(lines: list[str]) -> list[str]:
    """Each line redacted on its own; the lines of a private key (after its BEGIN line, up to its
    END line) replaced whole."""
    out: list[str] = []
    in_key = False
    for line in lines:
        if in_key:
            out.append(_REDACTED_KEY)
            if "-----END" in line and _PRIVATE_KEY in line:
                in_key = False
            continue
        out.append(redact_text(line))
        begin = line.find("-----BEGIN")
        if begin >= 0 and _PRIVATE_KEY in line and "-----END" not in line[begin:]:
            in_key = True
    return out
