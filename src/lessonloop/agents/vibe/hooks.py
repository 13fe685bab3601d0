"""Mistral Vibe's hooks in Claude Code's terms, and lessonloop's answers in Vibe's (PyPI
`mistral-vibe` 3.0.2: mistralai_vibe_local_harness/vibe/_foreign_hooks.py, _hook_config.py,
_hook_matcher.py; checked with the real CLI driven offline, tests/real_agents/).

Vibe runs the `[[hooks]]` of hooks.toml (install/vibe.py) through `/bin/sh` with a JSON payload on
stdin: session_id, transcript_path (the session's folder, `.../logs/session/unified/<id>`), cwd,
parent_session_id, hook_event_name (`pre_tool`, `post_tool`, `post_agent`); tool events tool_name
(the runtime's name: `file_system.bash`, `file_system.read_file`, `file_system.search_replace`,
...), tool_call_id (the model's call id, the one the session store keeps: agents/vibe/reader),
tool_input (its former argument names: bash `command`, the file tools `file_path`, edit
`old_string`/`new_string`); post_tool tool_status (success | failure), tool_output (bash:
{command, stdout, stderr, returncode, timed_out}), tool_output_text, tool_error. There is no event
at a session's start or at a prompt: the lessons for a session's start go by AGENTS.md (`lessons
export --agent mistral-vibe`), which Vibe reads in a folder the person trusted. post_agent ends a
turn (Stop; its transcript is the session's meta.json, which ingest reads).

A bash command that exits non-zero is a "success" to Vibe: a returncode other than 0, a time-out,
or tool_status failure (a call the person's approval refused, a tool's error) is passed on as
Claude Code's PostToolUseFailure, so it is classified and learned from.

Answers (exit code 0, JSON on stdout; anything else lets the call run): before a call only
`{"decision": "deny", "reason"}` reaches the model (the reason is the call's result, word for word;
the call does not run); after a call `{"hook_specific_output": {"additional_context"}}` is added to
its result. So:
- a stop, a block: a deny;
- an ask stops the call once with the warning, asking the model to ask the person; the same call
  sent again in the session runs (as Kimi Code's, agents/kimi.py);
- a warning is given to the model with the call's result (after the call: carried.py keeps it).
"""

from __future__ import annotations

import json
import os

from lessonloop.agents.vibe.reader.tools import kind_of
from lessonloop.apply.hooks.kit import carried
from lessonloop.apply.hooks.kit.answers import Call, after_the_call, context, decision, store_path
from lessonloop.apply.hooks.kit.answers import call_of as call_of  # (the entry reads it: __init__.py)
from lessonloop.apply.hooks.kit.kind_names import claude_name

# Vibe's runtime tool names -> Claude Code's (the arguments in the hook's payload are already
# Claude Code's: command, file_path, content, old_string, new_string, replace_all)
TOOLS: dict[str, str] = {
    "file_system.bash": "Bash",
    "file_system.read_file": "Read",
    "file_system.write_file": "Write",
    "file_system.search_replace": "Edit",
    "bash": "Bash",
    "read_file": "Read",
    "write_file": "Write",
    "search_replace": "Edit",
    "grep": "Grep",
    "vibe.todo": "TodoWrite",
}
ASK_NOTE = (
    "\nlessonloop stopped this call once because the person asked to be consulted on such calls "
    "(--ask): ask them whether to run it; if they agree, send the same call again and it will run."
)
_TOOL_EVENTS = ("pre_tool", "post_tool")


def payload(event: str, raw: dict[str, object]) -> dict[str, object] | None:
    if event == "post_agent":
        folder = raw.get("transcript_path")
        meta = os.path.join(folder, "meta.json") if isinstance(folder, str) and folder else None
        return {**raw, "transcript_path": meta} if meta else raw
    if event not in _TOOL_EVENTS:
        return raw
    tool = raw.get("tool_name")
    if not isinstance(tool, str) or not tool:
        return None
    name, tool_input = tool_call(tool, raw.get("tool_input"))
    out = {**raw, "tool_name": name, "tool_input": tool_input}
    call_id = raw.get("tool_call_id")
    if isinstance(call_id, str) and call_id:
        out["tool_use_id"] = call_id
    if event == "post_tool":
        failed, text = result(raw)
        out["tool_response"] = text
        if failed:
            out["hook_event_name"] = "PostToolUseFailure"
            out["error"] = text
    return out


def tool_call(tool: str, raw_input: object) -> tuple[str, dict[str, object]]:
    """A Vibe tool and its input as Claude Code's; every other tool (MCP `server.tool`, skill,
    run_typescript, ...) keeps its name."""
    tool_input: dict[str, object] = raw_input if isinstance(raw_input, dict) else {"input": raw_input}
    name = claude_name(TOOLS.get(tool), kind_of(tool))  # (its reader's kind: kind_names.py)
    if name is None:
        return tool, tool_input
    if name == "Bash":
        command = tool_input.get("command")
        return name, {"command": command if isinstance(command, str) else ""}
    path = tool_input.get("path")
    if name in ("Read", "Write", "Edit") and isinstance(path, str) and path and "file_path" not in tool_input:
        return name, {**{k: v for k, v in tool_input.items() if k != "path"}, "file_path": path}
    return name, tool_input


def result(raw: dict[str, object]) -> tuple[bool, str]:
    """Whether a post_tool payload's call failed, and the text the model read of it: a command's
    exit code first (`Exit code N`, as every adapter passes a failed command on), then its output."""
    output = raw.get("tool_output")
    error = raw.get("tool_error")
    if raw.get("tool_status") == "failure":
        text = error if isinstance(error, str) and error else _text(raw, output)
        return True, text or "failed"
    if isinstance(output, dict) and isinstance(output.get("returncode"), int):
        code = int(output["returncode"])
        printed = "\n".join(
            part.strip("\n") for part in (output.get("stdout"), output.get("stderr")) if isinstance(part, str) and part
        )
        if code != 0:
            return True, f"Exit code {code}\n{printed}"
        if output.get("timed_out") is True:
            return True, f"Timed out\n{printed}"
        return False, printed
    return False, _text(raw, output)


def _text(raw: dict[str, object], output: object) -> str:
    text = raw.get("tool_output_text")
    if isinstance(text, str):
        return text
    return "" if output is None else json.dumps(output, ensure_ascii=False, default=str)


def answer(event: str, output: dict[str, object] | None, call: Call | None = None) -> tuple[str | None, int]:
    if event == "pre_tool":
        return _pre_tool(output, call), 0
    if event == "post_tool":
        said = after_the_call("PostToolUse", call, output)
        if said is None:
            return None, 0
        text = context(json.loads(said))
        return json.dumps({"hook_specific_output": {"additional_context": text}}, ensure_ascii=False), 0
    return None, 0  # post_agent: a deny would make the agent go on; nothing to say


def _pre_tool(output: dict[str, object] | None, call: Call | None) -> str | None:
    text = context(output)
    if not text:
        return None
    chosen = decision(output)
    if chosen == "deny":
        return _deny(text)
    if chosen == "ask" and call is not None:
        db = store_path()
        if not carried.was_asked(db, call.same):
            carried.mark_asked(db, call.same)
            return _deny(text + ASK_NOTE)
        return None
    if call is not None:  # a warning: Vibe has no way to give it before the call; after it, it does
        carried.keep_warning(store_path(), call.key, text)
    return None


def _deny(reason: str) -> str:
    return json.dumps({"decision": "deny", "reason": reason}, ensure_ascii=False)
