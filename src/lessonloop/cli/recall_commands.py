"""`lessonloop recall`: the stored lessons that matter for a text, as a table, JSON, or the block
an agent would be given."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from lessonloop.arg_types import positive
from lessonloop.cli.common import (
    CommandError,
    common_options,
    emit_json,
    fraction,
    non_negative,
    open_cli_store,
    resolve_project,
    shown,
)
from lessonloop.lesson_model.provenance import short

if TYPE_CHECKING:
    from lessonloop.apply.recall import Recalled


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from lessonloop.apply.recall import DEFAULT_MIN_SCORE
    from lessonloop.apply.render import DEFAULT_BUDGET_TOKENS

    recall = commands.add_parser(
        "recall",
        help="the lessons that matter for a text, best first (--context: as an agent gets them)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Find the active lessons that matter for TEXT: full-text search over their title,\n"
            "prevention and details, plus sentence embeddings when the model is installed and the\n"
            "lessons have vectors. Each is scored: relevance weighted by confidence, recency and\n"
            "severity (--explain shows every factor). Lessons under --min-score are not shown.\n\n"
            "Exit status: 0, also when nothing passed the minimum score."
        ),
    )
    recall.add_argument("text", nargs="+", metavar="TEXT", help="what the agent is about to do or ran into")
    recall.add_argument(
        "-p", "--project", metavar="P", help="only lessons of this project (or part of its path) and global ones"
    )
    recall.add_argument("--tool", metavar="T", help="only lessons triggered by this tool (Bash, Edit, ...) or by none")
    recall.add_argument("--top", type=positive, default=5, metavar="K", help="at most K lessons (default 5)")
    recall.add_argument(
        "--min-score",
        type=fraction,
        default=DEFAULT_MIN_SCORE,
        metavar="X",
        help=f"leave out lessons scoring under X, 0-1 (default {DEFAULT_MIN_SCORE:g})",
    )
    recall.add_argument("--explain", action="store_true", help="show every factor of each score")
    recall.add_argument(
        "--all", action="store_true", help="also recall pending, rejected and archived lessons (default: active only)"
    )
    recall.add_argument("--context", action="store_true", help="print the block of text an agent would be given")
    recall.add_argument(
        "--budget",
        type=non_negative,
        default=DEFAULT_BUDGET_TOKENS,
        metavar="N",
        help=f"with --context: at most N tokens, about 4 characters each (default {DEFAULT_BUDGET_TOKENS})",
    )
    recall.add_argument(
        "--no-vectors", action="store_true", help="search words only, even when the embedding model is installed"
    )
    common_options(recall)
    recall.set_defaults(handler=cmd_recall)


def cmd_recall(args: argparse.Namespace) -> int:
    from lessonloop.apply.recall import ALL_STATUSES, query_terms, recall, resolve_embedder
    from lessonloop.config import ConfigError, load_config

    text = " ".join(args.text).strip()
    if not text:
        raise CommandError("nothing to recall for: TEXT is empty")
    try:
        excluded = load_config().lessons.exclude_categories  # [lessons] exclude_categories
    except ConfigError as exc:
        raise CommandError(str(exc)) from exc
    with open_cli_store(args.db, reading=True) as conn:
        project = resolve_project(conn, args.project)
        try:
            embedder = None if args.no_vectors else resolve_embedder(conn, "auto")
        except Exception as exc:
            # The embeddings module is imported only when some lesson has a vector (it is not light).
            from lessonloop.apply.embeddings import EmbeddingError

            if not isinstance(exc, EmbeddingError):
                raise
            raise CommandError(f"{exc} (--no-vectors searches words only)") from exc
        results = recall(
            conn,
            text,
            project=project,
            tool=args.tool,
            top=args.top,
            min_score=args.min_score,
            embedder=embedder,
            explain=args.explain or args.json,
            include=ALL_STATUSES[1:] if args.all else (),
            exclude_categories=excluded,
        )
        empty = None
        if not results and not args.json:
            from lessonloop.cli.empty_results import no_recall_text

            statuses = ALL_STATUSES if args.all else ALL_STATUSES[:1]
            empty = no_recall_text(conn, statuses, project, args.min_score, text)
    if args.json:
        emit_json(
            {
                "query": text,
                "terms": list(query_terms(text)),
                "project": project,
                "tool": args.tool,
                "min_score": args.min_score,
                "vectors": embedder.model_id if embedder is not None else None,
                "results": [r.to_json(explain=True) for r in results],
            }
        )
        return 0
    if empty is not None:
        print(empty, file=sys.stderr if args.context else sys.stdout)
        return 0
    if args.context:
        from lessonloop.apply.render import render_context

        block = render_context(results, args.budget)
        if block:
            print(shown(block))
        else:
            print(f"No lesson fits in {args.budget} tokens.", file=sys.stderr)
        return 0
    _print_table(results, text, embedder is not None)
    if args.explain:
        for rank, result in enumerate(results, 1):
            print(explain_text(rank, result))
    return 0


def _print_table(results: list[Recalled], text: str, vectors: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    from lessonloop.cli.common import console

    how = "words and vectors" if vectors else "words"
    table = Table(title=escape(f"Lessons for {text!r} (by {how})"), title_justify="left")
    table.add_column("score", justify="right")
    table.add_column("conf. now", justify="right")
    table.add_column("lesson")
    table.add_column("instead")
    for result in results:
        table.add_row(
            f"{result.score:.2f}",
            f"{result.confidence:.2f}",
            escape(f"{result.title} [#{result.id}{'' if result.origin == 'learned' else ', ' + short(result.origin)}]"),
            escape(result.prevention or result.prevention_command or "-"),
        )
    console().print(table)
    console().print(
        "[dim]conf. now: the lesson's confidence decayed to today, as ranking uses it (`lessons list` shows "
        "it as of the last learning); score: relevance to the text x its weights (--explain).[/]"
    )
    sys.stdout.flush()


def explain_text(rank: int, result: Recalled) -> str:
    """Every factor of one result's score, in two or three lines."""
    f = result.factors
    lines = [
        f"#{rank} lesson {result.id}: score {f.score:.4f} = relevance {f.relevance:.4f}"
        f" x confidence weight {f.confidence_weight:.3f} (confidence {f.confidence:.3f})"
        f" x recency weight {f.recency_weight:.3f} (recency {f.recency:.3f})"
        f" x severity weight {f.severity_weight:.2f} ({result.severity})"
    ]
    lexical = (
        f"lexical {f.lexical:.4f} (bm25 {f.bm25:.4f} of ceiling {f.bm25_ceiling:.4f}; matched: "
        f"{', '.join(f.matched_terms) or '-'} of {', '.join(f.query_terms) or '-'})"
        if f.bm25 is not None
        else f"lexical 0 (no word matched of {', '.join(f.query_terms) or '-'})"
    )
    vector = f"vector {f.vector:.4f} (cosine {f.cosine:.4f})" if f.cosine is not None else "vector 0 (not searched)"
    lines.append(f"   relevance = 1 - (1 - {f.lexical:.4f}) x (1 - {f.vector:.4f}): {lexical}; {vector}")
    return "\n".join(lines)
