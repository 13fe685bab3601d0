"""Session outcomes: unresolved errors, tests failing at the end, corrections and reverted changes.

Every definition of analyze/outcomes.py's docstring is pinned with cases that count and cases
that do not, on small sessions built directly from the analysis input records.
"""

from __future__ import annotations

from typing import Any

import pytest

from lessonloop.agents.claude.reader.tools import kind_of
from lessonloop.analyze.agent_failures import NOT_AGENT_FAILURES
from lessonloop.analyze.inputs import Call, Context, Ref, SessionInput
from lessonloop.analyze.outcomes import (
    Outcomes,
    job_key,
    reverted_changes,
    session_outcomes,
    unresolved_errors,
)
from lessonloop.analyze.outcomes import test_state as state_of_tests  # not collected as a test

MAIN = "s"
SUB = "s/agent1"
CWD = "/repo"
NOT_FOUND = "<tool_use_error>String to replace not found in file.\nString: x = 1</tool_use_error>"


def ts(second: int) -> str:
    """The canonical timestamp `second` seconds into the session."""
    return f"2026-01-01T00:{second // 60:02d}:{second % 60:02d}.000Z"


class Session:
    """Builds a session call by call; every call takes the next second of a shared clock."""

    def __init__(self) -> None:
        self.calls: dict[str, list[Call]] = {MAIN: []}
        self.clock = 0

    def call(
        self,
        tool: str,
        ctx: str = MAIN,
        *,
        status: str | None = "ok",
        exit_code: int | None = None,
        error: str | None = None,
        command: str | None = None,
        target_path: str | None = None,
        result_ts: str | None = None,
        **tool_input: Any,
    ) -> Call:
        self.clock += 1
        call = Call(
            id=f"t{self.clock}",
            context_id=ctx,
            seq=self.clock,
            ts=ts(self.clock),
            tool=tool,
            kind=kind_of(tool),
            input={**tool_input, **({"command": command} if command is not None else {})},
            target_path=target_path,
            command=command,
            cwd=CWD,
            status=status,
            exit_code=exit_code,
            error_text=error if status not in ("ok", None) else None,
            result_seq=self.clock,
            result_ts=result_ts,
        )
        self.calls.setdefault(ctx, []).append(call)
        return call

    def bash(self, command: str, ctx: str = MAIN, **kw: Any) -> Call:
        return self.call("Bash", ctx, command=command, **kw)

    def edit(self, path: str, old: str = "x = 1", new: str = "x = 2", ctx: str = MAIN, **kw: Any) -> Call:
        return self.call("Edit", ctx, target_path=path, file_path=path, old_string=old, new_string=new, **kw)

    def file_tool(self, tool: str, path: str, ctx: str = MAIN, **kw: Any) -> Call:
        return self.call(tool, ctx, target_path=path, file_path=path, **kw)

    def build(self) -> SessionInput:
        contexts = tuple(
            Context(
                id=cid,
                kind="main" if cid == MAIN else "subagent",
                parent_id=None if cid == MAIN else MAIN,
                cwd=CWD,
                calls=tuple(calls),
            )
            for cid, calls in self.calls.items()
        )
        return SessionInput(id=MAIN, cwd=CWD, contexts=contexts)

    def unresolved(self, classes: dict[str, str] | None = None) -> list[str | None]:
        return [ref.tool_use_id for ref in unresolved_errors(self.build().calls(), classes or {})]

    def reverted(self) -> list[str | None]:
        return [ref.tool_use_id for ref in reverted_changes(self.build().calls())]


