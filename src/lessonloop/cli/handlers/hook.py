"""`lessonloop hook EVENT` (and `hooks run EVENT`) reached through the parser: with --help, or run
from Python (cli.main). The installed hooks never come here: __main__.py serves `lessonloop hook`
before any parser is built, and the hooks' own command runs apply/hooks/entry.py directly."""

from __future__ import annotations

import argparse
import os

from lessonloop.apply.hooks.entry import main as hook_main
from lessonloop.store.location import ENV_DB


def cmd_hook(args: argparse.Namespace) -> int:
    """`lessonloop hook` reached through the parser (normally __main__ serves it first)."""
    options = [
        flag for flag, on in (("--warn-only", args.warn_only), ("--block", args.block), ("--ask", args.ask)) if on
    ]
    if not args.db:
        return hook_main([*([args.event] if args.event else []), *options])
    before = os.environ.get(ENV_DB)
    # The hook (and the Stop hook's background worker) find the store by $LESSONLOOP_DB.
    os.environ[ENV_DB] = os.path.abspath(os.path.expanduser(args.db))
    try:
        return hook_main([*([args.event] if args.event else []), *options])
    finally:
        if before is None:
            os.environ.pop(ENV_DB, None)
        else:
            os.environ[ENV_DB] = before
