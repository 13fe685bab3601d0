"""Factory Droid's hooks in Claude Code's terms, and lessonloop's answers in Droid's (`droid` 0.215.0,
a closed binary: its hook runner and schemas read from the JavaScript it embeds, and checked with the
real CLI driven offline; tests/agents/droid/data/hook_payloads/).

Droid's hooks are Claude Code's: `hooks` in its settings.json (install/droid.py), events
SessionStart, UserPromptSubmit, PreToolUse, PostToolUse, Stop, SessionEnd (and Notification,
SubagentStop, PreCompact, which lessonloop does not use). Every payload holds session_id,
transcript_path (the session's .jsonl, ~/.factory/sessions/<cwd-slug>/<session>.jsonl), cwd,
permission_mode, hook_event_name; SessionStart source (and CLAUDE_ENV_FILE); UserPromptSubmit
prompt; tool events tool_name and tool_input (the model's arguments), PostToolUse tool_response (the
text the model read, ending `[Process exited with code N]` for a command); Stop and SessionEnd
message_id, SessionEnd reason. No tool event names its call: the post-call capture names it by its
session, time and input (store/hooks.py UNNAMED_CALL_PREFIX), as Gemini CLI's.

PostToolUse comes only for a call that succeeded: a command that exits non-zero, a failed edit, a
denied call are errors the model reads with no post-call hook (the transcript holds them: the Stop
hook queues it for ingest). `droid exec` sends no UserPromptSubmit (0.215.0): a headless run gets
its lessons at the session's start.

Its tools become Claude Code's (Execute -> Bash, Create -> Write, Edit {file_path, old_str, new_str,
change_all} -> Edit {file_path, old_string, new_string, replace_all}, MultiEdit -> Edit of its file,
ApplyPatch -> the Write or Edit of its patch's first file, LS {directory_path} -> LS {path},
FetchUrl -> WebFetch, Task -> Task, ...: TOOLS); every other tool (MCP tools, Skill, AskUser, ...)
keeps its name (kind "other").

Answers (exit code 0, JSON on stdout): Droid reads `hookSpecificOutput.additionalContext` of
SessionStart (a message before the prompt), UserPromptSubmit and PostToolUse (a message after the
call's result, for the model only). At PreToolUse it reads `permissionDecision` (deny: its
`permissionDecisionReason` is the call's error, what the model reads; ask: Droid's own permission
check decides, which an autonomy level or --skip-permissions-unsafe approves) and not
additionalContext; its `systemMessage` goes to the debug log only. So:
- a stop, a block: a deny;
- an ask: `permissionDecision: "ask"` (Droid asks the person unless its autonomy approves the call);
- a warning is given to the model with the call's result (PostToolUse additionalContext): carried.py
  keeps it for that hook. A call that fails sends no PostToolUse: its warning is not given.
"""

from __future__ import annotations

import json

from lessonloop.agents.droid.reader.tools import kind_of
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

SHELL_TOOL = "Execute"
# Droid's tools -> Claude Code's (the names its 0.215.0 binary offers the model; agents/droid/reader/tools.py)
TOOLS: dict[str, str] = {
    SHELL_TOOL: "Bash",
    "Read": "Read",
    "Edit": "Edit",
    "MultiEdit": "Edit",
    "ApplyPatch": "Edit",
    "Create": "Write",
    "Write": "Write",
    "LS": "LS",
    "Grep": "Grep",
    "Glob": "Glob",
    "FetchUrl": "WebFetch",
    "WebSearch": "WebSearch",
    "TodoWrite": "TodoWrite",
    "Task": "Task",
}
_RENAMED = {"old_str": "old_string", "new_str": "new_string", "change_all": "replace_all"}
_PATH_KEYS = ("file_path", "path", "directory_path")
_EXIT_LINE = "[Process exited with code "


def payload(event: str, raw: dict[str, object]) -> dict[str, object] | None:
    if event not in ("PreToolUse", "PostToolUse"):
        return raw  # SessionStart, UserPromptSubmit, Stop, SessionEnd: Claude Code's fields
    tool = raw.get("tool_name")
    if not isinstance(tool, str) or not tool:
        return None
    original = raw.get("tool_input")
    name, tool_input = tool_call(tool, original)
    out = {**raw, "tool_name": name, "tool_input": tool_input}
    if event == "PostToolUse":
        out["tool_use_id"] = _call_id(raw, tool, original)
        failed, text = result(raw.get("tool_response"))
        out["tool_response"] = text
        if failed:  # not sent by 0.215.0 (a failure has no PostToolUse): read as one all the same
            out["hook_event_name"] = "PostToolUseFailure"
            out["error"] = text
    return out


