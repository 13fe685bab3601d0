"""What a command is about to do for good, confirmed first: shown on stderr, then asked on a
terminal; off a terminal nothing is done without --yes (issue 82: no command deletes without
asking). `cleanup`, `runs cleanup`, `forget`, `lessons forget` and `team reject` ask through it."""

from __future__ import annotations

import sys

from lessonloop.cli.common import CommandError


def answered_yes(question: str) -> bool:
    """Ask `question` on stderr and read the answer: whether it is y or yes."""
    sys.stderr.write(question)
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def asked(preview: str, refusal: str, question: str) -> bool:
    """Write `preview` on stderr, then ask `question` on a terminal: whether the person said yes.
    Off a terminal, CommandError(`refusal`): nothing is done."""
    sys.stderr.write(preview + "\n")
    if not sys.stdin.isatty():
        raise CommandError(refusal)
    return answered_yes(question)


def confirmed(preview: str, command: str) -> bool:
    """Whether the person confirms deleting what `preview` (a dry run's report) says."""
    return asked(
        preview.replace("Dry run: nothing was deleted.", "").rstrip(),
        f"nothing was deleted: `{command}` deletes for good and asks first, but standard input is not a "
        "terminal; add --yes to confirm (or --dry-run to only count)",
        "Delete these for good? This cannot be undone. [y/N] ",
    )
