"""A stored lesson whose trigger or fields cannot be read stops no command (issue 39, B3).

A pending team lesson whose trigger had fields of the wrong types made `lessons list` (any status,
--json too), `show`, `approve`, `reject`, `archive`, `forget`, `export` and `report --html` fail
with a TypeError: the person could not even remove it. Now every reader reads every stored row:
the lesson is shown as unreadable (and why), it is never made active (approve and restore
refuse it, a pull keeps it pending), and it can be rejected, archived or forgotten. Real SQLite
stores, the real CLI; the team's path on a real PostgreSQL server; the hooks as Claude Code runs
them."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import cli, store_with_active_lessons

GOOD = {
    "signature": "tool-run-flag",
    "kind": "usage",
    "title": "`tool run` without --flag fails",
    "body": "tool run failed: the flag is required",
    "prevention": "Run `tool run --flag`.",
    "scope": "global",
    "sessions": 3,
    "failed_sessions": 3,
    "observations": 3,
    "trigger": {"kind": "shell", "words": ["tool", "run"], "lacks": ["--flag"]},
}
BAD_TRIGGERS = {
    "words a number": ({"kind": "shell", "words": 5}, "words field is a number"),
    "lacks numbers": ({"kind": "shell", "words": ["git"], "lacks": [1, 2]}, "lacks field holds a number"),
    "unless a list": ({"kind": "shell", "words": ["git"], "unless": ["x"]}, "prevention (unless) is a list"),
    "unless words an object": (
        {"kind": "shell", "words": ["git"], "unless": {"words": {"a": 1}}},
        "unless.words field is an object",
    ),
    "kind a number": ({"kind": 7}, "kind field is a number"),
    "a list": ([1, 2], "it is a list, not an object"),
    "a text": ('"shell"', "it is a text, not an object"),  # (the store refuses text that is not JSON)
}


def _store(tmp_path: Path, trigger: Any) -> tuple[Path, int]:
    """A store with GOOD (active) and a pending lesson whose stored trigger is `trigger` (as
    another program, or an older lessonloop, left it): (the store, the bad lesson's id)."""
    db = store_with_active_lessons(tmp_path, GOOD)
    source = tmp_path / "pending.jsonl"
    pending = {**GOOD, "signature": "planted", "title": "planted lesson", "trigger": None}
    source.write_text(json.dumps(pending) + "\n")
    assert cli("lessons", "import", "--db", db, source).exit_code == 0
    text = trigger if isinstance(trigger, str) else json.dumps(trigger)
    conn = sqlite3.connect(db)
    try:
        conn.execute("UPDATE lessons SET trigger = ? WHERE signature = 'planted'", (text,))
        conn.commit()
        (lesson_id,) = conn.execute("SELECT id FROM lessons WHERE signature = 'planted'").fetchone()
    finally:
        conn.close()
    return db, int(lesson_id)


@pytest.mark.parametrize("case", sorted(BAD_TRIGGERS))
def test_every_command_reads_a_lesson_whose_trigger_cannot_be_read(tmp_path: Path, case: str) -> None:
    trigger, why = BAD_TRIGGERS[case]
    db, bad = _store(tmp_path, trigger)
    for status in ("all", "pending", "active,pending"):
        listed = cli("lessons", "list", "--status", status, "--db", db)
        assert listed.exit_code == 0 and "Traceback" not in listed.stderr, listed.stderr
    listed = cli("lessons", "list", "--status", "all", "--db", db)
    assert "(unreadable trigger) planted lesson" in " ".join(listed.output.split())
    as_json = cli("lessons", "list", "--status", "all", "--db", db, "--json")
    assert as_json.exit_code == 0, as_json.stderr
    by_id = {row["id"]: row for row in as_json.json()}
    assert why in by_id[bad]["unreadable"] and by_id[bad]["unreadable"].startswith("trigger: ")
    assert all(row["unreadable"] is None for row in by_id.values() if row["id"] != bad)
    shown = cli("lessons", "show", str(bad), "--db", db)
    assert shown.exit_code == 0, shown.stderr
    assert "(unreadable trigger: " in shown.output and why in " ".join(shown.output.split())
    assert cli("lessons", "show", str(bad), "--db", db, "--json").json()["lesson"]["unreadable"]

    exported = cli("lessons", "export", "--status", "all", "--db", db)
    assert exported.exit_code == 0 and "cannot be read" in exported.stderr
    assert {json.loads(line)["signature"] for line in exported.output.splitlines()} == {"tool-run-flag", "planted"}
    rules = tmp_path / "AGENTS.md"
    section = cli("lessons", "export", "--format", "md", "--status", "all", "--to", rules, "--db", db)
    assert section.exit_code == 0 and "planted lesson" not in rules.read_text()
    report = cli("report", "--html", tmp_path / "report.html", "--db", db)
    assert report.exit_code == 0, report.stderr
    assert "Unreadable:" in (tmp_path / "report.html").read_text()

    refused = cli("lessons", "approve", str(bad), "--db", db)
    assert refused.exit_code == 1 and "never given to agents" in refused.stderr
    assert "reject, archive or forget it" in refused.stderr
    for action in ("archive", "reject"):
        done = cli("lessons", action, str(bad), "--db", db)
        assert done.exit_code == 0, done.stderr
    assert cli("lessons", "restore", str(bad), "--db", db).exit_code == 1  # not back into use either
    forgotten = cli("lessons", "forget", str(bad), "--yes", "--db", db)
    assert forgotten.exit_code == 0, forgotten.stderr
    assert [row["signature"] for row in cli("lessons", "list", "--status", "all", "--db", db, "--json").json()] == [
        "tool-run-flag"
    ]


def test_counts_of_the_wrong_type_are_read_and_said(tmp_path: Path) -> None:
    db, bad = _store(tmp_path, GOOD["trigger"])
    conn = sqlite3.connect(db)
    try:
        conn.execute("UPDATE lessons SET sessions = 'many', confidence = 'high' WHERE id = ?", (bad,))
        conn.commit()
    finally:
        conn.close()
    listed = cli("lessons", "list", "--status", "all", "--db", db, "--json")
    assert listed.exit_code == 0, listed.stderr
    (row,) = [r for r in listed.json() if r["id"] == bad]
    assert (row["sessions"], row["confidence"]) == (0, 0.0)
    assert "sessions: 'many' is not a number" in row["unreadable"] and "confidence" in row["unreadable"]
    assert cli("lessons", "show", str(bad), "--db", db).exit_code == 0
    assert cli("lessons", "approve", str(bad), "--db", db).exit_code == 1


def test_an_import_refuses_a_trigger_that_cannot_be_read_naming_the_line(tmp_path: Path) -> None:
    source = tmp_path / "lessons.jsonl"
    bad = {**GOOD, "signature": "bad", "trigger": {"kind": "shell", "words": 5}}
    source.write_text(json.dumps(GOOD) + "\n" + json.dumps(bad) + "\n")
    db = tmp_path / "s.db"
    done = cli("lessons", "import", "--db", db, source, "--json")
    assert done.exit_code == 0, done.stderr
    result = done.json()
    assert result["imported"] == 1 and result["skipped"] == 1
    (problem,) = result["problems"]
    assert problem["line"] == 2 and "trigger cannot be read: its words field is a number" in problem["error"]


def test_a_pulled_item_of_any_shape_never_stops_the_page(tmp_path: Path) -> None:
    """The store defends itself (the server and team/server.py check what they can): fields of
    the wrong types are stored as data or make the copy unreadable, and an item that cannot be
    stored at all is left out with an event saying why, the rest of the page kept."""
    from lessonloop.store import open_store
    from lessonloop.store.lessons.reader import list_lessons
    from lessonloop.team.store.state import Incoming, apply_pulled

    def item(n: int, payload: dict[str, Any], **changes: Any) -> Incoming:
        fields: dict[str, Any] = {
            "seq": n, "item_id": f"item-{n}", "kind": "lesson", "project": "", "signature": f"sig-{n}",
            "payload": payload, "rejected_by": None, "reject_reason": None,
            "totals": {"sessions": 3.0, "failed_sessions": 3.0}, "members": ("bob",),
            "first_seen": "2026-01-01T00:00:00.000Z", "last_seen": "2026-01-02T00:00:00.000Z", "author": "bob",
            "member_counts": {"bob": {"sessions": 3.0, "failed_sessions": 3.0}},
        }  # fmt: skip
        fields.update(changes)
        return Incoming(**fields)

    odd = {
        "title": ["a", "list"],
        "body": {"an": "object"},
        "category": {"x": 1},
        "trigger_text": {"x": 1},
        "error_signature": 5,
        "kind": 3,
        "severity": ["high"],
        "trigger": {"kind": "shell", "words": 5},
    }
    items = [
        item(1, {"title": "fine", "body": "b"}),
        item(2, odd, first_seen=5, last_seen={"t": 1}),
        item(3, {"title": "x"}, item_id=99),
        item(4, {"title": "x", "trigger": "a text"}),
        item(5, {"title": "last", "body": "b"}),
    ]
    conn = open_store(tmp_path / "s.db")
    try:
        conn.execute(
            "INSERT INTO team_config (id, url, member, token, role, joined_at) VALUES (1, 'u', 'alice', '', 'write', 'now')"
        )
        counts = apply_pulled(conn, items, 5, "2026-01-03T00:00:00.000Z", remotes={}, own_ids={}, trusted=("bob",))
        assert counts["new"] == 4
        rows = {row.signature: row for row in list_lessons(conn, status="all")}
        assert rows["team:item-1"].status == "active" and rows["team:item-5"].status == "active"
        weird = rows["team:item-2"]
        assert weird.status == "pending" and weird.unreadable and "words field is a number" in weird.unreadable
        assert (weird.title, weird.category, weird.kind, weird.severity) == (
            '["a","list"]',
            '{"x":1}',
            "manual",
            "medium",
        )
        assert weird.trigger_text is None and weird.first_seen is None and weird.last_seen is None
        assert rows["team:item-4"].status == "pending" and "it is a text" in str(rows["team:item-4"].unreadable)
        (skipped,) = conn.execute("SELECT detail FROM lesson_events WHERE event = 'team_skipped'").fetchall()
        assert "its item_id is not text" in skipped[0]
        assert conn.execute("SELECT pull_seq FROM team_config").fetchone()[0] == 5
    finally:
        conn.close()


def test_a_trigger_that_cannot_be_read_does_not_silence_the_other_lessons_warnings(tmp_path: Path) -> None:
    """PreToolUse read every candidate's trigger; one of the wrong shape raised, and the hook, which
    fails open, gave no warning at all for the call."""
    from datetime import UTC, datetime, timedelta

    from lessonloop.learning.engine.engine import Learner
    from lessonloop.store import open_store
    from lessonloop.store.lessons.writer import save_learned
    from tests.hook_helpers import HookSession, hook_env, run_hook
    from tests.learning_helpers import Script, play_all, push_episode

    project = tmp_path / "app"
    project.mkdir()
    learner = Learner()
    script = Script(datetime.now(UTC) - timedelta(minutes=5))
    play_all(learner, push_episode(script.session("s0", project=str(project), cwd=str(project), branch="feat-0")))
    (lesson,) = learner.lessons.values()
    lesson.session_failed = {f"s{i}": True for i in range(20)}
    lesson.recount()
    db = tmp_path / "lessonloop.db"
    conn = open_store(db)
    try:
        save_learned(conn, [lesson], {}, script.tick())
        columns = [r[1] for r in conn.execute("PRAGMA table_info(lessons)") if r[1] not in ("id", "trigger_kind")]
        chosen = ", ".join("'broken'" if name == "signature" else name for name in columns)
        conn.execute(
            f"INSERT INTO lessons (id, {', '.join(columns)}) SELECT (SELECT last_id + 1 FROM lesson_ids), {chosen} FROM lessons"
        )
        trigger = json.loads(conn.execute("SELECT trigger FROM lessons WHERE signature = 'broken'").fetchone()[0])
        trigger["lacks"] = 7
        conn.execute("UPDATE lessons SET trigger = ? WHERE signature = 'broken'", (json.dumps(trigger),))
        conn.commit()
    finally:
        conn.close()
    env = hook_env(db)
    call = HookSession(project, env).payload("PreToolUse", tool_name="Bash", tool_input={"command": "git push"})
    out = run_hook("PreToolUse", call, env)
    assert out.returncode == 0 and out.output is not None, out.stderr
    assert "git push -u origin" in out.context


# --- through the team ------------------------------------------------------------------------


def test_a_teammates_lesson_with_a_malformed_trigger_can_be_taken_away_and_never_approved(
    team_server: Any, tmp_path: Path
) -> None:
    """The issue's path: a write member's lesson whose trigger has fields of the wrong types, on a
    real server (planted as a server written by another program holds it), pulled by a person who
    trusts its author. Either the pull leaves it out saying why, or the person gets it pending and
    unreadable, and every command works on it."""
    psycopg = pytest.importorskip("psycopg")
    from lessonloop.team.items import item_id
    from lessonloop.team.server import TeamServer, init_schema

    url = team_server.new_database()
    made = init_schema(url, "alice")
    assert made.token is not None
    with TeamServer(url, "alice", made.token) as alice:
        bob = alice.add_member("bob", "write")
    identity = item_id("lesson", "", "sig-malformed")
    good = {
        "id": identity, "kind": "lesson", "project": "", "signature": "sig-malformed",
        "payload": {"title": "malformed one", "body": "b", "prevention": "p",
                    "trigger": {"kind": "shell", "words": ["git", "push"]}},
        "counts": {"sessions": 5, "failed_sessions": 5}, "digest": "d-malformed",
        "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-02T00:00:00Z",
    }  # fmt: skip
    with TeamServer(url, "bob", bob) as server:
        server.push("batch-malformed", [good])
    malformed = {"kind": "shell", "words": 5, "lacks": {"x": 1}, "unless": {"words": 3}}
    with psycopg.connect(url, autocommit=True) as owner:
        for table, key in (("items", "id"), ("contributions", "item_id")):
            owner.execute(
                f"UPDATE lessonloop_team.{table} SET payload = jsonb_set(payload, '{{trigger}}', %s::jsonb) "
                f"WHERE {key} = %s",
                (json.dumps(malformed), identity),
            )
    Path(os.environ["LESSONLOOP_CONFIG"]).write_text('[lessons]\ntrusted_members = ["bob"]\n')
    store = tmp_path / "alice.db"
    joined = cli("team", "join", url, "--as", "alice", "--token", made.token, "--db", store, "--json")
    assert joined.exit_code == 0, joined.stderr
    pulled = cli("team", "pull", "--db", store, "--json")
    assert pulled.exit_code == 0 and "Traceback" not in pulled.stderr, pulled.stderr
    listed = cli("lessons", "list", "--status", "all", "--db", store, "--json")
    assert listed.exit_code == 0, listed.stderr
    if pulled.json()["skipped"]:  # the client's own check left it out: said, and nothing stored
        assert identity[:20] in pulled.json()["skipped"][0]
        assert listed.json() == []
        return
    (copy,) = listed.json()
    assert copy["status"] == "pending" and "trigger: " in copy["unreadable"]
    lesson = str(copy["id"])
    for args in (["list", "--status", "all"], ["show", lesson], ["export", "--status", "all"]):
        done = cli("lessons", *args, "--db", store)
        assert done.exit_code == 0 and "Traceback" not in done.stderr, (args, done.stderr)
    assert cli("report", "--html", tmp_path / "r.html", "--db", store).exit_code == 0
    assert cli("lessons", "approve", lesson, "--db", store).exit_code == 1
    assert cli("lessons", "archive", lesson, "--db", store).exit_code == 0
    assert cli("lessons", "reject", lesson, "--db", store).exit_code == 0
    assert cli("lessons", "forget", lesson, "--yes", "--db", store).exit_code == 0
    again = cli("team", "pull", "--db", store, "--json")
    assert again.exit_code == 0 and cli("lessons", "list", "--status", "all", "--db", store, "--json").json() == []
