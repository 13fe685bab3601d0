"""The bundled sample goes with the lessons learned from it: once real transcripts are ingested,
no lesson that only the sample taught is listed, recalled or given by the hooks, and a lesson
the sample shares with real sessions is counted from the real sessions only
(store/removal/sample.py). End to end through the CLI in a temporary home folder."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lessonloop.store.removal.sample import SAMPLE_REMOVED
from tests.conftest import cli
from tests.hook_helpers import HookSession, hook_env, no_upstream, run_hook
from tests.transcript_builder import TranscriptBuilder

SAMPLE_SESSIONS = {
    "13128c20-5634-4f45-968e-0f7676938120",
    "1e34e784-4c9e-4933-96ec-341ff2770f16",
    "9adbb034-ff49-4246-bb1c-b40b15be7cdd",
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder without Claude Code transcripts (so ingest takes the sample)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    return folder


def _lessons(db: Path) -> dict[str, tuple[Any, ...]]:
    """signature -> (title, sessions, failed sessions, observations, status, tier) of every lesson."""
    conn = sqlite3.connect(db)
    try:
        return {
            row[0]: tuple(row[1:])
            for row in conn.execute(
                "SELECT signature, title, sessions, failed_sessions, observations, status, tier FROM lessons"
            )
        }
    finally:
        conn.close()


def _signatures(db: Path, ids: list[int]) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {conn.execute("SELECT signature FROM lessons WHERE id = ?", (i,)).fetchone()[0] for i in ids}
    finally:
        conn.close()


def _listed(db: Path) -> set[str]:
    listed = cli("lessons", "list", "--db", db, "--status", "all", "--json")
    assert listed.exit_code == 0, listed.stderr
    return _signatures(db, [item["id"] for item in listed.json()])


def _recalled(db: Path, query: str) -> set[str]:
    found = cli("recall", "--db", db, query, "--json")
    assert found.exit_code == 0, found.stderr
    return _signatures(db, [item["id"] for item in found.json()["results"]])


def _named_by_hooks(db: Path) -> set[int]:
    """The lesson ids the hooks' decisions name."""
    conn = sqlite3.connect(db)
    try:
        return {
            int(i)
            for (lessons,) in conn.execute("SELECT lessons FROM hook_decisions WHERE lessons IS NOT NULL")
            for i in json.loads(lessons)
        }
    finally:
        conn.close()


