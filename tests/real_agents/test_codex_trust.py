"""Codex CLI skips hooks the person has not trusted, and hooks changed since they were trusted,
without a word: `hooks status` says so from Codex's own state, and the real Codex agrees."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.real_agents import clis
from tests.real_agents.drivers import DRIVERS
from tests.real_agents.model_server import ModelServer, Script
from tests.real_agents.workspace import Workspace

pytestmark = pytest.mark.slow


def _hook_states(ws: Workspace) -> dict[str, str]:
    status = ws.lessonloop_json("hooks", "status", "--agent", "codex")
    scope = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "project")
    return {hook["event"]: hook["status"] for hook in scope["agent_runs_them"]["hooks"]}


def _events_seen(ws: Workspace) -> set[str]:
    with sqlite3.connect(ws.store) as conn:
        return {row[0] for row in conn.execute("SELECT DISTINCT event FROM hook_decisions")}


def test_status_follows_codex_trust_and_codex_skips_a_modified_hook(tmp_path: Path) -> None:
    driver = DRIVERS["codex"]
    clis.require(driver.command)
    ws = Workspace(tmp_path)
    with ModelServer() as server:
        driver.setup(ws, server)
        ws.lessonloop("hooks", "install", "--agent", "codex")
        assert set(_hook_states(ws).values()) == {"untrusted"}
        said = " ".join(ws.lessonloop("hooks", "status", "--agent", "codex").stdout.split())
        assert "not a trusted project" in said and "open /hooks in Codex" in said

        driver.trust(ws)
        assert set(_hook_states(ws).values()) == {"trusted"}
        ws.new_branch("cart")
        server.reset(Script(["git push", "git push --set-upstream origin cart"]))
        assert driver.run(ws, server, "Push the cart branch.").returncode == 0
        assert "PreToolUse" in _events_seen(ws)  # trusted: Codex ran lessonloop's PreToolUse

        # Installed again with another option, PreToolUse's command changes: Codex calls it modified.
        ws.lessonloop("hooks", "install", "--agent", "codex", "--block")
        states = _hook_states(ws)
        assert states["PreToolUse"] == "modified" and states["PostToolUse"] == "trusted", states
        said = " ".join(ws.lessonloop("hooks", "status", "--agent", "codex").stdout.split())
        assert "Codex will not run lessonloop's PreToolUse hook: changed since you trusted them" in said
        with sqlite3.connect(ws.store) as conn:
            conn.execute("DELETE FROM hook_decisions")
        ws.new_branch("checkout")
        server.reset(Script(["git push", "git push --set-upstream origin checkout"]))
        assert driver.run(ws, server, "Push the checkout branch.").returncode == 0
        assert "PreToolUse" not in _events_seen(ws)  # Codex skipped the modified hook, as status said
