"""`lessonloop run` of a command that cannot be found says only that: the note that no error
pattern is active (which came first) is about a command that runs."""

from __future__ import annotations

from pathlib import Path

from tests.runner_helpers import lessonloop_run

NO_PATTERN_NOTE = b"no error pattern is active"


def test_a_missing_command_gets_no_pattern_note(tmp_path: Path) -> None:
    ran = lessonloop_run("--", "no-such-command-lessonloop-test", cwd=tmp_path)
    assert ran.status == 127
    assert b"command not found" in ran.stderr
    assert NO_PATTERN_NOTE not in ran.stderr, ran.stderr


def test_a_command_that_runs_still_gets_it(tmp_path: Path) -> None:
    ran = lessonloop_run("--", "true", cwd=tmp_path)
    assert ran.status == 0
    assert NO_PATTERN_NOTE in ran.stderr
