"""ZCode's database, on a database BUILT by the tests (built_database.py says from which sources:
ccusage 20's ZCode adapter, the rows quoted in ccusage#1595 and tokscale#825, and third-party
readers' measured schemas). No real ZCode database was available: what ZCode writes beyond those
sources is not checked here (docs/agents/zcode.md, "Not checked")."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from lessonloop.agents.zcode.reader import paths, tools
from lessonloop.capture.adapters import DiscoveryContext
from tests.agents.gemini.test_gemini_adapter import rows
from tests.agents.zcode.built_database import CHILD, MAIN, OTHER, PROJECT, T0, build, zcode_home


def ingest(db: Path, *given: Path, home: Path, problems: bool = False, **environ: str) -> dict[str, Any]:
    """`lessonloop ingest` with HOME `home` (exit code 1 when `problems`: ingest says it had some)."""
    env = {**os.environ, "HOME": str(home), "TZ": "UTC", **environ}
    env.pop("ZCODE_HOME", None) if "ZCODE_HOME" not in environ else None
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--no-analyze", "--no-progress", "--json"]
        + [str(path) for path in given],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == (1 if problems else 0), done.stderr
    return dict(json.loads(done.stdout))


def test_ingest_with_no_path_finds_and_reads_it(tmp_path: Path) -> None:
    home = zcode_home(tmp_path)
    db = tmp_path / "s.db"
    out = ingest(db, home=home)
    assert out["problems"] == [] and out["files"]["read_whole"] == [{"agent": "zcode", "files": 1, "sessions": 3}]
    assert rows(db, "SELECT id, agent, kind, parent_id, cwd, model FROM sessions ORDER BY id") == [
        (MAIN, "zcode", "main", None, PROJECT, "GLM-5.2"),
        (OTHER, "zcode", "main", None, PROJECT, "GLM-5.2"),
        (CHILD, "zcode", "subagent", MAIN, PROJECT, "GLM-5-Turbo"),
    ]
    # the reminder ZCode writes as a user message is not a prompt (its semantics say so)
    assert rows(db, "SELECT kind, text FROM messages WHERE session_id = ? ORDER BY seq", MAIN) == [
        ("prompt", "push this branch"),
        ("assistant", "Done: the branch is pushed."),
        ("instructions", "<system-reminder>todo list is empty</system-reminder>"),
    ]
    calls = rows(db, "SELECT tool, kind, command, target_path, ok, status FROM tool_calls ORDER BY session_id, seq")
    assert calls == [
        ("Bash", "shell", "git push", None, 0, "error"),
        ("Bash", "shell", "git push --set-upstream origin feature", None, 1, "ok"),
        ("Edit", "edit", None, f"{PROJECT}/README.md", 1, "ok"),
        ("Agent", "subagent", None, None, 1, "ok"),
        ("Glob", "search", None, None, 1, "ok"),
    ]
    # tokens: the completed model_usage rows, cache read and write carved out of input (as ccusage
    # does); the cancelled and errored rows, and the messages' own tokens, not read
    assert rows(
        db,
        """SELECT message_id, model, input_tokens, cache_read_tokens, cache_creation_tokens, output_tokens,
           reasoning_tokens FROM token_usage ORDER BY session_id, ts""",
    ) == [
        ("usage_model_session_title_built_0", "GLM-5.2", 98, 192, 0, 84, 0),
        ("usage_model_main_turn_msg_a1_0", "GLM-5.2", 299, 70144, 0, 680, 0),
        ("usage_model_main_turn_msg_a1b_0", "GLM-5.2", 700, 200, 100, 300, 120),
        ("usage_model_main_turn_msg_o_0", "GLM-5.2", 4795, 11712, 0, 59, 0),
        ("usage_model_subagent_msg_c_a_0", "GLM-5-Turbo", 1000, 4000, 0, 200, 0),
    ]
    assert rows(db, "SELECT DISTINCT format FROM source_files") == [("zcode-db",)]
    assert ingest(db, home=home)["files"]["unchanged"] == 3  # again: nothing read


def test_zcode_home_names_its_roots_and_the_path_names_the_database(tmp_path: Path) -> None:
    first = build(tmp_path / "a" / "cli" / "db" / "db.sqlite")
    second = build(tmp_path / "b" / "cli" / "db" / "db.sqlite")
    environ = {"ZCODE_HOME": f" {tmp_path / 'a'} ,,{tmp_path / 'b'},{tmp_path / 'none'}"}
    found = paths.discover(DiscoveryContext(environ=environ, home=str(tmp_path / "home")))
    assert [(f.path, f.format) for f in found] == [(str(first), "zcode-db"), (str(second), "zcode-db")]
    home_db = build(tmp_path / "home" / ".zcode" / "cli" / "db" / "db.sqlite")
    for empty in ({}, {"ZCODE_HOME": " "}):  # unset or empty: ~/.zcode
        found = paths.discover(DiscoveryContext(environ=empty, home=str(tmp_path / "home")))
        assert [f.path for f in found] == [str(home_db)]
    assert paths.claims("/backup/.zcode/cli/db/db.sqlite") == "zcode-db"
    assert paths.claims("/elsewhere/db.sqlite") is None and paths.claims("/x/cli/db/other.sqlite") is None
    db = tmp_path / "s.db"
    ingest(db, home=tmp_path / "nobody", ZCODE_HOME=str(tmp_path / "a"))
    assert rows(db, "SELECT count(*), min(agent) FROM sessions") == [(3, "zcode")]
    # named on the command line, known by its path
    named = tmp_path / "named.db"
    ingest(named, second, home=tmp_path / "nobody")
    assert rows(named, "SELECT count(*), min(agent) FROM sessions") == [(3, "zcode")]


def test_one_unit_per_session_a_change_reads_that_session_again(tmp_path: Path) -> None:
    home = zcode_home(tmp_path)
    source = home / ".zcode" / "cli" / "db" / "db.sqlite"
    db = tmp_path / "s.db"
    ingest(db, home=home)
    conn = sqlite3.connect(source)
    with conn:
        conn.execute(
            "INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?)",
            (
                "msg_o_u2",
                OTHER,
                T0 + 86_500_000,
                T0 + 86_500_000,
                json.dumps({"role": "user", "time": {"created": T0 + 86_500_000}}),
            ),
        )
        conn.execute(
            "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?, ?)",
            ("prt_o_u2", "msg_o_u2", OTHER, T0 + 86_500_000, T0 + 86_500_000, '{"type": "text", "text": "and lint"}'),
        )
    out = ingest(db, home=home)
    # that session alone, whole: its two messages and their parts (of the database's 21 records)
    assert (out["files"]["read"], out["files"]["unchanged"], out["records"]) == (1, 2, 4)
    assert rows(db, "SELECT text FROM messages WHERE session_id = ? ORDER BY seq", OTHER) == [
        ("run the tests",),
        ("and lint",),
    ]
    # a request's row alone (no new message) reads its session again too
    with conn:
        conn.execute(
            """INSERT INTO model_usage (id, logical_request_id, session_id, query_source, provider_id, model_id, status,
               started_at, input_tokens, output_tokens, cache_read_input_tokens, computed_total_tokens)
               VALUES ('usage_new_0', 'n', ?, 'main_turn', 'p', 'GLM-5.2', 'completed', ?, 100, 10, 60, 110)""",
            (OTHER, T0 + 86_600_000),
        )
    conn.close()
    out = ingest(db, home=home)
    assert (out["files"]["read"], out["files"]["unchanged"]) == (1, 2)
    assert rows(db, "SELECT input_tokens, cache_read_tokens FROM token_usage WHERE message_id = 'usage_new_0'") == [
        (40, 60)
    ]


def test_a_corrupt_or_locked_database_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    home = zcode_home(tmp_path)
    source = home / ".zcode" / "cli" / "db" / "db.sqlite"
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    # locked by a writer holding it exclusively: read from a copy, or a problem; never a crash
    holder = sqlite3.connect(source, timeout=0)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        out = ingest(tmp_path / "locked.db", home=home)
    finally:
        holder.rollback()
        holder.close()
    assert out["files"]["read"] == 3 or out["problems"]
    # corrupt: pages overwritten past the header
    data = bytearray(source.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    data[4096:] = b"\x00" * (len(data) - 4096)
    source.write_bytes(bytes(data))
    out = ingest(tmp_path / "corrupt.db", home=home, problems=True)
    assert out["problems"], out
    assert "database" in json.dumps(out["problems"])
    # not a database at all
    source.write_bytes(b"not sqlite at all")
    out = ingest(tmp_path / "text.db", home=home, problems=True)
    assert any("not a SQLite database" in json.dumps(p) for p in out["problems"]), out


def test_a_database_without_model_usage_is_read_without_tokens(tmp_path: Path) -> None:
    home = zcode_home(tmp_path)
    source = home / ".zcode" / "cli" / "db" / "db.sqlite"
    with sqlite3.connect(source) as conn:
        conn.execute("DROP TABLE model_usage")
    db = tmp_path / "s.db"
    out = ingest(db, home=home)
    assert any("no model_usage table" in json.dumps(n) for n in out["notices"]), out["notices"]
    assert rows(db, "SELECT count(*) FROM sessions") == [(3,)]
    assert rows(db, "SELECT count(*) FROM token_usage") == [(0,)]


def test_its_tool_names_are_claude_codes_and_opencodes() -> None:
    assert [tools.kind_of(name) for name in ("Bash", "Read", "Write", "Edit", "Grep", "Glob", "WebFetch")] == [
        "shell",
        "read",
        "write",
        "edit",
        "search",
        "search",
        "fetch",
    ]
    assert [tools.kind_of(name) for name in ("TodoWrite", "Agent", "bash", "webfetch", "task", "list")] == [
        "plan",
        "subagent",
        "shell",
        "fetch",
        "subagent",
        "search",
    ]
    assert tools.kind_of("Skill") == tools.kind_of("mcp__computer-use__screenshot") == "other"
