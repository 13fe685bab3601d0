"""Kimi Code's hooks in Claude Code's terms, and lessonloop's answers in Kimi Code's
(`@moonshot-ai/kimi-code` 2.1.0: packages/agent-core-v2/src/features/externalHooks/ in its bundled
dist/main.mjs, runHook.ts, matchHooks.ts, agentExternalHooksService.ts, userPrompt.ts; checked with
the real CLI driven offline, tests/agents/kimi/data/hook_payloads/).

Kimi Code runs `[[hooks]]` of its config.toml (install/kimi.py) with a payload of snake_case fields:
hook_event_name, session_id (`session_<uuid>`, the name of its session folder), cwd, client_type;
SessionStart source, model, profile; UserPromptSubmit prompt (a list of content parts) and
is_steer; tool events tool_name (Claude Code's names: Bash, Read, Write, Edit, Glob, Grep, ...),
tool_input (the model's arguments: `path`, not `file_path`), tool_call_id (the model's call id, the
one its wire log records); PostToolUse tool_output (its first 2000 characters), PostToolUseFailure
`error` {code, message} (a command's output ending `Command failed with exit code: N.`, or the
reason a hook denied the call); Stop stop_hook_active. No payload names the session's wire log: the
end-of-turn hook finds it through `session_index.jsonl` in Kimi's folder ($KIMI_CODE_HOME, else
~/.kimi-code), which maps each session to its folder (agents/main/wire.jsonl in it). SessionEnd
comes when the interactive UI closes a session; `kimi -p` ends with Stop.

What reaches the model: a UserPromptSubmit hook's `message` (or its plain stdout), as a user
message `<hook_result hook_event="UserPromptSubmit">...</hook_result>` after the prompt (shown to
the person too), and a PreToolUse deny's `permissionDecisionReason` (the call's error). Nothing
else: SessionStart's answer is not read, PreToolUse reads no context and has no ask, PostToolUse and
PostToolUseFailure run without being waited for (their answers are dropped), and a Stop block would
make the model go on. So:
- the lessons for the session's start are kept (carried.py) by the SessionStart hook and given with
  the first prompt's answer;
- a stop, a block: a deny;
- an ask stops the call once with the warning, asking the model to ask the person; the same call
  sent again in the session runs (as Codex's, agents/codex.py);
- a warning alone reaches nobody (UNSHOWN_ACTIONS: recorded as not given).
"""

from __future__ import annotations

import json
import os

from lessonloop.agents.kimi.reader.tools import kind_of
from lessonloop.apply.hooks.kit import carried
from lessonloop.apply.hooks.kit.answers import Call, context, decision, store_path
from lessonloop.apply.hooks.kit.answers import call_of as call_of  # (the entry reads it: __init__.py)
from lessonloop.apply.hooks.kit.kind_names import claude_name
from lessonloop.core.handler_tools import KINDS as CLAUDE_KINDS

# Kimi Code's tools that name a file by `path` (its other arguments are already Claude Code's:
# old_string, new_string, replace_all, content, pattern)
_FILE_TOOLS = frozenset({"Read", "ReadMediaFile", "Write", "Edit", "MultiEdit"})
_FAILED = "Command failed with exit code: "
# decided, but Kimi Code gives a hook no way to say it before a call without stopping it
UNSHOWN_ACTIONS = frozenset({"warn"})
ASK_NOTE = (
    "\nlessonloop stopped this call once because the person asked to be consulted on such calls "
    "(--ask): ask them whether to run it; if they agree, send the same call again and it will run."
)
_START = "kimi-session-start\n"  # the key of a session's start context, kept for its first prompt
_TOOL_EVENTS = ("PreToolUse", "PostToolUse", "PostToolUseFailure")

_session: list[str | None] = [None]  # this process's session


def payload(event: str, raw: dict[str, object]) -> dict[str, object] | None:
    session = raw.get("session_id")
    _session[0] = session if isinstance(session, str) and session else None
    if event == "UserPromptSubmit":
        return {**raw, "prompt": prompt_text(raw.get("prompt"))}
    if event in ("Stop", "SessionEnd"):
        found = wire_log(_session[0]) if _session[0] else None
        return {**raw, "transcript_path": found} if found else raw
    if event not in _TOOL_EVENTS:
        return raw  # SessionStart
    tool = raw.get("tool_name")
    if not isinstance(tool, str) or not tool:
        return None
    name, tool_input = tool_call(tool, raw.get("tool_input"))
    out = {**raw, "tool_name": name, "tool_input": tool_input}
    call_id = raw.get("tool_call_id")
    if isinstance(call_id, str) and call_id:
        out["tool_use_id"] = call_id
    if event == "PostToolUse":
        output = raw.get("tool_output")
        out["tool_response"] = output if isinstance(output, str) else json.dumps(output, default=str)
    elif event == "PostToolUseFailure":
        out["error"] = error_text(raw.get("error"))
    return out


