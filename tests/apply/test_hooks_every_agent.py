"""Issue 40's "done when", for each of Claude Code, Codex, Gemini CLI, Cursor, Copilot CLI, Qwen Code, Factory
Droid, Kimi Code, Mistral Vibe, OpenCode and Kilo Code: in a git project with an empty HOME, `lessonloop hooks
install --agent A --block` writes that agent's own hook configuration (Kimi Code's in HOME: it has no project
file for hooks; OpenCode's and Kilo Code's the CONFIG line of lessonloop's plugin); the pre-tool command written
there, run through the shell as the agent (or the plugin) runs it, given that agent's pre-tool payload for a
`git push` that a lesson from earlier sessions covers, exits 0 and prints what the agent accepts (Codex: valid
against its published output schema), the lesson in the field that reaches the model (the reason of a deny);
on a corrupt store the same command fails open: exit 0, no decision, the failure logged."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply.hooks.command import MARKER
from lessonloop.hook_server import stop_installed
from tests.agent_data import hook_payloads
from tests.agents.codex.test_hooks_codex import accepted as codex_accepted
from tests.agents.cursor.test_hooks_cursor import accepted as cursor_accepted
from tests.agents.cursor.test_hooks_cursor import certain_push_lesson

ADVICE = "git push -u origin"  # the lesson's prevention (certain_push_lesson)

# agent -> (the file install writes in the project, the agent's pre-tool event)
AGENTS = {
    "claude": (".claude/settings.local.json", "PreToolUse"),
    "codex": (".codex/hooks.json", "PreToolUse"),
    "gemini": (".gemini/settings.json", "BeforeTool"),
    "cursor": (".cursor/hooks.json", "preToolUse"),
    "copilot": (".github/hooks/lessonloop.json", "preToolUse"),
    "qwen": (".qwen/settings.json", "PreToolUse"),
    "droid": (".factory/settings.json", "PreToolUse"),
    "kimi": ("~/.kimi-code/config.toml", "PreToolUse"),  # in HOME (TOML)
    "vibe": (".vibe/hooks.toml", "pre_tool"),  # TOML
    "opencode": (".opencode/plugin/lessonloop.js", "tool.execute.before"),  # the plugin's CONFIG line
    "kilo": (".kilo/plugin/lessonloop.js", "tool.execute.before"),  # the same plugin, in Kilo Code's folder
}


def claude_payload(project: Path) -> dict[str, Any]:
    return {
        "session_id": "3f1c0a52-7d1e-4c9b-a1f0-2b6e8d4c9a10",
        "transcript_path": str(project / "absent.jsonl"),
        "cwd": str(project),
        "hook_event_name": "PreToolUse",
        "permission_mode": "default",
        "tool_name": "Bash",
        "tool_input": {"command": "git push", "description": "Push the branch"},
        "tool_use_id": "toolu_01EveryAgentPush",
    }


def payload(agent: str, event: str, project: Path) -> dict[str, Any]:
    """The agent's recorded pre-tool payload for `git push`, its folders made `project`."""
    if agent == "claude":
        return claude_payload(project)
    text = (hook_payloads(agent) / f"{event}.json").read_text()
    for placeholder in ("/home/dev/project", "/path/to/project"):
        text = text.replace(placeholder, str(project))
    data: dict[str, Any] = json.loads(text)
    assert "git push" in json.dumps(data)
    return data


