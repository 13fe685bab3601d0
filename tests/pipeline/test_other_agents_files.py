"""No file of an agent lessonloop does not read is stored as another agent's session (issue 64,
item 4). Each agent added in issue 64 had its real files misread before its reader existed:

- a Qwen Code chat was taken for a Claude Code transcript (the same envelope): 0 prompts, 0 calls;
- a Factory Droid session was read as a Codex rollout: 0 sessions, two notices, kept as read;
- a Continue CLI session (an indented JSON document) was read line by line as Claude Code's:
  151 problems;
- a Cline session's messages were read as a Gemini CLI chat: a session of 0 messages;
- a Kimi Code wire log was told apart by sniffing already;
- a pi session was read as a Claude Code transcript: no session;
- an Amp thread was named, not read (no agent's document);
- a Grok Build update log and an Antigravity transcript were named, not read.

Each is tested here as it was then (its reader taken out of the registry, in this process) and as
it is now: then, it is named "not a transcript of any agent lessonloop knows", counted among the
files not read, and nothing of it is stored, so that a later lessonloop with its reader reads it;
now, its own reader reads it. A file of an agent lessonloop reads that holds no session (Claude
Code's summaries only) stays read, as before.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.capture import agents
from tests.agent_data import agent_data
from tests.conftest import cli

# agent -> (a real file of it, what it was taken for before its reader: its format's name)
FILES = {
    "qwen-code": (agent_data("qwen") / "qwen_code_0_24_4" / "push.jsonl", "unknown-no-session"),
    "droid": (next(agent_data("droid").glob("droid_0_215_0/**/56c237b5-*.jsonl")), "unknown-no-session"),
    "continue": (next(agent_data("continue_cli").glob("continue_1_5_47/**/0001ce3e-*.json")), "unknown-no-session"),
    "cline": (next(agent_data("cline").glob("cline_3_0_65/**/*.messages.json")), "unknown-no-session"),
    "kimi-code": (
        next(agent_data("kimi").glob("kimi_code_2_1_0/**/session_6a310958-*/agents/main/wire.jsonl")),
        "unknown",
    ),
    "pi-agent": (next(agent_data("pi_agent").glob("pi_mono/2025-11-20T*.jsonl")), "unknown-no-session"),
    "amp": (next(agent_data("amp").glob("toolpath/T-*.json")), "unknown-no-session"),
    "grok-build": (agent_data("grok") / "ctxrs_ctx_1_0_3" / "updates.jsonl", "unknown"),
    "antigravity": (
        next(agent_data("antigravity").glob("pond_agy_1_2_0/**/chunks/transcript_full/00000000.jsonl")),
        "unknown",
    ),
}
# the calls of each file (two where not said)
CALLS = {"pi-agent": 391, "amp": 11, "grok-build": 6, "antigravity": 4}


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def _ingest(db: Path, path: Path) -> tuple[int, Any]:
    result = cli("ingest", "--db", db, "--no-progress", "--json", path)
    return result.exit_code, json.loads(result.output)


@pytest.fixture
def alone(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """The agent's file copied alone into a folder of no agent's (sniffed, not claimed by its path)."""
    source = FILES[request.param][0]
    folder = tmp_path / "files"
    folder.mkdir()
    shutil.copy(source, folder / source.name)
    return folder / source.name


@pytest.mark.parametrize("alone", sorted(FILES), indirect=True)
def test_before_its_reader_it_is_named_and_not_stored(
    tmp_path: Path, alone: Path, request: pytest.FixtureRequest
) -> None:
    agent = request.node.callspec.params["alone"]
    adapter = agents.by_agent(agent)
    assert adapter is not None
    agents.unregister(adapter)
    try:
        db = tmp_path / "s.db"
        code, report = _ingest(db, alone)
        assert code == 1  # nothing could be read
        assert report["files"]["read"] == 0 and report["files"]["other_format"] == 1
        [other] = report["other_formats"]
        assert other["format"] == FILES[agent][1]
        assert other["detail"].startswith("not a transcript of any agent lessonloop knows")
        assert report["problems"] == [] and report["notices"] == []
        assert (report["sessions"], report["messages"], report["tool_calls"]) == (0, 0, 0)  # nothing counted
        for table in ("sessions", "messages", "tool_calls", "source_files", "ingest_problems"):
            assert _count(db, f"SELECT count(*) FROM {table}") == 0, table
        again = _ingest(db, alone)[1]  # sniffed again on the next run: still nothing stored
        assert again["files"]["other_format"] == 1 and _count(db, "SELECT count(*) FROM source_files") == 0
    finally:
        agents._reset((*agents.adapters(), adapter))
    # with its reader: read as its own
    code, report = _ingest(db, alone)
    assert code == 0 and report["files"]["read"] == 1
    assert _count(db, f"SELECT count(*) FROM sessions WHERE agent = '{agent}'") == 1
    assert _count(db, "SELECT count(*) FROM tool_calls") == CALLS.get(agent, 2)


def test_a_file_of_known_records_without_a_session_stays_read(tmp_path: Path) -> None:
    """Claude Code writes files of summaries alone: its records, no session; read as before."""
    path = tmp_path / "summaries.jsonl"
    path.write_text(json.dumps({"type": "summary", "summary": "Fix the parser", "leafUuid": "u1"}) + "\n")
    db = tmp_path / "s.db"
    _, report = _ingest(db, path)
    assert report["files"]["read"] == 1 and report["files"]["other_format"] == 0
    assert _count(db, "SELECT count(*) FROM source_files") == 1


def test_a_file_read_before_is_never_dropped(tmp_path: Path) -> None:
    """A transcript stored before keeps what it stored even when what is appended is all foreign."""
    path = tmp_path / "chat.jsonl"
    shutil.copy(FILES["qwen-code"][0], path)
    db = tmp_path / "s.db"
    _ingest(db, path)
    with path.open("a") as handle:
        handle.write('{"type": "checkpoint", "sessionId": "d557117b", "uuid": "x"}\n{"broken": \n')
    _, report = _ingest(db, path)
    assert report["files"]["other_format"] == 0
    assert _count(db, "SELECT count(*) FROM tool_calls") == 2
    assert _count(db, "SELECT count(*) FROM source_files") == 1
