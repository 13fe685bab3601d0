"""`lessonloop run`'s exit status in words (runner/exit_words.py): why the run ended, what the test
runner would have exited with, and how the command ended, its signal named."""

from __future__ import annotations

from lessonloop.runs.runner.exit_words import exit_words


def test_a_test_run_stopped_early() -> None:
    assert exit_words(reason="error", stopped=True, child_status=2, profile="pytest", signals=["SIGINT"]) == (
        "stopped early at the first failure (pytest would have exited 1: tests failed); "
        "pytest exited 2 on lessonloop's SIGINT"
    )
    assert exit_words(reason="error", stopped=True, child_status=-15, profile="cargo-test", errors=3) == (
        "stopped early after 3 failures (cargo test would have exited 101: tests failed); "
        "cargo test was ended by lessonloop's SIGTERM"
    )
    assert exit_words(reason="error", stopped=True, child_status=-9, profile=None, signals=["SIGTERM", "SIGKILL"]) == (
        "stopped after an error matched; the command outlived SIGTERM and was killed (SIGKILL) by lessonloop"
    )


def test_a_command_that_ended_by_itself() -> None:
    assert exit_words(reason="exit", stopped=False, child_status=5, profile="pytest") == (
        "pytest exited 5 by itself (no tests collected)"
    )
    assert exit_words(reason="error", stopped=False, child_status=1, profile="go-test") == (
        "an error matched, then go test exited 1 by itself (tests failed)"
    )
    assert exit_words(reason="exit", stopped=False, child_status=-11, profile=None) == (
        "the command was killed by SIGSEGV, not by lessonloop"
    )


def test_limits_and_interrupts() -> None:
    assert exit_words(reason="idle_timeout", stopped=True, child_status=-15, profile="jest") == (
        "stopped: no output for --idle-timeout (status 124, as coreutils timeout); jest was ended by lessonloop's SIGTERM"
    )
    assert exit_words(reason="interrupted", stopped=False, child_status=-2, profile=None) == (
        "interrupted: SIGINT was passed on to the command, which it ended"
    )
    assert exit_words(reason="interrupted", stopped=False, child_status=130, profile=None) == (
        "interrupted: the signal was passed on to the command; the command exited 130 by itself"
    )
    # A stored run knows no signals sent: its status says what it can.
    assert exit_words(reason="timeout", stopped=True, child_status=2, profile="pytest") == (
        "stopped: it ran longer than --timeout (status 124, as coreutils timeout); pytest exited 2 when "
        "lessonloop stopped it"
    )
