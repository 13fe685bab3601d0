"""`lessonloop recall`'s default output: a plain list written with the standard library (issue 28:
rich's import alone took longer than the rest of the command), every text redacted again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lessonloop.apply.recall import recall
from lessonloop.cli.recall_commands import INDENT, NOTE, table_lines
from tests.conftest import GIT_PUSH_LESSON, cli, store_with_active_lessons

TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    # a prevention long enough to wrap
    prevention = "Push with `git push --set-upstream origin HEAD` and then keep going with the rest of the work."
    return store_with_active_lessons(tmp_path, {**GIT_PUSH_LESSON, "prevention": prevention})


def test_the_list_shows_each_lesson_its_figures_and_what_to_do_instead(store: Path) -> None:
    out = cli("recall", "--db", store, "--no-vectors", "git push").output
    lines = out.splitlines()
    assert lines[0] == "Lessons for 'git push' (by words)"
    assert lines[2] == "score  conf. now  lesson"
    lesson = next(line for line in lines if "`git push` fails" in line)
    score, confidence = lesson.split()[:2]
    assert 0 < float(score) <= 1 and 0 < float(confidence) <= 1
    assert lesson.endswith("[#1, import]")  # its id, and where it came from when not learned here
    after = lines[lines.index(lesson) + 1]
    assert after.startswith(INDENT + "instead: Push with `git push --set-upstream origin HEAD`")
    assert lines[-1] == NOTE


def test_on_a_terminal_lines_are_wrapped_under_their_column(store: Path) -> None:
    with sqlite3.connect(store) as conn:
        results = recall(conn, "git push")
    lines = "\n".join(table_lines(results, "git push", False, 60)).splitlines()
    assert max(len(line) for line in lines) <= 60
    instead = next(n for n, line in enumerate(lines) if "instead:" in line)
    assert lines[instead + 1].startswith(INDENT + "  ") and lines[instead + 1].strip()  # the rest, indented
    unwrapped = table_lines(results, "git push", False, None)
    assert max(len(line) for line in unwrapped) > 60  # in a pipe, never cut


def test_what_the_list_shows_is_redacted_again(store: Path) -> None:
    with sqlite3.connect(store) as conn:  # a text stored before the rules knew this secret
        conn.execute("UPDATE lessons SET title = title || ' with ' || ?, prevention = ?", (TOKEN, f"use {TOKEN}"))
    with sqlite3.connect(store) as conn:
        results = recall(conn, "git push")
    shown = "\n".join(table_lines(results, f"git push {TOKEN}", False, None))
    assert TOKEN not in shown
    assert shown.count("[REDACTED:") == 3  # the query in the title line, the lesson, what to do instead
