"""`lessonloop runs cleanup`: cleanup's runs part alone (runs/cleanup_part.py), the runs older than
their retention deleted, said as `lessonloop cleanup` says it; asked first as cleanup asks
(cli/confirmation.py)."""

from __future__ import annotations

import argparse
import sys

from lessonloop.cli.common import emit_json, existing_store, open_cli_store, user_config
from lessonloop.cli.confirmation import confirmed
from lessonloop.runs import cleanup_part


def cmd_runs_cleanup(args: argparse.Namespace) -> int:
    """`runs cleanup`: cleanup's runs part alone, the same output for it."""
    if not existing_store(args.db):
        part = cleanup_part.cleanup(None, args, user_config)
    else:
        with open_cli_store(args.db) as conn:
            part = cleanup_part.cleanup(conn, argparse.Namespace(**{**vars(args), "dry_run": True}), user_config)
            if not args.dry_run and part.result.runs:
                preview = cleanup_part.cleanup_text(part.result, part.older_than)
                if not args.yes and not confirmed(preview, "runs cleanup"):
                    print("Nothing was deleted.", file=sys.stderr)
                    return 1
                part = cleanup_part.cleanup(conn, args, user_config)
    if args.json:
        emit_json(part.to_json())
    else:
        print(cleanup_part.cleanup_text(part.result, part.older_than))
    return 0
