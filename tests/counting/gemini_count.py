"""Count a set of Gemini CLI chat files from the format description alone (stdlib only).

Format (Gemini CLI, packages/core/src/services/chatRecordingService.ts and chatRecordingTypes.ts):
- session-*.json: one object {sessionId, projectHash, startTime, lastUpdated, messages: [...]}.
- *.jsonl: lines replayed in order: {"$rewindTo": id} drops message `id` and every message after
  it (all when `id` is unknown); a line with a string "id" is a message (a later line with the
  same id replaces it in place); {"$set": {...}} updates metadata (a messages list there replaces the
  messages so far, later lines add to it; when it rewrites earlier messages, the model turns that ran
  are kept and its token-less copies of them dropped); a line with sessionId and projectHash is the metadata.
- messages: {id, timestamp, type: user|gemini|info|warning|error, content, displayContent?};
  gemini ones have model, tokens {input, output, cached, thoughts, tool, total} and
  toolCalls [{id, name, args, result, status: success|error|cancelled|..., resultDisplay}].
- chats/<parentSessionId>/<id>.jsonl are sub-agents: not counted as sessions.
Counted: sessions; prompts (user messages with text that are not /commands, not function
responses and not the CLI's <session_context> opening; <hook_context> blocks left out); tool calls and failed calls per tool (status error or cancelled, or a shell command
whose output says "Exit Code: N" with N != 0, or, without an exit code, "Signal: X" or "Error: X"
(X not "(none)": older versions write every field), or starts
"Command was automatically cancelled because" (its timeout) / "Command was cancelled by user"); tokens per model with input = input - cached +
tool, cache_read = cached, output = output + thoughts, reasoning = thoughts.

Usage: python gemini_count.py FILE_OR_FOLDER... (prints JSON)
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

SLASH = re.compile(r"^/[A-Za-z][\w:.-]*(?:\s|$)")
EXIT = re.compile(r"^Exit Code: (-?\d+)\s*$", re.MULTILINE)


def chat_files(paths: list[str]) -> list[str]:
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for folder, _, names in os.walk(path):
                files.extend(os.path.join(folder, n) for n in names if n.endswith((".json", ".jsonl")))
        else:
            files.append(path)
    return sorted(f for f in files if not (f.endswith(".json") and os.path.exists(f + "l")))


def load(path: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    with open(path, "rb") as handle:
        data = handle.read().decode("utf-8", errors="replace")
    if path.endswith(".json"):
        try:
            doc = json.loads(data)
        except ValueError:
            return None
        if not isinstance(doc, dict) or "sessionId" not in doc:
            return None
        messages: list[Any] = doc["messages"] if isinstance(doc.get("messages"), list) else []
        return doc, [m for m in messages if isinstance(m, dict)]
    meta: dict[str, Any] = {}
    by_id: dict[str, dict[str, Any]] = {}
    first: dict[str, int] = {}
    ran: dict[str, Any] = {}
    for line in data.split("\n"):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        if isinstance(record.get("$rewindTo"), str):
            ids = list(by_id)
            cut = ids.index(record["$rewindTo"]) if record["$rewindTo"] in by_id else 0
            for key in ids[cut:]:
                del by_id[key]
        elif isinstance(record.get("id"), str):
            by_id[record["id"]] = record
            first.setdefault(record["id"], len(first))
        elif isinstance(record.get("$set"), dict):
            listed = record["$set"].get("messages")
            if isinstance(listed, list):
                # in place: the lines after it add to it; a rewrite (something recorded before it)
                # keeps the model turns that ran (tokens or calls) and drops its token-less copies
                rewrite = bool(by_id)
                for key, old in by_id.items():
                    if (
                        rewrite
                        and old.get("type") == "gemini"
                        and (isinstance(old.get("tokens"), dict) or old.get("toolCalls"))
                    ):
                        ran.setdefault(key, old)
                by_id = {}
                for m in listed:
                    if not isinstance(m, dict) or not isinstance(m.get("id"), str):
                        continue
                    if (
                        rewrite
                        and m.get("type") == "gemini"
                        and not isinstance(m.get("tokens"), dict)
                        and not m.get("toolCalls")
                    ):
                        continue
                    by_id[m["id"]] = m
                    first.setdefault(m["id"], len(first))
            meta.update(record["$set"])
        elif isinstance(record.get("sessionId"), str) and isinstance(record.get("projectHash"), str):
            meta.update(record)
    if "sessionId" not in meta:
        return None
    every = {**{k: m for k, m in ran.items() if k not in by_id}, **by_id}
    return meta, [every[k] for k in sorted(every, key=lambda k: first[k])]


def text_of(content: Any) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        content = [content]
    if not isinstance(content, list):
        return None
    parts = [
        p if isinstance(p, str) else p["text"]
        for p in content
        if isinstance(p, str) or (isinstance(p, dict) and isinstance(p.get("text"), str) and not p.get("thought"))
    ]
    return "".join(parts) if parts else None


def result_text(result: Any) -> str:
    out: list[str] = []
    for part in result if isinstance(result, list) else [result]:
        if isinstance(part, dict):
            body = (part.get("functionResponse") or {}).get("response")
            if isinstance(body, dict) and isinstance(body.get("output"), str):
                out.append(body["output"])
            elif isinstance(part.get("text"), str):
                out.append(part["text"])
        elif isinstance(part, str):
            out.append(part)
    return "\n".join(out)


def count_of(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def count(paths: list[str]) -> dict[str, Any]:
    sessions: set[str] = set()
    prompts = 0
    tools: dict[str, dict[str, int]] = {}
    tokens: dict[str, dict[str, int]] = {}
    for path in chat_files(paths):
        loaded = load(path)
        if loaded is None:
            continue
        meta, messages = loaded
        if os.path.basename(os.path.dirname(os.path.dirname(path))) != "chats":
            sessions.add(meta["sessionId"])
        for m in messages:
            if m.get("type") == "user":
                content = m.get("content")
                if isinstance(content, list) and any(isinstance(p, dict) and "functionResponse" in p for p in content):
                    continue
                text = text_of(m.get("displayContent"))
                if text is None:
                    text = text_of(content)
                    if text is not None:
                        text = text.split("\n--- Content from referenced files ---", 1)[0]
                if text and "<hook_context>" in text:  # what hooks added for the model, not typed
                    text = re.sub(r"<hook_context>.*?</hook_context>\s*", "", text, flags=re.DOTALL)
                opening = text.lstrip().startswith("<session_context>") if text else False  # the CLI's own
                if text and text.strip() and not SLASH.match(text.lstrip()) and not opening:
                    prompts += 1
            if m.get("type") != "gemini":
                continue
            for call in m.get("toolCalls") or []:
                if not isinstance(call, dict):
                    continue
                name: str = call["name"] if isinstance(call.get("name"), str) and call["name"] else "?"
                row = tools.setdefault(name, {"calls": 0, "errors": 0})
                row["calls"] += 1
                status = call.get("status")
                failed = status in ("error", "cancelled")
                if status == "success" and name == "run_shell_command":
                    text = result_text(call.get("result"))
                    wrapped = re.fullmatch(r"\s*<untrusted_context>\n?(.*?)\n?</untrusted_context>.*", text, re.DOTALL)
                    if wrapped:  # 0.61 wraps the output: "<untrusted_context>\nOutput: ...</untrusted_context>"
                        text = wrapped.group(1).removeprefix("Output: ")
                    codes = EXIT.findall(text)
                    if text.startswith(
                        ("Command was automatically cancelled because", "Command was cancelled by user")
                    ):
                        failed = True
                    elif codes:
                        failed = int(codes[-1]) != 0
                    else:
                        failed = (
                            re.search(r"^Signal: (?!\(none\))\S+\s*$", text, re.MULTILINE) is not None
                            or re.search(r"^Error: (?!\(none\))\S", text, re.MULTILINE) is not None
                        )
                row["errors"] += failed
            t = m.get("tokens")
            if isinstance(t, dict):
                model: str = m["model"] if isinstance(m.get("model"), str) and m["model"] else "unknown"
                row = tokens.setdefault(
                    model, {"input": 0, "output": 0, "cache_creation": 0, "cache_read": 0, "reasoning": 0}
                )
                n = {key: count_of(t.get(key)) for key in ("input", "output", "cached", "thoughts", "tool")}
                row["input"] += max(0, n["input"] - n["cached"]) + n["tool"]
                row["output"] += n["output"] + n["thoughts"]
                row["cache_read"] += n["cached"]
                row["reasoning"] += n["thoughts"]
    return {"sessions": len(sessions), "prompts": prompts, "tools": tools, "tokens": tokens}


if __name__ == "__main__":
    print(json.dumps(count(sys.argv[1:]), indent=2, sort_keys=True))
