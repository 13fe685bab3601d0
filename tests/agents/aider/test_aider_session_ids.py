"""Aider sessions have full, unique, copyable ids, a start and dated records (issue 26, item 1).

Counted from the raw markdown of the aider/aider-dev history (../shared/corpus/aider/aider-dev):
each "# aider chat started at" heading starts a session; what `sessions` lists is copied back into
`show`. A store written before m028 (ids "aider:<file>:<time>") gets the new ids on its next ingest.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from lessonloop.store.migrations import MIGRATIONS
from tests.conftest import SHARED_CORPUS, cli

AIDER_DEV = SHARED_CORPUS / "aider" / "aider-dev" / "chat-history.md"
HEADING = "# aider chat started at "


@pytest.fixture
def history(tmp_path: Path) -> Path:
    if not AIDER_DEV.is_file():
        pytest.skip(f"aider/aider-dev corpus not found at {AIDER_DEV} (the ../shared folder is absent)")
    path = tmp_path / "aider-dev" / ".aider.chat.history.md"
    path.parent.mkdir()
    shutil.copyfile(AIDER_DEV, path)
    return path


def raw_sessions(text: str) -> list[str | None]:
    """Each session's heading time text, in file order (None: lines with an input or output before
    the first heading, a session of their own)."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.startswith(HEADING)), len(lines))
    out: list[str | None] = []
    if any(line.startswith(("####", "> ")) for line in lines[:first]):
        out.append(None)
    out += [line[len(HEADING) :].strip() for line in lines if line.startswith(HEADING)]
    return out


def _ingest(db: Path, *paths: Path) -> None:
    result = cli("ingest", "--db", db, "--no-progress", "--json", *paths)
    assert result.exit_code == 0, result.stderr


def test_every_session_has_a_unique_id_a_start_and_dated_calls(aider_dev_store: tuple[Path, Path]) -> None:
    history, db = aider_dev_store
    raw = raw_sessions(history.read_text(encoding="utf-8", errors="replace"))
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT id, started_at FROM sessions WHERE agent = 'aider'").fetchall()
        untimed = conn.execute("SELECT count(*) FROM tool_calls WHERE ts IS NULL").fetchone()[0]
        untimed_messages = conn.execute("SELECT count(*) FROM messages WHERE ts IS NULL").fetchone()[0]
        days = dict(conn.execute("SELECT substr(ts, 1, 10), count(*) FROM tool_calls GROUP BY 1"))
        order = conn.execute("SELECT session_id, seq, ts FROM tool_calls ORDER BY session_id, seq").fetchall()
    finally:
        conn.close()
    assert len(rows) == len(raw)  # one session a heading (and the lines before the first)
    ids = [row[0] for row in rows]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"aider-[0-9a-f]{16}", i) for i in ids)
    assert all(started for _, started in rows)  # every session has a start
    assert untimed == 0 and untimed_messages == 0
    # The headings' own dates: every call falls on a day some session started on.
    heading_days = {t[:10] for t in raw if t}
    assert set(days) <= heading_days and sum(days.values()) > 0
    by_session: dict[str, list[tuple[int, str]]] = {}
    for session_id, seq, ts in order:
        by_session.setdefault(session_id, []).append((seq, ts))
    for calls in by_session.values():  # in line order
        assert [ts for _, ts in calls] == sorted(ts for _, ts in calls)


