"""One tool table per agent (issue 84: "the two tool tables of one agent already disagree"): every
tool name an agent's transcript reader knows (capture/<agent>/tools.py) and every name its hook
adapter names for Claude Code (apply/hooks/agents/<agent>.py `TOOLS`: the hooks' payload names)
has one kind, whichever side reads it. A lesson learned from the transcript then matches the live
call, and the lesson the live hook learns is the same lesson."""

from __future__ import annotations

from importlib import import_module

import pytest

from lessonloop.apply.hooks.agents.tool_view import hook_adapter, hook_tool
from lessonloop.capture.agents import ADAPTERS
from lessonloop.core.claude_tool_kinds import kind_of as claude_kind
from lessonloop.core.tool_kinds import OTHER

# each agent with hooks, and the package of its transcript reader's tool table
READERS = {
    "codex": "codex",
    "copilot": "copilot",
    "droid": "droid",
    "gemini": "gemini",
    "kimi-code": "kimi_code",
    "mistral-vibe": "mistral_vibe",
    "opencode": "opencode_format",
    "kilo": "opencode_format",
    "qwen-code": "qwen_code",
}


def test_every_agent_with_a_hook_adapter_has_its_reader_table_here() -> None:
    hooked = {adapter.agent for adapter in ADAPTERS if hook_adapter(adapter.agent) is not None}
    assert hooked == set(READERS), "an agent with hooks whose tool table this test does not read"


@pytest.mark.parametrize("agent", sorted(READERS))
def test_a_transcript_tool_has_the_kind_the_hook_gives_it(agent: str) -> None:
    tools = import_module(f"lessonloop.capture.{READERS[agent]}.tools")
    differ = []
    for name, kind in tools.KINDS.items():
        hooked = hook_tool(agent, name, {})  # the transcript's call as the agent's hook hands it
        if claude_kind(hooked) != kind and not (hooked == name and kind == OTHER):
            differ.append((name, kind, hooked, claude_kind(hooked)))
    assert differ == [], differ


@pytest.mark.parametrize("agent", sorted(READERS))
def test_a_hook_payload_tool_has_the_kind_the_reader_gives_it(agent: str) -> None:
    tools = import_module(f"lessonloop.capture.{READERS[agent]}.tools")
    adapter = hook_adapter(agent)
    named = dict(getattr(adapter, "TOOLS", {}) or {})
    differ = [
        (own, claude, tools.kind_of(own)) for own, claude in named.items() if claude_kind(claude) != tools.kind_of(own)
    ]
    assert differ == [], differ
