"""A program the shell does not have: its lesson says what to use in its place (issue 61, item 7;
lesson_model/stand_ins.py), in the shell it was learned in; what the agent itself did next, when
it worked, replaces that general advice (learning/engine/instead.py). A prerequisite outside the project (a
tool's cache the sandbox refuses) says how to get past it. replay --explain gives each warning's
remedy, and counts the warned repeats that had one."""

from __future__ import annotations

import json
from pathlib import Path

from lessonloop.learning.engine.engine import Learner
from lessonloop.lesson_model.stand_ins import general_remedy, is_stand_in, stand_in
from tests.conftest import cli
from tests.learning_helpers import Script, play
from tests.transcript_builder import write_push_sessions

SED_PS = "sed : The term 'sed' is not recognized as the name of a cmdlet, function, script file, or operable program."
PWSH = "pwsh : The term 'pwsh' is not recognized as the name of a cmdlet, function, script file, or operable program."
WINDOWS = "G:\\work\\app"


def test_what_each_shell_has_in_a_programs_place() -> None:
    assert "Select-Object -First" in stand_in("head", "powershell")
    assert "-replace" in stand_in("sed", "powershell")
    assert stand_in("head", "cmd").startswith("cmd has no `head`: run it in PowerShell")
    assert "find . -maxdepth" in stand_in("tree", "posix")
    assert "python3 -m json.tool" in stand_in("jq", None)
    unknown = stand_in("frobnicate", "posix")
    assert "command -v NAME" in unknown and "do not call it again" in unknown
    assert "Get-Command NAME" in stand_in("frobnicate", "powershell")
    for program, shell in (("head", "powershell"), ("tree", "posix"), ("frobnicate", "cmd"), ("x", None)):
        assert is_stand_in(stand_in(program, shell)) and general_remedy(stand_in(program, shell))
    assert not is_stand_in("Use `powershell -NoProfile` instead of `pwsh -NoProfile` (it worked after the failure).")
    assert not is_stand_in(None)


def _learned(*calls: tuple[str, str | None]) -> Learner:
    learner = Learner()
    script = Script()
    for name in ("s1", "s2"):
        s = script.session(name, project=WINDOWS, cwd=WINDOWS)
        for command, error in calls:
            play(learner, s.bash(command, error=error, error_class="MISSING_PREREQUISITE" if error else None))
        learner.end_session(name)
    return learner


def test_a_missing_program_lesson_names_what_powershell_has_instead() -> None:
    learner = _learned(("sed -n '1,20p' a.txt", SED_PS), ("Get-Content a.txt -TotalCount 20", None))
    (lesson,) = [lesson for lesson in learner.lessons.values() if "`sed` is not available here" in lesson.title]
    assert lesson.prevention is not None and "-replace" in lesson.prevention
    assert lesson.remedy == lesson.prevention


def test_what_worked_next_replaces_the_general_advice() -> None:
    learner = _learned(("pwsh -NoProfile -Command -", PWSH), ("powershell -NoProfile -Command -", None))
    (lesson,) = [lesson for lesson in learner.lessons.values() if "`pwsh`" in lesson.title]
    assert lesson.prevention_command == "powershell -NoProfile -Command -"
    assert lesson.prevention is not None and not general_remedy(lesson.prevention)


def test_replay_explain_gives_each_warnings_remedy(tmp_path: Path) -> None:
    folder = tmp_path / "projects" / "-home-dev-app"
    write_push_sessions(folder)  # the same push without an upstream in three sessions, fixed each time
    db = tmp_path / "x.db"
    out = cli("replay", "--explain", "--json", str(folder), "--db", str(db))
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.output)
    warned = [f for f in data["failures"] if f["warned"]]
    assert warned, data["failures"]
    assert all(r["remedy"] and "-u" in r["remedy"] for f in warned for r in f["remedies"]), warned
    assert data["repeat_steps"]["warned_with_remedy"] == len(warned)
    text = cli("replay", "--explain", str(folder), "--db", str(db))
    assert "remedy: " in text.output and "Warned repeats told a remedy or the rule broken:" in text.output