@pytest.mark.slow
def test_ids_stay_the_same_when_the_history_grows(history: Path, tmp_path: Path) -> None:
    data = history.read_bytes()
    cut = data.index(b"\n" + HEADING.encode(), len(data) // 2) + 1
    clean = tmp_path / "clean.db"
    _ingest(clean, history)
    history.write_bytes(data[:cut])  # the same file, written in two parts, read after each
    grown = tmp_path / "grown.db"
    _ingest(grown, history)
    with history.open("ab") as handle:
        handle.write(data[cut:])
    _ingest(grown, history)

    def sessions(path: Path) -> set[tuple[str, str]]:
        conn = sqlite3.connect(path)
        try:
            return set(conn.execute("SELECT id, started_at FROM sessions"))
        finally:
            conn.close()

    assert sessions(grown) == sessions(clean)
    _ingest(clean, history)  # read again: nothing changes
    assert sessions(clean) == sessions(grown)


@pytest.mark.slow
def test_the_listed_ids_are_accepted_by_show(
    aider_dev_store: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    history, db = aider_dev_store
    monkeypatch.setenv("COLUMNS", "200")
    listing = cli("sessions", "--db", db, "--agent", "aider", "--include-empty", "--all")
    assert listing.exit_code == 0, listing.stderr
    shown = re.findall(r"\s(aider-[0-9a-f]+)\s", listing.output)
    assert len(shown) == len(raw_sessions(history.read_text(encoding="utf-8", errors="replace")))
    assert len(set(shown)) == len(shown)
    full = {row["id"] for row in cli("sessions", "--db", db, "--json", "--include-empty").json()}
    for short in shown[:: max(1, len(shown) // 25)]:
        result = cli("show", "--db", db, "--json", short)
        assert result.exit_code == 0, result.stderr
        assert result.json()["session"]["id"] in full
    report = cli("report", "--db", db, "--agent", "aider", "-n", "0", "--include-empty")
    assert report.exit_code == 0, report.stderr
    in_report = re.findall(r"^(aider-[0-9a-f]+)\s", report.output, re.M)
    assert in_report and set(in_report) <= set(shown)
    assert cli("show", "--db", db, in_report[0]).exit_code == 0


# Tables derived from the others by the store itself (m037, store/sessions/totals.py), newer than
# m028: their rows follow the rows they sum, and are settled again.
_SETTLED = frozenset({"totals_dirty", "usage_totals", "call_totals", "message_totals", "session_figures"})


@pytest.mark.slow
def test_a_store_with_the_old_ids_gets_the_new_ones(history: Path, tmp_path: Path) -> None:
    """A store made before m028: the same records under "aider:<file>:<time>" ids, m028 not yet
    applied. The next ingest reads the history again: no old id is left in any table."""
    db = tmp_path / "old.db"
    _ingest(db, history)
    conn = sqlite3.connect(db)
    try:
        new_ids = [row[0] for row in conn.execute("SELECT id FROM sessions")]
        tables = [
            (table, column)
            for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            for (column,) in conn.execute(f"SELECT name FROM pragma_table_info('{table}')")
            if (column in ("session_id", "tool_use_id") or (table == "sessions" and column == "id"))
            and table not in _SETTLED
        ]
        conn.execute("PRAGMA foreign_keys = OFF")
        for number, new in enumerate(new_ids):
            old = f"aider:7c6ee5d50055:{number:06d}"
            for table, column in tables:
                conn.execute(f"UPDATE {table} SET {column} = ? || substr({column}, ?) WHERE {column} LIKE ? || '%'",
                             (old, len(new) + 1, new))  # fmt: skip
        step = next(m.__name__ for m in MIGRATIONS if m.__name__.startswith("m028_"))
        conn.execute("DELETE FROM _migrations WHERE name = ?", (step,))
        conn.commit()
        assert conn.execute("SELECT count(*) FROM sessions WHERE id LIKE 'aider:%'").fetchone()[0] == len(new_ids)
    finally:
        conn.close()
    # No path: the history is found where the person listed it (a history in a project folder is
    # read without being named only in a repository of theirs: tests/agents/aider/test_aider_foreign_history.py).
    Path(os.environ["LESSONLOOP_CONFIG"]).write_text(f'[capture]\npaths = ["{history.parent}"]\n')
    _ingest(db)
    conn = sqlite3.connect(db)
    try:
        left = {
            f"{table}.{column}": n
            for table, column in tables
            if (n := conn.execute(f"SELECT count(*) FROM {table} WHERE {column} LIKE 'aider:%'").fetchone()[0])
        }
        again = {row[0] for row in conn.execute("SELECT id FROM sessions")}
    finally:
        conn.close()
    assert left == {}
    assert again == set(new_ids)


def test_short_session_ids_in_text() -> None:
    from lessonloop.report.render import short_session

    assert short_session("aider-3f9a1c2b7d5e6f01") == "aider-3f9a1c2b"
    assert short_session("8463c716-0b2a-4c55-9d5e-1f2a3b4c5d6e") == "8463c716"
    assert short_session("ses_4f2a9b") == "ses_4f2a"
