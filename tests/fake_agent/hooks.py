"""Fake Agent's hooks in Claude Code's terms. Its payloads: {"session", "cwd", "tool", "args",
"exit"} with its own tool names (`shell`, `write`); its answers: {"deny": REASON} before a call,
{"note": TEXT} after one, exit code 0."""

from __future__ import annotations

import json

from lessonloop.apply.hooks.kit.answers import Call, context, decision

TOOLS = {"shell": "Bash", "write": "Write"}
ARGS = {"shell": {"cmd": "command"}, "write": {"path": "file_path", "text": "content"}}


def tool_call(tool: str, args: dict[str, object]) -> tuple[str, dict[str, object]]:
    """A call of its tool with its arguments as Claude Code's (tool_view reads it for transcripts)."""
    names = ARGS.get(tool, {})
    return TOOLS.get(tool, tool), {names.get(key, key): value for key, value in args.items()}


def payload(event: str, raw: dict[str, object]) -> dict[str, object] | None:
    """The payload as the handlers read it (None: nothing lessonloop reads)."""
    session = raw.get("session")
    if not isinstance(session, str):
        return None
    out: dict[str, object] = {"session_id": session, "cwd": raw.get("cwd"), "transcript_path": None}
    if event in ("before_call", "after_call"):
        tool, args = raw.get("tool"), raw.get("args")
        if not isinstance(tool, str) or not isinstance(args, dict):
            return None
        out["tool_name"], out["tool_input"] = tool_call(tool, args)
        out["tool_use_id"] = raw.get("id")
        if event == "after_call":
            failed = raw.get("exit") not in (0, None)
            out["hook_event_name"] = "PostToolUseFailure" if failed else "PostToolUse"
            out["tool_response"] = {"exit_code": raw.get("exit"), "output": raw.get("output", "")}
            if failed:
                out["error"] = str(raw.get("output", ""))
    return out


def answer(event: str, output: dict[str, object] | None, call: Call | None = None) -> tuple[str | None, int]:
    """The handler's answer as Fake Agent reads it."""
    if output is None:
        return None, 0
    if event == "before_call":
        if decision(output) is not None:  # a stop, an ask: the call does not run
            return json.dumps({"deny": context(output) or "lessonloop stopped this call"}), 0
        return None, 0
    text = context(output)
    return (json.dumps({"note": text}), 0) if text else (None, 0)