def call_of(event: str, raw: dict[str, object], out: dict[str, object] | None) -> Call | None:
    """The call a tool event is about (None: another event), given to `answer` by the entry: its
    payloads carry no id of it, so its session, tool and input as the agent gave them."""
    return same_call(raw) if event in ("PreToolUse", "PostToolUse") and out is not None else None


def tool_call(tool: str, raw_input: object) -> tuple[str, dict[str, object]]:
    """A Droid tool and its input as Claude Code's."""
    tool_input: dict[str, object] = raw_input if isinstance(raw_input, dict) else {"input": raw_input}
    name = claude_name(TOOLS.get(tool), kind_of(tool))  # (its reader's kind: kind_names.py)
    if name is None:
        return tool, tool_input
    if name == "Bash":
        command = tool_input.get("command")
        return name, {"command": command if isinstance(command, str) else ""}
    if tool == "ApplyPatch":
        text = next((v for k in ("patch", "input", "content") if isinstance(v := tool_input.get(k), str)), None)
        from lessonloop.apply.hooks.kit.patch_files import as_file_call

        found = as_file_call(text) if text is not None else None
        return found if found is not None else (name, tool_input)
    renamed = {_RENAMED.get(key, key): value for key, value in tool_input.items()}
    if tool == "MultiEdit":
        edits = tool_input.get("edits")
        first: dict[str, object] = edits[0] if isinstance(edits, list) and edits and isinstance(edits[0], dict) else {}
        renamed = {
            **{k: v for k, v in renamed.items() if k != "edits"},
            **{_RENAMED.get(str(k), str(k)): v for k, v in first.items()},
        }
    path = next((v for k in _PATH_KEYS if isinstance(v := tool_input.get(k), str) and v), None)
    if path is not None:
        key = "path" if name in ("Glob", "Grep", "LS") else "file_path"
        renamed = {**{k: v for k, v in renamed.items() if k != "directory_path"}, key: path}
    return name, renamed


def _call_id(raw: dict[str, object], tool: str, tool_input: object) -> str:
    """An id for a call Droid names none for: its session, the moment, its input."""
    import time

    from lessonloop.core.quick_hash import sha256_hex
    from lessonloop.store.hooks import UNNAMED_CALL_PREFIX

    seed = json.dumps([raw.get("session_id"), time.time_ns(), tool, tool_input], sort_keys=True, default=str)
    return UNNAMED_CALL_PREFIX + sha256_hex(seed.encode("utf-8", "replace"))[:24]


def exit_code(text: str) -> int | None:
    """The exit code of a command's result (its last `[Process exited with code N]` line)."""
    at = text.rfind(_EXIT_LINE)
    if at < 0:
        return None
    digits = text[at + len(_EXIT_LINE) :].split("]", 1)[0].strip()
    try:
        return int(digits)
    except ValueError:
        return None


def result(response: object) -> tuple[bool, str]:
    """(failed, text) of a PostToolUse tool_response: the text the model read."""
    if isinstance(response, str):
        text = response
    elif isinstance(response, list):  # content parts
        text = "\n".join(
            part["text"] if isinstance(part, dict) and isinstance(part.get("text"), str) else json.dumps(part)
            for part in response
        )
    elif response is None:
        text = ""
    else:
        text = json.dumps(response, ensure_ascii=False, default=str)
    code = exit_code(text)
    if code is not None and code != 0:
        return True, f"Exit code {code}\n{text}"
    return False, text


def answer(event: str, output: dict[str, object] | None, call: Call | None = None) -> tuple[str | None, int]:
    if event == "PreToolUse":
        return _pre_tool(output, call), 0
    if event == "PostToolUse":
        return after_the_call("PostToolUse", call, output), 0
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
        if chosen == "deny":
            return json.dumps({"hookSpecificOutput": out}, ensure_ascii=False)
        if call is not None:  # asked: the person decides; the model gets the warning with the result
            carried.keep_warning(store_path(), call.key, text)
        return json.dumps({"hookSpecificOutput": out, "systemMessage": text}, ensure_ascii=False)
    if call is not None:
        carried.keep_warning(store_path(), call.key, text)
    return json.dumps({"systemMessage": text}, ensure_ascii=False)
