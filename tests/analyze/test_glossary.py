"""`lessonloop glossary` and docs/glossary.md say what the figures and classes mean, from one
table (report/glossary.py): the document is that table, every error class the analyzer gives has
its words, and the command prints them, one term or all, as text or JSON."""

from __future__ import annotations

from pathlib import Path

from lessonloop.analyze.error_classes import ALL_CLASSES
from lessonloop.report.glossary import ERROR_CLASSES, TERMS, glossary_markdown, words
from tests.conftest import cli

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_document_is_the_table() -> None:
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert glossary_markdown() in text, "docs/glossary.md differs from report/glossary.py: write it again from it"


def test_every_error_class_and_every_linked_document_is_there() -> None:
    assert set(ERROR_CLASSES) == set(ALL_CLASSES)
    assert all(words(label) for label in ALL_CLASSES)
    for term in TERMS:
        assert (ROOT / term.doc).is_file(), term.doc
        assert term.short and term.meaning.endswith((".", ")")), term.name
    assert len({term.name.lower() for term in TERMS}) == len(TERMS)


def test_the_command_prints_one_term_or_all() -> None:
    one = cli("glossary", "mrr")
    assert one.exit_code == 0 and "MRR: " in one.output and "reciprocal rank" in one.output
    assert "compliance" not in one.output
    every = cli("glossary")
    assert all(f"  {term.name}: {term.short}" in every.output for term in TERMS)
    data = cli("glossary", "--json").json()
    assert [row["term"] for row in data] == [term.name for term in TERMS]
    unknown = cli("glossary", "nothing-like-it")
    assert unknown.exit_code == 2 and "INCORRECT_PARAMETER" in unknown.stderr


def test_the_help_points_at_it() -> None:
    assert "`lessonloop glossary`" in " ".join(cli("--help").output.split())
