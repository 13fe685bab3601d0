"""`lessons` on an 80-column terminal keeps the short columns whole (the id people type next, the
tier, the status, the figures) and lets the title give way: it showed "T…", "a…" and no id."""

from __future__ import annotations

import io

from rich.console import Console

from lessonloop.report.lesson_render import render_lesson_list
from lessonloop.store.lessons.reader import LessonRow


def _lesson(lesson_id: int, **fields: object) -> LessonRow:
    values: dict[str, object] = dict.fromkeys(LessonRow.__dataclass_fields__)
    values.update(
        id=lesson_id,
        tier="candidate",
        status="active",
        confidence=0.37,
        failed_sessions=4,
        sessions=4,
        severity="medium",
        scope="project",
        project="/home/USER/projects/spotter",
        title="`git push` without --set-upstream fails: fatal: The current branch <branch> has no upstream",
    )
    values.update(fields)
    return LessonRow(**values)  # type: ignore[arg-type]


def test_the_short_columns_stay_whole_at_80_columns() -> None:
    out = io.StringIO()
    render_lesson_list(Console(file=out, width=80, color_system=None), [_lesson(8), _lesson(117)], None)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines)
    header, first, second = lines[0], lines[1], lines[2]
    for name in ("ID", "TIER", "STATUS", "CONF", "SEEN", "SEVERITY", "SCOPE", "TITLE"):
        assert name in header, header
    assert first.split()[:7] == ["8", "candidate", "active", "0.37", "4/4", "medium", "spotter"], first
    assert second.split()[0] == "117"
    assert "`git push`" in first


def test_a_wide_scope_name_is_measured_in_cells() -> None:
    out = io.StringIO()
    lesson = _lesson(8, project="/home/用户/我的应用")
    render_lesson_list(Console(file=out, width=80, color_system=None), [lesson], None)
    from rich.cells import cell_len

    lines = out.getvalue().splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    assert "我的应用" in lines[1] and lines[1].split()[0] == "8", lines[1]
