"""`lessonloop lessons` (and `lessons list`) show the first 30 lessons by default and say how many
more there are and how to see them (`lessons list -n N`, `--all`); --json lists every one."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import GIT_PUSH_LESSON, cli, store_with_active_lessons


def test_the_first_30_lessons_and_how_to_see_the_rest(tmp_path: Path) -> None:
    lessons = [
        {**GIT_PUSH_LESSON, "signature": f"lesson-{n:02d}", "title": f"`tool{n}` fails without its flag {n}"}
        for n in range(34)
    ]
    db = store_with_active_lessons(tmp_path, *lessons)
    assert len(cli("lessons", "--db", db, "--json").json()) == 34
    for words in (("lessons",), ("lessons", "list")):
        text = cli(*words, "--db", db).output
        assert (
            "4 more lessons not shown: `lessons list -n N` shows the first N, `lessons list --all` every one." in text
        )
        assert sum("fails without its flag" in line for line in text.splitlines()) == 30
    every = cli("lessons", "list", "--all", "--db", db).output
    assert sum("fails without its flag" in line for line in every.splitlines()) == 34 and "not shown" not in every
    assert (
        sum(
            "fails without its flag" in line
            for line in cli("lessons", "list", "-n", "3", "--db", db).output.splitlines()
        )
        == 3
    )
