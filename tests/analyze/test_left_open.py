"""What a session left open (analyze/left_open.py): the failed tests named from the test runners'
real output (tests/data/runner_output/, each runner's own run), the unresolved errors, the plan's
items not done."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessonloop.analyze.inputs import Call
from lessonloop.analyze.left_open import failed_tests, left_open, open_plan_items

OUTPUT = Path(__file__).resolve().parent.parent / "data" / "runner_output"

EXPECTED = {
    "pytest-fail.txt": ["tests/test_x.py::test_add", "tests/test_x.py::test_uses_broken"],
    "pytest-fail-tty.txt": ["tests/test_x.py::test_add", "tests/test_x.py::test_uses_broken"],  # colours taken out
    "pytest-fail-collect.txt": ["tests/test_y.py"],  # a module that failed to load
    "go-test-fail.txt": ["TestAdd", "TestTable", "TestTable/negative"],
    "go-test-fail-build.txt": ["example.com/calc", "example.com/calc/internal/store"],
    "cargo-test-fail.txt": ["tests::adds_wrong", "tests::unwraps_none"],
    "cargo-test-fail-quiet.txt": ["tests::adds", "tests::unwraps"],
    "jest-fail.txt": ["sum \u203a adds wrong", "parses", "throws"],
    "jest-fail-verbose.txt": ["parses", "throws", "sum \u203a adds wrong"],  # each test once
    "vitest-fail.txt": ["src/sum.test.ts > sum > adds wrong", "src/sum.test.ts > parses", "src/broken.test.ts"],
    "npm-fail-node-test.txt": ["adds wrong"],
    "mix-test-fail.txt": ["adds numbers (CalcTest)", "parse returns an error tuple (CalcTest)"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_failed_tests_each_runner_names(name: str) -> None:
    assert failed_tests((OUTPUT / name).read_text(encoding="utf-8", errors="replace")) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(p.name for p in OUTPUT.glob("*-pass*.txt")))
def test_a_passing_run_names_no_test(name: str) -> None:
    assert failed_tests((OUTPUT / name).read_text(encoding="utf-8", errors="replace")) == []


def _call(call_id: str, seq: int, **fields: object) -> Call:
    values: dict[str, object] = {"id": call_id, "context_id": "s", "seq": seq, "ts": f"2026-11-01T09:00:{seq:02d}.000Z"}
    values.update(fields)
    values.setdefault("tool", "Bash")
    values.setdefault("input", {})
    return Call(**values)  # type: ignore[arg-type]


def test_what_a_session_left_open() -> None:
    plan = _call(
        "p1",
        1,
        tool="TodoWrite",
        kind="plan",
        input={
            "todos": [
                {"content": "Fix the total", "status": "completed"},
                {"content": "Add a discount test", "status": "in_progress"},
                {"content": "Update the changelog", "status": "pending"},
            ]
        },
    )
    build = _call("b1", 2, command="npm run build", status="error", error_text="Error: Cannot find module 'x'")
    tests = _call(
        "t1",
        3,
        command="python -m pytest -q",
        status="error",
        exit_code=1,
        result_text=(OUTPUT / "pytest-fail.txt").read_text(encoding="utf-8"),
    )
    found = left_open([plan, build, tests], ["b1", "t1"], tests, True)
    assert found["failing_tests"] == {
        "command": "python -m pytest -q",
        "tests": ["tests/test_x.py::test_add", "tests/test_x.py::test_uses_broken"],
    }
    # the failing test command is said once, as the failing tests
    assert found["unresolved_errors"] == [{"command": "npm run build", "error": "Cannot find module 'x'"}]
    assert found["open_items"] == ["Add a discount test", "Update the changelog"]
    nothing = left_open([plan], [], None, None)
    assert nothing["failing_tests"] is None and nothing["unresolved_errors"] == []


def test_the_plan_tools_of_several_agents() -> None:
    codex = _call("c", 1, tool="update_plan", kind="plan", input={"plan": [{"step": "Write it", "status": "pending"}]})
    gemini = _call(
        "g", 1, tool="write_todos", kind="plan", input={"todos": [{"description": "Ship", "status": "done"}]}
    )
    assert open_plan_items([codex]) == ["Write it"]
    assert open_plan_items([gemini]) == []
    assert open_plan_items([codex, gemini]) == []  # the last plan counts
