"""The team store (issue 17) against a real PostgreSQL server started by the test run
(tests/team_server.py; skipped with the reason when none starts). Two stores made from different
shared corpora (Aider's history and Codex's rollouts) by the real ingest and learning push to one
team, pull, and recall each other's lessons; pushing again changes nothing; a push killed midway
(SIGKILL, in the batch loop) and run again leaves the server as one clean push does; a read-only
member cannot push; a member's forget removes their contributions."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from lessonloop.core.outside_text import as_data
from lessonloop.team.remote_urls import normalize_remote
from tests.conftest import REPO_ROOT, SHARED_CORPUS, cli
from tests.team_server import Server

AIDER = SHARED_CORPUS / "aider" / "aider-dev"
CODEX = SHARED_CORPUS / "codex" / "codemie"
GEMINI = SHARED_CORPUS / "gemini" / "codemie"  # the sync after ingest: something new to ingest
SSH_REMOTE = "git@github.com:Example/Shared-App.git"
HTTPS_REMOTE = "https://github.com/example/shared-app"


def test_ssh_and_https_forms_of_one_repository_are_one_project() -> None:
    key = "github.com/example/shared-app"
    assert normalize_remote(SSH_REMOTE) == key
    assert normalize_remote(HTTPS_REMOTE) == key
    assert normalize_remote("https://user:secret@GitHub.com/Example/Shared-App.git/") == key
    assert normalize_remote("ssh://git@github.com:22/example/shared-app.git") == key
    assert normalize_remote("/srv/git/app.git") == "file:srv/git/app"
    assert normalize_remote("git@gitlab.com:group/sub/app.git") != key


@pytest.fixture(autouse=True)
def _members_trust_each_other(_no_user_config: None) -> None:
    """These tests are about sharing among members who trust each other (`lessons.trusted_members
    = ["*"]`): pulled lessons are active at once and every member's counts add up. What a person
    who trusts no one gets is tests/team/test_team_trust.py's."""
    Path(os.environ["LESSONLOOP_CONFIG"]).write_text('[lessons]\ntrusted_members = ["*"]\n')


@pytest.fixture(scope="module")
def corpus_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Two stores, each made from one shared corpus (a copy) by the real ingest and learning:
    name -> (store, the project its lessons are in)."""
    made: dict[str, tuple[Path, str]] = {}
    for name, corpus in (("aider", AIDER), ("codex", CODEX)):
        if not corpus.is_dir():
            pytest.skip(f"shared corpus not found at {corpus}")
        folder = tmp_path_factory.mktemp(f"corpus-{name}")
        copy = shutil.copytree(corpus, folder / name)
        db = folder / "lessonloop.db"
        assert cli("ingest", copy, "--db", db).exit_code == 0
        assert cli("learn", "--db", db).exit_code == 0
        conn = sqlite3.connect(db)
        try:
            projects = [r[0] for r in conn.execute("SELECT DISTINCT project FROM lessons WHERE scope = 'project'")]
        finally:
            conn.close()
        assert len(projects) == 1, projects
        made[name] = (db, projects[0])
    return made


def _copy_store(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target


@pytest.fixture
def stores(corpus_stores: dict[str, tuple[Path, str]], tmp_path: Path) -> dict[str, tuple[Path, str]]:
    return {
        name: (_copy_store(db, tmp_path / name / "lessonloop.db"), project)
        for name, (db, project) in corpus_stores.items()
    }


def ok(*args: str | Path) -> Any:
    """Run a command with --json; its JSON (the test fails on a non-zero exit)."""
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr + result.output
    return result.json()


def _team(server: Server, stores: dict[str, tuple[Path, str]]) -> tuple[str, Path, Path]:
    """A new team: alice (maintain) from the Aider store, bob (write) from the Codex store, their
    projects named by two forms of one remote URL."""
    url, a = _alice(server, stores)
    b, b_project = stores["codex"]
    token = ok("team", "invite", "bob", "--role", "write", "--db", a)["token"]
    ok("team", "join", url, "--as", "bob", "--token", token, "--db", b)
    ok("team", "project", b_project, HTTPS_REMOTE, "--db", b)
    return url, a, b


def _alice(server: Server, stores: dict[str, tuple[Path, str]]) -> tuple[str, Path]:
    """A new team made by alice (maintain) from the Aider store, its project named by the SSH
    form of the remote URL: (the server's URL, alice's store)."""
    url = server.new_database()
    a, a_project = stores["aider"]
    ok("team", "init", url, "--as", "alice", "--db", a)
    ok("team", "project", a_project, SSH_REMOTE, "--db", a)
    return url, a


def server_state(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """What the team's server holds, without change numbers, times, batch names and token hashes."""
    import psycopg

    with psycopg.connect(url) as conn:
        return {
            "items": conn.execute(
                """SELECT id, kind, project, signature, payload::text, author, rejected_by
                   FROM lessonloop_team.items ORDER BY id"""
            ).fetchall(),
            "contributions": conn.execute(
                """SELECT item_id, member, payload::text, counts::text, evidence::text, first_seen, last_seen, digest
                   FROM lessonloop_team.contributions ORDER BY item_id, member"""
            ).fetchall(),
            "batches": conn.execute(
                "SELECT member, items FROM lessonloop_team.batches ORDER BY member, items"
            ).fetchall(),
            "members": conn.execute("SELECT name, role FROM lessonloop_team.members ORDER BY name").fetchall(),
        }


