#!/usr/bin/env python3
"""Generate lessonloop's bundled sample: three Claude Code 2.1.x sessions of an agent working on lessonloop.

The sample is what `lessonloop ingest` reads when a person has no transcripts yet. It is synthetic
but copies the record shapes of real Claude Code 2.1.39 transcripts (see the shared
docs/agent-formats.md, section 1, and the real sessions in the shared corpus): the envelope on
every line, assistant responses split into one line per content block that repeat `usage` with
growing output_tokens, `progress` records (hooks, Bash output, a running subagent), tool results
with their `toolUseResult`, harness errors in `<tool_use_error>`, `Exit code N` prefixes, a user
rejection, an interrupt, slash commands, compactions, a subagent in `<sessionId>/subagents/`...

It holds the mistakes lessonloop exists to learn from, repeated across sessions: editing a file
before reading it, an old_string that is not in the file, reading a file that is too large or does
not exist, tests failing, `git commit` rejected by a formatting hook, `git push` without an
upstream branch, a command that is not installed, a rejected `rm -rf`, a typed correction.

Deterministic: no randomness, fixed timestamps (November 2026); ids are derived from hashes, so
running it again writes byte-identical files. Pure standard library. Usage:

    python scripts/make_sample.py          # (re)write src/lessonloop/sample/claude-code/
    python scripts/make_sample.py --check  # exit 1 when the files on disk differ from a fresh run

It prints what it wrote: sessions, lines, tool calls and errors per tool, and tokens per model
(deduplicated per response, keeping the largest output_tokens; model <synthetic> excluded).
tests/test_sample.py pins those figures.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import re
import shutil
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "lessonloop" / "sample" / "claude-code"

VERSION = "2.1.39"
OPUS = "claude-opus-4-6"
SONNET = "claude-sonnet-4-5-20250929"
HAIKU = "claude-haiku-4-5-20251001"
SYNTHETIC = "<synthetic>"

HOME = "/home/dev"
REPO = f"{HOME}/lessonloop"
WORKTREE = f"{HOME}/lessonloop-worktrees/stats-json"

LAST = "<the last line>"  # Transcript.user_line: hang from the last threaded line
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def project_folder(cwd: str) -> str:
    """Claude Code's folder name for a working directory: every non-alphanumeric character becomes '-'."""
    return re.sub(r"[^A-Za-z0-9]", "-", cwd)


