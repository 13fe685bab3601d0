"""The store is the person's own (issue 25, item 6): made 0600 (its -wal and -shm too) in folders
made 0700, an older store of theirs (0644) tightened when a command opens it, another user's left
alone; a team token an older store holds moves out of it, into a 0600 file (team/store/tokens.py).
Real stores through the real CLI (a subprocess with a permissive umask)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.store import open_store
from tests.conftest import CORPUS, cli

TOKEN = "llt_d3adb33f-planted-team-token-0123456789abcdef"
URL = "postgresql://db.example/lessons"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _lessonloop(*args: str | Path, umask: int = 0o002) -> subprocess.CompletedProcess[str]:
    def permissive() -> None:
        os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "lessonloop", *map(str, args)],
        capture_output=True, text=True, timeout=300, check=False, preexec_fn=permissive,
    )  # fmt: skip


@pytest.mark.corpus
def test_a_new_store_and_the_folders_made_for_it_are_private(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"real-data corpus not found at {CORPUS}")
    shutil.copy(CORPUS / "short.jsonl", tmp_path / "short.jsonl")
    tmp_path.chmod(0o755)
    db = tmp_path / "new" / "deeper" / "lessonloop.db"
    done = _lessonloop("ingest", "--db", db, tmp_path / "short.jsonl")
    assert done.returncode == 0, done.stderr
    assert _mode(db) == 0o600
    assert _mode(db.parent) == 0o700 and _mode(db.parent.parent) == 0o700
    assert _mode(tmp_path) == 0o755  # a folder lessonloop did not make is left as it is
    conn = open_store(db)  # while a connection writes, SQLite's -wal and -shm files exist
    try:
        conn.execute("INSERT INTO forgotten_sessions (session_id, ts) VALUES ('x', 'now')")
        for suffix in ("-wal", "-shm"):
            assert _mode(Path(f"{db}{suffix}")) == 0o600, suffix
    finally:
        conn.close()


def test_an_older_store_of_this_user_is_made_private_when_opened(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    open_store(db).close()
    holder = sqlite3.connect(db)  # another process's connection: the -wal and -shm files stay
    holder.execute("INSERT INTO forgotten_sessions (session_id, ts) VALUES ('x', 'now')")
    files = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    for path in files:
        path.chmod(0o644)  # as lessonloop made them before
    try:
        done = _lessonloop("stats", "--db", db)
        assert done.returncode == 0, done.stderr
        assert [_mode(path) for path in files] == [0o600, 0o600, 0o600]
    finally:
        holder.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving the store to another user needs root")
def test_another_users_store_is_left_as_it_is(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    open_store(db).close()
    db.chmod(0o644)
    os.chown(db, 65534, 65534)
    done = _lessonloop("stats", "--db", db)
    assert done.returncode == 0, done.stderr
    assert _mode(db) == 0o644 and db.stat().st_uid == 65534


def _older_team_store(db: Path) -> None:
    """A store joined to a team by a lessonloop that kept the token in team_config (before m027)."""
    conn = open_store(db)
    try:
        conn.execute(
            "INSERT INTO team_config (id, url, member, token, role, joined_at) VALUES (1, ?, 'bob', ?, 'write', 'x')",
            (URL, TOKEN),
        )
        conn.execute("DELETE FROM _migrations WHERE name = 'm027_team_token_out_of_store'")
    finally:
        conn.close()
    assert TOKEN.encode() in db.read_bytes()


def _tokens(config_home: Path) -> Path:
    return config_home / "lessonloop" / "team-tokens.json"


def test_an_older_stores_team_token_moves_out_of_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lessonloop.team.store.state import team_config

    config_home = tmp_path / "config-home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    db = tmp_path / "lessonloop.db"
    _older_team_store(db)
    status = cli("team", "status", "--offline", "--json", "--db", db)
    assert status.exit_code == 0, status.stderr
    assert status.json()["member"] == "bob"
    assert TOKEN.encode() not in db.read_bytes()  # overwritten, not left in a free page
    assert not Path(f"{db}-wal").exists()
    tokens = _tokens(config_home)
    assert _mode(tokens) == 0o600 and _mode(tokens.parent) == 0o700
    assert json.loads(tokens.read_text())["tokens"] == [{"url": URL, "member": "bob", "token": TOKEN}]
    conn = sqlite3.connect(db)
    try:
        config = team_config(conn)
    finally:
        conn.close()
    assert config is not None and config.token == TOKEN


def test_a_token_that_cannot_move_yet_stays_until_it_can(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lessonloop.team.store.state import team_config

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the configuration folder should be")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocked))
    db = tmp_path / "lessonloop.db"
    _older_team_store(db)
    assert cli("stats", "--db", db).exit_code == 0  # migrated: the token could not move, it is kept
    conn = sqlite3.connect(db)
    try:
        config = team_config(conn)
        assert config is not None and config.token == TOKEN
    finally:
        conn.close()
    config_home = tmp_path / "config-home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    assert cli("team", "status", "--offline", "--db", db).exit_code == 0  # a team command moves it
    assert TOKEN.encode() not in db.read_bytes()
    assert TOKEN in _tokens(config_home).read_text()


def test_a_store_without_its_token_says_how_to_join_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    db = tmp_path / "lessonloop.db"
    _older_team_store(db)
    assert cli("stats", "--db", db).exit_code == 0
    _tokens(tmp_path / "config-home").unlink()
    monkeypatch.delenv("LESSONLOOP_TEAM_TOKEN", raising=False)
    pushed = cli("team", "push", "--db", db)
    assert pushed.exit_code == 1
    assert "no token for member bob" in pushed.stderr and "lessonloop team join URL --as bob --token" in pushed.stderr
