"""Lessons are agent-neutral (issue 13): a lesson learned from one agent's calls warns another in
the same project. A Codex session whose `git push` failed for want of an upstream and then worked
with --set-upstream is stored through store.writer; `lessonloop learn` learns a lesson from it; Claude
Code's PreToolUse hook for Bash `git push` in the same project warns with it; the lesson is
exported. Also: stored triggers of the old form (a Claude Code tool name) keep firing after m018."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.agents.claude.reader import tools as claude_code_tools
from lessonloop.core.records import Batch, MessageRecord, SessionRecord, ToolCallRecord, ToolResultRecord
from lessonloop.learning.engine.engine import lesson_signature
from lessonloop.learning.engine.signatures import digest
from lessonloop.lesson_model.triggers import LEGACY_TOOL_KINDS, Trigger
from lessonloop.store import open_store
from lessonloop.store.migrations import MIGRATIONS
from lessonloop.store.sessions.writer import ReadProgress, register_file, write_chunk
from tests.hook_helpers import HookSession, hook_env

NO_UPSTREAM = (
    "fatal: The current branch feature has no upstream branch.\n"
    "To push the current branch and set the remote as upstream, use\n\n"
    "    git push --set-upstream origin feature\n"
)


def _git_project(root: Path) -> Path:
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "feature", str(root)], check=True)
    return root


def _codex_session(session_id: str, project: Path) -> Batch:
    """A Codex rollout as its adapter gives it: exec_command calls of kind shell."""
    cwd = str(project)
    batch = Batch()
    batch.sessions[session_id] = SessionRecord(
        id=session_id,
        agent="codex",
        kind="main",
        project=cwd,
        cwd=cwd,
        git_branch="feature",
        model="gpt-5-codex",
        started_at="2026-11-02T10:00:00.000Z",
    )
    batch.messages.append(
        MessageRecord(session_id, f"{session_id}-m0", None, 1, "2026-11-02T10:00:01.000Z", "user", "prompt", "push it")
    )
    calls = [
        ("git push", False, 128, NO_UPSTREAM),
        ("git push --set-upstream origin feature", True, 0, None),
    ]
    for n, (command, ok, code, error) in enumerate(calls):
        seq = n + 2
        ts = f"2026-11-02T10:01:{seq:02d}.000Z"
        call_id = f"{session_id}-call{n}"
        arguments = json.dumps({"cmd": command})
        batch.tool_calls.append(
            ToolCallRecord(call_id, session_id, None, seq, ts, "exec_command", arguments, None, command, cwd, "shell")
        )
        batch.tool_results.append(
            ToolResultRecord(
                call_id,
                seq,
                ts,
                ok,
                "ok" if ok else "error",
                exit_code=code,
                error_text=error,
                result_text="branch 'feature' set up to track 'origin/feature'." if ok else None,
            )
        )
    batch.records = 3
    return batch


def _store(db: Path, batch: Batch, path: str) -> None:
    conn = open_store(db)
    try:
        state = register_file(conn, path, "codex", is_sample=False, format="codex")
        progress = ReadProgress(size=1, mtime_ns=1, offset=1, lines=1, head_hash="h", tail_hash="t")
        write_chunk(conn, state, state.offset, state.tail_hash, batch, progress, replace=False)
    finally:
        conn.close()


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", *args, "--db", str(db)], capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_a_lesson_from_codex_warns_claude_code_in_the_same_project(tmp_path: Path) -> None:
    project = _git_project(tmp_path / "p")
    db = tmp_path / "store.db"
    _store(db, _codex_session("019a-codex-1", project), "/rollouts/rollout-1.jsonl")
    _store(db, _codex_session("019a-codex-2", project), "/rollouts/rollout-2.jsonl")

    learned = _cli(db, "learn")
    assert learned.returncode == 0, learned.stderr
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT trigger, trigger_kind, trigger_key, agent, status FROM lessons").fetchall()
    conn.close()
    assert len(rows) == 1, rows
    trigger, trigger_kind, trigger_key, agent, status = rows[0]
    assert json.loads(trigger)["kind"] == "shell" and "tool" not in json.loads(trigger)
    assert (trigger_kind, trigger_key, agent, status) == ("shell", "git", "codex", "active")

    session = HookSession(project, hook_env(db))
    session.start()
    pre, _post = session.bash("git push")
    assert "without --set-upstream" in pre.context, (pre.stdout, pre.stderr)
    fixed, _ = session.bash("git push -u origin feature")
    assert fixed.output is None  # the fixed form does not match the trigger

    exported = _cli(db, "lessons", "export", "--format", "md")
    assert exported.returncode == 0, exported.stderr
    assert "git push" in exported.stdout and "--set-upstream" in exported.stdout


def test_a_trigger_stored_with_a_claude_code_tool_name_reads_as_its_kind() -> None:
    old = Trigger.from_json({"tool": "Bash", "words": ["git", "push"], "lacks": ["--set-upstream", "-u"]})
    assert (old.kind, old.tool) == ("shell", None)
    assert old.matches_shape("shell", [("git", "push")], None, None, "exec_command")
    mcp = Trigger.from_json({"tool": "mcp__db__query"})
    assert (mcp.kind, mcp.tool) == ("other", "mcp__db__query")
    assert Trigger.from_json(mcp.to_json()).key() == mcp.key()


def test_the_hooks_and_learning_know_claude_codes_tools_as_capture_does() -> None:
    from lessonloop.core import handler_tools, records

    assert handler_tools.kind_of is claude_code_tools.kind_of  # one table for capture and the hooks
    assert LEGACY_TOOL_KINDS is claude_code_tools.KINDS
    assert set(claude_code_tools.KINDS.values()) <= set(records.TOOL_KINDS)


def _store_before_m018(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for step in MIGRATIONS:
        if step.__name__ >= "m018":
            break
        conn.execute("BEGIN")
        step(conn)
        conn.execute("INSERT INTO _migrations VALUES (?, '2026-11-01T00:00:00.000Z')", (step.__name__,))
        conn.execute("COMMIT")
    return conn


def test_m018_gives_stored_triggers_kinds_and_they_keep_firing(tmp_path: Path) -> None:
    project = _git_project(tmp_path / "p")
    db = tmp_path / "store.db"
    conn = _store_before_m018(db)
    old_trigger = {"tool": "Bash", "words": ["git", "push"], "lacks": ["--set-upstream", "-u"]}
    old_error = "Bash|fatal: The current branch <branch> has no upstream branch."
    old_key = "\x1e".join(["Bash", "git push", "--set-upstream,-u", "", ""])
    old_signature = digest("usage", old_key, old_error)
    ts = "2026-11-01T00:00:00.000Z"
    conn.execute(
        """INSERT INTO lessons (id, signature, kind, origin, title, body, prevention, trigger, trigger_text,
               error_signature, error_class, category, severity, scope, project, sessions, failed_sessions,
               confidence, tier, status, first_seen, last_seen, created_at, updated_at)
           VALUES (1, ?, 'usage', 'learned', '`git push` without --set-upstream fails', 'b', 'Use -u', ?,
               'Bash `git push` without --set-upstream/-u', ?, 'MISSING_PREREQUISITE', 'git', 'medium',
               'project', ?, 3, 3, 0.6, 'active', 'active', ?, ?, ?, ?)""",
        (old_signature, json.dumps(old_trigger), old_error, str(project), ts, ts, ts, ts),
    )
    conn.close()

    conn = open_store(db)  # m018 runs
    row = conn.execute(
        "SELECT signature, trigger, trigger_text, error_signature, trigger_kind, trigger_key FROM lessons WHERE id = 1"
    ).fetchone()
    alias = conn.execute("SELECT lesson_id FROM lesson_aliases WHERE signature = ?", (old_signature,)).fetchone()
    conn.close()
    signature, trigger_json, text, error, trigger_kind, trigger_key = row
    trigger = Trigger.from_json(json.loads(trigger_json))
    assert json.loads(trigger_json) == {"kind": "shell", "words": ["git", "push"], "lacks": ["--set-upstream", "-u"]}
    assert (text, error) == ("shell `git push` without --set-upstream/-u", "shell|" + old_error.split("|", 1)[1])
    assert signature == lesson_signature("usage", trigger, error)  # what learning computes for it today
    assert alias == (1,)
    assert (trigger_kind, trigger_key) == ("shell", "git")

    session = HookSession(project, hook_env(db))
    session.start()
    pre, _post = session.bash("git push origin feature")
    assert "without --set-upstream" in pre.context, (pre.stdout, pre.stderr)
