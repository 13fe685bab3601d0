"""Count the database of the older OpenCode written in Go (opencode-ai/opencode; Charm's Crush)
from the format description alone (stdlib and sqlite3 only).

Format (its goose migrations internal/db/migrations/*.sql, internal/message/content.go,
internal/llm/agent/agent.go, internal/llm/tools/bash.go):
- sessions (id, parent_session_id, ...): a session with a parent is an agent tool's sub-session.
- messages (id, session_id, role user|assistant|tool|system, parts): parts is JSON text, a list of
  {"type", "data"}; a user's text part {"text"} is what was typed; an assistant's tool_call part
  {"id", "name", "input"} is a call; a tool message's tool_result part {"tool_call_id", "name",
  "content", "metadata", "is_error"} is its result.
- a call failed when its result has is_error (a refusal, "Permission denied", "Tool execution
  canceled by user", a tool's own error response), or when it is bash's and the result's last line
  is "Exit code N" with N != 0: bash appends that line after stderr for a non-zero exit, and later
  versions then a "<cwd>DIR</cwd>" line, which is not the last line read. A command stopped by a
  timeout or a cancel ends "Command was aborted before completion" and is not is_error: not failed.
  A line "Exit code N" anywhere else is the command's own output.
Counted: sessions (no parent), prompts (user text parts that are not blank), tool calls per tool
and the failed ones.

Usage: python opencode_go_count.py DATABASE... (prints JSON)
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from typing import Any

EXIT = re.compile(r"^Exit code (-?\d+)\s*$")
CWD = re.compile(r"^<cwd>.*</cwd>\s*$")


def parts_of(value: Any) -> list[dict[str, Any]]:
    try:
        found = json.loads(value) if isinstance(value, (str, bytes)) else []
    except ValueError:
        return []
    if not isinstance(found, list):
        return []
    return [p for p in found if isinstance(p, dict) and isinstance(p.get("data"), dict)]


def failed(result: dict[str, Any]) -> bool:
    if result.get("is_error") is True:
        return True
    content = result.get("content") if isinstance(result.get("content"), str) else ""
    lines = content.rstrip().split("\n")
    if lines and CWD.match(lines[-1]):
        lines = "\n".join(lines[:-1]).rstrip().split("\n")
    code = EXIT.match(lines[-1]) if lines else None
    return code is not None and int(code.group(1)) != 0


def count(paths: list[str]) -> dict[str, Any]:
    sessions = 0
    prompts = 0
    tools: dict[str, dict[str, int]] = {}
    for path in paths:
        conn = sqlite3.connect("file:" + os.path.abspath(path) + "?mode=ro", uri=True)
        try:
            sessions += conn.execute("SELECT count(*) FROM sessions WHERE parent_session_id IS NULL").fetchone()[0]
            rows = conn.execute("SELECT role, parts FROM messages").fetchall()
        finally:
            conn.close()
        results: dict[str, dict[str, Any]] = {}
        calls: list[dict[str, Any]] = []
        for role, raw in rows:
            for part in parts_of(raw):
                kind, data = part.get("type"), part["data"]
                if role == "user" and kind == "text" and isinstance(data.get("text"), str) and data["text"].strip():
                    prompts += 1
                elif role == "assistant" and kind == "tool_call":
                    calls.append(data)
                elif kind == "tool_result":
                    results[str(data.get("tool_call_id"))] = data
        for call in calls:
            name = call.get("name") if isinstance(call.get("name"), str) and call.get("name") else "unknown"
            entry = tools.setdefault(name, {"calls": 0, "errors": 0})
            entry["calls"] += 1
            result = results.get(str(call.get("id")))
            entry["errors"] += int(result is not None and failed(result))
    return {"sessions": sessions, "prompts": prompts, "tools": tools}


if __name__ == "__main__":
    print(json.dumps(count(sys.argv[1:]), indent=2, sort_keys=True))
