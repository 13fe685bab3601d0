"""store/sessions/writer.register_file: a new file's state is made from the row's defaults without reading it
back; it must equal what the store holds (a default added to source_files must be added there)."""

from __future__ import annotations

from pathlib import Path

from lessonloop.store import open_store
from lessonloop.store.sessions import writer


def test_a_new_files_state_is_the_stored_one(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "store.db")
    for path, is_sample, fmt in (("/a.jsonl", False, "claude-code"), ("/b.md", True, None), ("/c#s1", False, "x")):
        made = writer.register_file(conn, path, "agent", is_sample=is_sample, format=fmt)
        assert made == writer.file_state(conn, path)
        assert (made.offset, made.reread, made.is_sample, made.format) == (0, False, is_sample, fmt)


def test_a_known_file_keeps_its_state_and_gets_a_format_it_lacked(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "store.db")
    first = writer.register_file(conn, "/a.jsonl", "claude-code", is_sample=False)
    conn.execute("UPDATE source_files SET offset = 120, lines = 3, size = 200 WHERE id = ?", (first.id,))
    again = writer.register_file(conn, "/a.jsonl", "claude-code", is_sample=False, format="claude-code")
    assert (again.id, again.offset, again.lines, again.size, again.format) == (first.id, 120, 3, 200, "claude-code")
    kept = writer.register_file(conn, "/a.jsonl", "claude-code", is_sample=False, format="other")
    assert kept.format == "claude-code"
    assert kept == writer.file_state(conn, "/a.jsonl")
