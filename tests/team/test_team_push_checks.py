"""One member's push cannot break every member's pull (issue 39, B2), on a real PostgreSQL.

The review's attack: a title that is a JSON array nested 1,200 levels deep passed the server's
check and raised RecursionError in every member's client when psycopg read it; a category, error
signature or class or trigger text given as a list or an object failed when the copy was written.
Each pull ended in a traceback, its cursor stuck, until the item was withdrawn. Now the server
checks every field's type, size and depth before it writes (check_push), and the client reads
what an older server (or one written by hand) still holds with a depth guard, checks every field,
and skips an item it cannot read, saying so, its cursor past it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT, cli
from tests.team_server import Server
from tests.team_wire import command, lesson, plain_login

psycopg = pytest.importorskip("psycopg")

from lessonloop.core import json_codec  # noqa: E402
from lessonloop.team.server import TeamError, TeamServer, init_schema  # noqa: E402

DEEP = 1200  # levels: past Python's recursion limit and orjson's 1,024


DEEP_MARK = "@nested-deep@"  # stands for a list nested DEEP levels (no JSON writer writes one)


def _nested(levels: int) -> Any:
    """A list nested `levels` deep (DEEP_MARK for DEEP levels, written by _json)."""
    if levels == DEEP:
        return DEEP_MARK
    value: Any = []
    for _ in range(levels - 1):
        value = [value]
    return value


def _json(value: Any) -> str:
    """`value` as JSON text, each DEEP_MARK a list nested DEEP levels."""
    return json_codec.dumps(value).replace(f'"{DEEP_MARK}"', "[" * DEEP + "]" * DEEP)


def _with_texts(base: dict[str, Any], **texts: Any) -> dict[str, Any]:
    """`base` (a lesson or command as the client sends it) with these texts changed."""
    return base | {"payload": base["payload"] | texts}


@pytest.fixture(scope="module")
def team(team_server: Server) -> tuple[str, str, str, str]:
    """A team: its URL, alice's (maintain) token, bob's (write) and a database login for members."""
    url = team_server.new_database()
    with psycopg.connect(url, autocommit=True) as owner:
        owner.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")  # as on servers before PostgreSQL 15
    made = init_schema(url, "alice")
    assert made.token is not None
    with TeamServer(url, "alice", made.token) as alice:
        bob = alice.add_member("bob", "write")
    return url, made.token, bob, plain_login(team_server.admin_url, url)


BAD_PUSHES = [
    ("title", {"title": _nested(DEEP)}, "its texts nest deeper than 6 levels"),
    ("title-shallow", {"title": ["a", ["b"]]}, "its title is a JSON array, not a text"),
    ("category", {"category": ["shell", "git"]}, "its category is a JSON array, not a text"),
    ("error_signature", {"error_signature": {"a": "b"}}, "its error_signature is a JSON object, not a text"),
    ("error_class", {"error_class": [1]}, "its error_class is a JSON array, not a text"),
    ("trigger_text", {"trigger_text": {"x": 1}}, "its trigger_text is a JSON object, not a text"),
    ("body-number", {"body": 5}, "its body is a JSON number, not a text"),
    ("severity", {"severity": "urgent"}, "its severity is not one of low, medium, high, critical"),
    ("trigger", {"trigger": "shell git push"}, "its trigger is a JSON string, not an object"),
    ("depth", {"trigger": {"kind": "shell", "unless": {"words": [[[[["x"]]]]]}}}, "nest deeper than 6 levels"),
    ("category-long", {"category": "c" * 300}, "its category is over 200 characters"),
    ("fields", {f"f{n}": "x" for n in range(40)}, "more than 32 fields"),
]


@pytest.mark.parametrize(("name", "texts", "said"), BAD_PUSHES, ids=[b[0] for b in BAD_PUSHES])
def test_a_push_whose_texts_are_not_texts_is_refused_whole(
    team: tuple[str, str, str, str], name: str, texts: dict[str, Any], said: str
) -> None:
    """Sent as a malicious member would: the member's database login calling push itself."""
    url, _alice, bob, login = team
    bad = _with_texts(lesson(f"bad-{name}", "A lesson"), **texts)
    with psycopg.connect(login, autocommit=True) as member:
        before = _last_seq(url)
        with pytest.raises(psycopg.Error, match=said):
            member.execute(
                "SELECT lessonloop_team.push(%s, %s, %s, %s::jsonb)",
                ("bob", bob, f"batch-{name}", _json([lesson(f"good-{name}", "A good one"), bad])),
            )
        assert _last_seq(url) == before  # the good item of the push is not kept either


@pytest.mark.parametrize(
    ("item", "said"),
    [
        (_with_texts(command("make check"), command={"argv": ["make"]}), "its command is a JSON object, not a text"),
        (_with_texts(command("make check"), command=None), "its command is not a text"),
        (_with_texts(command("make check"), program=["make"]), "its program is a JSON array, not a text"),
        (command("make check") | {"evidence": {"a": [[[["x"]]]]}}, "its evidence nests deeper than 4 levels"),
        (lesson("vec", "A lesson") | {"embedding": [0.1, [0.2]], "embedding_model": "m"}, "its vector is not a list"),
    ],
)
def test_a_run_record_evidence_or_vector_of_the_wrong_shape_is_refused(
    team: tuple[str, str, str, str], item: dict[str, Any], said: str
) -> None:
    url, _alice, bob, _login = team
    with TeamServer(url, "bob", bob) as server:
        before = _last_seq(url)
        with pytest.raises(TeamError, match=said):
            server.push(f"batch-{said[:24]}", [item])
        assert _last_seq(url) == before