def _lessons(db: Path, where: str = "1") -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(f"SELECT * FROM lessons WHERE {where} ORDER BY id").fetchall()
    finally:
        conn.close()


def _recall(db: Path, text: str, project: str) -> list[dict[str, Any]]:
    return list(ok("recall", text, "--project", project, "--all", "--no-vectors", "--db", db)["results"])


@pytest.mark.slow
def test_two_stores_share_pull_and_recall_each_others_lessons_and_a_second_push_changes_nothing(
    team_server: Server, stores: dict[str, tuple[Path, str]]
) -> None:
    url, a, b = _team(team_server, stores)
    a_own, b_own = _lessons(a), _lessons(b)
    assert a_own and b_own

    pushed_a = ok("team", "push", "--db", a)
    pushed_b = ok("team", "push", "--db", b)
    assert pushed_a["items"] == len(a_own) and pushed_b["items"] == len(b_own)
    assert pushed_a["unshared"] == {} and pushed_b["unshared"] == {}

    pulled_a = ok("team", "pull", "--db", a)
    pulled_b = ok("team", "pull", "--db", b)
    assert pulled_a["new"] == len(b_own) and pulled_b["new"] == len(a_own)

    # Each recalls the other's lessons in its own project (one remote, two URL forms), marked as the team's.
    a_project, b_project = stores["aider"][1], stores["codex"][1]
    for db, project, other in ((a, a_project, b_own), (b, b_project, a_own)):
        for lesson in other[:3]:
            found = [r for r in _recall(db, lesson["title"], project) if r["title"] == lesson["title"]]
            assert found, f"{lesson['title']!r} not recalled in {project}"
            assert found[0]["origin"] == "team" and found[0]["project"] == project
            assert found[0]["failed_sessions"] == lesson["failed_sessions"]
    copies = _lessons(a, "origin = 'team'")
    assert {c["title"] for c in copies} == {lesson["title"] for lesson in b_own}

    status = ok("team", "status", "--db", a)
    assert status["shared"]["lessons"] == len(a_own)
    assert status["pending"] == {"outbox": 0, "changed": 0}
    assert status["pulled"]["team_lessons"] == len(b_own)
    assert status["server"]["lessons"] == len(a_own) + len(b_own)
    assert isinstance(status["server"]["vectors"], bool)

    before = server_state(url)
    for db in (a, b):
        again = ok("team", "push", "--db", db)
        assert (again["items"], again["batches"], again["queued"]) == (0, 0, 0)
    assert server_state(url) == before


