"""A person's edit of a lesson is stored like any other text: its secrets redacted first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lessonloop.sample import sample_transcripts
from tests.conftest import cli
from tests.secret_samples import GITHUB_PAT_CLASSIC


def test_an_edited_lesson_text_is_redacted_before_it_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    assert cli("ingest", "--db", db, "--no-bandit", sample_transcripts()).exit_code == 0
    conn = sqlite3.connect(db)
    try:
        lesson = conn.execute("SELECT min(id) FROM lessons").fetchone()[0]
    finally:
        conn.close()
    result = cli(
        "lessons", "edit", str(lesson), "--db", db,
        "--title", f"Pushing with {GITHUB_PAT_CLASSIC} fails",
        "--prevention", "Log in with password=hunter2 first",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    raw = db.read_bytes() + Path(f"{db}-wal").read_bytes() if Path(f"{db}-wal").exists() else db.read_bytes()
    conn = sqlite3.connect(db)
    try:
        title, prevention, edited = conn.execute(
            "SELECT title, prevention, edited FROM lessons WHERE id = ?", (lesson,)
        ).fetchone()
        events = " ".join(
            str(row[0]) for row in conn.execute("SELECT detail FROM lesson_events WHERE lesson_id = ?", (lesson,))
        )
    finally:
        conn.close()
    assert title == "Pushing with [REDACTED:github-token] fails" and edited == 1
    assert "hunter2" not in prevention and "[REDACTED:" in prevention
    assert GITHUB_PAT_CLASSIC not in events and "hunter2" not in events
    assert GITHUB_PAT_CLASSIC.encode() not in raw
