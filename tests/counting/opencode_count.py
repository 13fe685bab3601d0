"""Count OpenCode sessions from the format description alone (stdlib and sqlite3 only).

Format (OpenCode, packages/opencode/src/session/message-v2.ts, session.sql.ts, processor.ts):
- storage/session/<project>/<session id>.json: {id, parentID?, directory, title, time}
  storage/message/<session id>/<message id>.json: {id, sessionID, role: user|assistant, ...}
  storage/part/<message id>/<part id>.json: {id, sessionID, messageID, type, ...}
- opencode.db: tables session (id, parent_id, ...), message (id, session_id, data) and part
  (id, message_id, session_id, data), data being the same JSON without the ids.
- assistant messages: modelID, tokens {input (cache not included), output (reasoning not
  included), reasoning, cache {read, write}}; each step writes a step-finish part with that step's
  tokens, and the message keeps only the last step's: a message's usage is the sum of its
  step-finish parts (its own tokens when it has none).
- tool parts: {tool, callID, state: {status pending|running|completed|error, input, output,
  error, metadata}}; bash's metadata.exit is the exit code.
Counted: sessions (no parentID); prompts (text parts of user messages, not synthetic or ignored,
not blank); tool calls per tool and the failed ones (status error, or completed with a non-zero
metadata.exit, or completed by the `invalid` tool a call with bad arguments or an unknown tool goes to); tokens per model: input, cache_read, cache_creation (cache.write),
output = output + reasoning, reasoning.

Usage: python opencode_count.py STORAGE_FOLDER_OR_DB... (prints JSON)
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from typing import Any


def number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def load(path: str) -> Any:
    try:
        with open(path, "rb") as handle:
            return json.loads(handle.read())
    except (OSError, ValueError):
        return None


def from_storage(root: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(sessions, messages, parts) of a storage folder (or of the folder holding storage/)."""
    if os.path.isdir(os.path.join(root, "storage")):
        root = os.path.join(root, "storage")
    out: dict[str, list[dict[str, Any]]] = {"session": [], "message": [], "part": []}
    for kind, items in out.items():
        base = os.path.join(root, kind)
        if not os.path.isdir(base):
            continue
        for inner in sorted(os.listdir(base)):
            folder = os.path.join(base, inner)
            if not os.path.isdir(folder):
                continue
            for name in sorted(os.listdir(folder)):
                if name.endswith(".json"):
                    value = load(os.path.join(folder, name))
                    if isinstance(value, dict):
                        value.setdefault("id", name[:-5])
                        if kind == "message":
                            value.setdefault("sessionID", inner)
                        if kind == "part":
                            value.setdefault("messageID", inner)
                        items.append(value)
    # The layout before OpenCode's first storage migration: session/info/<sid>.json (read above as
    # a session folder "info"), session/message/<sid>/<mid>.json, session/part/<sid>/<mid>/<pid>.json.
    old = os.path.join(root, "session")
    for sid, folder in _folders(os.path.join(old, "message")):
        for name in sorted(os.listdir(folder)):
            value = load(os.path.join(folder, name)) if name.endswith(".json") else None
            if isinstance(value, dict):
                value.setdefault("id", name[:-5])
                value.setdefault("sessionID", sid)
                out["message"].append(value)
    for _sid, session_folder in _folders(os.path.join(old, "part")):
        for mid, folder in _folders(session_folder):
            for name in sorted(os.listdir(folder)):
                value = load(os.path.join(folder, name)) if name.endswith(".json") else None
                if isinstance(value, dict):
                    value.setdefault("id", name[:-5])
                    value.setdefault("messageID", mid)
                    out["part"].append(value)
    return out["session"], out["message"], out["part"]


def _folders(base: str) -> list[tuple[str, str]]:
    if not os.path.isdir(base):
        return []
    return [(n, os.path.join(base, n)) for n in sorted(os.listdir(base)) if os.path.isdir(os.path.join(base, n))]


