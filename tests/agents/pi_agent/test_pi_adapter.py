"""pi's session files, as pi wrote them (tests/agents/pi_agent/data/pi_mono/: two real sessions of pi's
author, PROVENANCE.md), found in a temporary HOME with no path, read exactly; their token totals
against ccusage 20's: tests/cli/test_costs_ccusage.py."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from lessonloop.agents.pi_agent.reader import paths
from lessonloop.agents.pi_agent.reader.tools import kind_of
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.pi_format.parser import PiParser
from lessonloop.capture.sniffer import sniff
from tests.agents.gemini.test_gemini_adapter import ingest, rows

DATA = Path(__file__).parent / "data" / "pi_mono"
FILES = sorted(DATA.glob("*.jsonl"))
FOLDER = "--Users-badlogic-workspaces-pi-mono--"  # pi's folder of /Users/badlogic/workspaces/pi-mono
OPUS_SESSION = "5fd1e58c-9635-410e-a644-133a96057c90"
SONNET_SESSION = "d703a1a9-1b7b-4fb1-b512-c9738b1fe617"


def pi_home(tmp_path: Path) -> Path:
    """A HOME where pi left these two sessions."""
    home = tmp_path / "home"
    folder = home / ".pi" / "agent" / "sessions" / FOLDER
    folder.mkdir(parents=True)
    for path in FILES:
        shutil.copy(path, folder / path.name)
    return home


def test_ingest_with_no_path_reads_each_session_exactly(tmp_path: Path) -> None:
    home = pi_home(tmp_path)
    db = tmp_path / "s.db"
    ingest(db, env={**os.environ, "HOME": str(home)})
    assert rows(db, "SELECT id, agent, kind, cwd, model FROM sessions ORDER BY id") == [
        (OPUS_SESSION, "pi-agent", "main", "/Users/badlogic/workspaces/pi-mono", "claude-opus-4-5"),
        (SONNET_SESSION, "pi-agent", "main", "/Users/badlogic/workspaces/pi-mono", "claude-sonnet-4-5"),
    ]
    # one token row per assistant message that used tokens (the aborted gpt-5.1-codex turns used none);
    # line 440 (two objects on one line) is reported, not read
    assert rows(
        db,
        """SELECT session_id, count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens),
                  sum(cache_read_tokens), round(sum(cost_usd), 6) FROM token_usage GROUP BY 1 ORDER BY 1""",
    ) == [
        (OPUS_SESSION, 213, 1560, 46964, 981976, 25101148, 19.869824),
        (SONNET_SESSION, 439, 1049, 83156, 4296232, 43229469, 30.330198),
    ]
    assert rows(db, "SELECT path, line, code FROM ingest_problems") == [
        (str(home / ".pi" / "agent" / "sessions" / FOLDER / FILES[1].name), 440, "invalid-json")
    ]
    assert rows(db, "SELECT kind, count(*) FROM tool_calls GROUP BY 1 ORDER BY 1") == [
        ("edit", 189),
        ("read", 80),
        ("shell", 307),
        ("write", 4),
    ]
    # a shell call that failed: its exit status out of pi's last line, the error its text
    failed = rows(
        db,
        "SELECT command, exit_code, error_text FROM tool_calls WHERE status = 'error' AND exit_code IS NOT NULL "
        "ORDER BY session_id, seq LIMIT 1",
    )[0]
    assert failed[1] != 0 and "Command exited with code" not in failed[2]
    assert rows(db, "SELECT count(*) FROM messages WHERE kind = 'prompt'") == [(131,)]
    assert rows(db, "SELECT count(*) FROM messages WHERE kind = 'compaction_summary'") == [(1,)]


def test_it_is_sniffed_and_found_as_pis() -> None:
    for path in FILES:
        assert sniff(str(path), path.read_bytes()[:65536]) == "pi-session"
    home = "/home/me"
    placed = f"{home}/.pi/agent/sessions/{FOLDER}/{FILES[0].name}"
    assert paths.claims(placed) == "pi-session"
    assert paths.claims(f"{home}/elsewhere/{FILES[0].name}") is None


def test_discovery_follows_pi_coding_agent_dir(tmp_path: Path) -> None:
    home = pi_home(tmp_path)
    found = paths.discover(DiscoveryContext(environ={}, home=str(home)))
    assert sorted(Path(f.path).name for f in found) == [p.name for p in FILES]
    moved = tmp_path / "pi-elsewhere"
    shutil.move(str(home / ".pi" / "agent"), moved)
    assert paths.discover(DiscoveryContext(environ={}, home=str(home))) == []
    found = paths.discover(DiscoveryContext(environ={"PI_CODING_AGENT_DIR": str(moved)}, home=str(home)))
    assert len(found) == 2
    # pi's own variable for the sessions alone
    found = paths.discover(
        DiscoveryContext(environ={"PI_CODING_AGENT_SESSION_DIR": str(moved / "sessions")}, home=str(home))
    )
    assert len(found) == 2


def test_read_a_line_at_a_time_it_is_the_same_session() -> None:
    lines = FILES[0].read_bytes().splitlines()
    whole = PiParser(str(FILES[0]), "pi-agent", kind_of).parse(lines, 1)
    calls, results, usage, messages = [], [], [], []
    parser = PiParser(str(FILES[0]), "pi-agent", kind_of)
    for lineno, line in enumerate(lines, 1):
        batch = parser.parse([line], lineno)
        calls += batch.tool_calls
        results += batch.tool_results
        usage += list(batch.usage.values())
        messages += batch.messages
        parser = PiParser(str(FILES[0]), "pi-agent", kind_of, pending_calls=parser.pending, state=parser.state())
    assert (calls, results, messages) == (whole.tool_calls, whole.tool_results, whole.messages)
    assert usage == list(whole.usage.values())


def test_a_version_3_session_is_read_as_its_tree_is_written(tmp_path: Path) -> None:
    """pi 0.50 and later write version 3: entries with `id` and `parentId`, the model changes as
    entries; its first real line and entries of the documented shapes (pi-mono's docs/session.md)."""
    header = {"type": "session", "version": 3, "id": "c8920823", "timestamp": "2026-04-15T14:06:36.868Z", "cwd": "/w"}
    call = {"type": "toolCall", "id": "call_1", "name": "bash", "arguments": {"command": "npm test"}}
    usage = {"input": 10, "output": 5, "cacheRead": 100, "cacheWrite": 0, "totalTokens": 115, "cost": {"total": 0.01}}
    entries = [
        header,
        {"type": "model_change", "id": "a1", "parentId": None, "timestamp": "2026-04-15T14:06:37.000Z",
         "provider": "openai", "modelId": "gpt-5"},
        {"type": "message", "id": "a2", "parentId": "a1", "timestamp": "2026-04-15T14:06:38.000Z",
         "message": {"role": "user", "content": "run the tests", "timestamp": 1776262000000}},
        {"type": "message", "id": "a3", "parentId": "a2", "timestamp": "2026-04-15T14:06:39.000Z",
         "message": {"role": "assistant", "content": [call], "model": "gpt-5", "usage": usage, "stopReason": "toolUse",
                     "timestamp": 1776262001000}},
        {"type": "message", "id": "a4", "parentId": "a3", "timestamp": "2026-04-15T14:06:40.000Z",
         "message": {"role": "toolResult", "toolCallId": "call_1", "toolName": "bash", "isError": True,
                     "content": [{"type": "text", "text": "1 failing\n\nCommand exited with code 1"}],
                     "timestamp": 1776262002000}},
    ]  # fmt: skip
    path = tmp_path / "v3.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    batch = PiParser(str(path), "pi-agent", kind_of).parse(path.read_bytes().splitlines(), 1)
    [session] = batch.sessions.values()
    assert (session.id, session.model, session.cwd) == ("c8920823", "gpt-5", "/w")
    [recorded] = batch.tool_calls
    assert (recorded.tool, recorded.kind, recorded.command) == ("bash", "shell", "npm test")
    [result] = batch.tool_results
    assert (result.ok, result.exit_code, result.error_text) == (False, 1, "1 failing")
    [row] = batch.usage.values()
    assert (row.input_tokens, row.cache_read_tokens, row.output_tokens, row.cost_usd) == (10, 100, 5, 0.01)
    assert sniff(str(path), path.read_bytes()) == "pi-session"
