"""GitHub Copilot CLI's hooks (`.github/hooks/*.json` or `~/.copilot/hooks/*.json`, version 1):
its payloads as the Claude Code-shaped payloads the handlers read, and their answers in the fields
it reads (docs/agents/copilot.md; checked with Copilot CLI 1.0.102 in tests/real_agents/).

Every payload carries `sessionId`, `timestamp` (milliseconds) and `cwd`; `sessionStart` its
`source`, `userPromptSubmitted` the `prompt`, tool events `toolName` and `toolArgs` (an object in
1.0.102, a JSON text before: read defensively, not JSON, not an object, nested too deep: the call
is seen by its tool's name only), and after the call `toolResult` (`resultType` success / failure /
denied, `textResultForLlm`); `agentStop` the session's `transcriptPath` (events.jsonl). Older
versions send no `sessionId`: the session is then named by a stable id made from the folder and the
Copilot process that started the hook (its parent process), prefixed `copilot-`.

A shell command "succeeds" whatever its exit: Copilot sends a non-zero exit as `postToolUse` with
`resultType: "success"` and the exit code only in the text's last line (`<shellId: 0 completed
with exit code 128>`); no `postToolUseFailure` comes. That line is read: a non-zero exit is passed
on as Claude Code's PostToolUseFailure, so it is classified and learned from.

Answers (exit code 0; nothing on stdout when there is nothing to say): Copilot reads a top-level
`additionalContext` from `sessionStart` (a message after the system prompt), `userPromptSubmitted`
(appended to the prompt), `preToolUse` (a message after the call's result: the call has run),
`postToolUse` (appended to the result) and `postToolUseFailure`; it ignores
`hookSpecificOutput.additionalContext` there. `preToolUse` also reads `permissionDecision` deny
(its `permissionDecisionReason` is what the model gets instead of a result) or ask. `allow` is never
written. A `preToolUse` hook that exits non-zero (other than 2) denies the call: the entry always
exits 0.
"""

from __future__ import annotations

import json

from lessonloop.agents.copilot.reader.outputs import shell_exit
from lessonloop.apply.hooks.kit.answers import context, decision
from lessonloop.apply.hooks.kit.tool_args import args_object, first_text, stable_id

SHELLS = ("bash", "shell", "powershell", "pwsh", "run_in_terminal")


def payload(event: str, raw: dict[str, object]) -> dict[str, object] | None:
    """Copilot's payload for `event` as the handlers read it (None: nothing lessonloop reads)."""
    cwd = first_text(raw, "cwd")
    session_id = session_of(raw, cwd)
    base: dict[str, object] = {"session_id": session_id, "cwd": cwd, "transcript_path": None}
    if event == "sessionEnd":
        return {**base, "hook_event_name": "SessionEnd", "reason": first_text(raw, "reason")}
    if event == "sessionStart":
        return {**base, "hook_event_name": "SessionStart", "source": first_text(raw, "source") or "startup"}
    if event == "userPromptSubmitted":
        return {**base, "hook_event_name": "UserPromptSubmit", "prompt": first_text(raw, "prompt") or ""}
    if event == "agentStop":
        return {
            **base,
            "hook_event_name": "Stop",
            "transcript_path": first_text(raw, "transcriptPath", "transcript_path"),
        }
    tool = first_text(raw, "toolName", "tool_name")
    if tool is None:
        return None
    args = args_object(raw.get("toolArgs", raw.get("tool_input")))
    name, tool_input = tool_call(tool, args)
    call: dict[str, object] = {**base, "tool_name": name, "tool_input": tool_input}
    given_id = first_text(raw, "toolCallId", "tool_call_id", "tool_use_id")
    if event == "preToolUse":
        return {**call, "hook_event_name": "PreToolUse", "tool_use_id": given_id}
    call["tool_use_id"] = given_id or stable_id("copilot-", session_id, raw.get("timestamp"), tool, raw.get("toolArgs"))
    result = raw.get("toolResult")
    result = result if isinstance(result, dict) else {}
    text = first_text(result, "textResultForLlm", "text_result_for_llm")
    kind = first_text(result, "resultType", "result_type")
    exit_code, text = shell_exit(text) if name == "Bash" else (None, text)
    if exit_code:
        error = f"Exit code {exit_code}\n{text or ''}".rstrip()
        return {**call, "hook_event_name": "PostToolUseFailure", "error": error, "is_interrupt": False}
    if event == "postToolUseFailure" or kind in ("failure", "denied", "rejected", "timeout"):
        error = first_text(raw, "error") or text or f"the call ended: {kind or 'failure'}"
        if kind == "denied":
            error = f"denied: {error}"
        return {**call, "hook_event_name": "PostToolUseFailure", "error": error, "is_interrupt": False}
    if event == "postToolUse":
        response: object = {"stdout": text or "", "stderr": ""} if name == "Bash" else (text or "")
        return {**call, "hook_event_name": "PostToolUse", "tool_response": response}
    return None


