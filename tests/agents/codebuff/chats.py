"""Codebuff chats built for the tests: NOT files Codebuff wrote. No real chat folder of Codebuff's
was found in any public repository (docs/agents/not-read-yet/amp-and-codebuff.md, section 3), so
these are written in the exact shape of Codebuff's own TypeScript types and of what its code puts
in them (CodebuffAI/codebuff, Apache-2.0):

- cli/src/types/chat.ts @03cb53dc0a31 (ChatMessage, ContentBlock: text, tool, agent, mode-divider);
- cli/src/utils/send-message-helpers.ts @e0686cd80b28 (ids `ai-<ms>-<hex>`, `divider-<ms>`, the
  completion's `credits` and `metadata.runState`), cli/src/utils/message-history.ts @690768d23cd8
  (`user-<ms>`), cli/src/utils/bash-messages.ts @ce10b6eeda97 (`bash-result-<id>`, `bashCwd`);
- cli/src/utils/message-block-helpers.ts @03cb53dc0a31 (a tool block's `output` text and
  `outputRaw`; an agent block's fields), cli/src/utils/sdk-event-handlers.ts @03cb53dc0a31;
- common/src/tools/params/tool/run-terminal-command.ts and str-replace.ts @da0d57111a35 (the
  results' `{command, stdout, stderr, exitCode}`, `{file, message, unifiedDiff}`, `{file,
  errorMessage}`); common/src/types/session-state.ts, common/src/util/file.ts and
  sdk/src/run-state.ts @da0d57111a35 (run-state.json: `sessionState.fileContext.projectRoot/cwd`);
- cli/src/project-files.ts @0794d3f34118 (the folder `projects/<base name>/chats/<chat id>/`,
  the chat id `new Date().toISOString()` with `:` as `-`).

Codebuff's types keep no token counts (only credits). The counts here sit where ccusage 20 reads
them (`metadata.model` and `metadata.usage`; the run state's `providerOptions.codebuff`), so that
the two can be compared on the same built file (tests/cli/test_costs_ccusage.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CHAT = "2026-03-04T10-20-30.000Z"
PROJECT_ROOT = "/home/dev/demo"
SESSION = f"manicode/demo/{CHAT}"
T0 = 1772619630000  # the chat id's time, in epoch ms


def run_state(history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A RunState (sdk/src/run-state.ts) as run-state.json keeps it."""
    return {
        "sessionState": {
            "fileContext": {
                "projectRoot": PROJECT_ROOT,
                "cwd": PROJECT_ROOT,
                "fileTree": [],
                "fileTokenScores": {},
                "knowledgeFiles": {},
                "gitChanges": {"status": "", "diff": "", "diffCached": "", "lastCommitMessages": ""},
                "changesSinceLastChat": {},
                "shellConfigFiles": {},
                "systemInfo": {"platform": "linux", "shell": "bash", "nodeVersion": "v22", "arch": "x64",
                               "homedir": "/home/dev", "cpus": 8},
            },
            "mainAgentState": {
                "agentId": "main-agent",
                "agentType": "base",
                "agentContext": {},
                "subagents": [],
                "messageHistory": history or [],
                "stepsRemaining": 20,
                "creditsUsed": 31,
            },
        },
        "output": {"type": "lastMessage", "value": []},
    }  # fmt: skip


