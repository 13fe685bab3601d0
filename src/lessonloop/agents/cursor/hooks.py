"""Cursor's hooks (`.cursor/hooks.json`, project or user): its payloads as the Claude Code-shaped
payloads the handlers read, and their answers in the fields Cursor reads (docs/agents/cursor.md).

Every Cursor payload carries `conversation_id` (stable over the conversation: the session id
here), `generation_id`, `workspace_roots`, `hook_event_name`; tool events carry `tool_name`,
`tool_input` (an object; a JSON text in `beforeMCPExecution`), `tool_use_id`, `cwd`, and after the
call `tool_output` (a JSON text) or, for a failed call, `error_message` and `failure_type`.
Cursor's transcript is not read by lessonloop: `transcript_path` is never passed on, so the Stop
and SessionEnd handlers record the session and queue no ingest.

Answers: `agent_message` is the text Cursor sends to the agent, `user_message` the one it shows the
person, `permission` (deny, ask) its decision; `additional_context` at session start reaches the
model. `permission: "allow"` is never written (it would skip the person's approval of the call).
Exit code 0 always; `{}` when there is nothing to say.
"""

from __future__ import annotations

import json

from lessonloop.apply.hooks.kit.tool_args import args_object, first_text, root_of, stable_id

# Cursor's tool names by Claude Code's (the agent-neutral kinds follow: core/handler_tools.py).
# An MCP tool (`MCP:<name>`) and any tool not named here keep their name (kind "other").
TOOLS = {
    "Shell": "Bash",
    "Read": "Read",
    "Write": "Write",
    "StrReplace": "Edit",
    "Edit": "Edit",
    "MultiEdit": "MultiEdit",
    "Grep": "Grep",
    "Glob": "Glob",
    "LS": "LS",
    "WebFetch": "WebFetch",
    "WebSearch": "WebSearch",
    "Task": "Task",
    "TodoWrite": "TodoWrite",
    "ApplyPatch": "Edit",
    "SemanticSearch": "Grep",
    "CreatePlan": "TodoWrite",
    # the editor's agent's own names, as its state database keeps them (reader/tools.py)
    "run_terminal_cmd": "Bash",
    "run_terminal_command": "Bash",
    "run_terminal_command_v2": "Bash",
    "read_file": "Read",
    "read_file_v2": "Read",
    "fetch_rules": "Read",
    "edit_file": "Edit",
    "edit_file_v2": "Edit",
    "search_replace": "Edit",
    "apply_patch": "Edit",
    "delete_file": "Edit",
    "write": "Write",
    "list_dir": "LS",
    "list_dir_v2": "LS",
    "grep_search": "Grep",
    "grep": "Grep",
    "codebase_search": "Grep",
    "file_search": "Glob",
    "glob_file_search": "Glob",
    "web_search": "WebSearch",
    "todo_write": "TodoWrite",
    "create_plan": "TodoWrite",
}
NEUTRAL = "{}"  # the answer that changes nothing


def payload(event: str, raw: dict[str, object]) -> dict[str, object] | None:
    """Cursor's payload for `event` as the handlers read it (None: nothing lessonloop reads)."""
    session_id = first_text(raw, "conversation_id", "session_id")
    if session_id is None:
        return None
    cwd = first_text(raw, "cwd") or root_of(raw.get("workspace_roots"))
    base: dict[str, object] = {"session_id": session_id, "cwd": cwd, "transcript_path": None}
    if event == "sessionStart":
        return {**base, "hook_event_name": "SessionStart", "source": "startup", "model": first_text(raw, "model")}
    if event in ("stop", "sessionEnd"):
        return {**base, "hook_event_name": "Stop" if event == "stop" else "SessionEnd"}
    if event == "beforeShellExecution":
        command = first_text(raw, "command")
        if command is None:
            return None
        return {**base, "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": command}}
    if event == "afterFileEdit":
        return _file_edit(base, raw)
    tool = first_text(raw, "tool_name")
    if tool is None:
        return None
    if event == "beforeMCPExecution":
        tool = tool if tool.startswith("MCP:") else f"MCP:{tool}"
    name, tool_input = tool_call(tool, args_object(raw.get("tool_input")))
    call = {**base, "tool_name": name, "tool_input": tool_input, "tool_use_id": first_text(raw, "tool_use_id")}
    if event in ("preToolUse", "beforeMCPExecution"):
        return {**call, "hook_event_name": "PreToolUse"}
    if call["tool_use_id"] is None:  # stored calls need an id: one made from what names this call
        call["tool_use_id"] = stable_id("cursor-", session_id, first_text(raw, "generation_id"), tool, tool_input)
    if event == "postToolUse":
        return _after(call, raw)
    if event == "postToolUseFailure":
        error = first_text(raw, "error_message") or first_text(raw, "failure_type") or "the call failed"
        return {
            **call,
            "hook_event_name": "PostToolUseFailure",
            "error": error,
            "is_interrupt": raw.get("is_interrupt") is True,
        }
    return None


