"""Every failed Codex call is seen (issue 24, item 1): apply_patch failures that carry no exit code,
a fork written before `forked_from_id` and UUIDv7 turn ids (its own calls after the replayed
history), declined approvals, PowerShell's command line. Built from codex-rs's own texts
(apply-patch parser.rs / lib.rs errors, core's rejection messages) and checked on the real
Windows rollouts of codex/zo-qore.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.codex.reader.outcomes import outcome_of
from lessonloop.agents.codex.reader.tools import command_line
from lessonloop.analyze.error_classes import classify_call
from tests.agents.codex.test_codex_adapter import assert_counts_agree, event, item, line, meta, rows, write
from tests.conftest import SHARED_CORPUS, run_ingest

ZO_QORE = SHARED_CORPUS / "codex" / "zo-qore"
OLD_PARENT = "5fa1c7c2-2be0-48f3-ae24-33c9720e26b2"  # UUIDv4 ids: Codex before UUIDv7 thread ids
OLD_CHILD = "6b0e1a64-4d1e-4b4e-9f7a-0c3a7d9e8f10"
PATCH = "*** Begin Patch\n*** Update File: src/a.py\n@@\n-old = 1\n+new = 2\n*** End Patch\n"


# ----------------------------------------------------------------------------- apply_patch outputs


@pytest.mark.parametrize(
    "text",
    [
        # codex-rs apply-patch parser.rs ParseError's Display
        "invalid hunk at line 3, Unexpected line found in update hunk: 'x = 1'. Every line should start with"
        " ' ' (context line), '+' (added line), or '-' (removed line)",
        "invalid patch: The first line of the patch must be '*** Begin Patch'",
        # lib.rs: ApplyPatchError's texts
        "Failed to find context 'def main' in src/a.py",
        "Failed to read file to update src/missing.py: No such file or directory (os error 2)",
        "Failed to find expected lines in src/a.py:\nold = 1",
        "apply_patch verification failed: Failed to find expected lines in src/a.py:\nold = 1",
        # a patch sent through the shell tool (older Codex): core answers `error: {parse error}`
        "error: Failed to find expected lines in src/a.py:\nold = 1",
        "error: invalid hunk at line 2, Expected update hunk to start with a @@ context marker, got: 'x'",
        "error: Failed to read file to update src/missing.py: No such file or directory (os error 2)",
    ],
)
def test_apply_patch_failures_without_an_exit_code_are_errors(text: str) -> None:
    outcome = outcome_of(text)
    assert outcome.status == "error" and outcome.exit_code is None


def test_apply_patch_success_is_ok() -> None:
    assert outcome_of("Success. Updated the following files:\nM src/a.py\n").status == "ok"
    wrapped = json.dumps({"output": "Success. Updated the following files:\nM a.py\n", "metadata": {"exit_code": 0}})
    assert outcome_of(wrapped).status == "ok"


def test_declined_approvals_are_rejections() -> None:
    for text in ("exec command rejected by user", "patch rejected by user", "rejected by user"):
        assert outcome_of(text).status == "rejected"
    assert outcome_of("exec command rejected by user: the user said no").status == "rejected"
    # A command's output that mentions a rejection is not one.
    assert outcome_of("Exit code: 0\nWall time: 0.1 seconds\nOutput:\nrejected by user: 3 rows\n").status == "ok"


def test_a_rollout_stores_apply_patch_parse_errors_and_declined_calls(tmp_path: Path, db_path: Path) -> None:
    sid = "019e1625-789d-76c0-80ab-3724b5ddb799"
    rollout = [
        meta(sid),
        line("turn_context", {"cwd": "/work/proj", "model": "gpt-5.4"}),
        event({"type": "user_message", "message": "fix it"}),
        item({"type": "custom_tool_call", "name": "apply_patch", "call_id": "p1", "input": PATCH}),
        item(
            {
                "type": "custom_tool_call_output",
                "call_id": "p1",
                "output": "invalid hunk at line 2, Expected update hunk to start with a @@ context marker, got: 'x'",
            }
        ),
        item(
            {"type": "function_call", "name": "shell", "call_id": "s1", "arguments": '{"command": ["rm", "-rf", "b"]}'}
        ),
        item({"type": "function_call_output", "call_id": "s1", "output": "exec command rejected by user"}),
    ]
    write(tmp_path / "sessions" / f"rollout-2026-05-11T11-26-55-{sid}.jsonl", rollout)
    run_ingest(db_path, tmp_path / "sessions")
    assert rows(db_path, "SELECT id, status FROM tool_calls ORDER BY id") == [("p1", "error"), ("s1", "rejected")]


def test_an_error_line_that_is_no_harness_failure_is_not_read_as_one() -> None:
    assert outcome_of("error: the config says so, see below\nok").status == "ok"  # no exit code, no known failure
    assert (
        outcome_of("Exit code: 0\nWall time: 0.1 seconds\nOutput:\nerror: Failed to find expected lines").status == "ok"
    )


def test_a_patch_sent_through_the_shell_tool_that_fails_is_a_failed_call(tmp_path: Path, db_path: Path) -> None:
    """Older Codex: the model runs `["apply_patch", PATCH]` with the shell tool; a patch that does not
    verify is answered `error: ...` with no exit code (issue 41: these were stored as successes)."""
    sid = "019a1625-789d-76c0-80ab-3724b5ddb700"
    outputs = {
        "s1": "error: Failed to find expected lines in /work/proj/src/a.py:\nold = 1",
        "s2": "error: invalid hunk at line 3, Unexpected line found in update hunk: 'x'",
        "s3": json.dumps(
            {"output": "Success. Updated the following files:\nM src/a.py\n", "metadata": {"exit_code": 0}}
        ),
    }
    rollout = [meta(sid), line("turn_context", {"cwd": "/work/proj", "model": "gpt-5-codex"})]
    rollout.append(event({"type": "user_message", "message": "fix it"}))
    for call_id, output in outputs.items():
        arguments = json.dumps({"command": ["apply_patch", PATCH], "workdir": "/work/proj"})
        rollout.append(item({"type": "function_call", "name": "shell", "call_id": call_id, "arguments": arguments}))
        rollout.append(item({"type": "function_call_output", "call_id": call_id, "output": output}))
    folder = tmp_path / "sessions"
    write(folder / f"rollout-2025-10-11T11-26-55-{sid}.jsonl", rollout)
    run_ingest(db_path, folder)
    assert rows(db_path, "SELECT id, status FROM tool_calls ORDER BY id") == [
        ("s1", "error"),
        ("s2", "error"),
        ("s3", "ok"),
    ]
    assert_counts_agree(db_path, [folder])  # the count from the raw format says the same


# ----------------------------------------------------------------------------- forks


def _at(seconds: float) -> str:
    minutes, sec = divmod(seconds, 60)
    return f"2025-10-02T10:{int(minutes):02d}:{sec:06.3f}Z"


def _old_meta(session_id: str, started: str, ts: str) -> str:
    payload: dict[str, Any] = {"id": session_id, "timestamp": started, "cwd": "/work/proj", "cli_version": "0.42.0"}
    return line("session_meta", payload, ts)


def _shell_call(call_id: str, command: str, output: str, ts: str) -> list[str]:
    arguments = json.dumps({"command": ["bash", "-lc", command]})
    return [
        item({"type": "function_call", "name": "shell", "call_id": call_id, "arguments": arguments}, ts),
        item({"type": "function_call_output", "call_id": call_id, "output": output}, ts),
    ]


def _old_fork() -> list[str]:
    """A fork as Codex 0.4x wrote it: the child's meta (no forked_from_id), the parent's meta and
    history copied at the fork's time, then, when the person typed, the child's own turn (turn
    contexts without turn ids)."""
    fork = 30.0  # seconds after 10:00
    copied = [
        _old_meta(OLD_PARENT, "2025-10-02T09:40:00.000Z", _at(fork + 0.010)),
        line("turn_context", {"cwd": "/work/proj", "model": "gpt-5-codex"}, _at(fork + 0.011)),
        event({"type": "user_message", "message": "parent's prompt"}, _at(fork + 0.012)),
        *_shell_call(
            "parent-call",
            "cargo test",
            "Exit code: 101\nWall time: 3 seconds\nOutput:\nerror[E0308]",
            _at(fork + 0.013),
        ),
    ]
    own = [
        line("turn_context", {"cwd": "/work/proj", "model": "gpt-5-codex"}, _at(fork + 12)),
        event({"type": "user_message", "message": "the fork's prompt"}, _at(fork + 12.001)),
        *_shell_call("child-call", "rg -n Foo src", "Exit code: 1\nWall time: 0.2 seconds\nOutput:\n", _at(fork + 15)),
    ]
    return [_old_meta(OLD_CHILD, _at(fork), _at(fork)), *copied, *own]


def test_an_old_fork_reads_its_own_calls_and_not_the_parents(tmp_path: Path, db_path: Path) -> None:
    write(tmp_path / "s" / f"rollout-2025-10-02T10-00-30-{OLD_CHILD}.jsonl", _old_fork())
    run_ingest(db_path, tmp_path / "s")
    assert rows(db_path, "SELECT id, session_id, status FROM tool_calls") == [("child-call", OLD_CHILD, "error")]
    assert rows(db_path, "SELECT text FROM messages WHERE kind = 'prompt'") == [("the fork's prompt",)]
    assert rows(db_path, f"SELECT kind, parent_id FROM sessions WHERE id = '{OLD_CHILD}'") == [("subagent", OLD_PARENT)]
    assert_counts_agree(db_path, [tmp_path / "s"])


def test_an_old_fork_read_in_two_parts_stores_what_one_read_stores(tmp_path: Path, db_path: Path) -> None:
    lines = _old_fork()
    path = write(tmp_path / "s" / f"rollout-2025-10-02T10-00-30-{OLD_CHILD}.jsonl", lines[:6])
    run_ingest(db_path, tmp_path / "s")
    assert rows(db_path, "SELECT count(*) FROM tool_calls") == [(0,)]
    write(path, lines)
    run_ingest(db_path, tmp_path / "s")
    assert rows(db_path, "SELECT id FROM tool_calls") == [("child-call",)]


def test_a_replay_stamped_with_the_parents_own_times_is_never_cut_by_its_pauses(tmp_path: Path, db_path: Path) -> None:
    """Were a replay's lines stamped with the parent's times, its pauses are the parent's: the
    pause rule is off, and only the rollout's own meta or turn ends it."""
    lines = [
        _old_meta(OLD_CHILD, _at(30), _at(30)),
        _old_meta(OLD_PARENT, "2025-10-02T09:40:00.000Z", _at(0)),
        *_shell_call("parent-1", "ls", "Exit code: 0\nWall time: 0 seconds\nOutput:\n", _at(1)),
        *_shell_call("parent-2", "ls", "Exit code: 0\nWall time: 0 seconds\nOutput:\n", _at(9)),
    ]
    write(tmp_path / "s" / f"rollout-2025-10-02T10-00-30-{OLD_CHILD}.jsonl", lines)
    run_ingest(db_path, tmp_path / "s")
    assert rows(db_path, "SELECT count(*) FROM tool_calls") == [(0,)]


