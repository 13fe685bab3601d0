"""A store is what it was made from (issue 81, item 4; store/capture_watch.py, pipeline/refresh.py):
a store of its own made with `ingest --db STORE PATH...` is refreshed from those paths only (a new
file in a named folder included) by `stats`, `sessions`, `show`, `report`, `search` and the web UI,
never from the person's agents' folders; a later `ingest --db STORE` without paths adds them; the
default store, a store made by discovery and a store from before the record watch them as before;
`status` says what a store watches. Real processes on real stores, a real transcript named, the
person's own sessions in a temporary home's Claude Code folder."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lessonloop.store import open_store
from lessonloop.store.capture_watch import watch_of
from lessonloop.store.migrations import MIGRATIONS, apply_migrations
from tests.conftest import SHARED_CORPUS
from tests.home_processes import home_env, lessonloop, settled
from tests.transcript_builder import TranscriptBuilder

SHORT = SHARED_CORPUS / "claude-code" / "spotter" / "short.jsonl"  # one real session, 15 lines
SHORT_SESSION = "55604662-cf2a-4331-851a-ec234028f8ca"


def _session(folder: Path, command: str, hour: int) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    t = TranscriptBuilder(cwd="/home/dev/project", start=datetime(2026, 11, 1, hour, tzinfo=UTC))
    t.prompt(f"please run {command}")
    t.bash(command, "ok")
    t.write(folder / f"{t.session_id}.jsonl")
    return t.session_id


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A person's home with two sessions of their own in Claude Code's folder."""
    if not SHORT.is_file():
        pytest.skip(f"the shared corpus is not there: {SHORT}")
    home = tmp_path / "home"
    projects = home / ".claude" / "projects" / "-home-dev-project"
    _session(projects, "ls", 9)
    _session(projects, "make", 10)
    return home


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    """The person's environment, reads refreshing as theirs do."""
    return home_env(home)


def _json(env: dict[str, str], *words: str) -> Any:
    return json.loads(lessonloop(env, *words, "--json").stdout)