# --- job_key -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "path", "expected"),
    [
        ("Read", "/repo/src/app.py", ("read", "app.py")),
        ("NotebookRead", "/repo/nb.ipynb", ("read", "nb.ipynb")),
        ("Edit", "/repo/src/app.py", ("change", "app.py")),
        ("MultiEdit", "/repo/src/app.py", ("change", "app.py")),
        ("Write", "/repo/src/app.py", ("change", "app.py")),
        ("NotebookEdit", "/repo/nb.ipynb", ("change", "nb.ipynb")),
        ("Edit", None, ("change", "")),
    ],
)
def test_job_key_of_file_tools_is_family_and_file_name(tool: str, path: str | None, expected: tuple[str, ...]) -> None:
    call = Call(id="t1", context_id=MAIN, seq=1, ts=ts(1), tool=tool, input={}, target_path=path, kind=kind_of(tool))
    assert job_key(call) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("mix test", ("shell", "test")),
        ("uv run pytest -q tests", ("shell", "test")),
        ("git push", ("shell", "git_push")),
        ("git push -u origin feature", ("shell", "git_push")),
        ("mix test && git commit -m wip", ("shell", "test", "git_commit")),
        ("git add -A && git commit -m x && git push", ("shell", "git_commit", "git_push", "git_add")),
        ("cargo build --release", ("shell", "build")),
        ("git status --short", ("shell", "git", "status")),
        ("npm run dev -- --port 3001", ("shell", "npm", "run")),
        ("cd sub && python manage.py migrate", ("shell", "python", "manage.py")),
        ("ls", ("shell", "ls")),
        ("", ("shell",)),
    ],
)
def test_job_key_of_shell_commands_is_kinds_or_first_two_words(command: str, expected: tuple[str, ...]) -> None:
    call = Call(
        id="t1",
        context_id=MAIN,
        seq=1,
        ts=ts(1),
        tool="Bash",
        input={"command": command},
        command=command,
        kind="shell",
    )
    assert job_key(call) == expected


def test_job_key_of_other_tools_is_the_tool_name() -> None:
    call = Call(
        id="t1", context_id=MAIN, seq=1, ts=ts(1), tool="WebFetch", input={"url": "https://example.com"}, kind="fetch"
    )
    assert job_key(call) == ("tool", "WebFetch")


# --- unresolved errors -------------------------------------------------------------------------


def test_edit_not_found_resolved_by_later_edit_of_the_same_file() -> None:
    s = Session()
    s.edit("/repo/src/app.py", status="error", error=NOT_FOUND)
    s.file_tool("Read", "/repo/src/app.py")
    s.edit("/repo/src/app.py")
    assert s.unresolved() == []


def test_edit_failure_resolved_by_any_change_tool_on_a_file_of_that_name() -> None:
    s = Session()
    s.edit("/repo/src/app.py", status="error", error=NOT_FOUND)
    s.file_tool("Write", "/repo/src/app.py", content="x = 2\n")
    s.edit("/repo/lib/util.py", status="error", error=NOT_FOUND)
    s.file_tool("MultiEdit", "/repo/other/util.py", edits=[])  # same job: change + the file's name
    assert s.unresolved() == []


def test_edit_failure_not_resolved_by_a_read_or_an_edit_of_another_file() -> None:
    s = Session()
    failed = s.edit("/repo/src/app.py", status="error", error=NOT_FOUND)
    s.file_tool("Read", "/repo/src/app.py")  # family read, not change
    s.edit("/repo/src/views.py")
    assert s.unresolved() == [failed.id] == ["t1"]


def test_git_push_resolved_by_push_with_upstream() -> None:
    s = Session()
    s.bash("git push", status="error", exit_code=128, error="fatal: The current branch x has no upstream branch.")
    s.bash("git push -u origin x")
    assert s.unresolved() == []


def test_test_failure_resolved_by_test_and_commit_chain() -> None:
    s = Session()
    s.bash("mix test", status="error", exit_code=2)
    s.edit("/repo/lib/app.ex")
    s.bash("mix test && git commit -m 'fix'")
    assert s.unresolved() == []


def test_test_failure_resolved_by_another_test_runner_invocation() -> None:
    s = Session()
    s.bash("pytest tests/test_a.py", status="error", exit_code=1)
    s.bash("uv run python -m pytest -q")
    assert s.unresolved() == []


def test_error_without_later_success_is_unresolved() -> None:
    s = Session()
    s.bash("mix test", status="error", exit_code=2)
    s.edit("/repo/lib/app.ex")
    assert s.unresolved() == ["t1"]


