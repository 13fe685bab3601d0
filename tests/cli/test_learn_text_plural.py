"""The learning line counts in words: "1 lesson", "1 tool call" (it said "1 lessons")."""

from __future__ import annotations

from lessonloop.cli.lesson_commands import learn_run_text
from lessonloop.learning.runs import LearnRun


def test_one_lesson_is_one_lesson() -> None:
    run = LearnRun(tool_calls=1, lessons=1, new=1)
    text = learn_run_text(run)
    assert "from 1 tool call " in text and ": 1 lesson (" in text, text
    many = learn_run_text(LearnRun(tool_calls=2_659, lessons=34, new=34))
    assert "from 2,659 tool calls " in many and ": 34 lessons (" in many, many
