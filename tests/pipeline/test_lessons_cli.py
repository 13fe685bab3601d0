"""`lessonloop lessons`: list, show, approve, reject, archive, restore, edit, forget, on real
stores learned from the real corpus (each test works on its own copy)."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.cli import main
from lessonloop.learning.runs import learn_store
from lessonloop.lesson_model import confidence as conf
from lessonloop.pipeline.analysis import analyze_store
from lessonloop.pipeline.session_projects import resolve_store_projects
from lessonloop.settings.config import Config
from lessonloop.store import open_store
from tests.conftest import CORPUS, run_ingest

pytestmark = pytest.mark.corpus

NOW = "2026-03-01T00:00:00.000Z"  # learning's clock: a fixed "now", so decay and archiving are the same every run


def build_learned_store(db: Path) -> Path:
    """Ingest the corpus into `db` as `lessonloop ingest` does (worktrees placed in their project,
    with the corpus's home folder), analyze it and learn lessons (at NOW)."""
    if not CORPUS.is_dir():
        pytest.skip(f"real-data corpus not found at {CORPUS} (the ../shared folder is absent)")
    run_ingest(db, CORPUS)
    conn = open_store(db)
    try:
        resolve_store_projects(conn, Config(), home="/home/USER")
        analyze_store(conn, bandit=False)
        learn_store(conn, now=NOW)
    finally:
        conn.close()
    return db


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of a closed store (its write-ahead log is folded in on close)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target


@pytest.fixture(scope="module")
def learned_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store learned from the corpus, built once for this module; tests copy it, never change it."""
    return build_learned_store(tmp_path_factory.mktemp("lessons") / "template.db")


@pytest.fixture
def db(learned_template: Path, tmp_path: Path) -> Path:
    return copy_store(learned_template, tmp_path / "store" / "lessons.db")


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """`lessonloop ARGS` in this process: exit status, stdout, stderr."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Any:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def execute(db: Path, sql: str, params: tuple[Any, ...] = ()) -> None:
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


def lesson_where(capsys: pytest.CaptureFixture[str], db: Path, **match: Any) -> dict[str, Any]:
    """The one lesson (JSON of `lessons list --status all`) whose fields have these values."""
    rows = run_json(capsys, "lessons", "list", "--status", "all", "--db", db)
    found = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, [r["title"] for r in rows])
    return dict(found[0])


def push_lesson(capsys: pytest.CaptureFixture[str], db: Path) -> dict[str, Any]:
    """The corpus's `git push` without --set-upstream lesson."""
    rows = run_json(capsys, "lessons", "list", "--status", "all", "--db", db)
    found = [r for r in rows if r["trigger"] and r["trigger"].get("words") == ["git", "push"]]
    assert len(found) == 1
    return dict(found[0])


def fts_ids(db: Path, word: str) -> list[int]:
    return [row[0] for row in query(db, "SELECT rowid FROM lessons_fts WHERE lessons_fts MATCH ?", (f'"{word}"',))]


def own_title_word(db: Path, lesson: dict[str, Any]) -> str:
    """A word of the lesson's title that the search index finds in this lesson only."""
    title: str = lesson["title"]
    for word in title.replace("`", " ").split():
        if word.isalpha() and fts_ids(db, word) == [lesson["id"]]:
            return word
    raise AssertionError(f"no word of {lesson['title']!r} is the lesson's own")


