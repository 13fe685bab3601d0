"""`lessons list` lays its table out itself (issue 39: rich's Table took 6.5 s over 10,000 pending
lessons; benchmarks/lessons_list_bench.py measures it): the text is the one rich's Table draws,
cell for cell, for every kind of cell (wide characters, markup-like text, long titles cut with an
ellipsis, ids of every length) and every terminal width; below the title's 8 columns rich's
Table draws it."""

from __future__ import annotations

import io
import random

import pytest
from rich.cells import cell_len
from rich.console import Console

from lessonloop.report import lesson_render
from lessonloop.store.lessons.reader import LessonRow

TITLES = (
    "short",
    "`git push` without --set-upstream fails: fatal: The current branch <branch> has no upstream",
    "漢字のタイトル" * 8,
    "emoji 🎉🎉 title [bold]x[/] \\[y]",
    "a" * 200,
    "tab\tand\nnewline  spaces",
)


def _lesson(rng: random.Random, lesson_id: int) -> LessonRow:
    values: dict[str, object] = dict.fromkeys(LessonRow.__dataclass_fields__)
    values.update(
        id=lesson_id,
        tier=rng.choice(["candidate", "active", "core"]),
        status=rng.choice(["active", "pending", "rejected", "archived"]),
        confidence=rng.random(),
        failed_sessions=rng.randint(0, 99),
        sessions=rng.randint(0, 9999),
        severity=rng.choice(["low", "medium", "critical"]),
        scope=rng.choice(["project", "global"]),
        project=rng.choice(["/home/u/p/spotter", "/home/用户/我的应用", None, "/x/a-very-long-project-name-indeed"]),
        origin=rng.choice(["learned", "team", "imported", "mcp", "manual"]),
        author=rng.choice([None, "bob", "a-long-member-name-here"]),
        title=rng.choice(TITLES),
    )
    return LessonRow(**values)  # type: ignore[arg-type]


def _drawn(lessons: list[LessonRow], width: int, rich_table: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None)
    rows = [lesson_render._list_cells(lesson) for lesson in lessons]
    widths = [max(len(n), *(cell_len(r[i]) for r in rows)) for i, n in enumerate(lesson_render.LIST_NAMES)]
    room = width - sum(widths) - 2 * len(lesson_render.LIST_NAMES)
    # a terminal too narrow for the title's 8 columns: render_lesson_list draws it with rich's Table
    draw = lesson_render._rich_table if rich_table or room < 8 else lesson_render._laid_out
    draw(console, lessons, rows, widths, room)
    return out.getvalue()


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("width", [80, 120, 160, 250])
def test_the_laid_out_table_is_the_one_richs_table_draws(seed: int, width: int) -> None:
    rng = random.Random(seed)
    lessons = [_lesson(rng, rng.randint(1, 10 ** rng.randint(1, 7))) for _ in range(rng.randint(1, 12))]
    assert _drawn(lessons, width, rich_table=False) == _drawn(lessons, width, rich_table=True)


def test_a_narrow_terminal_still_gets_the_short_columns_whole() -> None:
    rng = random.Random(1)
    lessons = [_lesson(rng, 10**6) for _ in range(3)]
    out = io.StringIO()
    lesson_render.render_lesson_list(Console(file=out, width=60, color_system=None), lessons, None)
    assert all(cell_len(line) <= 60 for line in out.getvalue().splitlines())