def test_what_the_client_sends_passes_the_checks(team: tuple[str, str, str, str]) -> None:
    """Every field team/items.py writes, a trigger with its `unless` included, is accepted."""
    url, _alice, bob, _login = team
    trigger = {
        "kind": "shell",
        "words": ["git", "push"],
        "lacks": ["-u"],
        "unless": {"words": ["git"], "since": "session"},
    }
    full = _with_texts(
        lesson("full", "`git push` without upstream fails"),
        trigger=trigger,
        trigger_text="shell `git push`",
        error_signature="fatal: no upstream",
        error_class="GIT",
        prevention_command="git push -u origin HEAD",
    )
    with TeamServer(url, "bob", bob) as server:
        assert server.push("batch-full", [full, command("pytest -q", runs=3, failures=1)]) == 2


def _last_seq(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT coalesce(max(seq), 0) FROM lessonloop_team.items").fetchone()
    return int(row[0]) if row else 0


def _plant(url: str, member: str, item: dict[str, Any]) -> None:
    """Store `item` as a server that did not check pushes did (written as the owner, past
    check_push): the item and the member's contribution."""
    with psycopg.connect(url) as owner:
        owner.execute(
            """INSERT INTO lessonloop_team.items (id, kind, project, signature, payload, author, seq)
               VALUES (%(id)s, %(kind)s, %(project)s, %(signature)s, %(payload)s::jsonb, %(member)s,
                       nextval('lessonloop_team.change_seq'))
               ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, seq = excluded.seq""",
            item | {"payload": _json(item["payload"]), "member": member},
        )
        owner.execute(
            """INSERT INTO lessonloop_team.contributions (item_id, member, payload, counts, digest, batch_id)
               VALUES (%s, %s, %s::jsonb, %s::jsonb, %s, 'planted') ON CONFLICT DO NOTHING""",
            (item["id"], member, _json(item["payload"]), json_codec.dumps(item["counts"]), item["digest"]),
        )


PLANTED = {
    "deep-title": ({"title": _nested(DEEP)}, "nested deeper than"),  # orjson's own limit
    "deeper-than-100": ({"title": _nested(150)}, "nested deeper than 100 levels"),
    "deeper-than-6": ({"trigger": {"kind": "shell", "words": _nested(8)}}, "nest deeper than 6 levels"),
    "category-list": ({"category": ["shell"]}, "its category is a JSON array, not a text"),
    "error-signature-object": ({"error_signature": {"a": 1}}, "its error_signature is a JSON object, not a text"),
    "error-class-list": ({"error_class": ["E"]}, "its error_class is a JSON array, not a text"),
    "trigger-text-list": ({"trigger_text": ["shell"]}, "its trigger_text is a JSON array, not a text"),
    "trigger-string": ({"trigger": "git push"}, "its trigger is a JSON string, not an object"),
    "trigger-words-object": ({"trigger": {"kind": "shell", "words": {"0": "git"}}}, "trigger's words is not a list"),
}


@pytest.mark.slow
def test_a_pull_skips_what_it_cannot_read_says_so_and_later_items_still_arrive(
    team: tuple[str, str, str, str], tmp_path: Path
) -> None:
    url, alice, bob, _login = team
    store = tmp_path / "alice.db"
    joined = cli("team", "join", url, "--as", "alice", "--token", alice, "--db", store, "--json")
    assert joined.exit_code == 0, joined.stderr
    assert cli("team", "pull", "--db", store, "--json").exit_code == 0  # what the other tests pushed

    for name, (texts, _said) in PLANTED.items():
        _plant(url, "bob", _with_texts(lesson(f"planted-{name}", f"planted {name}"), **texts))
    _plant(url, "bob", _with_texts(command("make planted"), command=["make", "planted"]))
    _plant(url, "bob", _with_texts(lesson("planted-severity", "planted severity"), severity="urgent"))
    with TeamServer(url, "bob", bob) as server:  # after them, as bob pushes on
        server.push("batch-after", [lesson("after-1", "A lesson after the planted ones"), command("make after")])

    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"))
    run = subprocess.run(
        [sys.executable, "-m", "lessonloop", "team", "pull", "--db", str(store)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr + run.stdout
    skipped = [line for line in run.stdout.splitlines() if line.startswith("Skipped item")]
    assert len(skipped) == len(PLANTED) + 1, run.stdout
    for _name, (_texts, said) in PLANTED.items():
        assert any(said in line for line in skipped), (said, skipped)
    assert any("its command is a JSON array, not a text" in line for line in skipped)

    titles = {lesson["title"]: lesson for lesson in _team_lessons(store)}
    assert "A lesson after the planted ones" in titles  # later items still arrive
    assert titles["planted severity"]["severity"] == "medium"  # an unknown severity is the writer's default
    assert not any(title.startswith("planted ") and title != "planted severity" for title in titles)
    again = cli("team", "pull", "--db", store, "--json")
    assert again.exit_code == 0 and again.json()["skipped"] == [] and again.json()["items"] == 0  # passed for good
    found = cli("team", "search", "planted", "--db", store, "--json")
    assert found.exit_code == 0, found.stderr


def _team_lessons(store: Path) -> list[dict[str, Any]]:
    listed = cli("lessons", "list", "--status", "all", "--db", store, "--json")
    assert listed.exit_code == 0, listed.stderr
    return [lesson for lesson in listed.json() if lesson["origin"] == "team"]
