"""Error classes of failed tool calls: the rules one by one, and the hand-labeled real corpus."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.claude.reader.tools import kind_of
from lessonloop.analyze.error_classes import (
    ALL_CLASSES,
    EVIDENCE_CHARS,
    RULES,
    USAGE_CLASSES,
    ErrorClass,
    classify_call,
    classify_session,
)
from lessonloop.analyze.inputs import Call, Context, SessionInput

LABELS_PATH = Path(__file__).parent.parent / "data" / "error_labels.json"

# What the corpus holds, pinned: a change to a rule or to ingestion that moves any call shows here.
CORPUS_FAILED_CALLS = 59
CORPUS_CLASS_COUNTS = {
    "CHECK_FAILED": 21,
    "INCORRECT_PARAMETER": 10,
    "CASCADE": 9,
    "MISSING_PREREQUISITE": 7,
    "USER_REJECTED": 3,
    "MISSING_PARAMETER": 2,
    "WORKFLOW_SEQUENCE": 6,
    "WRONG_TOOL_SELECTION": 1,
}
CORPUS_MIN_ACCURACY = 1.0  # 59/59 agree with the hand labels


def make_call(
    error: str | None = None,
    *,
    tool: str = "Bash",
    status: str | None = "error",
    command: str | None = None,
    exit_code: int | None = None,
    seq: int = 1,
    ts: str | None = "2025-01-01T00:00:00.000Z",
) -> Call:
    return Call(
        id=f"toolu_{seq}",
        context_id="session-1",
        seq=seq,
        ts=ts,
        tool=tool,
        kind=kind_of(tool),
        input={"command": command} if command else {},
        command=command,
        status=status,
        exit_code=exit_code,
        error_text=error,
    )


def bash(command: str, output: str, exit_code: int = 1) -> Call:
    """A failed shell call the way Claude Code reports it: "Exit code N" then the output."""
    return make_call(f"Exit code {exit_code}\n{output}", command=command, exit_code=exit_code)


def classify(call: Call) -> ErrorClass:
    result = classify_call(call)
    assert result is not None
    return result


def label_of(call: Call) -> str:
    return classify(call).label


# --- the table itself ------------------------------------------------------------------------


def test_classes_and_rules_are_consistent() -> None:
    assert USAGE_CLASSES.issubset(ALL_CLASSES) and len(USAGE_CLASSES) == 6
    assert len(ALL_CLASSES) == len(set(ALL_CLASSES)) == 13
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert rule.label in ALL_CLASSES
        assert 0 < rule.confidence <= 1


# --- calls that are not errors -----------------------------------------------------------------


def test_successful_call_has_no_class() -> None:
    assert classify_call(make_call(status="ok")) is None


def test_call_without_result_has_no_class() -> None:
    assert classify_call(make_call(status=None)) is None


# --- required mappings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "label"),
    [
        (make_call("String to replace not found in file.\nString: foo", tool="Edit"), "INCORRECT_PARAMETER"),
        (
            make_call(
                "<tool_use_error>Found 3 matches of the string to replace, but replace_all is false. To replace all "
                "occurrences, set replace_all to true.</tool_use_error>",
                tool="Edit",
            ),
            "INCORRECT_PARAMETER",
        ),
        (make_call("File does not exist.", tool="Read"), "INCORRECT_PARAMETER"),
        (
            bash(
                "git add priv/static/assets/app.css",
                "The following paths are ignored by one of your .gitignore files:\npriv/static/assets\n"
                "hint: Use -f if you really want to add them.",
            ),
            "INCORRECT_PARAMETER",
        ),
        (
            make_call("File has not been read yet. Read it first before writing to it.", tool="Write"),
            "MISSING_PREREQUISITE",
        ),
        (
            make_call(
                "File has been modified since read, either by the user or by a linter. Read it again before "
                "attempting to write it.",
                tool="Edit",
            ),
            "MISSING_PREREQUISITE",
        ),
        (
            make_call("File has been unexpectedly modified. Read it again before attempting to write it.", tool="Edit"),
            "MISSING_PREREQUISITE",
        ),
        (
            bash("git push", "fatal: The current branch feat has no upstream branch.", exit_code=128),
            "MISSING_PREREQUISITE",
        ),
        (bash("tree lib", "(eval):1: command not found: tree", exit_code=127), "MISSING_PREREQUISITE"),
        (bash("jq . x.json", "bash: line 1: jq: command not found", exit_code=127), "MISSING_PREREQUISITE"),
        (bash("python3 x.py", "ModuleNotFoundError: No module named 'yaml'"), "MISSING_PREREQUISITE"),
        (
            make_call(
                "Pre-commit validation failed:\\n\\n[FORMAT] Code is not formatted.\\nRun 'mix format' to fix."
                "\\n\\nFix these issues before committing.",
                command="git commit -m x",
            ),
            "WORKFLOW_SEQUENCE",
        ),
        (
            make_call(
                "Pre-commit validation failed:\\n\\n[FORMAT] Code is not formatted.\\n\\n[CREDO]\\nChecking 88 "
                "source files ...\n┃ [R] ↘ Prefer using an implicit `try`.\\n\\nFix these issues before committing.",
                command="git commit -m x",
            ),
            "WORKFLOW_SEQUENCE",
        ),
        (
            make_call(
                "File content (806.5KB) exceeds maximum allowed size (256KB). Please use offset and limit parameters.",
                tool="Read",
            ),
            "MISSING_PARAMETER",
        ),
        (
            make_call(
                "File content (85812 tokens) exceeds maximum allowed tokens (25000). Please use offset and limit.",
                tool="Read",
            ),
            "MISSING_PARAMETER",
        ),
        (
            bash("mix test", "Running ExUnit with seed: 1\n\n  1) test it works (FooTest)\n\n12 tests, 2 failures", 2),
            "CHECK_FAILED",
        ),
        (
            bash(
                "uv run pytest -q",
                "F.\nFAILED tests/test_x.py::test_a - assert 1 == 2\n==== 1 failed, 1 passed in 0.1s ====",
            ),
            "CHECK_FAILED",
        ),
        (
            bash("npx vitest run", " Test Files  1 failed | 3 passed (4)\n      Tests  2 failed | 20 passed (22)"),
            "CHECK_FAILED",
        ),
        (make_call("The user doesn't want to proceed with this tool use.", status="rejected"), "USER_REJECTED"),
        (make_call(None, status="interrupted"), "INTERRUPTED"),
        (make_call("[Request interrupted by user for tool use]", command="sleep 100"), "INTERRUPTED"),
    ],
)
def test_required_mapping(call: Call, label: str) -> None:
    assert label_of(call) == label


# --- one case per class, and the near misses ------------------------------------------------------


def test_cascade() -> None:
    result = classify(make_call("<tool_use_error>Sibling tool call errored</tool_use_error>", tool="Read"))
    assert (result.label, result.usage, result.confidence) == ("CASCADE", False, 0.99)


def test_read_on_directory_is_wrong_tool() -> None:
    assert label_of(make_call("EISDIR: illegal operation on a directory, read", tool="Read")) == "WRONG_TOOL_SELECTION"


def test_write_on_directory_is_a_wrong_path_not_a_wrong_tool() -> None:
    assert label_of(make_call("EISDIR: illegal operation on a directory, open", tool="Write")) == "INCORRECT_PARAMETER"


def test_unknown_tool_is_wrong_tool() -> None:
    call = make_call("<tool_use_error>Error: No such tool available: Fetch</tool_use_error>", tool="Fetch")
    assert label_of(call) == "WRONG_TOOL_SELECTION"


def test_required_parameter_missing() -> None:
    text = (
        "InputValidationError: Read failed due to the following issue:\nThe required parameter `file_path` is missing"
    )
    result = classify(make_call(text, tool="Read"))
    assert result.label == "MISSING_PARAMETER"
    assert "file_path" in result.evidence


def test_parameter_of_wrong_type_is_format() -> None:
    text = (
        "InputValidationError: Read failed due to the following issue:\n"
        "The parameter `limit` type is expected as `number` but provided as `string`"
    )
    assert label_of(make_call(text, tool="Read")) == "PARAMETER_FORMAT"


def test_zod_type_issue_is_format() -> None:
    text = (
        'InputValidationError: [\n  {\n    "code": "invalid_type",\n    "expected": "string",\n    "received": "number"'
    )
    assert label_of(make_call(text, tool="Grep")) == "PARAMETER_FORMAT"


def test_zod_missing_field_is_missing_parameter() -> None:
    text = 'InputValidationError: [\n  {\n    "code": "invalid_type",\n    "expected": "string",\n    "received": "undefined"'
    assert label_of(make_call(text, tool="Grep")) == "MISSING_PARAMETER"


def test_unexpected_parameter_is_incorrect() -> None:
    text = "InputValidationError: Read failed due to the following issue:\nAn unexpected parameter `path` was provided"
    assert label_of(make_call(text, tool="Read")) == "INCORRECT_PARAMETER"


def test_bad_regex_in_grep_is_format() -> None:
    call = make_call("regex parse error:\n    foo(\n       ^\nerror: unclosed group", tool="Grep")
    assert label_of(call) == "PARAMETER_FORMAT"


def test_permission_denied_is_missing_prerequisite() -> None:
    assert (
        label_of(bash("./scripts/run.sh", "bash: ./scripts/run.sh: Permission denied", 126)) == "MISSING_PREREQUISITE"
    )


def test_ssh_permission_denied_is_infrastructure() -> None:
    call = bash(
        "git push", "git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.", 128
    )
    assert label_of(call) == "INFRASTRUCTURE"


def test_precommit_is_classed_by_its_first_failing_check() -> None:
    """One mistake, one class: [FORMAT] first is the unformatted commit whatever fails after it."""
    dialyzer = "[DIALYZER]\\nTotal errors: 2\nlib/x.ex:58:13:pattern_match\nThe pattern can never match the type."
    head = "Pre-commit validation failed:\\n\\n"
    tail = "\\n\\nFix these issues before committing."
    format_first = classify(
        make_call(f"{head}[FORMAT] Code is not formatted.\\n\\n{dialyzer}{tail}", command="git commit")
    )
    format_only = classify(make_call(f"{head}[FORMAT] Code is not formatted.{tail}", command="git commit"))
    dialyzer_only = classify(make_call(f"{head}{dialyzer}{tail}", command="git commit -m x"))
    assert format_first.label == format_only.label == "WORKFLOW_SEQUENCE"
    assert dialyzer_only.label == "CHECK_FAILED"
    assert dialyzer_only.evidence == "precommit_checks: [DIALYZER]"


def test_precommit_with_failing_tests_is_check_failed() -> None:
    text = "Pre-commit validation failed:\\n\\n[TEST]\\n3 tests, 1 failure\\n\\nFix these issues before committing."
    assert label_of(make_call(text, command="git commit -m x")) == "CHECK_FAILED"


@pytest.mark.parametrize(
    "output",
    [
        "fatal: ambiguous argument 'main..HEAD': unknown revision or path not in the working tree.",
        "error: pathspec 'lib/nope.ex' did not match any file(s) known to git",
        "fatal: pathspec '_build/x.exs' is beyond a symbolic link",
    ],
)
def test_git_bad_argument_is_incorrect_parameter(output: str) -> None:
    assert label_of(bash("git log main..HEAD", output, 128)) == "INCORRECT_PARAMETER"


def test_inline_python_traceback_is_incorrect_parameter() -> None:
    output = (
        'Traceback (most recent call last):\n  File "<string>", line 6, in <module>\n'
        "json.decoder.JSONDecodeError: Unterminated string starting at: line 1 column 256 (char 255)"
    )
    result = classify(bash('head -c 500 x.jsonl | python3 -c "import json; ..."', output))
    assert result.label == "INCORRECT_PARAMETER"
    assert result.evidence.startswith("inline_script_traceback: json.decoder.JSONDecodeError")


def test_traceback_of_a_project_script_is_not_an_inline_script_error() -> None:
    output = 'Traceback (most recent call last):\n  File "app.py", line 3\nValueError: bad'
    assert label_of(bash("python3 app.py", output)) == "UNKNOWN"


def test_elixir_compile_error_is_check_failed() -> None:
    output = (
        "     error: undefined function get/2\n\n== Compilation error in file test/x_test.exs ==\n"
        "** (CompileError) test/x_test.exs: cannot compile module"
    )
    assert label_of(bash("mix test test/x_test.exs", output)) == "CHECK_FAILED"


def test_esbuild_unresolved_import_is_check_failed() -> None:
    output = '✘ [ERROR] Could not resolve "js/app.js"\n\n1 error\nError: Build failed with 1 error:'
    assert label_of(bash("node assets/build.js", output)) == "CHECK_FAILED"


def test_credo_findings_are_check_failed() -> None:
    output = "Checking 3 source files ...\n40 mods/funs, found 1 software design suggestion."
    assert label_of(bash("mix credo --strict lib/x.ex", output, 2)) == "CHECK_FAILED"


@pytest.mark.parametrize(
    ("command", "output"),
    [
        ("git push", "fatal: unable to access 'https://github.com/x/y/': Could not resolve host: github.com"),
        ("curl localhost:4000", "curl: (7) Failed to connect to localhost port 4000: Connection refused"),
        ("npm install", "npm ERR! code ETIMEDOUT"),
        ("gh api repos/x/y", "HTTP/2 429 Too Many Requests"),
        ("gh api repos/x/y", "gh: Bad credentials (HTTP 401)\nstatus code: 401"),
        ("claude -p hi", 'API Error: 529 {"type":"error","error":{"type":"overloaded_error"}}'),
        ("cp big /tmp", "cp: error writing '/tmp/big': No space left on device"),
    ],
)
def test_infrastructure(command: str, output: str) -> None:
    assert label_of(bash(command, output)) == "INFRASTRUCTURE"


@pytest.mark.parametrize(
    "output",
    [
        "fatal: could not read Username for 'https://github.com': No such device or address",
        "fatal: could not read Password for 'https://x@github.com': terminal prompts disabled",
        "remote: Support for password authentication was removed on August 13, 2021.\nfatal: Authentication failed",
    ],
)
def test_git_over_https_without_credentials_is_a_missing_prerequisite(output: str) -> None:
    assert label_of(bash("git push origin main", output, 128)) == "MISSING_PREREQUISITE"


def test_a_line_number_429_in_test_output_is_not_a_rate_limit() -> None:
    output = "  1) test x (FooTest)\n     test/foo_test.exs:429\n     Assertion failed\n\n3 tests, 1 failure"
    assert label_of(bash("mix test", output, 2)) == "CHECK_FAILED"


def test_skill_whose_embedded_git_command_needs_a_missing_ref() -> None:
    text = (
        'Bash command failed for pattern "!`git log --oneline main..HEAD`": [stderr]\n'
        "fatal: ambiguous argument 'main..HEAD': unknown revision or path not in the working tree."
    )
    result = classify(make_call(text, tool="Skill"))
    assert (result.label, result.confidence) == ("MISSING_PREREQUISITE", 0.7)


def test_skill_whose_embedded_command_is_missing() -> None:
    text = 'Bash command failed for pattern "!`bd ready`": [stderr]\n(eval):1: command not found: bd'
    assert label_of(make_call(text, tool="Skill")) == "MISSING_PREREQUISITE"


def test_grep_without_match_is_not_a_check_failure() -> None:
    """grep/rg exit 1 with no output means "no line matched": nothing failed, so no error class."""
    result = classify(make_call("Exit code 1", command="grep -rn 'foo' lib/", exit_code=1))
    assert (result.label, result.usage) == ("UNKNOWN", False)
    assert result.evidence.startswith("search_no_match:")


def test_test_output_piped_to_grep_without_match_is_no_match() -> None:
    result = classify(make_call("Exit code 1\n", command="mix test 2>&1 | grep FAIL", exit_code=1))
    assert result.evidence.startswith("search_no_match:")


def test_grep_on_missing_file_is_incorrect_parameter() -> None:
    assert label_of(bash("grep foo nope.txt", "grep: nope.txt: No such file or directory", 2)) == "INCORRECT_PARAMETER"


def test_check_command_with_unrecognised_output_falls_back_to_check_failed() -> None:
    result = classify(bash("mix test --cover", "Coverage 71% is below the threshold 80%", 3))
    assert (result.label, result.confidence) == ("CHECK_FAILED", 0.6)
    assert result.evidence == "check_exit_nonzero: test exit 3"


def test_zero_failures_summary_does_not_count_as_failures() -> None:
    result = classify(bash("mix test", "12 tests, 0 failures\nCoverage below threshold", 1))
    assert result.evidence.startswith("check_exit_nonzero:")


def test_anything_else_is_unknown_with_its_first_line() -> None:
    result = classify(bash("./deploy.sh", "\nsomething odd happened\nmore"))
    assert (result.label, result.confidence, result.usage) == ("UNKNOWN", 0.3, False)
    assert result.evidence == "no rule matched: something odd happened"


# --- output shape ------------------------------------------------------------------------------


def test_evidence_is_rule_name_and_clipped_match() -> None:
    long_name = "x" * 300
    result = classify(bash(f"cat {long_name}", f"zsh: command not found: {long_name}", 127))
    rule, _, text = result.evidence.partition(": ")
    assert rule == "command_not_found"
    assert len(text) <= EVIDENCE_CHARS


def test_to_json() -> None:
    result = classify(make_call("File does not exist.", tool="Read", seq=7))
    assert result.to_json() == {
        "tool_use_id": "toolu_7",
        "session_id": "session-1",
        "line": 7,
        "class": "INCORRECT_PARAMETER",
        "confidence": 0.95,
        "usage": True,
        "evidence": "path_not_found: File does not exist.",
    }


def test_classify_session_keeps_failed_calls_in_time_order() -> None:
    calls = (
        make_call("File does not exist.", tool="Read", seq=3, ts="2025-01-01T00:00:03.000Z"),
        make_call(status="ok", seq=2, ts="2025-01-01T00:00:02.000Z"),
        make_call("Sibling tool call errored", tool="Read", seq=1, ts="2025-01-01T00:00:01.000Z"),
    )
    session = SessionInput(id="session-1", contexts=(Context(id="session-1", kind="main", calls=calls),))
    assert [(r.seq, r.label) for r in classify_session(session)] == [(1, "CASCADE"), (3, "INCORRECT_PARAMETER")]


# --- the real corpus ---------------------------------------------------------------------------


def _load_labels() -> list[dict[str, Any]]:
    labels: list[dict[str, Any]] = json.loads(LABELS_PATH.read_text(encoding="utf-8"))
    return labels


def test_labels_file_is_well_formed() -> None:
    labels = _load_labels()
    ids = [entry["tool_use_id"] for entry in labels]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids)) == CORPUS_FAILED_CALLS
    for entry in labels:
        assert set(entry) == {"tool_use_id", "tool", "label", "why", "excerpt"}
        assert entry["label"] in ALL_CLASSES
        assert entry["why"]


def _failed_calls(sessions: list[SessionInput]) -> list[Call]:
    return [call for session in sessions for call in session.calls() if call.failed]


@pytest.mark.corpus
def test_corpus_matches_hand_labels(corpus_sessions: list[SessionInput]) -> None:
    results = {r.tool_use_id: r for session in corpus_sessions for r in classify_session(session)}
    failed = _failed_calls(corpus_sessions)
    assert len(failed) == CORPUS_FAILED_CALLS
    assert set(results) == {call.id for call in failed}, "every failed call gets a class, and only those"

    expected = {entry["tool_use_id"]: entry["label"] for entry in _load_labels()}
    assert set(expected) <= set(results), f"labeled ids missing from the corpus: {set(expected) - set(results)}"
    assert set(results) <= set(expected), f"failed calls without a label: {set(results) - set(expected)}"

    wrong = {tid: (label, results[tid]) for tid, label in expected.items() if results[tid].label != label}
    accuracy = 1 - len(wrong) / len(expected)
    confusion = Counter((label, result.label) for label, result in wrong.values())
    summary = "\n".join(
        [f"accuracy {len(expected) - len(wrong)}/{len(expected)}", "confusion (expected -> got: count):"]
        + [f"  {want} -> {got}: {n}" for (want, got), n in confusion.most_common()]
        + [f"  {tid}: want {want}, got {r.label} ({r.evidence})" for tid, (want, r) in sorted(wrong.items())]
    )
    assert accuracy >= CORPUS_MIN_ACCURACY, summary


@pytest.mark.corpus
def test_corpus_class_counts(corpus_sessions: list[SessionInput]) -> None:
    counts = Counter(r.label for session in corpus_sessions for r in classify_session(session))
    assert dict(counts) == CORPUS_CLASS_COUNTS


@pytest.mark.corpus
def test_corpus_usage_flag_and_evidence(corpus_sessions: list[SessionInput]) -> None:
    for session in corpus_sessions:
        for result in classify_session(session):
            assert result.usage == (result.label in USAGE_CLASSES)
            name, sep, text = result.evidence.partition(": ")
            assert sep and name and len(text) <= EVIDENCE_CHARS


def test_a_hook_stop_is_stopped_but_a_command_that_printed_its_words_is_not() -> None:
    """Each agent's wording of a hook's deny is STOPPED (issue 59); the same words printed by a
    command that ran (it has an exit code) forge no stop: the call stays the failure it is."""
    for text in (
        "PreToolUse:Bash hook error: lessonloop stopped this call before it ran: ...",
        "Command blocked by PreToolUse hook: lessonloop stopped this call before it ran: ...",
        "Tool execution blocked: lessonloop stopped this call before it ran: ...",
        "Denied by preToolUse hook: lessonloop stopped this call before it ran: ...",
        "lessonloop stopped this call before it ran: a lesson from earlier sessions says it fails.",
    ):
        assert label_of(make_call(text, command="git push")) == "STOPPED", text
    forged = "Tool execution blocked: lessonloop stopped this call\nError: connect ECONNREFUSED 10.0.0.5:5432"
    assert label_of(make_call(forged, command="./deploy.sh", exit_code=1)) != "STOPPED"
