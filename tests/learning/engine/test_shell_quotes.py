"""A double quote that ends a double-quoted argument inside a word (issue 61, item 3: one family per
cause across spellings): read as the shell reads the line, one error signature however the shell
or the program words the failure, and a lesson that checks the next command line for that form."""

from __future__ import annotations

import pytest

from lessonloop.analyze.shell_quotes import quote_ends_inside, says_parse_error
from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.signatures import QUOTE_ENDS_INSIDE, call_signature
from lessonloop.lesson_model.triggers import QUOTE_INSIDE, command_segments
from tests.learning_helpers import Script, play

PS_TERMINATOR = (
    "Exit code: 1\nThe string is missing the terminator: '.\n"
    "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException\n"
    "    + FullyQualifiedErrorId : TerminatorExpectedAtEndOfString\n"
)
PS_EXPRESSION = (
    'Exit code: 1\nAt line:9 char:44\n+                 print(f"{idx}: {line.strip()}")\n'
    "+                                            ~\nAn expression was expected after '('.\n"
    "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException\n"
)
PS_MEMBER = (
    'Exit code: 1\nAt line:1 char:23\n+ rg -n "data-testid=\\".*kanban|gantt" src\n+                       ~\n'
    "Missing property name after reference operator.\n"
    "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException\n"
)


@pytest.mark.parametrize(
    ("command", "powershell", "ends_inside"),
    [
        # PowerShell: a quote inside the argument ends it, `\"` too
        ('python -c "if \'className="h-7\' in line: print(1)"', True, True),
        ('python -c "print(f"{idx}")"', True, True),
        ('rg -n "data-testid=\\"module" src', True, True),
        ('rg -n "data-testid=\\".*kanban|gantt" src', True, True),  # `"...".x`: a member, in PowerShell
        ('python -c "data.replace("a", "b")"', True, True),
        # PowerShell lines whose quotes are right
        ("rg -n 'data-testid=\"module' src", True, False),
        ('Write-Output "a""b"', True, False),
        ('Write-Output "a`"b"', True, False),
        ('Write-Output "$($x -replace "a", "b")"', True, False),
        ('git commit -m "fix: the parser"', True, False),
        ('Get-ChildItem "C:\\Users\\me\\" -Force', True, False),
        ('Get-Content -Path "a.txt" | Select-String "x"', True, False),
        ('@\'\nprint("a" + f"{b}")\n\'@ | python -', True, False),
        ('python -c "print(1)', True, False),  # never closed: no word after it
        # POSIX: a backslash escapes the quote; a path or an extension joined to a quoted word is fine
        ('python -c "print(\\"x\\")"', False, False),
        ('cp "$HOME"/a "$name".bak', False, False),
        ('python -c "print(f"{x}")"', False, True),
        ("", False, False),
    ],
)
def test_a_quote_that_ends_its_argument_inside_a_word(command: str, powershell: bool, ends_inside: bool) -> None:
    assert quote_ends_inside(command, powershell) is ends_inside


def test_a_parse_error_is_told_from_other_failures() -> None:
    assert says_parse_error(PS_TERMINATOR) and says_parse_error(PS_MEMBER)
    assert says_parse_error('  File "<string>", line 4\nSyntaxError: unterminated string literal (detected at line 4)')
    assert says_parse_error("bash: -c: line 1: unexpected EOF while looking for matching `\"'")
    assert not says_parse_error("rg: src: No such file or directory")
    assert not says_parse_error(None)


def signature(command: str, error: str) -> str:
    return call_signature("shell", "shell", error, command_segments(command), None, 1, {"command": command}, command)


def test_one_signature_however_the_shell_words_the_broken_quote() -> None:
    """Three PowerShell parse errors and Python's own, where a quote ended its argument: one
    cause, one signature. The same errors on a line whose quotes are right, or another failure
    of a line with such a quote, keep their own."""
    family = f"shell|{QUOTE_ENDS_INSIDE}"
    assert signature('python -c "if \'className="h-7\' in line: print(1)"', PS_TERMINATOR) == family
    assert signature('python -c "print(f"{idx}")"', PS_EXPRESSION) == family
    assert signature('rg -n "data-testid=\\".*kanban|gantt" src', PS_MEMBER) == family
    python = '  File "<string>", line 4\n    print(r\'className=\nSyntaxError: unterminated string literal (detected at line 4)'
    assert signature('python -c "print(r\'className="text"\')"', python) == family
    assert signature("python -c 'print(1'", python) != family  # its quotes are right: Python's own error
    assert signature('rg -n "data-testid=\\"x" src', "rg: src: No such file or directory") != family


def test_a_broken_quote_teaches_a_check_of_the_next_line_in_that_shell() -> None:
    """Learned from a PowerShell line whose quote ended its argument (one session: a note in the
    project's next session), the lesson checks each later line for that form, however its error
    would be worded, and names the remedy; a line whose quotes are right is not warned."""
    learner = Learner()
    script = Script()
    windows = "C:\\work\\app"
    first = script.session("s1", cwd=windows)
    failed = first.call(
        "Bash",
        command='python -c "print(f"{idx}")"',
        tool_input={"command": ["powershell.exe", "-Command", 'python -c "print(f"{idx}")"']},
        error=PS_EXPRESSION,
        error_class="PARAMETER_FORMAT",
    )
    assert failed.shell == "powershell" and failed.signature == f"shell|{QUOTE_ENDS_INSIDE}"
    play(learner, failed)
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and lesson.trigger.token == QUOTE_INSIDE
    assert lesson.trigger.shell == "powershell"
    assert "single quotes" in (lesson.prevention or "") and lesson.remedied
    assert "An expression was expected" in lesson.title  # the failure's own words, not the family's name
    learner.end_session("s1")
    later = script.session("s2", cwd=windows)

    def line(command: str) -> list[str]:
        event = later.call("Bash", command=command, tool_input={"command": ["powershell.exe", "-Command", command]})
        return [f.lesson.title for f in play(learner, event).fired]

    assert line('rg -n "data-testid=\\"module" src') == [lesson.title]
    assert line("rg -n 'data-testid=\"module' src") == []
    assert line('git commit -m "fix: the parser"') == []
