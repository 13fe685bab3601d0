"""Gemini CLI's failed calls (issue 24, item 1): what counts as failed, rejected and interrupted
(docs/agents/gemini.md, "Failed, rejected, interrupted"), and the classes of the texts its tools
write (google-gemini/gemini-cli packages/core/src/tools: shell.ts, edit.ts, read-file.ts; the
schedulers' cancel reasons). The gemini/codemie corpus holds no failure, so the chat is built from
those texts.
"""

from __future__ import annotations

from pathlib import Path

from lessonloop.analyze.error_classes import classify_call
from lessonloop.analyze.inputs import Call
from tests.agents.gemini.test_gemini_adapter import call, gemini, ingest, jsonl, meta, rows, user

SHELL = "run_shell_command"


def test_older_shell_layout_and_a_command_that_did_not_start(tmp_path: Path) -> None:
    # Older tools/shell.ts wrote every field, "(none)" when empty.
    old_ok = "Command: ls\nDirectory: (root)\nStdout: a\nStderr: (empty)\nError: (none)\nExit Code: 0\nSignal: (none)"
    old_fail = "Command: make\nDirectory: (root)\nStdout: (empty)\nStderr: no rule\nError: (none)\nExit Code: 2\nSignal: (none)"
    spawn = "Command: nosuch\nDirectory: (root)\nOutput: (empty)\nError: spawn nosuch ENOENT\nExit Code: (none)\nSignal: (none)"
    calls = [
        call("o1", SHELL, {"command": "ls"}, "success", old_ok),
        call("o2", SHELL, {"command": "make"}, "success", old_fail),
        call("o3", SHELL, {"command": "nosuch"}, "success", spawn),
    ]
    chat = tmp_path / "in" / "session-2026-03-01T10-00-22222222.jsonl"
    chat.parent.mkdir()
    chat.write_bytes(jsonl(meta(), user("u1", "go"), gemini("g1", "", calls)))
    db = tmp_path / "s.db"
    ingest(db, chat.parent)
    assert rows(db, "SELECT id, status, exit_code FROM tool_calls ORDER BY id") == [
        ("o1", "ok", 0),
        ("o2", "error", 2),
        ("o3", "error", None),
    ]
    from tests.counting.gemini_count import count

    assert count([str(chat)])["tools"] == {SHELL: {"calls": 3, "errors": 2}}


def _classified(tool: str, kind: str, status: str, text: str, **given: object) -> str:
    found = classify_call(
        Call(
            id="c",
            context_id="s",
            seq=1,
            ts=None,
            tool=tool,
            input=dict(given),
            status=status,
            error_text=text,
            kind=kind,
        )
    )
    assert found is not None
    return found.label


def test_gemini_texts_get_their_classes() -> None:
    edit = "Failed to edit, 0 occurrences found for old_string in /p/a.py. No edits made."
    assert _classified("replace", "edit", "error", edit) == "INCORRECT_PARAMETER"
    assert _classified("read_file", "read", "error", "File not found: /p/missing.py") == "INCORRECT_PARAMETER"
    timeout = "Command was automatically cancelled because it exceeded the timeout of 5.0 minutes without output."
    assert _classified(SHELL, "shell", "error", timeout) == "MISSING_PARAMETER"
    assert _classified(SHELL, "shell", "rejected", "[Operation Cancelled] Reason: User did not allow tool call") == (
        "USER_REJECTED"
    )
    assert _classified(SHELL, "shell", "interrupted", "Command was cancelled by user before it could complete.") == (
        "INTERRUPTED"
    )
