"""Qwen Code's hooks in Claude Code's terms, and lessonloop's answers in Qwen Code's
(`@qwen-code/qwen-code` 0.24.4, a Gemini CLI fork whose hooks are Claude Code's: its
packages/core/src/hooks/ types.ts, hookEventHandler.ts, hookRunner.ts and core/toolHookTriggers.ts,
coreToolScheduler.ts; checked with the real CLI, tests/agents/qwen/data/hook_payloads/).

Qwen Code sends Claude Code's events and fields: session_id, transcript_path (the chat,
~/.qwen/projects/<cwd-slug>/chats/<session>.jsonl), cwd, hook_event_name, timestamp,
permission_mode, prompt_id; tool events tool_name, tool_input (the model's arguments), tool_use_id
(Qwen's own `toolu_...`, the same before and after a call) and tool_call_id (the model's call id,
the one its chat records: used as the call's id, so an ingested chat replaces the live call);
PostToolUse tool_response {llmContent, returnDisplay}; PostToolUseFailure `error` (the text the
model reads: a shell command that exits non-zero, a signal, a time-out, a failed edit) and
is_interrupt; UserPromptSubmit prompt; SessionStart source and model; Stop last_assistant_message.
UserPromptSubmit also comes after every tool result with an empty prompt (the turn going on):
nothing to recall for it. SessionEnd comes in the interactive UI only (exit, /clear); a headless
run ends with Stop.

Its tools keep Claude Code's argument names (file_path, old_string, new_string, content, pattern,
path) under their own names: run_shell_command -> Bash, edit -> Edit, write_file -> Write,
read_file -> Read, ... (TOOLS); every other tool (MCP `mcp__server__tool`, skill, exec, ...) keeps its
name (kind "other").

Answers (exit code 0, JSON on stdout, Claude Code's fields): SessionStart's and
UserPromptSubmit's `hookSpecificOutput.additionalContext` reach the model (the system prompt; a
user message), and so do PostToolUse's and PostToolUseFailure's (appended to the call's result).
Before a call only a decision counts: Qwen Code 0.24.4 drops PreToolUse's additionalContext, and
`systemMessage` only shows to the person. So:
- a stop, a block: `permissionDecision: "deny"`, its reason is what the model reads as the call's
  result (the call does not run, no post-call hook comes);
- an ask: `permissionDecision: "ask"`: the interactive UI asks the person (in YOLO mode too); a
  headless run cannot ask and denies the call, the warning as its reason;
- a warning is shown to the person (`systemMessage`) and given to the model with the call's result
  (additionalContext after the call): carried.py keeps it for that hook.
"""

from __future__ import annotations

import json

from lessonloop.agents.qwen.reader.tools import kind_of
from lessonloop.apply.hooks.kit import carried
from lessonloop.apply.hooks.kit.answers import (
    Call,
    after_the_call,
    context,
    decision,
    specific,
    store_path,
)
from lessonloop.apply.hooks.kit.answers import call_of as call_of  # (the entry reads it: __init__.py)
from lessonloop.apply.hooks.kit.kind_names import claude_name

# Qwen Code's tools -> Claude Code's (packages/core/src/tools/tool-names.ts ToolNames; the
# arguments are already Claude Code's)
TOOLS: dict[str, str] = {
    "run_shell_command": "Bash",
    "edit": "Edit",
    "write_file": "Write",
    "read_file": "Read",
    "notebook_edit": "NotebookEdit",
    "grep_search": "Grep",
    "glob": "Glob",
    "list_directory": "LS",
    "web_fetch": "WebFetch",
    "web_search": "WebSearch",
    "todo_write": "TodoWrite",
    "task_create": "TaskCreate",
    "task_update": "TaskUpdate",
    "task_list": "TaskList",
    "enter_plan_mode": "EnterPlanMode",
    "exit_plan_mode": "ExitPlanMode",
    "agent": "Agent",
}
_TOOL_EVENTS = ("PreToolUse", "PostToolUse", "PostToolUseFailure")


def payload(event: str, raw: dict[str, object]) -> dict[str, object] | None:
    if event == "UserPromptSubmit":
        prompt = raw.get("prompt")
        return raw if isinstance(prompt, str) and prompt.strip() else None  # the turn going on: no prompt
    if event not in _TOOL_EVENTS:
        return raw  # SessionStart, Stop, SessionEnd: Claude Code's fields
    tool = raw.get("tool_name")
    if not isinstance(tool, str) or not tool:
        return None
    name, tool_input = tool_call(tool, raw.get("tool_input"))
    out = {**raw, "tool_name": name, "tool_input": tool_input}
    call_id = call_id_of(raw)
    if call_id is not None:
        out["tool_use_id"] = call_id
    if event == "PostToolUse":
        out["tool_response"] = result_text(raw.get("tool_response"))
    return out


def call_id_of(raw: dict[str, object]) -> str | None:
    """The call's id: the model's (tool_call_id, what the chat records), else Qwen's tool_use_id."""
    for key in ("tool_call_id", "tool_use_id"):
        value = raw.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def tool_call(tool: str, raw_input: object) -> tuple[str, dict[str, object]]:
    """A Qwen Code tool and its input as Claude Code's."""
    tool_input: dict[str, object] = raw_input if isinstance(raw_input, dict) else {"input": raw_input}
    name = claude_name(TOOLS.get(tool), kind_of(tool))  # (its reader's kind: kind_names.py)
    if name is None:
        return tool, tool_input
    if name == "Bash":
        command = tool_input.get("command")
        return name, {"command": command if isinstance(command, str) else ""}
    return name, tool_input


def result_text(response: object) -> str:
    """A PostToolUse tool_response {llmContent, returnDisplay} as the text the model read."""
    if isinstance(response, dict):
        content = response.get("llmContent")
        text = _text(content)
        if text:
            return text
        return _text(response.get("returnDisplay"))
    return _text(response)


def _text(value: object) -> str:
    """llmContent as text: a string, a part {"text"}, a list of them."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        part = value.get("text")
        return part if isinstance(part, str) else json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, list):
        return "\n".join(_text(item) for item in value)
    return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)


def answer(event: str, output: dict[str, object] | None, call: Call | None = None) -> tuple[str | None, int]:
    if event == "PreToolUse":
        return _pre_tool(output, call), 0
    if event in ("PostToolUse", "PostToolUseFailure"):
        return after_the_call(event, call, output), 0
    text = context(output)
    if event in ("SessionStart", "UserPromptSubmit") and text and specific(output):
        out = {"hookEventName": event, "additionalContext": text}
        return json.dumps({"hookSpecificOutput": out}, ensure_ascii=False), 0
    return None, 0  # Stop, SessionEnd: nothing to say


def _pre_tool(output: dict[str, object] | None, call: Call | None) -> str | None:
    text = context(output)
    if not text:
        return None
    chosen = decision(output)
    if chosen is not None:  # deny (a stop, a block) or ask
        out = {"hookEventName": "PreToolUse", "permissionDecision": chosen, "permissionDecisionReason": text}
        return json.dumps({"hookSpecificOutput": out}, ensure_ascii=False)
    if call is not None:
        carried.keep_warning(store_path(), call.key, text)
    return json.dumps({"systemMessage": text}, ensure_ascii=False)
