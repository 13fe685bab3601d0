"""A PowerShell cmdlet's parameter rule as PowerShell states it (issue 61, item 1): a parameter the
cmdlet does not have, a value it cannot take as written; learned as a check of the next command
line, in every project of the machine."""

from __future__ import annotations

import pytest

from lessonloop.analyze.cmdlet_rules import ABSENT, SHAPE, breaks_cmdlet_rule, cmdlet_rule, value_shape
from lessonloop.learning.engine.engine import Learner
from lessonloop.lesson_model.triggers import command_segments
from tests.learning_helpers import Script, play

NO_SKIP = (
    "Exit code: 1\nWall time: 0.3 seconds\nOutput:\n"
    "Get-Content : A parameter cannot be found that matches parameter name 'Skip'.\r\n"
    "At line:1 char:40\r\n+ Get-Content src/app.rs -Skip 10 -First 20\r\n"
    "    + CategoryInfo          : InvalidArgument: (:) [Get-Content], ParameterBindingException\r\n"
)
RANGE = (
    'Select-Object : Cannot bind parameter \'Index\'. Cannot convert value "340..420" to type "System.Int32". '
    'Error: "Input \r\nstring was not in a correct format."\r\nAt line:1 char:108\r\n'
    "    + CategoryInfo          : InvalidArgument: (:) [Select-Object], ParameterBindingException\r\n"
)


def test_the_rule_powershell_states() -> None:
    assert cmdlet_rule(NO_SKIP) == cmdlet_rule(NO_SKIP.replace("\r\n", "\n"))
    absent = cmdlet_rule(NO_SKIP)
    assert absent is not None and (absent.cmdlet, absent.param, absent.rule) == ("Get-Content", "Skip", ABSENT)
    ranged = cmdlet_rule(RANGE)
    assert ranged is not None and (ranged.cmdlet, ranged.param, ranged.rule) == (
        "Select-Object",
        "Index",
        SHAPE + "<n>..<n>",
    )
    assert (ranged.value, ranged.type_name) == ("340..420", "System.Int32")
    assert cmdlet_rule("rg: src: No such file or directory") is None
    assert cmdlet_rule(None) is None
    assert value_shape("340..420") == "<n>..<n>" and value_shape("abc-1") == "<w>-<n>"


@pytest.mark.parametrize(
    ("line", "rule", "breaks"),
    [
        ("Get-Content a.rs -Skip 10", ABSENT, True),
        ("get-content a.rs -skip 10", ABSENT, True),  # PowerShell's names have no case
        ("Get-Content a.rs -TotalCount 10", ABSENT, False),
        ("Get-Content a.rs | Select-Object -Skip 10", ABSENT, False),  # another cmdlet's -Skip
        ("Select-Object -Index 1..5", SHAPE + "<n>..<n>", True),
        ("Select-Object -Ind 1..5", SHAPE + "<n>..<n>", True),  # an unambiguous start of the name
        ("Select-Object -Index:1..5", SHAPE + "<n>..<n>", True),
        ("Select-Object -Index (1..5)", SHAPE + "<n>..<n>", False),
        ("Select-Object -Index 3", SHAPE + "<n>..<n>", False),
        ("Select-Object -I 1..5", SHAPE + "<n>..<n>", False),  # too short to be taken for -Index
    ],
)
def test_a_command_line_that_breaks_the_rule(line: str, rule: str, breaks: bool) -> None:
    cmdlet, param = ("Get-Content", "-Skip") if rule == ABSENT else ("Select-Object", "-Index")
    assert any(breaks_cmdlet_rule(words, cmdlet, param, rule) for words in command_segments(line)) is breaks


def test_a_cmdlet_rule_warns_the_next_line_that_breaks_it_in_any_project() -> None:
    """One failing session: a note in the project's next session; two: every project of the
    machine. A line that keeps the rule is not warned; the remedy names what to do."""
    learner = Learner()
    script = Script()

    def powershell(session_id: str, line: str, error: str | None = None, project: str = "C:\\work\\app") -> list[str]:
        session = script.session(session_id, project=project, cwd=project)
        event = session.call(
            "Bash",
            command=line,
            tool_input={"command": ["powershell.exe", "-Command", line]},
            error=error,
            error_class="PARAMETER_FORMAT" if error else None,
        )
        return [f.lesson.title for f in play(learner, event).fired]

    assert powershell("s1", "Get-Content src/app.rs | Select-Object -Index 340..420", RANGE) == []
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and (lesson.trigger.param, lesson.trigger.rule) == ("-Index", SHAPE + "<n>..<n>")
    assert "(340..420)" in (lesson.prevention or "") and lesson.remedied
    learner.end_session("s1")
    assert powershell("s2", "Get-Content b.rs | Select-Object -Index 10..20", RANGE) == [lesson.title]
    learner.end_session("s2")
    assert lesson.scope == "global"
    assert powershell("s3", "Get-Content c.rs | Select-Object -Index 1..9", project="D:\\other") == [lesson.title]
    assert powershell("s3", "Get-Content c.rs | Select-Object -Index (1..9)", project="D:\\other") == []
    assert powershell("s3", "Get-Content c.rs | Select-Object -First 9", project="D:\\other") == []