def _sample_evidence(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        marks = ", ".join("?" * len(SAMPLE_SESSIONS))
        return int(
            conn.execute(
                f"SELECT count(*) FROM lesson_evidence WHERE session_id IN ({marks})", sorted(SAMPLE_SESSIONS)
            ).fetchone()[0]
        )
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.corpus
def test_real_transcripts_remove_the_samples_lessons_as_a_clean_ingest_would_have(
    home: Path, tmp_path: Path, corpus_dir: Path
) -> None:
    db = tmp_path / "store.db"
    first = cli("ingest", "--db", db, "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json()["used_sample"] is True
    sample = _lessons(db)
    assert len(sample) >= 3
    queries = [title for title, *_ in sample.values()]
    assert all(_recalled(db, query) & set(sample) for query in queries)  # the sample's lessons answer them

    projects = home / ".claude" / "projects" / "-home-USER-projects-spotter"
    shutil.copytree(corpus_dir, projects, ignore=shutil.ignore_patterns("*.md", "LICENSE"))
    second = cli("ingest", "--db", db, "--json")
    assert second.exit_code == 0, second.stderr
    assert second.json()["used_sample"] is False
    assert second.json()["sample_removed"]["sessions"] == len(SAMPLE_SESSIONS)

    clean = tmp_path / "clean.db"
    assert cli("ingest", "--db", clean, projects.parent, "--json").exit_code == 0
    real = _lessons(clean)
    assert _lessons(db) == real  # as if the sample had never been there
    assert _sample_evidence(db) == 0
    only_sample = set(sample) - set(real)
    assert only_sample  # the sample taught lessons the real sessions do not
    assert not _listed(db) & only_sample
    for query in queries:
        assert _recalled(db, query) == _recalled(clean, query), query
    conn = sqlite3.connect(db)
    try:
        removed = conn.execute(
            "SELECT signature, lesson_id, json_extract(detail, '$.reason') FROM lesson_events WHERE event = 'removed'"
        ).fetchall()
    finally:
        conn.close()
    # Every sample lesson went when the sample did (the real sessions had not been read yet);
    # those the real sessions teach too were learned again, as new lessons.
    assert {row[0] for row in removed} == set(sample)
    assert all(lesson_id is None and reason == SAMPLE_REMOVED for _sig, lesson_id, reason in removed)

    shutil.rmtree(projects)  # the text summary says what went
    text_db = tmp_path / "text.db"
    assert "Ingested the bundled sample" in cli("ingest", "--db", text_db).output
    shutil.copytree(corpus_dir, projects, ignore=shutil.ignore_patterns("*.md", "LICENSE"))
    replaced = cli("ingest", "--db", text_db).output
    assert (
        f"Real transcripts replace the bundled sample: its 3 sessions were removed, with the {len(sample)} "
        "lesson(s) learned only from them." in replaced
    )


@pytest.mark.slow
def test_a_lesson_the_hooks_also_saw_in_a_real_session_keeps_only_that_session(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample is in the store and the hooks run in a real session of the sample's project (a
    `[projects]` mapping puts the folder there): SessionStart gives the sample's lessons, and the
    session's own `git push` failure and fix are merged live into the sample's git push lesson.
    When the session's transcript is ingested, the sample goes: the lessons only it taught are
    removed (and no longer named by the hooks' decisions), the git push lesson keeps the real
    session alone."""
    repo = home / "repo"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    config = tmp_path / "config.toml"
    config.write_text(f'[projects]\n"{repo}" = "/home/dev/lessonloop"\n')
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(config))
    db = tmp_path / "store" / "lessonloop.db"
    assert cli("ingest", "--db", db).exit_code == 0
    sample = _lessons(db)
    env = hook_env(db, HOME=str(home), LESSONLOOP_CONFIG=str(config))
    t = TranscriptBuilder(cwd=str(repo))
    t.prompt("push the branch")
    failing = t.bash("git push", no_upstream("main").removeprefix("Exit code 128\n"), exit_code=128)
    fixing = t.bash("git push -u origin main", "branch 'main' set up to track 'origin/main'.")
    transcript = t.write(home / ".claude" / "projects" / "-repo" / f"{t.session_id}.jsonl")
    session = HookSession(repo, env, transcript)
    session.session_id = t.session_id
    assert session.start().context  # the sample's lessons, given to a real session
    for tool_use_id, command, error in (
        (failing, "git push", no_upstream("main")),
        (fixing, "git push -u origin main", None),
    ):
        base = session.payload("PostToolUse", tool_name="Bash", tool_use_id=tool_use_id)
        base["tool_input"] = {"command": command}
        if error:
            run_hook("PostToolUseFailure", {**base, "hook_event_name": "PostToolUseFailure", "error": error}, env)
        else:
            run_hook("PostToolUse", {**base, "tool_response": {"stdout": "ok"}}, env)
    conn = sqlite3.connect(db)
    shared = conn.execute(
        "SELECT DISTINCT l.signature FROM lessons l JOIN lesson_evidence e ON e.lesson_id = l.id WHERE e.session_id = ?",
        (t.session_id,),
    ).fetchall()
    conn.close()
    assert len(shared) == 1 and shared[0][0] in sample  # learned live into the sample's lesson
    signature = shared[0][0]
    assert len(_named_by_hooks(db)) > 1  # SessionStart gave the sample's lessons

    assert session.stop().returncode == 0  # the transcript ingested in the hook (foreground)
    after = _lessons(db)
    assert set(after) == {signature}
    assert after[signature][1:4] == (1, 1, 1)  # one session, failing once: the real one
    assert _sample_evidence(db) == 0
    conn = sqlite3.connect(db)
    try:
        kept = conn.execute("SELECT id FROM lessons WHERE signature = ?", (signature,)).fetchone()[0]
        recounted = conn.execute(
            "SELECT count(*) FROM lesson_events WHERE event = 'recounted' AND lesson_id = ?", (kept,)
        ).fetchone()[0]
    finally:
        conn.close()
    assert _named_by_hooks(db) <= {kept}  # the removed lessons' ids are gone from the decisions
    assert recounted == 1
