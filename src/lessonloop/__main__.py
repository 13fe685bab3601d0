"""Entry point of the `lessonloop` command (and `python -m lessonloop`)."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line and exit with its status."""
    from lessonloop.cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