def _push_killed_midway(db: Path, after_batches: int, batch_size: int) -> None:
    """`lessonloop team push` in a process of its own, killed with SIGKILL once `after_batches`
    batches reached the server (before it could tell its outbox)."""
    env = dict(os.environ, LESSONLOOP_TEAM_PUSH_PAUSE_AFTER=str(after_batches), PYTHONPATH=str(REPO_ROOT / "src"))
    process = subprocess.Popen(
        [sys.executable, "-m", "lessonloop", "team", "push", "--batch-size", str(batch_size), "--db", str(db)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    line = ""
    while "paused" not in line:
        line = process.stderr.readline()
        assert line or process.poll() is None, "the push ended before it paused"
        assert time.monotonic() < deadline
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_a_push_killed_midway_and_run_again_leaves_what_one_clean_push_leaves(
    team_server: Server, stores: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    source, project = stores["aider"]
    lessons = len(_lessons(source))
    assert lessons > 10  # several batches of 4
    runs: dict[str, str] = {}
    for name in ("killed", "clean"):
        db = _copy_store(source, tmp_path / name / "lessonloop.db")
        url = team_server.new_database()
        ok("team", "init", url, "--as", "alice", "--db", db)
        ok("team", "project", project, SSH_REMOTE, "--db", db)
        if name == "killed":
            _push_killed_midway(db, after_batches=2, batch_size=4)
            partial = server_state(url)
            assert len(partial["contributions"]) == 8  # two batches arrived
            outbox = sqlite3.connect(db)
            # the first batch left the outbox; the second reached the server but the outbox was not told
            assert outbox.execute("SELECT count(*) FROM team_outbox").fetchone()[0] == lessons - 4
            outbox.close()
            rerun = ok("team", "push", "--batch-size", "4", "--db", db)
            assert rerun["resent"] == 1 and rerun["queued"] == 0
        else:
            ok("team", "push", "--batch-size", "4", "--db", db)
        runs[name] = url
        assert ok("team", "status", "--db", db)["pending"] == {"outbox": 0, "changed": 0}
    killed, clean = server_state(runs["killed"]), server_state(runs["clean"])
    assert len(clean["contributions"]) == lessons
    assert killed == clean


def test_a_read_only_member_cannot_push_but_can_pull(team_server: Server, stores: dict[str, tuple[Path, str]]) -> None:
    url, a = _alice(team_server, stores)
    b, b_project = stores["codex"]
    ok("team", "push", "--db", a)
    token = ok("team", "invite", "reader", "--role", "read", "--db", a)["token"]
    assert ok("team", "join", url, "--as", "reader", "--token", token, "--db", b)["role"] == "read"
    ok("team", "project", b_project, HTTPS_REMOTE, "--db", b)
    before = server_state(url)

    refused = cli("team", "push", "--db", b)
    assert refused.exit_code == 1
    assert "read role" in refused.stderr and "write" in refused.stderr
    assert server_state(url) == before
    wrong = cli("team", "join", url, "--as", "reader", "--token", "llt_wrong", "--db", b)
    assert wrong.exit_code == 1 and "token" in wrong.stderr

    assert ok("team", "pull", "--db", b)["new"] == len(_lessons(a))


def test_a_members_forget_removes_their_contributions(team_server: Server, stores: dict[str, tuple[Path, str]]) -> None:
    url, a, b = _team(team_server, stores)
    for db in (a, b):
        ok("team", "push", "--db", db)
    ok("team", "pull", "--db", a)
    assert _lessons(a, "origin = 'team'")
    b_items = {r[0] for r in server_state(url)["contributions"] if r[1] == "bob"}
    assert b_items

    assert cli("team", "forget", "--db", b).exit_code == 0  # without --yes: nothing goes
    assert {r[0] for r in server_state(url)["contributions"] if r[1] == "bob"} == b_items
    assert ok("team", "forget", "--yes", "--db", b)["forgotten"] == len(b_items)

    state = server_state(url)
    assert not [r for r in state["contributions"] if r[1] == "bob"]
    assert not [r for r in state["batches"] if r[0] == "bob"]
    gone = [r for r in state["items"] if r[0] in b_items]
    assert all(r[4] == "{}" and r[5] is None for r in gone)  # no text of bob's is left
    assert len([r for r in state["contributions"] if r[1] == "alice"]) == len(_lessons(a, "origin <> 'team'"))

    pulled = ok("team", "pull", "--db", a)
    assert pulled["removed"] == len(b_items)
    assert not _lessons(a, "origin = 'team'")
    assert ok("team", "status", "--db", b)["shared"] == {"lessons": 0, "commands": 0}


def test_a_lesson_a_maintainer_rejects_is_rejected_for_everyone(
    team_server: Server, stores: dict[str, tuple[Path, str]]
) -> None:
    url, a, b = _team(team_server, stores)
    for db in (a, b, a, b):
        ok("team", "sync", "--db", db)
    bobs = _lessons(b, "origin <> 'team'")[0]
    copy = next(c for c in _lessons(a, "origin = 'team'") if c["title"] == bobs["title"])

    refused = cli("team", "reject", "--lesson", str(bobs["id"]), "--yes", "--db", b)  # bob only writes
    assert refused.exit_code == 1 and "maintain" in refused.stderr

    ok("team", "reject", "--lesson", str(copy["id"]), "--yes", "--reason", "not how we work", "--db", a)
    assert _lessons(a, f"id = {copy['id']}")[0]["status"] == "rejected"
    assert ok("team", "pull", "--db", b)["rejected"] == 1
    assert _lessons(b, f"id = {bobs['id']}")[0]["status"] == "rejected"  # bob's own lesson too
    assert not [r for r in _recall(b, bobs["title"], stores["codex"][1]) if r["status"] == "active"]
    assert ok("team", "push", "--db", b)["items"] == 0  # still bob's contribution, still rejected
    assert [r for r in server_state(url)["items"] if r[6] == "alice"]


def test_a_team_rejection_names_the_servers_item_and_asks(
    team_server: Server, stores: dict[str, tuple[Path, str]]
) -> None:
    """A bare number is never a team item (issue 82): `--lesson N` names a local lesson; off a
    terminal nothing is rejected without --yes, and the item is shown first."""
    url, a, b = _team(team_server, stores)
    for db in (a, b, a):
        ok("team", "sync", "--db", db)
    copy = _lessons(a, "origin = 'team'")[0]
    number = cli("team", "reject", str(copy["id"]), "--db", a)
    assert number.exit_code == 2 and f"--lesson {copy['id']}" in number.stderr
    short = cli("team", "reject", "abc", "--db", a)
    assert short.exit_code == 2 and "at least 8" in short.stderr
    asked = cli("team", "reject", "--lesson", str(copy["id"]), "--db", a)
    assert asked.exit_code == 1 and "add --yes" in asked.stderr and copy["title"] in asked.stderr
    assert _lessons(a, f"id = {copy['id']}")[0]["status"] != "rejected"
    assert not [r for r in server_state(url)["items"] if r[6] is not None]
    with sqlite3.connect(a) as conn:
        item = conn.execute("SELECT item_id FROM team_items WHERE lesson_id = ?", (copy["id"],)).fetchone()[0]
    done = ok("team", "reject", item[:12], "--yes", "--db", a)
    assert done["item"] == item
    assert [r[0] for r in server_state(url)["items"] if r[6] is not None] == [item]


@pytest.mark.slow
def test_ingest_syncs_in_the_background_when_asked(
    team_server: Server, stores: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    _url, a, b = _team(team_server, stores)
    ok("team", "sync", "--after-ingest", "on", "--db", a)
    ok("team", "push", "--db", b)
    assert not _lessons(a, "origin = 'team'")
    if not GEMINI.is_dir():
        pytest.skip(f"shared corpus not found at {GEMINI}")
    gemini = shutil.copytree(GEMINI, tmp_path / "chats")
    assert cli("ingest", gemini, "--db", a).exit_code == 0
    log = a.parent / "team-sync.log"
    deadline = time.monotonic() + 60
    while not (log.is_file() and "team sync: pushed" in log.read_text()):
        assert time.monotonic() < deadline, log.read_text() if log.is_file() else "no log"
        time.sleep(0.2)
    assert len(_lessons(a, "origin = 'team'")) == len(_lessons(b, "origin <> 'team'"))


def test_a_persons_own_reject_and_forget_of_team_lessons_stand_at_the_next_pull(
    team_server: Server, stores: dict[str, tuple[Path, str]]
) -> None:
    _url, a, b = _team(team_server, stores)
    ok("team", "push", "--db", a)
    ok("team", "pull", "--db", b)
    rejected, forgotten = _lessons(b, "origin = 'team'")[:2]
    ok("lessons", "reject", str(rejected["id"]), "--db", b)
    ok("lessons", "forget", str(forgotten["id"]), "--yes", "--db", b)

    conn = sqlite3.connect(a)  # alice's store learns more about every lesson of hers
    with conn:
        conn.execute("UPDATE lessons SET sessions = sessions + 1, failed_sessions = failed_sessions + 1")
    conn.close()
    assert ok("team", "push", "--db", a)["items"] == len(_lessons(a))
    pulled = ok("team", "pull", "--db", b)
    assert pulled["updated"] == len(_lessons(a)) - 1 and pulled["new"] == 0
    assert _lessons(b, f"id = {rejected['id']}")[0]["status"] == "rejected"
    assert _lessons(b, f"id = {rejected['id']}")[0]["sessions"] == rejected["sessions"] + 1
    assert not _lessons(b, f"signature = '{forgotten['signature']}'")


def test_lessons_vectors_travel_and_the_server_finds_the_nearest_with_pgvector(
    team_server: Server, stores: dict[str, tuple[Path, str]]
) -> None:
    import array

    from lessonloop.team.server import TeamServer

    url, a = _alice(team_server, stores)
    status = ok("team", "status", "--db", a)["server"]
    if not status["vectors"]:
        pytest.skip(f"this server has no pgvector: {status.get('vectors_note')} {team_server.fallback_reasons}")
    conn = sqlite3.connect(a)  # three lessons with vectors, as learning stores them (float32, unit length)
    ids = [r[0] for r in conn.execute("SELECT id FROM lessons ORDER BY id LIMIT 3")]
    units = ([1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.6, 0.8, 0.0, 0.0])
    with conn:
        for lesson_id, unit in zip(ids, units, strict=True):
            conn.execute(
                "UPDATE lessons SET embedding = ?, embedding_model = 'unit-test-model' WHERE id = ?",
                (array.array("f", unit).tobytes(), lesson_id),
            )
    titles = [
        r[0] for r in conn.execute(f"SELECT title FROM lessons WHERE id IN ({ids[0]}, {ids[1]}, {ids[2]}) ORDER BY id")
    ]
    conn.close()
    ok("team", "push", "--db", a)
    joined = _joined(a)
    with TeamServer(url, joined.member, joined.token) as server:
        near = server.similar([0.0, 1.0, 0.0, 0.0], "unit-test-model", 5)
        other_model = server.similar([0.0, 1.0, 0.0, 0.0], "another-model", 5)
    assert [hit["payload"]["title"] for hit in near] == [titles[1], titles[2], titles[0]]
    assert near[0]["rank"] == pytest.approx(1.0) and near[1]["rank"] == pytest.approx(0.8)
    assert other_model == []


def _joined(db: Path) -> Any:
    """The team the store at `db` joined, its token from the tokens file (team/store/tokens.py)."""
    from lessonloop.team.store.state import team_config

    conn = sqlite3.connect(db)
    try:
        config = team_config(conn)
    finally:
        conn.close()
    assert config is not None and config.token
    return config


def test_a_pull_whose_connection_drops_midway_resumes_where_it_stopped(
    team_server: Server, stores: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    from lessonloop.store import open_store
    from lessonloop.team.server import TeamError, TeamServer
    from lessonloop.team.sync import pull

    url, a, b = _team(team_server, stores)
    ok("team", "push", "--db", a)
    clean = _copy_store(b, tmp_path / "clean" / "lessonloop.db")

    class DroppedAfter(TeamServer):
        """The real server, whose connection is closed under it after two pages."""

        pages = 0

        def pull(self, after: int, limit: int) -> Any:
            self.pages += 1
            if self.pages == 3:
                self.conn.close()
            return super().pull(after, limit)

    conn = open_store(b)
    joined = _joined(b)
    with DroppedAfter(url, joined.member, joined.token) as server, pytest.raises(TeamError):
        pull(conn, server, page=5)
    stored = conn.execute("SELECT count(*) FROM team_items").fetchone()[0]
    cursor = conn.execute("SELECT pull_seq FROM team_config").fetchone()[0]
    conn.close()
    assert stored == 10 and cursor > 0  # two pages kept, with their cursor

    assert ok("team", "pull", "--db", b)["items"] == len(_lessons(a)) - 10
    conn = open_store(clean)  # a pull of many pages reads the store's team config (its cursor) once
    config_reads: list[str] = []
    conn.set_trace_callback(lambda sql: config_reads.append(sql) if "FROM team_config" in sql else None)
    with TeamServer(url, joined.member, joined.token) as server:
        clean_pull = pull(conn, server, page=5)
    conn.set_trace_callback(None)
    assert clean_pull.items == len(_lessons(a)) and clean_pull.pages >= 3
    assert clean_pull.cursor == conn.execute("SELECT pull_seq FROM team_config").fetchone()[0]
    conn.close()
    assert len(config_reads) == 1, config_reads
    columns = "signature, kind, title, body, prevention, project, scope, sessions, failed_sessions, status, origin"
    assert len(_lessons(b, "origin = 'team'")) == len(_lessons(a))
    dumped = [
        sqlite3.connect(db).execute(f"SELECT {columns} FROM lessons ORDER BY signature").fetchall() for db in (b, clean)
    ]
    assert dumped[0] == dumped[1]


def _team_copies_projects(db: Path) -> set[str]:
    return {str(r["project"]) for r in _lessons(db, "origin = 'team' AND scope = 'project'")}


def test_team_copies_take_the_first_by_name_of_the_local_projects_of_their_remote_in_any_order(
    team_server: Server, stores: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    # Two local projects (two clones of one repository): the copies are named the same whichever
    # was mapped first, or before or after the pull; a remapped project hands them to the other.
    _url, a, b = _team(team_server, stores)
    ok("team", "push", "--db", a)
    b_project = stores["codex"][1]
    clone = "zz-second-clone"
    assert b_project < clone  # the name mapped last below is not the first by name
    later = _copy_store(b, tmp_path / "later" / "lessonloop.db")
    ok("team", "project", clone, SSH_REMOTE, "--db", b)
    ok("team", "pull", "--db", b)
    ok("team", "pull", "--db", later)
    ok("team", "project", clone, SSH_REMOTE, "--db", later)
    assert _team_copies_projects(b) == _team_copies_projects(later) == {b_project}
    assert ok("team", "pull", "--db", later)["items"] == 0
    assert _team_copies_projects(later) == {b_project}
    ok("team", "project", b_project, "https://github.com/example/another-app", "--db", later)
    assert _team_copies_projects(later) == {clone}
    title = str(_lessons(later, "origin = 'team' AND scope = 'project'")[0]["title"])
    assert any(hit["origin"] == "team" for hit in _recall(later, title, clone))


V1_SCHEMA = REPO_ROOT / "tests" / "data" / "team_schema_v1.sql"


def _read_through_functions(url: str, member: str, token: str) -> dict[str, list[tuple[Any, ...]]]:
    """What a member's pull and a search (on a word of the first lesson's title) return."""
    import psycopg

    with psycopg.connect(url) as conn:
        pulled = conn.execute("SELECT * FROM lessonloop_team.pull(%s, %s, 0, 100000)", (member, token)).fetchall()
        title = next(row[5]["title"] for row in pulled if row[2] == "lesson")
        word = max(title.split(), key=len)
        found = conn.execute("SELECT * FROM lessonloop_team.search(%s, %s, %s, 50)", (member, token, word)).fetchall()
    return {"pull": pulled, "search": found}


def test_a_server_made_by_schema_version_1_works_after_init_brings_it_up_to_date(
    team_server: Server, stores: dict[str, tuple[Path, str]]
) -> None:
    import psycopg

    from lessonloop.team.server_schema import SCHEMA_VERSION

    url = team_server.new_database()
    token = "llt_made-by-schema-version-1"
    with psycopg.connect(url) as conn:  # the server as version 1's `team init` left it
        conn.execute(V1_SCHEMA.read_text(encoding="utf-8"))
        conn.execute("INSERT INTO lessonloop_team.meta VALUES ('schema_version', '1'), ('vectors', 'no')")
        conn.execute(
            """INSERT INTO lessonloop_team.members (name, token_hash, role)
               VALUES ('alice', encode(sha256(convert_to(%s, 'UTF8')), 'hex'), 'maintain')""",
            (token,),
        )
    (a, a_project), (b, b_project) = stores["aider"], stores["codex"]
    ok("team", "join", url, "--as", "alice", "--token", token, "--db", a)
    ok("team", "project", a_project, SSH_REMOTE, "--db", a)
    bob = ok("team", "invite", "bob", "--role", "write", "--db", a)["token"]
    ok("team", "join", url, "--as", "bob", "--token", bob, "--db", b)
    ok("team", "project", b_project, HTTPS_REMOTE, "--db", b)
    assert ok("team", "push", "--db", a)["items"] == len(_lessons(a))
    ok("team", "push", "--db", b)
    before = _read_through_functions(url, "alice", token)

    upgraded = ok("team", "init", url, "--as", "alice", "--db", a)
    assert upgraded["created"] is False and upgraded["member"] is None  # alice stays its maintainer
    with psycopg.connect(url) as conn:
        version = conn.execute("SELECT value FROM lessonloop_team.meta WHERE key = 'schema_version'").fetchone()
        members_function = conn.execute("SELECT count(*) FROM pg_proc WHERE proname = 'item_members'").fetchone()
    assert version == (str(SCHEMA_VERSION),) and SCHEMA_VERSION > 1 and members_function == (1,)
    after = _read_through_functions(url, "alice", token)
    assert after == before and before["search"]
    assert {tuple(row[9]) for row in after["pull"]} >= {("alice",), ("bob",)}

    pulled = ok("team", "pull", "--db", b)  # the members carry on as before
    assert pulled["items"] == len(before["pull"])
    assert len(_lessons(b, "origin = 'team'")) == len(_lessons(a))
    assert ok("team", "status", "--db", b)["server"]["schema_version"] == str(SCHEMA_VERSION)


@pytest.mark.slow
def test_run_telemetry_travels_as_one_summary_per_command(
    team_server: Server, stores: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    _url, a, b = _team(team_server, stores)
    folder = tmp_path / "app"
    folder.mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"))
    for code in (0, 3, 3):
        subprocess.run(
            [sys.executable, "-m", "lessonloop", "run", "--db", str(a), "--", "sh", "-c", f"exit {code}"],
            cwd=folder,
            env=env,
            capture_output=True,
            check=False,
        )
    conn = sqlite3.connect(a)
    (project,) = {r[0] for r in conn.execute("SELECT project FROM runs")}
    conn.close()
    ok("team", "project", project, SSH_REMOTE, "--db", a)
    assert ok("team", "push", "--db", a)["items"] == len(_lessons(a)) + 1
    ok("team", "pull", "--db", b)
    conn = sqlite3.connect(b)
    rows = conn.execute("SELECT project, totals, payload, members FROM team_items WHERE kind = 'command'").fetchall()
    conn.close()
    assert len(rows) == 1
    remote, totals, payload, members = rows[0]
    assert remote == normalize_remote(SSH_REMOTE)
    assert json.loads(totals)["runs"] == 3 and json.loads(totals)["failures"] == 2
    assert json.loads(payload)["command"] and json.loads(members) == ["alice"]
    assert ok("team", "status", "--db", b)["pulled"]["commands"] == 1


def test_secrets_an_old_store_still_holds_are_redacted_before_they_leave(
    team_server: Server, stores: dict[str, tuple[Path, str]]
) -> None:
    from tests.secret_samples import ANTHROPIC, AWS_SECRET, GITHUB_PAT_CLASSIC

    url, a = _alice(team_server, stores)
    conn = sqlite3.connect(a)  # as a store redacted with older rules would hold them
    with conn:
        conn.execute(
            "UPDATE lessons SET title = title || ?, body = body || ?, prevention_command = ?, trigger_text = ? "
            "WHERE id = (SELECT min(id) FROM lessons)",
            (
                f" with token {GITHUB_PAT_CLASSIC}",
                f"\nexport AWS_SECRET_ACCESS_KEY={AWS_SECRET}",
                f"curl -H 'x-api-key: {ANTHROPIC}' https://api.example.com",
                f"shell `curl` with {ANTHROPIC}",
            ),
        )
    conn.close()
    ok("team", "push", "--db", a)
    state = json.dumps(server_state(url), default=str)
    for secret in (GITHUB_PAT_CLASSIC, AWS_SECRET, ANTHROPIC):
        assert secret not in state
    assert "with token" in state and "curl -H" in state  # the texts went, their secrets did not


@pytest.mark.slow
def test_two_members_with_the_same_lessons_are_counted_once_each(
    team_server: Server, stores: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    from lessonloop.lesson_model import confidence as conf

    url, a, b = _team(team_server, stores)
    a_project = stores["aider"][1]
    carol = _copy_store(stores["aider"][0], tmp_path / "carol" / "lessonloop.db")  # the same history, another member
    token = ok("team", "invite", "carol", "--db", a)["token"]
    ok("team", "join", url, "--as", "carol", "--token", token, "--db", carol)
    ok("team", "project", a_project, HTTPS_REMOTE, "--db", carol)
    for db in (a, carol, a, carol):  # each pushes twice
        ok("team", "push", "--db", db)
    state = server_state(url)
    assert len(state["items"]) == len(_lessons(a))  # one item per lesson, not per member
    assert len(state["contributions"]) == 2 * len(_lessons(a))

    ok("team", "pull", "--db", b)
    alice = {r["title"]: r for r in _lessons(a)}
    for copy in _lessons(b, "origin = 'team'"):
        own = alice[copy["title"]]
        assert (copy["sessions"], copy["failed_sessions"]) == (2 * own["sessions"], 2 * own["failed_sessions"])
        wilson = conf.wilson_lower_bound(2 * own["failed_sessions"], 2 * own["sessions"])
        assert copy["confidence"] <= round(wilson, 6)  # the team's evidence, decayed from the last time seen
    assert ok("team", "pull", "--db", a)["new"] == 0  # alice's own rows carry them: no copies
    conn = sqlite3.connect(a)
    totals = [json.loads(t) for (t,) in conn.execute("SELECT totals FROM team_items WHERE own = 1")]
    conn.close()
    assert len(totals) == len(alice) and all(t["sessions"] % 2 == 0 for t in totals)

    # carol forgets one of her lessons here: her contribution goes, and alice's does not bring it back
    gone = _lessons(carol)[0]
    ok("lessons", "forget", str(gone["id"]), "--yes", "--db", carol)
    assert ok("team", "push", "--db", carol)["items"] == 1
    ok("team", "pull", "--db", carol)
    assert not [c for c in _lessons(carol) if c["title"] == gone["title"]]
    assert len([r for r in server_state(url)["contributions"] if r[1] == "carol"]) == len(alice) - 1


@pytest.mark.slow
def test_the_pre_tool_use_hook_warns_with_a_pulled_team_lesson(
    team_server: Server, stores: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    """Alice's `rg` mistake (Codex corpus), made in a second session (a copy of her rollouts with
    ids of its own: a lesson of one failing session is a candidate, given to no one), pulled into
    bob's store (Aider corpus): bob's PreToolUse hook warns about it in bob's project, and did not
    before the pull. A teammate's lesson only warns: it never stops bob's call, where alice's own
    lesson stops the same call once in her project (the hooks' default)."""
    from tests.corpus_copies import codex_copies
    from tests.hook_helpers import HookSession, hook_env

    (codex, codex_project), (aider, aider_project) = stores["codex"], stores["aider"]
    (lesson,) = _lessons(codex)
    assert lesson["trigger"] and lesson["status"] == "active"
    assert (lesson["tier"], lesson["failed_sessions"]) == ("candidate", 1)  # one failing session: given to no one
    codex_copies(tmp_path / "again", 2)  # copy000 keeps the rollouts' ids; copy001 is a second set of sessions
    assert cli("ingest", tmp_path / "again" / "copy001", "--db", codex).exit_code == 0
    assert cli("learn", "--db", codex).exit_code == 0
    (lesson,) = _lessons(codex, f"id = {lesson['id']}")  # the same lesson (the copies may teach a candidate more)
    assert lesson["trigger"] and lesson["status"] == "active" and lesson["tier"] in ("active", "core")
    assert lesson["failed_sessions"] == 2
    url = team_server.new_database()
    ok("team", "init", url, "--as", "alice", "--db", codex)
    token = ok("team", "invite", "bob", "--db", codex)["token"]
    ok("team", "join", url, "--as", "bob", "--token", token, "--db", aider)
    ok("team", "project", codex_project, SSH_REMOTE, "--db", codex)
    ok("team", "project", aider_project, HTTPS_REMOTE, "--db", aider)
    ok("team", "push", "--db", codex)
    command = "rg -n compact node_modules/opencode-ai"

    before = HookSession(Path(aider_project), hook_env(aider))
    before.start()
    assert lesson["title"] not in before.bash(command)[0].context

    ok("team", "pull", "--db", aider)
    session = HookSession(Path(aider_project), hook_env(aider))
    session.start()
    pre, _post = session.bash(command)
    assert pre.returncode == 0
    # the team's lesson, before the call: a teammate's words, quoted whole as data
    assert as_data(lesson["title"]) in pre.context
    assert pre.output is not None and "permissionDecision" not in pre.output["hookSpecificOutput"]  # a warning
    own = HookSession(Path(codex_project), hook_env(codex))  # in alice's project her own lesson stops it once
    own.start()
    pre, _post = own.bash(command)
    assert pre.output is not None and pre.output["hookSpecificOutput"].get("permissionDecision") == "deny"


def test_with_review_pending_lessons_are_not_shared_and_pulled_copies_wait_for_approval(
    team_server: Server, stores: dict[str, tuple[Path, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 24: a lesson waiting for review (lessons.review, an import) reaches no agent, a
    teammate's neither; a member who reviews new lessons gets the team's as pending copies."""
    _url, a, b = _team(team_server, stores)
    a_own = _lessons(a)
    held = a_own[0]
    with sqlite3.connect(a) as conn:
        conn.execute("UPDATE lessons SET status = 'pending' WHERE id = ?", (held["id"],))
    assert ok("team", "push", "--db", a)["items"] == len(a_own) - 1
    config = tmp_path / "review.toml"
    config.write_text("[lessons]\nreview = true\n")
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(config))
    assert ok("team", "pull", "--db", b)["new"] == len(a_own) - 1
    copies = _lessons(b, "origin = 'team'")
    statuses = [c["status"] for c in copies]
    assert "pending" in statuses and "active" not in statuses  # pending, or archived for their age
    waiting = next(c for c in copies if c["status"] == "pending")
    ok("lessons", "approve", str(waiting["id"]), "--db", b)
    assert _lessons(b, f"id = {waiting['id']}")[0]["status"] == "active"


@pytest.mark.slow
def test_tokens_are_kept_out_of_the_store_in_a_file_only_their_user_reads(
    team_server: Server, stores: dict[str, tuple[Path, str]]
) -> None:
    """Issue 25: the store is a file people copy; a token in it was a password in plain text."""
    import stat

    from lessonloop.team.store.tokens import tokens_path

    _url, a, b = _team(team_server, stores)
    for db in (a, b):
        token = _joined(db).token
        assert sqlite3.connect(db).execute("SELECT token FROM team_config").fetchone() == ("",)
        assert token.encode() not in db.read_bytes()
        assert ok("team", "status", "--db", db)["server"].get("error") is None  # the token from the file
    path = Path(tokens_path())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert {entry["member"] for entry in json.loads(path.read_text())["tokens"]} == {"alice", "bob"}


def test_a_push_while_the_lessons_trail_says_it_shares_what_is_learned_so_far(
    team_server: Server, stores: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    """`team push` does not wait for the store's worker (issue 81, item 3): with a session stored
    whose texts and lessons are not there yet, it pushes what is learned and says why on stderr."""
    from lessonloop.capture.discovery import SourceRef
    from lessonloop.pipeline.ingest import ingest
    from lessonloop.store import open_store
    from tests.transcript_builder import TranscriptBuilder

    _url, a, _b = _team(team_server, stores)
    t = TranscriptBuilder(cwd="/home/dev/later")
    t.prompt("deploy it")
    t.bash("./deploy.sh", "deploy failed", exit_code=1)
    conn = open_store(a)
    ingest(conn, [SourceRef(str(t.write(tmp_path / f"{t.session_id}.jsonl")))], texts_later=True)
    conn.close()
    pushed = cli("team", "push", "--db", a, "--json")
    assert pushed.exit_code == 0, pushed.stderr
    assert "Note: pushing the lessons learned so far; they trail the stored sessions (" in pushed.stderr
    assert "the texts of 1 file not stored yet" in pushed.stderr
    assert pushed.json()["items"] > 0  # what was learned is shared all the same
