"""The sessions table keeps its short columns whole (the agent's name, the project's end, every
figure) and lets only the first prompt give way, at the width piped output gets (160) and on a
terminal. It was "clau…", "…e/USER/project…", and at 110 columns the tool and error counts gone."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from lessonloop.report.queries import SessionRow
from lessonloop.report.render import render_sessions

PROMPT = "Work on bead spotter-dov. Run bd show spotter-dov to see the issue details and then fix it properly"


def _row(agent: str, project: str) -> SessionRow:
    return SessionRow(
        id="4d5611e5-241a-462a-8d15-5122611a9569",
        agent=agent,
        project=project,
        cwd=project,
        git_branch=None,
        title=None,
        first_prompt=PROMPT,
        started_at="2026-02-12T16:02:00Z",
        ended_at=None,
        model="claude-opus-4-6",
        prompts=2,
        tool_calls=183,
        errors=13,
        subagents=2,
        input_tokens=1,
        output_tokens=2,
        cache_creation_tokens=3,
        cache_read_tokens=13_000_000,
    )


@pytest.mark.parametrize("width", [100, 110, 120, 160])
def test_agent_and_project_end_are_shown_whole(width: int) -> None:
    out = io.StringIO()
    console = Console(file=out, width=width, highlight=False, color_system=None)
    render_sessions(console, [_row("claude-code", "/home/USER/projects/spotter"), _row("opencode", "/test/project")])
    lines = out.getvalue().splitlines()
    assert all(len(line) <= width for line in lines)
    body = lines[1:3]
    assert "claude-code" in body[0] and "opencode" in body[1]
    assert "projects/spotter " in body[0]  # the project's end, the part that names it
    assert "/test/project" in body[1]
    assert "183" in body[0] and " 13 " in body[0] and "13.0M" in body[0]  # every figure
    if width >= 160:
        assert "Work on bead" in body[0]  # the first prompt when there is room, shortened


def test_wide_characters_are_measured_as_they_show() -> None:
    """A project path in Chinese takes two cells a character: measured in characters, the column
    was too narrow and the token count was cut off ("TOKEN", "1" for 10)."""
    row = _row("claude-code", "/home/用户/项目/我的应用程序")
    out = io.StringIO()
    render_sessions(Console(file=out, width=100, highlight=False, color_system=None), [row])
    lines = out.getvalue().splitlines()
    from rich.cells import cell_len

    assert all(cell_len(line) <= 100 for line in lines)
    assert lines[0].rstrip().endswith("TOKENS") or "TOKENS" in lines[0], lines[0]
    assert "13.0M" in lines[1], lines[1]