# ----------------------------------------------------------------------------- PowerShell


def test_powershell_command_lines_are_unwrapped() -> None:
    assert command_line(["powershell.exe", "-NoLogo", "-Command", "rg -n Foo src"]) == "rg -n Foo src"
    assert command_line(["powershell.exe", "-Command", "Get-Content a.md"]) == "Get-Content a.md"
    assert command_line(["pwsh", "-NoProfile", "-NonInteractive", "-c", "ls"]) == "ls"
    assert command_line(["bash", "-lc", "ls"]) == "ls"
    assert command_line(["pwsh", "-NoLogo"]) == "pwsh -NoLogo"
    assert command_line(["powershell.exe"]) == "powershell.exe"


@pytest.fixture(scope="module")
def zo_qore_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not ZO_QORE.is_dir():
        pytest.skip(f"corpus not present: {ZO_QORE}")
    root = tmp_path_factory.mktemp("zo")
    # A few real sessions of the corpus (it is 168 MB): the days with PowerShell listings,
    # timeouts and failed patches.
    for day in ("2025/11/14", "2025/11/16"):
        shutil.copytree(ZO_QORE / "sessions" / day, root / "sessions" / day)
    db = root / "store.db"
    run_ingest(db, root / "sessions")
    return db


def test_zo_qore_powershell_commands_are_their_scripts(zo_qore_store: Path) -> None:
    stored = rows(zo_qore_store, "SELECT command, input_json FROM tool_calls WHERE input_json LIKE '%powershell%'")
    wrapped = [
        (command, argv)
        for command, text in stored
        if isinstance(data := json.loads(text), dict)
        and isinstance(argv := data.get("command"), list)
        and argv[-2:-1] == ["-Command"]
    ]
    assert len(wrapped) > 100
    assert all(command == argv[-1] for command, argv in wrapped)


def test_zo_qore_failed_patches_are_errors(zo_qore_store: Path) -> None:
    failed = rows(
        zo_qore_store,
        "SELECT status, count(*) FROM tool_calls WHERE tool = 'apply_patch' AND"
        " (error_text LIKE 'apply_patch verification failed%' OR result_text LIKE 'apply_patch verification failed%')"
        " GROUP BY status",
    )
    assert [status for status, _ in failed] == ["error"]


def test_an_apply_patch_parse_error_is_a_format_error() -> None:
    # An apply_patch parse error is a format error of the edit.
    from lessonloop.analyze.inputs import Call

    call = Call(
        id="p1",
        context_id="s",
        seq=1,
        ts=None,
        tool="apply_patch",
        input={},
        status="error",
        error_text="invalid hunk at line 2, Expected update hunk to start with a @@ context marker, got: 'x'",
        kind="edit",
    )
    result = classify_call(call)
    assert result is not None and (result.label, result.evidence.split(":")[0]) == ("PARAMETER_FORMAT", "patch_invalid")
