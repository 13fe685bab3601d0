"""Gemini CLI's hooks in Claude Code's terms, and lessonloop's answers in Gemini CLI's
(docs/agents/gemini.md).

Gemini CLI sends session_id, transcript_path (the chat file), cwd, hook_event_name, timestamp, and
per event: BeforeTool tool_name, tool_input (the model's arguments); AfterTool the same and
tool_response {llmContent, returnDisplay, error}; BeforeAgent prompt; SessionStart source;
SessionEnd reason (packages/core/src/hooks/types.ts). Its tools become Claude Code's
(run_shell_command -> Bash, write_file -> Write, replace -> Edit, read_file -> Read, ...: the kinds
of agents/gemini/reader/tools.py, the file named as agents/gemini/reader/parser.py names it); every other tool
(MCP `mcp__server__tool`, save_memory, ...) keeps its name (kind "other"). A tool call carries no
id: the post-call capture names it by its session, time and input (store/hooks.py
UNNAMED_CALL_PREFIX; dropped once the ingested chat holds a later message of the session).

A shell command "succeeds" whatever its exit: a failure is `error` in the response, or an
`Exit Code: N` (N != 0), a signal, a time-out or a command that could not start in its text
(agents/gemini/reader/parser.py reads chats the same way); it is passed on as Claude Code's
PostToolUseFailure, so it is classified and learned from.

Answers (exit code 0, JSON on stdout): SessionStart and BeforeAgent give the lessons as
`hookSpecificOutput.additionalContext` (the model reads it). Before a call only a deny reaches the
model (`decision: "deny"`, its `reason` is the tool's error), so:
- a block (--block, confidence >= BLOCK_AT, the person's own lesson) is that deny;
- an ask (--ask, >= ASK_AT) is `decision: "ask"` (Gemini CLI asks the person, even in YOLO mode;
  a version without it runs the call), with the warning shown to the person;
- a warning is shown to the person (`systemMessage`), and every warning not denied reaches the
  model with the call's result (AfterTool `additionalContext`): carried.py keeps it for that hook.
"""

from __future__ import annotations

import json

from lessonloop.agents.gemini.reader.tools import kind_of
from lessonloop.apply.hooks.kit import carried
from lessonloop.apply.hooks.kit.answers import (
    Call,
    after_the_call,
    context,
    decision,
    same_call,
    specific,
    store_path,
)
from lessonloop.apply.hooks.kit.kind_names import claude_name

# Gemini CLI's tools -> Claude Code's (packages/core/src/tools/tool-names.ts; agents/gemini/reader/tools.py)
TOOLS: dict[str, str] = {
    "run_shell_command": "Bash",
    "write_file": "Write",
    "replace": "Edit",
    "edit": "Edit",
    "read_file": "Read",
    "read_many_files": "Read",
    "glob": "Glob",
    "grep_search": "Grep",
    "search_file_content": "Grep",
    "grep": "Grep",
    "list_directory": "LS",
    "web_fetch": "WebFetch",
    "google_web_search": "WebSearch",
    "write_todos": "TodoWrite",
}
_PATH_KEYS = ("file_path", "absolute_path", "path", "dir_path")  # agents/gemini/reader/parser.py _paths
_TIMED_OUT = "Command was automatically cancelled because it exceeded the timeout"
_CANCELLED = "Command was cancelled by user"


def payload(event: str, raw: dict[str, object]) -> dict[str, object] | None:
    if event not in ("BeforeTool", "AfterTool"):
        return raw  # SessionStart, BeforeAgent (prompt), AfterAgent, SessionEnd: Claude Code's fields
    tool = raw.get("tool_name")
    if not isinstance(tool, str) or not tool:
        return None
    original = raw.get("tool_input")
    name, tool_input = tool_call(tool, original)
    out = {**raw, "tool_name": name, "tool_input": tool_input}
    if event == "AfterTool":
        out["tool_use_id"] = _call_id(raw, tool, original)
        failed, text = result(tool, raw.get("tool_response"))
        out["tool_response"] = text
        if failed:
            out["hook_event_name"] = "PostToolUseFailure"
            out["error"] = text
    return out