def installed_command(config: Path, event: str) -> str:
    """The lessonloop command the configuration runs for `event` (each agent's own shape)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and MARKER in node and event in shlex.split(node)[-3:]:
            found.append(node)

    if config.suffix == ".toml":
        import tomllib

        walk(tomllib.loads(config.read_text()))
    elif config.suffix == ".js":  # lessonloop's plugin: its CONFIG line
        found_line = re.search(r"^const CONFIG = (.*)$", config.read_text(), re.MULTILINE)
        assert found_line is not None
        walk(json.loads(found_line.group(1)))
    else:
        walk(json.loads(config.read_text()))
    assert len(found) == 1, (event, found)
    return found[0]


def model_reads(agent: str, event: str, stdout: str) -> str:
    """The text of the agent's answer that reaches the model, each field checked the agent's way."""
    out: dict[str, Any]
    if agent == "codex":
        answer = codex_accepted("PreToolUse", stdout)
        assert answer is not None
        out = answer
    elif agent == "cursor":
        out = cursor_accepted(event, stdout)
    else:
        out = json.loads(stdout)
    if agent in ("claude", "codex", "qwen", "droid", "kimi"):
        inner = out["hookSpecificOutput"]
        assert inner["hookEventName"] == "PreToolUse" and inner["permissionDecision"] == "deny"
        return str(inner["permissionDecisionReason"])
    if agent in ("gemini", "vibe"):
        assert out["decision"] == "deny"
        return str(out["reason"])
    if agent in ("opencode", "kilo"):  # the plugin throws the reason: the model reads it as the call's result
        assert set(out) == {"deny"}
        return str(out["deny"])
    if agent == "cursor":
        assert out["permission"] == "deny"
        return str(out["agent_message"])
    assert set(out) == {"permissionDecision", "permissionDecisionReason"} and out["permissionDecision"] == "deny"
    return str(out["permissionDecisionReason"])


@pytest.mark.parametrize("agent", list(AGENTS))
def test_install_then_the_installed_pre_tool_hook_gives_the_lesson_to_the_model(agent: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "feature-x", str(project)], check=True)
    db = tmp_path / "store" / "lessonloop.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "LESSONLOOP_"))}
    env.update(HOME=str(home), LESSONLOOP_DB=str(db))
    try:
        _installed_hook_answers(agent, tmp_path, project, home, db, env)
    finally:  # the hooks as installed start the hook server: none left behind
        stop_installed(env)


def _installed_hook_answers(
    agent: str, tmp_path: Path, project: Path, home: Path, db: Path, env: dict[str, str]
) -> None:
    installed = subprocess.run(
        [sys.executable, "-m", "lessonloop", "hooks", "install", "--agent", agent, "--block"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    file, event = AGENTS[agent]
    config = home / file[2:] if file.startswith("~/") else project / file
    assert config.is_file(), (agent, sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()))
    assert not any(home.iterdir()) or agent in ("claude", "kimi")  # a project's install leaves HOME alone
    command = installed_command(config, event)

    certain_push_lesson(project, db)  # lessons from earlier sessions cover `git push`
    sent = json.dumps(payload(agent, event, project))

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["sh", "-c", command], input=sent, cwd=project, env=env, capture_output=True, text=True, timeout=60
        )

    ran = run()
    assert ran.returncode == 0, ran.stderr
    assert ADVICE in model_reads(agent, event, ran.stdout), ran.stdout
    assert not (db.parent / "hook-failures.log").exists()

    db.write_bytes(b"this is not a SQLite database" * 100)  # a corrupt store: the hook fails open
    ran = run()
    assert ran.returncode == 0, ran.stderr
    assert ADVICE not in ran.stdout and "deny" not in ran.stdout
    assert ran.stdout.strip() in ("", "{}")  # Cursor's neutral answer is an empty object
    log = db.parent / "hook-failures.log"
    assert log.is_file() and log.read_text().strip()


def test_what_a_post_tool_handler_says_reaches_each_agents_model_with_the_result() -> None:
    """The co-change reminder (PostToolUse's additionalContext, history/cochange_reminder.py: the
    history wing's step after an edit) goes into the field each agent gives the model after a
    call: Codex's PostToolUse (valid
    against its schema) and Gemini's AfterTool additionalContext, Cursor's additional_context, Qwen
    Code's PostToolUse and PostToolUseFailure additionalContext, Droid's PostToolUse additionalContext
    (Kimi Code reads no answer after a call), Mistral Vibe's post_tool additional_context."""
    from lessonloop.agents.codex import hooks as codex
    from lessonloop.agents.cursor import hooks as cursor
    from lessonloop.agents.droid import hooks as droid
    from lessonloop.agents.gemini import hooks as gemini
    from lessonloop.agents.kimi import hooks as kimi
    from lessonloop.agents.qwen import hooks as qwen
    from lessonloop.agents.vibe import hooks as vibe

    said: dict[str, object] = {
        "hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": "files that change with it"}
    }
    text, code = codex.answer("PostToolUse", said)
    assert code == 0 and text is not None
    answer = codex_accepted("PostToolUse", text)
    assert answer is not None and "files that change with it" in answer["hookSpecificOutput"]["additionalContext"]
    text, code = gemini.answer("AfterTool", said)
    assert code == 0 and text is not None
    assert "files that change with it" in json.loads(text)["hookSpecificOutput"]["additionalContext"]
    text, code = cursor.answer("postToolUse", said)
    assert code == 0 and text is not None
    assert cursor_accepted("postToolUse", text) == {"additional_context": "files that change with it"}
    for event in ("PostToolUse", "PostToolUseFailure"):
        text, code = qwen.answer(event, said)
        assert code == 0 and text is not None
        inner = json.loads(text)["hookSpecificOutput"]
        assert inner == {"hookEventName": event, "additionalContext": "files that change with it"}
    text, code = droid.answer("PostToolUse", said)
    assert code == 0 and text is not None
    assert json.loads(text)["hookSpecificOutput"] == {
        "hookEventName": "PostToolUse",
        "additionalContext": "files that change with it",
    }
    assert kimi.answer("PostToolUse", said) == (None, 0)
    text, code = vibe.answer("post_tool", said)
    assert code == 0 and text is not None
    assert json.loads(text) == {"hook_specific_output": {"additional_context": "files that change with it"}}
