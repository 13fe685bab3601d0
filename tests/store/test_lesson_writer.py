"""Keeping learned lessons (store/lessons/writer.py via learning/runs.learn_store) in a real
SQLite store: the fingerprint skip, stable ids, people's edits and decisions, evidence, decay and
archiving. The real-corpus store is built once with the CLI's own ingest and copied per test."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from lessonloop.core.timestamps import days_between, format_timestamp, parse_timestamp
from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.runs import learn_store
from lessonloop.lesson_model import confidence as conf
from lessonloop.store import open_store
from lessonloop.store.lessons.writer import save_learned
from tests.conftest import CORPUS, REPO_ROOT
from tests.learning_helpers import Script, no_upstream, play

CORPUS_ROOT = CORPUS  # the spotter sessions, not the whole claude-code folder
NOW = "2026-03-01T00:00:00.000Z"  # a few weeks after the corpus


def later(ts: str, days: float) -> str:
    return format_timestamp(parse_timestamp(ts) + timedelta(days=days))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real corpus ingested by `lessonloop ingest` (projects resolved, analysis done), unlearned."""
    if not CORPUS_ROOT.is_dir():
        pytest.skip(f"real-data corpus not found at {CORPUS_ROOT} (the ../shared folder is absent)")
    folder = tmp_path_factory.mktemp("learn-corpus")
    db = folder / "ingested.db"
    env = {**os.environ, "XDG_CONFIG_HOME": str(folder / "config"), "LESSONLOOP_DB": str(folder / "unused.db")}
    env.pop("LESSONLOOP_CONFIG", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "lessonloop",
            "ingest",
            str(CORPUS_ROOT),
            "--db",
            str(db),
            "--no-bandit",
            "--no-learn",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM lessons").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM learn_runs").fetchone()[0] == 0
    finally:
        conn.close()
    return db