def call_of(event: str, raw: dict[str, object], out: dict[str, object] | None) -> Call | None:
    """The call a tool event is about (None: another event), given to `answer` by the entry: its
    payloads carry no id of it, so its session, tool and input as the agent gave them."""
    return same_call(raw) if event in ("BeforeTool", "AfterTool") and out is not None else None


def tool_call(tool: str, raw_input: object) -> tuple[str, dict[str, object]]:
    """A Gemini CLI tool and its input as Claude Code's."""
    tool_input: dict[str, object] = raw_input if isinstance(raw_input, dict) else {"input": raw_input}
    name = claude_name(TOOLS.get(tool), kind_of(tool))  # (its reader's kind: kind_names.py)
    if name is None:
        return tool, tool_input
    if name == "Bash":
        command = tool_input.get("command")
        return name, {"command": command if isinstance(command, str) else ""}
    path = next((v for k in _PATH_KEYS if isinstance(v := tool_input.get(k), str) and v), None)
    if path is None:
        many = tool_input.get("paths") or tool_input.get("include")
        if isinstance(many, list):
            path = next((p for p in many if isinstance(p, str) and p), None)
    if path is None:
        return name, tool_input
    key = "path" if name in ("Glob", "Grep", "LS") else "file_path"
    return name, {**tool_input, key: path}


def _call_id(raw: dict[str, object], tool: str, tool_input: object) -> str:
    """An id for a call Gemini CLI names none for: its session, time and input."""
    from lessonloop.core.quick_hash import sha256_hex
    from lessonloop.store.hooks import UNNAMED_CALL_PREFIX

    seed = json.dumps([raw.get("session_id"), raw.get("timestamp"), tool, tool_input], sort_keys=True, default=str)
    return UNNAMED_CALL_PREFIX + sha256_hex(seed.encode("utf-8", "replace"))[:24]


def result(tool: str, response: object) -> tuple[bool, str]:
    """(failed, text) of an AfterTool tool_response {llmContent, returnDisplay, error}."""
    if not isinstance(response, dict):
        return False, _text(response)
    text = _text(response.get("llmContent"))
    error = response.get("error")
    if isinstance(error, dict):
        error = error.get("message") or json.dumps(error, ensure_ascii=False)
    if isinstance(error, str) and error.strip():
        return True, error if not text else f"{error}\n{text}"
    if tool == "run_shell_command":
        if text.startswith(_TIMED_OUT) or _field(text, "Signal") is not None:
            return True, text
        if text.startswith(_CANCELLED):
            return False, text
        code = _field(text, "Exit Code")
        if code is not None:
            try:
                number = int(code)
            except ValueError:
                number = 0
            if number != 0:
                return True, f"Exit code {number}\n{text}"
        elif _field(text, "Error") is not None:
            return True, text  # the command could not start
    return False, text


def _field(text: str, name: str) -> str | None:
    """The value of a `Name: value` line of a shell result, None when absent or "(none)"."""
    head = name + ": "
    for line in text.splitlines():
        if line.startswith(head):
            value = line[len(head) :].strip()
            return None if not value or value == "(none)" else value
    return None


def _text(value: object) -> str:
    """llmContent as text: a string, a part {"text"}, a list of them."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        part = value.get("text")
        return part if isinstance(part, str) else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "\n".join(_text(item) for item in value)
    return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)


def answer(event: str, output: dict[str, object] | None, call: Call | None = None) -> tuple[str | None, int]:
    if event == "BeforeTool":
        return _before_tool(output, call), 0
    if event == "AfterTool":
        return after_the_call("AfterTool", call, output), 0
    text = context(output)
    if event in ("SessionStart", "BeforeAgent") and text and specific(output):
        return json.dumps({"hookSpecificOutput": {"hookEventName": event, "additionalContext": text}}), 0
    return None, 0  # AfterAgent, SessionEnd: nothing to say


def _before_tool(output: dict[str, object] | None, call: Call | None) -> str | None:
    text = context(output)
    if not text:
        return None
    chosen = decision(output)
    if chosen == "deny":
        return json.dumps({"decision": "deny", "reason": text}, ensure_ascii=False)
    if call is not None:
        carried.keep_warning(store_path(), call.key, text)
    out: dict[str, object] = {"systemMessage": text}
    if chosen == "ask":
        out = {"decision": "ask", **out}
    return json.dumps(out, ensure_ascii=False)
