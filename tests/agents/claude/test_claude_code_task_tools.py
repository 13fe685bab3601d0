"""Newer Claude Code versions plan with TaskCreate / TaskUpdate / TaskList / TaskGet (tool_use names
in their transcripts, e.g. {"name": "TaskCreate", "input": {"subject", "description"}} answered by
"Task #1 created successfully") instead of TodoWrite: the same neutral kind, plan."""

from __future__ import annotations

from lessonloop.agents.claude.reader.tools import kind_of


def test_the_task_list_tools_are_plan_calls_as_todowrite() -> None:
    assert {kind_of(name) for name in ("TaskCreate", "TaskUpdate", "TaskList", "TaskGet")} == {kind_of("TodoWrite")}
    assert kind_of("TodoWrite") == "plan"
    assert kind_of("TaskOutput") == "other"  # a background task's output, not the plan
