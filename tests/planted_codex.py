"""Codex CLI rollouts with a planted secret in every place a rollout can hold text.

`write_planted_codex_session` writes one rollout (`sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`,
as codex-rs writes them: ../shared/docs/agent-formats.md, the codemie corpus) holding one planted
line in each of CODEX_PLACES. tests/secrets/test_planted_secrets.py ingests them beside the Claude Code
sessions of tests/planted_transcripts.py.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

CODEX_CWD = "/home/dev/planted-codex"
CODEX_PLACES = (
    "typed prompt (user_message event and the user's message item)",
    "reasoning summary (reasoning item and agent_reasoning event)",
    "reply (agent_message event and the assistant's message item)",
    "exec_command's cmd and its output (function_call_output)",
    "shell's command list, its failure (exec_command_end)",
    "apply_patch's patch (custom_tool_call) and the applied diff (patch_apply_end)",
    "the person's own shell command and its output (exec_command_end from user_shell)",
)


def write_planted_codex_session(root: Path, line: str, index: int, file_line: str | None = None) -> str:
    """Write the rollout holding `line` in every place of CODEX_PLACES under `root` (`file_line`,
    when given, in the patch's added lines); its session id."""
    code = file_line or line
    session_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"planted-codex/{index}"))
    start = datetime(2026, 11, 20, 9, 0, 0, tzinfo=UTC) + timedelta(hours=index)
    clock = [start]

    def record(kind: str, payload: dict[str, Any]) -> str:
        clock[0] += timedelta(seconds=1)
        stamp = clock[0].strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return json.dumps({"timestamp": stamp, "type": kind, "payload": payload})

    def item(payload: dict[str, Any]) -> str:
        return record("response_item", payload)

    def event(payload: dict[str, Any]) -> str:
        return record("event_msg", payload)

    turn = f"turn-{index}"  # call ids are unique across rollouts, as Codex's are (call_...)
    patch = f"*** Begin Patch\n*** Add File: settings.env\n+{code}\n+# x\n*** End Patch\n"
    # fmt: off
    lines = [
        record(
            "session_meta",
            {"id": session_id, "timestamp": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "cwd": CODEX_CWD,
             "originator": "codex_cli_rs", "cli_version": "0.125.0", "source": "cli", "git": {"branch": "main"}},
        ),
        event({"type": "task_started", "turn_id": turn}),
        record("turn_context", {"turn_id": turn, "cwd": CODEX_CWD, "model": "gpt-5.5"}),
        item({"type": "message", "role": "user", "content": [{"type": "input_text", "text": f"Set it up:\n{line}"}]}),
        event({"type": "user_message", "message": f"Set it up:\n{line}", "images": []}),
        item({"type": "reasoning", "summary": [{"type": "summary_text", "text": f"The person gave me {line}"}],
              "content": None, "encrypted_content": "gAAAA"}),
        event({"type": "agent_reasoning", "text": f"The person gave me {line}"}),
        item({"type": "function_call", "name": "exec_command", "call_id": f"call_{index}_c1",
              "arguments": json.dumps({"cmd": line, "workdir": CODEX_CWD, "yield_time_ms": 1000})}),
        item({"type": "function_call_output", "call_id": f"call_{index}_c1",
              "output": f"Chunk ID: a1\nWall time: 0.1 seconds\nProcess exited with code 0\nOutput:\nran: {line}\n"}),
        item({"type": "function_call", "name": "shell", "call_id": f"call_{index}_c2",
              "arguments": json.dumps({"command": ["bash", "-lc", f"deploy-check {line}"], "workdir": CODEX_CWD})}),
        event({"type": "exec_command_end", "call_id": f"call_{index}_c2", "turn_id": turn,
               "command": ["bash", "-lc", f"deploy-check {line}"], "cwd": CODEX_CWD, "stdout": "",
               "stderr": f"error: rejected\n{line}", "aggregated_output": f"error: rejected\n{line}",
               "exit_code": 1, "duration": {"secs": 0, "nanos": 1000}, "formatted_output": ""}),
        item({"type": "custom_tool_call", "status": "completed", "call_id": f"call_{index}_c3", "name": "apply_patch",
              "input": patch}),
        event({"type": "patch_apply_end", "call_id": f"call_{index}_c3", "turn_id": turn,
               "stdout": "Success. Updated the following files:\nA settings.env\n", "stderr": "", "success": True,
               "changes": {f"{CODEX_CWD}/settings.env": {"type": "add", "content": f"{code}\n# x\n"}}}),
        item({"type": "custom_tool_call_output", "call_id": f"call_{index}_c3",
              "output": json.dumps({"output": "Success. Updated the following files:\nA settings.env\n",
                                    "metadata": {"exit_code": 0, "duration_seconds": 0.1}})}),
        event({"type": "exec_command_end", "call_id": f"call_{index}_u1", "turn_id": turn, "source": "user_shell",
               "command": ["bash", "-lc", line], "cwd": CODEX_CWD, "aggregated_output": f"out: {line}",
               "exit_code": 0}),
        event({"type": "agent_message", "message": f"I used this:\n{line}"}),
        item({"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": f"I used this:\n{line}"}]}),
        event({"type": "task_complete", "turn_id": turn, "last_agent_message": f"I used this:\n{line}"}),
    ]
    # fmt: on
    day = root / "sessions" / start.strftime("%Y/%m/%d")
    day.mkdir(parents=True, exist_ok=True)
    path = day / f"rollout-{start.strftime('%Y-%m-%dT%H-%M-%S')}-{session_id}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return session_id
