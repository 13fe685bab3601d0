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


def test_the_query_comes_back_redacted_when_nothing_passes(tmp_path: Path) -> None:
    """`recall --context` with a secret in its query said "Nothing passed ... for '<the secret>'"
    on stderr (issue 82): the query leaves redacted, as every other text does."""
    lessons = tmp_path / "lessons.jsonl"
    lessons.write_text(json.dumps(_lesson("b" * 20, "lesson about pushing", "global", None)) + "\n")
    db = tmp_path / "s.db"
    assert cli("lessons", "import", lessons, "--db", db, "--status", "active").exit_code == 0
    key = "ghp_" + "R8x2Lq7Vw3Nz5Tb9Kc4Hm6Jd1Fs0Gy2Pa7Ue"
    done = cli("recall", "--context", f"unrelated words {key}", "--min-score", "0.99", "--db", db)
    assert done.exit_code == 0
    assert "Nothing passed the minimum score" in done.stderr
    assert key not in done.stderr + done.output and "[REDACTED:" in done.stderr
