"""`lessonloop run [OPTIONS] -- COMMAND [ARGS...]`: its own small parser, the run, the summary,
and the telemetry written after it.

The entry point of every run, beside __main__ (which hands `run` to it before any CLI import) and
below cli (which builds `lessonloop run --help` from its options): it uses the runner (the engine),
and after the command has ended the pipeline and the store, so it is in a layer of its own above
them (pyproject.toml, [tool.importlinter]; docs/ARCHITECTURE.md, "Layers").

This module is the whole start-up path of every run, so it imports the standard library, RE2 and
the runner only; the store, the redaction rules and the suggestions are imported after the command
has ended (or, for --auto, before it starts).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from lessonloop.core.arg_types import duration, non_negative, positive
from lessonloop.runner.result import (
    ERROR,
    EXIT,
    FIRST_OUTPUT_TIMEOUT,
    IDLE_TIMEOUT,
    INTERRUPTED,
    MAX_REPEAT,
    OUTPUT_CLOSED,
    STATUS_OWN_ERROR,
    SUCCESS,
    TIMEOUT,
    RunOptions,
    RunResult,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, NoReturn

    from lessonloop.runner.profiles import Profile

ENV_NO_TELEMETRY = "LESSONLOOP_NO_TELEMETRY"
DESCRIPTION = """\
Run COMMAND, pass its output through unchanged and as it comes, and stop it early: on an error
pattern (after a short window that captures the context), on a success pattern, or when it runs,
stays silent or repeats itself for too long. Every run is recorded in the store (timings,
matches, how it ended) unless --no-telemetry or LESSONLOOP_NO_TELEMETRY=1.

Exit status, as coreutils `timeout`:
  the command's own status    it ended by itself (128+N when signal N ended it)
  the command's status, or 1  stopped on an error match (1 when it had not failed yet)
  0                           stopped on a success match
  124                         a timeout (-t, -I, -F) or a stuck loop (--max-repeat)
  125                         lessonloop's own error (a bad pattern or option)
  126 / 127                   the command cannot be run / is not found
"""
EPILOG = """\
Without -e or --profile, a test runner's profile is detected from the command (pytest, python -m
pytest, jest, vitest, cargo test, go test, mix test, npm/yarn/pnpm test, make test/check): the
note and --json say "detected". --no-profile turns that off; when nothing is detected and no
pattern is given, one line on stderr says that only the limits can stop the command.

examples:
  lessonloop run -- pytest -x tests/                     (the pytest profile, detected)
  lessonloop run --profile pytest -- pytest -x tests/
  lessonloop run -e 'ERROR|panic' -I 2m -t 30m -- make check
  lessonloop run -s 'Listening on' -F 30s -- npm run dev
  lessonloop run --auto -- cargo test      (timeouts learned from earlier runs)
