"""Mistral Vibe's tools by their agent-neutral kind (records.TOOL_KINDS), by the names the model
calls them (3.0.2's catalog and its earlier built-ins). The session store names a built-in by its
runtime name (`file_system.bash`); `model_name` gives the model's (`bash`)."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

SHELL_TOOL = "bash"

KINDS: dict[str, str] = {
    SHELL_TOOL: records.SHELL,
    "read_file": records.READ,
    "write_file": records.WRITE,
    "edit": records.EDIT,
    "search_replace": records.EDIT,
    "grep": records.SEARCH,
    "search_tool_functions": records.SEARCH,
    "web_fetch": records.FETCH,
    "web_search": records.FETCH,
    "todo": records.PLAN,
    "task": records.SUBAGENT,
}
# skill, wait, run_typescript, ask_user_question, unified_harness_scratchpad, MCP tools: "other".

# Runtime names whose model name is not their last part.
_RUNTIME = {"file_system.search_replace": "edit", "skill.read": "skill"}
# The groups of Vibe's own tools (`file_system.bash`); an MCP or connector tool keeps its group.
_BUILT_IN = frozenset({"file_system", "self", "vibe", "skill", "process", "agents", "subagent"})


def model_name(runtime: str) -> str:
    """The name the model calls a tool by, from the name the session store keeps."""
    if runtime in _RUNTIME:
        return _RUNTIME[runtime]
    group, dot, leaf = runtime.partition(".")
    return leaf if dot and group in _BUILT_IN and leaf else runtime


def kind_of(tool: str) -> str:
    """The kind of a tool by its model name or its runtime name (`file_system.bash`, as the session
    store and the hooks' payloads name it): one table for the reader and the hook."""
    return KINDS.get(model_name(tool), records.OTHER)