# --- list ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_list_shows_active_and_pending_most_confident_first(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    stored = query(db, "SELECT id, status, confidence FROM lessons")
    assert len(stored) >= 5
    execute(db, "UPDATE lessons SET status = 'rejected' WHERE id = (SELECT min(id) FROM lessons)")
    execute(db, "UPDATE lessons SET status = 'pending' WHERE id = (SELECT max(id) FROM lessons)")
    rows = run_json(capsys, "lessons", "list", "--db", db)
    assert {r["status"] for r in rows} == {"active", "pending"}
    assert len(rows) == query(db, "SELECT count(*) FROM lessons WHERE status IN ('active', 'pending')")[0][0]
    ranks = [(0 if r["status"] == "active" else 1, -r["confidence"]) for r in rows]
    assert ranks == sorted(ranks)
    first = rows[0]
    assert set(first) >= {"id", "signature", "title", "body", "trigger", "confidence", "tier", "status", "edited"}
    assert "embedding" not in first
    assert all(r["trigger"] is None or isinstance(r["trigger"], dict) for r in rows)
    assert len(run_json(capsys, "lessons", "list", "--status", "all", "--db", db)) == len(stored)
    assert [r["status"] for r in run_json(capsys, "lessons", "list", "--status", "rejected", "--db", db)] == [
        "rejected"
    ]

    code, out, err = run(capsys, "lessons", "list", "--db", db)
    assert code == 0, err
    for header in ("ID", "TIER", "STATUS", "CONF", "SEEN", "SEVERITY", "SCOPE", "TITLE"):
        assert header in out
    push = push_lesson(capsys, db)
    assert f"{push['confidence']:.2f}" in out and f"{push['failed_sessions']}/{push['sessions']}" in out
    # `lessons` alone lists too. Confidence is live (decayed to this second), so two lessons that
    # stand level may swap places between the two runs: compare the lines, not their order.
    code, alone, _ = run(capsys, "lessons", "--db", db)
    assert code == 0 and sorted(alone.splitlines()) == sorted(out.splitlines())


