"""`lessonloop run` shows what failed: the failing test's name and its assertion or error, and the
exit status in words, when it stops a test run early and when the run ends by itself with
failures. Real processes throughout: lessonloop run as a subprocess, real pytest on a project in
a temp folder, real cargo when it is installed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.runner_helpers import PYTHON, lessonloop_run, py, runner_env
from tests.runs.test_run_store import AWS_KEY

# The second test fails with a clear message (and a secret in it, which lessonloop's own lines
# must not repeat); the three after it each take 30 s, and leave a marker when they start and
# another when they end.
BASKET_TESTS = f"""import pathlib
import time


def test_first():
    assert 1 + 1 == 2


def test_second():
    total = 1 + 2
    assert total == 4, "the basket total should be 4 (key {AWS_KEY})"


def _slow(name):
    pathlib.Path(name + ".started").write_text("")
    time.sleep(30)
    pathlib.Path(name + ".ended").write_text("")


def test_slow_a():
    _slow("slow_a")


def test_slow_b():
    _slow("slow_b")


def test_slow_c():
    _slow("slow_c")
"""
PYTEST = [PYTHON, "-m", "pytest", "-p", "no:cacheprovider"]
SLOW_TEST_SECONDS = 30


def _project(tmp_path: Path, source: str = BASKET_TESTS) -> Path:
    (tmp_path / "test_basket.py").write_text(source)
    return tmp_path


def _own_lines(stderr: bytes) -> str:
    """What lessonloop said after the command: its stderr from the first `lessonloop run:` line."""
    text = stderr.decode()
    return text[text.index("lessonloop run: ") :]


@pytest.mark.slow
def test_a_stopped_pytest_run_shows_the_failing_test_and_its_assertion_before_the_slow_tests(tmp_path: Path) -> None:
    project = _project(tmp_path)
    # A timeout below one slow test's sleep: a run that waited for any of them fails here.
    ran = lessonloop_run("--", *PYTEST, cwd=project, timeout=SLOW_TEST_SECONDS - 5)
    said = _own_lines(ran.stderr)
    assert ran.status == 1, said
    assert "lessonloop run: stopped: profile pytest (detected): an error matched at stdout line" in said
    assert "lessonloop run: failed: test_basket.py::test_second (test_basket.py:11)\n" in said
    assert '    assert total == 4, "the basket total should be 4 (key [REDACTED:aws-access-key-id])"\n' in said
    assert "    AssertionError: the basket total should be 4 (key [REDACTED:aws-access-key-id])\n" in said
    assert "    assert 3 == 4\n" in said
    assert said.endswith(
        "lessonloop run: exit 1: stopped early at the first failure (pytest would have exited 1: tests failed); "
        "pytest exited 2 on lessonloop's SIGINT\n"
    )
    assert AWS_KEY not in said  # redacted in lessonloop's lines ...
    assert AWS_KEY.encode() in ran.stdout  # ... while pytest's own report passed through as it was
    assert b"short test summary info" in ran.stdout  # pytest printed its report on the interrupt
    # The first slow test had begun when the run was stopped; none of them ran to its end, and
    # the two after it never began.
    assert not list(project.glob("*.ended"))
    assert not (project / "slow_b.started").exists() and not (project / "slow_c.started").exists()


@pytest.mark.slow
def test_the_json_summary_holds_the_failures_the_signals_and_the_words(tmp_path: Path) -> None:
    ran = lessonloop_run("--json", "--", *PYTEST, "-q", cwd=_project(tmp_path), timeout=SLOW_TEST_SECONDS - 5)
    summary = ran.summary()
    assert (ran.status, summary["reason"], summary["stopped"], summary["command_status"]) == (1, "error", True, 2)
    assert summary["signals"] == ["SIGINT"]
    first = summary["failures"][0]
    assert first["test"] == "test_basket.py::test_second" and first["where"] == "test_basket.py:11"
    assert "assert 3 == 4" in first["lines"]
    assert AWS_KEY not in ran.stdout.decode().rsplit("\n", 2)[-2]  # the summary line is redacted
    assert summary["status_words"].startswith("stopped early at the first failure")
    assert summary["settings"]["interrupt_grace"] == 3.0
    assert b"lessonloop run:" not in ran.stderr  # --json: no notes


@pytest.mark.slow
def test_a_run_that_ends_by_itself_with_failures_shows_them_too(tmp_path: Path) -> None:
    source = "def test_a():\n    assert 'abc'.upper() == 'ABD'\n\ndef test_b():\n    pass\n"
    # -m 10: the one failure never reaches the count, so pytest runs to its end.
    ran = lessonloop_run("-m", "10", "--", *PYTEST, cwd=_project(tmp_path, source))
    said = _own_lines(ran.stderr)
    assert ran.status == 1
    assert "stopped:" not in said and "ended:" not in said
    assert "lessonloop run: failed: test_basket.py::test_a (test_basket.py:2)\n" in said
    assert "    AssertionError: assert 'ABC' == 'ABD'\n" in said
    assert said.endswith("lessonloop run: exit 1: pytest exited 1 by itself (tests failed)\n")


@pytest.mark.slow
def test_a_command_that_ignores_the_interrupt_gets_term_after_the_grace(tmp_path: Path) -> None:
    code = (
        "import signal, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "print('FAILED tests/x.py::test_a - boom', flush=True)\n"
        "time.sleep(60)\n"
    )
    ran = lessonloop_run("--profile", "pytest", "-A", "0", "--json", "--", *py(code), timeout=40)
    summary = ran.summary()
    assert summary["signals"] == ["SIGINT", "SIGTERM"]
    assert (ran.status, summary["command_status"]) == (1, -signal.SIGTERM)
    assert summary["duration"] >= 3.0  # the interrupt's grace, then TERM
    assert summary["status_words"].endswith("pytest was ended by lessonloop's SIGTERM")


def test_a_command_killed_by_a_signal_of_its_own_is_said_so() -> None:
    ran = lessonloop_run("--no-profile", "--", *py("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"))
    assert ran.status == 128 + signal.SIGSEGV
    assert ran.stderr.endswith(b"lessonloop run: exit 139: the command was killed by SIGSEGV, not by lessonloop\n")


def test_a_failing_command_with_no_profile_gets_no_failure_lines(tmp_path: Path) -> None:
    # pytest's own report is there, but --no-profile: the person asked for the command alone.
    ran = lessonloop_run("--no-profile", "--", *PYTEST, cwd=_project(tmp_path, "def test_a():\n    assert 0\n"))
    assert ran.status == 1 and ran.stderr == b""


CARGO_LIB = """pub fn add(a: i32, b: i32) -> i32 {
    a + b + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds() {
        assert_eq!(add(1, 2), 3, "add should sum");
    }

    #[test]
    fn slow() {
        std::thread::sleep(std::time::Duration::from_secs(30));
        std::fs::write("slow.ended", "").unwrap();
    }
}
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_cargo_test_stopped_early_names_the_failing_test_and_how_to_see_its_report(tmp_path: Path) -> None:
    crate = tmp_path / "calc"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text('[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n')
    (crate / "src" / "lib.rs").write_text(CARGO_LIB)
    env = runner_env(CARGO_NET_OFFLINE="true", CARGO_TARGET_DIR=str(tmp_path / "target"), RUST_BACKTRACE="0")
    try:
        ran = lessonloop_run("--", "cargo", "test", cwd=crate, env=env, timeout=SLOW_TEST_SECONDS - 5)
    except subprocess.TimeoutExpired:  # a cold toolchain can take long to compile: not what is tested
        pytest.skip("cargo took too long to compile the crate")
    said = _own_lines(ran.stderr)
    if "could not compile" in said or "rustup" in said:
        pytest.skip(f"cargo cannot build here: {said[:200]}")
    assert ran.status == 1, said
    assert "lessonloop run: failed: tests::adds\n" in said
    assert "cargo test tests::adds -- --exact" in said  # libtest reports a failure when its binary ends
    assert said.endswith(
        "exit 1: stopped early at the first failure (cargo test would have exited 101: tests failed); "
        "cargo test was ended by lessonloop's SIGTERM\n"
    )
    assert not (crate / "slow.ended").exists()
    assert os.listdir(tmp_path / "target")  # it did build: the stop came from the test run
