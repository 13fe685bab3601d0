"""Per-session figures of Codex rollouts, straight from the raw JSONL (stdlib only; issue 26).

Written from the rollout format (codex-rs protocol and rollout recorder), not from lessonloop's
parser, to check what `lessonloop ingest` stores: per session, prompts (what the person typed),
tool calls, failed calls (any outcome but ok), and tokens (fresh input, cached input, output,
reasoning). Rules:
- a session is a file: its first `session_meta` (or, before August 2025, its first line
  `{id, timestamp, instructions}`); a file that replays another session (a second session_meta
  with another id: a fork) is refused, as these corpora hold none (forks are checked by hand-built
  rollouts in tests/agents/codex/test_codex_exact_figures.py);
- prompts: `user_message` events, but not Codex's own context (a leading <environment_context>,
  <user_instructions>, <turn_aborted>, <user_shell_command>, <subagent_notification>, <skill>
  tag, the "# AGENTS.md instructions for" block, an event `kind` other than plain); in a file with
  no user_message event, `item_completed` UserMessage items; in a file without the envelope, the
  user-role messages that do not start with a tag;
- calls: function_call, custom_tool_call, local_shell_call, web_search_call, tool_search_call,
  image_generation_call; the outcome of a call is its end event's (exec_command_end: exit code
  or status; patch_apply_end: success; mcp_tool_call_end: Err / isError) whatever the order, else
  its output's (JSON metadata.exit_code, "Exit code: N", "Process exited with code N", a leading
  failure or rejection text, "aborted" also after the "Wall time" line of a command stopped while
  it ran, "TOOL is unavailable in MODE mode", "`CMD` rejected: REASON" of the exec policy,
  PowerShell's error record "+ CategoryInfo" / "+ FullyQualifiedErrorId" even with exit code 0);
  a call with neither when the turn is aborted is
  interrupted; write_stdin's reported exit belongs to the exec_command whose session it polls;
- tokens: token_count events with info whose total_token_usage differs from the one before it;
  their last_token_usage (else the totals' growth, or the totals when one went down).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
from typing import Any

TAGS = re.compile(
    r"\s*(<(environment_context|user_instructions|turn_aborted|user_shell_command|subagent_notification|subagents"
    r"|skill|collaboration_mode|permissions instructions)[\s>]|# AGENTS\.md instructions for )",
    re.I,
)
LEADING_TAG = re.compile(r"\s*<[A-Za-z_][\w .-]{0,60}>")
EXIT_LINE = re.compile(r"^(?:Exit code:|Process exited with code) (-?\d+)\s*$", re.M)
RUNNING = re.compile(r"Process running with session ID (\d+)")
FAILS = (
    "apply_patch verification failed",
    "Failed to find expected lines",
    "Failed to find context",
    "Failed to read file to update",
    "Failed to write file",
    "Failed to delete file",
    "Failed to create parent directories",
    "invalid hunk at line",
    "invalid patch",
    "Invalid patch",
    "failed in sandbox",
    "sandbox denied",
    "execution error",
    "command timed out",
    "write_stdin failed",
    "failed to parse function arguments",
    "unsupported call",
    "unsupported custom tool call",
    "Exec command failed",
    "exec command rejected by user",
    "patch rejected by user",
    "rejected by user",
    "This action was rejected due to unacceptable risk",
    "aborted",
)
CALL_ITEMS = ("function_call", "custom_tool_call", "local_shell_call")
SELF_SETTLED = ("web_search_call", "tool_search_call", "image_generation_call")


class ForkedRollout(ValueError):
    pass


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def _output_outcome(raw: Any) -> tuple[bool, int | None]:
    """(failed, exit code) of a call's output."""
    text = raw if isinstance(raw, str) else _text(raw.get("content")) if isinstance(raw, dict) else _text(raw)
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, dict):
        metadata = value.get("metadata")
        code = metadata.get("exit_code") if isinstance(metadata, dict) else None
        if isinstance(code, int):
            inner = value.get("output")
            return code != 0 or _error_record(inner if isinstance(inner, str) else text), code
        if value.get("success") is False:
            return True, None
        if isinstance(value.get("output"), str):
            text = value["output"]
    if text.startswith("`") and re.search(r"` rejected: [^`\n]+$", text.strip()):
        return True, None  # the exec policy refused the command
    lines = [line.strip() for line in text.strip().splitlines()]
    if (
        lines
        and lines[-1] in ("aborted", "aborted by user")
        and all(line.startswith("Wall time:") for line in lines[:-1])
    ):
        return True, None  # stopped (while it ran, when a wall time comes first)
    if " is unavailable in " in (lines[0] if lines else "") and lines[0].endswith(" mode"):
        return True, None  # a tool the harness does not offer in this mode
    found = EXIT_LINE.search(text)
    code = int(found.group(1)) if found else None
    record = _error_record(text)
    if code is not None:
        return code != 0 or record, code
    return text.lstrip().startswith(FAILS) or record, None