def test_later_success_of_a_different_job_does_not_resolve() -> None:
    s = Session()
    s.bash("git push", status="error", exit_code=1)
    s.bash("git commit -m wip")
    s.bash("mix test")
    assert s.unresolved() == ["t1"]


def test_success_before_the_error_does_not_resolve() -> None:
    s = Session()
    s.bash("git push")
    s.bash("git push", status="error", exit_code=1)
    assert s.unresolved() == ["t2"]


def test_only_failures_after_the_last_success_stay_unresolved() -> None:
    s = Session()
    s.bash("mix test", status="error", exit_code=2)
    s.bash("mix test", status="error", exit_code=2)
    s.bash("mix test")
    s.bash("mix test", status="error", exit_code=2)
    s.bash("mix test", status="error", exit_code=2)
    assert s.unresolved() == ["t4", "t5"]


def test_commands_without_kinds_are_jobs_by_their_first_two_words() -> None:
    s = Session()
    s.bash("npm run dev", status="error", exit_code=1)
    s.bash("npm run dev -- --port 3001")  # same first two words: same job
    s.bash("python manage.py migrate", status="error", exit_code=1)
    s.bash("python -c 'print(1)'")  # different second word
    assert s.unresolved() == ["t3"]


def test_a_success_of_other_git_subcommand_does_not_resolve_a_failed_git_command() -> None:
    # `git rebase` and `git status` are different jobs (their first two words differ)
    s = Session()
    s.bash("git rebase main", status="error", exit_code=1)
    s.bash("git status")
    assert s.unresolved() == ["t1"]


def test_shell_test_builtin_does_not_resolve_a_failed_test_run() -> None:
    # `test -f mix.exs` is the shell's `test` builtin (job: its first two words), not a test run
    s = Session()
    s.bash("mix test", status="error", exit_code=2)
    s.bash("test -f mix.exs && echo yes")
    assert s.unresolved() == ["t1"]


def test_other_tools_are_resolved_by_the_same_tool() -> None:
    s = Session()
    s.call("WebFetch", status="error", url="https://a.example")
    s.call("WebFetch", url="https://b.example")
    s.call("WebSearch", status="error", query="q")
    s.call("WebFetch", url="https://c.example")
    assert s.unresolved() == ["t3"]


@pytest.mark.parametrize("error_class", sorted(NOT_AGENT_FAILURES))
def test_errors_that_are_not_the_agents_failures_are_never_unresolved(error_class: str) -> None:
    s = Session()
    s.bash("mix test", status="error", exit_code=2)
    s.bash("git push", status="error", exit_code=1)
    assert s.unresolved({"t1": error_class}) == ["t2"]


def test_not_agent_failures_are_exactly_cascade_rejected_interrupted_stopped() -> None:
    assert frozenset({"CASCADE", "USER_REJECTED", "INTERRUPTED", "STOPPED"}) == NOT_AGENT_FAILURES


def test_other_error_classes_still_count() -> None:
    s = Session()
    s.edit("/repo/a.py", status="error", error=NOT_FOUND)
    assert s.unresolved({"t1": "INCORRECT_PARAMETER"}) == ["t1"]


@pytest.mark.parametrize("status", ["rejected", "interrupted", None])
def test_only_error_status_counts(status: str | None) -> None:
    s = Session()
    s.bash("git push", status=status)
    s.edit("/repo/a.py", status=status)
    assert s.unresolved() == []


def test_a_success_in_a_subagent_resolves_a_failure_of_the_main_context() -> None:
    s = Session()
    s.bash("mix test", status="error", exit_code=2)
    s.bash("mix test", SUB)
    s.bash("git push", SUB, status="error", exit_code=1)
    refs = unresolved_errors(s.build().calls(), {})
    assert refs == [Ref(SUB, 3, tool_use_id="t3")]


# --- tests failing at the end ------------------------------------------------------------------


