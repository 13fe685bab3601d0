"""Lessons a single failure teaches and says in its own session are learned as the call ends
(live_learning.learn_at_once, issue 41: "learned in this session, silent in this session" should
not happen): through the hooks as the agents run them, the next call of the session is warned
before the transcript is ingested. A script that fails for its form warns about its siblings (not
about a script elsewhere); a program that does not exist here warns on its next use; a general
lesson that leaves its own session to the warning about the same call resent is not learned live."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.agent_hooks import AgentSession
from tests.hook_helpers import hook_env

CRLF = (
    "Chunk ID: 1\nWall time: 0.1 seconds\nProcess exited with code 127\nOriginal token count: 12\nOutput:\n"
    "/usr/bin/env: 'bash\\r': No such file or directory\n"
)


@pytest.mark.slow
def test_the_codex_hook_warns_the_next_script_of_the_family(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    session = AgentSession("codex", repo, hook_env(db))
    first = {"tool_input": {"command": "./scripts/build.sh"}, "tool_use_id": "call_sh_1"}
    assert session.run("PreToolUse", **first).stdout == ""
    assert session.run("PostToolUse", **first, tool_response=CRLF).returncode == 0
    sibling = session.run("PreToolUse", tool_input={"command": "./scripts/test.sh"}, tool_use_id="call_sh_2")
    assert sibling.returncode == 0 and "Windows line endings" in sibling.stdout, sibling.stderr
    elsewhere = session.run("PreToolUse", tool_input={"command": "./tools/release.sh"}, tool_use_id="call_sh_3")
    assert elsewhere.returncode == 0 and elsewhere.stdout == ""
    assert not (db.parent / "hook-failures.log").exists()


SED_MISSING = (
    "sed : The term 'sed' is not recognized as the name of a cmdlet, function, script file, or operable program."
)


@pytest.mark.slow
def test_a_missing_program_is_warned_on_its_next_use_in_the_session(repo: Path, tmp_path: Path) -> None:
    from tests.hook_helpers import HookSession

    db = tmp_path / "store" / "lessonloop.db"
    session = HookSession(repo, hook_env(db))
    pre, post = session.bash("sed -n '1,20p' a.txt", error="Exit code 1\n" + SED_MISSING)
    assert (pre.stdout, post.returncode) == ("", 0)
    again, _ = session.bash("cat b.txt | sed s/a/b/", error="Exit code 1\n" + SED_MISSING)
    assert again.returncode == 0 and "`sed` is not available here" in again.stdout, again.stderr
    # a failure whose lesson leaves its session to the resent-call warning is not learned live
    session.bash("git checkout feature-y", error="error: pathspec 'feature-y' did not match any file(s) known to git")
    with sqlite3.connect(db) as conn:
        titles = [row[0] for row in conn.execute("SELECT title FROM lessons")]
    assert any("`sed` is not available here" in title for title in titles)
    assert not any("git checkout" in title for title in titles), titles
    assert not (db.parent / "hook-failures.log").exists()


def test_the_classes_not_learned_at_once_are_those_the_general_path_waits_for() -> None:
    """live_learning's own list (it must not import the learner to decide) holds every class the
    general path learns only when it comes back, and every failure that is not the agent's."""
    from lessonloop.analyze.agent_failures import NOT_AGENT_FAILURES
    from lessonloop.apply.hooks.live_learning import _NOT_AT_ONCE
    from lessonloop.learn.general_lessons import RECUR_FIRST

    assert RECUR_FIRST | NOT_AGENT_FAILURES <= _NOT_AT_ONCE