@pytest.fixture
def store(ingested: Path, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A private copy of the ingested corpus store."""
    path = tmp_path / "s.db"
    source = sqlite3.connect(ingested)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    conn = open_store(path)
    try:
        yield conn
    finally:
        conn.close()


def lessons(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    cursor = conn.execute("SELECT * FROM lessons ORDER BY id")
    names = [d[0] for d in cursor.description]
    return {row[names.index("signature")]: dict(zip(names, row, strict=True)) for row in cursor}


def events(conn: sqlite3.Connection, event: str) -> list[tuple[int, str]]:
    return conn.execute(
        "SELECT lesson_id, signature FROM lesson_events WHERE event = ? ORDER BY id", (event,)
    ).fetchall()


PUSH_TITLE = (
    "`git push` without --set-upstream fails: tool output “fatal: The current branch <branch> has no upstream branch.”"
)


def push_lesson(conn: sqlite3.Connection) -> dict[str, Any]:
    found = [row for row in lessons(conn).values() if row["title"] == PUSH_TITLE]
    assert len(found) == 1
    return found[0]


# ----------------------------------------------------------------------------- runs


@pytest.mark.slow
@pytest.mark.corpus
def test_learning_an_unchanged_store_again_is_skipped(store: sqlite3.Connection) -> None:
    first = learn_store(store, now=NOW)
    assert not first.skipped
    assert first.tool_calls > 1000
    assert first.new == first.lessons >= 4
    before = lessons(store)
    second = learn_store(store, now=NOW)
    assert second.skipped
    assert second.lessons == first.lessons
    assert lessons(store) == before
    assert store.execute("SELECT count(*) FROM learn_runs").fetchone()[0] == 1


@pytest.mark.corpus
def test_forced_relearning_keeps_the_same_lessons_and_ids(store: sqlite3.Connection) -> None:
    learn_store(store, now=NOW)
    before = lessons(store)
    run = learn_store(store, now=NOW, force=True)
    assert not run.skipped
    assert (run.new, run.updated, run.archived) == (0, len(before), 0)
    after = lessons(store)
    assert {sig: row["id"] for sig, row in after.items()} == {sig: row["id"] for sig, row in before.items()}
    for sig, row in after.items():
        for column in ("title", "sessions", "failed_sessions", "observations", "confidence", "tier", "status"):
            assert row[column] == before[sig][column], (column, row["title"])
    assert len(events(store, "learned")) == len(before)  # not learned twice


def test_relearning_leaves_unchanged_evidence_where_it_is(store: sqlite3.Connection) -> None:
    """Evidence the same as stored is not written again (its rows keep their ids); evidence that
    changed is replaced whole, in the learner's order."""
    learn_store(store, now=NOW)
    query = "SELECT id, lesson_id, role, session_id, tool_use_id, ts, detail FROM lesson_evidence ORDER BY id"
    before = store.execute(query).fetchall()
    assert before
    learn_store(store, now=NOW, force=True)
    assert store.execute(query).fetchall() == before
    lesson_id = before[0][1]
    with store:  # a stored row that learning would not give: the lesson's evidence is written again
        store.execute("UPDATE lesson_evidence SET ts = '1999-01-01T00:00:00.000Z' WHERE id = ?", (before[0][0],))
    learn_store(store, now=NOW, force=True)
    after = store.execute(query).fetchall()
    assert [row[1:] for row in after if row[1] == lesson_id] == [row[1:] for row in before if row[1] == lesson_id]
    assert [row for row in after if row[1] != lesson_id] == [row for row in before if row[1] != lesson_id]
    assert max(row[0] for row in after) > max(row[0] for row in before)  # that lesson's rows: new ones


@pytest.mark.corpus
def test_the_corpus_lessons(store: sqlite3.Connection) -> None:
    learn_store(store, now=NOW)
    push = push_lesson(store)
    assert push["kind"] == "usage"
    assert push["failed_sessions"] == push["sessions"] == 4
    assert push["prevention_command"] == "git push --set-upstream origin <branch>"
    assert (
        push["trigger_text"]
        == "shell `git push` without --set-upstream/-u and with no operands, unless `git push --set-upstream` ran "
        "earlier in the session"
    )
    assert push["status"] == "active"
    assert push["tier"] == "active"
    titles = [str(row["title"]) for row in lessons(store).values()]
    # learned at the hook's [FORMAT] rejection (issue 15, item 4), fixed by `mix format`
    assert any(
        t.startswith("`git commit` is rejected by the format check unless `mix format` ran first") for t in titles
    )
    # `git add -f` got the ignored file in: the path is warned about, forcing it is not taught
    assert any(t.startswith("`git add` for \u201cpriv/static/assets\u201d fails") for t in titles)
    assert not [row for row in lessons(store).values() if "-f" in str(row["prevention_command"] or "").split()]


# ----------------------------------------------------------------------------- people's decisions


@pytest.mark.corpus
def test_an_edited_title_survives_relearning_while_counts_update(store: sqlite3.Connection) -> None:
    learn_store(store, now=NOW)
    push = push_lesson(store)
    store.execute(
        "UPDATE lessons SET title = 'Set the upstream on first push', body = 'mine', edited = 1, sessions = 99, "
        "failed_sessions = 1, observations = 99, confidence = 0.01 WHERE id = ?",
        (push["id"],),
    )
    learn_store(store, now=NOW, force=True)
    row = store.execute(
        "SELECT title, body, edited, sessions, failed_sessions, observations, confidence FROM lessons WHERE id = ?",
        (push["id"],),
    ).fetchone()
    assert row[:3] == ("Set the upstream on first push", "mine", 1)
    assert row[3:] == (push["sessions"], push["failed_sessions"], push["observations"], push["confidence"])
    assert store.execute("SELECT count(*) FROM lessons WHERE title = ?", (PUSH_TITLE,)).fetchone()[0] == 0


@pytest.mark.corpus
def test_a_rejected_lesson_stays_rejected(store: sqlite3.Connection) -> None:
    learn_store(store, now=NOW)
    push = push_lesson(store)
    store.execute("UPDATE lessons SET status = 'rejected' WHERE id = ?", (push["id"],))
    learn_store(store, now=NOW, force=True)
    assert push_lesson(store)["status"] == "rejected"
    learn_store(store, now=later(NOW, 5000), force=True)  # not archived either: a person decided
    assert push_lesson(store)["status"] == "rejected"
    assert (push["id"], push["signature"]) not in events(store, "archived")


@pytest.mark.corpus
def test_evidence_points_at_stored_calls(store: sqlite3.Connection) -> None:
    learn_store(store, now=NOW)
    for sig, row in lessons(store).items():
        evidence = store.execute(
            "SELECT role, tool_use_id, message_uuid FROM lesson_evidence WHERE lesson_id = ?", (row["id"],)
        ).fetchall()
        assert evidence, f"no evidence for {row['title']}"
        roles = {role for role, _, _ in evidence}
        general = json.loads(row["trigger"] or "{}").get("unless", {}).get("since") == "worked"
        if row["kind"] == "usage" and general:
            assert "failure" in roles, (sig, roles)  # a general lesson: its fix only once one worked
        elif row["kind"] == "usage":
            assert {"failure", "fix"} <= roles, (sig, roles)
        elif row["kind"] == "correction":
            assert "correction" in roles, (sig, roles)
    orphans = store.execute(
        """SELECT count(*) FROM lesson_evidence
           WHERE tool_use_id IS NOT NULL AND tool_use_id NOT IN (SELECT id FROM tool_calls)"""
    ).fetchone()[0]
    assert orphans == 0
    failures = store.execute(
        """SELECT e.session_id, t.status, s.id, coalesce(s.parent_id, s.id)
           FROM lesson_evidence e JOIN tool_calls t ON t.id = e.tool_use_id JOIN sessions s ON s.id = t.session_id
           WHERE e.role = 'failure'"""
    ).fetchall()
    assert failures
    assert all(status in ("error", "rejected") for _, status, _, _ in failures)
    assert all(session == root for session, _, _, root in failures)  # evidence names the main session
    messages = store.execute(
        """SELECT count(*) FROM lesson_evidence
           WHERE message_uuid IS NOT NULL AND message_uuid NOT IN (SELECT uuid FROM messages)"""
    ).fetchone()[0]
    assert messages == 0
    findings = store.execute(
        """SELECT count(*) FROM lesson_evidence
           WHERE finding_id IS NOT NULL AND finding_id NOT IN (SELECT id FROM findings)"""
    ).fetchone()[0]
    assert findings == 0


# ----------------------------------------------------------------------------- decay and archiving


@pytest.mark.slow
@pytest.mark.corpus
def test_decay_lowers_stored_confidence(store: sqlite3.Connection) -> None:
    learn_store(store, now=NOW)
    fresh = lessons(store)
    last = max(str(row["last_seen"]) for row in fresh.values())
    learn_store(store, now=last, force=True)
    undecayed = lessons(store)
    now = later(last, 400)
    learn_store(store, now=now, force=True)
    decayed = lessons(store)
    for sig, row in decayed.items():
        # The same history learned twice: the same base confidence (sessions, and since issue 15 the
        # precision of its warnings), decayed by 400 more days unseen.
        assert row["confidence"] == pytest.approx(undecayed[sig]["confidence"] * 0.95 ** (400 / 30), abs=2e-6)
        days = days_between(str(row["last_seen"]), now)
        assert row["confidence"] <= 0.95 ** (days / 30) + 1e-6, row["title"]
        assert row["confidence"] < fresh[sig]["confidence"]
        if row["confidence"] >= conf.ARCHIVE_FLOOR:
            assert row["status"] == fresh[sig]["status"] == "active"  # lower, not below the floor: kept
        else:
            assert row["status"] == "archived"  # stale and below the floor
    assert sum(1 for row in decayed.values() if row["status"] == "active") >= 4


@pytest.mark.corpus
def test_long_unseen_lessons_are_archived_never_deleted(store: sqlite3.Connection) -> None:
    learn_store(store, now=NOW)
    before = lessons(store)
    live = [sig for sig, row in before.items() if row["status"] == "active"]
    assert len(live) >= 4
    far = later(NOW, 2000)
    run = learn_store(store, now=far, force=True)
    after = lessons(store)
    assert after.keys() == before.keys()
    assert run.archived == len(live)
    archived = events(store, "archived")
    for sig, row in after.items():
        assert row["confidence"] < conf.ARCHIVE_FLOOR
        assert row["status"] == "archived"
        assert (row["id"], sig) in archived
        assert row["title"] == before[sig]["title"]
    assert len(archived) == len(before)
    # learning again does not archive them twice
    learn_store(store, now=later(far, 1), force=True)
    assert len(events(store, "archived")) == len(before)
    assert store.execute("SELECT count(*) FROM lesson_evidence").fetchone()[0] > 0


@pytest.mark.corpus
def test_a_first_learning_long_after_archives_on_insert(store: sqlite3.Connection) -> None:
    run = learn_store(store, now=later(NOW, 2000))
    assert run.new == run.archived == run.lessons
    assert {row["status"] for row in lessons(store).values()} == {"archived"}
    assert len(events(store, "archived")) == run.lessons


@pytest.mark.corpus
def test_a_lesson_no_longer_learned_is_decayed_and_archived(store: sqlite3.Connection) -> None:
    store.execute(
        """INSERT INTO lessons (signature, kind, origin, title, body, severity, scope, sessions, failed_sessions,
               observations, confidence, tier, status, first_seen, last_seen, created_at, updated_at)
           VALUES ('gone', 'usage', 'learned', 'an old lesson', 'b', 'low', 'global', 2, 2, 2, 0.42, 'active',
               'active', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', ?, ?)""",
        (NOW, NOW),
    )
    store.execute(
        """INSERT INTO lessons (signature, kind, origin, title, body, severity, scope, confidence, tier, status,
               created_at, updated_at)
           VALUES ('manual', 'manual', 'manual', 'a rule', 'b', 'low', 'global', 0.9, 'core', 'active', ?, ?)""",
        (NOW, NOW),
    )
    learn_store(store, now=NOW)
    rows = lessons(store)
    assert rows["gone"]["status"] == "archived"
    assert rows["gone"]["title"] == "an old lesson"
    assert (rows["gone"]["id"], "gone") in events(store, "archived")
    assert (rows["manual"]["status"], rows["manual"]["confidence"], rows["manual"]["tier"]) == ("active", 0.9, "core")


def test_a_lesson_no_longer_learned_keeps_its_precision_cap(tmp_path: Path) -> None:
    """Decaying a lesson this run did not produce never lifts it above its stored confidence: a
    lesson learning had capped (its warnings mostly false alarms) stays capped after it leaves the
    learned set, instead of going back to the Wilson bound of its sessions."""
    conn = open_store(tmp_path / "s.db")
    try:
        seen = later(NOW, -1)
        for signature, stored in (("capped", 0.2), ("uncapped", 0.9)):
            conn.execute(
                """INSERT INTO lessons (signature, kind, origin, title, body, severity, scope, sessions,
                       failed_sessions, observations, confidence, tier, status, first_seen, last_seen,
                       created_at, updated_at)
                   VALUES (?, 'usage', 'learned', ?, 'b', 'low', 'global', 4, 4, 4, ?, 'active', 'active',
                       ?, ?, ?, ?)""",
                (signature, signature, stored, seen, seen, NOW, NOW),
            )
        learn_store(conn, now=NOW)
        rows = lessons(conn)
        decayed = conf.confidence(4, 4, 1.0)
        assert 0.2 < decayed < 0.9
        assert rows["capped"]["confidence"] == pytest.approx(0.2)  # the cap holds
        assert rows["uncapped"]["confidence"] == pytest.approx(decayed, abs=1e-6)  # decayed as before
    finally:
        conn.close()


# ----------------------------------------------------------------------------- aliases (scripted)


def test_a_merged_signature_finds_its_lesson_again(tmp_path: Path) -> None:
    script = Script()
    learner = Learner()
    for sid, branch, reworded in (("s1", "feat-x", False), ("s2", "feat-y", True)):
        s = script.session(sid, branch=branch)
        error = no_upstream(branch)
        if reworded:
            error = error.replace("upstream branch.", "upstream branch set.")
        play(learner, s.bash("git push", error=error, error_class="MISSING_PREREQUISITE"))
        play(learner, s.bash(f"git push -u origin {branch}"))
        learner.end_session(sid)
    assert len(learner.lessons) == 1
    (target,) = learner.lessons
    # the signature a run that only sees the variant produces (the variant's general lesson,
    # superseded by the flag lesson, is an alias too)
    alone = Learner()
    s = script.session("s3", branch="feat-z")
    variant = no_upstream("feat-z").replace("upstream branch.", "upstream branch set.")
    play(alone, s.bash("git push", error=variant, error_class="MISSING_PREREQUISITE"))
    play(alone, s.bash("git push -u origin feat-z"))
    (alias,) = alone.lessons
    assert learner.aliases[alias] == target
    conn = open_store(tmp_path / "s.db")
    try:
        result = save_learned(conn, learner.lessons.values(), learner.aliases, NOW)
        assert result is not None and (result.total, result.new) == (1, 1)
        (lesson_id,) = conn.execute("SELECT id FROM lessons WHERE signature = ?", (target,)).fetchone()
        assert conn.execute("SELECT lesson_id FROM lesson_aliases WHERE signature = ?", (alias,)).fetchone() == (
            lesson_id,
        )
        # a later run that only sees the variant produces the alias's signature: same stored lesson
        result = save_learned(conn, alone.lessons.values(), alone.aliases, NOW)
        assert result is not None and (result.new, result.updated) == (0, 1)
        assert conn.execute("SELECT count(*) FROM lessons").fetchone()[0] == 1
    finally:
        conn.close()


@pytest.mark.corpus
def test_a_forgotten_lesson_is_not_learned_again(store: sqlite3.Connection) -> None:
    from lessonloop.store.lessons.curation import forget

    learn_store(store, now=NOW)
    push = push_lesson(store)
    forget(store, push["id"], now=NOW)
    learn_store(store, now=NOW, force=True)
    assert store.execute("SELECT count(*) FROM lessons WHERE signature = ?", (push["signature"],)).fetchone()[0] == 0


@pytest.mark.corpus
def test_a_restored_lesson_is_not_archived_again_by_the_rules(store: sqlite3.Connection) -> None:
    from lessonloop.store.lessons.curation import restore

    learn_store(store, now=NOW)
    learn_store(store, now=later(NOW, 5000), force=True)
    push = push_lesson(store)
    assert push["status"] == "archived"
    restore(store, push["id"], now=later(NOW, 5000))
    learn_store(store, now=later(NOW, 6000), force=True)
    assert push_lesson(store)["status"] == "active"


@pytest.mark.corpus
def test_an_edited_severity_and_scope_survive_relearning(store: sqlite3.Connection) -> None:
    learn_store(store, now=NOW)
    push = push_lesson(store)
    store.execute("UPDATE lessons SET severity = 'critical', scope = 'global', edited = 1 WHERE id = ?", (push["id"],))
    learn_store(store, now=NOW, force=True)
    assert (push_lesson(store)["severity"], push_lesson(store)["scope"]) == ("critical", "global")


@pytest.mark.corpus
def test_a_vector_of_old_text_is_dropped_and_one_of_the_same_text_kept(store: sqlite3.Connection) -> None:
    learn_store(store, now=NOW)
    push = push_lesson(store)
    others = store.execute("SELECT id FROM lessons WHERE id != ? LIMIT 1", (push["id"],)).fetchone()[0]
    store.execute("UPDATE lessons SET title = 'an older text', embedding = x'01' WHERE id = ?", (push["id"],))
    store.execute("UPDATE lessons SET embedding = x'02' WHERE id = ?", (others,))
    learn_store(store, now=NOW, force=True)
    assert store.execute("SELECT title, embedding FROM lessons WHERE id = ?", (push["id"],)).fetchone() == (
        PUSH_TITLE,
        None,
    )
    assert store.execute("SELECT embedding FROM lessons WHERE id = ?", (others,)).fetchone()[0] == b"\x02"


def test_a_save_learned_from_a_history_that_changed_meanwhile_is_rolled_back(tmp_path: Path) -> None:
    from lessonloop.store import open_store
    from tests.apply.test_recall import make_lesson

    conn = open_store(tmp_path / "raced.db")
    lesson = make_lesson("raced", "`git push` without --set-upstream fails", "no upstream")
    assert save_learned(conn, [lesson], {}, NOW, still_current=lambda: False) is None
    assert conn.execute("SELECT count(*) FROM lessons").fetchone()[0] == 0
    assert not conn.in_transaction
    recorded: list[int] = []
    saved = save_learned(conn, [lesson], {}, NOW, still_current=lambda: True, finish=lambda r: recorded.append(r.new))
    assert saved is not None and saved.new == 1 and recorded == [1]
    assert conn.execute("SELECT count(*) FROM lessons").fetchone()[0] == 1
