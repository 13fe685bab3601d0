"""No password of the team's database in the store (issue 39): `team join postgresql://user:PASSWORD@...`
kept the password in plain text in `team_config.url`, in a file people copy, attach and back up.
Now the store keeps the URL without it and the password lives beside the member's token in the
tokens file (0600), put back into the URL for the connection only; an older store's moves there
(m034). Real PostgreSQL (tests/team_server.py), real stores; libpq's own parser
(psycopg.conninfo) says the URL connected with is the one given."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import cli
from tests.team_server import Server

psycopg = pytest.importorskip("psycopg")

from psycopg.conninfo import conninfo_to_dict  # noqa: E402

from lessonloop.store import open_store  # noqa: E402
from lessonloop.team.server import init_schema  # noqa: E402
from lessonloop.team.store.tokens import tokens_path  # noqa: E402

PASSWORD = "S3cret/pa:ss@word"


def _with_password(url: str) -> str:
    """The test server's URL (user postgres, no password: trust) with PASSWORD in its user information."""
    from urllib.parse import quote

    assert url.startswith("postgresql://postgres")
    rest = url.removeprefix("postgresql://postgres").removeprefix(":").removeprefix("@")
    return f"postgresql://postgres:{quote(PASSWORD, safe='')}@{rest}"


def _config(db: Path) -> tuple[str, str]:
    conn = sqlite3.connect(db)
    try:
        url, token = conn.execute("SELECT url, token FROM team_config").fetchone()
    finally:
        conn.close()
    return str(url), str(token)


def _team_config(db: Path) -> object:
    from lessonloop.team.store.state import team_config

    conn = sqlite3.connect(db)
    try:
        return team_config(conn)
    finally:
        conn.close()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://alice:p%2Fw%3Ax@db.example:5432/team?sslmode=require",
        "postgres://:only@db.example/team",
        "postgresql://db.example/team?sslmode=require&password=abc%26def",
        "postgresql://alice@db.example/team",
        "host=/tmp port=5432 user=alice password='it\\'s a secret' dbname=team",
        "host=db.example password=plain dbname=team",
    ],
)
def test_a_urls_password_comes_out_and_goes_back_as_libpq_reads_it(url: str) -> None:
    from lessonloop.team.store.tokens import split_password, with_password

    address, password = split_password(url)
    assert "password" not in conninfo_to_dict(address)
    assert conninfo_to_dict(with_password(address, password)) == conninfo_to_dict(url)


@pytest.mark.slow
def test_joining_with_a_password_in_the_url_keeps_it_out_of_the_store(team_server: Server, tmp_path: Path) -> None:
    url = team_server.new_database()
    made = init_schema(url, "alice")
    assert made.token is not None
    given = _with_password(url)
    db = tmp_path / "alice.db"
    joined = cli("team", "join", given, "--as", "alice", "--token", made.token, "--db", db)
    assert joined.exit_code == 0, joined.stderr
    assert PASSWORD not in joined.output + joined.stderr
    stored, token = _config(db)
    assert token == "" and "S3cret" not in stored
    assert conninfo_to_dict(stored) == {k: v for k, v in conninfo_to_dict(given).items() if k != "password"}
    assert b"S3cret" not in db.read_bytes()
    entry = json.loads(Path(tokens_path()).read_text())["tokens"][0]
    assert entry == {"url": stored, "member": "alice", "token": made.token, "password": PASSWORD}
    assert stat.S_IMODE(Path(tokens_path()).stat().st_mode) == 0o600
    config = _team_config(db)
    assert conninfo_to_dict(config.url) == conninfo_to_dict(given)  # type: ignore[attr-defined]
    for args in (["team", "pull"], ["team", "status"], ["team", "push"]):
        done = cli(*args, "--db", db, "--json")
        assert done.exit_code == 0, (args, done.stderr)
        assert "S3cret" not in done.output and "S3cret" not in done.stderr
    assert json.loads(cli("team", "status", "--db", db, "--json").output)["server"].get("error") is None

    again = cli("team", "join", url, "--as", "alice", "--token", made.token, "--db", db)  # joined without one
    assert again.exit_code == 0, again.stderr
    assert "password" not in json.loads(Path(tokens_path()).read_text())["tokens"][0]  # libpq's own ways then


def _older_store(db: Path, url: str, token: str) -> None:
    """A store joined by a lessonloop that kept the URL with its password (before m034), its token
    in the tokens file under that URL (as m027 moved it)."""
    from lessonloop.team.store.tokens import save_token

    conn = open_store(db)
    try:
        conn.execute(
            "INSERT INTO team_config (id, url, member, token, role, joined_at) VALUES (1, ?, 'alice', '', 'write', 'x')",
            (url,),
        )
        conn.execute("DELETE FROM _migrations WHERE name = 'm034_team_url_password'")
    finally:
        conn.close()
    save_token(url, "alice", token)
    assert b"S3cret" in db.read_bytes()


@pytest.mark.slow
def test_an_older_stores_password_moves_out_with_its_token(team_server: Server, tmp_path: Path) -> None:
    url = team_server.new_database()
    made = init_schema(url, "alice")
    assert made.token is not None
    given = _with_password(url)
    db = tmp_path / "old.db"
    _older_store(db, given, made.token)
    assert cli("stats", "--db", db).exit_code == 0  # any command migrates the store
    stored, _token = _config(db)
    assert "S3cret" not in stored and b"S3cret" not in db.read_bytes()
    assert json.loads(Path(tokens_path()).read_text())["tokens"] == [
        {"url": stored, "member": "alice", "token": made.token, "password": PASSWORD}
    ]
    pulled = cli("team", "pull", "--db", db, "--json")
    assert pulled.exit_code == 0, pulled.stderr


def test_a_password_that_cannot_move_yet_stays_until_a_team_command_can_move_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "old.db"
    url = "postgresql://alice:S3cret@db.example/team"
    _older_store(db, url, "llt_token")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the configuration folder should be")
    monkeypatch.setenv("LESSONLOOP_TEAM_TOKENS", str(blocked / "team-tokens.json"))
    assert cli("stats", "--db", db).exit_code == 0  # migrated: the file cannot be written, the URL is kept
    assert _config(db)[0] == url
    monkeypatch.delenv("LESSONLOOP_TEAM_TOKENS")
    status = cli("team", "status", "--offline", "--db", db, "--json")
    assert status.exit_code == 0, status.stderr
    assert "S3cret" not in status.output
    assert _config(db)[0] == "postgresql://alice@db.example/team" and b"S3cret" not in db.read_bytes()
    config = _team_config(db)
    assert config.token == "llt_token" and "S3cret" in config.url  # type: ignore[attr-defined]
