"""Gemini CLI tool names of newer versions and their agent-neutral kinds.

Names from google-gemini/gemini-cli `packages/core/src/tools/tool-names.ts` (ALL_BUILTIN_TOOL_NAMES:
tracker_get_task, tracker_list_tasks, tracker_visualize), `agents/agent-tool.ts` (the `agent`
tool invoking a sub-agent by `agent_name`) and `agents/generalist-agent.ts` (`generalist`).
"""

from __future__ import annotations

from lessonloop.capture.gemini.tools import kind_of


def test_newer_gemini_tools_have_their_kinds() -> None:
    assert {name: kind_of(name) for name in ("tracker_get_task", "tracker_list_tasks", "tracker_visualize")} == {
        "tracker_get_task": "plan",
        "tracker_list_tasks": "plan",
        "tracker_visualize": "plan",
    }
    assert kind_of("agent") == kind_of("generalist") == "subagent"
    assert kind_of("update_topic") == kind_of("get_internal_docs") == "other"
