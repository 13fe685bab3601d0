"""Entry point of the `lessonloop` command (and `python -m lessonloop`)."""

from __future__ import annotations


def main() -> None:
    """Run the command line. The CLI framework is imported only here, never by library code."""
    from lessonloop.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