def _stored_sessions(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM sessions WHERE parent_id IS NULL")}


def _named_file(tmp_path: Path) -> Path:
    export = tmp_path / "export"
    export.mkdir(exist_ok=True)
    return Path(shutil.copy(SHORT, export / "short.jsonl"))


def test_a_store_made_from_one_file_holds_only_its_sessions_after_every_read(
    tmp_path: Path, home: Path, env: dict[str, str]
) -> None:
    named = _named_file(tmp_path)
    db = tmp_path / "one.db"
    made = lessonloop(env, "ingest", "--db", str(db), str(named), "--no-analyze").stdout
    assert f"This store watches only what was named to it: its reads look at {named} again" in made
    assert _stored_sessions(db) == {SHORT_SESSION}
    assert _json(env, "stats", "--db", str(db))["sessions"] == 1
    assert [s["id"] for s in _json(env, "sessions", "--db", str(db))] == [SHORT_SESSION]
    lessonloop(env, "report", "--db", str(db))
    lessonloop(env, "search", "spotter", "--db", str(db))
    lessonloop(env, "show", SHORT_SESSION[:8], "--db", str(db))
    # the person's agents write on: still not this store's
    _session(home / ".claude" / "projects" / "-home-dev-other", "cargo build", 11)
    assert _json(env, "stats", "--db", str(db))["sessions"] == 1
    assert _stored_sessions(db) == {SHORT_SESSION}
    watch = _json(env, "status", "--db", str(db))["watch"]
    assert watch == {"agents_folders": False, "named_paths": [str(named)], "recorded": True}
    said = lessonloop(env, "status", "--db", str(db)).stdout
    assert f"Watches: only the paths named to ingest: {named}" in said
    assert f"`lessonloop ingest --db {db}` without paths adds them" in said
    # the named file grows: a read reads its new lines (it is the store's)
    calls = _json(env, "stats", "--db", str(db))["tool_calls"]
    t = TranscriptBuilder(session_id=SHORT_SESSION, cwd="/home/marco/projects/spotter")
    t.prompt("and the tests")
    t.bash("pytest -q", "3 passed")
    with named.open("ab") as handle:
        handle.write(b"".join(t.lines()))
    assert _json(env, "stats", "--db", str(db))["tool_calls"] == calls + 1
    assert _stored_sessions(db) == {SHORT_SESSION}
    settled({**env, "LESSONLOOP_DB": str(db)})


def test_the_web_ui_of_a_store_made_from_one_file_shows_its_sessions_only(
    tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
    pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'lessonloop[web]'")
    from tests.web_http import request
    from tests.web_stores import serving

    db = tmp_path / "one.db"
    lessonloop(env, "ingest", "--db", str(db), str(_named_file(tmp_path)), "--no-analyze")
    for name in ("HOME", "LESSONLOOP_DB"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.delenv("LESSONLOOP_REFRESH")
    with serving(db) as server:
        status, _, body = request(server.url + "/api/sessions")
        assert status == 200, body[:300]
        listed = json.loads(body)
        rows = listed["sessions"] if isinstance(listed, dict) else listed
        assert [row["id"] for row in rows] == [SHORT_SESSION]
    assert _stored_sessions(db) == {SHORT_SESSION}


def test_a_store_made_from_a_folder_reads_a_new_file_there_and_nothing_else(
    tmp_path: Path, home: Path, env: dict[str, str]
) -> None:
    folder = tmp_path / "exports"
    (folder / "march").mkdir(parents=True)
    shutil.copy(SHORT, folder / "march" / "short.jsonl")
    db = tmp_path / "folder.db"
    lessonloop(env, "ingest", "--db", str(db), str(folder), "--no-analyze")
    assert _json(env, "stats", "--db", str(db))["sessions"] == 1
    # a new export in a folder below the named one, and another in a new folder
    added = {_session(folder / "march", "npm test", 12), _session(folder / "april", "go vet", 13)}
    listed = {s["id"] for s in _json(env, "sessions", "--db", str(db))}
    assert listed == {SHORT_SESSION, *added}
    assert _stored_sessions(db) == {SHORT_SESSION, *added}
    assert _json(env, "status", "--db", str(db))["watch"]["named_paths"] == [str(folder)]
    settled({**env, "LESSONLOOP_DB": str(db)})


def test_a_plain_ingest_makes_a_named_store_watch_the_agents_folders(
    tmp_path: Path, home: Path, env: dict[str, str]
) -> None:
    named = _named_file(tmp_path)
    db = tmp_path / "one.db"
    lessonloop(env, "ingest", "--db", str(db), str(named), "--no-analyze")
    lessonloop(env, "ingest", "--db", str(db), "--no-analyze")  # the person asks for their folders
    assert len(_stored_sessions(db)) == 3
    watch = _json(env, "status", "--db", str(db))["watch"]
    assert watch == {"agents_folders": True, "named_paths": [str(named)], "recorded": True}
    assert "Watches: your agents' folders (and capture.paths), and the paths named to ingest" in (
        lessonloop(env, "status", "--db", str(db)).stdout
    )
    new = _session(home / ".claude" / "projects" / "-home-dev-other", "cargo build", 11)
    assert _json(env, "stats", "--db", str(db))["sessions"] == 4
    assert new in _stored_sessions(db)
    settled({**env, "LESSONLOOP_DB": str(db)})


def test_the_default_store_made_from_a_file_still_watches_the_agents_folders(
    tmp_path: Path, home: Path, env: dict[str, str]
) -> None:
    default = {k: v for k, v in env.items() if k != "LESSONLOOP_DB"}
    default["XDG_DATA_HOME"] = str(home / ".local" / "share")
    lessonloop(default, "ingest", str(_named_file(tmp_path)), "--no-analyze")
    assert _json(default, "stats")["sessions"] == 3  # its own file, and the person's two, as before
    assert _json(default, "status")["watch"]["agents_folders"] is True
    settled({**default, "LESSONLOOP_DB": str(home / ".local" / "share" / "lessonloop" / "lessonloop.db")})


def test_a_store_made_by_discovery_with_lessonloop_db_watches_the_agents_folders(
    home: Path, env: dict[str, str]
) -> None:
    lessonloop(env, "ingest", "--no-analyze")  # $LESSONLOOP_DB names it, made without paths
    _session(home / ".claude" / "projects" / "-home-dev-other", "cargo build", 11)
    assert _json(env, "stats")["sessions"] == 3
    assert _json(env, "status")["watch"] == {"agents_folders": True, "named_paths": [], "recorded": True}
    settled(env)


def test_a_store_made_from_a_file_before_the_record_watches_the_agents_folders(
    tmp_path: Path, home: Path, env: dict[str, str]
) -> None:
    """A store an older lessonloop made with `ingest --db STORE FILE` kept no record of what it
    watches: its reads go on looking in the agents' folders, as they did."""
    db = tmp_path / "old.db"
    lessonloop(env, "ingest", "--db", str(db), str(_named_file(tmp_path)), "--no-analyze")
    with sqlite3.connect(db) as conn:  # what an older lessonloop's ingest of a file left: no record
        conn.execute("DELETE FROM capture_watch")
        conn.execute("DELETE FROM capture_watch_state")
    assert _json(env, "status", "--db", str(db))["watch"]["recorded"] is False
    assert _json(env, "stats", "--db", str(db))["sessions"] == 3
    # and a file named to it later keeps it watching them
    lessonloop(env, "ingest", "--db", str(db), str(_named_file(tmp_path)), "--no-analyze")
    assert _json(env, "status", "--db", str(db))["watch"]["agents_folders"] is True
    settled({**env, "LESSONLOOP_DB": str(db)})


def test_m054_keeps_what_discovery_recorded(tmp_path: Path) -> None:
    """A store at m053 whose reads watched the agents' places: the same places after m054, of kind
    'place', and the store still watches the agents' folders."""
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for step in MIGRATIONS[: MIGRATIONS.index(_m054())]:
        conn.execute("BEGIN")
        step(conn)
        conn.execute("INSERT INTO _migrations VALUES (?, 'then')", (step.__name__,))
        conn.execute("COMMIT")
    conn.execute("INSERT INTO capture_watch VALUES ('/home/dev/.claude/projects', 123)")
    conn.execute("INSERT INTO capture_watch_state VALUES (1, 'abc', 'then')")
    assert _m054().__name__ in apply_migrations(conn)
    assert conn.execute("SELECT kind, path, mtime_ns FROM capture_watch").fetchall() == [
        ("place", "/home/dev/.claude/projects", 123)
    ]
    assert conn.execute("SELECT places, defaults FROM capture_watch_state").fetchall() == [("abc", 1)]
    conn.close()
    store = open_store(tmp_path / "old.db")
    try:
        watch = watch_of(store)
    finally:
        store.close()
    assert (watch.recorded, watch.defaults, watch.places) == (True, True, [("/home/dev/.claude/projects", 123)])


def _m054() -> Any:
    from lessonloop.store.migrations import m054_capture_named

    return m054_capture_named


def test_a_named_path_gone_keeps_what_it_stored(tmp_path: Path, env: dict[str, str]) -> None:
    named = _named_file(tmp_path)
    db = tmp_path / "one.db"
    lessonloop(env, "ingest", "--db", str(db), str(named), "--no-analyze")
    os.unlink(named)
    assert _json(env, "stats", "--db", str(db))["sessions"] == 1
    assert _json(env, "status", "--db", str(db))["watch"]["named_paths"] == [str(named)]