def test_last_test_failed_means_failing_at_end() -> None:
    s = Session()
    s.bash("mix test")
    s.edit("/repo/lib/app.ex")
    last = s.bash("mix test", status="error", exit_code=2)
    s.bash("git status")
    assert state_of_tests(s.build().calls()) == (2, True, last)


def test_nonzero_exit_code_is_a_failure_even_with_ok_status() -> None:
    s = Session()
    last = s.bash("pytest -q", exit_code=1)
    assert state_of_tests(s.build().calls()) == (1, True, last)


def test_later_passing_test_means_not_failing_at_end() -> None:
    s = Session()
    s.bash("mix test", status="error", exit_code=2)
    last = s.bash("mix test test/app_test.exs", exit_code=0)
    assert state_of_tests(s.build().calls()) == (2, False, last)


def test_no_tests_means_none() -> None:
    s = Session()
    s.bash("mix compile")
    s.edit("/repo/lib/app.ex")
    assert state_of_tests(s.build().calls()) == (0, None, None)


def test_test_commands_without_a_result_are_not_counted() -> None:
    s = Session()
    first = s.bash("mix test", status="error", exit_code=2)
    s.bash("mix test", status=None)
    assert state_of_tests(s.build().calls()) == (1, True, first)


def outcomes_with_junit(s: Session, times: list[str | None]) -> Outcomes:
    return session_outcomes(s.build(), {}, 0, False, times)


def test_junit_failures_after_the_last_test_mean_failing_at_end() -> None:
    s = Session()
    s.bash("mix test")  # at second 1
    assert outcomes_with_junit(s, []).tests_failing_at_end is False
    assert outcomes_with_junit(s, [ts(5)]).tests_failing_at_end is True
    assert outcomes_with_junit(s, [ts(1)]).tests_failing_at_end is True  # same time counts as after
    assert outcomes_with_junit(s, [None]).tests_failing_at_end is True  # unknown time


def test_junit_failures_before_the_last_test_change_nothing() -> None:
    passing = Session()
    passing.clock = 10
    passing.bash("mix test")  # at second 11
    assert outcomes_with_junit(passing, [ts(3), ts(10)]).tests_failing_at_end is False
    failing = Session()
    failing.clock = 10
    failing.bash("mix test", status="error", exit_code=2)
    assert outcomes_with_junit(failing, [ts(3)]).tests_failing_at_end is True


def test_junit_times_compare_with_the_last_tests_result_time() -> None:
    s = Session()
    s.bash("mix test", result_ts=ts(30))  # started at second 1, finished at second 30
    assert outcomes_with_junit(s, [ts(20)]).tests_failing_at_end is False
    assert outcomes_with_junit(s, [ts(30)]).tests_failing_at_end is True


def test_junit_failures_in_a_session_without_tests_mean_failing_at_end() -> None:
    s = Session()
    s.bash("mix compile")
    out = outcomes_with_junit(s, [ts(1)])
    assert (out.tests_run, out.tests_failing_at_end, out.last_test) == (0, True, None)
    assert outcomes_with_junit(s, []).tests_failing_at_end is None


# --- reverted changes --------------------------------------------------------------------------


def test_edit_undone_by_later_edit_restoring_the_old_text() -> None:
    s = Session()
    s.edit("/repo/a.py", old="x = 1", new="x = 2")
    s.edit("/repo/a.py", old="x = 2", new="x = 1")
    assert s.reverted() == ["t1"]


def test_undoing_edit_may_span_more_text_than_the_edit() -> None:
    s = Session()
    s.edit("/repo/a.py", old="x = 1", new="x = 2")
    s.edit("/repo/a.py", old="# value\nx = 2\ny = 3", new="# value\nx = 1\ny = 3")
    assert s.reverted() == ["t1"]


def test_unrelated_later_edit_of_the_same_file_is_not_a_revert() -> None:
    s = Session()
    s.edit("/repo/a.py", old="x = 1", new="x = 2")
    s.edit("/repo/a.py", old="y = 1", new="y = 2")
    s.edit("/repo/a.py", old="x = 2", new="x = 3")  # changes it further, does not restore it
    assert s.reverted() == []