def _error_record(text: str) -> bool:
    """PowerShell's error record (a cmdlet failed, the command may still exit 0)."""
    flat = [line.strip() for line in text.replace("\r", "").split("\n")]
    return any(
        a.startswith("+ CategoryInfo") and b.startswith("+ FullyQualifiedErrorId") for a, b in itertools.pairwise(flat)
    )


def figures(path: str) -> tuple[str, dict[str, int]]:
    sid: str | None = None
    envelope = False
    prompts = 0
    fallback_prompts = 0  # item_completed UserMessage, counted when the file has no user_message
    user_events = False
    tools: dict[str, str] = {}
    failed: dict[str, bool] = {}
    ended: set[str] = set()
    args: dict[str, Any] = {}
    running: dict[str, str] = {}  # unified exec session -> call id
    usage = [0, 0, 0, 0]
    totals: list[int] | None = None
    with open(path, encoding="utf-8", errors="replace") as handle:
        for raw_line in handle:
            try:
                record = json.loads(raw_line)
            except ValueError:
                continue
            if not isinstance(record, dict):
                continue
            kind, payload = record.get("type"), record.get("payload")
            if isinstance(payload, dict):
                envelope = True
            elif kind is None and "id" in record and sid is None:
                sid = str(record["id"])
                continue
            else:
                payload = record
            ptype = payload.get("type")
            if kind == "session_meta":
                if sid is None:
                    sid = str(payload.get("id"))
                elif payload.get("id") not in (None, sid):
                    raise ForkedRollout(f"{path}: replays session {payload.get('id')}")
                continue
            if kind == "event_msg":
                if ptype == "user_message":
                    user_events = True
                    message = payload.get("message") if isinstance(payload.get("message"), str) else ""
                    if payload.get("kind") in (None, "plain") and not TAGS.match(message):
                        prompts += 1
                elif ptype == "item_completed":
                    turn_item = payload.get("item")
                    if isinstance(turn_item, dict) and turn_item.get("type") == "UserMessage":
                        parts = turn_item.get("content") if isinstance(turn_item.get("content"), list) else []
                        typed = "\n".join(
                            str(p.get("text", "")) for p in parts if isinstance(p, dict) and p.get("type") == "text"
                        )
                        if typed.strip() and not TAGS.match(typed):
                            fallback_prompts += 1
                elif ptype == "token_count":
                    info = payload.get("info")
                    if not isinstance(info, dict) or not isinstance(info.get("total_token_usage"), dict):
                        continue
                    names = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens")
                    now = [int(info["total_token_usage"].get(n) or 0) for n in names]
                    if now == totals:
                        continue
                    last = info.get("last_token_usage")
                    if isinstance(last, dict):
                        step = [int(last.get(n) or 0) for n in names]
                    elif totals is None or any(a < b for a, b in zip(now, totals, strict=True)):
                        step = now
                    else:
                        step = [a - b for a, b in zip(now, totals, strict=True)]
                    totals = now
                    usage = [u + s for u, s in zip(usage, step, strict=True)]
                elif ptype == "exec_command_end" and payload.get("source") != "user_shell":
                    call_id = str(payload.get("call_id"))
                    code = payload.get("exit_code")
                    bad = payload.get("status") in ("failed", "declined") or (isinstance(code, int) and code != 0)
                    failed[call_id] = bad
                    ended.add(call_id)
                elif ptype == "patch_apply_end":
                    call_id = str(payload.get("call_id"))
                    failed[call_id] = payload.get("success") is not True or payload.get("status") in (
                        "failed",
                        "declined",
                    )
                    ended.add(call_id)
                elif ptype == "mcp_tool_call_end":
                    call_id = str(payload.get("call_id"))
                    result = payload.get("result")
                    ok = (
                        isinstance(result, dict)
                        and "Ok" in result
                        and not (isinstance(result["Ok"], dict) and result["Ok"].get("isError") is True)
                    )
                    failed[call_id] = not ok
                    ended.add(call_id)
                elif isinstance(ptype, str) and ptype.startswith("collab_") and ptype.endswith("_end"):
                    call_id = str(payload.get("call_id"))
                    spawn_failed = ptype == "collab_agent_spawn_end" and not payload.get("new_thread_id")
                    failed[call_id] = spawn_failed or payload.get("status") in ("failed", "errored", "error")
                    ended.add(call_id)
                elif ptype == "turn_aborted":
                    for call_id in tools:
                        failed.setdefault(call_id, True)
                continue
            if kind not in ("response_item", None) and envelope:
                continue
            if ptype == "message" and payload.get("role") == "user" and not envelope:
                if not LEADING_TAG.match(_text(payload.get("content"))) and not TAGS.match(
                    _text(payload.get("content"))
                ):
                    prompts += 1
            elif ptype in CALL_ITEMS:
                call_id = payload.get("call_id") or payload.get("id")
                if isinstance(call_id, str) and call_id:
                    tools[call_id] = str(payload.get("name") or ptype)
                    arguments = payload.get("arguments")
                    try:
                        args[call_id] = json.loads(arguments) if isinstance(arguments, str) else arguments
                    except ValueError:
                        args[call_id] = None
            elif ptype in SELF_SETTLED:
                key = payload.get("call_id") or payload.get("id") or f"{ptype}:{len(tools)}"
                tools[str(key)] = ptype
                if (
                    ptype != "tool_search_call"
                    or not payload.get("call_id")
                    or payload.get("status") in ("failed", "incomplete")
                ):
                    failed[str(key)] = payload.get("status") in ("failed", "incomplete")
            elif ptype == "tool_search_output" and payload.get("call_id"):
                failed[str(payload["call_id"])] = payload.get("status") in ("failed", "incomplete")
            elif ptype in ("function_call_output", "custom_tool_call_output"):
                call_id = str(payload.get("call_id"))
                output = payload.get("output")
                bad, code = _output_outcome(output)
                text = output if isinstance(output, str) else json.dumps(output)
                if tools.get(call_id) == "write_stdin":
                    polled = args.get(call_id)
                    session = str(polled.get("session_id")) if isinstance(polled, dict) else None
                    owner = running.pop(session, None) if session is not None and code is not None else None
                    if owner is not None and owner not in ended:
                        failed[owner] = code != 0
                    bad = text.lstrip().startswith(FAILS) and code is None
                elif (started := RUNNING.search(text)) and code is None:
                    running[started.group(1)] = call_id
                if call_id not in ended:
                    failed[call_id] = bad
    if sid is None:
        raise ValueError(f"{path}: no session")
    return sid, {
        "prompts": prompts + (0 if user_events else fallback_prompts),
        "calls": len(tools),
        "failed": sum(1 for call_id in tools if failed.get(call_id, False)),
        "input": usage[0] - usage[1],
        "cached": usage[1],
        "output": usage[2],
        "reasoning": usage[3],
    }


def per_session(paths: list[str]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for root in paths:
        walk = [(root, [], [""])] if os.path.isfile(root) else os.walk(root)
        for folder, _, names in walk:
            for name in names:
                path = os.path.join(folder, name)
                if os.path.basename(path).startswith("rollout-") and path.endswith(".jsonl"):
                    sid, figs = figures(path)
                    found[sid] = figs
    return found


if __name__ == "__main__":
    json.dump(per_session(sys.argv[1:]), sys.stdout, indent=1)
