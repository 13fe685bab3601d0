"""Nothing stored is lost to a damaged transcript, for every agent (issue 60, item 4; Aider's
histories: tests/agents/aider/test_aider_damaged_history.py).

Each case ingests a transcript whole, damages it as a crash, a full disk or a bad sector leaves
it (cut in the middle of a line, cut to about 60% at a line's end, bytes flipped and invalid
UTF-8, records whose fields have the wrong types, a part file deleted), ingests again, and checks
that every session, message, tool call and token row stored the first time is still there, by id;
that a problem or notice names the damaged file (and its line where there is one); and that a
third ingest says nothing more about it. Rows from what can still be read may be added.

Inputs: the real transcripts of ../shared/corpus (claude-code/spotter, codex/codemie,
gemini/codemie, opencode/codemie), copied into tmp_path (skipped when ../shared is absent), and
small ones built here (Claude Code, Codex, Gemini CLI, OpenCode) or kept in tests/data (Copilot
CLI's events, as its CLI writes them), which always run.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lessonloop.core.records import Problem
from lessonloop.pipeline.ingest import IngestSummary
from tests.agent_data import agent_data
from tests.conftest import SHARED_CORPUS, run_ingest
from tests.planted_codex import write_planted_codex_session
from tests.transcript_builder import TranscriptBuilder

CLAUDE_CODE = SHARED_CORPUS / "claude-code" / "spotter"
CODEX_ROLLOUT = (
    SHARED_CORPUS
    / "codex"
    / "codemie"
    / "sessions"
    / "2026"
    / "05"
    / "11"
    / "rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl"
)
GEMINI_CHAT = SHARED_CORPUS / "gemini" / "codemie" / "session-2025-12-01T21-45-5b959dae.json"
OPENCODE_STORAGE = SHARED_CORPUS / "opencode" / "codemie" / "storage"
COPILOT_EVENTS = agent_data("copilot") / "copilot" / "tools-events.jsonl"
COPILOT_SESSION = "70974254-53d9-45fc-b3f4-96100bcf2015"

TABLES = {
    "sessions": "SELECT id FROM sessions",
    "messages": "SELECT session_id, uuid FROM messages",
    "tool_calls": "SELECT id FROM tool_calls",
    "token_usage": "SELECT message_id, request_id FROM token_usage",
}
DAMAGE_CODES = frozenset({"damaged-file", "rows-kept"})
CUTS = ["cut mid-line", "cut to 60%"]
LINE_DAMAGE = [*CUTS, "flipped bytes", "wrong types"]

Ids = dict[str, set[tuple[Any, ...]]]


def _ids(db: Path) -> Ids:
    conn = sqlite3.connect(db)
    try:
        return {table: set(conn.execute(sql)) for table, sql in TABLES.items()}
    finally:
        conn.close()


def _needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"real-data corpus not found at {path} (the ../shared folder is absent)")


# --------------------------------------------------------------------------- damage


def _cut(path: Path, how: str) -> None:
    """Cut in the middle of a line (a crash while it was written) or at the end of the line
    nearest 60% of the file."""
    data = path.read_bytes()
    at = len(data) * 6 // 10
    if how == "cut mid-line":
        while data[at - 1 : at] == b"\n" or data[at : at + 1] == b"\n":
            at += 1
    else:
        at = data.rindex(b"\n", 0, at) + 1
    os.truncate(path, at)


def _flip(path: Path) -> None:
    """Bits flipped and invalid UTF-8 in the first and last 4 KiB (where ingest compares the bytes
    it read before) and in between."""
    data = bytearray(path.read_bytes())
    size = len(data)
    for offset in (min(1_500, size // 4), size // 3, size // 2, size - min(300, size // 5)):
        data[offset] ^= 0x01
    for offset in (size * 2 // 5, size * 3 // 4):
        data[offset : offset + 2] = b"\x80\xe2"  # a lone continuation byte, then a cut sequence
    path.write_bytes(bytes(data))


def _wrong_types(path: Path, mutate: Callable[[dict[str, Any]], bool], every: int = 4) -> list[int]:
    """Every `every`th JSON line that `mutate` changes gets fields of the wrong types; the line
    numbers changed."""
    lines = path.read_bytes().splitlines(keepends=True)
    changed = []
    for index, line in enumerate(lines):
        if index % every != every - 1:
            continue
        record = json.loads(line)
        if isinstance(record, dict) and mutate(record):
            lines[index] = json.dumps(record).encode() + b"\n"
            changed.append(index + 1)
    path.write_bytes(b"".join(lines))
    assert changed
    return changed


def _claude_code_wrong(record: dict[str, Any]) -> bool:
    """A message that is a string or a list, or a content that is a number (and a time that is an
    int, which is read as Unix seconds)."""
    message = record.get("message")
    if not isinstance(message, dict):
        return False
    kind = sum(map(ord, str(record.get("uuid")))) % 3
    if kind == 0:
        record["message"] = "a string"
    elif kind == 1:
        record["message"] = [message]
    else:
        message["content"] = 42
    record["timestamp"] = 1_700_000_000
    return True


# A field the Codex parser reads, by payload type, and a value of another type.
_CODEX_WRONG: dict[str, tuple[str, Any]] = {
    "message": ("content", 42),
    "reasoning": ("summary", "a string"),
    "function_call": ("arguments", ["not", "a", "string"]),
    "custom_tool_call": ("call_id", 42),
    "function_call_output": ("output", 42),
    "custom_tool_call_output": ("call_id", ["x"]),
    "user_message": ("message", {"text": "an object"}),
    "token_count": ("info", "a string"),
    "exec_command_end": ("call_id", 42),
    "patch_apply_end": ("success", "yes"),
}


def _codex_wrong(record: dict[str, Any]) -> bool:
    """A field the parser reads gets another type; a record with none of them, a payload that is a string."""
    payload = record.get("payload")
    if not isinstance(payload, dict):
        return False
    kind = str(payload.get("type"))
    if kind == "agent_message":
        return False  # not read: its words come as the assistant's message item
    wrong = _CODEX_WRONG.get(kind)
    if wrong is not None:
        payload[wrong[0]] = wrong[1]
    else:
        record["payload"] = "a string"
    return True


def _copilot_wrong(record: dict[str, Any]) -> bool:
    """A field the parser reads gets another type; an event with none of them, a data that is a string."""
    if record.get("type") == "session.start":
        return False  # its id is the folder's too; the session start is checked apart
    data = record.get("data")
    if not isinstance(data, dict):
        return False
    for key in ("content", "toolCallId", "usage", "message", "newModel", "reason", "success"):
        if key in data:
            data[key] = [42] if isinstance(data[key], (str, bool)) else "a string"
            return True
    if record.get("type") in ("assistant.turn_start", "assistant.turn_end", "hook.start", "hook.end"):
        return False  # known, nothing read of them
    record["data"] = "a string"
    return True


# --------------------------------------------------------------------------- checks


def _damaged_and_read_again(
    db: Path, folder: Path, damage: Callable[[], object]
) -> tuple[Ids, IngestSummary, IngestSummary]:
    """Ingest `folder`, damage it, ingest it again: the ids stored first, the second ingest's
    summary and a third ingest's."""
    first = run_ingest(db, folder)
    assert first.files_read >= 1
    before = _ids(db)
    assert before["sessions"] and before["messages"]  # something to lose
    damage()
    again = run_ingest(db, folder)
    after = _ids(db)
    for table, ids in before.items():
        lost = ids - after[table]
        assert not lost, f"{table}: {len(lost)} of {len(ids)} stored rows lost, as {sorted(lost)[:3]}"
    return before, again, run_ingest(db, folder)


