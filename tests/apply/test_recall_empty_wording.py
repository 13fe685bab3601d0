"""`recall -p P` with no lesson of P nor a global one says so in words: it said "No active of the
project P or global lesson to recall from"."""

from __future__ import annotations

import json
from pathlib import Path

from lessonloop.cli.empty_results import no_recall_text
from lessonloop.store import open_store
from tests.cli.test_lessons_export_project import _lesson
from tests.conftest import cli


def test_the_project_case_reads_as_a_sentence(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons.jsonl"
    lessons.write_text(json.dumps(_lesson("a" * 20, "lesson of /a", "project", "/a")) + "\n")
    db = tmp_path / "s.db"
    assert cli("lessons", "import", lessons, "--db", db).exit_code == 0
    conn = open_store(db)
    try:
        text = no_recall_text(conn, ["active"], "/b", 0.2, "git push")
    finally:
        conn.close()
    assert text.startswith("No active lesson of the project /b, nor a global one, to recall from ("), text