def tool_call(tool: str, args: dict[str, object]) -> tuple[str, dict[str, object]]:
    """A Cursor tool call as Claude Code names it: its tool and its input's keys (file_path,
    content, old_string/new_string, command, pattern/path); unknown tools as they are."""
    name = TOOLS.get(tool)
    if name is None:
        return tool, args
    out = dict(args)
    path = first_text(args, "file_path", "path", "target_file")
    if name in ("Read", "Write", "Edit", "MultiEdit") and path is not None:
        out.pop("path", None)
        out.pop("target_file", None)
        out["file_path"] = path
    if name == "Write" and "content" not in out and isinstance(args.get("contents"), str):
        out["content"] = out.pop("contents")
    if name == "Bash":
        out = {key: value for key, value in out.items() if key in ("command", "description", "timeout")}
    if name == "Glob":
        if "pattern" not in out and isinstance(args.get("glob_pattern"), str):
            out["pattern"] = out.pop("glob_pattern")
        if "path" not in out and isinstance(args.get("target_directory"), str):
            out["path"] = out.pop("target_directory")
    return name, out


def _file_edit(base: dict[str, object], raw: dict[str, object]) -> dict[str, object] | None:
    """`afterFileEdit` (a file path and its edits, each `old_string`/`new_string`) as an Edit, or a
    MultiEdit when there are several; a success (Cursor sends it after the edit is made)."""
    path = first_text(raw, "file_path")
    if path is None:
        return None
    given = raw.get("edits")
    edits = [
        {"old_string": e.get("old_string"), "new_string": e.get("new_string")}
        for e in (given if isinstance(given, list) else [])
        if isinstance(e, dict)
    ]
    if len(edits) == 1:
        tool, tool_input = "Edit", {"file_path": path, **edits[0]}
    else:
        tool, tool_input = "MultiEdit", {"file_path": path, "edits": edits}
    tool_use_id = stable_id("cursor-", base["session_id"], first_text(raw, "generation_id"), path, edits)
    return {
        **base,
        "hook_event_name": "PostToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
        "tool_use_id": tool_use_id,
        "tool_response": {"filePath": path, "success": True},
    }


def _after(call: dict[str, object], raw: dict[str, object]) -> dict[str, object]:
    """`postToolUse`: the call and its result (`tool_output`, a JSON text: `{"output", "exitCode"}`
    for a shell command). A shell result with a non-zero exit code is a failure, whatever event
    brought it."""
    output = raw.get("tool_output")
    result: object = output
    if isinstance(output, str):
        parsed = args_object(output)
        result = parsed or output
    if isinstance(result, dict):
        code = result.get("exitCode", result.get("exit_code"))
        text = result.get("output")
        if isinstance(code, int) and not isinstance(code, bool) and code != 0:
            error = f"Exit code {code}\n{text}" if isinstance(text, str) and text else f"Exit code {code}"
            return {**call, "hook_event_name": "PostToolUseFailure", "error": error, "is_interrupt": False}
        if call["tool_name"] == "Bash" and isinstance(text, str):
            result = {"stdout": text, "stderr": ""}
    return {**call, "hook_event_name": "PostToolUse", "tool_response": result}


def answer(event: str, output: dict[str, object] | None, call: object = None) -> tuple[str | None, int]:
    """The handler's answer as Cursor reads it: (stdout, exit code 0)."""
    specific = output.get("hookSpecificOutput") if output else None
    if not isinstance(specific, dict):
        return NEUTRAL, 0
    context = specific.get("additionalContext")
    text = context if isinstance(context, str) and context else None
    if event in ("preToolUse", "beforeShellExecution", "beforeMCPExecution"):
        decision = specific.get("permissionDecision")
        reason = specific.get("permissionDecisionReason")
        message = reason if isinstance(reason, str) and reason else text
        if message is None:
            return NEUTRAL, 0
        out: dict[str, object] = {}
        if decision in ("deny", "ask"):
            out["permission"] = decision
        out["user_message"] = message
        out["agent_message"] = message
        return json.dumps(out, ensure_ascii=False), 0
    if event in ("sessionStart", "postToolUse") and text is not None:  # postToolUse: the co-change reminder
        return json.dumps({"additional_context": text}, ensure_ascii=False), 0
    return NEUTRAL, 0
