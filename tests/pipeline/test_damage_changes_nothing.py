"""Damage never rewrites what was read right (issue 82, item 3): each agent's real file, read, then
damaged in each of nine ways (cut mid-line, cut to 60% or to half at a line's end, emptied, bits
flipped, invalid UTF-8, fields of the wrong types, half a record appended, a line deleted), read
again: every session, message, tool call and token row stored the first time is still there with
the same values (new rows may be added), and ingest raises nothing.

tests/pipeline/test_damaged_transcripts.py checks that no row is lost and that the damage is said;
this module checks the values. Inputs: the agents' own files kept in tests/data (written by their
real CLIs), and when ../shared is beside the repository, a Codex rollout, a Gemini CLI chat and an
OpenCode storage of the shared corpus.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.agent_data import agent_data
from tests.conftest import SHARED_CORPUS, run_ingest

# agent's file: (the folder copied whole, the file damaged in it)
CASES: dict[str, tuple[Path, str]] = {
    "claude-code": (agent_data("claude") / "claude_code_2_1_328", "*.jsonl"),
    "gemini-jsonl": (agent_data("gemini") / "gemini_061", "session-2026*.jsonl"),
    "copilot": (agent_data("copilot") / "copilot", "tools-events.jsonl"),
    "qwen-code": (agent_data("qwen") / "qwen_code_0_24_4", "push.jsonl"),
    "droid": (agent_data("droid") / "droid_0_215_0" / "home", "**/56c237b5*.jsonl"),
    "kimi-code": (agent_data("kimi") / "kimi_code_2_1_0" / "home", "**/session_6a31*/agents/main/wire.jsonl"),
    "continue": (agent_data("continue_cli") / "continue_1_5_47" / "home", "**/0001ce3e*.json"),
    "cline": (agent_data("cline") / "cline_3_0_65" / "home", "**/*.messages.json"),
    "mistral-vibe": (agent_data("vibe") / "mistral_vibe_3_0_2" / "home", "**/journal/0000000000000043.jsonl"),
    "kilo": (agent_data("kilo") / "kilo_7_7_9" / "home", "**/kilo.db"),
    "pi-agent": (agent_data("pi_agent") / "pi_mono", "2025-11-20T*.jsonl"),
    "amp": (agent_data("amp") / "toolpath", "T-*.json"),
    "cursor": (agent_data("cursor") / "slevin48" / "home", "**/state.vscdb"),
    "grok-build": (agent_data("grok") / "ctxrs_ctx_1_0_3", "updates.jsonl"),
    "hermes": (agent_data("hermes") / "hermes_0_19_0" / "home", "**/state.db"),
    "antigravity": (agent_data("antigravity") / "pond_agy_1_2_0" / "home", "**/chunks/transcript_full/00000000.jsonl"),
}
SHARED_CASES: dict[str, tuple[Path, str]] = {
    "codex": (SHARED_CORPUS / "codex" / "codemie", "**/rollout-2026-05-11T11-26-55*.jsonl"),
    "gemini-json": (SHARED_CORPUS / "gemini" / "codemie", "session-2025-12-01T21-45*.json"),
    "opencode-session": (SHARED_CORPUS / "opencode" / "codemie", "storage/session/**/*.json"),
    "opencode-part": (SHARED_CORPUS / "opencode" / "codemie", "storage/part/msg-assistant-1/part-tool-read.json"),
    "aider": (SHARED_CORPUS / "aider" / "aider-dev", "*.md"),
}
DAMAGES = (
    "cut mid-line",
    "cut to 60%",
    "halved",
    "emptied",
    "flipped bits",
    "invalid utf-8",
    "wrong types",
    "half a record appended",
    "a line deleted",
)
# Each table's key, and the columns that say where or when a row was stored, not what it holds
# (a message row written again whole gets a new rowid: the same message).
TABLES = {
    "sessions": ("id",),
    "messages": ("session_id", "uuid"),
    "tool_calls": ("id",),
    "token_usage": ("message_id", "request_id"),
}
NOT_VALUES = frozenset({"id", "ingested_at"})

Rows = dict[str, dict[tuple[Any, ...], dict[str, Any]]]


def _rows(db: Path) -> Rows:
    conn = sqlite3.connect(db)
    try:
        found: Rows = {}
        for table, key in TABLES.items():
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            kept = [c for c in columns if c not in NOT_VALUES or c in key]
            found[table] = {}
            for values in conn.execute(f"SELECT {', '.join(kept)} FROM {table}"):
                row = dict(zip(kept, values, strict=True))
                found[table][tuple(row[k] for k in key)] = row
        return found
    finally:
        conn.close()


def _wrong_types(value: Any, counter: list[int]) -> bool:
    """Give one field of `value` (a record) a value of another type: a text a number, a number a
    text, an object a list; True when one was changed."""
    if isinstance(value, dict):
        for name in list(value):
            item = value[name]
            counter[0] += 1
            if isinstance(item, str | int | float | dict) and not isinstance(item, bool) and counter[0] % 3 == 0:
                value[name] = 42 if isinstance(item, str) else ([item] if isinstance(item, dict) else "x")
                return True
            if _wrong_types(item, counter):
                return True
    elif isinstance(value, list):
        return any(_wrong_types(item, counter) for item in value[3::4])
    return False


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    size = len(data)
    if how in ("cut mid-line", "cut to 60%", "halved"):
        at = size * (5 if how == "halved" else 6) // 10
        if how == "cut mid-line":
            while at < size and (data[at - 1 : at] == b"\n" or data[at : at + 1] == b"\n"):
                at += 1
        else:
            at = data.rfind(b"\n", 0, at) + 1
        path.write_bytes(data[:at])
    elif how == "emptied":
        path.write_bytes(b"")
    elif how == "flipped bits":
        flipped = bytearray(data)
        for offset in (size // 4, size // 3, size // 2, size * 3 // 4):
            flipped[offset] ^= 0x01
        path.write_bytes(bytes(flipped))
    elif how == "invalid utf-8":
        at = size * 2 // 5
        path.write_bytes(data[:at] + b"\x80\xe2" + data[at + 2 :])
    elif how == "half a record appended":
        path.write_bytes(data + b'{"type": "assist')
    elif how == "a line deleted":
        lines = data.splitlines(keepends=True)
        del lines[len(lines) // 2 : len(lines) // 2 + 1]
        path.write_bytes(b"".join(lines))
    elif how == "wrong types":
        if path.suffix == ".json":
            document = json.loads(data)
            for start in (0, 1, 2):
                _wrong_types(document, [start])
            path.write_text(json.dumps(document), encoding="utf-8")
        else:
            lines = data.splitlines(keepends=True)
            for index in range(3, len(lines), 4):
                try:
                    record = json.loads(lines[index])
                except ValueError:
                    continue
                if _wrong_types(record, [0]):
                    lines[index] = json.dumps(record).encode() + b"\n"
            path.write_bytes(b"".join(lines))
    else:
        raise ValueError(how)
    later = path.stat().st_mtime_ns + 10_000_000_000
    os.utime(path, ns=(later, later))


def _check(tmp_path: Path, folder: Path, pattern: str, how: str) -> None:
    root = tmp_path / "data"
    shutil.copytree(folder, root)
    target = sorted(root.glob(pattern))[0]
    if how in ("flipped bits", "invalid utf-8") and target.stat().st_size < 8:
        pytest.skip("the file is too short to flip")
    db = tmp_path / "store.db"
    run_ingest(db, root)
    before = _rows(db)
    assert any(before.values()), "the file stored nothing to keep"
    _damage(target, how)
    run_ingest(db, root)  # raises nothing
    after = _rows(db)
    changed = []
    for table, rows in before.items():
        for key, row in rows.items():
            now = after[table].get(key)
            if now is None:
                changed.append(f"{table} {key}: deleted")
            elif now != row:
                changed.append(f"{table} {key}: { ({c: (row[c], now[c]) for c in row if row[c] != now[c]}) }"[:300])
    assert changed == []


@pytest.mark.parametrize("how", DAMAGES)
@pytest.mark.parametrize("agent", sorted(CASES))
def test_a_damaged_file_changes_no_stored_row(tmp_path: Path, agent: str, how: str) -> None:
    folder, pattern = CASES[agent]
    _check(tmp_path, folder, pattern, how)


@pytest.mark.parametrize("how", DAMAGES)
@pytest.mark.parametrize("agent", sorted(SHARED_CASES))
def test_a_damaged_shared_file_changes_no_stored_row(tmp_path: Path, agent: str, how: str) -> None:
    folder, pattern = SHARED_CASES[agent]
    if not folder.exists():
        pytest.skip(f"real-data corpus not found at {folder} (the ../shared folder is absent)")
    _check(tmp_path, folder, pattern, how)
