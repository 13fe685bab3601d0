"""A wrong cause, then silence (issue 61, item 2): an edit whose old text has LF line ends fails on
a file with Windows line ends (CRLF) in an edit tool that compares the text as it is. The cause is
the file's form: the lesson names it and its remedy (CRLF in the old text, or one line at a time),
holds for that tool's edits with LF lines on any file with CRLF ones (the session's read of it, the
file on disk in the hooks), and is not "read the file again" (reading does not fix it). A file
converted to LF (`dos2unix`, `sed -i 's/\\r$//'`) no longer meets it; scripts converted no longer
meet their family's line-ends lesson."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from lessonloop.analyze.line_endings import CRLF_ENDS, LF_ENDS, converted, endings_of, file_endings, lf_lines
from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.general_lessons import LINE_ENDS_REMEDY
from lessonloop.lesson_model.triggers import LF_ON_CRLF
from tests.hook_helpers import HookSession, hook_env
from tests.learning_helpers import Script, ScriptedSession, play

NOT_FOUND = (
    "Failed to edit, 0 occurrences found for old_string in {path}. No edits made. The exact text in old_string "
    "was not found. Ensure you're not escaping content incorrectly and check whitespace, indentation, and "
    "context. Use read_file tool to verify."
)
CRLF_TEXT = "import os\r\n\r\ndef main():\r\n    return 1\r\n"
LF_TEXT = "import os\n\ndef main():\n    return 1\n"
OLD = "def main():\n    return 1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CRLF_TEXT, CRLF_ENDS),
        (LF_TEXT, LF_ENDS),
        ("one line", None),
        ("", None),
        (None, None),
        ("a\r\nb\nc\n", LF_ENDS),
    ],
)
def test_line_ends_of_a_text(text: str | None, expected: str | None) -> None:
    assert endings_of(text) == expected


@pytest.mark.parametrize(
    ("old", "expected"),
    [(OLD, True), ("return 1\n", True), ("return 1", False), ("def main():\r\n    return 1", False), (None, False)],
)
def test_old_text_with_lf_line_ends(old: object, expected: bool) -> None:
    assert lf_lines(old) is expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("dos2unix", "-q", "a.sh", "b.sh"), (LF_ENDS, ["a.sh", "b.sh"])),
        (("unix2dos", "a.bat"), (CRLF_ENDS, ["a.bat"])),
        (("sed", "-i", "s/\\r$//", "scripts/*.sh"), (LF_ENDS, ["scripts/*.sh"])),
        (("sed", "-i.bak", "-e", "s/\\r//g", "f.txt"), (LF_ENDS, ["f.txt"])),
        (("perl", "-pi", "-e", "s/\\r\\n/\\n/g", "a.txt"), (LF_ENDS, ["a.txt"])),
        (("sed", "s/\\r$//", "a.txt"), (None, [])),  # not in place: prints, converts nothing
        (("sed", "-i", "s/foo/bar/", "a.txt"), (None, [])),
        (("cat", "a.txt"), (None, [])),
    ],
)
def test_commands_that_convert_line_ends(words: tuple[str, ...], expected: tuple[str | None, list[str]]) -> None:
    assert converted(words) == expected


def test_a_file_on_disk(tmp_path: Path) -> None:
    (tmp_path / "w.py").write_bytes(CRLF_TEXT.encode())
    (tmp_path / "u.py").write_bytes(LF_TEXT.encode())
    (tmp_path / "z.txt").write_bytes("a\nb\n".encode("utf-16"))
    assert file_endings(str(tmp_path / "w.py")) == CRLF_ENDS
    assert file_endings(str(tmp_path / "u.py")) == LF_ENDS
    assert file_endings(str(tmp_path / "z.txt")) is None  # not text as UTF-8 reads it
    assert file_endings(str(tmp_path / "missing.py")) is None


def _read(learner: Learner, s: ScriptedSession, path: str, text: str) -> None:
    play(learner, s.call("Read", target_path=s.path(path), result=text))


def _replace(s: ScriptedSession, path: str, old: str, error: bool = False) -> object:
    full = s.path(path)
    return s.call(
        "Edit",
        target_path=full,
        tool_input={"file_path": full, "old_string": old, "new_string": old.replace("1", "2")},
        error=NOT_FOUND.format(path=full) if error else None,
        error_class="INCORRECT_PARAMETER" if error else None,
    )


def _fired(learner: Learner, event: object) -> list[str]:
    decision = play(learner, event)  # type: ignore[arg-type]
    return [f.lesson.title for f in decision.fired]


def test_the_cause_is_the_line_ends_not_the_read() -> None:
    learner = Learner()
    s = Script().session("s1", cwd="/w/app")
    _read(learner, s, "main.py", CRLF_TEXT)
    play(learner, _replace(s, "main.py", OLD, error=True))  # type: ignore[arg-type]
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and (lesson.trigger.param, lesson.trigger.rule) == ("old_string", LF_ON_CRLF)
    assert "CRLF" in lesson.title and lesson.prevention == LINE_ENDS_REMEDY and lesson.machine_wide
    # the agent reads the file again and edits one line: that worked, but the read was no remedy
    _read(learner, s, "main.py", CRLF_TEXT)
    play(learner, _replace(s, "main.py", "    return 1"))  # type: ignore[arg-type]
    assert all("not read since it changed" not in lesson.title for lesson in learner.lessons.values())
    # another file with CRLF line ends, read in the session: the same mistake, said at once
    _read(learner, s, "util.py", CRLF_TEXT)
    assert any("CRLF" in title for title in _fired(learner, _replace(s, "util.py", OLD)))
    # not on old text with the file's line ends, nor within a line, nor on a file with LF ones
    assert not _fired(learner, _replace(s, "util.py", OLD.replace("\n", "\r\n")))
    assert not _fired(learner, _replace(s, "util.py", "return 1"))
    _read(learner, s, "lf.py", LF_TEXT)
    assert not _fired(learner, _replace(s, "lf.py", OLD))
    # nor on a file whose line ends the session has not shown (replay cannot look at the disk)
    assert not _fired(learner, _replace(s, "unseen.py", OLD))


def test_a_read_after_the_failure_diagnoses_it() -> None:
    learner = Learner()
    s = Script().session("s1", cwd="/w/app")
    play(learner, _replace(s, "main.py", OLD, error=True))  # type: ignore[arg-type]
    assert not learner.lessons  # the file's line ends are not known yet
    play(learner, s.call("Read", target_path=s.path("main.py"), result=CRLF_TEXT))
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and lesson.trigger.rule == LF_ON_CRLF


def test_a_file_with_lf_line_ends_is_another_cause() -> None:
    learner = Learner()
    s = Script().session("s1", cwd="/w/app")
    _read(learner, s, "main.py", LF_TEXT)
    play(learner, _replace(s, "main.py", "def other():\n    pass", error=True))  # type: ignore[arg-type]
    play(learner, s.call("Read", target_path=s.path("main.py"), result=LF_TEXT))
    assert not any(lesson.trigger and lesson.trigger.rule == LF_ON_CRLF for lesson in learner.lessons.values())


def test_a_converted_file_no_longer_meets_the_lesson() -> None:
    learner = Learner()
    s = Script().session("s1", cwd="/w/app")
    _read(learner, s, "main.py", CRLF_TEXT)
    play(learner, _replace(s, "main.py", OLD, error=True))  # type: ignore[arg-type]
    _read(learner, s, "util.py", CRLF_TEXT)
    play(learner, s.bash("dos2unix util.py"))
    assert not _fired(learner, _replace(s, "util.py", OLD))


def test_across_sessions_it_is_a_lesson_once_it_failed_in_two() -> None:
    learner = Learner()
    script = Script()
    for name in ("s1", "s2"):
        s = script.session(name, cwd=f"/w/{name}")
        _read(learner, s, "main.py", CRLF_TEXT)
        play(learner, _replace(s, "main.py", OLD, error=True))  # type: ignore[arg-type]
        learner.end_session(name)
    (lesson,) = learner.lessons.values()
    assert lesson.failed_sessions == 2
    s3 = script.session("s3", cwd="/w/other")  # another project: the tool's way with line ends
    _read(learner, s3, "a.py", CRLF_TEXT)
    assert any("CRLF" in title for title in _fired(learner, _replace(s3, "a.py", OLD)))


def test_scripts_converted_no_longer_meet_their_family_lesson() -> None:
    learner = Learner()
    s = Script().session("s1", cwd="/w/app")
    failed = "./scripts/build.sh: line 2: $'\\r': command not found"
    play(learner, s.bash("./scripts/build.sh", error=failed, error_class="INCORRECT_PARAMETER"))
    assert any(lesson.trigger and lesson.trigger.family for lesson in learner.lessons.values())
    assert learner.decide(s.bash("./scripts/test.sh")).fired  # a sibling: the same cause (asked, not run)
    play(learner, s.bash("sed -i 's/\\r$//' scripts/*.sh"))
    assert not learner.decide(s.bash("./scripts/deploy.sh")).fired


def test_the_hooks_learn_it_from_the_file_on_disk_and_say_it_before_the_next_such_edit(
    repo: Path, tmp_path: Path
) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    for name, text in (("main.py", CRLF_TEXT), ("util.py", CRLF_TEXT), ("lf.py", LF_TEXT)):
        (repo / name).write_bytes(text.encode())
    session = HookSession(repo, hook_env(db))
    missing = "<tool_use_error>String to replace not found in file.\nString: x"
    session.edit(repo / "main.py", OLD, OLD.replace("1", "2"), error=missing)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT title, prevention, trigger FROM lessons").fetchall()
    ((title, prevention, trigger),) = [row for row in rows if "CRLF" in row[0]]
    assert prevention == LINE_ENDS_REMEDY and json.loads(trigger)["rule"] == LF_ON_CRLF, title
    pre = session.edit(repo / "util.py", OLD, "x")  # another file with CRLF line ends on disk
    assert "CRLF" in pre.context and "one line at a time" in pre.context
    assert "CRLF" not in session.edit(repo / "lf.py", OLD, "x").context
    assert "CRLF" not in session.edit(repo / "util.py", OLD.replace("\n", "\r\n"), "x").context
    assert not (db.parent / "hook-failures.log").exists()


def test_one_cause_whatever_the_shell_calls_it() -> None:
    """`bash\\r: No such file or directory` and `$'\\r': command not found` are one cause: two
    sessions failing with either make one lesson of the family, failed in both (active)."""
    learner = Learner()
    script = Script()
    spellings = (
        ("./scripts/build.sh", "Exit code 127\n/usr/bin/env: 'bash\r': No such file or directory"),
        ("bash scripts/test.sh", "scripts/test.sh: line 2: $'\\r': command not found"),
    )
    for name, (command, error) in zip(("s1", "s2"), spellings, strict=True):
        play(learner, script.session(name).bash(command, error=error, error_class="INCORRECT_PARAMETER"))
        learner.end_session(name)
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and lesson.trigger.family == "scripts/*.sh"
    assert lesson.failed_sessions == 2 and lesson.tier == "active"