def from_database(path: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    conn = sqlite3.connect("file:" + os.path.abspath(path) + "?mode=ro", uri=True)
    try:
        sessions = [{"id": i, "parentID": p} for i, p in conn.execute("SELECT id, parent_id FROM session")]
        messages = []
        for mid, sid, data in conn.execute("SELECT id, session_id, data FROM message"):
            value = json.loads(data)
            value.update(id=mid, sessionID=sid)
            messages.append(value)
        parts = []
        for pid, mid, sid, data in conn.execute("SELECT id, message_id, session_id, data FROM part"):
            value = json.loads(data)
            value.update(id=pid, messageID=mid, sessionID=sid)
            parts.append(value)
        return sessions, messages, parts
    finally:
        conn.close()


def count(paths: list[str]) -> dict[str, Any]:
    sessions: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    for path in paths:
        found = from_database(path) if os.path.isfile(path) else from_storage(path)
        sessions += found[0]
        messages += found[1]
        parts += found[2]
    by_message: dict[str, list[dict[str, Any]]] = {}
    for part in parts:
        by_message.setdefault(part.get("messageID"), []).append(part)  # type: ignore[arg-type]
    known = {s["id"] for s in sessions} | {m.get("sessionID") for m in messages}
    main = {s["id"] for s in sessions if not s.get("parentID")}
    main |= {sid for sid in known if sid not in {s["id"] for s in sessions}}  # messages without a session file
    prompts = 0
    tools: dict[str, dict[str, int]] = {}
    tokens: dict[str, dict[str, int]] = {}
    for message in messages:
        own = by_message.get(message["id"], [])
        if not own and isinstance(message.get("parts"), list):  # the first format: parts inside the message
            own = [part for part in message["parts"] if isinstance(part, dict)]
        role = message.get("role")
        if role == "user":
            for part in own:
                text = part.get("text")
                typed = part.get("synthetic") is not True and part.get("ignored") is not True
                if part.get("type") == "text" and isinstance(text, str) and text.strip() and typed:
                    prompts += 1
        if role != "assistant":
            continue
        for part in own:
            if part.get("type") != "tool":
                continue
            name = part.get("tool") if isinstance(part.get("tool"), str) and part.get("tool") else "unknown"
            state = part.get("state") if isinstance(part.get("state"), dict) else {}
            entry = tools.setdefault(name, {"calls": 0, "errors": 0})
            entry["calls"] += 1
            metadata = state.get("metadata") if isinstance(state.get("metadata"), dict) else {}
            exit_code = metadata.get("exit")
            failed_exit = state.get("status") == "completed" and (
                (isinstance(exit_code, int) and exit_code != 0) or part.get("tool") == "invalid"
            )
            if state.get("status") == "error" or failed_exit:
                entry["errors"] += 1
        steps = [p["tokens"] for p in own if p.get("type") == "step-finish" and isinstance(p.get("tokens"), dict)]
        if not steps:
            steps = [message["tokens"]] if isinstance(message.get("tokens"), dict) else []
        model = (
            message.get("modelID") if isinstance(message.get("modelID"), str) and message.get("modelID") else "unknown"
        )
        sums = {"input": 0, "output": 0, "cache_creation": 0, "cache_read": 0, "reasoning": 0}
        for step in steps:
            cache = step.get("cache") if isinstance(step.get("cache"), dict) else {}
            sums["input"] += number(step.get("input"))
            sums["output"] += number(step.get("output")) + number(step.get("reasoning"))
            sums["reasoning"] += number(step.get("reasoning"))
            sums["cache_read"] += number(cache.get("read"))
            sums["cache_creation"] += number(cache.get("write"))
        if any(sums.values()):
            total = tokens.setdefault(model, dict.fromkeys(sums, 0))
            for key, value in sums.items():
                total[key] += value
    return {"sessions": len(main), "prompts": prompts, "tools": tools, "tokens": tokens}


if __name__ == "__main__":
    print(json.dumps(count(sys.argv[1:]), indent=2, sort_keys=True))
