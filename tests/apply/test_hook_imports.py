"""What a hook process imports: the PostToolUse hook runs on every tool call, and most successful
calls fix nothing, so deciding that must not import the learner (learning/engine/engine.py and what it
pulls in: tens of milliseconds). The census is `-X importtime` of the real entry point, run the
way Claude Code runs an installed hook; the case where the learner is needed shows the census
sees it."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.hook_helpers import HookSession, hook_env, no_upstream
from tests.import_census import hook_imports

LEARNER = "lessonloop.learning.engine.engine"


def imported(event: str, payload: dict[str, Any], env: dict[str, str]) -> set[str]:
    """The modules a hook process for `event` imported (its `-X importtime` lines)."""
    names = hook_imports(event, payload, env)
    assert "lessonloop.apply.hooks.entry" in names  # the census works
    return names


def post_tool(session: HookSession, n: int, command: str) -> dict[str, Any]:
    return session.payload(
        "PostToolUse",
        tool_name="Bash",
        tool_input={"command": command, "description": "run it"},
        tool_use_id=f"toolu_imports_{n}",
        tool_response={"stdout": "done", "stderr": "", "interrupted": False, "isImage": False},
    )


@pytest.fixture()
def session(tmp_path: Path) -> HookSession:
    repo = tmp_path / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "feature-x", str(repo)], check=True)
    started = HookSession(repo, hook_env(tmp_path / "store" / "lessonloop.db"))
    assert started.start().returncode == 0
    started.bash("ls", stdout="README.md")
    return started


def test_a_successful_call_that_fixes_nothing_does_not_import_the_learner(session: HookSession) -> None:
    names = imported("PostToolUse", post_tool(session, 1, "git status"), session.env)
    assert "lessonloop.learning.live.in_session" in names  # it did look for a failure to learn from
    assert LEARNER not in names
    assert not any(name.startswith("lessonloop.analyze") for name in names), sorted(names)
    # Opening the store to write it: the schema is checked, no old migration's imports (orjson, typing).
    assert "lessonloop.store.connection" in names
    assert not names & {"orjson", "typing", "dataclasses"}, sorted(names & {"orjson", "typing", "dataclasses"})


def test_a_success_that_fixes_a_failure_leaves_the_learner_to_the_worker(session: HookSession) -> None:
    """The hook finds that the call fixes a learnable failure and starts the learning worker
    (learning/live/worker.py, a process of its own): the hook imports neither the learner nor the worker;
    the worker learns the lesson."""
    session.bash("git push", error=no_upstream("feature-x"))
    background = {k: v for k, v in session.env.items() if k != "LESSONLOOP_HOOK_FOREGROUND"}
    payload = post_tool(session, 2, "git push --set-upstream origin feature-x")
    names = imported("PostToolUse", payload, background)
    assert "lessonloop.learning.live.in_session" in names  # it did look for a failure to learn from
    _assert_learned_by_the_worker(session, names, "git push")


def test_a_failure_that_teaches_at_once_leaves_the_learner_to_the_worker(session: HookSession) -> None:
    """A failure of a class that teaches at its first occurrence (a program that does not exist
    here): classified and stored, the learning worker started, no learner in the hook."""
    background = {k: v for k, v in session.env.items() if k != "LESSONLOOP_HOOK_FOREGROUND"}
    payload = session.payload(
        "PostToolUseFailure",
        tool_name="Bash",
        tool_input={"command": "sed -n '1,20p' a.txt", "description": "run it"},
        tool_use_id="toolu_imports_missing",
        error="Exit code 127\n/bin/bash: line 1: sed: command not found",
    )
    names = imported("PostToolUseFailure", payload, background)
    assert "lessonloop.analyze.error_classes" in names
    _assert_learned_by_the_worker(session, names, "sed")


def test_a_failure_is_classified_without_typing_or_dataclasses(session: HookSession) -> None:
    """A failure of a class that teaches nothing at once (most failures): classified and stored,
    with no learner, typing or dataclasses (analyze/call.py, analyze/error_classes.py)."""
    payload = session.payload(
        "PostToolUseFailure",
        tool_name="Bash",
        tool_input={"command": "make test", "description": "run it"},
        tool_use_id="toolu_imports_failed",
        error="Exit code 2\nFAILED tests/test_parser.py::test_parse - AssertionError",
    )
    names = imported("PostToolUseFailure", payload, session.env)
    assert "lessonloop.analyze.error_classes" in names  # the census sees the classification
    assert LEARNER not in names
    assert not names & {"typing", "dataclasses"}, sorted(names & {"typing", "dataclasses"})


@pytest.mark.parametrize("event", ["PreToolUse", "UserPromptSubmit", "SessionStart"])
def test_the_other_hooks_do_not_import_the_learner(session: HookSession, event: str) -> None:
    fields: dict[str, dict[str, Any]] = {
        "PreToolUse": {"tool_name": "Bash", "tool_input": {"command": "git status"}, "tool_use_id": "toolu_p"},
        "UserPromptSubmit": {"prompt": "fix the failing parser test"},
        "SessionStart": {"source": "resume", "model": "claude-test"},
    }
    assert LEARNER not in imported(event, session.payload(event, **fields[event]), session.env)


def test_a_session_start_in_a_folder_that_is_gone_places_it_without_dataclasses(tmp_path: Path) -> None:
    """A SessionStart whose folder does not exist here and that no stored session ran in places it
    among every stored session, as ingest would (capture/project_placement.py's place_folder):
    without dataclasses (with inspect, ast, dis, tokenize: about 7 ms of the hook)."""
    from lessonloop.store import open_store

    db = tmp_path / "store" / "lessonloop.db"
    conn = open_store(db)
    with conn:
        conn.executemany(
            "INSERT INTO sessions (id, parent_id, kind, agent, project, cwd) VALUES (?, NULL, 'main', 'claude-code', ?, ?)",
            [(f"s{i}", f"/gone/code/app{i % 3}", f"/gone/code/app{i % 3}") for i in range(9)],
        )
    conn.close()
    gone = HookSession(tmp_path / "no-such-folder", hook_env(db))
    assert gone.start().returncode == 0  # the configuration's cache written (its first read imports typing)
    names = imported("SessionStart", gone.payload("SessionStart", source="startup"), gone.env)
    assert "lessonloop.capture.project_placement" in names  # the census sees the placement
    assert not names & {"dataclasses", "typing", "inspect"}, sorted(names & {"dataclasses", "typing", "inspect"})


def test_a_pre_tool_call_that_meets_a_lesson_imports_no_analysis_records(session: HookSession) -> None:
    """The PreToolUse hook reads the session's calls (its state) when a lesson's trigger matches:
    that path must not pull in analysis's records (dataclasses, typing: about 20 ms)."""
    session.bash("git push", error=no_upstream("feature-x"))
    session.bash("git push --set-upstream origin feature-x")  # a lesson is learned from the fix
    payload = session.payload(
        "PreToolUse", tool_name="Bash", tool_input={"command": "git push"}, tool_use_id="toolu_pre_lesson"
    )
    names = imported("PreToolUse", payload, session.env)
    assert "lessonloop.lesson_model.triggers" in names  # a lesson's trigger was checked against the session
    assert "lessonloop.analyze.agent_failures" in names  # and the session's calls were read
    assert not names & {"lessonloop.analyze.outcomes", "lessonloop.core.records", "dataclasses", "typing"}, sorted(
        names & {"lessonloop.analyze.outcomes", "lessonloop.core.records", "dataclasses", "typing"}
    )


def test_a_pre_tool_edit_is_scored_without_analysis_records(session: HookSession) -> None:
    """The edit check (apply/hooks/edit_check.py) imports the rules, stdlib only: no diff_risk (its
    records and session scan), no dataclasses or typing; a shell call does not import the rules."""
    content = "def calc():\n    return eval(input())\n"
    payload = session.payload(
        "PreToolUse",
        tool_name="Write",
        tool_input={"file_path": session.cwd + "/calc.py", "content": content},
        tool_use_id="toolu_pre_write",
    )
    names = imported("PreToolUse", payload, session.env)
    assert {"lessonloop.analyze.edit_risk", "lessonloop.analyze.risk_rules"} <= names
    heavy = {"lessonloop.analyze.diff_risk", "lessonloop.analyze.inputs", "dataclasses", "typing"}
    assert not names & heavy, sorted(names & heavy)
    shell = session.payload(
        "PreToolUse", tool_name="Bash", tool_input={"command": "git status"}, tool_use_id="toolu_pre_shell"
    )
    assert "lessonloop.analyze.risk_rules" not in imported("PreToolUse", shell, session.env)


# lessonloop's own modules each hook imports at most (issue 43, item 5: each module a tenth of a
# millisecond or more); the common case of each event, in this file's session. PostToolUse's output
# is redacted by issue 60's structural gate too (secrets/structural.py: one module more; its rule
# modules are imported only when a text holds what they need). PreToolUse's look-up asks for the
# project's one-offs at confidence.ONE_OFF_AT or more (one module more: math alone). PostToolUse's
# output holds words the learned pass reads (secrets/learned_tokens.py and its weights, about 4 ms:
# two modules more; a text without a candidate word loads neither). Every hook's command starts
# with the hook server's client (apply/hooks/client.py: one module more, which runs the call in its
# own process, as here, when no server answers). PostToolUse's hand-off to live learning
# (learning/live/in_session.py, learning/engine/learnable.py) is in the learning package since
# issue 63: two modules more, its packages' __init__ files, which hold a docstring only.
OWN_MODULES = {"PreToolUse": 24, "UserPromptSubmit": 21, "SessionStart": 29, "PostToolUse": 33, "Stop": 17}
# what starting the Stop hook's ingest worker with subprocess cost (about 3 ms): os.posix_spawn now
NOT_FOR_STOP = {"subprocess", "_posixsubprocess", "selectors"}


def test_each_hook_imports_no_more_of_lessonloop_than_its_budget(session: HookSession, tmp_path: Path) -> None:
    import fcntl

    transcript = tmp_path / "transcript.jsonl"
    transcript.write_text("")
    stop_env = {k: v for k, v in session.env.items() if k != "LESSONLOOP_HOOK_FOREGROUND"}
    lock_path = Path(session.env["LESSONLOOP_DB"]).parent / "ingest.lock"
    payloads: dict[str, dict[str, Any]] = {
        "PreToolUse": session.payload(
            "PreToolUse", tool_name="Bash", tool_input={"command": "echo hi"}, tool_use_id="toolu_budget_1"
        ),
        "UserPromptSubmit": session.payload("UserPromptSubmit", prompt="fix the failing parser test"),
        "SessionStart": session.payload("SessionStart", source="resume"),
        "PostToolUse": post_tool(session, 3, "git status"),
        "Stop": {**session.payload("Stop", stop_hook_active=False), "transcript_path": str(transcript)},
    }
    with open(lock_path, "a") as lock:  # a worker "running": Stop queues the transcript, starts none
        fcntl.flock(lock, fcntl.LOCK_EX)
        for event, payload in payloads.items():
            names = imported(event, payload, stop_env if event == "Stop" else session.env)
            own = sorted(name for name in names if name.startswith("lessonloop"))
            assert len(own) <= OWN_MODULES[event], (event, len(own), own)
            if event == "Stop":
                assert not names & NOT_FOR_STOP, sorted(names & NOT_FOR_STOP)
    assert (Path(session.env["LESSONLOOP_DB"]).parent / "ingest-queue").read_text().strip() == str(transcript)


def _assert_learned_by_the_worker(session: HookSession, names: set[str], word: str) -> None:
    """The hook imported neither the learner, the worker, typing nor dataclasses, and the worker
    it started stored a lesson about `word`."""
    from lessonloop.learning.live.worker import wait_idle

    loaded = names & {LEARNER, "lessonloop.learning.live.worker", "typing", "dataclasses"}
    assert not loaded, sorted(loaded)
    db = session.env["LESSONLOOP_DB"]
    assert wait_idle(db, timeout=60)
    with sqlite3.connect(db) as conn:
        titles = [row[0] for row in conn.execute("SELECT title FROM lessons")]
    assert any(word in title for title in titles), titles
