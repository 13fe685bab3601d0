"""`lessonloop files predict|evaluate`: which files a task will touch (docs/files.md)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from lessonloop.cli.common import (
    DB_HELP,
    JSON_HELP,
    CommandError,
    console,
    emit_json,
    limit_option,
    open_cli_store,
    shown,
    subcommands_only,
    user_config,
)
from lessonloop.core.arg_types import open_fraction

if TYPE_CHECKING:
    import sqlite3

    from lessonloop.history.file_prediction.evaluation import Evaluation

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
    predict.set_defaults(handler=cmd_files_predict)

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
    evaluate.set_defaults(handler=cmd_files_evaluate)


def _progress_shown(args: argparse.Namespace) -> bool:
    """A spinner with the step under way on stderr: on a terminal, without --json (report/progress.py)."""
    import sys

    return sys.stderr.isatty() and not args.json


def _root(conn: sqlite3.Connection, repo: str | None, project: str | None) -> str:
    from lessonloop.history.file_prediction.job import NoHistory, repository_root

    try:
        return repository_root(conn, repo=repo, project=project)
    except NoHistory as exc:
        raise CommandError(str(exc)) from None


def cmd_files_predict(args: argparse.Namespace) -> int:
    from lessonloop.history.file_prediction.job import predict
    from lessonloop.report.progress import Stages

    args.task = " ".join(args.task).strip()
    with Stages(enabled=_progress_shown(args)) as stages, open_cli_store(args.db, reading=True) as conn:
        root = _root(conn, None, args.project)
        stages.step("learning what the history holds since the model last learned, then ranking the files")
        update, predictions = predict(conn, args.task, list(args.seed), root, args.limit)
    if args.json:
        emit_json(
            {
                "repository": root,
                "examples": update.examples,
                "learned_now": update.learned_now,
                "task": args.task,
                "seeds": list(args.seed),
                "predictions": [p.to_json() for p in predictions],
            }
        )
        return 0
    from rich.markup import escape
    from rich.table import Table

    out = console()
    out.print(f"{escape(root)}: learned from {update.examples:,} commits and chats ({update.learned_now:,} new)")
    if not predictions:
        out.print("No file to predict: the history has no files that exist now.")
        return 0
    table = Table(show_edge=False, pad_edge=False)
    for name, justify in (("#", "right"), ("file", "left"), ("score", "right"), ("why", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for rank, p in enumerate(predictions, start=1):
        table.add_row(str(rank), escape(p.path), f"{p.score:.2f}", escape("; ".join(p.reasons)))
    out.print(table)
    return 0


def cmd_files_evaluate(args: argparse.Namespace) -> int:
    from lessonloop.core import json_codec
    from lessonloop.history.file_prediction.job import NoHistory, evaluate_repository
    from lessonloop.report.progress import Stages

    with open_cli_store(args.db, reading=args.repo is None) as conn:  # --repo reads the repository in first
        if args.repo is not None:
            from lessonloop.capture.privacy import CapturePolicy
            from lessonloop.history.git_ingest import ingest_git

            policy = CapturePolicy.from_config(user_config())
            summary = ingest_git(conn, [args.repo], policy=policy)
            if summary.nothing_readable:
                raise CommandError("; ".join(f"{p.path}: {p.detail}" for p in summary.problems) or args.repo)
        root = _root(conn, args.repo, args.project)
        try:
            sink_file = open(args.predictions, "w", encoding="utf-8") if args.predictions else None  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot write {args.predictions}: {exc.strerror or exc}") from None
        try:

            def sink(row: dict[str, Any]) -> None:
                assert sink_file is not None
                row = {**row, "query": shown(row["query"])}
                sink_file.write(json_codec.dumps(row) + "\n")

            with Stages(enabled=_progress_shown(args)) as stages:
                stages.step("training, then predicting each later commit")

                def counted(done: int, total: int) -> None:
                    stages.count(done, total)
                    if done == total:
                        stages.step("the keyword baseline on a random split")

                evaluation = evaluate_repository(
                    conn, root, args.split, sink if sink_file is not None else None, progress=counted
                )
        except NoHistory as exc:
            raise CommandError(str(exc)) from None
        finally:
            if sink_file is not None:
                sink_file.close()
    if args.json:
        emit_json({"repository": root, **evaluation.to_json()})
        return 0
    _print_evaluation(root, evaluation)
    return 0


def _print_evaluation(root: str, evaluation: Evaluation) -> None:
    from rich.markup import escape
    from rich.table import Table

    from lessonloop.history.file_prediction.metrics import METRICS
    from lessonloop.report.glossary import words as glossary_words

    out = console()
    out.print(
        f"{escape(root)}: {evaluation.examples:,} examples, trained on the first {evaluation.train_examples:,}, "
        f"{evaluation.test_commits:,} commits tested (online: each learned after it was predicted)"
    )
    for mode, title in (("message", "from the message"), ("seed", "from the message and the first file as seed")):
        for group in ("all", "human", "automated"):
            results = evaluation.results[mode][group]
            if not results:
                continue
            n = evaluation.counts[mode][group]
            ratio = evaluation.ratio(mode, group, "keywords-tuned")
            table = Table(
                title=f"{title}: {group} commits ({n:,})"
                + (f", model MRR = {ratio:.2f}x the tuned keyword baseline's" if ratio is not None else ""),
                show_edge=False,
                pad_edge=False,
            )
            table.add_column("method")
            for metric in METRICS:
                table.add_column(metric, justify="right")
            for method, values in results.items():
                table.add_row(method, *(f"{values[m]:.3f}" for m in METRICS))
            out.print(table)
    tuned = ", ".join(
        f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}"
        for name, value in evaluation.tuned._asdict().items()
    )
    out.print(
        f"keywords-tuned: the keyword baseline with the constants that ranked best on the training part ({tuned})"
    )
    for mode, groups in evaluation.random_split.items():
        figures = ", ".join(f"{g} {v['mrr']:.3f}" for g, v in groups.items())
        out.print(f"keyword baseline on a random 20% split ({mode}): MRR {figures}")
    out.print(
        f"MRR: {glossary_words('MRR')}; P@1: {glossary_words('P@1')}; Recall@k: {glossary_words('Recall@k')}; "
        f"NDCG@5: {glossary_words('NDCG@5')} (`lessonloop glossary` says more)."
    )