def test_list_filters(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    everything = run_json(capsys, "lessons", "list", "--status", "all", "--db", db)
    usage = run_json(capsys, "lessons", "list", "--status", "all", "--kind", "usage", "--db", db)
    assert usage and {r["kind"] for r in usage} == {"usage"} and len(usage) < len(everything)
    active_tier = run_json(capsys, "lessons", "list", "--status", "all", "--tier", "active", "--db", db)
    assert active_tier and {r["tier"] for r in active_tier} == {"active"}
    assert len(run_json(capsys, "lessons", "list", "--status", "all", "-p", "spotter", "--db", db)) == len(everything)
    # A --project naming no stored project is a usage error naming the stored ones (docs/projects.md).
    code, _, err = run(capsys, "lessons", "list", "--status", "all", "--project", "no-such-project", "--db", db)
    assert code == 2 and "no project matches 'no-such-project'; the stored projects are: " in err
    one = everything[-1]["id"]
    assert run(capsys, "lessons", "edit", str(one), "--scope", "global", "--db", db)[0] == 0
    spotter = run_json(capsys, "lessons", "list", "--status", "all", "-p", "SPOTTER", "--db", db)  # case ignored
    # the global one too (as a set: live confidence orders them, and two level ones may swap between runs)
    assert sorted(r["id"] for r in spotter) == sorted(r["id"] for r in everything)
    assert len(run_json(capsys, "lessons", "list", "--status", "all", "-n", "2", "--db", db)) == 2
    found = run_json(capsys, "lessons", "list", "--status", "all", "-q", "upstream branch", "--db", db)
    assert push_lesson(capsys, db)["id"] in [r["id"] for r in found]
    assert all("upstream" in (r["title"] + r["body"] + (r["prevention"] or "")).lower() for r in found)
    code, _, err = run(capsys, "lessons", "list", "--status", "bogus", "--db", db)
    assert code == 2 and "unknown status 'bogus'" in err
    # --since/--until (issue 26): the lessons last seen in the span
    seen = sorted(r["last_seen"] for r in everything if r["last_seen"])
    middle = seen[len(seen) // 2]
    later = run_json(capsys, "lessons", "list", "--status", "all", "--since", middle, "--db", db)
    earlier = run_json(capsys, "lessons", "list", "--status", "all", "--until", middle, "--db", db)
    assert later and earlier and all(r["last_seen"] >= middle for r in later)
    assert all(r["last_seen"] < middle for r in earlier) and len(later) + len(earlier) == len(seen)


# --- show ---------------------------------------------------------------------------------------


def test_show_explains_why_a_lesson_exists(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    push = push_lesson(capsys, db)
    code, out, err = run(capsys, "lessons", "show", push["signature"][:6], "--db", db)
    assert code == 0, err
    assert f"Lesson #{push['id']}" in out
    assert "Failures (" in out and "git push" in out
    assert "error: fatal: The current branch" in out and "has no upstream branch" in out
    assert "fixed by: git push --set-upstream origin" in out
    assert "Wilson lower bound" in out and "decay" in out and "tier active" in out
    assert "History" in out and "learned" in out

    data = run_json(capsys, "lessons", "show", str(push["id"]), "--db", db)
    assert data["lesson"]["signature"] == push["signature"]
    failures = [e for e in data["evidence"] if e["role"] == "failure"]
    assert len(failures) == push["observations"]
    assert all(e["command"].startswith("git push") and "no upstream" in e["error"] for e in failures)
    assert any(e["role"] == "fix" and "--set-upstream" in e["command"] for e in data["evidence"])
    explained = data["confidence"]
    assert explained["wilson"] == pytest.approx(conf.wilson_lower_bound(push["failed_sessions"], push["sessions"]))
    assert explained["value"] == pytest.approx(explained["wilson"] * explained["decay"])
    assert [e["event"] for e in data["events"]] == ["learned"]


def test_show_prints_the_persons_correction(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    # The corpus's one typed correction ("... still does not work ...? websearch ...") states no
    # instruction and teaches nothing (issue 24); its rejections do, each naming the call rejected.
    corrections = run_json(capsys, "lessons", "list", "--status", "all", "--kind", "correction", "--db", db)
    assert corrections
    code, out, _ = run(capsys, "lessons", "show", f"#{corrections[0]['id']}", "--db", db)
    assert code == 0
    assert "Corrections by the person" in out and 'the person: "' in out
    evidence = run_json(capsys, "lessons", "show", str(corrections[0]["id"]), "--db", db)["evidence"]
    assert any(e["role"] == "correction" and e["message_text"] for e in evidence)


def test_unknown_and_ambiguous_references_are_clear_errors(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, err = run(capsys, "lessons", "show", "zzzz", "--db", db)
    assert code == 2 and out == "" and "no lesson matches 'zzzz'" in err
    code, _, err = run(capsys, "lessons", "approve", "#99999", "--db", db)
    assert code == 2 and "no lesson has id '99999'" in err
    push = push_lesson(capsys, db)
    twin = push["signature"][:4] + "ffff"
    execute(
        db,
        """INSERT INTO lessons (signature, kind, origin, title, body, severity, scope, confidence, tier, status,
               created_at, updated_at) VALUES (?, 'manual', 'manual', 'A twin', 'x', 'low', 'global', 0.5, 'active',
               'active', ?, ?)""",
        (twin, NOW, NOW),
    )
    code, _, err = run(capsys, "lessons", "show", push["signature"][:4], "--db", db)
    assert code == 2 and "is ambiguous" in err and push["signature"] in err and twin in err
    assert run_json(capsys, "lessons", "show", push["signature"][:5], "--db", db)["lesson"]["id"] == push["id"]


# --- approve, reject, archive, restore -----------------------------------------------------------------


def events_of(db: Path, lesson_id: int) -> list[tuple[str, Any]]:
    return [
        (event, json.loads(detail) if detail else None)
        for event, detail in query(
            db, "SELECT event, detail FROM lesson_events WHERE lesson_id = ? ORDER BY id", (lesson_id,)
        )
    ]


def test_status_changes_and_their_events(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    push = push_lesson(capsys, db)
    ref = str(push["id"])
    code, out, _ = run(capsys, "lessons", "approve", ref, "--db", db)
    assert code == 0 and f"#{ref} already active, nothing to do" in out
    assert events_of(db, push["id"]) == [("learned", {"title": push["title"]})]

    code, out, _ = run(capsys, "lessons", "reject", ref, "--reason", "we push with -u anyway", "--db", db)
    assert code == 0 and out.startswith(f"#{ref} rejected:")
    assert events_of(db, push["id"])[-1] == (
        "rejected",
        {"from": "active", "to": "rejected", "reason": "we push with -u anyway"},
    )
    code, _, err = run(capsys, "lessons", "approve", ref, "--db", db)
    assert code == 1 and "cannot approve" in err and "restore" in err
    code, _, err = run(capsys, "lessons", "archive", ref, "--db", db)
    assert code == 1 and "already keeps it out of use" in err

    restored = run_json(capsys, "lessons", "restore", ref, "--db", db)
    assert restored[0]["status"] == "active" and restored[0]["result"]["changed"] is True
    archived = run_json(capsys, "lessons", "archive", ref, "--db", db)
    assert archived[0]["status"] == "archived" and archived[0]["result"]["action"] == "archive"
    assert [e for e, _ in events_of(db, push["id"])] == ["learned", "rejected", "restored", "archived"]


def test_a_refused_change_in_a_list_changes_nothing(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    ids = [r[0] for r in query(db, "SELECT id FROM lessons ORDER BY id")]
    execute(db, "UPDATE lessons SET status = 'pending' WHERE id = ?", (ids[0],))
    execute(db, "UPDATE lessons SET status = 'pending' WHERE id = ?", (ids[1],))
    code, _, err = run(capsys, "lessons", "restore", str(ids[0]), "--db", db)
    assert code == 1 and "approve" in err
    execute(db, "UPDATE lessons SET status = 'rejected' WHERE id = ?", (ids[2],))
    code, _, err = run(capsys, "lessons", "approve", str(ids[0]), str(ids[2]), "--db", db)
    assert code == 1 and "nothing was changed" in err
    assert query(db, "SELECT status FROM lessons WHERE id = ?", (ids[0],)) == [("pending",)]
    approved = run_json(capsys, "lessons", "approve", str(ids[0]), str(ids[1]), str(ids[0]), "--db", db)
    assert [(r["id"], r["status"]) for r in approved] == [(ids[0], "active"), (ids[1], "active")]


def test_reject_then_relearn_keeps_it_rejected(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    push = push_lesson(capsys, db)
    assert run(capsys, "lessons", "reject", push["signature"], "--db", db)[0] == 0
    conn = open_store(db)
    try:
        run_info = learn_store(conn, force=True, now=NOW)
    finally:
        conn.close()
    assert not run_info.skipped and run_info.updated >= 1
    assert push_lesson(capsys, db)["status"] == "rejected"


# --- edit ---------------------------------------------------------------------------------------


def test_edit_then_relearn_keeps_the_persons_text(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    push = push_lesson(capsys, db)
    ref = str(push["id"])
    code, _, err = run(capsys, "lessons", "edit", ref, "--db", db)
    assert code == 1 and "nothing to change" in err
    assert push["id"] in fts_ids(db, "upstream")
    edited = run_json(
        capsys,
        "lessons",
        "edit",
        ref,
        "--title",
        "Pushing a brand-new branch needs a tracking remote",
        "--prevention",
        "Push new branches with git push -u origin HEAD.",
        "--db",
        db,
    )
    assert edited[0]["edited"] is True and edited[0]["result"]["message"] == "edited title, prevention"
    # the search index follows the text (the table's triggers)
    assert fts_ids(db, "tracking") == [push["id"]]
    assert push["id"] in fts_ids(db, "upstream")  # still in the body
    assert events_of(db, push["id"])[-1][0] == "edited"

    conn = open_store(db)
    try:
        learn_store(conn, force=True, now=NOW)
    finally:
        conn.close()
    after = push_lesson(capsys, db)
    assert after["title"] == "Pushing a brand-new branch needs a tracking remote"
    assert after["prevention"] == "Push new branches with git push -u origin HEAD."
    assert after["body"] == push["body"] and after["edited"] is True
    assert after["sessions"] == push["sessions"]  # counts still learned

    code, _, err = run(capsys, "lessons", "edit", ref, "--title", "  ", "--db", db)
    assert code == 1 and "title cannot be empty" in err
    code, out, _ = run(capsys, "lessons", "edit", ref, "--severity", after["severity"], "--db", db)
    assert code == 0 and "unchanged" in out


# --- forget -------------------------------------------------------------------------------------


def test_forget_deletes_the_lesson_its_evidence_aliases_and_index_words(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    push = push_lesson(capsys, db)
    lesson_id = push["id"]
    execute(db, "INSERT INTO lesson_aliases (signature, lesson_id) VALUES ('merged-signature', ?)", (lesson_id,))
    assert query(db, "SELECT count(*) FROM lesson_evidence WHERE lesson_id = ?", (lesson_id,))[0][0] > 0
    word = own_title_word(db, push)
    assert fts_ids(db, word) == [lesson_id]
    conn = open_store(db)
    try:
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)  # ON DELETE CASCADE is live too
    finally:
        conn.close()

    code, _, err = run(capsys, "lessons", "forget", str(lesson_id), "--db", db)  # stdin is not a terminal
    assert code == 1 and "--yes" in err
    assert query(db, "SELECT count(*) FROM lessons WHERE id = ?", (lesson_id,)) == [(1,)]

    code, out, err = run(capsys, "lessons", "forget", "merged-signature", "--yes", "--db", db)
    assert code == 0, err
    assert out == f"#{lesson_id} forgotten ({push['signature']})\n" and "may find them again" in err
    for table, column in (("lessons", "id"), ("lesson_evidence", "lesson_id"), ("lesson_aliases", "lesson_id")):
        assert query(db, f"SELECT count(*) FROM {table} WHERE {column} = ?", (lesson_id,)) == [(0,)], table
    assert fts_ids(db, word) == []
    assert lesson_id not in fts_ids(db, "upstream")
    events = query(
        db, "SELECT event, signature, detail FROM lesson_events WHERE lesson_id = ? ORDER BY id", (lesson_id,)
    )
    assert events[-1] == ("forgotten", push["signature"], None)
    assert all(detail is None for _, _, detail in events)  # no title or text left behind
    dump = "\n".join(str(row) for row in query(db, "SELECT * FROM lesson_events"))
    assert "upstream" not in dump
    code, _, err = run(capsys, "lessons", "show", str(lesson_id), "--db", db)
    assert code == 2  # an id that names nothing is a usage error


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_forget_asks_on_a_terminal(
    capsys: pytest.CaptureFixture[str], db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lesson_id = push_lesson(capsys, db)["id"]
    monkeypatch.setattr(sys, "stdin", _Terminal("n\n"))
    code, _, err = run(capsys, "lessons", "forget", str(lesson_id), "--db", db)
    assert code == 1 and "[y/N]" in err and "nothing was forgotten" in err
    assert query(db, "SELECT count(*) FROM lessons WHERE id = ?", (lesson_id,)) == [(1,)]
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    forgotten = run_json(capsys, "lessons", "forget", str(lesson_id), "--db", db)
    assert forgotten[0]["id"] == lesson_id and forgotten[0]["result"]["action"] == "forget"
    assert query(db, "SELECT count(*) FROM lessons WHERE id = ?", (lesson_id,)) == [(0,)]


# --- a real process -------------------------------------------------------------------------------


def test_lessons_list_json_in_a_real_process(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lessonloop", "lessons", "list", "--json", "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(result.stdout)
    expected = query(db, "SELECT count(*) FROM lessons WHERE status IN ('active', 'pending')")[0][0]
    assert len(rows) == expected > 0
    assert all(isinstance(r["trigger"], dict | None) for r in rows)


def test_show_says_what_a_candidate_may_do(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    candidates = run_json(capsys, "lessons", "list", "--status", "all", "--tier", "candidate", "--db", db)
    assert candidates, "the store has candidates (lessons of one failing session)"
    code, out, err = run(capsys, "lessons", "show", str(candidates[0]["id"]), "--db", db)
    assert code == 0, err
    assert "tier candidate" in out and "a candidate speaks only where the repeat happens" in out
    push = push_lesson(capsys, db)
    _, active, _ = run(capsys, "lessons", "show", str(push["id"]), "--db", db)
    assert "a candidate speaks" not in active
