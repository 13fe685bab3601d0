"""The parser of `lessonloop files predict|evaluate`: which files a task will touch (docs/files.md;
the handlers: handlers/files.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP, limit_option, subcommands_only
from lessonloop.core.arg_types import open_fraction

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Commands) -> None:
    files = commands.add_parser(
        "files",
        help="predict which files a task will touch, from the history of commits and chats (predict, evaluate)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "File prediction (docs/files.md): learned from a repository's commits (message ->\n"
            "files; read them with `lessonloop ingest --git`) and its sessions' prompts with the\n"
            "files their edits touched. The model is kept in the store and learns what was\n"
            "stored since it last ran."
        ),
    )
    subcommands_only(files)
    sub = files.add_subparsers(
        dest="files_command", metavar="SUBCOMMAND", title="subcommands", help="predict or evaluate"
    )

    predict = sub.add_parser(
        "predict",
        help="the files a task will touch, each with its score and why",
        description=(
            "Rank the files that exist now by how likely TASK is to touch them, from similar past "
            "tasks, the task's words in their paths, co-change with the --seed files, recency "
            "and frequency."
        ),
    )
    predict.add_argument(
        "task", nargs="+", metavar="TASK", help="the task, in words (a prompt, a commit message), quoted or not"
    )
    predict.add_argument(
        "--seed",
        action="append",
        default=[],
        metavar="FILE",
        help="a file the task is known to touch (repeatable): files changed with it rank higher",
    )
    predict.add_argument(
        "-p", "--project", metavar="P", help="the repository or project (default: the current folder's)"
    )
    limit_option(predict, "how many files (default: 10)", default=10)
    predict.add_argument("--json", action="store_true", help=JSON_HELP)
    predict.add_argument("--db", metavar="PATH", help=DB_HELP)
    predict.set_defaults(handler="lessonloop.history.handlers.files:cmd_files_predict")

    evaluate = sub.add_parser(
        "evaluate",
        help="measure the model against baselines on a time-ordered split of the history",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Train on the commits before the cut, predict each later commit from its message and\n"
            "again with its first file as the seed (then learn it: online), with the model and\n"
            "the baselines (keywords: commit type and words -> files, with plain constants and\n"
            "with those tuned on the training part; recency, frequency, co-change rules). MRR,\n"
            "P@1, Recall@5, Recall@10, NDCG@5, for all, human and automated commits,\n"
            "and the keyword baseline on a random 20% split beside it. Merges and commits of\n"
            "more than 30 files are not tested. Metrics: docs/files.md."
        ),
    )
    where = evaluate.add_mutually_exclusive_group()
    where.add_argument(
        "--repo", metavar="PATH", help="a repository: its new commits are read first (as `ingest --git PATH`)"
    )
    where.add_argument("-p", "--project", metavar="P", help="a stored repository or project")
    evaluate.add_argument(
        "--split", type=open_fraction, default=0.8, metavar="F", help="the share of commits trained on (default: 0.8)"
    )
    evaluate.add_argument(
        "--predictions",
        metavar="FILE",
        help='write one JSON line per test commit: {"commit", "query", "seed" (its first file; null for one file), '
        '"actual" (its files), "predicted" (from the query), "predicted_with_seed" (null without a seed), '
        '"automated"}; docs/files.md',
    )
    evaluate.add_argument("--json", action="store_true", help=JSON_HELP)
    evaluate.add_argument("--db", metavar="PATH", help=DB_HELP)
    evaluate.set_defaults(handler="lessonloop.history.handlers.files:cmd_files_evaluate")
