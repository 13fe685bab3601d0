"""Causes diagnosed from what the failure and the file say (issue 61, item 2), the encoding: a tool
that says the file it read is not UTF-8 (Codex's apply_patch: "stream did not contain valid
UTF-8") teaches that cause and its remedy, for that tool on any file that is not UTF-8: one a tool
said so of, one the file on disk shows, one a PowerShell write without `-Encoding` made (Windows
PowerShell's `>` writes UTF-16: the agent rewrites the file that way and the next patch fails
again, as in codex/zo-qore). A file written as UTF-8 does not meet it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from lessonloop.analyze.file_encoding import (
    DEFAULT,
    OTHER,
    UTF8,
    command_encoding,
    not_utf8,
    utf8_on_disk,
    written_encoding,
)
from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.general_lessons import ENCODING_REMEDY
from lessonloop.lesson_model.triggers import NOT_UTF8, command_segments, file_forms, operator_tokens
from tests.hook_helpers import HookSession, hook_env
from tests.learning_helpers import Script, ScriptedSession, play

NOT_UTF8_PATCH = (
    "apply_patch verification failed: Failed to read file to update {path}: stream did not contain valid UTF-8"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NOT_UTF8_PATCH.format(path="g:\\w\\a.md"), True),
        ("UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte", True),
        ("error: invalid UTF-8 in file a.txt", True),
        ("Failed to find expected lines in a.md", False),
        (None, False),
    ],
)
def test_what_says_a_file_is_not_utf8(text: str | None, expected: bool) -> None:
    assert not_utf8(text) is expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("@'\n<html>\n'@ > ui/module.html", DEFAULT),  # Windows PowerShell's > : UTF-16
        ("Get-Content a.md >> b.md", DEFAULT),
        ("@'\nx\n'@ | Out-File docs/a.md", DEFAULT),
        ("@'\nx\n'@ | Set-Content -Encoding utf8 a.md", UTF8),
        ("Set-Content -Path a.md -Value $t -Encoding UTF8", UTF8),
        ("Set-Content -Path a.md -Value $t -Encoding Unicode", OTHER),
        ("Set-Content -Path a.md -Value 'café'", DEFAULT),  # ANSI text beyond ASCII
        ("Set-Content -Path a.md -Value 'plain'", None),  # ASCII is UTF-8 whatever the code page
        ("cat > notes.md <<EOF\nx\nEOF", None),  # a POSIX shell writes what it is given
        ("git log --oneline > log.txt", None),
    ],
)
def test_what_a_write_makes_of_its_file(command: str, expected: str | None) -> None:
    assert command_encoding(command_segments(command), command, operator_tokens(command)) == expected


def test_the_files_a_command_writes_and_how() -> None:
    """A here-string's text is written, not run: its `=>` and words are no redirection, no files."""
    for command, expected in (
        ("@'\n<html>\n'@ > ui/module.html", [("ui/module.html", "encoding", DEFAULT)]),
        ("@'\nonClick={() => go(x)}\n'@ | Set-Content -Path a.tsx", []),
        ("@'\nx = 'é'\n'@ | Set-Content -Encoding utf8 a.py", [("a.py", "encoding", UTF8)]),
        ("dos2unix -q run.sh", [("run.sh", "ends", "lf")]),
    ):
        assert file_forms(command_segments(command), command) == expected, command


def test_a_write_that_is_not_powershells_names_no_encoding() -> None:
    assert written_encoding(("cp", "a", "b"), "cp a b") is None


def test_a_file_on_disk(tmp_path: Path) -> None:
    (tmp_path / "u16.md").write_bytes("# notes\n".encode("utf-16"))
    (tmp_path / "ansi.md").write_bytes("caf\xe9\n".encode("cp1252"))
    (tmp_path / "ok.md").write_bytes("café\n".encode())
    assert utf8_on_disk(str(tmp_path / "u16.md")) == OTHER
    assert utf8_on_disk(str(tmp_path / "ansi.md")) == OTHER
    assert utf8_on_disk(str(tmp_path / "ok.md")) == UTF8
    assert utf8_on_disk(str(tmp_path / "missing.md")) is None


def _shell(s: ScriptedSession, command: str) -> CallEvent:
    return s.call("shell_command", command=command)


def _patch(s: ScriptedSession, path: str, error: bool = False) -> CallEvent:
    full = s.path(path)
    event = s.call(
        "apply_patch",
        target_path=full,
        tool_input={"input": f"*** Begin Patch\n*** Update File: {path}\n@@\n-a\n+b\n*** End Patch"},
        error=NOT_UTF8_PATCH.format(path=full) if error else None,
        error_class="PARAMETER_FORMAT" if error else None,
    )
    event.call.kind = "edit"  # (Codex's adapter names apply_patch an edit)
    return event


def test_the_patch_after_the_same_unencoded_write_is_warned() -> None:
    learner = Learner()
    s = Script().session("s1", cwd="/w/app")
    play(learner, _shell(s, "@'\n<html>\n'@ > ui/module.html"))
    play(learner, _patch(s, "ui/module.html", error=True))
    (lesson,) = [lesson for lesson in learner.lessons.values() if lesson.trigger is not None]
    assert lesson.trigger is not None and lesson.trigger.rule == NOT_UTF8 and lesson.trigger.tool == "apply_patch"
    assert lesson.prevention == ENCODING_REMEDY and lesson.machine_wide
    # the agent writes the file again the same way: the next patch meets the same
    play(learner, _shell(s, "@'\n<html lang=en>\n'@ > ui/module.html"))
    assert [f.lesson.signature for f in learner.decide(_patch(s, "ui/module.html")).fired] == [lesson.signature]
    # written as UTF-8, or never written in the session: not this cause
    play(learner, _shell(s, "@'\nx\n'@ | Set-Content -Encoding utf8 ui/page.js"))
    assert not learner.decide(_patch(s, "ui/page.js")).fired
    assert not learner.decide(_patch(s, "src/main.ts")).fired


def test_the_hooks_check_the_file_on_disk(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    for name in ("a.md", "b.md"):
        (repo / name).write_bytes("# notes\n".encode("utf-16"))
    (repo / "c.md").write_bytes(b"# notes\n")
    session = HookSession(repo, hook_env(db))
    session.edit(repo / "a.md", "notes", "Notes", error="Error: stream did not contain valid UTF-8")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT prevention, trigger FROM lessons").fetchall()
    assert [json.loads(trigger)["rule"] for prevention, trigger in rows if prevention == ENCODING_REMEDY] == [NOT_UTF8]
    assert "not UTF-8" in session.edit(repo / "b.md", "notes", "Notes").context
    assert "not UTF-8" not in session.edit(repo / "c.md", "notes", "Notes").context
    assert not (db.parent / "hook-failures.log").exists()
