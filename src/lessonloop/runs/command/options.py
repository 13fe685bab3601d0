"""`lessonloop run`'s command line: its options (shared with `lessonloop --help`'s parser), the
split of lessonloop's options from the command, and the RunOptions they make, a --profile's or a
detected profile's patterns included. On the start-up path of every run: the standard library,
the option types and the runner's records only."""

from __future__ import annotations

import argparse
import sys

from lessonloop.core.arg_types import duration, non_negative, positive
from lessonloop.runs.runner.result import STATUS_OWN_ERROR, RunOptions

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn

    from lessonloop.runs.runner.profiles import Profile

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
        from lessonloop.runs.runner.profiles import PROFILES

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
    options.interrupt_grace = profile.interrupt_grace
    options.profile = profile.name


def detect(args: argparse.Namespace, options: RunOptions) -> str | None:
    """The profile detected from the command and added to the options, when the run has no error
    pattern of its own (-e, --profile, --auto) and --no-profile was not given; else None."""
    if args.profile or args.no_profile or options.error:
        return None
    from lessonloop.runs.runner.profiles import detect_profile

    profile = detect_profile(options.argv)
    if profile is None:
        return None
    add_profile(options, profile, args)
    return profile.name
