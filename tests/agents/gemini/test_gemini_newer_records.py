"""Gemini CLI tool names of newer versions and their agent-neutral kinds; shell outcomes.

Names from google-gemini/gemini-cli `packages/core/src/tools/tool-names.ts` (ALL_BUILTIN_TOOL_NAMES:
tracker_get_task, tracker_list_tasks, tracker_visualize), `agents/agent-tool.ts` (the `agent`
tool invoking a sub-agent by `agent_name`) and `agents/generalist-agent.ts` (`generalist`).
"""

from __future__ import annotations

from pathlib import Path

from lessonloop.agents.gemini.reader.tools import kind_of


def test_newer_gemini_tools_have_their_kinds() -> None:
    assert {name: kind_of(name) for name in ("tracker_get_task", "tracker_list_tasks", "tracker_visualize")} == {
        "tracker_get_task": "plan",
        "tracker_list_tasks": "plan",
        "tracker_visualize": "plan",
    }
    assert kind_of("agent") == kind_of("generalist") == "subagent"
    assert kind_of("update_topic") == kind_of("get_internal_docs") == "other"


def test_shell_calls_killed_timed_out_or_cancelled_are_not_ok(tmp_path: Path) -> None:
    # tools/shell.ts builds the output "Output: ...", then "Exit Code: N" only when N != 0,
    # "Signal: X" when killed; its inactivity timeout and a cancel still return (status success)
    # "Command was automatically cancelled because it exceeded the timeout of N minutes without
    # output..." / "Command was cancelled by user before it could complete...".
    from tests.agents.gemini.test_gemini_adapter import call, gemini, ingest, jsonl, meta, rows, user
    from tests.counting.gemini_count import count

    shell = "run_shell_command"
    calls = [
        call("s1", shell, {"command": "make"}, "success", "Output: done\nProcess Group PGID: 7"),
        call("s2", shell, {"command": "make"}, "success", "Output: (empty)\nExit Code: 2\nProcess Group PGID: 8"),
        call("s3", shell, {"command": "yes"}, "success", "Output: y\nSignal: SIGTERM\nProcess Group PGID: 9"),
        call(
            "s4",
            shell,
            {"command": "tail -f x"},
            "success",
            "Command was automatically cancelled because it exceeded the timeout of 5.0 minutes without output."
            " There was no output before it was cancelled.",
        ),
        call(
            "s5",
            shell,
            {"command": "sleep 9"},
            "success",
            "Command was cancelled by user before it could complete. There was no output before it was cancelled.",
        ),
    ]
    chat = tmp_path / "in" / "session-2026-03-01T10-00-11111111.jsonl"
    chat.parent.mkdir()
    chat.write_bytes(jsonl(meta(), user("u1", "build it"), gemini("g1", "", calls)))
    db = tmp_path / "s.db"
    ingest(db, chat.parent)
    assert rows(db, "SELECT id, status, exit_code FROM tool_calls ORDER BY id") == [
        ("s1", "ok", 0),
        ("s2", "error", 2),
        ("s3", "error", None),
        ("s4", "error", None),
        ("s5", "interrupted", None),
    ]
    assert count([str(chat)])["tools"] == {shell: {"calls": 5, "errors": 4}}
