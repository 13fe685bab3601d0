"""`lessonloop run -- pytest` stops at the first failure with no option: the test runner's profile
is detected from the command (runner/profiles.py, detect_profile), said in the note and in
--json, turned off by --no-profile; a command with no profile and no pattern gets one line on
stderr saying nothing but the limits can stop it. Real processes throughout."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from lessonloop.runs.runner.profiles import detect_profile
from tests.runner_helpers import PYTHON, lessonloop_run, py, runner_env

NO_PATTERN_NOTE = b"no error pattern is active"

# test_a fails, then test_b takes a minute: stopped early, the run never reaches test_b's end.
FAIL_THEN_SLOW = "import time\n\ndef test_a():\n    assert 1 == 2\n\ndef test_b():\n    time.sleep(60)\n"
FAIL_THEN_PASS = "def test_a():\n    assert 1 == 2\n\ndef test_b():\n    pass\n"
PYTEST = [PYTHON, "-m", "pytest", "-v", "-p", "no:cacheprovider", "test_x.py"]


def _tests(tmp_path: Path, source: str) -> Path:
    (tmp_path / "test_x.py").write_text(source)
    return tmp_path


@pytest.mark.slow
def test_pytest_stops_at_its_first_failure_with_no_option(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    ran = lessonloop_run("-A", "0.2", "--json", "--", *PYTEST, cwd=_tests(tmp_path, FAIL_THEN_SLOW), db=db)
    summary = ran.summary()
    assert (ran.status, summary["reason"], summary["stopped"]) == (1, "error", True), ran.stdout.decode()
    assert summary["settings"]["profile"] == "pytest" and summary["profile_detected"] is True
    assert "test_a FAILED" in summary["matches"][0]["text"]
    assert b"test_b PASSED" not in ran.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT profile, reason FROM runs").fetchall() == [("pytest", "error")]


@pytest.mark.slow
def test_the_note_names_the_detected_profile(tmp_path: Path) -> None:
    ran = lessonloop_run("-A", "0.2", "--", *PYTEST, cwd=_tests(tmp_path, FAIL_THEN_SLOW))
    assert ran.status == 1
    assert b"lessonloop run: stopped: profile pytest (detected): an error matched at stdout line " in ran.stderr
    assert NO_PATTERN_NOTE not in ran.stderr


@pytest.mark.slow
def test_no_profile_turns_detection_off(tmp_path: Path) -> None:
    ran = lessonloop_run("--no-profile", "--json", "--", *PYTEST, cwd=_tests(tmp_path, FAIL_THEN_PASS))
    summary = ran.summary()
    assert (ran.status, summary["reason"], summary["stopped"], summary["matches"]) == (1, "exit", False, [])
    assert summary["settings"]["profile"] is None and summary["profile_detected"] is False
    assert b"test_b PASSED" in ran.stdout
    quiet = lessonloop_run("--no-profile", "--", *PYTEST, cwd=tmp_path)
    assert quiet.status == 1 and quiet.stderr == b""  # no note: --no-profile says the person knows


@pytest.mark.slow
def test_an_error_pattern_of_ones_own_is_not_mixed_with_a_detected_profile(tmp_path: Path) -> None:
    ran = lessonloop_run("-e", "^NEVER PRINTED$", "--json", "--", *PYTEST, cwd=_tests(tmp_path, FAIL_THEN_PASS))
    summary = ran.summary()
    assert summary["reason"] == "exit" and summary["settings"]["error"] == ["^NEVER PRINTED$"]
    assert summary["settings"]["profile"] is None and summary["profile_detected"] is False
    given = lessonloop_run("--profile", "pytest", "--json", "--", *PYTEST, cwd=tmp_path).summary()
    assert given["settings"]["profile"] == "pytest" and given["profile_detected"] is False


def test_profile_and_no_profile_together_are_refused() -> None:
    ran = lessonloop_run("--profile", "pytest", "--no-profile", "--", "true")
    assert ran.status == 125 and b"not allowed with argument" in ran.stderr


@pytest.mark.slow
def test_a_command_with_no_profile_and_no_pattern_is_said_once() -> None:
    ran = lessonloop_run("--", *py("print('hello')"))
    assert ran.status == 0
    assert ran.stderr.count(NO_PATTERN_NOTE) == 1 and ran.stderr.startswith(b"lessonloop run: no error pattern")
    for options in (["-q"], ["--json"], ["--no-profile"], ["-e", "boom"], ["-s", "hello"]):
        assert NO_PATTERN_NOTE not in lessonloop_run(*options, "--", *py("print('hello')")).stderr, options


FAKE_TOOLS = [  # (command, the program faked, the error line it prints, the profile)
    (["cargo", "test"], "cargo", "test tests::adds ... FAILED", "cargo-test"),
    (["go", "test", "./..."], "go", "--- FAIL: TestAdd (0.00s)", "go-test"),
    (["npm", "test"], "npm", "npm ERR! Test failed.  See above for more details.", "npm"),
    (["npm", "run", "test:unit"], "npm", "npm error Lifecycle script `test:unit` failed", "npm"),
    (["yarn", "test"], "yarn", "error Command failed with exit code 1.", "npm"),
    (["npx", "jest"], "npx", "FAIL src/sum.test.js", "jest"),
    (["jest", "--ci"], "jest", "FAIL src/sum.test.js", "jest"),
    (["vitest", "run"], "vitest", " FAIL  src/sum.test.ts > sum > adds", "vitest"),
    (["mix", "test"], "mix", "  1) test adds (CalcTest)", "mix-test"),
    (["make", "test"], "make", "make: *** [Makefile:9: test] Error 1", "make"),
    (["pytest", "-q"], "pytest", "FAILED tests/test_x.py::test_a - assert 1 == 2", "pytest"),
]


@pytest.mark.parametrize(("argv", "program", "line", "profile"), FAKE_TOOLS, ids=[" ".join(t[0]) for t in FAKE_TOOLS])
def test_each_test_runner_is_detected_by_its_command(
    tmp_path: Path, argv: list[str], program: str, line: str, profile: str
) -> None:
    """A stand-in for the tool (the name on PATH, its real error line, then a minute of work):
    stopped on that line by the detected profile."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / program
    fake.write_text(f"#!/bin/sh\nprintf '%s\\n' '{line}'\nsleep 60\n")
    fake.chmod(0o755)
    env = runner_env(PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    summary = lessonloop_run("-A", "0", "--json", "--", *argv, env=env).summary()
    assert (summary["reason"], summary["stopped"]) == ("error", True)
    assert summary["settings"]["profile"] == profile and summary["profile_detected"] is True
    assert summary["matches"][0]["text"] == line


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ("pytest -x tests/", "pytest"),
        ("python -m pytest", "pytest"),
        ("python3 -m pytest -k slow", "pytest"),
        ("uv run pytest", "pytest"),
        ("env CI=1 cargo test --release", "cargo-test"),
        ("go test ./...", "go-test"),
        ("mix test", "mix-test"),
        ("npx jest --ci", "jest"),
        ("pnpm exec vitest run", "vitest"),
        ("npm test", "npm"),
        ("npm t", "npm"),
        ("npm run test", "npm"),
        ("yarn run test:e2e", "npm"),
        ("make test", "make"),
        ("make -j4 check", "make"),
        ("make -C sub test-unit", "make"),
        # Builds and other commands: no profile (an error there may still be worth finishing).
        ("make", None),
        ("make build", None),
        ("make -k test", None),
        ("make --keep-going check", None),
        ("npm run build", None),
        ("npm install", None),
        ("cargo build", None),
        ("go build ./...", None),
        ("python script.py", None),
        ("ls -l", None),
    ],
)
def test_detect_profile(argv: str, expected: str | None) -> None:
    found = detect_profile(argv.split())
    assert (found.name if found else None) == expected


