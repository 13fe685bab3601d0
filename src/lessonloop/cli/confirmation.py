"""A deletion confirmed before it is done: what would go is shown on stderr, then asked on a
terminal; off a terminal nothing is deleted without --yes (issue 82: no command deletes without
asking). `lessonloop cleanup` and `runs cleanup` ask through it."""

from __future__ import annotations

import sys

from lessonloop.cli.common import CommandError


def confirmed(preview: str, command: str) -> bool:
    """Whether the person confirms deleting what `preview` says (raises CommandError off a
    terminal: nothing deleted)."""
    sys.stderr.write(preview.replace("Dry run: nothing was deleted.", "").rstrip() + "\n")
    if not sys.stdin.isatty():
        raise CommandError(
            f"nothing was deleted: `{command}` deletes for good and asks first, but standard input is not a "
            "terminal; add --yes to confirm (or --dry-run to only count)"
        )
    sys.stderr.write("Delete these for good? This cannot be undone. [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")