"""


class _Parser(argparse.ArgumentParser):
    """argparse with lessonloop run's status for bad options: 125, as `timeout` has it."""

    def error(self, message: str) -> NoReturn:
        from lessonloop.secrets.redaction import redact  # the message quotes the value given

        self.print_usage(sys.stderr)
        self.exit(STATUS_OWN_ERROR, f"{self.prog}: error: {redact(message, 'command')[0]}\n")


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `lessonloop run` (shared with the main parser's help)."""
    match = parser.add_argument_group("patterns (Python regexes, matched against each line)")
    match.add_argument(
        "-e", "--error", action="append", metavar="PATTERN", help="stop when a line matches (repeatable)"
    )
    match.add_argument(
        "-s",
        "--success",
        action="append",
        metavar="PATTERN",
        help="stop at once with status 0 when a line matches (repeatable)",
    )
    match.add_argument(
        "-x", "--exclude", action="append", metavar="PATTERN", help="lines matching this never match (repeatable)"
    )
    match.add_argument("-i", "--ignore-case", action="store_true", help="patterns ignore case")
    streams = match.add_mutually_exclusive_group()
    streams.add_argument("--stdout-only", action="store_true", help="look for patterns in stdout only")
    streams.add_argument("--stderr-only", action="store_true", help="look for patterns in stderr only")
    match.add_argument(
        "-m",
        "--max-count",
        type=positive,
        default=1,
        metavar="N",
        help="error matches before stopping (default 1)",
    )
    match.add_argument(
        "-A",
        "--after",
        type=duration,
        default=None,
        metavar="DURATION",
        help="after the error match, keep reading this long for context, then stop (default 5s)",
    )
    match.add_argument(
        "--after-lines",
        type=non_negative,
        default=None,
        metavar="N",
        help="... or until this many more lines came, whichever is first (default 100)",
    )
    which = match.add_mutually_exclusive_group()
    which.add_argument(
        "--profile",
        metavar="NAME",
        help="built-in patterns for a tool (pytest, jest, cargo-test, ...); without it and -e, the "
        "profile is detected from the command (pytest, cargo test, npm test, ...)",
    )
    which.add_argument("--no-profile", action="store_true", help="do not detect a profile from the command")
    match.add_argument("--list-profiles", action="store_true", help="list the built-in profiles and exit")
    limits = parser.add_argument_group("limits (durations: 30, 30s, 5m, 2h)")
    limits.add_argument("-t", "--timeout", type=duration, metavar="DURATION", help="stop after this long in all")
    limits.add_argument(
        "-I",
        "--idle-timeout",
        type=duration,
        metavar="DURATION",
        help="stop when there is no output for this long",
    )
    limits.add_argument(
        "-F",
        "--first-output-timeout",
        type=duration,
        metavar="DURATION",
        help="stop when there is no output at all this long after the start",
    )
    limits.add_argument(
        "--max-repeat",
        type=positive,
        metavar="N",
        help="stop when the same line comes N times in a row (a stuck loop)",
    )
    limits.add_argument(
        "--kill-after",
        type=duration,
        default=2.0,
        metavar="DURATION",
        help="when stopping, send KILL this long after TERM if anything is left (default 2s)",
    )
    limits.add_argument(
        "--auto",
        action="store_true",
        help="apply `lessonloop runs suggest`: timeouts (and patterns) learned from this command's earlier runs",
    )
    other = parser.add_argument_group("output and telemetry")
    other.add_argument(
        "--pipes",
        action="store_true",
        help="give the command pipes instead of pseudo-terminals (it may then buffer its output)",
    )
    other.add_argument(
        "--json", action="store_true", help="print a JSON summary (status, reason, matches, durations) at the end"
    )
    other.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no notes on stderr (why the command was stopped; that no pattern is on)",
    )
    other.add_argument("--no-telemetry", action="store_true", help="do not record this run in the store")
    other.add_argument("--db", metavar="PATH", help="the store (default: $LESSONLOOP_DB or the usual place)")
    parser.add_argument("command", nargs="*", metavar="COMMAND", help="the command and its arguments, after --")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lessonloop run",
        usage="lessonloop run [OPTIONS] -- COMMAND [ARGS...]",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_run_arguments(parser)
    return parser


