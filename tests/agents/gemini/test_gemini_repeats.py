"""Gemini CLI failures as the learner sees them: the shell tool's layout is no part of an error,
an edit error that quotes its own input fails the same way whatever the input, and a mistake
repeated in a later session is warned before it happens (issue 24) once it failed in two sessions
(after one, its lesson is a candidate: confidence.MIN_FAILED_SESSIONS).

The layouts are Gemini CLI's (google-gemini/gemini-cli `packages/core/src/tools/shell.ts`: newer
versions write "Output: ...", then "Exit Code: N" only when N != 0, "Signal: X", "Process Group
PGID: N"; older ones every field, "Command:", "Directory:", "Stdout:", "Stderr:", "Error:", with
"(empty)" or "(none)"; `tools/edit.ts`: "Failed to edit, 0 occurrences found for old_string (TEXT).
Original old_string was (TEXT) in PATH. No edits made. ..." in older versions, "... for old_string
in PATH. ..." in newer ones). The chats are built in the record shapes of tests/test_gemini_adapter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from lessonloop.analyze.error_classes import classify_call
from lessonloop.analyze.error_headline import error_headline
from lessonloop.learning.engine.signatures import error_signature
from tests.agents.gemini.test_gemini_adapter import call, gemini, jsonl, meta, user
from tests.learning_helpers import Script

SHELL = "run_shell_command"
NEWER = "Output: bash: line 1: python: command not found\nExit Code: 127\nProcess Group PGID: 4242"
OLDER = (
    "Command: python -m pytest\nDirectory: (root)\nStdout: (empty)\n"
    "Stderr: bash: line 1: python: command not found\nError: (none)\nExit Code: 127\nSignal: (none)\n"
    "Background PIDs: (none)\nProcess Group PGID: 4242"
)
# Gemini CLI's shell tool refusing a command line (packages/core/src/utils/shell-utils.ts)
SUBSTITUTION = "Command substitution using $(), <(), or >() is not allowed for security reasons"
OUTSIDE = "File path must be within one of the workspace directories: /p"
NOT_FOUND = (
    "Failed to edit, 0 occurrences found for old_string ({old}). Original old_string was ({old}) in "
    "/p/app.py. No edits made. The exact text in old_string was not found. Ensure you're not escaping "
    "content incorrectly and check whitespace, indentation, and context. Use read_file tool to verify."
)


def test_the_shell_tools_layout_is_not_the_error() -> None:
    assert error_headline(NEWER) == error_headline(OLDER) == "bash: line 1: python: command not found"
    # a failure whose streams were empty in the older layout has no headline ("Error: (none)" is none)
    empty = "Command: make\nDirectory: (root)\nStdout: (empty)\nStderr: (empty)\nError: (none)\nExit Code: 2"
    assert error_headline(empty) == ""
    assert error_signature("shell", empty, None, 2, "make") == "shell|make exit 2"
    # a command that could not start keeps its error
    spawn = "Output: (empty)\nError: spawn /bin/bash ENOENT\nProcess Group PGID: 1"
    assert error_headline(spawn) == "spawn /bin/bash ENOENT"


def test_an_edit_error_that_quotes_the_input_is_one_error_whatever_the_input() -> None:
    first = {"file_path": "/p/app.py", "old_string": "def f(x):\n  return x", "new_string": "def f(x): ..."}
    second = {"file_path": "/p/app.py", "old_string": "class Widget:\n    pass", "new_string": "class W: ..."}
    one = error_signature("edit", NOT_FOUND.format(old=first["old_string"]), tool_input=first)
    other = error_signature("edit", NOT_FOUND.format(old=second["old_string"]), tool_input=second)
    assert one == other
    assert "<input>" in one and "return x" not in one
    # newer versions do not quote it: the same message without the input
    newer = "Failed to edit, 0 occurrences found for old_string in /p/app.py. No edits made."
    assert (
        error_signature("edit", newer, tool_input=first)
        == "edit|Failed to edit, <n> occurrences found for old_string in <path> No edits made."
    )
    # a short value is a word of the message, not a quote of the input
    assert error_signature("shell", "error: unknown command 'tets'", tool_input={"command": "tets"}).endswith("'tets'")


def _class(text: str, command: str) -> str:
    found = classify_call(Script().session("s").bash(command, error=text).call)
    assert found is not None
    return found.label


def test_a_subcommand_or_script_the_program_does_not_have_is_a_wrong_parameter() -> None:
    assert _class('npm ERR! Missing script: "test"', "npm test") == "INCORRECT_PARAMETER"
    assert _class(" ERR_PNPM_NO_SCRIPT  Missing script: lint", "pnpm lint") == "INCORRECT_PARAMETER"
    assert _class("git: 'stauts' is not a git command. See 'git --help'.", "git stauts") == "INCORRECT_PARAMETER"
    assert _class("make: *** No rule to make target 'tset'.  Stop.", "make tset") == "INCORRECT_PARAMETER"
    assert _class("error: no such command: `biuld`", "cargo biuld") == "INCORRECT_PARAMETER"


def _ts(day: int, second: int) -> str:
    return f"2026-03-0{day}T10:00:{second:02d}.000Z"


def _chat(folder: Path, day: int, session_id: str, calls: list[dict[str, Any]]) -> None:
    records = [
        meta(session_id, startTime=_ts(day, 0), lastUpdated=_ts(day, 59)),
        user("u1", "fix it", timestamp=_ts(day, 1)),
    ]
    for at, one in enumerate(calls):
        one["timestamp"] = _ts(day, 2 + at)
        records.append(gemini(f"g{at}", "", [one], timestamp=_ts(day, 2 + at)))
    (folder / f"session-2026-03-0{day}T10-00-{session_id[:8]}.jsonl").write_bytes(jsonl(*records))


def test_gemini_mistakes_repeated_in_a_later_session_are_warned_before_they_happen(tmp_path: Path) -> None:
    chats = tmp_path / "chats"
    chats.mkdir()
    old = "def f(x):\n  return x"
    edit = {"file_path": "/p/app.py", "old_string": old, "new_string": "def f(x):\n    return x"}
    missing_script = 'Output: npm ERR! Missing script: "test"\nExit Code: 1\nProcess Group PGID: 9'
    _chat(
        chats,
        1,
        "aaaaaaaa-0000-0000-0000-000000000001",
        [
            call("a1", SHELL, {"command": "python -m pytest -q"}, "success", NEWER),
            call(
                "a2", SHELL, {"command": "python3 -m pytest -q"}, "success", "Output: 3 passed\nProcess Group PGID: 8"
            ),
            call("a3", "replace", edit, "error", error=NOT_FOUND.format(old=old)),
            call("a4", "replace", dict(edit), "error", error=NOT_FOUND.format(old=old)),  # resent unchanged
            call("a5", "read_file", {"file_path": "/p/src/util.py"}, "error", error="File not found: /p/src/util.py"),
            call("a6", "read_file", {"file_path": "/p/src/lib/util.py"}, "success", "x = 1"),
            call("a7", SHELL, {"command": "npm test"}, "success", missing_script),
            call("a8", SHELL, {"command": "npm run check"}, "success", "Output: ok\nProcess Group PGID: 10"),
            call("a9", SHELL, {"command": "echo $(date)"}, "error", error=SUBSTITUTION),
            call("a10", "read_file", {"file_path": "/etc/hosts"}, "error", error=OUTSIDE),
        ],
    )
    # the same mistakes in a second session, then a third: a lesson from one failing session is a
    # candidate (confidence.MIN_FAILED_SESSIONS), a note only in its project's other sessions (these
    # chats name none); from the second failing session it warns
    for day, letter in ((2, "b"), (3, "c")):
        _chat(
            chats,
            day,
            f"{letter * 8}-0000-0000-0000-00000000000{day}",
            [
                call(f"{letter}1", SHELL, {"command": "python -m pytest tests/test_x.py"}, "success", OLDER),
                call(
                    f"{letter}2",
                    "read_file",
                    {"file_path": "/p/src/util.py"},
                    "error",
                    error="File not found: /p/src/util.py",
                ),
                call(f"{letter}3", SHELL, {"command": "npm test"}, "success", missing_script),
                # in single quotes it is no substitution: not warned, and it works
                call(f"{letter}4", SHELL, {"command": "echo '$(literal)'"}, "success", "Output: $(literal)"),
                call(f"{letter}5", SHELL, {"command": 'git log --since="$(date +%F)"'}, "error", error=SUBSTITUTION),
                call(f"{letter}6", "read_file", {"file_path": "/etc/hosts"}, "error", error=OUTSIDE),
            ],
        )
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "replay", "--json", "--explain", str(chats)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env={**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    report = json.loads(done.stdout)
    steps = {f["tool_use_id"]: f["step"] for f in report["failures"] if f["repeat"]}
    # the unchanged edit resent in its own session is the resent-call warning, not a lesson's
    silent = {f"b{n}": "lesson silent" for n in (1, 2, 3, 5, 6)}
    warned = {f"c{n}": "warned" for n in (1, 2, 3, 5, 6)}
    assert steps == {"a4": "warned", **silent, **warned}
    # silent in the second session: one-offs of a chat with no known project (a one-off's note is
    # for the other sessions of its project)
    why = {f["tool_use_id"]: f["why"] for f in report["failures"] if f["tool_use_id"] in silent}
    assert set(why.values()) == {"lesson silent: another project"}, why
    fired = {lesson["title"] for lesson in report["lessons_fired"]}
    assert "`python` is not available here: tool output “bash: line <n>: python: command not found”" in fired
    assert report["false_alarms"] == 0
