"""The context block given to an agent: within its token budget, most useful first, whole lessons."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lessonloop.apply.context_block import HEADING, estimate_tokens, render_context, render_lesson
from lessonloop.apply.recall import recall
from lessonloop.store import open_store
from tests.apply.test_recall import NOW, fixture_lessons, store_lessons


@dataclass(frozen=True)
class Item:
    title: str
    prevention: str | None = "Do the right thing instead."
    prevention_command: str | None = None
    failed_sessions: int = 3
    observations: int = 5
    confidence: float = 0.53
    origin: str | None = "learned"


def items(n: int, title_len: int = 60) -> list[Item]:
    return [Item(title=f"Lesson {i:02d} " + "x" * title_len) for i in range(n)]


def entries(block: str) -> list[str]:
    """The titles of the lessons in a block, in order."""
    return [line[2:] for line in block.splitlines() if line.startswith("- ")]


def test_empty_input_renders_nothing() -> None:
    assert render_context([]) == ""
    assert render_context([], budget_tokens=10_000) == ""


def test_one_entry_reads_what_goes_wrong_what_to_do_and_how_sure() -> None:
    block = render_context([Item("`git push` fails: no upstream branch", "Use `git push -u origin <branch>`.")])
    assert block == (
        f"{HEADING}\n"
        "- `git push` fails: no upstream branch\n"
        "  Instead: Use `git push -u origin <branch>`. (seen 3 times, confidence 0.53)"
    )


def test_entry_without_prevention_or_counts() -> None:
    assert render_lesson(Item("A", prevention=None, failed_sessions=0, observations=0, confidence=0.9)) == (
        "- A\n  (confidence 0.90)"
    )
    assert render_lesson(Item("A", prevention=None, prevention_command="mix format", failed_sessions=1)) == (
        "- A\n  Instead: run `mix format` (seen 1 time, confidence 0.53)"
    )


def test_newlines_in_lesson_text_do_not_break_the_layout() -> None:
    entry = render_lesson(Item("two\nlines\n\n title", prevention="do\tthis\nthen that"))
    assert entry.splitlines() == ["- two lines title", "  Instead: do this then that (seen 3 times, confidence 0.53)"]


@pytest.mark.parametrize("budget", [0, 10, 30, 50, 80, 120, 200, 400, 1000])
def test_the_budget_is_respected_with_whole_lessons_only(budget: int) -> None:
    lessons = items(12)
    block = render_context(lessons, budget_tokens=budget)
    assert estimate_tokens(block) <= budget
    if not block:
        assert budget < estimate_tokens(f"{HEADING}\n{render_lesson(lessons[0])}")
        return
    assert block.startswith(HEADING + "\n")
    shown = entries(block)
    assert shown == [lesson.title for lesson in lessons[: len(shown)]]  # most useful first, in order
    for lesson in lessons[: len(shown)]:
        assert render_lesson(lesson) in block  # never cut in half
    if len(shown) < len(lessons):  # the next one would not have fitted
        assert estimate_tokens(f"{block}\n{render_lesson(lessons[len(shown)])}") > budget


def test_a_lesson_too_long_is_dropped_and_shorter_ones_after_it_still_fit() -> None:
    long = Item("L" * 2000)
    short = [Item("short one"), Item("short two")]
    block = render_context([short[0], long, short[1]], budget_tokens=100)
    assert entries(block) == ["short one", "short two"]
    assert "L" * 100 not in block
    assert render_context([long], budget_tokens=100) == ""


def test_budget_grows_with_more_lessons_shown() -> None:
    lessons = items(12)
    counts = [len(entries(render_context(lessons, budget_tokens=b))) for b in (50, 100, 200, 400, 800)]
    assert counts == sorted(counts)
    assert counts[-1] == 12
    assert counts[0] < counts[-1]


def test_tokens_are_estimated_as_a_quarter_of_the_characters() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd") == 1
    assert estimate_tokens("abcde") == 2


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = open_store(tmp_path / "render.db")
    try:
        store_lessons(connection, fixture_lessons())
        yield connection
    finally:
        connection.close()


def test_renders_recalled_lessons_best_first(conn: sqlite3.Connection) -> None:
    found = recall(conn, "git branch push commit", now=NOW, min_score=0.0, top=10)
    block = render_context(found, budget_tokens=400)
    assert estimate_tokens(block) <= 400
    shown = entries(block)
    assert shown and shown[0] == found[0].title
    order = iter(r.title for r in found)
    assert all(title in order for title in shown)  # in recall's order (a long one may be skipped)
    assert f"confidence {found[0].confidence:.2f}" in block