def session_of(raw: dict[str, object], cwd: str | None) -> str:
    """The session's id: the one Copilot gives (`sessionId`), else one made from the folder and
    the parent process (the running Copilot CLI, the same for all of its hooks)."""
    given = first_text(raw, "sessionId", "session_id")
    if given is not None:
        return given
    from lessonloop.apply.hooks.entry import caller_pid

    return stable_id("copilot-", cwd, caller_pid())


def tool_call(tool: str, args: dict[str, object]) -> tuple[str, dict[str, object]]:
    """A Copilot CLI tool call as Claude Code names it (bash -> Bash/command, view -> Read,
    create -> Write/content, edit and str_replace -> Edit/old_string/new_string, ...); unknown
    tools keep their name and arguments."""
    lower = tool.lower()
    path = first_text(args, "path", "file_path", "filePath")
    if lower in SHELLS:
        command = first_text(args, "command", "cmd")
        out: dict[str, object] = {"command": command} if command is not None else {}
        description = first_text(args, "description")
        if description is not None:
            out["description"] = description
        return "Bash", out
    if lower == "str_replace_editor":  # one tool whose `command` says what it does
        lower = {"view": "view", "create": "create", "str_replace": "edit"}.get(str(args.get("command")), lower)
    if lower in ("view", "read", "read_file") and path is not None:
        return "Read", {"file_path": path}
    if lower in ("create", "write", "write_file") and path is not None:
        content = first_text(args, "file_text", "content", "contents")
        return "Write", {"file_path": path, "content": content or ""}
    if lower in ("edit", "str_replace") and path is not None:
        old, new = args.get("old_str", args.get("old_string")), args.get("new_str", args.get("new_string"))
        if isinstance(old, str) and isinstance(new, str):
            return "Edit", {"file_path": path, "old_string": old, "new_string": new}
        content = first_text(args, "file_text", "content")
        if content is not None:
            return "Write", {"file_path": path, "content": content}
        return "Edit", {"file_path": path}
    if lower in ("grep", "rg", "search"):
        return "Grep", {key: value for key, value in args.items() if key in ("pattern", "path", "glob")}
    if lower == "glob":
        return "Glob", {key: value for key, value in args.items() if key in ("pattern", "path")}
    if lower in ("web_fetch", "fetch"):
        return "WebFetch", args
    from lessonloop.agents.copilot.reader.tools import kind_of
    from lessonloop.apply.hooks.kit.kind_names import claude_name

    name = claude_name(None, kind_of(tool))  # (its reader's kind: kind_names.py)
    return (name, args) if name is not None else (tool, args)


def answer(event: str, output: dict[str, object] | None, call: object = None) -> tuple[str | None, int]:
    """The handler's answer as Copilot CLI reads it: (stdout, exit code 0): the text for the model
    as top-level `additionalContext`, and before a call a deny or an ask (docs/agents/copilot.md)."""
    text = context(output)
    if not text:
        return None, 0
    if event == "preToolUse":
        chosen = decision(output)
        if chosen is not None:
            return json.dumps({"permissionDecision": chosen, "permissionDecisionReason": text}, ensure_ascii=False), 0
    if event in ("sessionStart", "userPromptSubmitted", "preToolUse", "postToolUse", "postToolUseFailure"):
        return json.dumps({"additionalContext": text}, ensure_ascii=False), 0
    return None, 0
