"""Count a set of Codex CLI rollouts from the format description alone (stdlib only).

Format (openai/codex, codex-rs/protocol protocol.rs and models.rs, codex-rs/core rollout recorder):
- one JSON object a line, {"timestamp", "type", "payload"}, type session_meta | turn_context |
  response_item | event_msg | compacted (older rollouts: bare response items, no envelope; the
  TypeScript CLI's rollout-<date>-<id>.json: one document {"session", "items"}, read as the
  session line then bare items).
- session_meta {id, cwd, cli_version, git, forked_from_id?, source: {subagent: {thread_spawn:
  {parent_thread_id}}}?}: the first one is the rollout's session; a fork or sub-agent names its
  parent and its file then replays the parent's history (starting with the parent's session_meta)
  until its own turns begin (its own session_meta again, or a turn whose UUIDv7 turn_id is not
  older than the fork's UUIDv7 id, else the fork's meta timestamp; or, in a replay whose lines are
  stamped at or after the fork's time, the first record 2 s or more after the one before it): the
  replayed part is not counted. A fork whose meta names no parent (older Codex) has the first
  other session_meta's id as parent. Sessions: the main rollouts and the parents forks name (a
  sub-agent is not a session of its own).
- turn_context {model}: the model of the token counts after it.
- prompts: event_msg user_message, except what Codex injected (a leading <environment_context>,
  <user_instructions>, <turn_aborted>, ... tag, "# AGENTS.md instructions for", or an event `kind`
  user_instructions / environment_context); response_item user messages only in rollouts without
  the envelope (before August 2025: they repeat the user_message event in the others), and not the
  injected ones (a leading <tag> or "# AGENTS.md instructions"); event_msg item_completed whose
  item is {"type": "UserMessage", content: [{"type": "text"}]} ("paginated" history mode) while no
  user_message event was seen in the rollout.
- calls: response_item function_call (name, namespace prefix), custom_tool_call, local_shell_call
  (tool "local_shell"), web_search_call (tool "web_search", failed when status failed/incomplete),
  tool_search_call (tool "tool_search"; settled by the tool_search_output of its call_id, or at once
  when it has no call_id), image_generation_call (tool "image_generation", keyed by its id).
  Outcome: the last one reported per call_id, from exec_command_end (exit_code, status),
  patch_apply_end (success), mcp_tool_call_end, collab_*_end, or the call's *_output text; an
  output after an end event of its call is not read; turn_aborted interrupts calls still waiting.
  Failed: any outcome but ok. Output texts: "Exit code: N" / "Process exited with code N" (N != 0)
  or JSON metadata.exit_code, "... rejected by user" (also followed by ": reason"), "aborted"
  (also after a "Wall time: N seconds" line), "TOOL is unavailable in MODE mode", "`CMD` rejected:
  REASON" (the exec policy), PowerShell's error record (also with exit code 0),
  harness failures at the start ("apply_patch verification failed", "invalid hunk at line",
  "Failed to find context", "failed in sandbox", "write_stdin failed", ...), also after "error: "
  (older Codex: a patch sent through the shell tool, `["apply_patch", PATCH]`, that does not
  verify: core answers `error: {parse error}` with no exit code). write_stdin's
  reported exit belongs to the exec_command whose session it polls.
- tokens: event_msg token_count with info; repeated when info.total_token_usage equals the last
  totals (skipped); else last_token_usage (or the growth of the totals; all of them when one went
  down: a reset): input = input - cached,
  cache_read = cached, output = output (reasoning included), reasoning = reasoning_output_tokens.

Usage: python codex_count.py FILE_OR_FOLDER... (prints JSON)
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

TS_ROLLOUT = re.compile(r"^rollout-\d{4}-\d\d-\d\d-[0-9A-Za-z-]+\.json$")  # the TypeScript CLI's
EXIT = re.compile(r"^(?:Exit code: (-?\d+)|Process exited with code (-?\d+))\s*$", re.MULTILINE)
FAILURES = (
    "apply_patch verification failed",
    "Failed to find expected lines",
    "Failed to find context",
    "Failed to read file to update",
    "Failed to write file",
    "Failed to delete file",
    "Failed to create parent directories",
    "invalid hunk at line",
    "Invalid patch",
    "invalid patch",
    "failed in sandbox",
    "sandbox denied",
    "execution error",
    "command timed out",
    "write_stdin failed",
    "failed to parse function arguments",
    "unsupported call",
    "unsupported custom tool call",
    "Exec command failed",
)
# What Codex writes in the person's place (codex-rs contextual_user_message.rs): never a prompt.
INJECTED = re.compile(
    r"\s*<(environment_context|user_instructions|turn_aborted|user_shell_command|subagent_notification|subagents"
    r"|skill|collaboration_mode|permissions instructions|personality_spec|realtime_conversation|tool_context"
    r"|reasoning_context|pinned_notes|model_switch|apps_instructions|hook_prompt)[\s>]",
    re.I,
)
HEADINGS = ("# AGENTS.md instructions", "# Instructions for ")


def injected_event(text: str, kind: Any) -> bool:
    if isinstance(kind, str) and kind.lower() in ("user_instructions", "environment_context"):
        return True
    return INJECTED.match(text) is not None or text.lstrip().startswith(HEADINGS)


FIELDS = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens", "total_tokens")


def rollouts(paths: list[str]) -> list[str]:
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for folder, _, names in os.walk(path):
                files.extend(os.path.join(folder, n) for n in names if n.endswith(".jsonl") or TS_ROLLOUT.match(n))
        else:
            files.append(path)
    return sorted(files)


def records_of(path: str, handle: Any) -> Any:
    """The lines of a rollout; a TypeScript CLI rollout document ({"session", "items"}) as the
    legacy lines it matches: the session (with an instructions key) first, then each item."""
    if not TS_ROLLOUT.match(os.path.basename(path)):
        return handle
    try:
        document = json.load(handle)
    except ValueError:
        return []
    if not isinstance(document, dict) or not isinstance(document.get("session"), dict):
        return []
    items = document.get("items") if isinstance(document.get("items"), list) else []
    return [{"instructions": None, **document["session"]}, *items]


def time_ms(value: Any) -> int | None:
    """Milliseconds since the epoch of an ISO timestamp ("2025-10-02T10:00:30.000Z")."""
    from datetime import datetime

    if not isinstance(value, str):
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None


def uuid7_ms(value: Any) -> int | None:
    if isinstance(value, str) and len(value) == 36 and value[14] == "7":
        try:
            return int(value[:8] + value[9:13], 16)
        except ValueError:
            return None
    return None


def text_of(output: Any) -> str:
    if isinstance(output, str):
        return output
    if isinstance(output, dict):
        output = output.get("content") if output.get("content") is not None else output.get("content_items")
        if isinstance(output, str):
            return output
    if isinstance(output, list):
        return "\n".join(i["text"] for i in output if isinstance(i, dict) and isinstance(i.get("text"), str))
    return ""


def output_failed(output: Any) -> tuple[bool, int | None]:
    """(failed, exit code) of a call's output."""
    text = text_of(output)
    code = None
    stripped = text.strip()
    if stripped.startswith("{") and '"metadata"' in stripped:
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("metadata"), dict):
            value = data["metadata"].get("exit_code")
            code = value if isinstance(value, int) and not isinstance(value, bool) else None
            if isinstance(data.get("output"), str):
                stripped = data["output"].strip()
                text = data["output"]
    head = stripped[:400]
    if head in ("exec command rejected by user", "patch rejected by user", "rejected by user", "aborted"):
        return True, code
    if len(stripped) < 400 and head.startswith(
        ("exec command rejected by user:", "patch rejected by user:", "rejected by user:")
    ):
        return True, code
    if head.startswith(("This action was rejected due to unacceptable risk", "aborted by user")):
        return True, code
    if re.match(r"`.*` rejected: [^\n`]{1,200}$", stripped, re.S):
        return True, code  # the exec policy refused it
    if re.match(r"Wall time: [0-9.]+ seconds?\s*\n\s*aborted( by user)?\s*$", stripped):
        return True, code  # stopped while it ran
    if code is None:
        match = EXIT.search(text[:1600])
        if match:
            code = int(match.group(1) or match.group(2))
    if isinstance(output, dict) and output.get("success") is False:
        return True, code
    record = re.search(r"^ *\+ CategoryInfo *: [^\n]*\r?\n *\+ FullyQualifiedErrorId *: ", text, re.M) is not None
    if record:
        return True, code  # PowerShell's error record: a cmdlet failed, whatever the exit code
    if code is not None:
        return code != 0, code
    unavailable = re.match(r"[\w.:-]{1,80} is unavailable in [\w -]{1,40} mode\b", stripped) is not None
    harness = stripped.removeprefix("error: ").startswith(FAILURES)  # also a patch sent through the shell tool
    return harness or unavailable, None


