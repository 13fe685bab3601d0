"""Lessons learned on Windows stay there (issue 59): after learning from the Windows Codex corpora
(PowerShell: `sed`, `head`, `nl` "not recognized as the name of a cmdlet", `&&` and `<<` refused,
`rg` given an unexpanded `*`), every agent's pre-tool hook, in a new Linux git project, stays
silent on ordinary reads and on `mcp list`: the lessons keep the shell they came from, and none
that failed in one session only (an `mcp` "not recognized" of one Windows session) is given."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.agent_data import hook_payloads
from tests.agent_hooks import run_agent_hook
from tests.apply.test_hooks_every_agent import claude_payload
from tests.conftest import SHARED_CORPUS
from tests.hook_helpers import hook_env
from tests.pipeline.test_lessons_cli import query
from tests.shared_stores import shared_store

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

WINDOWS = (SHARED_CORPUS / "codex" / "zo-qore", SHARED_CORPUS / "codex" / "codemie")
# agent -> its pre-tool event, as the agent names it
EVENTS = {
    "claude": "PreToolUse",
    "codex": "PreToolUse",
    "gemini": "BeforeTool",
    "cursor": "preToolUse",
    "copilot": "preToolUse",
    "opencode": "tool.execute.before",
    "qwen": "PreToolUse",
    "droid": "PreToolUse",
    "kimi": "PreToolUse",
    "vibe": "pre_tool",
    "kilo": "tool.execute.before",
}
COMMANDS = (
    "mcp list",
    "sed -n '1,40p' README.md",
    "head -n 20 README.md",
    "cat README.md",
    "python3 - <<'EOF'\nprint(open('README.md').read()[:80])\nEOF",
    "rg -n 'install' README.md",
    "rg --files -g '*.md'",
    "nl -ba README.md | head -n 5",
    "git status && git log --oneline -n 3",
)


@pytest.fixture(scope="module")
def windows_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = shared_store(tmp_path_factory, "windows", WINDOWS)  # built once for every worker of the run
    shells = query(
        db,
        "SELECT trigger FROM lessons WHERE status = 'active' AND tier != 'candidate' AND trigger LIKE '%powershell%'",
    )
    assert shells, "no PowerShell lesson was learned: the test would show nothing"
    return db


def pre_tool_payload(agent: str, project: Path, command: str) -> dict[str, Any]:
    """The agent's recorded pre-tool payload for a shell call, made `command` in `project`."""
    if agent == "claude":
        data = claude_payload(project)
    else:
        text = (hook_payloads(agent) / f"{EVENTS[agent]}.json").read_text(encoding="utf-8")
        for placeholder in ("/home/dev/project", "/path/to/project"):
            text = text.replace(placeholder, str(project))
        data = json.loads(text)
    if agent == "copilot":
        args = json.loads(data["toolArgs"])
        args["command"] = command
        data["toolArgs"] = json.dumps(args)
    elif agent in ("opencode", "kilo"):
        data["output"]["args"]["command"] = command
    else:
        data["tool_input"]["command"] = command
    return data


@pytest.mark.parametrize("agent", list(EVENTS))
def test_a_linux_project_hears_nothing_of_the_windows_lessons(agent: str, windows_store: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(project)], check=True)
    (project / "README.md").write_text("# app\n\nTo install: pip install .\n", encoding="utf-8")
    db = tmp_path / "lessonloop.db"
    db.write_bytes(windows_store.read_bytes())
    env = hook_env(db)
    said = {}
    for command in COMMANDS:
        ran = run_agent_hook(agent, EVENTS[agent], pre_tool_payload(agent, project, command), env)
        assert ran.returncode == 0, ran.stderr
        if "lessonloop" in ran.stdout or "deny" in ran.stdout:
            said[command] = ran.stdout
    assert said == {}
    assert not (db.parent / "hook-failures.log").exists()
    decided = query(db, "SELECT action, count(*) FROM hook_decisions GROUP BY action")
    assert decided == [("none", len(COMMANDS))], decided  # each call decided, and nothing given
