"""How a session ended: the outcome measures that workflow habits are compared against.

Definitions (docs/analysis.md repeats them):

- unresolved error: a failed call (status error; classes CASCADE, USER_REJECTED and
  INTERRUPTED excluded, since they are not the agent's failures to fix) with no later successful
  call in the same session doing the same job. The job of a file tool is its family by the call's
  agent-neutral kind (read: a read call; change: an edit or write call, of any agent) and the
  file's name; of a shell command, the kinds
  of its commands (test, build, git_push, ...) or else its first two words; of any other tool, the
  tool's name.
- tests failing at the end: the last test command of the session that ran (a shell command of kind
  "test") failed, or failed tests imported from JUnit are matched to the session after it; None
  when the session ran no tests.
- corrections in the session: rejections, interrupts and correcting typed prompts.
- opens with a correction: the session's first typed prompt reads as a correction, so it corrects
  the work of the project's previous session ("corrections needed in the next session").
- reverted change: a successful edit undone later in the same session, either by a later edit of
  the same file that puts its old text back (its old string contains the edit's new text and its
  new string is the edit's old text), or by a git command that discards changes to that file
  (`git checkout -- FILE`, `git restore FILE`, or `git reset --hard` / `git stash` for all files).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.analyze.agent_failures import NOT_AGENT_FAILURES
from lessonloop.analyze.commands import (
    command_kinds,
    discards_changes,
    git_arguments,
    restored_paths,
    split_commands,
)
from lessonloop.analyze.inputs import CHANGE_KINDS, Call, Ref, SessionInput
from lessonloop.core import records

_JOB_KINDS = ("test", "build", "lint", "typecheck", "format", "install", "git_commit", "git_push", "git_add")


@dataclass(frozen=True, slots=True)
class Outcomes:
    """The outcome measures of one session, with the evidence for each."""

    unresolved_errors: tuple[Ref, ...] = ()
    tests_run: int = 0
    tests_failing_at_end: bool | None = None
    last_test: Ref | None = None
    corrections_in_session: int = 0
    opens_with_correction: bool = False
    reverted_changes: tuple[Ref, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "unresolved_errors": len(self.unresolved_errors),
            "unresolved_error_refs": [r.to_json() for r in self.unresolved_errors],
            "tests_run": self.tests_run,
            "tests_failing_at_end": self.tests_failing_at_end,
            "last_test": self.last_test.to_json() if self.last_test else None,
            "corrections_in_session": self.corrections_in_session,
            "opens_with_correction": self.opens_with_correction,
            "reverted_changes": len(self.reverted_changes),
            "reverted_change_refs": [r.to_json() for r in self.reverted_changes],
        }


def job_key(call: Call) -> tuple[str, ...]:
    """What job a call does, so a later success of the same job resolves an earlier failure."""
    if call.kind == records.READ or call.kind in CHANGE_KINDS:
        family = "read" if call.kind == records.READ else "change"
        return (family, posixpath.basename(call.target_path or ""))
    if call.command is not None:
        kinds = command_kinds(call.command)
        named = tuple(k for k in _JOB_KINDS if k in kinds)
        if named:
            return ("shell", *named)
        commands = split_commands(call.command)
        return ("shell", *(commands[0][:2] if commands else ()))
    return ("tool", call.tool)


def unresolved_errors(calls: Sequence[Call], classes: dict[str, str]) -> list[Ref]:
    """Failed calls (by the definition above) no later success of the same job resolved."""
    last_success: dict[tuple[str, ...], int] = {}
    for index, call in enumerate(calls):
        if call.ok:
            key = job_key(call)
            last_success[key] = index
            for single in _single_jobs(key):  # "mix test && git commit" also does each single job
                last_success[single] = index
    unresolved: list[Ref] = []
    for index, call in enumerate(calls):
        if call.status != "error" or classes.get(call.id) in NOT_AGENT_FAILURES:
            continue
        key = job_key(call)
        later = max((last_success.get(key, -1), *(last_success.get(single, -1) for single in _single_jobs(key))))
        if later <= index:
            unresolved.append(call.ref)
    return unresolved


def _single_jobs(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The single jobs of a shell job of several kinds; none for a job named by its first words
    (`git status` does not do the job of every `git ...` command)."""
    if key[0] != "shell" or len(key) < 3 or not all(k in _JOB_KINDS for k in key[1:]):
        return []
    return [("shell", kind) for kind in key[1:]]


