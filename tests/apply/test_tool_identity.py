"""One tool identity per agent (issue 80, item 2): a lesson learned from an agent's transcript
matches that agent's live hook payload for the same call.

- Each agent's reader table (capture/<agent>/tools.py) and its hook adapter agree on every tool's
  kind: the adapter names a tool Claude Code's way, or Claude Code's tool of the kind the reader
  gives it (apply/hooks/kit/kind_names.py); the agents with no hook (Aider, Continue, Cline, the pi
  coding agent, OpenClaw) have nothing live to match.
- For every agent with a real transcript in tests/data and a payload recorded from its real CLI
  (tests/agents/<agent>/data/hook_payloads), both of the same `git push` without an upstream: the transcript is
  ingested (the lesson learned as `lessonloop ingest` learns it), then the recorded payload of a
  later session of the same project is given to the agent's hook entry as the agent runs it: the
  hook stops the call with that lesson. Codex and OpenCode, whose transcripts of that call are not
  kept here, are proven the same way by the real-agent harness (tests/real_agents/test_prevention.py).
- A lesson whose trigger names a tool (a parameter's rule) learned from Gemini CLI's transcript
  (`replace`) matches Gemini's live `replace`, which its hook hands the decision as `Edit`.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply.hooks.kit.tool_view import hook_adapter, hook_call
from lessonloop.capture.agents import ADAPTERS
from lessonloop.core.handler_tools import kind_of as claude_kind
from lessonloop.learning.runs import learn_store
from lessonloop.lesson_model.confidence import ONE_OFF_AT
from lessonloop.lesson_model.triggers import Trigger, command_segments
from lessonloop.pipeline.analysis import analyze_store
from lessonloop.store import open_store
from tests.agent_data import agent_data
from tests.agent_hooks import load_payload, run_agent_hook
from tests.conftest import run_ingest
from tests.hook_helpers import hook_env


def _reader_kinds(package: str) -> dict[str, str] | None:
    try:
        tools = import_module(f"{package}.tools")
    except ModuleNotFoundError:
        return None
    kinds = getattr(tools, "KINDS", None)
    return dict(kinds) if isinstance(kinds, dict) else None


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.agent)
def test_the_reader_and_the_hook_give_every_tool_one_kind(adapter: Any) -> None:
    if adapter.hooks is None:  # an agent lessonloop has no hooks for (its spec names no hook event)
        assert hook_adapter(adapter.agent) is None  # nothing live to match
        return
    package = adapter.package if adapter.agent != "kilo" else "lessonloop.capture.opencode_format"
    if adapter.agent == "opencode":
        package = "lessonloop.capture.opencode_format"
    kinds = _reader_kinds(package)
    assert kinds, f"{adapter.agent}: its reader's tool table (tools.py KINDS)"
    for tool, kind in kinds.items():
        sample: dict[str, object] = {"command": "git push", "file_path": "a.txt", "path": "a.txt"}
        name, _input = hook_call(adapter.agent, tool, sample, "git push" if kind == "shell" else None)
        assert claude_kind(name) == kind, (adapter.agent, tool, kind, name)


# agent (store's name) -> (its transcript folder in tests/data, the hooks' name, the recorded event,
# where the payload names the session and the folder)
LIVE = {
    "gemini": ("gemini_061", "gemini", "BeforeTool"),
    "qwen-code": ("qwen_code_0_24_4", "qwen", "PreToolUse"),
    "droid": ("droid_0_215_0", "droid", "PreToolUse"),
    "kimi-code": ("kimi_code_2_1_0", "kimi", "PreToolUse"),
    "mistral-vibe": ("mistral_vibe_3_0_2", "vibe", "pre_tool"),
    "kilo": ("kilo_7_7_9", "kilo", "tool.execute.before"),
    "copilot": ("copilot", "copilot", "preToolUse"),
}


def _payload(hooks: str, event: str, session: str, cwd: str) -> dict[str, Any]:
    """The recorded payload of the call, as a later session of the project sends it."""
    body = load_payload(hooks, event)
    if hooks == "kilo":
        body["directory"] = body["worktree"] = cwd
        body["input"] = {**body["input"], "sessionID": session}
    elif hooks == "copilot":
        body.update(cwd=cwd, sessionId=session)
    else:
        body.update(session_id=session, cwd=cwd)
        if "transcript_path" in body:
            body["transcript_path"] = ""
    return body


def _push_lesson(db: Path, agent: str) -> tuple[str, str | None, str, bool]:
    """(title, project, trigger, whether it speaks in the project's next session) of the push lesson."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            """SELECT title, project, trigger, tier != 'candidate' OR COALESCE(learned_confidence, confidence) >= ?
               FROM lessons WHERE agent = ? AND title LIKE '%--set-upstream%'""",
            (ONE_OFF_AT, agent),
        ).fetchall()
    assert rows, f"{agent}: the push lesson learned from its transcript"
    title, project, trigger, speaks = rows[0]
    return str(title), project, str(trigger), bool(speaks)


def _deny_reason(stdout: str) -> str:
    """The reason the agent's answer gives the model instead of running the call ("" when none)."""
    if not stdout.strip():
        return ""
    answer = json.loads(stdout)
    if isinstance(answer.get("deny"), str):  # lessonloop's plugin (OpenCode, Kilo): the throw's message
        return str(answer["deny"])
    inner = answer.get("hookSpecificOutput") if isinstance(answer.get("hookSpecificOutput"), dict) else answer
    if inner.get("permissionDecision") == "deny":
        return str(inner.get("permissionDecisionReason") or "")
    if inner.get("decision") in ("deny", "block"):
        return str(inner.get("reason") or "")
    return ""


@pytest.mark.slow
@pytest.mark.parametrize("agent", sorted(LIVE))
def test_a_lesson_from_the_transcript_is_the_one_the_recorded_live_call_meets(agent: str, tmp_path: Path) -> None:
    folder, hooks, event = LIVE[agent]
    source = tmp_path / "transcripts"
    shutil.copytree(agent_data(hooks) / folder, source)
    db = tmp_path / "store" / "lessonloop.db"
    run_ingest(db, source / "home" if (source / "home").is_dir() else source)
    conn = open_store(db)
    try:  # as the store's worker does after an ingest
        analyze_store(conn, bandit=False)
        learn_store(conn, force=True)
    finally:
        conn.close()
    title, project, trigger_json, speaks = _push_lesson(db, agent)
    cwd = project or str(tmp_path / "elsewhere")  # a global lesson applies anywhere
    payload = _payload(hooks, event, str(uuid.uuid4()), cwd)
    # the recorded call as the agent's adapter hands it to the decision: the lesson's trigger meets it
    handed = import_module(f"lessonloop.agents.{hooks}.hooks").payload(event, dict(payload))
    assert handed is not None, (agent, payload)
    tool, tool_input = str(handed["tool_name"]), dict(handed["tool_input"])
    kind = str(handed.get("tool_kind") or claude_kind(tool))
    command = tool_input.get("command") if kind == "shell" else None
    trigger = Trigger.from_json(json.loads(trigger_json))
    segments = command_segments(command) if isinstance(command, str) else []
    assert trigger.matches_shape(kind, segments, None, cwd, tool, tool_input, command, None), (trigger_json, handed)
    # and the agent's hook, run as the agent runs it, stops the call with that lesson when it speaks
    # there (a one-off whose call then worked in a later session is silent: the lesson's own state)
    answer = run_agent_hook(hooks, event, payload, hook_env(db))
    assert answer.returncode == 0, answer.stderr
    reason = _deny_reason(answer.stdout)
    if speaks:
        assert "lessonloop stopped this call" in reason and title.split(":")[0] in reason, (
            answer.stdout,
            answer.stderr,
        )
    else:
        assert reason == "", answer.stdout


def test_a_tool_named_lesson_of_geminis_transcript_matches_its_live_call() -> None:
    """`replace` in Gemini's chat, `replace` in its BeforeTool payload: both reach the decision as
    `Edit` (the hook's adapter's own view, run on the transcript's call), so a lesson whose trigger
    names the tool is named as the live call is."""
    from lessonloop.agents.gemini import hooks as gemini
    from lessonloop.lesson_model.triggers import Trigger

    transcript_name, _ = hook_call("gemini", "replace", {"file_path": "a.py", "old_string": "x", "new_string": "y"})
    live_name, live_input = gemini.tool_call("replace", {"file_path": "a.py", "old_string": "x", "new_string": "y"})
    assert transcript_name == live_name == "Edit"
    trigger = Trigger("edit", tool=transcript_name, param="old_string", rule="max:0")
    assert trigger.matches_shape("edit", [], "a.py", None, live_name, live_input)
    assert not trigger.matches_shape("edit", [], "a.py", None, "replace", live_input)  # (the split before)


@pytest.mark.slow
def test_claude_codes_transcript_and_its_hook_name_the_call_alike(tmp_path: Path) -> None:
    """Claude Code's hooks hand the decision its transcript's own names: the push lesson learned
    from a real Claude Code 2.1 transcript stops the same push in the project's next session."""
    from tests.hook_helpers import HookSession

    source = tmp_path / "transcripts"
    shutil.copytree(agent_data("claude") / "claude_code_2_1_328", source)
    db = tmp_path / "store" / "lessonloop.db"
    run_ingest(db, source)
    conn = open_store(db)
    try:
        analyze_store(conn, bandit=False)
        learn_store(conn, force=True)
    finally:
        conn.close()
    title, project, _trigger, speaks = _push_lesson(db, "claude-code")
    assert hook_adapter("claude-code") is None and project is not None and speaks
    reason = _deny_reason(HookSession(Path(project), hook_env(db)).pre("git push").stdout)
    assert "lessonloop stopped this call" in reason and title.split(":")[0] in reason
