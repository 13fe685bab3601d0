"""`lessonloop run` with real commands: early exits, timeouts, exit statuses, process groups,
signals, and output passed through byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.runner_helpers import PYTHON, finish, group_members, lessonloop_run, py, runner_env


@pytest.mark.slow
def test_an_error_then_a_long_sleep_is_stopped_within_the_after_window_and_its_whole_group_goes() -> None:
    # The command's own children (a background sleep and a foreground one) are in its group.
    ran = lessonloop_run(
        "-e",
        "error",
        "-A",
        "1",
        "--json",
        "--",
        "sh",
        "-c",
        "echo compiling; echo error: it broke; sleep 60 & sleep 60",
    )
    summary = ran.summary()
    assert ran.status == 1
    assert summary["reason"] == "error" and summary["stopped"] is True
    assert group_members(summary["pid"]) == []
    assert summary["matches"][0]["text"] == "error: it broke"
    assert summary["matches"][0]["line"] == 2
    assert summary["matches"][0]["before"] == ["compiling"]
    assert b"lessonloop run: stopped: an error matched at stdout line 2" not in ran.stderr  # --json: no note


@pytest.mark.slow
def test_a_process_that_ignores_term_is_killed_after_the_grace_period() -> None:
    code = (
        "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('FATAL', flush=True)\ntime.sleep(60)"
    )
    ran = lessonloop_run("-e", "FATAL", "-A", "0", "--kill-after", "0.5", "--json", "--", *py(code))
    summary = ran.summary()
    assert ran.status == 1 and summary["command_status"] == -signal.SIGKILL  # killed, not let run
    assert group_members(summary["pid"]) == []


def test_the_note_on_stderr_says_why_it_stopped() -> None:
    ran = lessonloop_run("-e", "error", "-A", "0", "--", "sh", "-c", "echo error: x; sleep 30")
    assert ran.status == 1
    assert b"lessonloop run: stopped: an error matched at stdout line 1: error: x\n" in ran.stderr
    assert b"failed:" not in ran.stderr  # no test runner's failure in "error: x"
    assert ran.stderr.endswith(
        b"lessonloop run: exit 1: stopped after an error matched; the command was ended by lessonloop's SIGTERM\n"
    )
    quiet = lessonloop_run("-q", "-e", "error", "-A", "0", "--", "sh", "-c", "echo error: x; sleep 30")
    assert quiet.stderr == b""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "command", "status", "reason"),
    [
        ((), ["sh", "-c", "exit 7"], 7, "exit"),
        ((), ["sh", "-c", "echo fine"], 0, "exit"),
        (("-e", "ERROR"), ["sh", "-c", "echo all good"], 0, "exit"),
        # stopped on an error match: the command's status when it had already failed ...
        (("-e", "ERROR", "-A", "5"), ["sh", "-c", "echo ERROR; exit 3"], 3, "error"),
        # ... else 1, also when it then ended well by itself inside the after-window
        (("-e", "ERROR", "-A", "5"), ["sh", "-c", "echo ERROR; exit 0"], 1, "error"),
        (("-e", "ERROR", "-A", "0"), ["sh", "-c", "echo ERROR; sleep 30"], 1, "error"),
        (("-s", "ready"), ["sh", "-c", "echo starting; echo ready; sleep 30"], 0, "success"),
        (("-t", "0.5"), ["sh", "-c", "while true; do echo tick; sleep 0.1; done"], 124, "timeout"),
        (("-I", "0.5"), ["sh", "-c", "echo one; sleep 30"], 124, "idle_timeout"),
        (("-F", "0.5"), ["sleep", "30"], 124, "first_output_timeout"),
        (("--max-repeat", "5"), ["sh", "-c", "while true; do echo retrying; done"], 124, "max_repeat"),
        ((), ["sh", "-c", "kill -9 $$"], 128 + 9, "exit"),
        ((), ["lessonloop-no-such-command-xyz"], 127, "not_found"),
    ],
)
def test_exit_statuses(args: tuple[str, ...], command: list[str], status: int, reason: str) -> None:
    ran = lessonloop_run(*args, "--json", "--", *command, timeout=60)
    assert ran.status == status, ran.stderr
    assert ran.summary()["reason"] == reason
    assert ran.summary()["status"] == status  # (a command let run its sleep fails by the timeout)


def test_a_file_that_cannot_be_executed_gives_126(tmp_path: Path) -> None:
    script = tmp_path / "script.sh"
    script.write_text("echo hi\n")
    script.chmod(stat.S_IRUSR | stat.S_IWUSR)
    ran = lessonloop_run("--", str(script))
    if os.geteuid() == 0 and os.access(script, os.X_OK):
        pytest.skip("root may execute anything")
    assert ran.status == 126
    assert b"permission denied" in ran.stderr


def test_lessonloop_s_own_errors_give_125() -> None:
    bad_regex = lessonloop_run("-e", "([unclosed", "--", "true")
    assert bad_regex.status == 125
    assert b"bad error pattern '([unclosed'" in bad_regex.stderr
    assert lessonloop_run("--no-such-option", "--", "true").status == 125
    assert lessonloop_run("-t", "soon", "--", "true").status == 125
    assert lessonloop_run("--profile", "nonesuch", "--", "true").status == 125
    no_command = lessonloop_run("-e", "x")
    assert no_command.status == 125 and b"no command to run" in no_command.stderr
    matches_everything = lessonloop_run("-e", "x*", "--", "true")
    assert matches_everything.status == 125 and b"matches an empty line" in matches_everything.stderr


def test_the_command_may_follow_the_options_without_a_double_dash() -> None:
    ran = lessonloop_run("-e", "boom", "-A", "0", "--json", "sh", "-c", "echo boom; sleep 30")
    assert ran.status == 1 and ran.summary()["command"] == ["sh", "-c", "echo boom; sleep 30"]


# -- output passes through unchanged ----------------------------------------------------------------

BINARY = (
    "import sys\n"
    "out = sys.stdout.buffer\n"
    "out.write(bytes(range(256)) * 64)\n"
    "out.write(b'\\r\\n\\x1b[31mred\\x1b[0m\\n\\xff\\xfe not utf-8\\n')\n"
    "out.write(b'the last line has no newline')\n"
    "out.flush()\n"
)


@pytest.mark.parametrize("mode", [(), ("--pipes",)])
def test_binary_output_and_a_last_line_without_newline_pass_through_byte_for_byte(mode: tuple[str, ...]) -> None:
    expected = subprocess.run(py(BINARY), capture_output=True, check=True).stdout
    ran = lessonloop_run(*mode, "-e", "nothing matches this", "--", *py(BINARY))
    assert ran.status == 0
    assert ran.stdout == expected
    summary = lessonloop_run(*mode, "-e", "nothing matches this", "--json", "--", *py(BINARY)).summary()
    assert summary["stdout"]["bytes"] == len(expected)
    assert summary["stdout"]["lines"] == expected.count(b"\n") + 1  # the last line has no newline


def test_stderr_passes_through_on_its_own_stream() -> None:
    ran = lessonloop_run("-q", "--", "sh", "-c", "echo out; echo err >&2; printf 'no newline' >&2")
    assert ran.stdout == b"out\n"
    assert ran.stderr == b"err\nno newline"


LARGE = (
    "import hashlib, sys\n"
    "out = sys.stdout.buffer\n"
    "seed = b'lessonloop'\n"
    "for i in range({blocks}):\n"
    "    block = hashlib.sha512(seed + i.to_bytes(4, 'big')).digest() * 16\n"
    "    out.write(block + (b'\\n' if i % 7 else b''))\n"
    "out.flush()\n"
)


def _large_run(megabytes: int) -> tuple[bytes, dict[str, object]]:
    blocks = megabytes * 1024 * 1024 // 1024
    code = LARGE.format(blocks=blocks)
    digest = hashlib.sha256(subprocess.run(py(code), capture_output=True, check=True).stdout).hexdigest()
    ran = lessonloop_run("-e", "ERROR: never printed", "--json", "--", *py(code), timeout=300)
    assert ran.status == 0, ran.stderr
    summary = ran.summary()
    body = ran.output()
    assert hashlib.sha256(body).hexdigest() == digest
    return body, summary


@pytest.mark.slow
def test_50_mb_pass_through_unchanged_without_memory_growing_with_the_output() -> None:
    small, small_summary = _large_run(5)
    large, large_summary = _large_run(50)
    assert len(large) >= 50 * 1024 * 1024
    assert large_summary["stdout"] == {
        "lines": large.count(b"\n") + (0 if large.endswith(b"\n") else 1),
        "bytes": len(large),
    }
    # Memory is flat: ten times the output does not cost even 10 MB more (it would cost 45 if kept).
    growth_kb = int(str(large_summary["max_rss_kb"])) - int(str(small_summary["max_rss_kb"]))
    assert growth_kb < 10 * 1024, growth_kb
    del small


# -- pseudo-terminals ---------------------------------------------------------------------------------

ISATTY = "import sys; print(sys.stdout.isatty(), sys.stderr.isatty())"


def test_the_command_sees_terminals_by_default_and_pipes_with_pipes() -> None:
    assert lessonloop_run("--", *py(ISATTY)).stdout == b"True True\n"
    assert lessonloop_run("--pipes", "--", *py(ISATTY)).stdout == b"False False\n"


@pytest.mark.slow
def test_on_a_terminal_an_error_printed_before_a_long_silence_is_seen_at_once() -> None:
    # Python buffers its output in blocks on a pipe and by line on a terminal.
    code = "import time\nprint('Traceback: ERROR here')\ntime.sleep(30)\n"
    ran = lessonloop_run("-e", "ERROR", "-A", "0", "--json", "--", *py(code))
    assert ran.status == 1 and ran.summary()["first_match"] < 5
    piped = lessonloop_run("-e", "ERROR", "-A", "0", "-t", "2", "--pipes", "--json", "--", *py(code))
    assert piped.summary()["reason"] == "timeout"  # never saw it: the line sat in the child's buffer


def test_colour_codes_do_not_hide_a_match_and_pass_through() -> None:
    code = "print('\\x1b[1m\\x1b[31mFAILED\\x1b[0m tests/test_x.py::test_a')"
    ran = lessonloop_run("-e", "^FAILED ", "-A", "0", "--json", "--", *py(code))
    assert ran.status == 1
    assert ran.summary()["matches"][0]["text"] == "FAILED tests/test_x.py::test_a"
    assert b"\x1b[31mFAILED" in ran.stdout


# -- patterns -------------------------------------------------------------------------------------------

LINES = "printf 'ok 1\\nWarning: error count is 0\\nok 2\\nERROR: first\\nok 3\\nERROR: second\\nok 4\\n'"


def test_exclude_ignore_case_max_count_and_line_numbers() -> None:
    ran = lessonloop_run("-e", "error", "-i", "-x", "count is 0", "-m", "2", "--json", "--", "sh", "-c", LINES)
    summary = ran.summary()
    assert [(m["line"], m["text"]) for m in summary["matches"]] == [(4, "ERROR: first"), (6, "ERROR: second")]
    assert summary["matches"][0]["after"] == ["ok 3", "ERROR: second", "ok 4"]
    assert summary["matches"][1]["before"] == ["ok 1", "Warning: error count is 0", "ok 2", "ERROR: first", "ok 3"]
    assert ran.status == 1


def test_streams_can_be_watched_alone() -> None:
    command = ["sh", "-c", "echo 'ERROR on stderr' >&2; sleep 0.2; echo 'ERROR on stdout'"]
    on_stdout = lessonloop_run("-e", "ERROR", "--stdout-only", "--json", "--", *command).summary()
    assert [m["stream"] for m in on_stdout["matches"]] == ["stdout"]
    on_stderr = lessonloop_run("-e", "ERROR", "--stderr-only", "-A", "0", "--json", "--", *command).summary()
    assert [(m["stream"], m["text"]) for m in on_stderr["matches"]] == [("stderr", "ERROR on stderr")]


def test_after_lines_ends_the_window_before_its_time() -> None:
    command = ["sh", "-c", "echo ERROR; for i in 1 2 3 4 5; do echo context $i; done; sleep 30"]
    ran = lessonloop_run("-e", "ERROR", "-A", "20", "--after-lines", "3", "--json", "--", *command)
    summary = ran.summary()
    assert ran.status == 1 and summary["stopped"] is True  # stopped after the lines, not after its sleep
    assert summary["matches"][0]["after"][:3] == ["context 1", "context 2", "context 3"]


def test_a_pattern_is_matched_per_line_even_when_it_could_span_lines() -> None:
    # \s matches a newline: over the block this would join "error" and "boom" across two lines.
    ran = lessonloop_run("-e", r"error\s+boom", "--json", "--", "sh", "-c", "printf 'error\\nboom\\n'")
    assert ran.status == 0 and ran.summary()["matches"] == []


def test_a_huge_line_is_matched_without_being_kept_whole() -> None:
    code = "import sys; sys.stdout.write('x' * 3_000_000 + ' FATAL ' + 'y' * 10 + '\\n')"
    ran = lessonloop_run("-e", "FATAL", "-A", "0", "--json", "--", *py(code))
    summary = ran.summary()
    assert summary["matches"] and summary["matches"][0]["kind"] == "error"
    assert len(summary["matches"][0]["text"]) <= 2000


@pytest.mark.slow
def test_a_profile_gives_its_patterns(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text("def test_a():\n    assert 1 == 2\n\ndef test_b():\n    pass\n")
    ran = lessonloop_run(
        "--profile",
        "pytest",
        "--json",
        "--",
        PYTHON,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "test_x.py",
        cwd=tmp_path,
    )
    summary = ran.summary()
    assert ran.status == 1
    assert summary["matches"], ran.stdout.decode()
    assert summary["settings"]["profile"] == "pytest"


def test_list_profiles() -> None:
    ran = lessonloop_run("--list-profiles")
    assert ran.status == 0 and b"pytest" in ran.stdout and b"cargo-test" in ran.stdout


# -- signals ------------------------------------------------------------------------------------------

TRAPS_INT = (  # the handler writes with os.write: SIGINT may come while print('started') is flushing
    "import os, signal, sys, time\n"
    "def stop(*_):\n"
    "    os.write(1, b'child got SIGINT\\n')\n"
    "    sys.exit(130)\n"
    "signal.signal(signal.SIGINT, stop)\n"
    "print('started', flush=True)\n"
    "time.sleep(60)\n"
)


def test_ctrl_c_is_passed_on_to_the_command() -> None:
    process = subprocess.Popen(
        [PYTHON, "-m", "lessonloop", "run", "--json", "--", *py(TRAPS_INT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=runner_env(),
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"started\n"
    process.send_signal(signal.SIGINT)
    out, _err = finish(process)
    assert process.returncode == 130
    assert b"child got SIGINT" in out
    summary = __import__("json").loads(out.rstrip(b"\n").rsplit(b"\n", 1)[-1])
    assert summary["reason"] == "interrupted" and summary["command_status"] == 130
    assert group_members(summary["pid"]) == []


def test_a_command_that_ignores_ctrl_c_gets_term_on_the_second() -> None:
    code = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint('up', flush=True)\ntime.sleep(60)"
    process = subprocess.Popen(
        [PYTHON, "-m", "lessonloop", "run", "--json", "--", *py(code)], stdout=subprocess.PIPE, env=runner_env()
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"up\n"
    process.send_signal(signal.SIGINT)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    finish(process)
    assert process.returncode == 128 + signal.SIGTERM


def test_when_its_own_output_is_closed_the_command_is_stopped() -> None:
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    process = subprocess.Popen(
        [PYTHON, "-m", "lessonloop", "run", "--", "sh", "-c", "while true; do echo lots of output; done"],
        stdout=reader.stdin,
        env=runner_env(),
    )
    assert reader.stdin is not None
    reader.stdin.close()
    assert process.wait(timeout=30) == 141
    reader.wait(timeout=5)


def test_with_json_and_its_output_closed_the_status_is_still_141() -> None:
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    process = subprocess.Popen(
        [PYTHON, "-m", "lessonloop", "run", "--json", "--", "sh", "-c", "while true; do echo lots; done"],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        env=runner_env(),
    )
    assert reader.stdin is not None
    reader.stdin.close()
    _out, err = finish(process)
    assert process.returncode == 141
    assert b"internal error" not in err and b"Traceback" not in err
    reader.wait(timeout=5)


def test_the_json_summary_is_redacted_as_the_stored_run_is(tmp_path: Path) -> None:
    """`run --json` prints the command and the matched lines: a secret in either is replaced there,
    as in the stored run and every other --json output (the command's own output, the person's
    terminal, is passed through untouched)."""
    from tests.secret_samples import GITHUB_PAT_CLASSIC

    line = f"ERROR: push refused for token {GITHUB_PAT_CLASSIC}"
    ran = lessonloop_run("-e", "ERROR", "-A", "0", "--json", "--", *py(f"print({line!r})"), db=tmp_path / "s.db")
    assert ran.status == 1
    summary = ran.summary()
    printed = json.dumps(summary)
    assert GITHUB_PAT_CLASSIC not in printed
    assert summary["matches"][0]["text"].startswith("ERROR: push refused for token ")
    assert GITHUB_PAT_CLASSIC.encode() in ran.stdout  # the output itself, as printed
