"""One tool table per agent (issue 84: "the two tool tables of one agent already disagree"): every
tool name an agent's transcript reader knows (agents/<agent>/reader/tools.py) and every name its hook
adapter names for Claude Code (agents/<agent>/hooks.py `TOOLS`: the hooks' payload names)
has one kind, whichever side reads it. A lesson learned from the transcript then matches the live
call, and the lesson the live hook learns is the same lesson."""

from __future__ import annotations

from importlib import import_module

import pytest

from lessonloop.apply.hooks.kit.tool_view import hook_adapter, hook_tool
from lessonloop.capture.agents import ADAPTERS
from lessonloop.core.agent_specs import has_part, specs
from lessonloop.core.handler_tools import kind_of as claude_kind
from lessonloop.core.tool_kinds import OTHER

# each agent with a reader and a hook adapter -> its reader's tool table (agents/<agent>/reader/tools.py)
READERS = {
    spec.id: f"lessonloop.agents.{spec.folder}.reader.tools"
    for spec in specs()
    if has_part(spec, "reader") and has_part(spec, "hooks")
}


def test_every_agent_with_a_hook_adapter_has_its_reader_table_here() -> None:
    hooked = {adapter.agent for adapter in ADAPTERS if hook_adapter(adapter.agent) is not None}
    assert hooked == set(READERS), "an agent with hooks whose tool table this test does not read"


@pytest.mark.parametrize("agent", sorted(READERS))
def test_a_transcript_tool_has_the_kind_the_hook_gives_it(agent: str) -> None:
    tools = import_module(READERS[agent])
    differ = []
    for name, kind in tools.KINDS.items():
        hooked = hook_tool(agent, name, {})  # the transcript's call as the agent's hook hands it
        if claude_kind(hooked) != kind and not (hooked == name and kind == OTHER):
            differ.append((name, kind, hooked, claude_kind(hooked)))
    assert differ == [], differ


@pytest.mark.parametrize("agent", sorted(READERS))
def test_a_hook_payload_tool_has_the_kind_the_reader_gives_it(agent: str) -> None:
    tools = import_module(READERS[agent])
    adapter = hook_adapter(agent)
    named = dict(getattr(adapter, "TOOLS", {}) or {})
    differ = [
        (own, claude, tools.kind_of(own)) for own, claude in named.items() if claude_kind(claude) != tools.kind_of(own)
    ]
    assert differ == [], differ
