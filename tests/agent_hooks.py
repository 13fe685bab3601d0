"""Driving the hook entry point as another agent starts it: the command `lessonloop hooks install`
writes for it (command.hook_command: `<venv python> -I -S -c '...' --agent=AGENT EVENT [--block]
[--ask]`), one process per event, the agent's own payload on stdin
(tests/agents/<agent>/data/hook_payloads/<Event>.json, with this test's session, folder and transcript)."""

from __future__ import annotations

import json
import shlex
import subprocess
import uuid
from pathlib import Path
from typing import Any

from lessonloop.apply.hooks.command import hook_command
from tests.agent_data import hook_payloads
from tests.hook_helpers import HookRun


def load_payload(agent: str, event: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((hook_payloads(agent) / f"{event}.json").read_text(encoding="utf-8"))
    return data


def agent_argv(agent: str, event: str, *options: str) -> list[str]:
    return shlex.split(hook_command(event, options, agent=agent))


def run_agent_hook(
    agent: str, event: str, payload: dict[str, Any] | bytes, env: dict[str, str], *options: str
) -> HookRun:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    argv = agent_argv(agent, event, *options)
    return HookRun(subprocess.run(argv, input=data, capture_output=True, env=env, timeout=120, check=False))


class AgentSession:
    """One session of `agent` in `cwd`: each event's payload is the agent's recorded one with this
    session's id, folder and transcript (and the fields given)."""

    def __init__(self, agent: str, cwd: Path, env: dict[str, str], transcript: Path | None = None) -> None:
        self.agent = agent
        self.session_id = str(uuid.uuid4())
        self.cwd = str(cwd)
        self.env = env
        self.transcript = str(transcript) if transcript is not None else None
        self.calls = 0

    def payload(self, event: str, **fields: Any) -> dict[str, Any]:
        body = load_payload(self.agent, event)
        body.update(session_id=self.session_id, cwd=self.cwd, transcript_path=self.transcript)
        if self.agent == "gemini" and self.transcript is None:
            body["transcript_path"] = ""  # Gemini CLI sends "" when it records no chat
        body.update(fields)
        return body

    def run(self, event: str, *options: str, **fields: Any) -> HookRun:
        return run_agent_hook(self.agent, event, self.payload(event, **fields), self.env, *options)
