"""`lessonloop recall`: the stored lessons that matter for a text, as a table, JSON, or the block
an agent would be given."""

from __future__ import annotations

import sys

from lessonloop.cli.common import (
    CommandError,
    common_options,
    emit_json,
    limit_option,
    non_negative,
    open_cli_store,
    project_named,
    shown,
)
from lessonloop.core.arg_types import fraction, positive
from lessonloop.lesson_model.provenance import short

# typing.TYPE_CHECKING without importing typing (nor argparse): see run_recall.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from types import SimpleNamespace

    from lessonloop.apply.recall import Recalled


DEFAULT_TOP = 5  # lessons shown


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    import argparse

    from lessonloop.apply.context_block import DEFAULT_BUDGET_TOKENS
    from lessonloop.apply.recall import DEFAULT_MIN_SCORE

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
    recall.add_argument(
        "--model",
        metavar="M",
        help="only lessons of mistakes made with a model whose name holds M (opus, gpt-5, ...)",
    )
    limit_option(recall, f"at most N lessons (default {DEFAULT_TOP})", default=DEFAULT_TOP)
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


# recall's options as register() adds them: those that take no value (store_true), and those that
# take one, by their spelling, with their destination and their value's type (None: the text as it is).
_FLAGS = {
    "--explain": "explain",
    "--all": "all",
    "--context": "context",
    "--no-vectors": "no_vectors",
    "--json": "json",
}
_VALUED: dict[str, tuple[str, Callable[[str], object] | None]] = {
    "-p": ("project", None),
    "--project": ("project", None),
    "--tool": ("tool", None),
    "--model": ("model", None),
    "-n": ("limit", positive),
    "--limit": ("limit", positive),
    "--min-score": ("min_score", fraction),
    "--budget": ("budget", non_negative),
    "--db": ("db", None),
}


def run_recall(argv: Sequence[str]) -> int | None:
    """`lessonloop recall ARGV` without argparse (issue 28: its import, the parser's modules and
    building the parser were a fifth of the command's time), when `parse_recall` reads ARGV; the
    exit status, as main() would return it. None: ARGV is for argparse (help, an error to report,
    a form of the options this reader leaves to it); nothing was done."""
    args = parse_recall(argv)
    if args is None:
        return None
    from lessonloop.cli.common import run_handler

    return run_handler(cmd_recall, args)


def parse_recall(argv: Sequence[str]) -> SimpleNamespace | None:
    """What the recall parser register() builds makes of `argv` (the words after `recall`), when
    they are in the forms people and agents write: the text's words together, each option given at
    most once, before or after them, as `--option VALUE` or `--option=VALUE`, with a valid value.
    None for anything else (-h, `--`, an abbreviated or unknown option, a word or value starting
    with `-`, a repeated option, a value its type refuses, no text, words on both sides of an
    option): argparse parses those, as it always did, and reports the errors.
    tests/apply/test_recall_parse.py checks the two parsers agree."""
    from types import SimpleNamespace

    from lessonloop.apply.context_block import DEFAULT_BUDGET_TOKENS
    from lessonloop.apply.recall import DEFAULT_MIN_SCORE

    given: dict[str, object] = {}
    text: list[str] = []
    words_ended = False  # an option came after the text: no more words
    index = 0
    while index < len(argv):
        word = argv[index]
        index += 1
        if not word.startswith("-"):
            if words_ended:
                return None
            text.append(word)
            continue
        if text:
            words_ended = True
        name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if name in _FLAGS and not equals:
            dest: str = _FLAGS[name]
            converted: object = True
        elif name in _VALUED:
            dest, kind = _VALUED[name]
            if not equals:
                if index >= len(argv) or argv[index].startswith("-"):
                    return None
                value = argv[index]
                index += 1
            try:
                converted = value if kind is None else kind(value)
            except Exception:  # argparse reports it (an ArgumentTypeError, with its usage)
                return None
        else:
            return None
        if dest in given:
            return None
        given[dest] = converted
    if not text:
        return None
    defaults: dict[str, object] = {
        "project": None,
        "tool": None,
        "model": None,
        "limit": DEFAULT_TOP,
        "min_score": DEFAULT_MIN_SCORE,
        "explain": False,
        "all": False,
        "context": False,
        "budget": DEFAULT_BUDGET_TOKENS,
        "no_vectors": False,
        "db": None,
        "json": False,
    }
    return SimpleNamespace(command="recall", text=text, **{**defaults, **given}, handler=cmd_recall)


