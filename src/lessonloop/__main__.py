"""Entry point of the `lessonloop` command (and `python -m lessonloop`)."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line and exit with its status."""
    if len(sys.argv) > 1 and sys.argv[1] == "hook":  # the hot path: no argparse, no CLI imports
        from lessonloop.apply.hooks.entry import run as run_hook

        sys.argv[1:] = sys.argv[2:]
        run_hook()
    if len(sys.argv) > 1 and sys.argv[1] == "run":  # every run starts here: only the runner's small parser
        from lessonloop.runner.entry import main as run_main

        sys.exit(run_main(sys.argv[2:]))
    from lessonloop.cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