def split_command(parser: argparse.ArgumentParser, argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(lessonloop's options, the command): everything after `--`, else from the first word that is
    neither an option nor an option's value."""
    args = list(argv)
    if "--" in args:
        at = args.index("--")
        return args[:at], args[at + 1 :]
    takes_value = {
        option
        for action in parser._actions
        if action.nargs != 0 and action.option_strings
        for option in action.option_strings
    }
    index = 0
    while index < len(args):
        word = args[index]
        if not word.startswith("-") or word == "-":
            return args[:index], args[index:]
        if word in takes_value:
            index += 2
            continue
        if not word.startswith("--") and len(word) > 2 and word[:2] in takes_value:
            index += 1  # -e'PATTERN'
            continue
        index += 1
    return args, []


def options_from(args: argparse.Namespace, command: list[str]) -> RunOptions:
    """RunOptions from parsed arguments, a --profile's patterns included; ValueError when the
    profile does not exist."""
    options = RunOptions(
        command,
        error=list(args.error or ()),
        success=list(args.success or ()),
        exclude=list(args.exclude or ()),
        ignore_case=args.ignore_case,
        streams="stdout" if args.stdout_only else "stderr" if args.stderr_only else "both",
        max_count=args.max_count,
        after_seconds=args.after if args.after is not None else 5.0,
        after_lines=args.after_lines if args.after_lines is not None else 100,
        timeout=args.timeout,
        idle_timeout=args.idle_timeout,
        first_output_timeout=args.first_output_timeout,
        max_repeat=args.max_repeat,
        kill_after=args.kill_after,
        use_pty=not args.pipes,
    )
    if args.profile:
        from lessonloop.runner.profiles import PROFILES

        profile = PROFILES.get(args.profile)
        if profile is None:
            raise ValueError(f"no profile {args.profile!r}; the profiles are: {', '.join(sorted(PROFILES))}")
        add_profile(options, profile, args)
    return options


def add_profile(options: RunOptions, profile: Profile, args: argparse.Namespace) -> None:
    """Add `profile`'s patterns to the options, and its after window where -A / --after-lines
    did not set one."""
    options.error += [p for p in profile.error if p not in options.error]
    options.success += [p for p in profile.success if p not in options.success]
    options.exclude += [p for p in profile.exclude if p not in options.exclude]
    options.partial += [p for p in profile.partial if p not in options.partial]
    options.ignore_case = options.ignore_case or profile.ignore_case
    if args.after is None and profile.after_seconds is not None:
        options.after_seconds = profile.after_seconds
    if args.after_lines is None and profile.after_lines is not None:
        options.after_lines = profile.after_lines
    options.profile = profile.name


def detect(args: argparse.Namespace, options: RunOptions) -> str | None:
    """The profile detected from the command and added to the options, when the run has no error
    pattern of its own (-e, --profile, --auto) and --no-profile was not given; else None."""
    if args.profile or args.no_profile or options.error:
        return None
    from lessonloop.runner.profiles import detect_profile

    profile = detect_profile(options.argv)
    if profile is None:
        return None
    add_profile(options, profile, args)
    return profile.name


def main(argv: Sequence[str] | None = None) -> int:
    """`lessonloop run`; returns the exit status (125 for lessonloop's own failures)."""
    try:
        return _main(argv)
    except Exception as exc:
        print(f"lessonloop run: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return STATUS_OWN_ERROR


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    own, command = split_command(parser, sys.argv[2:] if argv is None else argv)
    args = parser.parse_args(own)
    if args.command:  # words argparse took as the command: only when no command followed
        command = args.command + command
    if args.list_profiles:
        return _list_profiles(args.json)
    if not command:
        parser.error("no command to run (put it after --)")
    try:
        options = options_from(args, command)
    except ValueError as exc:
        parser.error(str(exc))
    env = dict(os.environ)
    if options.use_pty and not os.isatty(1):
        # The command sees a terminal; lessonloop's own output is not one: no colour codes.
        env.setdefault("NO_COLOR", "1")
    options.auto = _apply_auto(args, options) if args.auto else None
    detected = detect(args, options)
    quiet_note = args.no_profile or args.quiet or args.json or not _runnable(command[0], env)
    if not options.error and not options.success and not quiet_note:
        _say(
            "no error pattern is active (no profile for this command): only its limits can stop it early; "
            "-e PATTERN or --profile NAME adds patterns (--list-profiles), --no-profile silences this note"
        )
    from lessonloop.runner.matching import PatternError
    from lessonloop.runner.supervisor import Supervisor

    try:
        supervisor = Supervisor(options, env=env)
    except PatternError as exc:
        parser.error(str(exc))
    result = supervisor.run()
    if result.message:
        print(f"lessonloop run: {result.message}", file=sys.stderr)
    elif not args.quiet and not args.json:
        note = stop_note(result, detected=detected is not None)
        if note:
            _note(note, result)
    recorded = None
    if not args.no_telemetry and os.environ.get(ENV_NO_TELEMETRY, "") in ("", "0"):
        recorded = _record(result, args.db)
    if args.json:
        _print_summary(result, recorded, detected=detected is not None)
    return result.status


def _runnable(program: str, env: dict[str, str]) -> bool:
    """Whether `program` names something that can be run (the runner says so when not)."""
    import shutil

    if os.sep in program:
        return os.access(program, os.X_OK) and not os.path.isdir(program)
    return shutil.which(program, path=env.get("PATH")) is not None


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
        first = errors[0]
        return f"{profile}an error matched at {first.stream} line {first.line}: {first.text[:200]}"
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


def _note(note: str, result: RunResult) -> None:
    action = "stopped" if result.stopped else "ended"
    try:
        sys.stderr.write(f"\nlessonloop run: {action}: {note} (exit {result.status})\n")
        sys.stderr.flush()
    except OSError:
        pass


def _say(text: str) -> None:
    """One line on stderr before the command starts."""
    try:
        sys.stderr.write(f"lessonloop run: {text}\n")
        sys.stderr.flush()
    except OSError:
        pass


def _seconds(value: float | None) -> str:
    from lessonloop.core.durations import format_duration

    return format_duration(value or 0.0)


def _list_profiles(as_json: bool) -> int:
    from lessonloop.runner.profiles import describe_profiles

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


def _apply_auto(args: argparse.Namespace, options: RunOptions) -> dict[str, Any] | None:
    """Fill what the person did not set from the command's history; the note says what was
    applied. Any failure leaves the options as they were (a run never fails for --auto)."""
    try:
        from lessonloop.pipeline.run_suggestions import auto_options
        from lessonloop.store.run_writer import open_for_recording

        conn = open_for_recording(_db_path(args.db))
        try:
            values, note = auto_options(conn, options.argv)
        finally:
            conn.close()
    except Exception as exc:
        print(f"lessonloop run: --auto: no suggestion ({exc})", file=sys.stderr)
        return None
    applied: dict[str, Any] = {}
    for name in ("timeout", "idle_timeout", "first_output_timeout"):
        value = values.get(name)
        if value is not None and getattr(options, name) is None:
            setattr(options, name, float(value))
            applied[name] = float(value)
    if values.get("error") and not options.error:
        options.error = list(values["error"])
        options.exclude += [p for p in values.get("exclude", ()) if p not in options.exclude]
        applied["error"] = options.error
    if not args.quiet and not args.json:
        print(f"lessonloop run: --auto: {note}", file=sys.stderr)
    return {"applied": applied, "note": note}


def _db_path(explicit: str | None) -> str:
    from lessonloop.store.location import resolve_db_path

    return str(resolve_db_path(explicit))


def _record(result: RunResult, db: str | None) -> int | None:
    """Write the run to the store; a failure is one line on stderr and never changes the status."""
    path = "the store"
    try:
        from lessonloop.pipeline.run_recording import record

        path = _db_path(db)
        return record(result, path)
    except Exception as exc:  # telemetry must never fail the run
        from lessonloop.store.transaction import StoreError

        where = "" if isinstance(exc, StoreError) else f" in {path}"  # a StoreError names the store itself
        print(f"lessonloop run: the run was not recorded{where}: {exc}", file=sys.stderr)
        return None


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


def _print_summary(result: RunResult, run_id: int | None, *, detected: bool) -> None:
    from lessonloop.core.json_codec import dumps
    from lessonloop.secrets.field_redaction import redact_fields

    summary = result.to_json()
    summary["profile_detected"] = detected  # settings.profile names it
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
