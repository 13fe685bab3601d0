"""`lessonloop statusline` when the command line's parser reads it (the installed status line is
served before any parser: __main__.py, apply/status_line.py)."""

from __future__ import annotations

import argparse

from lessonloop.apply.status_line import main


def cmd_statusline(args: argparse.Namespace) -> int:
    argv = ["--agent", args.agent] if args.agent else []
    if args.db:
        argv += ["--db", args.db]
    if args.json:
        argv.append("--json")
    return main(argv)
