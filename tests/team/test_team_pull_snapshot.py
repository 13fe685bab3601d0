"""A pull's page comes from one snapshot of the server (issue 39, B1), on a real PostgreSQL.

`pull_items` joined `items`, read with its statement's snapshot, to the rows of `pull`, a
volatile function that took a newer one: an item made between the two was left out while a
later change (an update of an older item) came, and the cursor passed the item for good. Shown
here step by step (a lock on the members table holds the pull between its two snapshots), and by
many members pushing lessons and run records while others pull: every item must reach every
puller, at its last change."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.team_server import Server
from tests.team_wire import command, lesson, wait_for_blocked

psycopg = pytest.importorskip("psycopg")

from lessonloop.core import json_codec  # noqa: E402
from lessonloop.store import open_store  # noqa: E402
from lessonloop.team.server import PulledPage, TeamServer, init_schema  # noqa: E402
from lessonloop.team.store.state import save_config  # noqa: E402
from lessonloop.team.sync import pull  # noqa: E402

T0 = "2026-11-01T09:00:00.000Z"


def _team(server: Server, members: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A new team on `server`: its URL and every member's token (alice maintains it, the others
    get the roles `members` names)."""
    url = server.new_database()
    made = init_schema(url, "alice")
    assert made.token is not None
    tokens = {"alice": made.token}
    with TeamServer(url, "alice", made.token) as alice:
        for name, role in members.items():
            tokens[name] = alice.add_member(name, role)
    return url, tokens


def _server_items(url: str) -> dict[str, int]:
    """Every item on the server: id -> its last change number."""
    with psycopg.connect(url) as conn:
        return {str(r[0]): int(r[1]) for r in conn.execute("SELECT id, seq FROM lessonloop_team.items")}


@pytest.mark.slow
def test_an_item_made_while_a_pull_waits_comes_with_that_pull(team_server: Server) -> None:
    url, tokens = _team(team_server, {"carol": "read"})
    old = lesson("sig-old", "`tool old` without --flag fails")
    with TeamServer(url, "alice", tokens["alice"]) as alice:
        alice.push("batch-1", [old, command("pytest -q tests/test_old.py")])
    with TeamServer(url, "carol", tokens["carol"]) as carol:
        first = carol.pull(0, 500)
    assert len(first.items) == 2 and not first.skipped

    new = lesson("sig-new", "`tool new` without --flag fails")
    update = lesson("sig-old", "`tool old` without --flag fails", sessions=5, failed=3)
    got: list[PulledPage] = []
    failed: list[BaseException] = []

    def pull_page() -> None:
        try:
            with TeamServer(url, "carol", tokens["carol"]) as carol:
                got.append(carol.pull(first.last_seq, 500))
        except BaseException as exc:  # said by the main thread
            failed.append(exc)

    with psycopg.connect(url) as owner:  # the owner's transaction holds the members table
        owner.execute("LOCK TABLE lessonloop_team.members IN ACCESS EXCLUSIVE MODE")
        puller = threading.Thread(target=pull_page)
        puller.start()
        wait_for_blocked(url, "lessonloop_team.members")  # the pull has started and waits
        owner.execute(
            "SELECT lessonloop_team.push(%s, %s, %s, %s::jsonb)",
            ("alice", tokens["alice"], "batch-2", json_codec.dumps([new, update])),
        )
    puller.join(timeout=120)
    assert not puller.is_alive() and not failed, failed
    (page,) = got
    assert {item.signature for item in page.items} == {"sig-new", "sig-old"}, [i.signature for i in page.items]
    with TeamServer(url, "carol", tokens["carol"]) as carol:
        assert carol.pull(page.last_seq, 500).rows == 0
    seen = {item.item_id: item.seq for item in first.items} | {item.item_id: item.seq for item in page.items}
    assert seen == _server_items(url)  # nothing lost: every item, at its last change


PUSHERS = 10
PULLERS = 5
ROUNDS = 20
SHARED = 3


def _pusher(url: str, name: str, token: str, failed: list[BaseException]) -> None:
    """One member pushing, each round: a lesson and a run record of its own, and one more
    failing session of a shared lesson and one more run of a shared command (updates of items
    other members pushed too)."""
    try:
        with TeamServer(url, name, token) as server:
            for i in range(ROUNDS):
                k = i % SHARED
                batch = [
                    lesson(f"{name}-{i}", f"Mistake {i} that {name} made"),
                    command(f"pytest -q tests/test_{name}_{i}.py", failures=i % 2),
                    lesson(f"shared-{k}", f"Shared mistake {k}", sessions=i + 2, failed=i + 1),
                    command(f"make check-{k}", runs=i + 1),
                ]
                server.push(f"{name}-batch-{i}", batch)
    except BaseException as exc:
        failed.append(exc)


def _puller(url: str, name: str, token: str, db: Path, done: threading.Event, failed: list[BaseException]) -> None:
    """One member pulling with a real store until every push is done, then once more."""
    try:
        conn = open_store(db, redact=False)
        try:
            with TeamServer(url, name, token) as server:
                while not done.is_set():
                    pull(conn, server, review=False, trusted=("*",))
                pull(conn, server, review=False, trusted=("*",))
        finally:
            conn.close()
    except BaseException as exc:
        failed.append(exc)


@pytest.mark.slow
def test_every_item_reaches_every_puller_while_many_members_push(team_server: Server, tmp_path: Path) -> None:
    pushers = {f"writer{i:02d}": "write" for i in range(PUSHERS)}
    pullers = {f"reader{i:02d}": "read" for i in range(PULLERS)}
    url, tokens = _team(team_server, pushers | pullers)
    stores: dict[str, Path] = {}
    for name in pullers:
        stores[name] = tmp_path / f"{name}.db"
        conn = open_store(stores[name], redact=False)
        try:
            save_config(conn, url, name, tokens[name], "read", T0)
        finally:
            conn.close()

    failed: list[BaseException] = []
    done = threading.Event()
    pulling = [
        threading.Thread(target=_puller, args=(url, name, tokens[name], stores[name], done, failed)) for name in pullers
    ]
    pushing = [threading.Thread(target=_pusher, args=(url, name, tokens[name], failed)) for name in pushers]
    for thread in pulling + pushing:
        thread.start()
    for thread in pushing:
        thread.join(timeout=600)
    done.set()
    for thread in pulling:
        thread.join(timeout=600)
    assert not failed, failed
    assert not any(thread.is_alive() for thread in pulling + pushing)

    on_server = _server_items(url)
    kinds = _kinds(url)
    assert len(on_server) == PUSHERS * ROUNDS * 2 + SHARED * 2
    assert kinds == {"lesson": PUSHERS * ROUNDS + SHARED, "command": PUSHERS * ROUNDS + SHARED}
    lost: dict[str, int] = {}
    for name, db in stores.items():
        held = _pulled(db)
        missing = {i for i, seq in on_server.items() if held.get(i) != seq}
        if missing:
            lost[name] = len(missing)
    assert lost == {}, f"items lost (or not at their last change) per puller: {lost}"


def _kinds(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            str(r[0]): int(r[1]) for r in conn.execute("SELECT kind, count(*) FROM lessonloop_team.items GROUP BY 1")
        }


def _pulled(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    try:
        return {str(r[0]): int(r[1]) for r in conn.execute("SELECT item_id, seq FROM team_items")}
    finally:
        conn.close()
