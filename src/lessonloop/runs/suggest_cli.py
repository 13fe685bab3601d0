"""`lessonloop runs suggest` (the options to run a command with, learned from its recorded runs) and
`lessonloop runs patterns` (how well each watched pattern told real failures). docs/runner-learning.md
explains the numbers. Their parsers; the handlers: handlers/suggest.py and handlers/patterns.py."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def add_suggest(commands: Commands, path: str = "runs suggest") -> None:
    """The suggest command at `path` (its words after `lessonloop`)."""
    suggest = commands.add_parser(
        path.split()[-1],
        usage=f"lessonloop {path} [-h] [--db PATH] [--json] [--] COMMAND...",
        help="the `lessonloop run` options for a command, learned from its recorded runs",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Suggest the options of `lessonloop run` for COMMAND from the recorded runs of its\n"
            "normalized form (`pytest tests/x.py` and `pytest tests/y.py` are both `pytest <path>`):\n\n"
            "  --timeout, --idle-timeout, --first-output-timeout   from the successful runs: the 95th\n"
            "      percentile x 1.5, never below the longest run x 1.25, rounded up (at least 5\n"
            "      successful runs are needed)\n"
            "  --error / --success                                  patterns that told real outcomes\n"
            "      with few false alarms, else --profile (the built-in one for the program)\n\n"
            "It also lists the runs far from the usual duration or output (anomalies).\n"
            "COMMAND is one quoted command line or its words. --json and --db PATH are\n"
            "lessonloop's wherever they stand, before or after the command's words, up to a `--`;\n"
            "everything after a `--` is the command's (so is everything inside quotes):\n\n"
            f"  lessonloop {path} 'pytest -x tests/'\n"
            f"  lessonloop {path} pytest -x tests/ --json\n"
            f"  lessonloop {path} --json -- jest --json      (for `jest --json`)\n\n"
            "`lessonloop run --auto` applies the same suggestion."
        ),
    )
    suggest.add_argument("--db", metavar="PATH", help=DB_HELP)
    suggest.add_argument("--json", action="store_true", help=JSON_HELP)
    # REMAINDER: the command's own options (`pytest -x`) are not lessonloop's; split_suggest_words
    # then takes lessonloop's --json and --db from among the words, up to a `--`.
    suggest.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        metavar="COMMAND",
        help="the command: one quoted command line, or its words (after a `--`, every word is the command's)",
    )
    suggest.set_defaults(handler="lessonloop.runs.handlers.suggest:cmd_suggest")


def add_patterns(commands: Commands) -> None:
    """The patterns command (`runs patterns`)."""
    patterns = commands.add_parser(
        "patterns",
        help="how well each pattern `lessonloop run` watched for told real failures (precision, misses)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Pattern effectiveness over the recorded runs, per pattern:\n\n"
            "  RUNS     runs that watched for it        MATCHED  runs where it matched\n"
            "  REAL     matched, and the run really failed (for a success pattern: succeeded):\n"
            "           the command's own status, or feedback (rating 4-5, should_have_stopped)\n"
            "  FALSE    matched, yet the command then succeeded by itself, or feedback said\n"
            "           should_have_waited or a rating of 1-2\n"
            "  UNKNOWN  matched, with neither (stopped, and no feedback)\n"
            "  MISSED   did not match, yet the run failed (for a success pattern: succeeded)\n"
            "  PRECISION  REAL / (REAL + FALSE), with its 95% Wilson interval\n\n"
            "`lessonloop feedback` turns UNKNOWN into REAL or FALSE."
        ),
    )
    patterns.add_argument(
        "--command",
        metavar="C",
        help="only the runs of this command (a command line, or a normalized command as `lessonloop runs` shows it)",
    )
    patterns.add_argument("--db", metavar="PATH", help=DB_HELP)
    patterns.add_argument("--json", action="store_true", help=JSON_HELP)
    patterns.set_defaults(handler="lessonloop.runs.handlers.patterns:cmd_patterns")
