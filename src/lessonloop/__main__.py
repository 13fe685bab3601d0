"""Entry point of the `lessonloop` command (and `python -m lessonloop`)."""

from __future__ import annotations

import os
import sys

# The commands the hook server may run (apply/hooks/client.SERVED_COMMANDS, which the client
# checks): named here so that other commands import nothing of it.
SERVED = ("stats", "sessions", "show", "report", "search")


def hook_db_option(argv: list[str]) -> list[str]:
    """`lessonloop hook`'s arguments without `--db PATH` (or `--db=PATH`), which goes into
    $LESSONLOOP_DB: that is how the hook, and the background worker the Stop hook starts, find
    the store. No argparse here: this is every hook's path."""
    rest: list[str] = []
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--db" and index + 1 < len(argv):
            os.environ["LESSONLOOP_DB"] = os.path.abspath(os.path.expanduser(argv[index + 1]))
            index += 2
            continue
        if word.startswith("--db="):
            os.environ["LESSONLOOP_DB"] = os.path.abspath(os.path.expanduser(word[len("--db=") :]))
        else:
            rest.append(word)
        index += 1
    return rest


def _all_utf8(arguments: list[str]) -> bool:
    """Every argument is text (Python gives a byte it cannot decode as a lone surrogate)."""
    for argument in arguments:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def main() -> None:
    """Run the command line and exit with its status."""
    if len(sys.argv) > 1 and sys.argv[1] != "hook" and not _all_utf8(sys.argv[1:]):
        # an argument that is not UTF-8: a usage error, every command (the module read only then)
        from lessonloop.cli.undecodable import undecodable_argument

        problem = undecodable_argument(sys.argv[1:])
        if problem is not None:
            print(f"Error: {problem}", file=sys.stderr)
            sys.exit(2)
    if sys.argv[1:] in (["--version"], ["-V"]):  # what argparse's version action prints, without argparse
        from lessonloop import __version__

        print(f"lessonloop {__version__}")
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] in SERVED and os.environ.get("LESSONLOOP_HOOK_SERVER", "1") != "0":
        # a read: through the hook server when one answers (apply/hooks/client.py), else here
        from lessonloop.apply.hooks.client import SERVED_COMMANDS, through_server

        if sys.argv[1] in SERVED_COMMANDS and hasattr(os, "fork"):
            code = through_server("cli", sys.argv[1:])
            if code is not None:
                os._exit(code)
    run_here()


def run_here() -> None:
    """The command line of sys.argv, run in this process (the hook server's child runs a read so)."""
    if len(sys.argv) > 1 and sys.argv[1] == "hook":  # the hot path: no argparse, no CLI imports
        if "-h" in sys.argv[2:] or "--help" in sys.argv[2:]:
            from lessonloop.cli import main as cli_main

            sys.exit(cli_main())
        from lessonloop.apply.hooks.entry import run as run_hook

        sys.argv[1:] = hook_db_option(sys.argv[2:])
        run_hook()
    if len(sys.argv) > 1 and sys.argv[1] == "statusline" and not {"-h", "--help"} & set(sys.argv[2:]):
        # the agent's status line, every turn: a hook's path (no argparse, no CLI imports)
        from lessonloop.apply.status_line import main as status_line

        sys.exit(status_line(sys.argv[2:]))
    if len(sys.argv) > 1 and sys.argv[1] != "recall":
        # A wing's command that reads its own line (`lessonloop run`: only the runner's small parser)
        from lessonloop.core.wings import entry_point

        own = entry_point(sys.argv[1])
        if own is not None:
            sys.exit(own(sys.argv[2:]))
    if len(sys.argv) > 1 and sys.argv[1] == "recall":  # its usual options read without argparse
        from lessonloop.cli.recall_commands import run_recall

        status = run_recall(sys.argv[2:])
        if status is not None:
            sys.exit(status)
    from lessonloop.cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