def test_restoring_edit_of_another_file_is_not_a_revert() -> None:
    s = Session()
    s.edit("/repo/a.py", old="x = 1", new="x = 2")
    s.edit("/repo/b.py", old="x = 2", new="x = 1")
    assert s.reverted() == []


def test_failed_edits_neither_count_nor_revert() -> None:
    s = Session()
    s.edit("/repo/a.py", old="x = 1", new="x = 2", status="error", error=NOT_FOUND)
    s.edit("/repo/a.py", old="x = 2", new="x = 1")
    s.edit("/repo/b.py", old="x = 1", new="x = 2")
    s.edit("/repo/b.py", old="x = 2", new="x = 1", status="error", error=NOT_FOUND)
    assert s.reverted() == []


def test_git_checkout_of_the_edited_file_by_relative_path() -> None:
    s = Session()
    s.edit("/repo/src/app.py")
    s.edit("/repo/src/app.py", old="y = 1", new="y = 2")
    s.edit("/repo/src/other.py")
    s.bash("git checkout -- src/app.py")
    assert s.reverted() == ["t1", "t2"]


@pytest.mark.parametrize(
    "command",
    [
        "git checkout -- ./src/app.py",
        "git checkout HEAD -- app.py",
        "git restore src/app.py",
        "git restore --worktree --staged src/app.py",
        "git restore --source HEAD~1 src/app.py",
        "git -C /repo checkout -- src/app.py",
        "git status && git checkout -- src/app.py",
    ],
)
def test_git_commands_that_discard_the_edited_file(command: str) -> None:
    s = Session()
    s.edit("/repo/src/app.py")
    s.bash(command)
    assert s.reverted() == ["t1"]


@pytest.mark.parametrize(
    "command",
    [
        "git checkout -- src/other.py",
        "git checkout -- p.py",  # a suffix of "/repo/src/app.py" only inside a file name
        "git checkout main",  # switches branches, no "--"
        "git restore --staged src/app.py",  # unstages, keeps the working tree
        "git reset HEAD~1",  # a mixed reset keeps the working tree
        "git stash list",
        "git diff src/app.py",
    ],
)
def test_git_commands_that_do_not_discard_the_edited_file(command: str) -> None:
    s = Session()
    s.edit("/repo/src/app.py")
    s.bash(command)
    assert s.reverted() == []


def test_git_checkout_of_a_dotfile_path() -> None:
    s = Session()
    s.edit("/repo/.github/workflows/ci.yml")
    s.edit("/repo/.env")
    s.bash("git checkout -- .github/workflows/ci.yml .env")
    assert s.reverted() == ["t1", "t2"]


@pytest.mark.parametrize(
    "command",
    [
        "git reset --hard",
        "git reset --hard HEAD~1",
        "git stash",
        "git stash push -m tmp",
        "git checkout -- .",
        "git checkout HEAD -- ./",
        "git restore .",
    ],
)
def test_git_commands_that_discard_every_change(command: str) -> None:
    s = Session()
    s.edit("/repo/src/app.py")
    s.file_tool("Write", "/repo/notes.md", content="x")
    s.edit("/repo/lib/util.py")
    s.bash(command)
    assert s.reverted() == ["t1", "t2", "t3"]


def test_unstage_then_checkout_discards_only_that_file() -> None:
    s = Session()
    s.edit("/repo/a.py")
    s.edit("/repo/b.py")
    s.bash("git reset HEAD a.py && git checkout -- a.py")
    assert s.reverted() == ["t1"]


def test_failed_git_checkout_does_not_revert() -> None:
    s = Session()
    s.edit("/repo/src/app.py")
    s.bash("git checkout -- src/app.py", status="error", exit_code=1, error="error: pathspec did not match")
    s.bash("git reset --hard", status="rejected")
    assert s.reverted() == []


def test_edits_after_the_discard_are_not_reverted() -> None:
    s = Session()
    s.edit("/repo/src/app.py")
    s.bash("git checkout -- src/app.py")
    s.edit("/repo/src/app.py", old="z = 1", new="z = 2")
    s.bash("git status")
    assert s.reverted() == ["t1"]