def count(paths: list[str]) -> dict[str, Any]:
    main: set[str] = set()
    prompts = 0
    calls: dict[str, str] = {}  # call id -> tool
    failed: dict[str, bool] = {}
    tokens: dict[str, dict[str, int]] = {}
    for path in rollouts(paths):
        sid = None
        fork_ms = None
        started_ms = None
        parent_named = False
        replay = False
        last_ms = None
        envelope = False
        user_events = False
        model = None
        totals: list[int] | None = None
        waiting: dict[str, str] = {}  # call id -> tool, no outcome yet
        done: set[str] = set()
        procs: dict[str, str] = {}
        args: dict[str, Any] = {}
        search_id = None
        with open(path, encoding="utf-8", errors="replace") as handle:
            for lineno, line in enumerate(records_of(path, handle), 1):
                try:
                    rec = json.loads(line) if isinstance(line, str) else line
                except ValueError:
                    continue
                if not isinstance(rec, dict):
                    continue
                kind, payload = rec.get("type"), rec.get("payload")
                if "payload" not in rec and kind is None and "id" in rec and ("instructions" in rec or "git" in rec):
                    kind, payload = "session_meta", rec
                elif "payload" not in rec and isinstance(kind, str):
                    kind, payload = "response_item", rec
                elif "payload" in rec and isinstance(payload, dict):
                    envelope = True
                if not isinstance(payload, dict):
                    continue
                if kind == "session_meta":
                    if sid is None:
                        sid = payload.get("id") if isinstance(payload.get("id"), str) else path
                        source = payload.get("source")
                        spawn = source.get("subagent") if isinstance(source, dict) else None
                        spawn = spawn.get("thread_spawn") if isinstance(spawn, dict) else None
                        parent = payload.get("forked_from_id") or (
                            spawn.get("parent_thread_id") if isinstance(spawn, dict) else None
                        )
                        started_ms = time_ms(payload.get("timestamp")) or time_ms(rec.get("timestamp"))
                        if isinstance(parent, str) and parent and parent != sid:
                            parent_named = True
                            fork_ms = uuid7_ms(sid) or started_ms or 0
                            main.add(parent)  # the store knows the parent, if only by name
                        else:
                            main.add(sid)
                    elif payload.get("id") == sid:
                        replay = False
                    elif payload.get("id"):
                        replay = True
                        last_ms = time_ms(rec.get("timestamp"))
                        if not parent_named and isinstance(payload["id"], str):
                            parent_named = True
                            main.discard(sid)
                            main.add(payload["id"])
                            fork_ms = fork_ms or uuid7_ms(sid) or started_ms or last_ms
                    continue
                ptype = payload.get("type")
                if replay:
                    now = time_ms(rec.get("timestamp"))
                    paused = (
                        now is not None
                        and last_ms is not None
                        and fork_ms is not None
                        and (
                            (last_ms >= fork_ms - 1000 and now - last_ms >= 2000)
                            or (last_ms < fork_ms - 1000 and now >= fork_ms)
                        )
                    )
                    last_ms = now if now is not None else last_ms
                    if paused:
                        replay = False
                if replay:
                    own = fork_ms is not None and (uuid7_ms(payload.get("turn_id")) or -1) >= fork_ms
                    if kind == "turn_context" and own:
                        replay = False
                    elif kind == "event_msg" and ptype == "task_started" and own:
                        replay = False
                        continue
                    elif kind == "event_msg" and ptype == "token_count":
                        info = payload.get("info")
                        if isinstance(info, dict) and isinstance(info.get("total_token_usage"), dict):
                            totals = [as_int(info["total_token_usage"].get(f)) for f in FIELDS]
                        continue
                    else:
                        continue
                if kind == "turn_context":
                    if isinstance(payload.get("model"), str) and payload["model"]:
                        model = payload["model"]
                elif kind == "event_msg":
                    if ptype == "user_message":
                        user_events = True
                        message = payload.get("message")
                        if not (isinstance(message, str) and injected_event(message, payload.get("kind"))):
                            prompts += 1
                    elif ptype == "item_completed" and not user_events:
                        turn_item = payload.get("item")
                        if isinstance(turn_item, dict) and turn_item.get("type") == "UserMessage":
                            parts = turn_item.get("content") if isinstance(turn_item.get("content"), list) else []
                            texts = [p.get("text") for p in parts if isinstance(p, dict) and p.get("type") == "text"]
                            joined = "\n".join(t for t in texts if isinstance(t, str))
                            if joined.strip() and not injected_event(joined, None):
                                prompts += 1
                    elif ptype == "token_count":
                        info = payload.get("info")
                        if not isinstance(info, dict):
                            continue
                        total, last = info.get("total_token_usage"), info.get("last_token_usage")
                        previous = totals
                        if isinstance(total, dict):
                            vector = [as_int(total.get(f)) for f in FIELDS]
                            if vector == totals:
                                continue
                            totals = vector
                        else:
                            previous = None
                        if isinstance(last, dict):
                            use = [as_int(last.get(f)) for f in FIELDS]
                        elif isinstance(total, dict):
                            now_totals = totals or []
                            if previous is None or any(v < p for v, p in zip(now_totals, previous, strict=True)):
                                use = list(now_totals)  # the first totals, or totals reset to 0 and grown again
                            else:
                                use = [v - p for v, p in zip(now_totals, previous, strict=True)]
                        else:
                            continue
                        row = tokens.setdefault(
                            model or "unknown", {"input": 0, "output": 0, "cache_read": 0, "reasoning": 0}
                        )
                        row["input"] += max(0, use[0] - use[1])
                        row["cache_read"] += use[1]
                        row["output"] += use[2]
                        row["reasoning"] += use[3]
                    elif ptype == "web_search_end":
                        search_id = payload.get("call_id") if isinstance(payload.get("call_id"), str) else None
                    elif ptype == "turn_aborted":
                        for call_id in waiting:
                            failed[call_id] = True
                        waiting.clear()
                    elif ptype in ("exec_command_end", "patch_apply_end", "mcp_tool_call_end") or (
                        isinstance(ptype, str) and ptype.startswith("collab_") and ptype.endswith("_end")
                    ):
                        call_id = payload.get("call_id")
                        if not isinstance(call_id, str) or not call_id:
                            continue
                        if ptype == "exec_command_end":
                            if payload.get("source") == "user_shell":
                                continue
                            code = payload.get("exit_code")
                            bad = payload.get("status") in ("failed", "declined") or (
                                isinstance(code, int) and code != 0
                            )
                            procs = {k: v for k, v in procs.items() if v != call_id}
                        elif ptype == "patch_apply_end":
                            bad = payload.get("success") is not True or payload.get("status") in ("failed", "declined")
                        elif ptype == "mcp_tool_call_end":
                            result = payload.get("result")
                            bad = isinstance(result, dict) and (
                                "Err" in result
                                or (isinstance(result.get("Ok"), dict) and result["Ok"].get("isError") is True)
                            )
                        else:
                            bad = (
                                ptype == "collab_agent_spawn_end" and not payload.get("new_thread_id")
                            ) or payload.get("status") in ("failed", "errored", "error")
                        failed[call_id] = bad
                        if waiting.pop(call_id, None) is not None:
                            done.add(call_id)
                elif kind == "response_item":
                    if ptype == "message" and payload.get("role") == "user" and not envelope:
                        content = payload.get("content")
                        text = content if isinstance(content, str) else text_of(content)
                        if not re.match(r"\s*<[A-Za-z_][\w .-]{0,60}>", text) and not text.lstrip().startswith(
                            HEADINGS
                        ):
                            prompts += 1
                    elif ptype in ("function_call", "custom_tool_call", "local_shell_call"):
                        call_id = payload.get("call_id") or (payload.get("id") if ptype == "local_shell_call" else None)
                        if not isinstance(call_id, str) or not call_id:
                            continue
                        name = payload.get("name") if isinstance(payload.get("name"), str) and payload["name"] else "?"
                        if ptype == "local_shell_call":
                            name = "local_shell"
                        namespace = payload.get("namespace")
                        if isinstance(namespace, str) and namespace:
                            name = namespace + name if namespace.endswith(("__", ".", "/")) else f"{namespace}__{name}"
                        raw = payload.get("arguments")
                        try:
                            args[call_id] = json.loads(raw) if isinstance(raw, str) else raw
                        except ValueError:
                            args[call_id] = raw
                        calls.setdefault(call_id, name)
                        waiting[call_id] = name
                    elif ptype == "web_search_call":
                        call_id = payload.get("id") or search_id or f"web_search:{sid}:{lineno}"
                        search_id = None
                        calls.setdefault(call_id, "web_search")
                        failed[call_id] = payload.get("status") in ("failed", "incomplete")
                    elif ptype == "tool_search_call":
                        call_id = payload.get("call_id")
                        bad = payload.get("status") in ("failed", "incomplete")
                        key = call_id or payload.get("id") or f"tool_search:{sid}:{lineno}"
                        calls.setdefault(key, "tool_search")
                        if isinstance(call_id, str) and call_id and not bad:
                            waiting[call_id] = "tool_search"
                        else:
                            failed[key] = bad
                    elif ptype == "tool_search_output":
                        call_id = payload.get("call_id")
                        if isinstance(call_id, str) and call_id:
                            waiting.pop(call_id, None)
                            failed[call_id] = payload.get("status") in ("failed", "incomplete")
                    elif ptype == "image_generation_call":
                        key = payload.get("id") or f"image_generation:{sid}:{lineno}"
                        calls.setdefault(key, "image_generation")
                        failed[key] = payload.get("status") in ("failed", "incomplete")
                    elif ptype in ("function_call_output", "custom_tool_call_output"):
                        call_id = payload.get("call_id")
                        if not isinstance(call_id, str) or not call_id:
                            continue
                        tool = waiting.pop(call_id, None)
                        if call_id in done:
                            done.discard(call_id)
                            continue
                        bad, code = output_failed(payload.get("output"))
                        text = text_of(payload.get("output"))
                        if tool == "write_stdin":
                            session = (
                                args.get(call_id, {}).get("session_id") if isinstance(args.get(call_id), dict) else None
                            )
                            if code is not None and session is not None and str(session) in procs:
                                failed[procs.pop(str(session))] = code != 0
                            if code is not None:
                                bad = False
                        elif not bad and code is None:
                            match = re.search(r"^Process running with session ID (\d+)\s*$", text[:1600], re.MULTILINE)
                            if match:
                                procs[match.group(1)] = call_id
                        failed[call_id] = bad
    tools: dict[str, dict[str, int]] = {}
    for call_id, tool in calls.items():
        row = tools.setdefault(tool, {"calls": 0, "errors": 0})
        row["calls"] += 1
        row["errors"] += int(failed.get(call_id, False))
    return {"sessions": len(main), "prompts": prompts, "tools": tools, "tokens": tokens}


def as_int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


if __name__ == "__main__":
    print(json.dumps(count(sys.argv[1:]), indent=2, sort_keys=True))
