"""A damaged Aider history keeps what was read of it (issue 39): a history shorter than what was
read, or whose bytes read changed, was rebuilt from its start, and every session no longer in it
was deleted (784 of 2,268 for a truncation). Aider only appends to its history: such a change is
damage (or an edit), and the sessions stored from it stay as they were read; the sessions appended
after them are still read, and a message names the file and what was wrong (pipeline/damaged_files.py).

The real aider/aider-dev history (../shared/corpus/aider/aider-dev, its PROVENANCE.md: the aider
author's own history, 1,133 headings) is copied into a temporary folder, ingested, damaged there
and ingested again."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from lessonloop.agents.aider.reader.parser import HEADING
from tests.conftest import AIDER_DEV_HISTORY, run_ingest

pytestmark = pytest.mark.skipif(not AIDER_DEV_HISTORY.is_file(), reason="the aider/aider-dev corpus is absent")

APPENDED = (
    b"\n# aider chat started at 2024-09-02 10:00:00\n\n#### add a --dry-run flag to the release script\n\nDone.\n"
)


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "aider-dev" / ".aider.chat.history.md"
    path.parent.mkdir()
    shutil.copyfile(AIDER_DEV_HISTORY, path)
    return path


def _counts(db: Path) -> tuple[int, int, int, int]:
    """Sessions, messages, tool calls and token rows stored."""
    conn = sqlite3.connect(db)
    try:
        sessions, messages, calls, tokens = (
            int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("sessions", "messages", "tool_calls", "token_usage")
        )
        return sessions, messages, calls, tokens
    finally:
        conn.close()


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncated":  # cut in the middle of a line, as a crash or a full disk leaves it
        os.truncate(path, len(data) * 6 // 10 + 17)
        return
    # Bytes in the first and last 4 KiB (where ingest compares what it read) and in between. A
    # flipped bit in a heading's time makes another heading: that session is not stored twice.
    first_heading = bytes(data).index(HEADING)
    time_digit = first_heading + len(HEADING) + 18  # "YYYY-MM-DD HH:MM:S|S|"
    offsets = [time_digit, 1_500, len(data) // 3, len(data) // 2, len(data) - 2_000, len(data) - 300]
    for offset in offsets:
        if how == "flipped bytes":
            data[offset] ^= 0x01
        else:  # "invalid UTF-8": a lone continuation byte and a truncated sequence
            data[offset : offset + 2] = b"\x80\xe2"
    path.write_bytes(bytes(data))


@pytest.mark.slow
@pytest.mark.parametrize("how", ["truncated", "flipped bytes", "invalid UTF-8"])
def test_a_damaged_history_keeps_its_stored_sessions_and_still_reads_what_is_appended(
    history: Path, tmp_path: Path, how: str
) -> None:
    db = tmp_path / "s.db"
    first = run_ingest(db, history)
    assert not first.problems
    before = _counts(db)
    assert before[0] == 1_134  # 1,133 headings and the lines before the first

    _damage(history, how)
    damaged = run_ingest(db, history)
    assert _counts(db) == before  # nothing stored is lost, nothing is stored twice
    (problem,) = [p for p in damaged.problems if p.code == "damaged-file"]
    assert problem.path == str(history)
    reason = "it is shorter" if how == "truncated" else "bytes read of it before have changed"
    assert reason in problem.detail and "the 1,134 sessions read from it before are kept" in problem.detail
    if how == "invalid UTF-8":
        assert "6 lines are not valid UTF-8" in problem.detail
    assert damaged.files_replaced == 0
    stored_problems = sqlite3.connect(db).execute("SELECT code FROM ingest_problems").fetchall()
    assert ("damaged-file",) in stored_problems

    # The person's Aider goes on writing: what it appends is read, and nothing is lost then either.
    with history.open("ab") as out:
        out.write(APPENDED)
    after = run_ingest(db, history)
    assert not [p for p in after.problems if p.code == "damaged-file"]  # said once
    sessions, messages, calls, tokens = _counts(db)
    assert (sessions, calls, tokens) == (before[0] + 1, before[2], before[3])
    assert messages == before[1] + 2  # the new prompt and its reply
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM messages WHERE text LIKE '%--dry-run flag%'").fetchone() == (1,)
    finally:
        conn.close()
    if how == "truncated":  # the sessions kept are more than the file now holds
        run_ingest(tmp_path / "fresh.db", history)
        assert _counts(tmp_path / "fresh.db")[0] < sessions


def test_a_history_cut_to_nothing_and_written_again_loses_nothing(tmp_path: Path) -> None:
    """Emptied (an editor's crash, `> file`), then Aider writes a new session: the old sessions
    stay, the new one is read."""
    history = tmp_path / "app" / ".aider.chat.history.md"
    history.parent.mkdir()
    sessions = [
        f"# aider chat started at 2024-08-0{day} 10:00:00\n\n#### fix the parser on day {day}\n\nFixed.\n"
        for day in (1, 2, 3)
    ]
    history.write_text("\n".join(sessions))
    db = tmp_path / "s.db"
    run_ingest(db, history)
    assert _counts(db)[:2] == (3, 6)
    history.write_bytes(b"")
    emptied = run_ingest(db, history)
    assert [p.code for p in emptied.problems] == ["damaged-file"]
    assert _counts(db)[:2] == (3, 6)
    history.write_bytes(APPENDED)
    run_ingest(db, history)
    assert _counts(db)[:2] == (4, 8)


def test_lines_that_continue_a_kept_session_replace_nothing(tmp_path: Path) -> None:
    """The history ends in a session kept from before the damage; Aider goes on writing it, then
    starts another. The lines that continue it are not read (they would have been taken for the
    lines before the file's first heading, a session of its own: the history's cut start, which
    they replaced); the next session is read."""
    history = tmp_path / "app" / ".aider.chat.history.md"
    history.parent.mkdir()
    cut_start = "#### rename the config loader\n\nRenamed.\n\n"  # a history whose start was cut
    first = "# aider chat started at 2024-08-01 10:00:00\n\n#### add retries to the client\n\nAdded.\n\n"
    second = "# aider chat started at 2024-08-02 10:00:00\n\n#### make the retries configurable\n\nDone, see below.\n"
    history.write_text(cut_start + first + second)
    db = tmp_path / "s.db"
    run_ingest(db, history)
    before = _counts(db)
    assert before[:2] == (3, 6)
    os.truncate(history, history.stat().st_size - len("Done, see below.\n"))  # cut inside the last session
    run_ingest(db, history)
    assert _counts(db) == before
    with history.open("ab") as out:
        out.write(b"#### and document the new setting\n\nDocumented.\n\n" + APPENDED)
    later = run_ingest(db, history)
    assert _counts(db)[:2] == (4, 8)
    conn = sqlite3.connect(db)
    try:
        prompts = {row[0] for row in conn.execute("SELECT text FROM messages WHERE kind = 'prompt'")}
    finally:
        conn.close()
    assert "rename the config loader" in prompts  # the cut start's session, not replaced
    assert "make the retries configurable" in prompts  # the kept session, as it was read
    assert "document the new setting" not in " ".join(prompts)
    assert any(p.code == "continued-session-not-read" for p in later.notices)
