"""`lessonloop glossary [TERM ...]`: what the figures and classes printed mean (report/glossary.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import JSON_HELP, UsageError, emit_json

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Commands) -> None:
    """Add `glossary`."""
    glossary = commands.add_parser(
        "glossary",
        help="what the figures and classes mean: compliance, error classes, confidence, MRR, ...",
        description=(
            "What the figures and classes lessonloop prints mean, in plain words: compliance, blind edits, "
            "risk, the error classes (INCORRECT_PARAMETER, ...), confidence, tiers, replay's recall and false "
            "alarms, costs, MRR and the other file-prediction metrics, the habit statistics. Also in "
            "docs/glossary.md."
        ),
    )
    glossary.add_argument(
        "terms", nargs="*", metavar="TERM", help="only the terms whose name holds one of these words (e.g. mrr)"
    )
    glossary.add_argument("--json", action="store_true", help=JSON_HELP)
    glossary.set_defaults(handler=cmd_glossary)


def cmd_glossary(args: argparse.Namespace) -> int:
    from lessonloop.cli.command_parser import help_width
    from lessonloop.report.glossary import TERMS, find, glossary_text

    terms = find(args.terms)
    if not terms:
        names = ", ".join(term.name for term in TERMS)
        raise UsageError(f"no term named like {' '.join(args.terms)!r}; the terms: {names}")
    if args.json:
        emit_json([term.to_json() for term in terms])
    else:
        print(glossary_text(terms, help_width() + 2))
    return 0