def _said(summary: IngestSummary, path: Path | str) -> list[Problem]:
    """What the summary says of `path`: its problems and notices of damage."""
    return [p for p in summary.problems + summary.notices if p.path == str(path) and p.code in DAMAGE_CODES]


def _said_once(again: IngestSummary, third: IngestSummary, path: Path | str, code: str = "damaged-file") -> Problem:
    """The one problem (or notice) that says `path` was damaged, not said by the next ingest."""
    (said,) = _said(again, path)
    assert said.code == code, said
    assert not _said(third, path), "said again"
    return said


def _stored_problems(db: Path, path: Path | str) -> list[str]:
    """The codes of the problems the store keeps for `path` (what `lessonloop quality` counts)."""
    conn = sqlite3.connect(db)
    try:
        return [code for (code,) in conn.execute("SELECT code FROM ingest_problems WHERE path = ?", (str(path),))]
    finally:
        conn.close()


def _line_problems(summary: IngestSummary, path: Path, lines: list[int]) -> list[Problem]:
    """The problems naming the lines changed: one at least for each."""
    found = [p for p in summary.problems if p.path == str(path) and p.line in set(lines)]
    unnamed = sorted(set(lines) - {p.line for p in found})
    assert not unnamed, f"no problem names lines {unnamed[:5]} of {path.name}, changed to wrong types"
    return found