def tool_call(tool: str, raw_input: object) -> tuple[str, dict[str, object]]:
    """A Kimi Code tool and its input as Claude Code's."""
    tool_input: dict[str, object] = raw_input if isinstance(raw_input, dict) else {"input": raw_input}
    if tool not in CLAUDE_KINDS:  # a tool of Kimi's own (ReadMediaFile): Claude Code's of its reader's kind
        tool = claude_name(None, kind_of(tool)) or tool
    if tool == "Bash":
        command = tool_input.get("command")
        return tool, {"command": command if isinstance(command, str) else ""}
    path = tool_input.get("path")
    if tool in _FILE_TOOLS and isinstance(path, str) and path and "file_path" not in tool_input:
        return tool, {**{k: v for k, v in tool_input.items() if k != "path"}, "file_path": path}
    return tool, tool_input


def prompt_text(prompt: object) -> str:
    """UserPromptSubmit's prompt: a list of content parts, their text joined."""
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list):
        return "\n".join(
            part["text"] for part in prompt if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return ""


def error_text(error: object) -> str:
    """PostToolUseFailure's error {code, message} as the text the model read, a command's exit
    code first (`Exit code N`, as every adapter passes a failed command on)."""
    if isinstance(error, dict):
        message = error.get("message")
        text = message if isinstance(message, str) else json.dumps(error, ensure_ascii=False, default=str)
    else:
        text = error if isinstance(error, str) else json.dumps(error, ensure_ascii=False, default=str)
    at = text.rfind(_FAILED)
    if at >= 0:
        digits = text[at + len(_FAILED) :].rstrip(". \n")
        if digits.isdigit():
            return f"Exit code {digits}\n{text}"
    return text


def kimi_home() -> str:
    """Kimi Code's folder: $KIMI_CODE_HOME, else ~/.kimi-code."""
    home = os.environ.get("HOME") or os.path.expanduser("~")
    return os.path.expanduser(os.environ.get("KIMI_CODE_HOME") or os.path.join(home, ".kimi-code"))


def wire_log(session: str) -> str | None:
    """The main agent's wire log of `session`: its folder from session_index.jsonl (the last line
    naming it), else the session folder of that name under sessions/*/."""
    base = kimi_home()
    folder = None
    try:
        with open(os.path.join(base, "session_index.jsonl"), encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if session not in line:
                    continue
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if isinstance(row, dict) and row.get("sessionId") == session and isinstance(row.get("sessionDir"), str):
                    folder = row["sessionDir"]
    except OSError:
        pass
    if folder is None and os.sep not in session and session not in (".", ".."):
        try:
            with os.scandir(os.path.join(base, "sessions")) as workspaces:
                for workspace in workspaces:
                    candidate = os.path.join(workspace.path, session)
                    if os.path.isdir(candidate):
                        folder = candidate
                        break
        except OSError:
            return None
    if folder is None:
        return None
    wire = os.path.join(folder, "agents", "main", "wire.jsonl")
    return wire if os.path.isfile(wire) else None


def answer(event: str, output: dict[str, object] | None, call: Call | None = None) -> tuple[str | None, int]:
    if event == "PreToolUse":
        return _pre_tool(output, call), 0
    session = _session[0]
    if event == "SessionStart":  # Kimi Code reads no answer here: kept for the first prompt
        text = context(output)
        if text and session:
            carried.keep_warning(store_path(), _START + session, text)
        return None, 0
    if event == "UserPromptSubmit":
        parts = []
        kept = carried.take_warning(store_path(), _START + session) if session else None
        if kept:
            parts.append(kept)
        text = context(output)
        if text:
            parts.append(text)
        return (json.dumps({"message": "\n\n".join(parts)}, ensure_ascii=False) if parts else None), 0
    return None, 0  # PostToolUse, PostToolUseFailure (not read), Stop, SessionEnd: nothing to say


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
    return None  # a warning: Kimi Code has no way to give it (UNSHOWN_ACTIONS)


def _deny(reason: str) -> str:
    out = {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": reason}
    return json.dumps({"hookSpecificOutput": out}, ensure_ascii=False)
