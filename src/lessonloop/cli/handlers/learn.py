"""`lessonloop learn`: learn lessons from the stored history (analyzing what is new first)."""

from __future__ import annotations

import argparse
import sys

from lessonloop.cli.common import emit_json, open_cli_store
from lessonloop.cli.lesson_commands import learn_run_text
from lessonloop.learning.runs import learn_store
from lessonloop.pipeline.analysis import analyze_store
from lessonloop.report.progress import Busy


def cmd_learn(args: argparse.Namespace) -> int:
    with open_cli_store(args.db) as conn:
        busy = not args.json and sys.stderr.isatty()
        with Busy("learning lessons...", enabled=busy):
            analyze_store(conn)
            run = learn_store(conn, force=args.force)
    if args.json:
        emit_json(run.to_json())
    else:
        print(learn_run_text(run))
    return 0
