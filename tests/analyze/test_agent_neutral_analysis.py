"""Analysis by agent-neutral kind (issue 13): other agents' calls give the same file operations,
workflow results and error classes as Claude Code's, a patch of several files gives one operation
per file, and the new agents' real failure texts get their classes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lessonloop.analyze.diff_files import file_diffs
from lessonloop.analyze.diff_risk import scan_call
from lessonloop.analyze.error_classes import classify_call
from lessonloop.analyze.file_ops import file_timeline
from lessonloop.analyze.inputs import Call, Context, SessionInput
from lessonloop.analyze.workflow import DEFAULT_RULES, evaluate
from tests.conftest import SHARED_CORPUS

CWD = "/repo"
TWO_FILES = (
    "--- a/src/a.py\n+++ b/src/a.py\n@@ -1,3 +1,3 @@\n x = 1\n-y = 2\n+y = 3\n z = 4\n"
    "--- /dev/null\n+++ b/src/new.py\n@@ -0,0 +1,2 @@\n+import os\n+os.system(cmd)\n"
)
ENVELOPE = (
    "*** Begin Patch\n*** Update File: src/a.py\n@@ def f():\n-    return 1\n+    return 2\n"
    "*** Add File: src/b.py\n+print('b')\n*** Delete File: src/old.py\n*** End Patch"
)


def call(seq: int, tool: str, kind: str, **fields: object) -> Call:
    return Call(f"c{seq}", "s", seq, f"2026-11-02T10:00:{seq:02d}.000Z", tool, {}, kind=kind, status="ok", **fields)  # type: ignore[arg-type]


def test_a_patch_of_two_files_gives_an_operation_per_file() -> None:
    patch = call(1, "apply_patch", "edit", target_path="src/a.py", paths=("src/a.py", "src/new.py"), diff=TWO_FILES)
    ops = file_timeline(Context("s", "main", calls=(patch,)), CWD, None)
    assert [(op.op, op.path, op.start, op.end) for op in ops] == [
        ("edit", "/repo/src/a.py", 2, 2),
        ("create", "/repo/src/new.py", 1, 2),
    ]


def test_the_apply_patch_envelope_names_its_files() -> None:
    parts = file_diffs(ENVELOPE)
    assert [(p.path, p.created, p.deleted) for p in parts] == [
        ("src/a.py", False, False),
        ("src/b.py", True, False),
        ("src/old.py", False, True),
    ]


def test_a_write_kind_is_a_creation_when_its_diff_starts_empty_or_the_file_was_never_seen() -> None:
    created = call(1, "write_file", "write", target_path="a.txt", diff="@@ -0,0 +1 @@\n+a")
    replaced = call(2, "write_file", "write", target_path="a.txt", diff="@@ -1 +1 @@\n-a\n+b")
    unseen = call(3, "write", "write", target_path="b.txt")
    ops = file_timeline(Context("s", "main", calls=(created, replaced, unseen)), CWD, None)
    assert [op.op for op in ops] == ["create", "replace", "create"]


def test_codex_reads_through_the_shell_and_edits_with_apply_patch() -> None:
    read = call(1, "exec_command", "shell", command="sed -n '1,40p' src/a.py")
    patch = call(2, "apply_patch", "edit", target_path="src/a.py", diff=TWO_FILES.split("--- /dev/null")[0])
    ops = file_timeline(Context("s", "main", calls=(read, patch)), CWD, None)
    assert [(op.op, op.path, op.start, op.end) for op in ops] == [
        ("shell_read", "/repo/src/a.py", 1, 40),
        ("edit", "/repo/src/a.py", 2, 2),
    ]


def test_the_risk_scan_reads_each_file_of_a_patch_under_its_own_name() -> None:
    patch = call(1, "apply_patch", "edit", target_path="src/a.py", paths=("src/a.py", "src/new.py"), diff=TWO_FILES)
    found = scan_call(patch)
    assert found and {f.path for f in found} == {"src/new.py"}
    assert all(f.line in (1, 2) for f in found)


def test_the_default_workflow_rules_hold_for_other_agents_calls() -> None:
    calls = (
        call(1, "read_file", "read", target_path="/repo/src/a.py"),
        call(2, "replace", "edit", target_path="/repo/src/a.py"),
        call(3, "run_shell_command", "shell", command="git commit -m x"),
    )
    session = SessionInput("s", cwd=CWD, contexts=(Context("s", "main", calls=calls),))
    results = {r.rule_id: r.status for r in evaluate(session, DEFAULT_RULES)}
    assert results["read-before-edit"] == "satisfied"
    assert results["format-before-commit"] == "violated"
    assert results["tests-after-source-edit"] == "violated"


@pytest.mark.parametrize(
    ("kind", "tool", "command", "text", "label", "rule"),
    [
        (
            "edit",
            "apply_patch",
            None,
            "apply_patch verification failed: Failed to find expected lines in /tmp/SqlEditor.tsx:\nuseEffect(() => {",
            "INCORRECT_PARAMETER",
            "patch_lines_not_found",
        ),
        (
            "edit",
            "apply_patch",
            None,
            "Failed to find context 'def f():' in src/a.py",
            "INCORRECT_PARAMETER",
            "patch_lines_not_found",
        ),
        (
            "edit",
            "apply_patch",
            None,
            "apply_patch verification failed: src/a.py produced no content change",
            "PARAMETER_FORMAT",
            "patch_invalid",
        ),
        (
            "shell",
            "shell",
            "rm /sys/x",
            "failed in sandbox MacosSeatbelt with execution error: sandbox denied exec error, exit code: 2, stdout: , stderr: ",
            "MISSING_PREREQUISITE",
            "sandbox_denied",
        ),
        (
            "shell",
            "exec_command",
            "git push",
            "Process exited with code 128\nOutput:\nfatal: The current branch feature has no upstream branch.",
            "MISSING_PREREQUISITE",
            "git_no_upstream",
        ),
        (
            "shell",
            "exec_command",
            "pytest -q",
            "Process exited with code 1\nOutput:\nboom",
            "CHECK_FAILED",
            "check_exit_nonzero",
        ),
    ],
)
def test_other_agents_failure_texts_get_their_classes(
    kind: str, tool: str, command: str | None, text: str, label: str, rule: str
) -> None:
    failed = Call("c", "s", 1, None, tool, {}, command=command, status="error", error_text=text, kind=kind)
    found = classify_call(failed)
    assert found is not None and (found.label, found.evidence.split(":")[0]) == (label, rule)


def _corpus_text(path: Path, pattern: str) -> str:
    if not path.is_file():
        pytest.skip(f"real-data corpus not found at {path} (the ../shared folder is absent)")
    match = re.search(pattern, path.read_text(encoding="utf-8", errors="replace"))
    assert match is not None
    return match.group(0)


@pytest.mark.corpus
def test_aiders_failed_edit_block_from_the_corpus_is_an_incorrect_parameter() -> None:
    text = _corpus_text(
        SHARED_CORPUS / "aider" / "aider-dev" / "chat-history.md",
        r"SearchReplaceNoExactMatch: This SEARCH block failed to exactly match lines in \S+",
    )
    failed = Call("c", "s", 1, None, "edit_block", {}, status="error", error_text=text, kind="edit")
    found = classify_call(failed)
    assert (
        found is not None and found.label == "INCORRECT_PARAMETER" and found.evidence.startswith("edit_block_no_match")
    )


@pytest.mark.corpus
def test_a_codex_sandbox_refusal_from_the_corpus_is_a_missing_prerequisite() -> None:
    folder = SHARED_CORPUS / "codex" / "codemie" / "sessions"
    files = sorted(folder.rglob("*.jsonl")) if folder.is_dir() else []
    text = next(
        (m.group(0) for f in files for m in [re.search(r"operation not permitted: \w+", f.read_text())] if m), None
    )
    if text is None:
        pytest.skip(f"no sandbox refusal in {folder}")
    failed = Call(
        "c",
        "s",
        1,
        None,
        "exec_command",
        {},
        command="ps",
        status="error",
        error_text=f"Process exited with code 1\nOutput:\nzsh:1: {text}",
        kind="shell",
    )
    found = classify_call(failed)
    assert found is not None and found.label == "MISSING_PREREQUISITE" and found.evidence.startswith("sandbox_")


@pytest.mark.parametrize(("agent", "blind"), [("codex", False), ("aider", False), ("claude-code", True)])
def test_a_file_printed_in_the_shell_is_read_except_where_the_harness_tracks_reads(agent: str, blind: bool) -> None:
    """Codex and the rest read files with `cat` / `sed -n`: an edit after that is not blind. Claude
    Code's harness refuses an Edit of a file its Read tool has not read, so there it still is."""
    from lessonloop.analyze.blind_edits import find_file_signals

    calls = (
        call(1, "exec_command", "shell", command="sed -n '1,40p' src/a.py"),
        call(2, "apply_patch", "edit", target_path="src/a.py", diff=TWO_FILES.split("--- /dev/null")[0]),
    )
    session = SessionInput("s", cwd=CWD, contexts=(Context("s", "main", cwd=CWD, calls=calls),), agent=agent)
    signals = find_file_signals(session)
    assert [(b.path, b.shell_read_before) for b in signals.blind_edits] == ([("/repo/src/a.py", True)] if blind else [])