def messages() -> list[dict[str, Any]]:
    """chat-messages.json: two turns, a command the person ran, an error."""
    history: list[dict[str, Any]] = [
        {"role": "user", "content": "Rename greet to hello"},
        {
            "role": "assistant",
            "content": [{"type": "text", "text": "Renaming."}],
            "providerOptions": {
                "codebuff": {
                    "model": "openai/gpt-5",
                    "usage": {
                        "prompt_tokens": 900,
                        "completion_tokens": 120,
                        "prompt_tokens_details": {"cached_tokens": 400},
                    },
                }
            },
        },
        {
            "role": "assistant",
            "content": [{"type": "text", "text": "Renamed."}],
            "providerOptions": {
                "codebuff": {
                    "model": "openai/gpt-5",
                    "usage": {
                        "prompt_tokens": 1500,
                        "completion_tokens": 200,
                        "prompt_tokens_details": {"cached_tokens": 1000},
                    },
                }
            },
        },
    ]
    return [
        {"id": f"divider-{T0 + 100}", "variant": "ai", "content": "",
         "blocks": [{"type": "mode-divider", "mode": "DEFAULT"}], "timestamp": "10:20 AM"},
        {"id": f"user-{T0 + 200}", "variant": "user", "content": "Make the tests pass", "timestamp": "10:20 AM"},
        {"id": f"ai-{T0 + 1000}-3f2a9c", "variant": "ai", "content": "", "timestamp": "10:20 AM",
         "blocks": [
             {"type": "text", "content": "The test imports a missing name.", "textType": "reasoning",
              "thinkingId": "think-1"},
             {"type": "text", "content": "I'll run the tests first.", "textType": "text"},
             {"type": "tool", "toolCallId": "call-pytest", "toolName": "run_terminal_command",
              "input": {"command": "pytest -q", "process_type": "SYNC"},
              "output": "F\nE   ImportError: cannot import name 'greet'\n1 failed\n",
              "outputRaw": [{"type": "json", "value": {
                  "command": "pytest -q", "startingCwd": PROJECT_ROOT,
                  "stdout": "F\nE   ImportError: cannot import name 'greet'\n1 failed\n", "exitCode": 1}}]},
             {"type": "tool", "toolCallId": "call-read", "toolName": "read_files",
              "input": {"paths": ["src/app.py", "tests/test_app.py"]},
              "output": json.dumps([{"type": "json", "value": [{"path": "src/app.py", "content": "def hi(): ..."}]}],
                                   indent=2)},
             {"type": "tool", "toolCallId": "call-edit", "toolName": "str_replace",
              "input": {"path": "src/app.py", "replacements": [{"old": "def hi", "new": "def greet"}]},
              "output": "...",
              "outputRaw": [{"type": "json", "value": {
                  "file": "src/app.py", "message": "Updated src/app.py",
                  "unifiedDiff": "--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1 @@\n-def hi(): ...\n+def greet(): ...\n"}}]},
             {"type": "tool", "toolCallId": "call-edit-2", "toolName": "str_replace",
              "input": {"path": "src/other.py", "replacements": [{"old": "nothing", "new": "x"}]},
              "output": json.dumps([{"type": "json", "value": {
                  "file": "src/other.py", "errorMessage": "The old string was not found in src/other.py"}}])},
             {"type": "agent", "agentId": "call-spawn-0", "agentName": "file-picker", "agentType": "file-picker",
              "content": "", "status": "complete", "initialPrompt": "Find the tests of greet",
              "spawnToolCallId": "call-spawn", "spawnIndex": 0,
              "blocks": [
                  {"type": "tool", "toolCallId": "call-find", "toolName": "find_files",
                   "input": {"prompt": "tests of greet"}, "agentId": "call-spawn-0",
                   "output": json.dumps([{"type": "json", "value": {"files": ["tests/test_app.py"]}}])},
                  {"type": "text", "content": "tests/test_app.py", "textType": "text"},
              ]},
             {"type": "tool", "toolCallId": "call-pytest-2", "toolName": "run_terminal_command",
              "input": {"command": "pytest -q"}, "output": ".\n1 passed\n",
              "outputRaw": [{"type": "json", "value": {
                  "command": "pytest -q", "stdout": ".\n1 passed\n", "exitCode": 0}}]},
             {"type": "text", "content": "The tests pass now.", "textType": "text"},
         ],
         "isComplete": True, "credits": 12, "completionTime": "31s",
         "metadata": {"model": "claude-sonnet-4-20250514", "usage": {
             "inputTokens": 1200, "outputTokens": 340, "cacheReadInputTokens": 5000,
             "cacheCreationInputTokens": 800}}},
        {"id": "bash-result-7c0d5e", "variant": "ai", "content": "", "timestamp": "10:22 AM",
         "blocks": [{"type": "tool", "toolName": "run_terminal_command", "toolCallId": "7c0d5e",
                     "input": {"command": "git status"}, "output": "On branch main\n"}],
         "isComplete": True, "metadata": {"bashCwd": PROJECT_ROOT}},
        {"id": f"user-{T0 + 90_000}", "variant": "user", "content": "Rename greet to hello",
         "timestamp": "10:22 AM"},
        {"id": f"ai-{T0 + 91_000}-8e1b", "variant": "ai", "content": "", "timestamp": "10:22 AM",
         "blocks": [{"type": "text", "content": "Renamed.", "textType": "text"}],
         "isComplete": True, "credits": 19, "metadata": {"runState": run_state(history)}},
        {"id": f"error-{T0 + 120_000}", "variant": "error", "content": "Out of credits", "timestamp": "10:23 AM"},
    ]  # fmt: skip


def write_chat(
    config: Path, project: str = "demo", chat: str = CHAT, items: list[dict[str, Any]] | None = None
) -> Path:
    """A chat folder under `config` (a `manicode*` folder) as Codebuff writes it: chat-messages.json
    and run-state.json, as `JSON.stringify(..., null, 2)`. Its chat-messages.json."""
    folder = config / "projects" / project / "chats" / chat
    folder.mkdir(parents=True)
    (folder / "run-state.json").write_text(json.dumps(run_state(), indent=2), encoding="utf-8")
    path = folder / "chat-messages.json"
    path.write_text(json.dumps(messages() if items is None else items, indent=2), encoding="utf-8")
    return path


def codebuff_home(tmp_path: Path) -> Path:
    """A HOME where Codebuff (its production build) left one chat."""
    home = tmp_path / "home"
    write_chat(home / ".config" / "manicode")
    return home
