"""What an agent's hook adapter hands its answer (issue 84: "hook adapters pass state from
`payload()` to `answer()` through a module global"): each adapter's `call_of` gives the call a tool
event is about from the payloads the real CLIs sent (tests/agents/<agent>/data/hook_payloads/), from the payload
alone, the same call before and after it where the recorded payloads are of one call (the warning
kept by the pre-tool hook is found by the post-tool one; the real-agent harness drives the rest),
and nothing for an event about no tool; no adapter keeps a call in a module global."""

from __future__ import annotations

import json
import re
from importlib import import_module
from pathlib import Path

import pytest

from lessonloop.core.agent_specs import hook_agents
from tests.agent_data import hook_payloads

AGENTS = hook_agents()


SRC = Path(__file__).resolve().parent.parent.parent / "src" / "lessonloop" / "apply" / "hooks" / "agents"
# each agent's recorded payloads of one call, before and after it, and of an event about no tool
BEFORE_AFTER = {
    "codex": ("PreToolUse", "PostToolUse", "UserPromptSubmit"),
    "droid": ("PreToolUse", "PostToolUse", "SessionStart"),
    "gemini": ("BeforeTool", "AfterTool", "BeforeAgent"),
    "kilo": ("tool.execute.before", "tool.execute.after", "chat.message"),
    "kimi": ("PreToolUse", "PostToolUse", "UserPromptSubmit"),
    "opencode": ("tool.execute.before", "tool.execute.after", "chat.message"),
    "qwen": ("PreToolUse", "PostToolUse", "UserPromptSubmit"),
    "vibe": ("pre_tool", "post_tool", "post_agent"),
}


def _read(agent: str, event: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((hook_payloads(agent) / f"{event}.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("agent", sorted(BEFORE_AFTER))
def test_each_tool_event_names_its_call_and_no_other_event_does(agent: str) -> None:
    adapter = import_module(f"lessonloop.agents.{agent}.hooks")
    before, after, other = BEFORE_AFTER[agent]
    for event in (before, after):
        raw = _read(agent, event)
        call = adapter.call_of(event, raw, adapter.payload(event, raw))
        again = adapter.call_of(event, raw, adapter.payload(event, raw))
        assert call is not None and again is not None, (agent, event)
        assert call.session in json.dumps(raw) and call.key.startswith(call.session + "\n")
        assert (call.key, call.same) == (again.key, again.same)  # of the payload alone
    raw = _read(agent, other)
    assert adapter.call_of(other, raw, adapter.payload(other, raw)) is None


@pytest.mark.parametrize("agent", ["codex", "gemini"])  # their recorded payloads are of one call
def test_the_call_before_and_after_is_one_call(agent: str) -> None:
    adapter = import_module(f"lessonloop.agents.{agent}.hooks")
    before, after, _other = BEFORE_AFTER[agent]
    calls = [
        adapter.call_of(event, _read(agent, event), adapter.payload(event, _read(agent, event)))
        for event in (before, after)
    ]
    assert calls[0] is not None and calls[1] is not None
    assert (calls[0].session, calls[0].key, calls[0].same) == (calls[1].session, calls[1].key, calls[1].same)


def test_no_adapter_keeps_a_call_in_a_module_global() -> None:
    assert set(BEFORE_AFTER) <= set(AGENTS)
    kept = [path.name for path in sorted(SRC.glob("*.py")) if re.search(r"^\s*global\s", path.read_text(), re.M)]
    assert kept == []
