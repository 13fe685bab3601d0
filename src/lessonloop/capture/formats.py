"""Which agent wrote a file: its format, recognized from its path and first bytes.

`sniff(path, head)` looks at the first records (or the start of a JSON or Markdown document)
and names the format, or returns None when it cannot tell (too little to go on: the file is
then read as a Claude Code transcript, as before). It is pure and agent-neutral: ingest uses it
to skip what it cannot read yet, with one clear message instead of a notice per unknown record
type, and later adapters can route files by it.

What each agent writes (checked against the real files in ../shared/corpus and the agents' own
sources):
- Claude Code: JSONL, records with a `type` (user, assistant, system, summary, ...) and its
  ids (sessionId, uuid, parentUuid, leafUuid, messageId) or a `message`.
- Codex CLI: JSONL rollouts, each line `{"timestamp", "type", "payload"}` with type session_meta,
  response_item, event_msg, turn_context or compacted; older versions began with a
  `{"id", "timestamp", "instructions"}` line and wrote `{"record_type": "state"}` lines.
  `~/.codex/history.jsonl`: `{"session_id", "ts", "text"}` prompts.
- Gemini CLI: `chats/session-*.json`, one object `{sessionId, projectHash, startTime,
  lastUpdated, messages}`; newer versions `session-*.jsonl`: a metadata line, message records
  `{id, timestamp, type: user|gemini|info|..., content}`, `{"$set": ...}` and `{"$rewindTo": id}`
  lines. `logs.json`: an array of prompts `{sessionId, messageId, type, message, timestamp}`.
- OpenCode: `storage/{session,message,part,project}/.../*.json` objects (sessionID, messageID,
  role, time, ...), or all of it in one SQLite file, `opencode.db`.
- Aider: `.aider.chat.history.md`, Markdown with `# aider chat started at <time>` headings;
  `.aider.input.history`, `# <time>` lines followed by `+<prompt>` lines.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any

from lessonloop import json_codec
from lessonloop.capture.claude_code.record_types import ALL_TYPES

HEAD_BYTES = 64 * 1024  # what sniffing reads: a Codex rollout's first line alone is about 25 KB


@dataclass(frozen=True, slots=True)
class Format:
    """A file format lessonloop recognizes."""

    name: str
    agent: str  # the agent's id, as its adapter will name it ("codex")
    agent_name: str  # as people know it ("Codex CLI")
    what: str  # the file, in words: "a Codex CLI rollout"
    transcript: bool = True  # False: a prompt log or history, no sessions in it


CLAUDE_CODE = "claude-code"
UNKNOWN = "unknown"  # records were read, and none looks like any agent's: not a transcript

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(CLAUDE_CODE, "claude-code", "Claude Code", "a Claude Code transcript"),
        Format(
            "claude-code-history", "claude-code", "Claude Code", "Claude Code's prompt history (history.jsonl)", False
        ),
        Format("codex-rollout", "codex", "Codex CLI", "a Codex CLI rollout"),
        Format("codex-rollout-zst", "codex", "Codex CLI", "a Codex CLI rollout compressed with zstd (.jsonl.zst)"),
        Format("codex-rollout-json", "codex", "Codex CLI", "a rollout of the TypeScript Codex CLI (rollout-*.json)"),
        Format("codex-history", "codex", "Codex CLI", "Codex CLI's prompt history (history.jsonl)", False),
        Format("gemini-chat", "gemini", "Gemini CLI", "a Gemini CLI chat (session-*.json)"),
        Format("gemini-chat-jsonl", "gemini", "Gemini CLI", "a Gemini CLI chat (session-*.jsonl)"),
        Format("gemini-logs", "gemini", "Gemini CLI", "Gemini CLI's prompt log (logs.json)", False),
        Format("opencode-storage", "opencode", "OpenCode", "OpenCode session storage (storage/*/*.json)"),
        Format("opencode-db", "opencode", "OpenCode", "an OpenCode database (opencode.db)"),
        Format("aider-chat-history", "aider", "Aider", "an Aider chat history (.aider.chat.history.md)"),
        Format("aider-input-history", "aider", "Aider", "Aider's input history (.aider.input.history)", False),
    )
}

_CLAUDE_IDS = frozenset({"sessionId", "uuid", "parentUuid", "leafUuid", "messageId"})
_CODEX_TYPES = frozenset({"session_meta", "response_item", "event_msg", "turn_context", "compacted"})
_CODEX_LEGACY_ITEMS = frozenset(
    {"message", "reasoning", "function_call", "function_call_output", "local_shell_call", "custom_tool_call"}
)
_GEMINI_MESSAGE_TYPES = frozenset({"user", "gemini", "info", "error", "warning"})
_OPENCODE_FOLDERS = frozenset({"session", "message", "part", "project", "session_diff", "todo"})

_AIDER_CHAT = re.compile(rb"^# aider chat started at \d{4}-\d\d-\d\d", re.MULTILINE)
_AIDER_INPUT = re.compile(rb"^# \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?\r?\n\+", re.MULTILINE)
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')
_SQLITE = b"SQLite format 3\x00"
_OPENCODE_DB_NAME = re.compile(r"^opencode(?:-[^/]+)?\.db$")  # opencode.db, opencode-<channel>.db
_MAX_LINES = 20  # records looked at in a JSONL head
_MAX_TOKENS = 4_000  # tokens looked at in a JSON document's head


def sniff(path: str, head: bytes) -> str | None:
    """The format of the file at `path` whose first bytes are `head` (a name in FORMATS, or
    UNKNOWN when its records are none an agent writes), or None when it cannot tell."""
    name = os.path.basename(path)
    if _OPENCODE_DB_NAME.match(name):
        return "opencode-db"  # whatever it holds: its reader says what it is when it is no OpenCode database
    if head.startswith(_SQLITE):
        return None
    start = head[:1024].lstrip()[:1]
    if start in (b"{", b"["):
        return _json_document(path, head) if name.endswith(".json") else _json_lines(head)
    if name.endswith(".history"):
        return "aider-input-history" if _AIDER_INPUT.search(head) else None
    if _AIDER_CHAT.search(head):
        return "aider-chat-history"
    if not _any_json_line(head):
        return UNKNOWN  # text with no JSON record among its first lines (a README.md): no transcript
    return None


def _any_json_line(head: bytes) -> bool:
    """Whether a line among the first ones starts a JSON object or array (or the head is blank)."""
    lines = [line.strip() for line in head.split(b"\n", _MAX_LINES)[:_MAX_LINES]]
    lines = [line for line in lines if line]
    return not lines or any(line[:1] in (b"{", b"[") for line in lines)


def is_sqlite(head: bytes) -> bool:
    """Whether a file beginning with `head` is a SQLite database."""
    return head.startswith(_SQLITE)


def label(name: str) -> str:
    """The format in a few words: "Codex CLI rollout", "no known format"."""
    if name == UNKNOWN:
        return "no known format"
    what = FORMATS[name].what
    return what.split(" ", 1)[1] if what.startswith(("a ", "an ")) else what


def describe(name: str) -> str:
    """Why a file of this format is not read, in words."""
    if name == UNKNOWN:
        return "not a transcript of any agent lessonloop knows (its first records match no known format)"
    known = FORMATS[name]
    if not known.transcript:
        return f"looks like {known.what}: prompts only, no sessions to read"
    return f"looks like {known.what}; lessonloop does not read {known.agent_name} transcripts yet"


# --------------------------------------------------------------------------- JSON lines


def _json_lines(head: bytes) -> str | None:
    records = 0
    for raw in head.split(b"\n", _MAX_LINES)[:_MAX_LINES]:
        if not raw.strip():
            continue
        try:
            value = json_codec.loads(raw)
        except json_codec.JSONDecodeError:
            continue  # a damaged line, or the last one, cut by the head's end
        if isinstance(value, dict):
            records += 1
            found = _record_format(value)
            if found is not None:
                return found
    if records:
        return UNKNOWN
    # No whole record in the head (a first line longer than it): judge the first one by its start.
    shape = _document_start(head)
    if shape is None or shape[0] != "object":
        return None
    found = _record_format(shape[1])
    return found if found is not None else UNKNOWN if len(shape[1]) >= 3 else None


def _record_format(record: dict[str, Any]) -> str | None:
    """The format one JSONL record decides, or None when it could be several."""
    kind = record.get("type")
    if "$set" in record or "$rewindTo" in record:
        return "gemini-chat-jsonl"
    if isinstance(kind, str):
        if kind in _CODEX_TYPES and "payload" in record and "timestamp" in record:
            return "codex-rollout"
        if kind in ALL_TYPES and ("message" in record or not _CLAUDE_IDS.isdisjoint(record)):
            return CLAUDE_CODE
        if kind in _GEMINI_MESSAGE_TYPES and "id" in record and "content" in record and "message" not in record:
            return "gemini-chat-jsonl"
        if kind in _CODEX_LEGACY_ITEMS and _CLAUDE_IDS.isdisjoint(record) and "payload" not in record:
            return "codex-rollout"
    elif kind is None:
        if "sessionId" in record and ("projectHash" in record or "startTime" in record):
            return "gemini-chat-jsonl"
        if "id" in record and "timestamp" in record and ("instructions" in record or "git" in record):
            return "codex-rollout"
    if "record_type" in record:
        return "codex-rollout"
    if {"session_id", "ts", "text"} <= record.keys():
        return "codex-history"
    if {"display", "timestamp", "project"} <= record.keys():
        return "claude-code-history"
    if "sessionId" in record and ("uuid" in record or "parentUuid" in record):
        return CLAUDE_CODE  # Claude Code's envelope around a record type not known yet
    return None


# --------------------------------------------------------------------------- JSON documents


def _json_document(path: str, head: bytes) -> str | None:
    shape = _document_start(head, _gemini_decided)
    if shape is None:
        return None
    kind, fields = shape
    keys = fields.keys()
    if kind == "object":
        if "sessionId" in keys and ("messages" in keys or "projectHash" in keys):
            return "gemini-chat"
        parts = path.replace(os.sep, "/").split("/")
        in_storage = any(
            part == "storage" and index + 1 < len(parts) and parts[index + 1] in _OPENCODE_FOLDERS
            for index, part in enumerate(parts)
        )
        if "sessionID" in keys and ("messageID" in keys or "role" in keys):
            return "opencode-storage"
        if in_storage and "id" in keys and ("time" in keys or "sessionID" in keys):
            return "opencode-storage"
        return None
    if {"sessionId", "messageId", "message"} <= keys:
        return "gemini-logs"
    return None


def _gemini_decided(kind: str, keys: Container[str]) -> bool:
    """Whether _json_document's answer is already Gemini's whatever keys come after: its first
    test for the kind holds (more keys cannot make it fail). A chat's messages are most of its
    head; its sessionId and projectHash come first."""
    if kind == "object":
        return "sessionId" in keys and ("messages" in keys or "projectHash" in keys)
    return "sessionId" in keys and "messageId" in keys and "message" in keys


def _document_start(
    head: bytes, decided: Callable[[str, Container[str]], bool] | None = None
) -> tuple[str, dict[str, Any]] | None:
    """("object", its top-level fields) or ("array", the fields of its first element) from the
    start of a JSON document or line, which may be cut anywhere: each key seen, with its value
    when that is a string (else None). None when the text starts with neither. With `decided`,
    reading stops at the first key after which decided(kind, keys) holds."""
    text = head.lstrip()
    kind = "object" if text.startswith(b"{") else "array" if text.startswith(b"[") else None
    if kind is None:
        return None
    level = 1 if kind == "object" else 2  # where the keys are
    depth = 0
    fields: dict[str, Any] = {}
    key: str | None = None  # a key whose colon was the last token
    previous = b""
    for count, match in enumerate(_JSON_TOKEN.finditer(text)):
        token = match.group()
        if key is not None:
            if token.startswith(b'"'):
                fields[key] = _string(token)  # a string value: the record's type, say
            key = None
        if token in (b"{", b"["):
            depth += 1
        elif token in (b"}", b"]"):
            depth -= 1
            if depth < level:
                break  # the object (or the array's first element) ended
        elif token == b":" and depth == level and previous.startswith(b'"'):
            key = _string(previous)
            if key is not None:
                fields[key] = None
                if decided is not None and decided(kind, fields.keys()):
                    break
        previous = token
        if count >= _MAX_TOKENS:
            break
    return kind, fields


def _string(token: bytes) -> str | None:
    try:
        value = json_codec.loads(token)
    except json_codec.JSONDecodeError:
        return None
    return value if isinstance(value, str) else None
