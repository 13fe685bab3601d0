"""Lessons a single failure teaches and says in its own session are learned as the call ends
(in_session.learn_at_once, issue 41: "learned in this session, silent in this session" should
not happen), through the hooks as the agents run them, before the transcript is ingested. A lesson
of one failing session is a candidate, given to no other session (issue 59); in its own it is a
warning while the call keeps failing (issue 61), never a stop. The same mistake in a second session makes it active at once, and the next call of that
session it is about is stopped (the hooks' default: a deny with the lesson as the reason). A script
that fails for its form stops its siblings (not a script elsewhere); a program that does not exist
here stops its next use; a general lesson that leaves its own session to the warning about the
same call resent is not learned live."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.agent_hooks import AgentSession
from tests.hook_helpers import HookRun, HookSession, hook_env

CRLF = (
    "Chunk ID: 1\nWall time: 0.1 seconds\nProcess exited with code 127\nOriginal token count: 12\nOutput:\n"
    "/usr/bin/env: 'bash\\r': No such file or directory\n"
)


def _lessons(db: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT title, tier, failed_sessions FROM lessons").fetchall()


def _stopped(run: HookRun) -> str:
    """The reason of the deny a PreToolUse hook answered (failing the test on anything else)."""
    assert run.returncode == 0 and run.output is not None, run.stderr
    inner = run.output["hookSpecificOutput"]
    assert inner["permissionDecision"] == "deny", run.output
    return str(inner["permissionDecisionReason"])


def _decisions(db: Path, session_id: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT action FROM hook_decisions WHERE session_id = ? ORDER BY id", (session_id,))
        return [action for (action,) in rows]


@pytest.mark.slow
def test_the_codex_hook_stops_the_next_script_of_the_family_once_it_failed_in_two_sessions(
    repo: Path, tmp_path: Path
) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    first = AgentSession("codex", repo, hook_env(db))
    failed = {"tool_input": {"command": "./scripts/build.sh"}, "tool_use_id": "call_sh_1"}
    assert first.run("PreToolUse", **failed).stdout == ""
    assert first.run("PostToolUse", **failed, tool_response=CRLF).returncode == 0
    (lesson,) = _lessons(db)  # learned at once, a candidate: one failing session
    assert "Windows line endings" in lesson[0] and lesson[1:] == ("candidate", 1), lesson
    sibling = first.run("PreToolUse", tool_input={"command": "./scripts/test.sh"}, tool_use_id="call_sh_2")
    assert sibling.returncode == 0 and "Windows line endings" in sibling.stdout, sibling.stderr
    # a one-off that names its remedy stops the repeat in its own session (issue 80)
    assert "a lesson from this session" in _stopped(sibling)

    second = AgentSession("codex", repo, hook_env(db))
    failed = {"tool_input": {"command": "./scripts/build.sh"}, "tool_use_id": "call_sh_3"}
    note = second.run("PreToolUse", **failed)  # the one-off stops once in the project's next session
    assert "failed in 1 of 1 sessions" in _stopped(note)
    assert second.run("PostToolUse", **failed, tool_response=CRLF).returncode == 0
    assert [row[1:] for row in _lessons(db)] == [("active", 2)]  # the second failing session, at once
    sibling = second.run("PreToolUse", tool_input={"command": "./scripts/test.sh"}, tool_use_id="call_sh_4")
    assert "Windows line endings" in _stopped(sibling)
    elsewhere = second.run("PreToolUse", tool_input={"command": "./tools/release.sh"}, tool_use_id="call_sh_5")
    assert elsewhere.returncode == 0 and elsewhere.stdout == ""
    assert _decisions(db, second.session_id) == ["stop", "stop", "none"]
    assert not (db.parent / "hook-failures.log").exists()


SED_MISSING = (
    "sed : The term 'sed' is not recognized as the name of a cmdlet, function, script file, or operable program."
)


@pytest.mark.slow
def test_a_missing_program_stops_its_next_use_in_the_second_session_it_failed_in(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    first = HookSession(repo, hook_env(db))
    pre, post = first.bash("sed -n '1,20p' a.txt", error="Exit code 1\n" + SED_MISSING)
    assert (pre.stdout, post.returncode) == ("", 0)
    (lesson,) = _lessons(db)  # learned at once, a candidate: one failing session
    assert "`sed` is not available here" in lesson[0] and lesson[1:] == ("candidate", 1), lesson
    again, _ = first.bash("cat b.txt | sed s/a/b/", error="Exit code 1\n" + SED_MISSING)
    assert "from this session" in _stopped(again)  # a one-off naming its remedy: stopped once here

    second = HookSession(repo, hook_env(db))
    pre, post = second.bash("sed -i s/a/b/ c.txt", error="Exit code 1\n" + SED_MISSING)
    assert "failed in 1 of 1 sessions" in _stopped(pre) and post.returncode == 0  # the one-off's stop
    assert [row[1:] for row in _lessons(db)] == [("active", 2)]  # the second failing session, at once
    assert "`sed` is not available here" in _stopped(second.pre("cat b.txt | sed s/a/b/"))
    assert _decisions(db, second.session_id) == ["stop", "stop"]
    # a failure whose lesson leaves its session to the resent-call warning is not learned live
    second.bash("git checkout feature-y", error="error: pathspec 'feature-y' did not match any file(s) known to git")
    titles = [title for title, _tier, _failed in _lessons(db)]
    assert any("`sed` is not available here" in title for title in titles)
    assert not any("git checkout" in title for title in titles), titles
    assert not (db.parent / "hook-failures.log").exists()


def test_the_classes_not_learned_at_once_are_those_the_general_path_waits_for() -> None:
    """in_session's own list (it must not import the learner to decide) holds every class the
    general path learns only when it comes back, and every failure that is not the agent's."""
    from lessonloop.analyze.agent_failures import NOT_AGENT_FAILURES
    from lessonloop.learning.engine.general_lessons import RECUR_FIRST
    from lessonloop.learning.live.in_session import _NOT_AT_ONCE

    assert RECUR_FIRST | NOT_AGENT_FAILURES <= _NOT_AT_ONCE
