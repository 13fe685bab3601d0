"""The codemie Claude Code sessions (../shared/corpus/claude-code/codemie): four more real sessions,
and a session with flat `agent-*.jsonl` subagent files beside it.

The figures are read off the files themselves and checked against the upstream README where it
counts the same thing (tool calls per session). The folder's traps: the file names are not the
session ids (`session-196820da.jsonl` holds `196820da-1026-…`); the lines of one API response repeat
its usage (upstream's own metrics sum them: 177,370 cache-creation tokens where the session's
responses hold 37,172); subagents sit beside the main file, not under `<session>/subagents/`.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS, cli

CODEMIE = SHARED_CORPUS / "claude-code" / "codemie"
SESSION_FILES = ("session-196820da.jsonl", "session-3fe1b6bc.jsonl", "session-624a4a58.jsonl", "session-9eda1058.jsonl")
# session id -> tool calls (the upstream README's "Tool calls" of each file)
TOOL_CALLS = {
    "196820da-1026-4b6f-a513-a6aae42da1a6": 65,
    "3fe1b6bc-dbd0-4320-b980-4f147befa187": 76,
    "624a4a58-b34c-462d-a70d-13421c8125a8": 48,
    "9eda1058-9706-484a-b992-d03f9cfa2546": 3,
}
# Every call that did not succeed: (session prefix, tool, status, exit code, start of the error).
FAILED_CALLS = sorted(
    [
        ("196820da", "Bash", "error", 1, "Exit code 1\n(eval):1: no matches found"),
        ("196820da", "Bash", "error", 1, "Exit code 1\n(eval):1: no matches found"),
        ("3fe1b6bc", "Read", "error", None, "File does not exist."),
        ("3fe1b6bc", "Bash", "error", 1, "Exit code 1"),
        ("3fe1b6bc", "Bash", "error", 1, "Exit code 1"),
        ("3fe1b6bc", "Bash", "error", 5, "Exit code 5\njq: parse error"),
        ("3fe1b6bc", "Bash", "error", 1, "Exit code 1\nxargs: command line cannot be assembled, too long"),
        ("9eda1058", "Write", "rejected", None, "The user doesn't want to proceed with this tool use."),
    ]
)
PRIVATE_SESSION = "4c2ddfdc-b619-4525-8d03-1950fb1b0257"


@pytest.fixture(scope="module")
def codemie_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the codemie folder (the shared corpus stays read-only)."""
    if not CODEMIE.is_dir():
        pytest.skip(f"real-data corpus not found at {CODEMIE} (the ../shared folder is absent)")
    target = tmp_path_factory.mktemp("codemie") / "codemie"
    shutil.copytree(CODEMIE, target)
    return target


def _ingest(db: Path, *paths: Path) -> dict[str, object]:
    result = cli("ingest", "--db", db, "--no-learn", "--no-bandit", "--json", *paths)
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.output)
    assert isinstance(summary, dict)
    return summary


@pytest.mark.corpus
def test_the_four_sessions_read_whole(codemie_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "codemie.db"
    summary = _ingest(db, *(codemie_copy / name for name in SESSION_FILES))
    assert summary["problems"] == [] and summary["notices"] == []
    assert (summary["sessions"], summary["subagent_sessions"]) == (4, 0)
    assert summary["tool_calls"] == summary["tool_results"] == sum(TOOL_CALLS.values())
    conn = sqlite3.connect(db)
    try:
        sessions = dict(conn.execute("SELECT id, kind FROM sessions").fetchall())
        assert sessions == dict.fromkeys(TOOL_CALLS, "main")  # the sessionId field, not the file names
        calls = dict(conn.execute("SELECT session_id, count(*) FROM tool_calls GROUP BY session_id").fetchall())
        assert calls == TOOL_CALLS
        assert conn.execute("SELECT count(*) FROM tool_calls WHERE status IS NULL").fetchone()[0] == 0
        failed = conn.execute(
            "SELECT substr(session_id, 1, 8), tool, status, exit_code, error_text FROM tool_calls WHERE status != 'ok'"
        ).fetchall()
        assert len(failed) == len(FAILED_CALLS)
        for got, (session, tool, status, code, start) in zip(sorted(failed), FAILED_CALLS, strict=True):
            assert got[:4] == (session, tool, status, code), got
            assert got[4].startswith(start), got
        kinds = dict(
            conn.execute(
                "SELECT substr(session_id, 1, 8) || ' ' || kind, count(*) FROM messages"
                " WHERE kind IN ('interrupt', 'rejection', 'compact_boundary') GROUP BY 1"
            ).fetchall()
        )
        # 624a: three interrupted turns and a compaction; 9eda: the rejected Write, then the interrupt.
        assert kinds == {
            "624a4a58 interrupt": 3,
            "624a4a58 compact_boundary": 1,
            "9eda1058 interrupt": 1,
            "9eda1058 rejection": 1,
        }
        # The lines of one response repeat its usage: one row per response, never summed per line.
        rows, distinct = conn.execute("SELECT count(*), count(DISTINCT message_id) FROM token_usage").fetchone()
        assert rows == distinct > 0
    finally:
        conn.close()


@pytest.mark.corpus
def test_flat_subagent_files_beside_their_session(codemie_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "private.db"
    summary = _ingest(db, codemie_copy / "claude" / "-tmp-private")
    assert summary["problems"] == [] and summary["notices"] == []
    assert (summary["sessions"], summary["subagent_sessions"]) == (1, 2)
    conn = sqlite3.connect(db)
    try:
        sessions = conn.execute("SELECT id, kind, parent_id, placeholder FROM sessions ORDER BY id").fetchall()
        assert sessions == [
            (PRIVATE_SESSION, "main", None, 0),
            (f"{PRIVATE_SESSION}/36541525", "subagent", PRIVATE_SESSION, 0),
            (f"{PRIVATE_SESSION}/50243ee8", "subagent", PRIVATE_SESSION, 0),
        ]
        calls = conn.execute(
            "SELECT tool, status, lines_added FROM tool_calls WHERE session_id = ? ORDER BY seq", (PRIVATE_SESSION,)
        ).fetchall()
        # Write hello.py, hello.md, hello.js (7, 13 and 7 lines: upstream's 8+14+8 counts the empty
        # string after each file's last newline), Read, the one-line Edit, `rm hello.js`.
        assert calls == [
            ("Write", "ok", 7),
            ("Write", "ok", 13),
            ("Write", "ok", 7),
            ("Read", "ok", None),
            ("Edit", "ok", 1),
            ("Bash", "ok", None),
        ]
        usage = conn.execute(
            "SELECT count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens),"
            " sum(cache_read_tokens) FROM token_usage WHERE session_id = ?",
            (PRIVATE_SESSION,),
        ).fetchone()
        # 10 assistant lines, 7 responses: the first response's 35,066 cache-creation tokens once, not 4 times.
        assert usage == (7, 33, 806, 37_172, 214_627)
        agents = dict(
            conn.execute(
                "SELECT session_id, output_tokens FROM token_usage WHERE session_id LIKE ?", (f"{PRIVATE_SESSION}/%",)
            ).fetchall()
        )
        assert agents == {f"{PRIVATE_SESSION}/36541525": 3, f"{PRIVATE_SESSION}/50243ee8": 237}
    finally:
        conn.close()