def _fresh(tmp_path: Path, folder: Path) -> Ids:
    db = tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}.db"
    run_ingest(db, folder)
    return _ids(db)


def _line_damage(path: Path, how: str, mutate: Callable[[dict[str, Any]], bool]) -> list[int]:
    if how in CUTS:
        _cut(path, how)
    elif how == "flipped bytes":
        _flip(path)
    else:
        return _wrong_types(path, mutate)
    return []


def _check_lines_file(
    tmp_path: Path, folder: Path, path: Path, how: str, mutate: Callable[[dict[str, Any]], bool]
) -> None:
    """A transcript read line by line, damaged `how`: nothing stored is lost, the damage is said
    once naming the file, and a line of the wrong types is skipped alone."""
    clean = _fresh(tmp_path, folder)
    changed: list[int] = []

    def damage() -> None:
        changed.extend(_line_damage(path, how, mutate))

    _before, again, third = _damaged_and_read_again(tmp_path / "s.db", folder, damage)
    said = _said_once(again, third, path)
    assert "damaged-file" in _stored_problems(tmp_path / "s.db", path)  # counted
    reasons = ["it is shorter"] if how in CUTS else ["bytes read of it before have changed", "it is shorter"]
    assert any(reason in said.detail for reason in reasons) and "what it stored before is kept" in said.detail
    if how == "flipped bytes":
        assert [p for p in again.problems if p.path == str(path) and p.line is not None]  # the lines named
    if how == "wrong types":
        _line_problems(again, path, changed)
        # Each changed line is skipped alone: the other lines of the file are read.
        fresh = _fresh(tmp_path, folder)
        for table in ("messages", "tool_calls"):
            assert len(fresh[table]) >= len(clean[table]) - len(changed), table


# --------------------------------------------------------------------------- Claude Code


def _claude_code_session(folder: Path) -> Path:
    t = TranscriptBuilder(session_id="0d9a5c1e-7b4f-4e52-9a1c-3f2e8d6b7a10")
    for turn in range(12):
        t.prompt(f"step {turn}: make the tests pass")
        t.say(f"Looking at step {turn}.", output_tokens=turn + 1)
        read = t.tool_use("Read", {"file_path": f"/home/dev/project/m{turn % 5}.py"})
        t.tool_result(read, f"def f{turn}():\n    return {turn}\n")
        t.bash("pytest -q", "1 failed" if turn % 3 == 0 else "5 passed", exit_code=1 if turn % 3 == 0 else 0)
    return t.write(folder / f"{t.session_id}.jsonl")


@pytest.mark.parametrize("how", LINE_DAMAGE)
def test_claude_code_built(tmp_path: Path, how: str) -> None:
    folder = tmp_path / "projects" / "-home-dev-project"
    path = _claude_code_session(folder)
    _check_lines_file(tmp_path, folder, path, how, _claude_code_wrong)


@pytest.mark.parametrize("name", ["tool_heavy.jsonl", "subagent.jsonl"])
@pytest.mark.parametrize("how", LINE_DAMAGE)
def test_claude_code_corpus(tmp_path: Path, name: str, how: str) -> None:
    _needs(CLAUDE_CODE / name)
    folder = tmp_path / "spotter"
    folder.mkdir()
    path = folder / name
    shutil.copyfile(CLAUDE_CODE / name, path)
    _check_lines_file(tmp_path, folder, path, how, _claude_code_wrong)


def test_claude_code_wrong_typed_lines_keep_what_was_stored(tmp_path: Path) -> None:
    """The finding: a transcript whose lines got wrong types lost most of its messages (8 of 10
    and its 6 calls, for this one before issue 60)."""
    _needs(CLAUDE_CODE / "tool_heavy.jsonl")
    folder = tmp_path / "spotter"
    folder.mkdir()
    path = folder / "tool_heavy.jsonl"
    shutil.copyfile(CLAUDE_CODE / "tool_heavy.jsonl", path)
    before, again, _third = _damaged_and_read_again(
        tmp_path / "s.db", folder, lambda: _wrong_types(path, _claude_code_wrong, every=1)
    )
    assert len(before["messages"]) == 10
    assert again.files_replaced == 1
    assert len([p for p in again.problems if p.code == "malformed-record"]) >= 10


# --------------------------------------------------------------------------- Codex CLI