# test_a fails, then test_b..test_z run (each marks a file): pytest's -q and default outputs write
# their progress characters without a newline until the line's "[ NN%]".
FAIL_THEN_MANY = "import pathlib, time\n\ndef test_a():\n    assert 1 == 2\n\n" + "".join(
    f"def test_{name}():\n    pathlib.Path('ran_{name}').touch()\n    time.sleep(0.5)\n\n"
    for name in "bcdefghijklmnopq"
)


@pytest.mark.slow
@pytest.mark.parametrize("output", [["-q"], []], ids=["quiet", "default"])
def test_pytest_stops_on_its_progress_characters_before_the_line_ends(tmp_path: Path, output: list[str]) -> None:
    folder = _tests(tmp_path, FAIL_THEN_MANY)
    command = [PYTHON, "-m", "pytest", *output, "-p", "no:cacheprovider", "test_x.py"]
    ran = lessonloop_run("-A", "0", "--json", "--", *command, cwd=folder)
    summary = ran.summary()
    assert (summary["reason"], summary["stopped"]) == ("error", True), ran.stdout.decode()
    first = summary["matches"][0]
    assert first["text"].rstrip().endswith("F") and first["line"] >= 1, first
    assert len(list(folder.glob("ran_*"))) < 16  # stopped before the line of 17 tests was written


