"""`lessonloop files predict` and `files evaluate`: the files a task will touch, ranked with why, and
the model measured against baselines on a time-ordered split of a repository's history (docs/files.md)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from lessonloop.capture.privacy import CapturePolicy
from lessonloop.cli.common import CommandError, console, emit_json, open_cli_store, shown, user_config
from lessonloop.core import json_codec
from lessonloop.history.file_prediction.job import NoHistory, evaluate_repository, predict, repository_root
from lessonloop.history.file_prediction.metrics import METRICS
from lessonloop.history.git_ingest import ingest_git
from lessonloop.report.glossary import words as glossary_words
from lessonloop.report.progress import Stages

if TYPE_CHECKING:
    import sqlite3

    from lessonloop.history.file_prediction.evaluation import Evaluation


def _progress_shown(args: argparse.Namespace) -> bool:
    """A spinner with the step under way on stderr: on a terminal, without --json (report/progress.py)."""
    return sys.stderr.isatty() and not args.json


def _root(conn: sqlite3.Connection, repo: str | None, project: str | None) -> str:
    try:
        return repository_root(conn, repo=repo, project=project)
    except NoHistory as exc:
        raise CommandError(str(exc)) from None


def cmd_files_predict(args: argparse.Namespace) -> int:
    args.task = " ".join(args.task).strip()
    with Stages(enabled=_progress_shown(args)) as stages, open_cli_store(args.db, reading=True, texts=True) as conn:
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
    with open_cli_store(args.db, reading=args.repo is None, texts=True) as conn:  # --repo reads the repository in first
        if args.repo is not None:
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