def cmd_recall(args: argparse.Namespace | SimpleNamespace) -> int:
    from lessonloop.apply.recall import ALL_STATUSES, query_terms, recall
    from lessonloop.apply.vector_recall import resolve_embedder

    text = " ".join(args.text).strip()
    if not text:
        raise CommandError("nothing to recall for: TEXT is empty")
    excluded = _excluded_categories()
    with open_cli_store(args.db, reading=True) as conn:
        project = project_named(conn, args.project)
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
            top=args.limit,
            min_score=args.min_score,
            embedder=embedder,
            explain=args.explain or args.json,
            include=ALL_STATUSES[1:] if args.all else (),
            exclude_categories=excluded,
            model=args.model,
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
                "model": args.model,
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
        from lessonloop.apply.context_block import render_context

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


# The note under the list: what its two figures are.
NOTE = (
    "conf. now: the lesson's confidence decayed to today, as ranking uses it (`lessons list` shows "
    "it as of the last learning); score: relevance to the text x its weights (--explain)."
)
# Where a lesson's text starts on its lines: after the score's and the confidence's columns.
INDENT = " " * 18


def _excluded_categories() -> tuple[str, ...]:
    """The configuration's [lessons] exclude_categories: none when there is no configuration file
    (the default, without importing config: tests/cli/test_command_imports.py checks it)."""
    from lessonloop.core.config_location import config_file_missing

    if config_file_missing():
        return ()
    from lessonloop.settings.config import ConfigError, load_config

    try:
        return load_config().lessons.exclude_categories
    except ConfigError as exc:
        raise CommandError(str(exc)) from exc


def _print_table(results: list[Recalled], text: str, vectors: bool) -> None:
    """The lessons as a plain list, one lesson a line under a header (score, confidence now,
    lesson and its id), what to do instead on the line below, and the note: the standard library
    only, no rich (its import alone took longer than the rest of the command, issue 28). Every
    text is redacted again (prose), as the console redacts what it prints. On a terminal the lines
    are wrapped to its width under their column; in a pipe or a file a line is never cut."""
    print("\n".join(table_lines(results, text, vectors, _terminal_width())))
    sys.stdout.flush()


def table_lines(results: list[Recalled], text: str, vectors: bool, width: int | None) -> list[str]:
    """The lines _print_table writes; `width`: wrap to it (a terminal's), None: never wrap."""
    how = "words and vectors" if vectors else "words"
    lines = [_fit(shown(f"Lessons for {text!r} (by {how})"), width, ""), "", "score  conf. now  lesson"]
    for result in results:
        origin = "" if result.origin == "learned" else ", " + short(result.origin)
        lesson = shown(f"{result.title} [#{result.id}{origin}]")
        instead = shown(result.prevention or result.prevention_command or "-")
        figures = f"{result.score:5.2f}  {result.confidence:9.2f}  "
        lines.append(_fit(figures + lesson, width, INDENT))
        lines.append(_fit(f"{INDENT}instead: {instead}", width, INDENT + "  "))
    lines += ["", _fit(NOTE, width, "")]
    return lines


def _fit(line: str, width: int | None, indent: str) -> str:
    """`line` wrapped to `width` (the lines after the first start with `indent`), or as it is."""
    if width is None or len(line) <= width:
        return line
    import textwrap

    return (
        "\n".join(textwrap.wrap(line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False))
        or line
    )


def _terminal_width() -> int | None:
    """The terminal's width when the output is one, else None (no wrapping)."""
    if not sys.stdout.isatty():
        return None
    import os

    try:
        return max(os.get_terminal_size(sys.stdout.fileno()).columns, 40)
    except (OSError, ValueError):
        return None


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