@pytest.mark.slow
def test_an_unfinished_line_is_matched_once_the_output_pauses(tmp_path: Path) -> None:
    # A prompt-like failure with no newline, then silence: every pattern is tried on it after a pause.
    script = (
        "import sys, time\nsys.stdout.write('fatal: no newline here'); sys.stdout.flush()\ntime.sleep(8)\n"
        "print('\\nLA' + 'TE', flush=True)\ntime.sleep(30)\n"
    )
    ran = lessonloop_run("-e", "^fatal: ", "-A", "0", "--json", "--", *py(script))
    summary = ran.summary()
    assert (summary["reason"], summary["stopped"]) == ("error", True)
    assert b"LATE" not in ran.stdout  # stopped during the pause, not when the line ended
    assert summary["matches"][0]["text"] == "fatal: no newline here"
    assert [m["text"] for m in summary["matches"]] == ["fatal: no newline here"]  # matched once, not again at its end


@pytest.mark.slow
def test_a_line_matched_while_written_is_not_matched_again_when_it_ends(tmp_path: Path) -> None:
    script = (
        "import sys, time\nsys.stdout.write('fatal: first'); sys.stdout.flush()\ntime.sleep(1.2)\n"
        "sys.stdout.write(' part\\nfatal: second\\n'); sys.stdout.flush()\n"
    )
    ran = lessonloop_run("-e", "^fatal: ", "-m", "5", "-A", "0", "--json", "--", *py(script))
    texts = [m["text"] for m in ran.summary()["matches"]]
    assert texts == ["fatal: first", "fatal: second"], texts


@pytest.mark.slow
def test_suggest_counts_a_run_that_failed_in_its_after_window_and_keeps_the_profile(tmp_path: Path) -> None:
    """A run whose error matched and which then ended by itself (status 1) is a failed run, not
    none of successful, failed or stopped; the profile's progress pattern that matched it is not
    suggested as --error (it would match whole lines only and turn the profile off)."""
    import json
    import subprocess
    import sys

    db = tmp_path / "store.db"
    folder = _tests(tmp_path, FAIL_THEN_PASS)
    command = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_x.py"]
    ran = lessonloop_run("--json", "--", *command, cwd=folder, db=db)
    assert ran.summary()["reason"] == "error"
    shown = subprocess.run(
        [sys.executable, "-m", "lessonloop", "runs", "suggest", "--db", str(db), "--json", "--", *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
    )
    data = json.loads(shown.stdout)
    assert (data["runs"], data["successful"], data["failed"], data["stopped"]) == (1, 0, 1, 0), data
    suggested = [p["pattern"] for p in data["patterns"]]
    assert r"^(\S+\.py )?[.sxXFE]*[FE][.sxXFE]*$" not in suggested, suggested


def test_an_unfinished_line_already_tried_at_a_pause_never_wakes_the_loop_again() -> None:
    """A prompt left waiting for input ("Password: ") is matched once at the pause; after that the
    loop sleeps as long as before (it woke every millisecond while the line stayed unfinished)."""
    from lessonloop.runs.runner.result import RunOptions, StreamStats
    from lessonloop.runs.runner.supervisor import Supervisor, _Stream

    supervisor = Supervisor(RunOptions(["true"], error=["^never$"]))
    stream = _Stream("stdout", 3, 1, StreamStats(), True)
    stream.pending = b"Password: "
    assert supervisor._partial_due(stream)
    supervisor._match_partial(stream, 1.0, quiet=True)
    assert not supervisor._partial_due(stream) and supervisor.result.matches == []
    stream.pending += b"x"  # the line grew: its new state is tried at the next pause
    assert supervisor._partial_due(stream)
