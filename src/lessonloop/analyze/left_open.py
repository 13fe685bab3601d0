"""What a session left open for the next one in its project: the tests failing at its end, the
errors no later call resolved, the items of its last plan not done. The session-start hook names
them (apply/hooks/session_start.py, "continuity"), quoted as data: every text here is a tool's
output, a command or an agent's plan, never an instruction.

- Failing tests: when the session's last test command failed (analyze/outcomes.test_state), the
  tests its output names as failed (pytest's "FAILED path::test" and "ERROR path::test", unittest's
  "FAIL: test (Class)", Go's "--- FAIL: TestX", cargo's "test x ... FAILED", Jest's and Vitest's
  "✕ name" / "\u00d7 name" / "FAIL file > name", RSpec's "rspec ./spec/x_spec.rb:12", ExUnit's
  "1) test name (Module)"), else the command itself; and the imported failed tests (JUnit) matched
  to the session after it.
- Unresolved errors: analyze/outcomes.unresolved_errors, each as its command (or tool and target)
  and its error's headline (analyze/error_headline.py); the last few.
- Unfinished plan: the items of the session's last plan call (records.PLAN: Claude Code's
  TodoWrite, Codex's update_plan, Gemini CLI's write_todos, ...) whose status is not done.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from lessonloop.analyze.error_headline import error_headline
from lessonloop.analyze.inputs import Call
from lessonloop.core.records import PLAN

MAX_TESTS = 5
MAX_ERRORS = 3
MAX_ITEMS = 5
TEXT_CHARS = 160

# Each test runner's line naming one failed test; group 1 the name (and group 2, where present, its
# class or module, joined as the runner prints it).
_FAILED_TEST_LINES = re.compile(
    r"^(?:FAILED|ERROR) (\S+?)(?: - .*)?$"  # pytest's short summary (a test, or a module that failed to load)
    r"|^(?:FAIL|ERROR): (\w+ \([\w.]+\))"  # unittest
    r"|^\s*--- FAIL: (\S+)"  # go test
    r"|^FAIL\t(\S+) \[build failed\]"  # go test: a package that does not build
    r"|^test (\S+) \.\.\. FAILED$"  # cargo test
    r"|^(\S+) --- FAILED$"  # cargo test -q
    r"|^\s+\u25cf (?!Console$|Test suite failed to run$)(.+)$"  # jest: its bullet
    r"|^\s*(?:\u2715|\u00d7|\u2717) (.+?)(?: \(?\d+(?:\.\d+)? ?m?s\)?)?$"  # jest --verbose, vitest: a cross
    r"|^ ?FAIL +(\S+ > .+)$"  # vitest: FAIL  file > suite > test
    r"|^ ?FAIL +(\S+) \[ \S+ \]$"  # vitest: a test file that failed to load
    r"|^not ok \d+ - (.+)$"  # node --test (TAP)
    r"|^\u2716 (?!failing tests:)(.+?)(?: \(\d+(?:\.\d+)?m?s\))?$"  # node --test (spec)
    r"|^rspec (\./\S+:\d+)"  # rspec
    r"|^\s+\d+\) test (.+ \(\S+\))$",  # ExUnit
    re.MULTILINE,
)
_ESCAPES = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\([A-Z0-9])|\r")
_DONE = frozenset({"completed", "complete", "done", "cancelled", "canceled", "skipped"})
_ITEM_TEXTS = ("content", "step", "description", "title", "text", "task")


def failed_tests(output: str | None, limit: int = MAX_TESTS) -> list[str]:
    """The tests a test runner's output names as failed, in its order, each once."""
    if not output:
        return []
    names: list[str] = []
    for match in _FAILED_TEST_LINES.finditer(_ESCAPES.sub("", output)):
        name = next(group for group in match.groups() if group).strip()[:TEXT_CHARS]
        # one test named twice (vitest's "suite > test", then "file > suite > test"): the longer kept
        same = next((i for i, kept in enumerate(names) if kept == name or _within(name, kept)), None)
        if same is not None:
            continue
        longer = next((i for i, kept in enumerate(names) if _within(kept, name)), None)
        if longer is not None:
            names[longer] = name
            continue
        names.append(name)
        if len(names) >= limit:
            break
    return names


def _within(short: str, name: str) -> bool:
    """Whether `name` is `short` with its file or suites before it (" > ", Jest's " \u203a ")."""
    return name.endswith((f" > {short}", f" \u203a {short}"))


def open_plan_items(calls: Sequence[Call], limit: int = MAX_ITEMS) -> list[str]:
    """The items not done of the last plan call that holds a list of items."""
    for call in reversed(calls):
        if call.kind != PLAN:
            continue
        items = _plan_items(call.input)
        if items is None:
            continue
        return [text for text, status in items if status not in _DONE][:limit]
    return []


def _plan_items(data: Mapping[str, Any]) -> list[tuple[str, str]] | None:
    for key in ("todos", "plan", "items", "tasks"):
        found = data.get(key)
        if isinstance(found, list):
            items = []
            for item in found:
                if not isinstance(item, dict):
                    continue
                text = next((item[k] for k in _ITEM_TEXTS if isinstance(item.get(k), str) and item[k].strip()), None)
                if text is not None:
                    status = item.get("status")
                    items.append((text.strip()[:TEXT_CHARS], status.lower() if isinstance(status, str) else ""))
            return items
    return None


def left_open(
    calls: Sequence[Call],
    unresolved_ids: Sequence[str],
    last_test: Call | None,
    tests_failing: bool | None,
    junit_failures: Sequence[str] = (),
) -> dict[str, Any]:
    """{"failing_tests": {"command", "tests"} | None, "unresolved_errors": [{"command", "error"}],
    "open_items": [...]}: see the module's docstring. `unresolved_ids` are the unresolved errors'
    tool_use_ids in call order; `junit_failures` the names of imported failed tests matched after
    the session's last test command."""
    failing: dict[str, Any] | None = None
    if tests_failing:
        names: list[str] = []
        if last_test is not None and (last_test.status == "error" or (last_test.exit_code or 0) != 0):
            names = failed_tests(last_test.result_text or last_test.error_text)
        for name in junit_failures:
            if name not in names and len(names) < MAX_TESTS:
                names.append(name[:TEXT_CHARS])
        failing = {"command": (last_test.command or "")[:TEXT_CHARS] if last_test else None, "tests": names}
    by_id = {call.id: call for call in calls}
    errors = []
    for call_id in list(unresolved_ids)[-MAX_ERRORS:]:
        call = by_id.get(call_id)
        if call is None or (last_test is not None and call.id == last_test.id and failing is not None):
            continue  # the failing test command is said above
        what = call.command or " ".join(part for part in (call.tool, call.target_path) if part)
        errors.append({"command": what[:TEXT_CHARS], "error": error_headline(call.error_text or call.result_text)})
    return {"failing_tests": failing, "unresolved_errors": errors, "open_items": open_plan_items(calls)}
