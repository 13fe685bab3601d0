"""Gemini CLI 0.61's JSONL chats, as the real CLI wrote them in the real-agent harness
(tests/agents/gemini/data/gemini_061/: `git push` failing with exit 128, then `git push --set-upstream origin
feat`; the model server reported promptTokenCount 1001/1002/1003, cachedContentTokenCount 100,
candidatesTokenCount 11/12/13, thoughtsTokenCount 5, toolUsePromptTokenCount 2 per call).

- The chat opens with `$set.messages` holding the CLI's `<session_context>` message: the lines
  after it add to the list (read before as one prompt, 0 calls, 0 tokens).
- Each model turn is written twice under one id (then with its tool calls): counted once.
- The shell's output is wrapped in `<untrusted_context>`; the failure is `Exit Code: 128` in it
  while the call's status says success.
- A resumed chat writes its history again as `$set.messages`: the turns that ran are kept once.
- SessionStart hooks' context is stored in the prompt as `<hook_context>`: not the person's words.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.agents.gemini.test_gemini_adapter import ingest, rows
from tests.counting.gemini_count import count

CHATS = Path(__file__).parent / "data" / "gemini_061"
ONE_RUN = "session-2026-11-26T17-00-d1bc5b12.jsonl"
RESUMED = "resumed-session-2026-11-26T17-00-d1bc5b12.jsonl"
HOOKED = "hook-context-session-2026-11-26T17-04-5baa0183.jsonl"

# (prompts, calls, failed calls, input, cache_read, output) per chat: input = prompt - cached + tool,
# output = candidates + thoughts; the resumed chat ran the two pushes three times (three prompts).
FIGURES = {
    ONE_RUN: (1, 2, 1, 2712, 300, 51),
    RESUMED: (3, 6, 3, 8136, 900, 153),
    HOOKED: (1, 2, 1, 2712, 300, 51),
}


def _store(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "chats"
    folder.mkdir()
    shutil.copy(CHATS / name, folder / name)
    db = tmp_path / "s.db"
    ingest(db, folder)
    return db


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_a_061_chat_is_read_exactly(tmp_path: Path, name: str) -> None:
    db = _store(tmp_path, name)
    prompts, calls, failed, input_tokens, cache_read, output = FIGURES[name]
    assert rows(db, "SELECT count(*) FROM messages WHERE kind = 'prompt'") == [(prompts,)]
    assert rows(db, "SELECT count(*), sum(ok = 0) FROM tool_calls") == [(calls, failed)]
    assert rows(db, "SELECT sum(input_tokens), sum(cache_read_tokens), sum(output_tokens) FROM token_usage") == [
        (input_tokens, cache_read, output)
    ]
    # the counter written from the format description alone agrees
    counted = count([str(CHATS / name)])
    assert counted["prompts"] == prompts
    assert counted["tools"]["run_shell_command"] == {"calls": calls, "errors": failed}


def test_the_failed_push_reads_as_git_wrote_it(tmp_path: Path) -> None:
    db = _store(tmp_path, ONE_RUN)
    failed = rows(db, "SELECT command, status, exit_code, error_text FROM tool_calls WHERE ok = 0")
    assert len(failed) == 1
    command, status, exit_code, error = failed[0]
    assert (command, status, exit_code) == ("git push", "error", 128)
    assert error.startswith("fatal: The current branch feat has no upstream branch.")
    assert "untrusted_context" not in error
    assert rows(db, "SELECT kind, substr(text, 1, 18) FROM messages WHERE role = 'user' ORDER BY seq") == [
        ("instructions", "<session_context>\n"),
        ("prompt", "Push my branch"),
    ]


def test_hook_context_in_the_prompt_is_not_the_persons_words(tmp_path: Path) -> None:
    db = _store(tmp_path, HOOKED)
    assert rows(db, "SELECT text FROM messages WHERE kind = 'prompt'") == [("Push my branch",)]
    assert "hook_context" in (CHATS / HOOKED).read_text()  # the chat does hold it
