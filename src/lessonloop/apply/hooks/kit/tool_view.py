"""A transcript's call as the agent's hook hands it to the decision: its tool's name and its input
(issue 80, item 2, "one tool identity per agent").

Each agent's hook adapter (agents/<agent>.py, `tool_call`) hands a call in Claude Code's terms
(Gemini CLI's `replace` is `Edit`, Qwen Code's `run_shell_command` and `exec` are `Bash`, a Codex
patch is `Edit` or `Write` of its file, a tool its adapter names nothing for is Claude Code's tool of
the kind its reader gives it: kind_names.py); its transcript keeps the agent's own name and input.
Learning and replay read transcripts: a lesson whose trigger names a tool (a parameter's rule, a
tool of kind "other") learned under the transcript's name would never match the live call, and the
lesson the live hook learns from the same mistake (the hook stores calls under its names) would be
another lesson. So learning and replay take each call as the agent's hook would hand it
(learning/runs/stored_calls.py, `hook_call`: the same adapter function the hook runs, here run on
the transcript's call), and so does the PreToolUse hook for the session's calls it reads from the
transcript (pre_tool.py): a call resent is the same call whether the earlier one came from the
transcript or from the hook. An agent without a hook adapter (Claude Code, whose names are the
hooks'; Aider, Continue and Cline, with no hook that can stop a call) keeps its names.

Which adapter is an agent's: agents/<folder>/hooks.py, its folder found from the store's name by its
spec (core/agent_names.py: `qwen-code` is `qwen`); an adapter whose hooks name some of its tools otherwise than its transcripts do says so in
its `TRANSCRIPT_NAMES` (Codex's hooks call every shell tool `Bash`).

Imports nothing at start: the hooks read it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from types import ModuleType

_ADAPTERS: dict[str, ModuleType | None] = {}


def hook_adapter(agent: str | None) -> ModuleType | None:
    """The hook adapter module of an agent (the store's name or the hooks'), when it has one with a
    `tool_call` (None: its hooks hand calls as its transcript has them, as Claude Code's; or it has
    no hooks: Aider, Continue, Cline)."""
    if not agent:
        return None
    if agent not in _ADAPTERS:
        module = _hooks_module(agent)
        _ADAPTERS[agent] = module if module is not None and callable(getattr(module, "tool_call", None)) else None
    return _ADAPTERS[agent]


def _hooks_module(agent: str) -> ModuleType | None:
    """agents/<folder>/hooks.py of the agent named by its folder (a hook's own name for it: only its
    spec is read) or by the store's name."""
    from lessonloop.core.agent_specs import has_part, part, spec_named

    spec = spec_named(agent)
    return part(spec, "hooks") if spec is not None and has_part(spec, "hooks") else None


def hook_call(
    agent: str | None, tool: str, tool_input: object, command: str | None = None
) -> tuple[str, dict[str, object]]:
    """The tool and input `agent`'s hook hands the handlers for a transcript's call of `tool` with
    this input (and, for a shell call, its command line as the transcript's reader gave it)."""
    given = _as_dict(tool_input)
    module = hook_adapter(agent)
    if module is None:  # its hooks hand the call as its transcript has it
        return tool, given
    raw = getattr(module, "TRANSCRIPT_NAMES", {}).get(tool, tool)
    if command is not None and raw == "Bash" and not isinstance(given.get("command"), str):
        given["command"] = command
    try:
        name, hooked = module.tool_call(raw, given)
    except (TypeError, ValueError, AttributeError):  # an input no hook would be given: as it is
        return tool, given
    return str(name), dict(hooked)


def hook_tool(agent: str | None, tool: str, tool_input: object, command: str | None = None) -> str:
    """The name `agent`'s hook hands the decision for a transcript's call of `tool` (hook_call)."""
    return hook_call(agent, tool, tool_input, command)[0]


def _as_dict(value: object) -> dict[str, object]:
    """A call's input as a new dict (a mapping's items; {} for anything else)."""
    keys = getattr(value, "keys", None)
    if not callable(keys):
        return {}
    try:
        return {str(key): value[key] for key in keys()}  # type: ignore[index]
    except (TypeError, KeyError):
        return {}
