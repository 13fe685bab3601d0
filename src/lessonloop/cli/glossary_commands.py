"""The parser of `lessonloop glossary [TERM ...]`: what the figures and classes printed mean
(report/glossary.py; its handler: handlers/glossary.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import JSON_HELP

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
    glossary.set_defaults(handler="lessonloop.cli.handlers.glossary:cmd_glossary")