def plus_ms(stamp: str, ms: int) -> str:
    """An ISO-8601 UTC timestamp with milliseconds, `ms` later."""
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ") + timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def dumps(value: Any) -> str:
    """Compact JSON as Claude Code writes it: no spaces, UTF-8 kept as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------------------- ids


class Ids:
    """Deterministic ids: each one is a hash of a seed, its kind and a counter."""

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.counter = 0
        self.issued: set[str] = set()

    def _digest(self, kind: str) -> bytes:
        self.counter += 1
        return hashlib.sha512(f"{self.seed}:{kind}:{self.counter}".encode()).digest()

    def _unique(self, value: str) -> str:
        assert value not in self.issued, value
        self.issued.add(value)
        return value

    def uuid(self) -> str:
        return self._unique(str(uuid.UUID(bytes=self._digest("uuid")[:16], version=4)))

    def chars(self, kind: str, length: int) -> str:
        digest = self._digest(kind)
        return "".join(_ALNUM[b % len(_ALNUM)] for b in digest[:length])

    def tool_use(self) -> str:
        return self._unique("toolu_01" + self.chars("toolu", 22))

    def message(self) -> str:
        return self._unique("msg_01" + self.chars("msg", 22))

    def request(self) -> str:
        return self._unique("req_011C" + self.chars("req", 20))

    def hex(self, length: int) -> str:
        return self._digest("hex").hex()[:length]

    def signature(self) -> str:
        raw = self._digest("sig") + self._digest("sig") + self._digest("sig")
        return base64.b64encode(b"\x12\x08\x0b\x18\x02" + raw[:180]).decode()

    def jitter(self, low: int, high: int) -> int:
        return low + int.from_bytes(self._digest("ms")[:4], "big") % (high - low + 1)


IDS = Ids("lessonloop-sample-v1")


# ------------------------------------------------------------------------------- the tally


class Tally:
    """What the generator wrote, counted while writing: the figures tests/test_sample.py pins."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        # (message id, request id) -> (model, usage of the line with the largest output_tokens)
        self.responses: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self.prompts = 0

    def response(self, model: str, message_id: str, request_id: str, usage: dict[str, Any]) -> None:
        if model == SYNTHETIC:
            return
        key = (message_id, request_id)
        kept = self.responses.get(key)
        if kept is None or usage["output_tokens"] >= kept[1]["output_tokens"]:
            self.responses[key] = (model, usage)

    def tokens(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for model, usage in self.responses.values():
            row = out.setdefault(model, {"input": 0, "output": 0, "cache_creation": 0, "cache_read": 0})
            row["input"] += usage["input_tokens"]
            row["output"] += usage["output_tokens"]
            row["cache_creation"] += usage["cache_creation_input_tokens"]
            row["cache_read"] += usage["cache_read_input_tokens"]
        return dict(sorted(out.items()))


TALLY = Tally()


# ------------------------------------------------------------------------------- file edits


def structured_patch(before: str, after: str) -> list[dict[str, Any]]:
    """The hunks of a unified diff (3 lines of context), shaped like Claude Code's structuredPatch."""
    hunks: list[dict[str, Any]] = []
    diff = difflib.unified_diff(before.split("\n"), after.split("\n"), lineterm="", n=3)
    for line in list(diff)[2:]:
        head = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", line)
        if head:
            hunks.append(
                {
                    "oldStart": int(head[1]),
                    "oldLines": int(head[2]) if head[2] is not None else 1,
                    "newStart": int(head[3]),
                    "newLines": int(head[4]) if head[4] is not None else 1,
                    "lines": [],
                }
            )
        else:
            hunks[-1]["lines"].append(line)
    return hunks


class Files:
    """The working tree as the agent sees it in one session: path -> content."""

    def __init__(self, root: str, contents: dict[str, str]) -> None:
        self.root = root
        self.contents = {f"{root}/{path}": text for path, text in contents.items()}

    def path(self, relative: str) -> str:
        return f"{self.root}/{relative}"

    def read(self, path: str, offset: int | None = None, limit: int | None = None) -> tuple[str, dict[str, Any]]:
        """A Read's tool_result text (numbered lines) and its toolUseResult."""
        lines = self.contents[path].split("\n")
        start = offset or 1
        chosen = lines[start - 1 : start - 1 + limit] if limit else lines[start - 1 :]
        shown = "\n".join(f"{start + i:>6}→{line}" for i, line in enumerate(chosen))
        result = {
            "type": "text",
            "file": {
                "filePath": path,
                "content": "\n".join(chosen),
                "numLines": len(chosen),
                "startLine": start,
                "totalLines": len(lines),
            },
        }
        return shown, result

    def edit(self, path: str, old: str, new: str) -> dict[str, Any]:
        """Apply an Edit; return its toolUseResult."""
        original = self.contents[path]
        assert original.count(old) == 1, (path, old)
        updated = original.replace(old, new)
        self.contents[path] = updated
        return {
            "filePath": path,
            "oldString": old,
            "newString": new,
            "originalFile": original,
            "structuredPatch": structured_patch(original, updated),
            "userModified": False,
            "replaceAll": False,
        }

    def line_of(self, path: str, needle: str) -> int:
        for number, line in enumerate(self.contents[path].split("\n"), start=1):
            if needle in line:
                return number
        raise AssertionError(needle)


# ------------------------------------------------------------------------------- transcripts


def thinking(text: str) -> dict[str, Any]:
    return {"type": "thinking", "thinking": text, "signature": IDS.signature()}


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def tool(name: str, **tool_input: Any) -> dict[str, Any]:
    return {"type": "tool_use", "name": name, "input": tool_input}


def bash_ok(stdout: str, **extra: Any) -> dict[str, Any]:
    result = {"stdout": stdout, "stderr": "", "interrupted": False, "isImage": False, "noOutputExpected": False}
    result.update(extra)
    return result


class Transcript:
    """One transcript file: a main session or a subagent, written line by line."""

    def __init__(
        self,
        *,
        session_id: str,
        cwd: str,
        branch: str,
        start: str,
        slug: str | None = None,
        agent_id: str | None = None,
        permission_mode: str = "default",
        context: int = 11_515,
    ) -> None:
        self.session_id = session_id
        self.cwd = cwd
        self.branch = branch
        self.slug = slug
        self.agent_id = agent_id
        self.permission_mode = permission_mode
        self.now = datetime.strptime(start, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        self.records: list[dict[str, Any]] = []
        self.last: str | None = None  # the uuid the next threaded line hangs from
        self.tool_lines: dict[str, tuple[str, str]] = {}  # tool_use id -> (tool name, assistant line uuid)
        self.open_tools: set[str] = set()
        self.context = context  # tokens of cached context, grows as the session goes on
        self.turn_started = self.now
        self.new_context = 13_835  # tokens written to the cache by the next request

    # ------------------------------------------------------------------ basics

    @property
    def sidechain(self) -> bool:
        return self.agent_id is not None

    def tick(self, low: int = 250, high: int = 1_800) -> str:
        self.now += timedelta(milliseconds=IDS.jitter(low, high))
        return self.stamp()

    def wait(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def stamp(self) -> str:
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.now.microsecond // 1000:03d}Z"

    def envelope(self, parent: str | None) -> dict[str, Any]:
        record: dict[str, Any] = {
            "parentUuid": parent,
            "isSidechain": self.sidechain,
            "userType": "external",
            "cwd": self.cwd,
            "sessionId": self.session_id,
            "version": VERSION,
            "gitBranch": self.branch,
        }
        if self.agent_id:
            record["agentId"] = self.agent_id
        if self.slug:
            record["slug"] = self.slug
        return record

    def emit(self, record: dict[str, Any]) -> dict[str, Any]:
        self.records.append(record)
        return record

    # ------------------------------------------------------------------ user side

    def prompt(self, content: str, *, snapshot: bool = True, pause: bool = True) -> str:
        """A typed prompt (or a task notification, which Claude Code writes the same way)."""
        assert not self.open_tools, self.open_tools
        if pause:
            self.tick(20_000, 150_000)  # the person reads, thinks, types
        self.turn_started = self.now
        uid = IDS.uuid()
        if snapshot:
            record = {
                "type": "file-history-snapshot",
                "messageId": uid,
                "snapshot": {"messageId": uid, "trackedFileBackups": {}, "timestamp": self.stamp()},
                "isSnapshotUpdate": False,
            }
            # Like real files, the first prompt's snapshot is the file's first line (before the
            # SessionStart hooks that ran earlier).
            first = not any(r.get("type") == "user" for r in self.records)
            self.records.insert(0 if first else len(self.records), record)
        record = self.envelope(self.last)
        record.update(type="user", message={"role": "user", "content": content}, uuid=uid, timestamp=self.stamp())
        if not self.sidechain:
            record.update(thinkingMetadata={"maxThinkingTokens": 31999}, todos=[], permissionMode=self.permission_mode)
        self.emit(record)
        self.last = uid
        return uid

    def user_line(self, content: Any, *, parent: str | None = LAST, **extra: Any) -> str:
        """A user line that is not a typed prompt: meta lines, commands, interrupts, summaries."""
        uid = IDS.uuid()
        record = self.envelope(self.last if parent == LAST else parent)
        record.update(type="user", message={"role": "user", "content": content})
        record.update(extra)
        record.update(uuid=uid, timestamp=self.tick(1, 40))
        self.emit(record)
        self.last = uid
        return uid

    def interrupt(self) -> str:
        return self.user_line([text("[Request interrupted by user]")])

    def result(self, tool_id: str, content: Any, tool_use_result: Any, *, error: bool = False) -> str:
        """The user line carrying a tool_result (paired with its tool_use by id)."""
        name, assistant_uuid = self.tool_lines[tool_id]
        self.open_tools.discard(tool_id)
        TALLY.errors[name] += error
        if error:
            block: dict[str, Any] = {
                "type": "tool_result",
                "content": content,
                "is_error": True,
                "tool_use_id": tool_id,
            }
        else:
            block = {"tool_use_id": tool_id, "type": "tool_result", "content": content}
            if name == "Bash":
                block["is_error"] = False
        uid = IDS.uuid()
        record = self.envelope(assistant_uuid)
        record.update(type="user", message={"role": "user", "content": [block]}, uuid=uid, timestamp=self.tick(60, 900))
        record["toolUseResult"] = tool_use_result
        record["sourceToolAssistantUUID"] = assistant_uuid
        self.emit(record)
        self.last = uid
        return uid

    def error(self, tool_id: str, message: str) -> str:
        """A failed tool call: the text goes to the model, "Error: <text>" to toolUseResult.

        A call cancelled because a parallel one failed gets the bare text, as Claude Code writes it.
        """
        bare = message.removeprefix("<tool_use_error>").removesuffix("</tool_use_error>")
        summary = bare if bare == "Sibling tool call errored" else "Error: " + bare
        return self.result(tool_id, message, summary, error=True)

    def reject(self, tool_id: str, feedback: str) -> str:
        content = (
            "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file "
            "edit, the new_string was NOT written to the file). To tell you how to proceed, the user said:\n" + feedback
        )
        return self.result(tool_id, content, "User rejected tool use", error=True)

    # ------------------------------------------------------------------ assistant side

    def assistant(
        self, model: str, blocks: list[dict[str, Any]], out: int, *, new_context: int | None = None
    ) -> list[str]:
        """One API response, written as one line per content block sharing message.id and requestId.

        Every line repeats `usage`; output_tokens grows and the last line holds the real figure
        `out`. Returns the ids given to the tool_use blocks, in order.
        """
        assert not self.open_tools, self.open_tools
        message_id, request_id = IDS.message(), IDS.request()
        created = new_context if new_context is not None else self.new_context
        self.new_context = 0
        usage_in = {
            "input_tokens": 3 if self.records and self._after_user_text() else 1,
            "cache_creation_input_tokens": created,
            "cache_read_input_tokens": self.context,
        }
        tool_ids: list[str] = []
        first = True
        for index, block in enumerate(blocks):
            line_out = out if index == len(blocks) - 1 else min(out, 8 + 11 * index)
            usage: dict[str, Any] = dict(usage_in)
            usage["cache_creation"] = {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": created}
            usage["output_tokens"] = line_out
            usage["service_tier"] = "standard"
            usage["inference_geo"] = "not_available"
            if block["type"] == "tool_use":
                tool_id = IDS.tool_use()
                block = {"type": "tool_use", "id": tool_id, "name": block["name"], "input": block["input"]}
                if not self.sidechain:
                    block["caller"] = {"type": "direct"}
                tool_ids.append(tool_id)
            message = {
                "model": model,
                "id": message_id,
                "type": "message",
                "role": "assistant",
                "content": [block],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": usage,
            }
            uid = IDS.uuid()
            record = self.envelope(self.last)
            record.update(
                message=message,
                requestId=request_id,
                type="assistant",
                uuid=uid,
                timestamp=self.tick(1_500, 6_000) if first else self.tick(200, 1_400),
            )
            first = False
            self.emit(record)
            self.last = uid
            TALLY.response(model, message_id, request_id, usage)
            if block["type"] == "tool_use":
                self.tool_lines[block["id"]] = (block["name"], uid)
                self.open_tools.add(block["id"])
                TALLY.calls[block["name"]] += 1
        self.context += created + out
        self.new_context = IDS.jitter(90, 1_400)
        return tool_ids

    def _after_user_text(self) -> bool:
        for record in reversed(self.records):
            if record.get("type") == "user":
                return isinstance(record["message"]["content"], str)
            if record.get("type") == "assistant":
                return False
        return True

    def synthetic(self, message: str) -> str:
        """An assistant line Claude Code writes itself (model <synthetic>): no tokens to count."""
        uid = IDS.uuid()
        record = self.envelope(self.last)
        record.update(
            message={
                "id": IDS.uuid(),
                "container": None,
                "model": SYNTHETIC,
                "role": "assistant",
                "stop_reason": "stop_sequence",
                "stop_sequence": "",
                "type": "message",
                "usage": {
                    "input_tokens": 0,
                    "output_tokens": 0,
                    "cache_creation_input_tokens": 0,
                    "cache_read_input_tokens": 0,
                    "server_tool_use": {"web_search_requests": 0, "web_fetch_requests": 0},
                    "service_tier": None,
                    "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0},
                },
                "content": [text(message)],
            },
            type="assistant",
            uuid=uid,
            timestamp=self.tick(5, 60),
            isApiErrorMessage=False,
        )
        self.emit(record)
        self.last = uid
        return uid

    # ------------------------------------------------------------------ progress and system lines

    def hook(self, event: str, name: str, command: str, tool_id: str | None = None) -> str:
        hook_id = tool_id or IDS.uuid()
        uid = IDS.uuid()
        record = self.envelope(self.last)
        record.update(
            type="progress",
            data={"type": "hook_progress", "hookEvent": event, "hookName": name, "command": command},
            parentToolUseID=hook_id,
            toolUseID=hook_id,
            timestamp=self.tick(3, 120),
            uuid=uid,
        )
        self.emit(record)
        self.last = uid
        return hook_id

    def session_start(self, source: str = "startup") -> None:
        hook_id = IDS.uuid()
        for command in (f"{HOME}/.claude/hooks/notify.sh clear", "$CLAUDE_PROJECT_DIR/.claude/hooks/session-start.sh"):
            uid = IDS.uuid()
            record = self.envelope(self.last)
            record.update(
                type="progress",
                data={
                    "type": "hook_progress",
                    "hookEvent": "SessionStart",
                    "hookName": f"SessionStart:{source}",
                    "command": command,
                },
                parentToolUseID=hook_id,
                toolUseID=hook_id,
                timestamp=self.tick(20, 60),
                uuid=uid,
            )
            self.emit(record)
            self.last = uid

    def bash_progress(self, tool_id: str, chunks: list[str], timeout_ms: int = 120_000) -> None:
        full = ""
        for number, chunk in enumerate(chunks):
            full += chunk
            uid = IDS.uuid()
            record = self.envelope(self.last)
            record.update(
                type="progress",
                data={
                    "type": "bash_progress",
                    "output": full.rstrip("\n"),
                    "fullOutput": full.rstrip("\n"),
                    "elapsedTimeSeconds": 2 + number,
                    "totalLines": full.count("\n") + 1,
                    "timeoutMs": timeout_ms,
                },
                toolUseID=f"bash-progress-{number}",
                parentToolUseID=tool_id,
                uuid=uid,
                timestamp=self.tick(900, 1_100),
            )
            self.emit(record)
            self.last = uid

    def end_turn(self) -> None:
        """The Stop hooks' summary and the turn's duration, written when a turn ends."""
        uid = IDS.uuid()
        record = self.envelope(self.last)
        record.update(
            type="system",
            subtype="stop_hook_summary",
            hookCount=1,
            hookInfos=[{"command": f"{HOME}/.claude/hooks/notify.sh mark"}],
            hookErrors=[],
            preventedContinuation=False,
            stopReason="",
            hasOutput=False,
            level="suggestion",
            timestamp=self.tick(40, 300),
            uuid=uid,
            toolUseID=IDS.uuid(),
        )
        self.emit(record)
        duration = int((self.now - self.turn_started).total_seconds() * 1000)
        uid2 = IDS.uuid()
        record = self.envelope(uid)
        record.update(
            type="system",
            subtype="turn_duration",
            durationMs=duration,
            timestamp=self.tick(5, 60),
            uuid=uid2,
            isMeta=False,
        )
        self.emit(record)
        self.last = uid2

    def compact(self, trigger: str, pre_tokens: int, summary: str) -> str:
        """A compaction: the boundary (a new root) and the summary the conversation continues from."""
        uid = IDS.uuid()
        record = {"parentUuid": None, "logicalParentUuid": self.last, **self.envelope(None)}
        record.update(
            type="system",
            subtype="compact_boundary",
            content="Conversation compacted",
            isMeta=False,
            timestamp=self.tick(20_000, 60_000),
            uuid=uid,
            level="info",
            compactMetadata={"trigger": trigger, "preTokens": pre_tokens},
        )
        self.emit(record)
        self.last = uid
        summary_uuid = IDS.uuid()
        record = self.envelope(uid)
        record.update(
            type="user",
            message={"role": "user", "content": summary},
            isVisibleInTranscriptOnly=True,
            isCompactSummary=True,
            uuid=summary_uuid,
            timestamp=self.stamp(),
        )
        self.emit(record)
        self.last = summary_uuid
        self.context = 11_515
        self.new_context = 9_000 + len(summary) // 4
        return summary_uuid

    def queue(self, content: str) -> None:
        self.emit(
            {
                "type": "queue-operation",
                "operation": "enqueue",
                "timestamp": self.tick(100, 900),
                "sessionId": self.session_id,
                "content": content,
            }
        )

    def write(self, path: Path) -> int:
        assert not self.open_tools, self.open_tools
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            for record in self.records:
                handle.write(dumps(record) + "\n")
        return len(self.records)


# ------------------------------------------------------------------------------- the repository


CLI_PY = '''"""The command line: parse arguments, call one library function, print. No logic lives here."""

from __future__ import annotations

import click

from lessonloop import __version__
from lessonloop.report.queries import stats as compute_stats
from lessonloop.report.render import render_stats
from lessonloop.store import open_store, resolve_db_path


@click.group()
@click.version_option(__version__, "-V", "--version", prog_name="lessonloop")
def main() -> None:
    """lessonloop: learn from coding agents' mistakes."""


@main.command()
@click.option("--project", "-p", metavar="P", help="Only sessions of this project.")
@click.option("--db", "db", metavar="PATH", default=None, help="The store (a SQLite file).")
def stats(project: str | None, db: str | None) -> None:
    """Totals: sessions, tool calls and errors per tool, tokens per model."""
    conn = open_store(resolve_db_path(db))
    try:
        data = compute_stats(conn, project)
    finally:
        conn.close()
    render_stats(data)
'''

QUERIES_PY = '''"""Read-side queries over the store: sessions, statistics and a session's timeline."""

from __future__ import annotations

import sqlite3
from typing import Any


def stats(conn: sqlite3.Connection, project: str | None = None) -> dict[str, Any]:
    """Store-wide figures: sessions, tool calls and errors per tool, tokens per model."""
    where, params = project_filter(conn, project)
    sessions = conn.execute(f"SELECT count(*) FROM sessions s WHERE s.parent_id IS NULL AND {where}", params).fetchone()[0]
    tools: dict[str, dict[str, int]] = {}
    for tool, calls, errors in conn.execute(
        "SELECT tool, count(*), coalesce(sum(ok = 0), 0) FROM tool_calls GROUP BY tool ORDER BY count(*) DESC"
    ):
        tools[tool] = {"calls": calls, "errors": errors}
    tokens: dict[str, dict[str, int]] = {}
    for model, i, o in conn.execute(
        "SELECT model, sum(input_tokens), sum(output_tokens) FROM token_usage GROUP BY model ORDER BY 3 DESC"
    ):
        tokens[model] = {"input": i, "output": o}
    return {
        "sessions": sessions,
        "tool_calls": sum(t["calls"] for t in tools.values()),
        "tool_errors": sum(t["errors"] for t in tools.values()),
        "tools": tools,
        "tokens": tokens,
    }
'''

RENDER_PY_A = '''"""Rendering for the terminal: tables and summaries."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def render_stats(data: dict[str, Any]) -> None:
    """Print the totals: a line of figures, then a table per tool and a table per model."""
    console = Console()
    console.print(f"{data['sessions']} sessions, {data['tool_calls']} tool calls, {data['tool_errors']} errors")
    tools = Table("tool", "calls", "errors")
    for name, figures in data["tools"].items():
        tools.add_row(name, str(figures["calls"]), str(figures["errors"]))
    console.print(tools)
    models = Table("model", "input", "output")
    for model, figures in data["tokens"].items():
        models.add_row(model, str(figures["input"]), str(figures["output"]))
    console.print(models)
'''

TEST_REDACTION_PY = """from lessonloop.analyze.redaction import redact


def test_github_token_is_redacted():
    text, count = redact("push with ghp_" + "a" * 36)
    assert count == 1
    assert "[REDACTED:github-token]" in text


def test_plain_text_is_left_alone():
    assert redact("nothing to see here") == ("nothing to see here", 0)
"""

RENDER_PY_B = '''"""Rendering for the terminal: tables, summaries and a session's timeline."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from lessonloop.report.queries import Timeline

ROLE_STYLES = {"user": "bold cyan", "assistant": "white", "system": "dim"}


def stats_to_json(data: dict[str, Any]) -> str:
    """The totals as one JSON object (what `lessonloop stats --json` prints)."""
    return json.dumps(data, indent=2, sort_keys=True)


def render_stats(console: Console, data: dict[str, Any]) -> None:
    """Print the totals: a line of figures, then a table per tool and a table per model."""
    console.print(f"{data['sessions']} sessions, {data['tool_calls']} tool calls, {data['tool_errors']} errors")
    tools = Table("tool", "calls", "errors")
    for name, figures in data["tools"].items():
        tools.add_row(name, str(figures["calls"]), str(figures["errors"]))
    console.print(tools)
    models = Table("model", "input", "output")
    for model, figures in data["tokens"].items():
        models.add_row(model, str(figures["input"]), str(figures["output"]))
    console.print(models)


def _call_line(data: dict[str, Any]) -> str:
    status = "ok" if data["ok"] else data["status"]
    target = data.get("target_path") or data.get("command") or ""
    return f"{data['tool']:<10} {status:<12} {target}"


def _message_line(data: dict[str, Any]) -> str:
    first = (data["text"] or "").strip().splitlines()[:1]
    return f"{data['kind']:<10} {first[0] if first else ''}"


def render_timeline(console: Console, timeline: Timeline, *, show_all: bool = False) -> None:
    """Print a session: its header, then prompts, answers and tool calls in order."""
    session = timeline.session
    console.print(f"[bold]{session['id']}[/]  {session['project'] or ''}  {session['git_branch'] or ''}")
    for item in timeline.items:
        if item.type == "message":
            if item.data["kind"] not in ("prompt", "assistant", "rejection") and not show_all:
                continue
            style = ROLE_STYLES.get(item.data["role"], "")
            console.print(f"{item.ts or '':<24} [{style}]{_message_line(item.data)}[/]")
        else:
            console.print(f"{item.ts or '':<24} {_call_line(item.data)}")
    if not timeline.items:
        console.print("[dim](no messages)[/]")
'''

TEST_CLI_PY = """from click.testing import CliRunner

from lessonloop.cli import main


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert "lessonloop" in result.output
"""


# ------------------------------------------------------------------------------- session A

# The fake key the person pastes in session A: lessonloop must redact it before storing anything.
SECRET = "sk-ant-api03-" + IDS.chars("secret", 40)

PRE_COMMIT_HOOK = "$CLAUDE_PROJECT_DIR/.claude/hooks/pre-commit-check.sh"
PYTEST_FAILURE_TEMPLATE = """.......F..                                                               [100%]
=================================== FAILURES ===================================
_______________________________ test_stats_json ________________________________

tmp_path = PosixPath('/tmp/pytest-of-dev/pytest-41/test_stats_json0')

    def test_stats_json(tmp_path):
        db = tmp_path / "store.db"
        runner = CliRunner()
        runner.invoke(main, ["ingest", "--db", str(db), str(FIXTURES)])
        result = runner.invoke(main, ["stats", "--db", str(db), "--json"])
        payload = json.loads(result.output)
        assert payload["sessions"] == 2
>       assert payload["tools"]["Read"] == {{"calls": 2, "errors": 0}}
E       TypeError: list indices must be integers or slices, not str

tests/test_stats_json.py:{line}: TypeError
=========================== short test summary info ============================
FAILED tests/test_stats_json.py::test_stats_json - TypeError: list indices must be integers or slices, not str
1 failed, 9 passed in 0.84s"""


def no_upstream(branch: str) -> str:
    return (
        f"Exit code 128\nfatal: The current branch {branch} has no upstream branch.\n"
        "To push the current branch and set the remote as upstream, use\n\n"
        f"    git push --set-upstream origin {branch}\n\n"
        "To have this happen automatically for branches without a tracking\n"
        "upstream, see 'push.autoSetupRemote' in 'git help config'."
    )


def pushed(branch: str) -> str:
    return (
        "remote: \n"
        f"remote: Create a pull request for '{branch}' on GitHub by visiting:        \n"
        f"remote:      https://github.com/lessonloop/lessonloop/pull/new/{branch}        \n"
        "remote: \n"
        "To github.com:lessonloop/lessonloop.git\n"
        f" * [new branch]      {branch} -> {branch}\n"
        f"branch '{branch}' set up to track 'origin/{branch}'."
    )


def session_a() -> tuple[Transcript, Transcript, dict[str, Any]]:
    sid = IDS.uuid()
    t = Transcript(
        session_id=sid, cwd=WORKTREE, branch="stats-json", start="2026-11-03T09:12:03.118Z", slug="brisk-counting-heron"
    )
    files = Files(
        WORKTREE,
        {
            "src/lessonloop/cli.py": CLI_PY,
            "src/lessonloop/report/queries.py": QUERIES_PY,
            "src/lessonloop/report/render.py": RENDER_PY_A,
            "tests/test_redaction.py": TEST_REDACTION_PY,
        },
    )
    cli, queries, render = (
        files.path(p)
        for p in ("src/lessonloop/cli.py", "src/lessonloop/report/queries.py", "src/lessonloop/report/render.py")
    )
    test_file = files.path("tests/test_stats_json.py")
    redaction_tests = files.path("tests/test_redaction.py")

    t.session_start()
    first_prompt = (
        "Add a --json flag to `lessonloop stats` so scripts can read the totals. Keep the table as the default output."
    )
    t.prompt(first_prompt)
    TALLY.prompts += 1

    read_cli, read_queries = t.assistant(
        OPUS,
        [
            thinking(
                "The user wants `lessonloop stats --json`. I need to see how the stats command is wired in cli.py "
                "and what compute_stats returns, so the JSON mirrors the table."
            ),
            text("I'll look at the stats command and the query behind it first."),
            tool("Read", file_path=cli),
            tool("Read", file_path=queries),
        ],
        236,
    )
    t.result(read_cli, *files.read(cli))
    t.result(read_queries, *files.read(queries))

    # Mistake: editing a file that was not read in this session.
    stats_json_old = "from typing import Any\n\nfrom rich.console import Console\nfrom rich.table import Table\n"
    stats_json_new = (
        "import json\nfrom typing import Any\n\nfrom rich.console import Console\nfrom rich.table import Table\n\n\n"
        "def stats_to_json(data: dict[str, Any]) -> str:\n"
        '    """The totals as one JSON object (what `lessonloop stats --json` prints)."""\n'
        "    payload = dict(data)\n"
        '    payload["tools"] = [[name, f["calls"], f["errors"]] for name, f in data["tools"].items()]\n'
        "    return json.dumps(payload, indent=2, sort_keys=True)\n"
    )
    (edit_unread,) = t.assistant(
        OPUS,
        [
            text(
                "`stats` builds a dict and hands it to `render_stats`. I'll add a `stats_to_json` renderer next to it "
                "and a `--json` option on the command."
            ),
            tool("Edit", file_path=render, old_string=stats_json_old, new_string=stats_json_new, replace_all=False),
        ],
        410,
    )
    t.error(
        edit_unread, "<tool_use_error>File has not been read yet. Read it first before writing to it.</tool_use_error>"
    )

    (read_render,) = t.assistant(OPUS, [tool("Read", file_path=render)], 64)
    t.result(read_render, *files.read(render))

    (edit_render,) = t.assistant(
        OPUS,
        [tool("Edit", file_path=render, old_string=stats_json_old, new_string=stats_json_new, replace_all=False)],
        402,
    )
    t.result(
        edit_render,
        f"The file {render} has been updated successfully.",
        files.edit(render, stats_json_old, stats_json_new),
    )

    # One contiguous Edit: the --json option and the branch that prints JSON.
    cli_old = (
        '@click.option("--db", "db", metavar="PATH", default=None, help="The store (a SQLite file).")\n'
        "def stats(project: str | None, db: str | None) -> None:\n"
        '    """Totals: sessions, tool calls and errors per tool, tokens per model."""\n'
        "    conn = open_store(resolve_db_path(db))\n"
        "    try:\n"
        "        data = compute_stats(conn, project)\n"
        "    finally:\n"
        "        conn.close()\n"
        "    render_stats(data)\n"
    )
    cli_new = (
        '@click.option("--db", "db", metavar="PATH", default=None, help="The store (a SQLite file).")\n'
        '@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")\n'
        "def stats(project: str | None, db: str | None, as_json: bool) -> None:\n"
        '    """Totals: sessions, tool calls and errors per tool, tokens per model."""\n'
        "    conn = open_store(resolve_db_path(db))\n"
        "    try:\n"
        "        data = compute_stats(conn, project)\n"
        "    finally:\n"
        "        conn.close()\n"
        "    if as_json:\n"
        "        from lessonloop.report.render import stats_to_json\n\n"
        "        print(stats_to_json(data))\n"
        "    else:\n"
        "        render_stats(data)\n"
    )
    (edit_cli,) = t.assistant(
        OPUS,
        [tool("Edit", file_path=cli, old_string=cli_old, new_string=cli_new, replace_all=False)],
        318,
    )
    t.result(edit_cli, f"The file {cli} has been updated successfully.", files.edit(cli, cli_old, cli_new))

    test_source = (
        "import json\n"
        "from pathlib import Path\n\n"
        "from click.testing import CliRunner\n\n"
        "from lessonloop.cli import main\n\n"
        'FIXTURES = Path(__file__).parent / "fixtures" / "claude-code"\n\n\n'
        "def test_stats_json(tmp_path):\n"
        '    db = tmp_path / "store.db"\n'
        "    runner = CliRunner()\n"
        '    runner.invoke(main, ["ingest", "--db", str(db), str(FIXTURES)])\n'
        '    result = runner.invoke(main, ["stats", "--db", str(db), "--json"])\n'
        "    payload = json.loads(result.output)\n"
        '    assert payload["sessions"] == 2\n'
        '    assert payload["tools"]["Read"] == {"calls": 2, "errors": 0}\n'
    )
    (write_test,) = t.assistant(OPUS, [tool("Write", file_path=test_file, content=test_source)], 356)
    files.contents[test_file] = test_source
    t.result(
        write_test,
        f"File created successfully at: {test_file}",
        {"type": "create", "filePath": test_file, "content": test_source, "structuredPatch": [], "originalFile": None},
    )

    # Mistake: the tests fail.
    pytest_cmd = {"command": "pytest -q 2>&1", "description": "Run the test suite"}
    (pytest_fail,) = t.assistant(OPUS, [tool("Bash", **pytest_cmd)], 48)
    failure = PYTEST_FAILURE_TEMPLATE.format(line=files.line_of(test_file, 'payload["tools"]["Read"]'))
    t.bash_progress(
        pytest_fail, [".......F..", "                                                               [100%]\n"]
    )
    t.error(pytest_fail, "Exit code 1\n" + failure)

    fix_old = '    payload["tools"] = [[name, f["calls"], f["errors"]] for name, f in data["tools"].items()]\n'
    fix_new = '    payload["tools"] = {name: {"calls": f["calls"], "errors": f["errors"]} for name, f in data["tools"].items()}\n'
    (edit_fix,) = t.assistant(
        OPUS,
        [
            thinking(
                "stats_to_json turns tools into a list of [name, calls, errors] triples, but the test (and anyone "
                "scripting against it) indexes tools by name. A mapping is the better shape anyway."
            ),
            text(
                "`stats_to_json` emits the tools as a list of triples; the test indexes them by name. Making it a mapping:"
            ),
            tool("Edit", file_path=render, old_string=fix_old, new_string=fix_new, replace_all=False),
        ],
        287,
    )
    t.result(edit_fix, f"The file {render} has been updated successfully.", files.edit(render, fix_old, fix_new))

    (pytest_ok,) = t.assistant(OPUS, [tool("Bash", **pytest_cmd)], 45)
    t.bash_progress(pytest_ok, [".........."])
    passed = "..........                                                               [100%]\n10 passed in 0.79s"
    t.result(pytest_ok, passed, bash_ok(passed))

    # Mistake: a destructive command the person rejects, with a reason.
    (rm_all,) = t.assistant(
        OPUS,
        [
            text("Tests pass. I'll clear the stale build artifacts so the next wheel build starts clean."),
            tool("Bash", command="rm -rf build dist", description="Remove build artifacts"),
        ],
        96,
    )
    t.reject(rm_all, "don't delete dist, only clean build/")
    (rm_build,) = t.assistant(
        OPUS,
        [
            text("Understood, leaving dist/ alone."),
            tool("Bash", command="rm -rf build", description="Remove the build folder only"),
        ],
        71,
    )
    t.result(rm_build, "", bash_ok(""))
    t.assistant(
        OPUS,
        [
            text(
                "Done: `lessonloop stats --json` prints the totals as one JSON object (tools and tokens keyed by "
                "name); without the flag the tables are unchanged. Added `tests/test_stats_json.py`; the suite passes."
            )
        ],
        142,
    )
    t.end_turn()

    # A typed correction.
    t.prompt("no, don't use print() in the CLI, use click.echo")
    TALLY.prompts += 1
    echo_old = "        print(stats_to_json(data))\n"
    echo_new = "        click.echo(stats_to_json(data))\n"
    (edit_echo,) = t.assistant(
        OPUS,
        [
            text("Right, the CLI writes through click.echo everywhere else. Fixing it."),
            tool("Edit", file_path=cli, old_string=echo_old, new_string=echo_new, replace_all=False),
        ],
        168,
    )
    t.result(edit_echo, f"The file {cli} has been updated successfully.", files.edit(cli, echo_old, echo_new))

    task_prompt = (
        "Find every print( call under src/lessonloop (not tests/). For each one report the file, line and "
        "whether it writes user-facing output. The CLI must write through click.echo and the report code "
        "through a rich Console, so any print() there is a bug. Be quick: a list is enough."
    )
    task_description = "Find print() calls in src"
    (task_id,) = t.assistant(
        OPUS,
        [tool("Task", description=task_description, prompt=task_prompt, subagent_type="Explore")],
        121,
    )
    task_message_id = t.records[-1]["message"]["id"]

    # The subagent, in its own file; the parent mirrors its progress.
    agent_id = "a" + IDS.hex(6)
    sub = Transcript(
        session_id=sid,
        cwd=WORKTREE,
        branch="stats-json",
        start=t.stamp(),
        slug=t.slug,
        agent_id=agent_id,
        context=0,
    )
    sub.new_context = 2_363
    sub.context = 15_511
    sub.wait(0.006)
    sub.prompt(task_prompt, snapshot=False, pause=False)
    mirrored: list[dict[str, Any]] = [sub.records[-1]]
    (grep_id,) = sub.assistant(
        HAIKU,
        [
            text("I'll search src/lessonloop for print( calls."),
            tool(
                "Grep", pattern=r"\bprint\(", path=f"{WORKTREE}/src/lessonloop", output_mode="content", **{"-n": True}
            ),
        ],
        118,
    )
    mirrored.append(sub.records[-1])
    sub.result(
        grep_id, "No matches found", {"mode": "content", "numFiles": 0, "filenames": [], "content": "", "numLines": 0}
    )
    mirrored.append(sub.records[-1])
    py_files = [
        f"{WORKTREE}/src/lessonloop/{name}"
        for name in (
            "__init__.py",
            "__main__.py",
            "cli.py",
            "json_codec.py",
            "records.py",
            "timestamps.py",
            "report/queries.py",
            "report/render.py",
            "capture/ingest.py",
            "store/writer.py",
        )
    ]
    glob_id, read_id = sub.assistant(
        HAIKU,
        [
            tool("Glob", pattern="**/*.py", path=f"{WORKTREE}/src/lessonloop"),
            tool("Read", file_path=render),
        ],
        97,
    )
    mirrored.extend(sub.records[-2:])
    sub.result(
        glob_id,
        "\n".join(py_files),
        {"filenames": py_files, "durationMs": 41, "numFiles": len(py_files), "truncated": False},
    )
    mirrored.append(sub.records[-1])
    sub.result(read_id, *files.read(render))
    mirrored.append(sub.records[-1])
    report = (
        "No print() calls remain under src/lessonloop.\n\n"
        "- `cli.py` writes through `click.echo` (the `stats --json` branch now included).\n"
        "- `report/render.py` prints through a rich `Console` (`render_stats`); `stats_to_json` only returns a string.\n"
        "- The other modules produce no output.\n\n"
        "Nothing to fix."
    )
    sub.assistant(HAIKU, [text(report)], 212)

    # Parent: the subagent's progress as agent_progress records, then the Task result.
    for source in mirrored:
        copy: dict[str, Any]
        if source["type"] == "user":
            content = source["message"]["content"]
            if isinstance(content, str):
                content = [text(content)]
            copy = {
                "type": "user",
                "message": {"role": "user", "content": content},
                "uuid": source["uuid"],
                "timestamp": source["timestamp"],
            }
        else:
            message = dict(source["message"])
            message["context_management"] = None
            copy = {
                "type": "assistant",
                "timestamp": source["timestamp"],
                "message": message,
                "requestId": source["requestId"],
                "uuid": source["uuid"],
            }
        uid = IDS.uuid()
        record = t.envelope(t.last)
        record.update(
            type="progress",
            data={
                "message": copy,
                "normalizedMessages": [],
                "type": "agent_progress",
                "prompt": task_prompt,
                "agentId": agent_id,
            },
            toolUseID=f"agent_msg_{task_message_id}",
            parentToolUseID=task_id,
            uuid=uid,
            timestamp=plus_ms(source["timestamp"], 1),
        )
        t.emit(record)
        t.last = uid
    t.now = sub.now
    sub_usage = dict(sub.records[-1]["message"]["usage"])
    total_tokens = (
        sub_usage["input_tokens"]
        + sub_usage["cache_creation_input_tokens"]
        + sub_usage["cache_read_input_tokens"]
        + sub_usage["output_tokens"]
    )
    duration = int(
        (
            sub.now - datetime.strptime(sub.records[0]["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        ).total_seconds()
        * 1000
    )
    t.result(
        task_id,
        [
            text(report),
            text(
                f"agentId: {agent_id} (for resuming to continue this agent's work if needed)\n"
                f"<usage>total_tokens: {total_tokens}\ntool_uses: 3\nduration_ms: {duration}</usage>"
            ),
        ],
        {
            "status": "completed",
            "prompt": task_prompt,
            "agentId": agent_id,
            "content": [text(report)],
            "totalDurationMs": duration,
            "totalTokens": total_tokens,
            "totalToolUseCount": 3,
            "usage": {
                "input_tokens": sub_usage["input_tokens"],
                "cache_creation_input_tokens": sub_usage["cache_creation_input_tokens"],
                "cache_read_input_tokens": sub_usage["cache_read_input_tokens"],
                "output_tokens": sub_usage["output_tokens"],
                "server_tool_use": {"web_search_requests": 0, "web_fetch_requests": 0},
                "service_tier": "standard",
                "cache_creation": {
                    "ephemeral_1h_input_tokens": sub_usage["cache_creation_input_tokens"],
                    "ephemeral_5m_input_tokens": 0,
                },
                "inference_geo": "",
                "iterations": [],
            },
        },
    )
    t.assistant(
        OPUS,
        [text("Switched to `click.echo`. An Explore pass found no other print() calls under src/lessonloop.")],
        88,
    )
    t.end_turn()

    # The person pastes a (fake) secret: it must never reach the store.
    secret_prompt = f"also add a test that an Anthropic key gets redacted. use this key for the test: {SECRET}"
    t.prompt(secret_prompt)
    TALLY.prompts += 1
    (read_red,) = t.assistant(OPUS, [tool("Read", file_path=redaction_tests)], 52)
    t.result(read_red, *files.read(redaction_tests))
    red_old = '    assert "[REDACTED:github-token]" in text\n'
    red_new = (
        '    assert "[REDACTED:github-token]" in text\n\n\n'
        "def test_anthropic_key_is_redacted():\n"
        f'    key = "{SECRET}"\n'
        '    text, count = redact(f"export ANTHROPIC_API_KEY={key}")\n'
        "    assert count == 1\n"
        "    assert key not in text\n"
    )
    (edit_red,) = t.assistant(
        OPUS,
        [tool("Edit", file_path=redaction_tests, old_string=red_old, new_string=red_new, replace_all=False)],
        233,
    )
    t.result(
        edit_red,
        f"The file {redaction_tests} has been updated successfully.",
        files.edit(redaction_tests, red_old, red_new),
    )
    t.assistant(OPUS, [text("Added `test_anthropic_key_is_redacted`. Running the suite again to")], 40)
    t.interrupt()
    t.synthetic("No response requested.")

    t.prompt("commit and push it")
    TALLY.prompts += 1
    commit = {
        "command": 'git add -A && git commit -m "Add --json to lessonloop stats" 2>&1',
        "description": "Commit the stats --json change",
    }
    (commit_1,) = t.assistant(
        OPUS,
        [text("Committing on stats-json."), tool("Bash", **commit)],
        131,
    )
    # Mistake: the formatting hook blocks the commit (a PreToolUse hook: no "Exit code" prefix).
    t.hook("PreToolUse", "PreToolUse:Bash", PRE_COMMIT_HOOK, commit_1)
    t.error(
        commit_1,
        "Pre-commit validation failed:\n\n[FORMAT] Code is not formatted.\nRun 'ruff format' to fix.\n\n"
        "Would reformat: src/lessonloop/report/render.py\nWould reformat: tests/test_stats_json.py\n"
        "2 files would be reformatted, 31 files already formatted",
    )
    (fmt,) = t.assistant(
        OPUS,
        [
            text("The hook wants ruff format first."),
            tool("Bash", command="ruff format .", description="Format the code"),
        ],
        62,
    )
    formatted = "2 files reformatted, 31 files left unchanged"
    t.result(fmt, formatted, bash_ok(formatted))

    summary = (
        "This session is being continued from a previous conversation that ran out of context. The summary below "
        "covers the earlier portion of the conversation.\n\n"
        "Analysis:\nLet me chronologically analyze the conversation:\n\n"
        "1. The user asked for a --json flag on `lessonloop stats`.\n"
        "2. I read cli.py and queries.py, tried to edit render.py before reading it (rejected by the harness), "
        "read it, added `stats_to_json` and the `--json` option, and wrote tests/test_stats_json.py.\n"
        "3. pytest failed (tools were emitted as a list); I made them a mapping and the suite passed.\n"
        "4. The user rejected `rm -rf build dist` (keep dist/); I removed build/ only.\n"
        "5. The user corrected me: use click.echo, not print(), in the CLI. Fixed; an Explore subagent found no "
        "other print() calls.\n"
        "6. Added a redaction test for Anthropic keys with the key the user gave.\n"
        "7. `git commit` was blocked by the pre-commit hook ([FORMAT]); I ran `ruff format .`.\n\n"
        "Summary:\n"
        "1. Primary Request and Intent:\n   Add `--json` to `lessonloop stats`; keep tables as the default; commit and push.\n\n"
        "2. Key Technical Concepts:\n   click options, rich tables, JSON rendering of the stats dict, pytest + CliRunner.\n\n"
        "3. Files and Code Sections:\n"
        "   - src/lessonloop/report/render.py: new `stats_to_json(data)`.\n"
        "   - src/lessonloop/cli.py: `--json` flag on `stats`, output through click.echo.\n"
        "   - tests/test_stats_json.py (new), tests/test_redaction.py (new test).\n\n"
        "4. Errors and fixes:\n"
        "   - Edit before Read: read the file first.\n"
        "   - TypeError in test_stats_json: tools must be a mapping.\n"
        "   - Pre-commit [FORMAT]: run `ruff format .` before committing.\n\n"
        "5. All user messages:\n"
        f'   - "{first_prompt}"\n'
        '   - "no, don\'t use print() in the CLI, use click.echo"\n'
        f'   - "{secret_prompt}"\n'
        '   - "commit and push it"\n\n'
        "6. Pending Tasks:\n   Commit (files are now formatted) and push the stats-json branch.\n\n"
        "7. Current Work:\n   `ruff format .` reformatted 2 files after the pre-commit hook blocked the commit.\n\n"
        "8. Optional Next Step:\n   Re-run the commit, then push.\n\n"
        "If you need specific details from before compaction (like exact code snippets, error messages, or content "
        f"you generated), read the full transcript at: {HOME}/.claude/projects/{project_folder(WORKTREE)}/{sid}.jsonl\n"
        "Please continue the conversation from where we left off without asking the user any further questions. "
        "Continue with the last task that you were asked to work on."
    )
    t.compact("auto", 167_412, summary)
    t.session_start("compact")

    (commit_2,) = t.assistant(OPUS, [text("Formatted; committing again."), tool("Bash", **commit)], 117)
    t.hook("PreToolUse", "PreToolUse:Bash", PRE_COMMIT_HOOK, commit_2)
    committed = (
        "[stats-json 4e1d2c7] Add --json to lessonloop stats\n"
        " 4 files changed, 58 insertions(+), 3 deletions(-)\n"
        " create mode 100644 tests/test_stats_json.py"
    )
    t.result(commit_2, committed, bash_ok(committed))
    # Mistake: pushing a new branch without an upstream.
    (push_1,) = t.assistant(OPUS, [tool("Bash", command="git push 2>&1", description="Push the branch")], 39)
    t.error(push_1, no_upstream("stats-json"))
    (push_2,) = t.assistant(
        OPUS,
        [
            text("The branch has no upstream yet; setting it."),
            tool("Bash", command="git push -u origin stats-json 2>&1", description="Push and set upstream"),
        ],
        74,
    )
    t.bash_progress(push_2, ["remote: \n"], timeout_ms=120_000)
    t.result(push_2, pushed("stats-json"), bash_ok(pushed("stats-json")))
    t.assistant(
        OPUS,
        [
            text(
                "Committed (`4e1d2c7`) and pushed `stats-json` with its upstream set. The PR link is in the push output."
            )
        ],
        156,
    )
    t.end_turn()

    meta = {"agentType": "Explore", "description": task_description, "toolUseId": task_id}
    return t, sub, meta


# ------------------------------------------------------------------------------- session B


def session_b() -> Transcript:
    sid = IDS.uuid()
    branch = "show-subagents"
    t = Transcript(
        session_id=sid, cwd=REPO, branch=branch, start="2026-11-10T14:05:41.602Z", slug="quiet-folding-lantern"
    )
    files = Files(REPO, {"src/lessonloop/report/render.py": RENDER_PY_B, "tests/test_cli.py": TEST_CLI_PY})
    render = files.path("src/lessonloop/report/render.py")
    fixture = files.path("tests/fixtures/claude-code/subagent.jsonl")
    task_file = "/tmp/claude-1000/-home-dev-lessonloop/tasks/b3e91f0.output"
    files.contents[task_file] = (
        "..............                                                           [100%]\n14 passed in 1.12s\n"
    )

    t.session_start()
    t.prompt(
        "`lessonloop show` should list the session's subagents at the end: agent type, description, tool calls "
        "and errors. There's a subagent fixture under tests/fixtures."
    )
    TALLY.prompts += 1
    # Mistake: reading a file far too large for one Read.
    (read_big,) = t.assistant(
        OPUS,
        [
            thinking("Start with the fixture to see how subagents appear, then the timeline renderer."),
            text("I'll look at the subagent fixture and the timeline renderer."),
            tool("Read", file_path=fixture),
        ],
        204,
    )
    t.error(
        read_big,
        "File content (31337 tokens) exceeds maximum allowed tokens (25000). Please use offset and limit "
        "parameters to read specific portions of the file, or use the GrepTool to search for specific content.",
    )
    (grep_id,) = t.assistant(
        OPUS,
        [
            tool(
                "Grep",
                pattern="def render_timeline",
                path=f"{REPO}/src/lessonloop/report",
                output_mode="content",
                **{"-n": True},
            )
        ],
        77,
    )
    line = files.line_of(render, "def render_timeline")
    found = (
        f"{render}:{line}:def render_timeline(console: Console, timeline: Timeline, *, show_all: bool = False) -> None:"
    )
    t.result(grep_id, found, {"mode": "content", "numFiles": 0, "filenames": [], "content": found, "numLines": 1})
    (read_part,) = t.assistant(OPUS, [tool("Read", file_path=render, offset=line - 18, limit=40)], 69)
    t.result(read_part, *files.read(render, line - 18, 40))

    # Mistake: a file that does not exist; the parallel call is cancelled with it.
    missing, sibling = t.assistant(
        OPUS,
        [
            tool("Read", file_path=files.path("tests/test_show.py")),
            tool("Read", file_path=files.path("tests/test_render.py")),
        ],
        112,
    )
    t.error(missing, "<tool_use_error>File does not exist.</tool_use_error>")
    t.error(sibling, "<tool_use_error>Sibling tool call errored</tool_use_error>")
    # Mistake: a command that is not installed.
    (tree_id,) = t.assistant(OPUS, [tool("Bash", command="tree tests -L 2", description="Show the test layout")], 36)
    t.error(tree_id, "Exit code 127\n/bin/bash: line 1: tree: command not found")
    test_files = [
        files.path(p)
        for p in (
            "tests/test_cli.py",
            "tests/test_ingest.py",
            "tests/test_queries.py",
            "tests/test_redaction.py",
            "tests/test_stats_json.py",
        )
    ]
    (glob_id,) = t.assistant(OPUS, [tool("Glob", pattern="tests/**/*.py", path=REPO)], 41)
    t.result(
        glob_id,
        "\n".join(test_files),
        {"filenames": test_files, "durationMs": 37, "numFiles": len(test_files), "truncated": False},
    )

    # Mistake: an old_string written from memory, not from the file.
    wrong_old = (
        "    for item in timeline.items:\n"
        "        console.print(item)\n"
        "    if not timeline.items:\n"
        '        console.print("[dim](no messages)[/]")\n'
    )
    subagents_block = (
        "    if timeline.subagents:\n"
        '        console.print("\\n[bold]Subagents[/]")\n'
        "        for sub in timeline.subagents:\n"
        "            console.print(\n"
        "                f\"  {sub['agent_type'] or 'agent':<16} {sub['tool_calls']:>4} calls {sub['errors']:>3} errors  \"\n"
        "                f\"{sub['description'] or ''}\"\n"
        "            )\n"
    )
    (edit_wrong,) = t.assistant(
        OPUS,
        [
            text("No test file for `show` yet. Adding the subagent list after the timeline:"),
            tool(
                "Edit",
                file_path=render,
                old_string=wrong_old,
                new_string=wrong_old + subagents_block,
                replace_all=False,
            ),
        ],
        388,
    )
    t.error(edit_wrong, f"<tool_use_error>String to replace not found in file.\nString: {wrong_old}</tool_use_error>")
    end_line = files.line_of(render, "(no messages)")
    (reread,) = t.assistant(OPUS, [tool("Read", file_path=render, offset=end_line - 9, limit=10)], 58)
    t.result(reread, *files.read(render, end_line - 9, 10))
    right_old = '    if not timeline.items:\n        console.print("[dim](no messages)[/]")\n'
    (edit_right,) = t.assistant(
        OPUS,
        [
            tool(
                "Edit",
                file_path=render,
                old_string=right_old,
                new_string=right_old + subagents_block,
                replace_all=False,
            )
        ],
        391,
    )
    t.result(
        edit_right,
        f"The file {render} has been updated successfully.",
        files.edit(render, right_old, right_old + subagents_block),
    )

    test_path = files.path("tests/test_show_subagents.py")
    test_source = (
        "from lessonloop.report.queries import Timeline\n"
        "from lessonloop.report.render import render_timeline\n"
        "from rich.console import Console\n\n\n"
        "def test_subagents_are_listed():\n"
        '    session = {"id": "s1", "project": "/p", "git_branch": "main"}\n'
        '    sub = {"agent_type": "Explore", "description": "Find print() calls", "tool_calls": 3, "errors": 0}\n'
        "    console = Console(record=True, width=120)\n"
        "    render_timeline(console, Timeline(session, [], [sub]))\n"
        "    out = console.export_text()\n"
        '    assert "Subagents" in out\n'
        '    assert "Explore" in out and "3 calls" in out\n'
    )
    (write_id,) = t.assistant(OPUS, [tool("Write", file_path=test_path, content=test_source)], 422)
    t.result(
        write_id,
        f"File created successfully at: {test_path}",
        {"type": "create", "filePath": test_path, "content": test_source, "structuredPatch": [], "originalFile": None},
    )
    (bg,) = t.assistant(
        OPUS,
        [
            text("Running the suite in the background."),
            tool("Bash", command="pytest -q 2>&1", description="Run the test suite", run_in_background=True),
        ],
        83,
    )
    started = f"Command running in background with ID: b3e91f0. Output is being written to: {task_file}"
    t.result(bg, started, bash_ok("", backgroundTaskId="b3e91f0"))
    t.assistant(OPUS, [text("The suite is running in the background; I'll check it when it finishes.")], 27)
    t.end_turn()

    notification = (
        "<task-notification>\n<task-id>b3e91f0</task-id>\n"
        f"<output-file>{task_file}</output-file>\n<status>completed</status>\n"
        '<summary>Background command "Run the test suite" completed (exit code 0)</summary>\n'
        f"</task-notification>\nRead the output file to retrieve the result: {task_file}"
    )
    t.wait(9)
    t.queue(notification)
    t.prompt(notification, snapshot=False)
    (read_out,) = t.assistant(OPUS, [tool("Read", file_path=task_file)], 55)
    t.result(read_out, *files.read(task_file))
    (skill_id,) = t.assistant(
        OPUS, [text("14 passed. Committing with the project's commit skill."), tool("Skill", skill="commit")], 49
    )
    t.result(
        skill_id,
        "Launching skill: commit",
        {"success": True, "commandName": "commit", "allowedTools": ["Bash", "Read"]},
    )
    t.user_line(
        [
            text(
                f"Base directory for this skill: {REPO}/.claude/skills/commit\n\n# Commit\n\n"
                "Before every commit:\n\n1. `ruff format .` then `ruff check .`\n2. `pytest -q`\n"
                "3. One imperative subject line, under 60 characters\n4. Push the branch (`git push -u origin <branch>` the first time)\n\n"
                "ARGUMENTS: "
            )
        ],
        isMeta=True,
        sourceToolUseID=skill_id,
    )
    commit = {
        "command": 'git add -A && git commit -m "List subagents in lessonloop show" 2>&1',
        "description": "Commit the change",
    }
    (commit_1,) = t.assistant(OPUS, [tool("Bash", **commit)], 126)
    t.hook("PreToolUse", "PreToolUse:Bash", PRE_COMMIT_HOOK, commit_1)
    # The same hook as in session A; this hook writes its header with literal "\n" pairs (as a real one in the
    # corpus does), so the same mistake shows up with two spellings.
    t.error(
        commit_1,
        "Pre-commit validation failed:\\n\\n[FORMAT] Code is not formatted.\\nRun 'ruff format' to fix.\\n\\n"
        "Would reformat: tests/test_show_subagents.py\n1 file would be reformatted, 33 files already formatted",
    )
    (fmt,) = t.assistant(
        OPUS,
        [
            text("Formatting first, as the skill says."),
            tool("Bash", command="ruff format .", description="Format the code"),
        ],
        58,
    )
    t.result(fmt, "1 file reformatted, 33 files left unchanged", bash_ok("1 file reformatted, 33 files left unchanged"))
    (commit_2,) = t.assistant(OPUS, [tool("Bash", **commit)], 121)
    t.hook("PreToolUse", "PreToolUse:Bash", PRE_COMMIT_HOOK, commit_2)
    committed = (
        f"[{branch} 9b03f6e] List subagents in lessonloop show\n"
        " 2 files changed, 21 insertions(+)\n create mode 100644 tests/test_show_subagents.py"
    )
    t.result(commit_2, committed, bash_ok(committed))
    (push_1,) = t.assistant(OPUS, [tool("Bash", command="git push 2>&1", description="Push the branch")], 33)
    t.error(push_1, no_upstream(branch))
    (push_2,) = t.assistant(
        OPUS,
        [
            text("No upstream again; setting it."),
            tool("Bash", command=f"git push -u origin {branch} 2>&1", description="Push and set upstream"),
        ],
        70,
    )
    t.result(push_2, pushed(branch), bash_ok(pushed(branch)))
    t.assistant(
        OPUS,
        [text(f"`lessonloop show` now ends with a Subagents section. Committed `9b03f6e` and pushed `{branch}`.")],
        164,
    )
    t.end_turn()

    # /compact typed by the person.
    before = t.last
    t.wait(95)
    summary = (
        "This session is being continued from a previous conversation that ran out of context. The summary below "
        "covers the earlier portion of the conversation.\n\n"
        "Analysis:\n1. The user asked for `lessonloop show` to list subagents (type, description, calls, errors).\n"
        "2. Reading tests/fixtures/claude-code/subagent.jsonl failed (too large); tests/test_show.py did not exist; "
        "`tree` is not installed.\n3. An Edit failed because its old_string was written from memory; after reading "
        "the exact lines the Edit applied.\n4. The commit was blocked by the [FORMAT] hook until `ruff format .` ran; "
        "`git push` needed `-u origin show-subagents`.\n\n"
        "Summary:\n1. Primary Request and Intent: list subagents at the end of `lessonloop show`. Done and pushed.\n"
        "2. Files: src/lessonloop/report/render.py (render_timeline), tests/test_show_subagents.py (new).\n"
        "3. Pending Tasks: none."
    )
    t.compact("manual", 98_233, summary)
    caveat = t.user_line(
        "<local-command-caveat>Caveat: The messages below were generated by the user while running local commands. "
        "DO NOT respond to these messages or otherwise consider them in your response unless the user explicitly "
        "asks you to.</local-command-caveat>",
        parent=before,
        isMeta=True,
    )
    t.user_line(
        "<command-name>/compact</command-name>\n<command-message>compact</command-message>\n<command-args></command-args>",
        parent=caveat,
    )
    t.user_line("<local-command-stdout>\x1b[2mCompacted (ctrl+o to see full summary)\x1b[22m</local-command-stdout>")
    t.session_start("compact")
    t.prompt("what's still missing before this can merge?")
    TALLY.prompts += 1
    t.assistant(
        OPUS,
        [
            text(
                "Two things:\n\n1. `render_timeline` shows subagents, but `show --json` does not include their "
                "descriptions yet.\n2. The subagent fixture is too large to read in one go; a small fixture with one "
                "subagent would make the test independent of the rendering width.\n\nThe change is pushed on "
                f"`{branch}`; once those are in, it is ready for review."
            )
        ],
        236,
    )
    t.end_turn()
    return t


# ------------------------------------------------------------------------------- session C


def session_c() -> Transcript:
    sid = IDS.uuid()
    t = Transcript(session_id=sid, cwd=REPO, branch="main", start="2026-11-17T08:47:12.930Z")
    t.session_start()
    t.prompt(
        "Where does lessonloop decide that a user line is a typed prompt rather than a command or a reminder? "
        "And is isMeta documented anywhere by Anthropic?"
    )
    TALLY.prompts += 1
    grep_id, glob_id = t.assistant(
        SONNET,
        [
            text("Let me find the classifier."),
            tool("Grep", pattern="def user_text_kind", path=f"{REPO}/src/lessonloop", output_mode="files_with_matches"),
            tool("Glob", pattern="src/lessonloop/capture/claude_code/*.py", path=REPO),
        ],
        142,
    )
    texts_py = f"{REPO}/src/lessonloop/capture/claude_code/texts.py"
    t.result(
        grep_id, f"Found 1 file\n{texts_py}", {"mode": "files_with_matches", "filenames": [texts_py], "numFiles": 1}
    )
    modules = [
        f"{REPO}/src/lessonloop/capture/claude_code/{name}.py"
        for name in ("__init__", "diffs", "parser", "paths", "texts")
    ]
    t.result(
        glob_id,
        "\n".join(modules),
        {"filenames": modules, "durationMs": 22, "numFiles": len(modules), "truncated": False},
    )
    url = "https://code.claude.com/docs/en/hooks"
    (fetch_id,) = t.assistant(
        SONNET,
        [
            tool(
                "WebFetch",
                url=url,
                prompt="Is the isMeta field of Claude Code transcript lines documented? Quote it if so.",
            )
        ],
        66,
    )
    answer = (
        "The hooks page documents the transcript_path given to every hook and the JSON hooks receive, but it does "
        "not describe the transcript's line format: isMeta is not mentioned."
    )
    t.result(
        fetch_id,
        answer,
        {"bytes": 48213, "code": 200, "codeText": "OK", "result": answer, "durationMs": 2841, "url": url},
    )
    t.assistant(
        SONNET,
        [
            text(
                "In `src/lessonloop/capture/claude_code/texts.py`, `user_text_kind()` decides. It checks, in order: "
                "`isCompactSummary` (a compaction summary), known prefixes (`[Request interrupted by user`, "
                "`<command-name>`, `<local-command-stdout>`, `<task-notification>`, `<system-reminder>`, ...), then "
                "`isMeta` (skill expansions and caveats); a sidechain's first line is the task prompt. Whatever is "
                "left is a typed prompt.\n\nAnthropic does not document `isMeta`: the hooks page covers the hook "
                "input, not the transcript format. lessonloop's own notes on the format are the reference."
            )
        ],
        318,
    )
    leaf = t.last
    t.end_turn()
    t.emit({"type": "custom-title", "customTitle": "How user lines are classified", "sessionId": sid})
    t.emit(
        {"type": "summary", "summary": "Where lessonloop tells typed prompts from other user lines", "leafUuid": leaf}
    )
    return t


# ------------------------------------------------------------------------------- main


def build(out: Path) -> dict[str, Any]:
    main_a, sub_a, meta = session_a()
    main_b = session_b()
    main_c = session_c()
    written: dict[str, int] = {}
    for transcript in (main_a, main_b, main_c):
        folder = out / project_folder(transcript.cwd)
        written[str((folder / f"{transcript.session_id}.jsonl").relative_to(out))] = transcript.write(
            folder / f"{transcript.session_id}.jsonl"
        )
    sub_folder = out / project_folder(main_a.cwd) / main_a.session_id / "subagents"
    written[str((sub_folder / f"agent-{sub_a.agent_id}.jsonl").relative_to(out))] = sub_a.write(
        sub_folder / f"agent-{sub_a.agent_id}.jsonl"
    )
    (sub_folder / f"agent-{sub_a.agent_id}.meta.json").write_text(dumps(meta), encoding="utf-8")
    return {
        "files": written,
        "sessions": {
            "A": main_a.session_id,
            "B": main_b.session_id,
            "C": main_c.session_id,
            "A/subagent": sub_a.agent_id,
        },
        "secret": SECRET,
        "prompts": TALLY.prompts,
        "tools": {name: {"calls": TALLY.calls[name], "errors": TALLY.errors[name]} for name in sorted(TALLY.calls)},
        "tool_calls": sum(TALLY.calls.values()),
        "tool_errors": sum(TALLY.errors.values()),
        "tokens": TALLY.tokens(),
    }


def main(argv: list[str]) -> int:
    check = "--check" in argv
    target = OUT
    if check:
        import tempfile

        target = Path(tempfile.mkdtemp()) / "claude-code"
    elif OUT.exists():
        shutil.rmtree(OUT)
    target.mkdir(parents=True)
    report = build(target)
    if check:
        fresh = {p.relative_to(target): p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()}
        current = (
            {p.relative_to(OUT): p.read_bytes() for p in sorted(OUT.rglob("*")) if p.is_file()} if OUT.exists() else {}
        )
        shutil.rmtree(target.parent)
        if fresh != current:
            print("the sample on disk differs from a fresh run: run scripts/make_sample.py", file=sys.stderr)
            return 1
    total_bytes = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    report["lines"] = sum(report["files"].values())
    report["bytes"] = total_bytes
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
