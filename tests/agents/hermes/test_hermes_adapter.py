"""Hermes Agent's state.db, as the real CLI (hermes-agent 0.19.0, `hermes chat -q ... --yolo -Q`)
wrote it against the harness's model server (tests/agents/hermes/data/hermes_0_19_0/, PROVENANCE.md):
two sessions, found in a temporary HOME with no path and read exactly. The server reported, per
request, input 1119/1136/1153 and 1170/1187/1204/1221/1238 (cache not counted), cached 64/128/0 and
64/128/0/64/128, output 41/44/47 and 50/53/56/59/62: what Hermes summed into each session's row.
Their token totals against ccusage 20's: tests/cli/test_costs_ccusage.py."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from pathlib import Path

from lessonloop.agents.hermes.reader import paths
from lessonloop.agents.hermes.reader.parser import outcome, units
from lessonloop.agents.hermes.reader.tools import kind_of
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.sniffer import sniff
from lessonloop.core.records import Problem
from tests.agents.gemini.test_gemini_adapter import ingest, rows

HOME = Path(__file__).parent / "data" / "hermes_0_19_0" / "home"
DATABASE = HOME / ".hermes" / "state.db"
PUSH = "20261130_005748_32c5fc"
TESTS = "20261130_005755_484f7c"
PROJECT = "/tmp/hermes-fixture/project"


def hermes_home(tmp_path: Path) -> Path:
    """A HOME where Hermes left its state.db (a copy: a reader of a WAL database writes its -shm)."""
    home = tmp_path / "home"
    shutil.copytree(HOME, home)
    return home


def _copy(tmp_path: Path, name: str = "state.db") -> Path:
    target = tmp_path / "copy" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATABASE, target)
    return target


def test_ingest_with_no_path_reads_each_session_exactly(tmp_path: Path) -> None:
    home = hermes_home(tmp_path)
    db = tmp_path / "s.db"
    env = {k: v for k, v in os.environ.items() if k != "HERMES_HOME"}
    ingest(db, env={**env, "HOME": str(home)})
    assert rows(
        db, "SELECT id, agent, kind, parent_id, cwd, model, started_at, ended_at FROM sessions ORDER BY id"
    ) == [
        (
            PUSH,
            "hermes",
            "main",
            None,
            PROJECT,
            "harness-model",
            "2026-11-30T00:57:51.494Z",
            "2026-11-30T00:57:52.365Z",
        ),
        (
            TESTS,
            "hermes",
            "main",
            None,
            PROJECT,
            "harness-model",
            "2026-11-30T00:57:58.402Z",
            "2026-11-30T00:57:59.499Z",
        ),
    ]
    assert rows(db, "SELECT session_id, kind, text FROM messages ORDER BY seq") == [
        (PUSH, "prompt", "Push the cart branch to origin."),
        (PUSH, "assistant", "Done: the branch is pushed."),
        (TESTS, "prompt", "Run the cart tests and tell me whether they pass."),
        (TESTS, "assistant", "The cart test fails: 1 + 1 is not 3."),
    ]
    calls = rows(
        db, "SELECT session_id, tool, kind, command, target_path, cwd, status, exit_code FROM tool_calls ORDER BY seq"
    )
    assert calls == [
        (PUSH, "terminal", "shell", "git push", None, PROJECT, "error", 128),
        (PUSH, "terminal", "shell", "git push --set-upstream origin cart", None, PROJECT, "ok", 0),
        (TESTS, "read_file", "read", None, "tests/test_cart.py", PROJECT, "error", None),
        (TESTS, "read_file", "read", None, "test_cart.py", PROJECT, "ok", None),
        (TESTS, "terminal", "shell", "python3 -m unittest -q test_cart", None, PROJECT, "error", 1),
        (TESTS, "terminal", "shell", "git log --oneline -1", None, PROJECT, "ok", 0),
    ]
    errors = rows(db, "SELECT error_text FROM tool_calls WHERE status = 'error' ORDER BY seq")
    assert errors[0][0].startswith("fatal: The current branch cart has no upstream branch.")
    assert errors[1][0] == "File not found: tests/test_cart.py"
    assert "FAIL: test_total (test_cart.CartTest.test_total)" in errors[2][0]
    # one row per session and model: the session's totals in its sessions row (session_model_usage
    # holds the same, the main loop's)
    assert rows(
        db,
        """SELECT session_id, model, input_tokens, cache_read_tokens, cache_creation_tokens, output_tokens,
                  reasoning_tokens, cost_usd FROM token_usage ORDER BY session_id""",
    ) == [
        (PUSH, "harness-model", 3408, 192, 0, 132, 0, None),
        (TESTS, "harness-model", 6530, 384, 0, 370, 0, None),
    ]
    assert rows(db, "SELECT count(*) FROM ingest_problems") == [(0,)]
    assert sorted(rows(db, "SELECT path, format FROM source_files")) == [
        (f"{home}/.hermes/state.db#{PUSH}", "hermes-db"),
        (f"{home}/.hermes/state.db#{TESTS}", "hermes-db"),
    ]
    # the sessions row's own figures, as Hermes wrote them
    with sqlite3.connect(f"file:{DATABASE}?mode=ro&immutable=1", uri=True) as conn:
        totals = conn.execute(
            "SELECT id, input_tokens, cache_read_tokens, cache_write_tokens, output_tokens FROM sessions ORDER BY id"
        ).fetchall()
    assert totals == [(PUSH, 3408, 192, 0, 132), (TESTS, 6530, 384, 0, 370)]
    # read again, nothing changed: nothing is read
    again = ingest(db, env={**env, "HOME": str(home)})
    assert rows(db, "SELECT count(*) FROM tool_calls") == [(6,)]
    assert again is not None


def test_it_is_found_in_hermes_home_and_its_profiles(tmp_path: Path) -> None:
    found = paths.discover(DiscoveryContext(environ={}, home=str(HOME)))
    assert [(f.path, f.format) for f in found] == [(str(DATABASE), "hermes-db")]
    elsewhere = tmp_path / "srv" / "hermes"
    elsewhere.mkdir(parents=True)
    shutil.copy(DATABASE, elsewhere / "state.db")
    profile = tmp_path / "me" / ".hermes" / "profiles" / "work"
    profile.mkdir(parents=True)
    shutil.copy(DATABASE, profile / "state.db")
    context = DiscoveryContext(environ={"HERMES_HOME": str(elsewhere)}, home=str(tmp_path / "me"))
    assert [f.path for f in paths.discover(context)] == [str(elsewhere / "state.db"), str(profile / "state.db")]
    assert str(elsewhere) in paths.searched(context)
    assert paths.claims("/home/me/.hermes/state.db") == "hermes-db"
    assert paths.claims("/home/me/.hermes/profiles/work/state.db") == "hermes-db"
    assert paths.claims("/home/me/project/state.db") is None
    assert sniff("/backups/state.db", DATABASE.read_bytes()[:65536]) == "hermes-db"


def test_named_by_its_path_it_is_read_as_hermes(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    db = tmp_path / "s.db"
    ingest(db, copy)
    assert rows(db, "SELECT agent, count(*) FROM sessions GROUP BY agent") == [("hermes", 2)]


def test_a_new_message_changes_its_sessions_stamp_only(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    before = {u.path: (u.size, u.mtime_ns) for u in units([str(copy)], [])}
    conn = sqlite3.connect(copy)  # a test's copy, changed as Hermes would: one more message
    conn.execute(
        "INSERT INTO messages (session_id, role, content, timestamp) VALUES (?, 'user', 'And now?', 1796000300.0)",
        (PUSH,),
    )
    conn.commit()
    conn.close()
    after = {u.path: (u.size, u.mtime_ns) for u in units([str(copy)], [])}
    assert set(before) == set(after)
    changed = [path for path in before if before[path] != after[path]]
    assert changed == [f"{copy}#{PUSH}"]


def test_a_locked_or_broken_database_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    # locked: a writer holds it (a rollback-journal copy, so that readers must wait)
    locked = _copy(tmp_path)
    conn = sqlite3.connect(locked, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("BEGIN EXCLUSIVE")
    try:
        problems: list[Problem] = []
        assert units([str(locked)], problems) == []
        assert [p.code for p in problems] == ["unreadable-file"] and "locked" in problems[0].detail
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    # not SQLite, cut short, another program's database
    text = tmp_path / "text" / "state.db"
    text.parent.mkdir()
    text.write_text("not a database\n")
    cut = tmp_path / "cut" / "state.db"
    cut.parent.mkdir()
    cut.write_bytes(DATABASE.read_bytes()[:5000])
    other = tmp_path / "other" / "state.db"
    other.parent.mkdir()
    with sqlite3.connect(other) as made:
        made.execute("CREATE TABLE kv (key TEXT, value TEXT)")
    made.close()
    for path, said in ((text, "not a SQLite database"), (cut, "cannot read"), (other, "not a Hermes Agent database")):
        problems = []
        found = units([str(path)], problems)
        if found:  # a cut file may list its sessions and fail on reading them
            for unit in found:
                try:
                    unit.read()
                except Exception as exc:  # UnreadableUnit: ingest keeps what it stored
                    problems.append(Problem(unit.path, None, "unreadable-file", str(exc)))
        assert problems and said in problems[0].detail, (path, problems)
    # and ingest goes on past them
    db = tmp_path / "s.db"
    ingest(db, text, other, _copy(tmp_path / "good"))
    assert rows(db, "SELECT count(*) FROM sessions") == [(2,)]
    assert {row[0] for row in rows(db, "SELECT code FROM ingest_problems")} <= {"unreadable-file"}


def test_a_database_written_while_it_is_read_is_read(tmp_path: Path) -> None:
    """WAL: a writer in the middle of a transaction does not stop a read-only reader."""
    copy = _copy(tmp_path)
    writer = sqlite3.connect(copy, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO messages (session_id, role, content, timestamp) VALUES (?, 'user', 'x', 1.0)", (PUSH,))
    done = threading.Event()
    try:
        problems: list[Problem] = []
        found = units([str(copy)], problems)
        assert not problems and len(found) == 2
        batches = [unit.read() for unit in found]
        assert sum(len(b.messages) for b in batches) == 4  # the uncommitted message is not seen
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        done.set()


def _old_schema_database(path: Path) -> None:
    """A state.db of an older Hermes (0.9.0's schema 6: no active, compacted, tool_name filled,
    session_model_usage), made here: a compressed session's continuation, a branch and a sub-agent."""
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT NOT NULL, model TEXT, model_config TEXT,
            parent_session_id TEXT, started_at REAL NOT NULL, ended_at REAL, end_reason TEXT, cwd TEXT,
            input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0, cache_read_tokens INTEGER DEFAULT 0,
            cache_write_tokens INTEGER DEFAULT 0, reasoning_tokens INTEGER DEFAULT 0,
            estimated_cost_usd REAL, actual_cost_usd REAL, cost_status TEXT, title TEXT);
        CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL,
            content TEXT, tool_call_id TEXT, tool_calls TEXT, tool_name TEXT, timestamp REAL NOT NULL);
        """
    )
    call = '[{"id": "c1", "type": "function", "function": {"name": "terminal", "arguments": "{\\"command\\": \\"make\\"}"}}]'
    sessions = [
        ("a", "cli", None, None, 1.0, 2.0, "compression", 100, 10, 5, 7, 2, 0.5, None, "estimated"),
        ("b", "cli", "a", None, 2.0, 3.0, "branched", 50, 5, 0, 0, 0, None, 0.25, "actual"),
        ("c", "cli", "b", '{"_branched_from": "b"}', 3.0, None, None, 20, 2, 0, 0, 0, 0.0, None, "unknown"),
        ("d", "subagent", "b", None, 2.5, 2.6, None, 10, 1, 0, 0, 0, None, None, None),
    ]
    for sid, source, parent, config, start, end, reason, i, o, cr, cw, r, est, act, status in sessions:
        conn.execute(
            """INSERT INTO sessions (id, source, model, model_config, parent_session_id, started_at, ended_at,
               end_reason, cwd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
               estimated_cost_usd, actual_cost_usd, cost_status) VALUES (?, ?, 'm', ?, ?, ?, ?, ?, '/p', ?, ?, ?, ?, ?,
               ?, ?, ?)""",
            (sid, source, config, parent, start, end, reason, i, o, cr, cw, r, est, act, status),
        )
    messages = [
        ("a", "user", "build it", None, None),
        ("a", "assistant", "", None, call),
        ("a", "tool", '{"output": "make: *** No rule", "exit_code": 2, "error": null}', "c1", None),
        ("a", "assistant", "It failed.", None, None),
        # the continuation: the summary, the tail it kept, then its own turn
        ("b", "user", "[CONTEXT COMPACTION — REFERENCE ONLY] Earlier turns were compacted ...", None, None),
        ("b", "assistant", "It failed.", None, None),
        ("b", "user", "try again", None, None),
        # the branch: a copy of b's conversation, then its own
        ("c", "user", "[CONTEXT COMPACTION — REFERENCE ONLY] Earlier turns were compacted ...", None, None),
        ("c", "assistant", "It failed.", None, None),
        ("c", "user", "try again", None, None),
        ("c", "user", "another way", None, None),
        ("d", "user", "look at the Makefile", None, None),
    ]
    for at, (sid, role, content, call_id, calls) in enumerate(messages):
        conn.execute(
            "INSERT INTO messages (session_id, role, content, tool_call_id, tool_calls, timestamp) VALUES (?, ?, ?, ?, ?, ?)",
            (sid, role, content, call_id, calls, 1.0 + at / 10),
        )
    conn.commit()
    conn.close()


def test_an_older_schema_its_lines_of_sessions_and_their_copies(tmp_path: Path) -> None:
    path = tmp_path / ".hermes" / "state.db"
    path.parent.mkdir()
    _old_schema_database(path)
    db = tmp_path / "s.db"
    ingest(db, path)
    assert rows(db, "SELECT id, kind, parent_id FROM sessions ORDER BY id") == [
        ("a", "main", None),
        ("b", "main", "a"),  # a compression's continuation: under the first session of its line
        ("c", "main", None),  # a branch: a session of its own
        ("d", "subagent", "a"),
    ]
    assert rows(db, "SELECT session_id, kind, text FROM messages ORDER BY seq") == [
        ("a", "prompt", "build it"),
        ("a", "assistant", "It failed."),
        ("b", "compaction_summary", "[CONTEXT COMPACTION — REFERENCE ONLY] Earlier turns were compacted ..."),
        ("b", "prompt", "try again"),
        ("c", "prompt", "another way"),
        ("d", "prompt", "look at the Makefile"),
    ]
    assert rows(db, "SELECT tool, command, status, exit_code FROM tool_calls") == [("terminal", "make", "error", 2)]
    # tokens: each session's row; reasoning inside output; the cost Hermes reported (none when unknown)
    assert rows(
        db,
        """SELECT session_id, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens,
                  reasoning_tokens, cost_usd FROM token_usage ORDER BY session_id""",
    ) == [
        ("a", 100, 10, 5, 7, 2, 0.5),
        ("b", 50, 5, 0, 0, 0, 0.25),
        ("c", 20, 2, 0, 0, 0, None),
        ("d", 10, 1, 0, 0, 0, None),
    ]


def test_outcomes_from_the_shapes_hermes_returns() -> None:
    assert outcome('{"output": "ok", "exit_code": 0, "error": null}') == ("ok", 0, "ok")
    assert outcome('{"output": "", "exit_code": 1, "error": null}') == ("error", 1, "exit code 1")
    blocked = '{"output": "", "exit_code": -1, "error": "Command denied: rm -rf", "status": "blocked"}'
    assert outcome(blocked) == ("rejected", None, "Command denied: rm -rf")
    assert outcome('{"error": "file not found"}') == ("error", None, "file not found")
    assert outcome('{"success": false, "message": "no match"}') == ("error", None, "no match")
    assert outcome('{"success": true, "diff": "@@ -1 +1 @@"}')[0] == "ok"
    assert outcome("Error executing patch: boom") == ("error", None, "Error executing patch: boom")
    assert outcome("plain text") == ("ok", None, "plain text")
    assert [kind_of(t) for t in ("terminal", "read_file", "patch", "write_file", "search_files", "todo")] == [
        "shell",
        "read",
        "edit",
        "write",
        "search",
        "plan",
    ]
    assert (kind_of("delegate_task"), kind_of("web_extract"), kind_of("memory")) == ("subagent", "fetch", "other")