def test_state(calls: Sequence[Call]) -> tuple[int, bool | None, Call | None]:
    """(test commands run, whether the last one failed, the last one). Rejected or interrupted
    test commands did not run to the end: they say nothing about the tests."""
    tests = [c for c in calls if c.command and c.status in ("ok", "error") and "test" in command_kinds(c.command)]
    if not tests:
        return 0, None, None
    last = tests[-1]
    failed = last.status == "error" or (last.exit_code is not None and last.exit_code != 0)
    return len(tests), failed, last


def reverted_changes(calls: Sequence[Call]) -> list[Ref]:
    """Successful edits undone later in the session (see the module docstring)."""
    reverted: dict[str, Ref] = {}
    open_edits: dict[str, list[Call]] = {}  # path -> its successful edits not yet reverted
    for call in calls:
        if call.kind in CHANGE_KINDS and call.ok and call.target_path:
            for earlier in open_edits.get(call.target_path, []):
                if _undoes(call, earlier):
                    reverted[earlier.id] = earlier.ref
            open_edits.setdefault(call.target_path, []).append(call)
        elif call.command and call.ok and "git_revert" in command_kinds(call.command):
            paths, everything = _discarded_paths(call.command)
            for path, edits in open_edits.items():
                if everything or any(path == p or path.endswith("/" + p) for p in paths):
                    for edit in edits:
                        reverted[edit.id] = edit.ref
                    edits.clear()
    return list(reverted.values())


def _undoes(later: Call, earlier: Call) -> bool:
    if later.kind != records.EDIT or earlier.kind != records.EDIT:
        return False  # the edits' old/new strings (Claude Code's Edit, Gemini's replace) say what they undo
    old_before, new_before = earlier.input.get("old_string"), earlier.input.get("new_string")
    old_now, new_now = later.input.get("old_string"), later.input.get("new_string")
    if not all(isinstance(v, str) for v in (old_before, new_before, old_now, new_now)):
        return False
    assert isinstance(new_before, str) and isinstance(old_now, str) and isinstance(new_now, str)
    assert isinstance(old_before, str)
    return bool(new_before.strip()) and new_before in old_now and old_before in new_now and new_now != old_now


def _discarded_paths(command: str) -> tuple[list[str], bool]:
    """(paths a git command discards changes to, whether it discards every change)."""
    paths: list[str] = []
    everything = False
    for words in split_commands(command):
        if words[0] != "git":
            continue
        sub, rest = git_arguments(words)
        if sub is None or not discards_changes(sub, words):  # `git stash list`, a mixed `git reset`, ...
            continue
        if sub in ("reset", "stash"):  # `reset --hard`, `stash [push|save]`
            everything = True
            continue
        targets = [_relative(p) for p in restored_paths(sub, rest) or []]
        paths.extend(t for t in targets if t)
        everything = everything or "" in targets
    return paths, everything


def _relative(path: str) -> str:
    """A git path argument without leading "./" ("" for the current folder)."""
    while path.startswith("./"):
        path = path[2:]
    return "" if path == "." else path


def session_outcomes(
    session: SessionInput,
    classes: dict[str, str],
    corrections: int,
    first_prompt_corrects: bool,
    junit_failure_times: Sequence[str | None] = (),
) -> Outcomes:
    """The outcomes of one session.

    `classes` maps failed tool_use_ids to their error class; `junit_failure_times` are the times
    of imported failed tests matched to the session: those after its last test command (all of
    them when it ran none, or when their time is unknown) mean tests are failing at the end.
    """
    calls = session.calls()
    tests_run, failing, last = test_state(calls)
    last_ts = last.result_ts or last.ts if last else None
    if any(ts is None or last_ts is None or ts >= last_ts for ts in junit_failure_times):
        failing = True
    return Outcomes(
        unresolved_errors=tuple(unresolved_errors(calls, classes)),
        tests_run=tests_run,
        tests_failing_at_end=failing,
        last_test=last.ref if last else None,
        corrections_in_session=corrections,
        opens_with_correction=first_prompt_corrects,
        reverted_changes=tuple(reverted_changes(calls)),
    )
