"""One name per agent on the command line: `claude-code` (the store's name) works for the hooks,
`claude` (the hooks' name) for the commands that read sessions. And a Claude Code 2.1.328
transcript, as the real CLI wrote it in the real-agent harness, is read with no notice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.agent_data import agent_data
from tests.conftest import cli

TRANSCRIPTS = agent_data("claude") / "claude_code_2_1_328"


def test_either_name_of_claude_code_works_for_hooks_and_sessions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    project = tmp_path / "project"
    project.mkdir()
    status = cli("hooks", "status", "--agent", "claude-code", "--project-dir", str(project), "--json")
    assert status.exit_code == 0, status.stderr
    assert [agent["agent"] for agent in json.loads(status.output)["agents"]] == ["claude"]
    folder = tmp_path / "transcripts"
    shutil.copytree(TRANSCRIPTS, folder)
    db = tmp_path / "s.db"
    ingest = cli("ingest", "--db", str(db), "--json", str(folder))
    assert ingest.exit_code == 0, ingest.stderr
    assert json.loads(ingest.output)["notices"] == []  # 2.1.328's new record types and fields are known
    by_hooks_name = cli("sessions", "--db", str(db), "--agent", "claude", "--json")
    by_store_name = cli("sessions", "--db", str(db), "--agent", "claude-code", "--json")
    assert by_hooks_name.exit_code == by_store_name.exit_code == 0, by_hooks_name.stderr
    assert by_hooks_name.output == by_store_name.output
    (session,) = json.loads(by_store_name.output)
    # what the model server answered: 3 responses, input 1000+17n, cache read 64*(n%3), output 20+3n
    assert (session["prompts"], session["tool_calls"], session["errors"]) == (1, 2, 1)
    assert session["tokens"] == {"input": 3102, "output": 78, "cache_creation": 0, "cache_read": 192, "total": 3372}
