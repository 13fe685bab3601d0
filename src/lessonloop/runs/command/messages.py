"""What `lessonloop run` says: the one line on stderr before a command starts; after it ended, why
it was stopped, the failing tests its output names (each with its assertion or error) and the
exit status in words; the profiles listed; and the --json summary. What it quotes of the output
is redacted as the stored run is. Imported after the command has ended, or before it starts only
when there is something to say."""

from __future__ import annotations

import contextlib
import os
import sys

from lessonloop.runs.runner.result import (
    ERROR,
    EXIT,
    FIRST_OUTPUT_TIMEOUT,
    IDLE_TIMEOUT,
    INTERRUPTED,
    MAX_REPEAT,
    OUTPUT_CLOSED,
    SUCCESS,
    TIMEOUT,
    RunResult,
)


def stop_note(result: RunResult, *, detected: bool = False) -> str | None:
    """One line saying why the command was stopped (None when it ended by itself); a match says
    which profile was on ("profile pytest (detected): an error matched ...")."""
    options = result.options
    reason = result.reason
    if reason == EXIT:
        return None
    profile = f"profile {options.profile}{' (detected)' if detected else ''}: " if options.profile else ""
    errors = [m for m in result.matches if m.kind == "error"]
    if reason == ERROR and errors:
        from lessonloop.secrets.redaction import redact

        first = errors[0]
        text = redact(first.text[:200], "output")[0]
        return f"{profile}an error matched at {first.stream} line {first.line}: {text}"
    if reason == SUCCESS:
        found = [m for m in result.matches if m.kind == "success"]
        text = f"the success pattern matched: {found[0].text[:200]}" if found else "the success pattern matched"
        return profile + text
    if reason == TIMEOUT:
        return f"still running after {_seconds(options.timeout)} (--timeout)"
    if reason == IDLE_TIMEOUT:
        return f"no output for {_seconds(options.idle_timeout)} (--idle-timeout)"
    if reason == FIRST_OUTPUT_TIMEOUT:
        return f"no output at all in {_seconds(options.first_output_timeout)} (--first-output-timeout)"
    if reason == MAX_REPEAT:
        return f"the same line {options.max_repeat} times in a row (--max-repeat)"
    if reason == INTERRUPTED:
        return "interrupted"
    if reason == OUTPUT_CLOSED:
        return "its output was closed"
    return None


MAX_FAILURES_SHOWN = 3
# Said of a failing test whose report the output does not hold (the run was stopped first).
NO_REPORT = {
    "": "its report was not printed before the command ended",
    "cargo-test": "libtest prints a failing test's output when the test binary ends: "
    "`cargo test {name} -- --exact` runs it alone",
}


def end_lines(result: RunResult, *, detected: bool = False) -> list[str]:
    """The lines said on stderr after the command ended: why it was stopped, its failing tests
    (the first MAX_FAILURES_SHOWN, a few lines each), the exit status in words. Nothing for a
    run that ended by itself, but for a failed run with a profile (its failures) or a command
    killed by a signal."""
    note = stop_note(result, detected=detected)
    failed = result.status != 0 and (note is not None or result.options.profile is not None)
    signalled = result.child_status is not None and result.child_status < 0
    if note is None and not failed and not signalled:
        return []
    lines = [f"{'stopped' if result.stopped else 'ended'}: {note}"] if note else []
    if failed:
        lines += failure_lines(result)
    lines.append(f"exit {result.status}: {status_words(result)}")
    return lines


def status_words(result: RunResult) -> str:
    """The exit status in words (runner/exit_words.py)."""
    from lessonloop.runs.runner.exit_words import exit_words

    errors = sum(1 for match in result.matches if match.kind == "error")
    return exit_words(
        reason=result.reason,
        stopped=result.stopped,
        child_status=result.child_status,
        profile=result.options.profile,
        errors=min(errors, result.options.max_count),
        signals=result.signals,
    )


def failure_lines(result: RunResult) -> list[str]:
    """The failing tests, redacted: `failed: NAME (where)` and its lines indented under it."""
    from lessonloop.secrets.redaction import redact

    lines: list[str] = []
    for failure in result.failures[:MAX_FAILURES_SHOWN]:
        where = f" ({failure.where})" if failure.where and failure.where not in failure.name else ""
        lines.append(redact(f"failed: {failure.name}{where}", "output")[0])
        lines += ["    " + redact(line, "output")[0] for line in failure.lines]
        if not failure.lines:
            hint = NO_REPORT.get(result.options.profile or "", NO_REPORT[""])
            lines.append("    (" + hint.format(name=failure.name) + ")")
    more = len(result.failures) - MAX_FAILURES_SHOWN
    if more > 0:
        lines.append(f"... and {more} more failure{'s' if more > 1 else ''} (the output above has them)")
    return lines


def say_end(lines: list[str]) -> None:
    """The end lines on stderr, after a blank line (the command's last line may be unfinished);
    a failure's own lines (indented) without the `lessonloop run:` prefix."""
    if not lines:
        return
    try:
        sys.stderr.write("\n" + "".join(f"{'' if line[:1] == ' ' else 'lessonloop run: '}{line}\n" for line in lines))
        sys.stderr.flush()
    except OSError:
        pass


def say(text: str) -> None:
    """One line on stderr before the command starts."""
    try:
        sys.stderr.write(f"lessonloop run: {text}\n")
        sys.stderr.flush()
    except OSError:
        pass


def _seconds(value: float | None) -> str:
    from lessonloop.core.durations import format_duration

    return format_duration(value or 0.0)


def list_profiles(as_json: bool) -> int:
    from lessonloop.runs.runner.profiles import describe_profiles

    profiles = describe_profiles()
    if as_json:
        from lessonloop.core.json_codec import dumps

        sys.stdout.write(dumps(profiles, indent=True) + "\n")
        return 0
    for profile in profiles:
        commands = ", ".join(" ".join(c) for c in profile["commands"])
        sys.stdout.write(f"{profile['name']:<12} {profile['description']}\n")
        sys.stdout.write(f"{'':<12} for: {commands}\n")
        for kind in ("error", "success", "exclude"):
            for pattern in profile[kind]:
                sys.stdout.write(f"{'':<12} {kind:<8} {pattern}\n")
    return 0


def peak_memory_kb() -> int | None:
    """lessonloop's own peak resident memory in KiB: VmHWM (getrusage's ru_maxrss would include
    the memory of the process that started lessonloop, which it keeps across exec)."""
    try:
        with open("/proc/self/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    except (ImportError, OSError):
        return None


def print_summary(result: RunResult, run_id: int | None, *, detected: bool) -> None:
    from lessonloop.core.json_codec import dumps
    from lessonloop.secrets.field_redaction import redact_fields

    summary = result.to_json()
    summary["profile_detected"] = detected  # settings.profile names it
    summary["status_words"] = status_words(result)
    summary["run_id"] = run_id
    summary["max_rss_kb"] = peak_memory_kb()
    # The command and the matched lines are redacted as the stored run is (and as every --json is).
    out = dumps(redact_fields(summary)[0]) + "\n"
    try:
        sys.stdout.write(out if result.stdout.ends_newline else "\n" + out)  # the summary is a line of its own
        sys.stdout.flush()
    except OSError:  # the output is gone (`| head`): the status says so already
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
