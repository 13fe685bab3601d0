"""`hooks status --agent codex` reads Codex's own trust state (agents/codex/install_trust.py;
checked against the real Codex CLI in tests/real_agents/test_codex_trust.py): without the CLI,
the same states from a config.toml written as Codex's /hooks writes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.codex.install_trust import trust_entries
from tests.conftest import cli


def _states(project: Path) -> dict[str, Any]:
    done = cli("hooks", "status", "--agent", "codex", "--project-dir", str(project), "--json")
    assert done.exit_code == 0, done.stderr
    scopes = json.loads(done.output)["agents"][0]["scopes"]
    return dict(next(scope["agent_runs_them"] for scope in scopes if scope["scope"] == "project"))


def test_status_follows_codex_trust_in_its_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home, project = tmp_path / "home", tmp_path / "shop"
    (home / ".codex").mkdir(parents=True)
    project.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CODEX_HOME", raising=False)
    assert cli("hooks", "install", "--agent", "codex", "--project-dir", str(project)).exit_code == 0
    state = _states(project)
    assert state["will_run"] is False
    assert {hook["status"] for hook in state["hooks"]} == {"untrusted"}
    assert any("not a trusted project" in why for why in state["why"])

    hooks_file = project / ".codex" / "hooks.json"
    config = home / ".codex" / "config.toml"
    trusted = f'[projects.{json.dumps(str(project))}]\ntrust_level = "trusted"\n\n'
    config.write_text(trusted + trust_entries(str(hooks_file), json.loads(hooks_file.read_text())["hooks"]))
    assert _states(project)["will_run"] is True

    assert cli("hooks", "install", "--agent", "codex", "--block", "--project-dir", str(project)).exit_code == 0
    statuses = {hook["event"]: hook["status"] for hook in _states(project)["hooks"]}
    assert statuses["PreToolUse"] == "modified" and statuses["Stop"] == "trusted"

    config.write_text("[projects\nnot toml")
    state = _states(project)
    assert state["will_run"] is False and str(config) in state["why"][0] and "not valid TOML" in state["why"][0]
