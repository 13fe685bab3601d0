"""No database login can stall the team (issue 39, B6), on a real PostgreSQL.

Changes were ordered by `pg_advisory_xact_lock(hashtext('lessonloop_team.changes'))`, a lock any
login may take: the members' shared login (CONNECT and nothing else) held it and every `team
push` waited for ever, with no lock or statement timeout. Now the lock is a row of the owner's
`meta` table that no login may read or lock (taken inside push, forget and reject only), and
every call of a client bounds its waits: a member who holds the lock through a push of their own
makes the others' pushes fail within the timeout, saying the server is busy, never hang. `team
init` brings a server made by schema 4 up to this."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GIT_PUSH_LESSON, REPO_ROOT, cli, store_with_active_lessons
from tests.team_server import Server
from tests.team_wire import lesson, plain_login

psycopg = pytest.importorskip("psycopg")

from lessonloop.core import json_codec  # noqa: E402
from lessonloop.team import server_schema  # noqa: E402
from lessonloop.team.server import TeamServer, init_schema  # noqa: E402

V4_SCHEMA = REPO_ROOT / "tests" / "data" / "team_schema_v4.sql"
PUSH_WAIT_S = 60  # a push that has not ended by then is stalled (a guard, not a measure)
LOCK_TIMEOUT_ENV = "LESSONLOOP_TEAM_LOCK_TIMEOUT"  # team/server.py's, named here as its users write it

# What a login with CONNECT alone may try against the lock that orders changes, and around it.
ATTEMPTS = (
    "SELECT * FROM lessonloop_team.meta WHERE key = 'changes' FOR UPDATE",
    "SELECT * FROM lessonloop_team.meta FOR KEY SHARE",
    "LOCK TABLE lessonloop_team.meta IN ACCESS EXCLUSIVE MODE",
    "LOCK TABLE lessonloop_team.items IN SHARE MODE",
    "LOCK TABLE lessonloop_team.contributions IN SHARE MODE",
    "SELECT lessonloop_team.lock_changes()",
    "SELECT pg_catalog.nextval('lessonloop_team.change_seq')",
    "SELECT lessonloop_team.push('alice', 'a wrong token', 'b', '[]'::jsonb)",
    "SELECT lessonloop_team.forget('alice', 'a wrong token')",
    "SELECT lessonloop_team.reject('alice', 'a wrong token', 'x', 'y')",
)


def _made_by_schema_4(url: str) -> str:
    """A server as schema 4's `team init` left it (tests/data/team_schema_v4.sql), with its
    first maintainer alice: her token."""
    token = "llt_made-by-schema-version-4"
    with psycopg.connect(url) as owner:
        owner.execute(V4_SCHEMA.read_text(encoding="utf-8"))
        owner.execute("INSERT INTO lessonloop_team.meta VALUES ('schema_version', '4'), ('vectors', 'no')")
        owner.execute(
            """INSERT INTO lessonloop_team.members (name, token_hash, role)
               VALUES ('alice', encode(sha256(convert_to(%s, 'UTF8')), 'hex'), 'maintain')""",
            (token,),
        )
    return token


def _team(server: Server, tmp_path: Path, made_by: str) -> tuple[str, str, Path]:
    """A team (made now, or by schema 4 and brought up by `team init`) on a server whose `public`
    any login may create in (before PostgreSQL 15): its URL, alice's token, and her store, joined,
    with a global lesson to push."""
    url = server.new_database()
    with psycopg.connect(url, autocommit=True) as owner:
        owner.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    if made_by == "schema 4":
        token = _made_by_schema_4(url)
        assert init_schema(url, None).created is False  # the owner's `team init` brings it up
    else:
        made = init_schema(url, "alice")
        assert made.token is not None
        token = made.token
    store = store_with_active_lessons(tmp_path, GIT_PUSH_LESSON)
    joined = cli("team", "join", url, "--as", "alice", "--token", token, "--db", store, "--json")
    assert joined.exit_code == 0, joined.stderr
    return url, token, store


def _push(store: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`lessonloop team push` in a process of its own; the test fails when it has not ended
    within PUSH_WAIT_S (it waits for a lock it should never wait for, or not that long)."""
    environment = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"), **env)
    try:
        return subprocess.run(
            [sys.executable, "-m", "lessonloop", "team", "push", "--db", str(store), "--json"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=PUSH_WAIT_S,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`team push` was still waiting after {PUSH_WAIT_S} s: a lock held it")


def _items(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM lessonloop_team.items").fetchone()
    return int(row[0]) if row else 0


@pytest.mark.slow
@pytest.mark.parametrize("made_by", ["init", "schema 4"])
def test_a_login_holding_every_lock_it_can_take_does_not_stall_a_push(
    team_server: Server, tmp_path: Path, made_by: str
) -> None:
    url, _token, store = _team(team_server, tmp_path, made_by)
    login = plain_login(team_server.admin_url, url)
    with psycopg.connect(login) as attacker:  # one transaction, left open while alice pushes
        attacker.execute("SELECT pg_catalog.pg_advisory_lock(pg_catalog.hashtext('lessonloop_team.changes'))")
        attacker.execute("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('lessonloop_team.changes'))")
        outcome: dict[str, str] = {}
        for statement in ATTEMPTS:
            try:
                with attacker.transaction():  # a savepoint: what succeeds stays held
                    attacker.execute(statement)
                outcome[statement] = "done"
            except psycopg.Error as exc:
                outcome[statement] = type(exc).__name__
        pushed = _push(store)
        assert pushed.returncode == 0, pushed.stderr
        assert json_codec.loads(pushed.stdout)["items"] == 1
        refused = {"InsufficientPrivilege", "InvalidAuthorizationSpecification"}
        assert set(outcome.values()) <= refused, outcome  # nothing of the team's could be taken
    assert _items(url) == 1
    with psycopg.connect(url) as owner:  # no function of the team takes an advisory lock any more
        found = owner.execute(
            """SELECT count(*) FROM pg_catalog.pg_proc
               WHERE pronamespace = 'lessonloop_team'::regnamespace AND prosrc LIKE '%advisory%'"""
        ).fetchone()
        version = owner.execute("SELECT value FROM lessonloop_team.meta WHERE key = 'schema_version'").fetchone()
    assert found == (0,) and version == (str(server_schema.SCHEMA_VERSION),)


@pytest.mark.slow
def test_a_member_holding_the_lock_through_a_push_makes_others_fail_with_a_message_not_wait(
    team_server: Server, tmp_path: Path
) -> None:
    """What a member may legitimately hold (their own push's transaction, left open) bounds the
    others' waits: `team push` fails within the lock timeout, says the server is busy, keeps what
    it had to send, and sends it once the lock is free."""
    url, token, store = _team(team_server, tmp_path, "init")
    with TeamServer(url, "alice", token) as alice:
        bob = alice.add_member("bob", "write")
    login = plain_login(team_server.admin_url, url)
    with psycopg.connect(login) as holder:
        holder.execute(
            "SELECT lessonloop_team.push(%s, %s, %s, %s::jsonb)",
            ("bob", bob, "held", json_codec.dumps([lesson("held", "A lesson bob is pushing")])),
        )  # his transaction stays open: the lock is his until it ends
        busy = _push(store, **{LOCK_TIMEOUT_ENV: "1"})
        assert busy.returncode == 1, busy.stdout
        assert "the team's server is busy" in busy.stderr and "try again" in busy.stderr, busy.stderr
        assert "Traceback" not in busy.stderr
        holder.rollback()
    pushed = _push(store, **{LOCK_TIMEOUT_ENV: "1"})
    assert pushed.returncode == 0, pushed.stderr
    assert json_codec.loads(pushed.stdout)["items"] == 1  # what waited in the outbox went
    assert _items(url) == 1


@pytest.mark.slow
def test_a_client_that_sets_no_lock_timeout_is_not_held_for_ever_either(team_server: Server, tmp_path: Path) -> None:
    """A member whose lessonloop is older than schema 5 sets no lock_timeout: the server's
    lock_changes gives it one (server_schema.LOCK_TIMEOUT_S), after which its push fails."""
    url, token, _store = _team(team_server, tmp_path, "init")
    login = plain_login(team_server.admin_url, url)
    item: list[dict[str, Any]] = [lesson("old-client", "A lesson of an older client")]
    with psycopg.connect(login) as holder, psycopg.connect(login) as older:
        # a guard for this test only, past the server's bound: an older server waits for ever
        older.execute(f"SET statement_timeout = '{PUSH_WAIT_S}s'")
        older.commit()
        holder.execute(
            "SELECT lessonloop_team.push(%s, %s, %s, %s::jsonb)", ("alice", token, "held", json_codec.dumps(item))
        )
        with pytest.raises(psycopg.errors.LockNotAvailable):
            older.execute(
                "SELECT lessonloop_team.push(%s, %s, %s, %s::jsonb)",
                ("alice", token, "older", json_codec.dumps(item)),
            )
        older.rollback()
        holder.rollback()
        row = older.execute(
            "SELECT lessonloop_team.push(%s, %s, %s, %s::jsonb)", ("alice", token, "older", json_codec.dumps(item))
        ).fetchone()
        assert row == (1,)  # once the lock is free, the older client's push goes through
