"""`lessonloop ingest --git`: the history wing's way to ingest (core/wing.py's ingest_modes; the
core's ingest command adds its option and hands it the command when it is given)."""

from __future__ import annotations

import argparse


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--git",
        action="store_true",
        help="read git history instead: PATHS are repositories (default: those of the projects the store knows); "
        "only commits not stored yet (docs/git.md)",
    )


def chosen(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "git", False))


def run(args: argparse.Namespace) -> int:
    from lessonloop.history.handlers.git_ingest import cmd_ingest_git

    return cmd_ingest_git(args)
