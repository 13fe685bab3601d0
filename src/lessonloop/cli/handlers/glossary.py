"""`lessonloop glossary [TERM ...]`: what the figures and classes printed mean (report/glossary.py),
every term or those named like the words given, as text cut to the terminal or as --json."""

from __future__ import annotations

import argparse

from lessonloop.cli.command_parser import help_width
from lessonloop.cli.common import UsageError, emit_json
from lessonloop.report.glossary import TERMS, find, glossary_text


def cmd_glossary(args: argparse.Namespace) -> int:
    terms = find(args.terms)
    if not terms:
        names = ", ".join(term.name for term in TERMS)
        raise UsageError(f"no term named like {' '.join(args.terms)!r}; the terms: {names}")
    if args.json:
        emit_json([term.to_json() for term in terms])
    else:
        print(glossary_text(terms, help_width() + 2))
    return 0