def test_an_edit_reverted_twice_is_reported_once() -> None:
    s = Session()
    s.edit("/repo/a.py", old="x = 1", new="x = 2")
    s.edit("/repo/a.py", old="x = 2", new="x = 1")
    s.bash("git stash")
    assert s.reverted() == ["t1", "t2"]


# --- end to end --------------------------------------------------------------------------------


def test_session_outcomes_end_to_end() -> None:
    s = Session()
    s.edit("/repo/lib/app.ex", status="error", error=NOT_FOUND)  # t1: resolved by t3
    s.file_tool("Read", "/repo/lib/app.ex")  # t2
    s.edit("/repo/lib/app.ex", old="a = 1", new="a = 2")  # t3: reverted by t6
    s.bash("mix test", status="error", exit_code=2)  # t4: unresolved (no later passing test)
    s.bash("git push", SUB, status="error", exit_code=1)  # t5: unresolved
    s.edit("/repo/lib/app.ex", old="a = 2", new="a = 1")  # t6
    s.bash("mix format", status="error", exit_code=1)  # t7: rejected by the user
    last = s.bash("mix test", status="error", exit_code=2)  # t8: the last test, failed
    out = session_outcomes(s.build(), {"t7": "USER_REJECTED"}, 3, True)
    assert out == Outcomes(
        unresolved_errors=(
            Ref(MAIN, 4, tool_use_id="t4"),
            Ref(SUB, 5, tool_use_id="t5"),
            Ref(MAIN, 8, tool_use_id="t8"),
        ),
        tests_run=2,
        tests_failing_at_end=True,
        last_test=last.ref,
        corrections_in_session=3,
        opens_with_correction=True,
        reverted_changes=(Ref(MAIN, 3, tool_use_id="t3"),),
    )
    assert out.to_json() == {
        "unresolved_errors": 3,
        "unresolved_error_refs": [
            {"session_id": MAIN, "line": 4, "tool_use_id": "t4", "message_uuid": None},
            {"session_id": SUB, "line": 5, "tool_use_id": "t5", "message_uuid": None},
            {"session_id": MAIN, "line": 8, "tool_use_id": "t8", "message_uuid": None},
        ],
        "tests_run": 2,
        "tests_failing_at_end": True,
        "last_test": {"session_id": MAIN, "line": 8, "tool_use_id": "t8", "message_uuid": None},
        "corrections_in_session": 3,
        "opens_with_correction": True,
        "reverted_changes": 1,
        "reverted_change_refs": [{"session_id": MAIN, "line": 3, "tool_use_id": "t3", "message_uuid": None}],
    }


def test_session_outcomes_of_an_empty_session() -> None:
    out = session_outcomes(SessionInput(id=MAIN, contexts=(Context(id=MAIN, kind="main"),)), {}, 0, False)
    assert out == Outcomes()
    assert out.to_json() == {
        "unresolved_errors": 0,
        "unresolved_error_refs": [],
        "tests_run": 0,
        "tests_failing_at_end": None,
        "last_test": None,
        "corrections_in_session": 0,
        "opens_with_correction": False,
        "reverted_changes": 0,
        "reverted_change_refs": [],
    }


def test_a_rejected_test_run_after_a_failing_one_leaves_the_tests_failing() -> None:
    failing = Call(
        id="t1",
        context_id="s",
        seq=1,
        ts="2026-01-01T00:00:01.000Z",
        tool="Bash",
        kind="shell",
        input={},
        command="pytest -q",
        status="error",
        exit_code=1,
        error_text="Exit code 1\n1 failed",
    )
    rejected = Call(
        id="t2",
        context_id="s",
        seq=2,
        ts="2026-01-01T00:00:02.000Z",
        tool="Bash",
        kind="shell",
        input={},
        command="pytest -q",
        status="rejected",
    )
    assert state_of_tests([failing, rejected]) == (1, True, failing)
