"""Kimi Code's wire logs, as the real CLI (2.1.0) wrote them against the harness's model server
(tests/agents/kimi/data/kimi_code_2_1_0/home/.kimi-code/: `git push` failing with exit 128, then `git push
--set-upstream origin feature`; the server, OpenAI-compatible, reported input 1017/1034/1051,
cached 64/128/0, output 23/26/29). In the second session a PreToolUse hook denied the first push:
the log holds only its result (the hook's reason, an error that never ran: a refusal).

Before its reader existed, a wire log was named "not a transcript of any agent lessonloop knows"."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from lessonloop.agents.kimi.reader import paths
from lessonloop.agents.kimi.reader.parser import WireParser
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.sniffer import sniff
from tests.agents.gemini.test_gemini_adapter import ingest, rows

HOME = Path(__file__).parent / "data" / "kimi_code_2_1_0" / "home"
WIRES = sorted(HOME.rglob("wire.jsonl"))


def test_ingest_with_no_path_reads_each_session_exactly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(HOME, home)
    db = tmp_path / "s.db"
    ingest(db, env={**os.environ, "HOME": str(home)})
    assert (
        rows(db, "SELECT agent, kind, cwd, model FROM sessions")
        == [("kimi-code", "main", "/tmp/agents64r2/kimi/project", "harness-model")] * 2
    )
    assert rows(db, "SELECT kind, count(*) FROM messages GROUP BY kind ORDER BY kind") == [
        ("assistant", 2),
        ("instructions", 4),  # the date and the permission mode Kimi Code adds to the context
        ("prompt", 2),
    ]
    # one row per model call, as the server reported it
    assert rows(
        db,
        "SELECT input_tokens, cache_read_tokens, output_tokens FROM token_usage WHERE session_id = ? ORDER BY ts",
        "session_6a310958-a073-4e3d-b369-c217e7436f07",
    ) == [(1017, 64, 23), (1034, 128, 26), (1051, 0, 29)]
    failed = rows(db, "SELECT command, status, exit_code, error_text FROM tool_calls WHERE ok = 0 ORDER BY session_id")
    # the deny: an error with no exit code that never ran (durationMs 0), a refusal
    assert failed[0][:3] == ("git push", "error", 128)
    assert failed[0][3].startswith("fatal: The current branch feature has no upstream branch.")
    assert "Command failed" not in failed[0][3]
    assert failed[1] == ("git push", "rejected", None, "LESSON: always use --set-upstream")


def test_it_is_sniffed_and_found_as_kimi_codes() -> None:
    wire = WIRES[0]
    assert sniff(str(wire), wire.read_bytes()[:65536]) == "kimi-code-wire"
    assert paths.claims(str(wire)) == "kimi-code-wire"
    found = paths.discover(DiscoveryContext(environ={}, home=str(HOME)))
    assert sorted(f.path for f in found) == [str(w) for w in WIRES]


def test_read_a_line_at_a_time_it_is_the_same_log() -> None:
    lines = WIRES[0].read_bytes().splitlines()
    whole = WireParser(str(WIRES[0])).parse(lines, 1)
    calls, results, usage, messages = [], [], [], []
    parser = WireParser(str(WIRES[0]))
    for lineno, line in enumerate(lines, 1):
        batch = parser.parse([line], lineno)
        calls += batch.tool_calls
        results += batch.tool_results
        usage += list(batch.usage.values())
        messages += batch.messages
        parser = WireParser(str(WIRES[0]), pending_calls=parser.pending, state=parser.state())
    assert (calls, results, messages) == (whole.tool_calls, whole.tool_results, whole.messages)
    assert usage == list(whole.usage.values())


def test_a_sub_agents_log_is_a_sub_agent_session(tmp_path: Path) -> None:
    session = tmp_path / "sessions" / "wd_x" / "session_abc"
    (session / "agents" / "explore-1").mkdir(parents=True)
    (session / "state.json").write_text('{"cwd": "/work/app"}')
    wire = session / "agents" / "explore-1" / "wire.jsonl"
    wire.write_bytes(WIRES[0].read_bytes())
    batch = WireParser(str(wire)).parse(wire.read_bytes().splitlines(), 1)
    [record] = batch.sessions.values()
    assert (record.id, record.kind, record.parent_id, record.cwd) == (
        "session_abc:explore-1",
        "subagent",
        "session_abc",
        "/work/app",
    )


def test_bad_lines_are_problems_and_unknown_records_notices(tmp_path: Path) -> None:
    lines = [
        *WIRES[0].read_bytes().splitlines(),
        b'{"type": "turn.prompt", ',
        b'{"type": "goal.set", "agentId": "main"}',
    ]
    parser = WireParser(str(WIRES[0]))
    batch = parser.parse(lines, 1)
    assert [p.code for p in batch.problems] == ["truncated-line"]
    assert [n.code for n in parser.notices()] == ["unknown-record-type"]
    assert len(batch.tool_calls) == 2
