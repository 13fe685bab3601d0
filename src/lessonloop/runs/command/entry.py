"""`lessonloop run [OPTIONS] -- COMMAND [ARGS...]`: parse (options.py), run the runner's
Supervisor, say why it stopped and print the summary (messages.py), record the run
(telemetry.py).

The entry point of every run, beside __main__ (which hands `run` to it before any CLI import) and
below cli (which builds `lessonloop run --help` from its options): it uses the runner (the engine),
and after the command has ended the pipeline and the store, so it is in a layer of its own above
them (pyproject.toml, [tool.importlinter]; docs/ARCHITECTURE.md, "Layers").

This module and options.py are the whole start-up path of every run, so they import the standard
library, RE2 and the runner only; messages.py when there is something to say, telemetry.py (the
store, the redaction rules, the suggestions) after the command has ended (or, for --auto, before
it starts).
"""

from __future__ import annotations

import os
import sys

from lessonloop.runs.command.options import build_parser, detect, options_from, split_command
from lessonloop.runs.runner.result import STATUS_OWN_ERROR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

ENV_NO_TELEMETRY = "LESSONLOOP_NO_TELEMETRY"


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
        from lessonloop.runs.command.messages import list_profiles

        return list_profiles(args.json)
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
    if args.auto:
        from lessonloop.runs.command.telemetry import apply_auto

        options.auto = apply_auto(args, options)
    detected = detect(args, options)
    quiet_note = args.no_profile or args.quiet or args.json or not _runnable(command[0], env)
    if not options.error and not options.success and not quiet_note:
        from lessonloop.runs.command.messages import say

        say(
            "no error pattern is active (no profile for this command): only its limits can stop it early; "
            "-e PATTERN or --profile NAME adds patterns (--list-profiles), --no-profile silences this note"
        )
    from lessonloop.runs.runner.matching import PatternError
    from lessonloop.runs.runner.supervisor import Supervisor

    try:
        supervisor = Supervisor(options, env=env)
    except PatternError as exc:
        parser.error(str(exc))
    result = supervisor.run()
    from lessonloop.runs.command import messages

    if result.message:
        print(f"lessonloop run: {result.message}", file=sys.stderr)
    elif not args.quiet and not args.json:
        messages.say_end(messages.end_lines(result, detected=detected is not None))
    recorded = None
    if not args.no_telemetry and os.environ.get(ENV_NO_TELEMETRY, "") in ("", "0"):
        from lessonloop.runs.command.telemetry import record_run

        recorded = record_run(result, args.db)
    if args.json:
        messages.print_summary(result, recorded, detected=detected is not None)
    return result.status


def _runnable(program: str, env: dict[str, str]) -> bool:
    """Whether `program` names something that can be run (the runner says so when not)."""
    import shutil

    if os.sep in program:
        return os.access(program, os.X_OK) and not os.path.isdir(program)
    return shutil.which(program, path=env.get("PATH")) is not None