@pytest.mark.parametrize("how", LINE_DAMAGE)
def test_codex_built(tmp_path: Path, how: str) -> None:
    root = tmp_path / "codex"
    for index in range(3):
        write_planted_codex_session(root, f"value {index}", index)
    path = max(root.rglob("rollout-*.jsonl"))
    _check_lines_file(tmp_path, root, path, how, _codex_wrong)


@pytest.mark.slow
@pytest.mark.parametrize("how", LINE_DAMAGE)
def test_codex_corpus(tmp_path: Path, how: str) -> None:
    """Before issue 60 this rollout cut to 60% lost 8 of its 17 messages and 63 of its 105 calls."""
    _needs(CODEX_ROLLOUT)
    folder = tmp_path / "sessions"
    folder.mkdir()
    path = folder / CODEX_ROLLOUT.name
    shutil.copyfile(CODEX_ROLLOUT, path)
    _check_lines_file(tmp_path, folder, path, how, _codex_wrong)


# --------------------------------------------------------------------------- Copilot CLI


def _copilot(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "session-state" / COPILOT_SESSION
    folder.mkdir(parents=True)
    path = folder / "events.jsonl"
    shutil.copyfile(COPILOT_EVENTS, path)
    return tmp_path / "session-state", path


@pytest.mark.parametrize("how", LINE_DAMAGE)
def test_copilot(tmp_path: Path, how: str) -> None:
    folder, path = _copilot(tmp_path)
    _check_lines_file(tmp_path, folder, path, how, _copilot_wrong)


def test_copilot_session_start_of_the_wrong_types_keeps_the_session(tmp_path: Path) -> None:
    folder, path = _copilot(tmp_path)

    def damage() -> None:
        lines = path.read_bytes().splitlines(keepends=True)
        start = json.loads(lines[0])
        start["data"]["sessionId"] = 42
        start["data"]["startTime"] = ["a", "list"]
        lines[0] = json.dumps(start).encode() + b"\n"
        path.write_bytes(b"".join(lines))

    before, again, third = _damaged_and_read_again(tmp_path / "s.db", folder, damage)
    _said_once(again, third, path)
    assert _ids(tmp_path / "s.db") == before  # the folder names the same session: nothing added


# --------------------------------------------------------------------------- Gemini CLI


def _gemini_wrong(chat: dict[str, Any]) -> None:
    """Messages of the wrong types: one a list, one with a number for its content, one whose
    calls are a string, one whose time is an int."""
    messages = chat["messages"]
    users = [i for i, m in enumerate(messages) if m.get("type") == "user"]
    models = [i for i, m in enumerate(messages) if m.get("type") == "gemini"]
    messages[users[0]]["content"] = 42
    messages[models[0]]["toolCalls"] = "not a list"
    messages[models[-1]]["timestamp"] = 1_700_000_000
    messages[users[-1]] = [messages[users[-1]]]


def _gemini_damage(path: Path, how: str) -> None:
    if how in CUTS:
        _cut(path, how)
    elif how == "flipped bytes":
        _flip(path)
    else:
        chat = json.loads(path.read_bytes())
        _gemini_wrong(chat)
        path.write_text(json.dumps(chat, indent=2))
    stamp = path.stat().st_mtime_ns + 10**9  # a rewrite in the same second still changes the stamp
    os.utime(path, ns=(stamp, stamp))


def _check_gemini(tmp_path: Path, folder: Path, path: Path, how: str) -> None:
    _before, again, third = _damaged_and_read_again(tmp_path / "s.db", folder, lambda: _gemini_damage(path, how))
    said = _said_once(again, third, path)
    assert not again.files_nothing_read  # a chat read before and damaged is no file of no records
    assert "what it stored before and no longer holds is kept" in said.detail
    assert again.files_replaced == 1


def _gemini_chat(folder: Path) -> Path:
    from tests.agents.gemini.test_gemini_adapter import call, gemini, meta, user

    messages: list[dict[str, Any]] = []
    for turn in range(6):
        messages.append(user(f"u{turn}", f"step {turn}: fix the parser"))
        calls = [call(f"c{turn}", "run_shell_command", {"command": "pytest -q"}, "success", "5 passed")]
        messages.append(gemini(f"g{turn}", f"Ran the tests for step {turn}.", calls))
    path = folder / "session-2026-03-01T10-00-11111111.json"
    folder.mkdir(parents=True)
    path.write_text(json.dumps({**meta(), "messages": messages}, indent=2))
    return path


@pytest.mark.parametrize("how", LINE_DAMAGE)
def test_gemini_built(tmp_path: Path, how: str) -> None:
    folder = tmp_path / "chats"
    _check_gemini(tmp_path, folder, _gemini_chat(folder), how)


@pytest.mark.parametrize("how", LINE_DAMAGE)
def test_gemini_corpus(tmp_path: Path, how: str) -> None:
    """The finding: this chat cut short or with flipped bytes had its session deleted (1 session,
    6 messages, 10 calls and 11 token rows, before issue 60)."""
    _needs(GEMINI_CHAT)
    folder = tmp_path / "chats"
    folder.mkdir()
    path = folder / GEMINI_CHAT.name
    shutil.copyfile(GEMINI_CHAT, path)
    _check_gemini(tmp_path, folder, path, how)


def test_a_gemini_jsonl_chat_cut_short_keeps_its_messages_and_a_rewind_still_takes_back(tmp_path: Path) -> None:
    """A JSONL chat whose last lines are gone (valid, shorter) keeps them, said as a notice; the
    messages a rewind names are still taken back, as a clean ingest of the final file has it."""
    from tests.agents.gemini.test_gemini_adapter import call, gemini, jsonl, meta, user

    folder = tmp_path / "chats"
    folder.mkdir()
    path = folder / "session-2026-03-01T10-00-22222222.jsonl"
    lines = [
        meta(),
        user("u1", "first"),
        gemini("g1", "one", [call("c1", "read_file", {"file_path": "/a"}, "success")]),
    ]
    lines += [user("u2", "second"), gemini("g2", "two", [call("c2", "read_file", {"file_path": "/b"}, "success")])]
    path.write_bytes(jsonl(*lines))

    def damage() -> None:
        path.write_bytes(jsonl(*lines[:3]))  # the last two lines lost
        stamp = path.stat().st_mtime_ns + 10**9
        os.utime(path, ns=(stamp, stamp))

    before, again, third = _damaged_and_read_again(tmp_path / "s.db", folder, damage)
    said = _said_once(again, third, path, code="rows-kept")
    assert "2 messages, 1 tool call and 1 token row" in said.detail
    # The person rewinds to before "first" and asks again: u1, g1 and its call are taken back.
    path.write_bytes(jsonl(*lines, {"$rewindTo": "u1"}, user("u3", "again")))
    stamp = path.stat().st_mtime_ns + 2 * 10**9
    os.utime(path, ns=(stamp, stamp))
    rewound = run_ingest(tmp_path / "s.db", folder)
    assert not _said(rewound, path)
    after = _ids(tmp_path / "s.db")
    session = next(iter(before["sessions"]))[0]
    assert after["messages"] == {(session, "u3")}
    assert after["tool_calls"] == set() and after["token_usage"] == set()


# --------------------------------------------------------------------------- OpenCode


def _opencode_damage(storage: Path, how: str) -> list[Path]:
    """Damage one part file of every message (cut, flipped, wrong types), or delete them: the
    files touched."""
    parts = sorted((storage / "part").glob("*/*.json"))
    touched = [parts[i] for i in range(0, len(parts), 2)]
    for path in touched:
        if how in CUTS:
            os.truncate(path, path.stat().st_size * 6 // 10)
        elif how == "flipped bytes":
            data = bytearray(path.read_bytes())
            data[len(data) // 3] ^= 0x01
            data[len(data) // 2 : len(data) // 2 + 2] = b"\x80\xe2"
            path.write_bytes(bytes(data))
        elif how == "wrong types":
            part = json.loads(path.read_bytes())
            for key in ("state", "text", "tokens"):
                if key in part:
                    part[key] = 42 if isinstance(part[key], (str, dict)) else "a string"
            part["time"] = "yesterday"
            path.write_text(json.dumps(part))
        else:
            path.unlink()
    # Every file of the session gets a new stamp, as OpenCode's writes give it.
    for path in storage.rglob("*.json"):
        stamp = path.stat().st_mtime_ns + 10**9
        os.utime(path, ns=(stamp, stamp))
    return touched


OPENCODE_DAMAGE = [*LINE_DAMAGE, "part files deleted"]


def _check_opencode(tmp_path: Path, storage: Path, how: str) -> None:
    touched: list[Path] = []
    _before, again, third = _damaged_and_read_again(
        tmp_path / "s.db", storage, lambda: touched.extend(_opencode_damage(storage, how))
    )
    (session_file,) = (storage / "session").glob("*/*.json")
    code = "rows-kept" if how == "part files deleted" else "damaged-file"
    said = _said_once(again, third, session_file, code=code)
    assert "what it stored before and no longer holds is kept" in said.detail
    if how == "wrong types":  # each part of the wrong types is named, with what is wrong
        for part in touched:
            assert [p for p in again.problems if f"part {part.stem!r}" in p.detail], part.name
    elif how != "part files deleted":  # the damaged part files are named, each with its cause
        for part in touched:
            assert [p for p in again.problems if p.path == str(part)], part.name


@pytest.mark.parametrize("how", OPENCODE_DAMAGE)
def test_opencode_built(tmp_path: Path, how: str) -> None:
    from tests.agents.opencode.test_opencode_adapter import main_session, write_storage

    storage = write_storage(tmp_path / "opencode", [main_session()])
    _check_opencode(tmp_path, storage, how)


@pytest.mark.parametrize("how", OPENCODE_DAMAGE)
def test_opencode_corpus(tmp_path: Path, how: str) -> None:
    _needs(OPENCODE_STORAGE)
    storage = tmp_path / "opencode" / "storage"
    shutil.copytree(OPENCODE_STORAGE, storage)
    _check_opencode(tmp_path, storage, how)


# --------------------------------------------------------------------------- through the CLI


def test_the_cli_says_it_once_and_keeps_every_row(tmp_path: Path) -> None:
    """`lessonloop ingest --json` in a process of its own, as a person runs it: the damaged file is
    named among the problems, with what is kept, and every row stays."""
    import subprocess
    import sys

    folder = tmp_path / "projects" / "-home-dev-project"
    path = _claude_code_session(folder)
    db = tmp_path / "s.db"

    def ingest() -> dict[str, Any]:
        command = [
            sys.executable,
            "-m",
            "lessonloop",
            "ingest",
            "--db",
            str(db),
            "--no-progress",
            "--json",
            str(folder),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    ingest()
    before = _ids(db)
    _cut(path, "cut mid-line")
    again = ingest()
    damaged = [p for p in again["problems"] if p["code"] == "damaged-file"]
    assert [p["path"] for p in damaged] == [str(path)]
    assert "what it stored before is kept (1 session, 24 messages, 24 tool calls" in damaged[0]["detail"]
    assert again["files"]["replaced"] == 1
    assert _ids(db) == before
    assert not [p for p in ingest()["problems"] if p["code"] == "damaged-file"]


def test_a_transcript_emptied_is_said_and_fails_nothing(tmp_path: Path) -> None:
    """Its only file emptied (`> file`, a crash of an editor): `ingest` says it, keeps every row and
    exits 0; nothing of it is "a file with no readable record" (that exits 1: a text file given)."""
    import subprocess
    import sys

    folder = tmp_path / "projects" / "-home-dev-project"
    path = _claude_code_session(folder)
    db = tmp_path / "s.db"
    command = [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--no-progress", "--json", str(folder)]
    assert subprocess.run(command, capture_output=True, check=False, timeout=120).returncode == 0
    before = _ids(db)
    path.write_bytes(b"")
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [(p["code"], p["path"]) for p in result["problems"]] == [("damaged-file", str(path))]
    assert result["files"]["nothing_read"] == 0
    assert _ids(db) == before


def test_opencode_database_rows_removed_keep_what_was_stored(tmp_path: Path) -> None:
    """opencode.db: a session's part rows deleted, a message's data cut short (a damaged page, a
    failed write): its unit is read again and keeps every row it stored."""
    from tests.agents.opencode.test_opencode_adapter import main_session, write_db

    folder = tmp_path / "opencode"
    folder.mkdir()
    database = folder / "opencode.db"
    write_db(database, [main_session()])

    def damage() -> None:
        conn = sqlite3.connect(database)
        try:
            conn.execute("DELETE FROM part WHERE id IN (SELECT id FROM part ORDER BY id LIMIT 3)")
            conn.execute("UPDATE message SET data = substr(data, 1, length(data) / 2), time_updated = time_updated + 1")
            conn.execute("UPDATE session SET time_updated = time_updated + 1")
            conn.commit()
        finally:
            conn.close()

    _before, again, third = _damaged_and_read_again(tmp_path / "s.db", database, damage)
    said = _said_once(again, third, f"{database}#ses_main")
    assert "what it stored before and no longer holds is kept" in said.detail
