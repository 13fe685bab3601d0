"""The pre-tool hook keeps the session's state between calls (apply/hooks/pre_tool.py
session_state, lesson_model/state_codec.py, hook_session_states): a state kept after some calls,
written as JSON and read back, then given the calls since, is the state of all the calls replayed
at once, on real sessions of the shared corpora; through the real hook, the kept state grows with
the session, serves the next call, and is made again when a call it was made of changes."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from lessonloop.apply.hooks.pre_tool import _replay, session_state
from lessonloop.lesson_model import state_codec
from lessonloop.lesson_model.triggers import SessionState
from lessonloop.store import hooks as hook_tables
from lessonloop.store import open_store
from tests.conftest import SHARED_CORPUS, run_ingest
from tests.hook_helpers import HookSession, hook_env, no_upstream


def slots(state: SessionState) -> dict[str, object]:
    return {name: getattr(state, name) for name in SessionState.__slots__}


def test_the_codec_knows_every_field() -> None:
    assert set(SessionState.__slots__) == state_codec.FIELDS


def test_a_damaged_or_older_state_is_refused() -> None:
    text = state_codec.dump(SessionState())
    assert slots(state_codec.load(text)) == slots(SessionState())
    for bad in (
        "{}",
        "[]",
        text.replace(f'"version":{state_codec.VERSION}', '"version":1'),
        text.replace('"clock":0', '"clock":"x"'),
    ):
        with pytest.raises(ValueError):
            state_codec.load(bad)
    with pytest.raises(ValueError):
        state_codec.load(text.replace('"known":[]', '"known":[["a"]]'))


@pytest.mark.slow
@pytest.mark.parametrize("corpus", ["claude-code/spotter", "codex/parking-lot", "gemini/codemie"])
def test_kept_then_continued_is_replayed_at_once(corpus: str, tmp_path: Path) -> None:
    folder = SHARED_CORPUS / corpus
    if not folder.is_dir():
        pytest.skip(f"corpus {corpus} not found at {folder} (the ../shared folder is absent)")
    shutil.copytree(folder, tmp_path / "corpus")
    db = tmp_path / "store" / "lessonloop.db"
    run_ingest(db, tmp_path / "corpus")
    conn = open_store(db)
    try:
        sessions = [row[0] for row in conn.execute("SELECT DISTINCT session_id FROM tool_calls ORDER BY session_id")]
        compared = calls = 0
        for session_id in sessions:
            rows = hook_tables.ingested_calls(conn, session_id)
            calls += len(rows)
            branch = hook_tables.session_branch(conn, session_id)
            for signed in (False, True):
                whole = SessionState()
                _replay(whole, rows, [], signed, branch)
                for cut in sorted({0, len(rows) // 3, 2 * len(rows) // 3, max(0, len(rows) - 1)}):
                    first = SessionState()
                    _replay(first, rows[:cut], [], signed, branch)
                    kept = state_codec.load(state_codec.dump(first))
                    assert slots(kept) == slots(first), session_id
                    _replay(kept, rows[cut:], [], signed, branch)
                    assert slots(kept) == slots(whole), (session_id, cut, signed)
                    compared += 1
        assert compared >= 2 * len(sessions) and calls > 20, (compared, calls)
    finally:
        conn.close()


def kept_row(db: Path, session_id: str) -> tuple[int, int, str] | None:
    conn = sqlite3.connect(db)
    try:
        found = conn.execute(
            "SELECT calls, signed, state FROM hook_session_states WHERE session_id = ?", (session_id,)
        ).fetchone()
        return None if found is None else (int(found[0]), int(found[1]), str(found[2]))
    finally:
        conn.close()


def replayed(db: Path, session_id: str, signed: bool) -> SessionState:
    conn = open_store(db)
    try:
        return session_state(conn, session_id, signed=signed)  # no `keep`: every call replayed
    finally:
        conn.close()


def test_the_hook_keeps_the_state_and_gives_it_only_the_new_calls(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "feature-x", str(repo)], check=True)
    db = tmp_path / "store" / "lessonloop.db"
    session = HookSession(repo, hook_env(db))
    assert session.start().returncode == 0
    session.bash("ls", stdout="README.md")
    session.bash("git push", error=no_upstream("feature-x"))
    session.bash("git push --set-upstream origin feature-x")  # a lesson is learned from the fix
    payload = session.payload("PreToolUse", tool_name="Bash", tool_input={"command": "git push"}, tool_use_id="t1")

    def pre_tool() -> str:  # the hook's warning, if any
        from tests.hook_helpers import run_hook

        done = run_hook("PreToolUse", payload, session.env)
        assert done.returncode == 0, done.stderr
        return done.context

    pre_tool()  # the lesson's trigger matches: the session's state is read (its "unless")
    first = kept_row(db, session.session_id)
    assert first is not None
    calls, signed, text = first
    assert calls == 3  # the session's three calls so far
    assert slots(state_codec.load(text)) == slots(replayed(db, session.session_id, bool(signed)))

    session.bash("make lint")
    session.bash("git status", error="fatal: not a git repository")
    pre_tool()
    second = kept_row(db, session.session_id)
    assert second is not None and second[0] == 5
    assert slots(state_codec.load(second[2])) == slots(replayed(db, session.session_id, bool(second[1])))

    pre_tool()  # nothing since: the kept state serves as it is
    assert kept_row(db, session.session_id) == second

    # a call the state was made of changes (as when a turn's calls are ingested): made again
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE live_calls SET ok = 0, status = 'error', error_text = 'boom' WHERE command = 'ls'")
    conn.close()
    pre_tool()
    third = kept_row(db, session.session_id)
    assert third is not None and third[0] == 5 and third[2] != second[2]
    assert slots(state_codec.load(third[2])) == slots(replayed(db, session.session_id, bool(third[1])))


def test_forgetting_a_session_drops_its_kept_state(tmp_path: Path) -> None:
    from lessonloop.store.forgetting import forget_sessions

    db = tmp_path / "lessonloop.db"
    conn = open_store(db)
    try:
        hook_tables.keep_state(
            conn,
            {"session_id": "s1", "signed": 0, "calls": 1, "digest": "d", "branch": None,
             "state": state_codec.dump(SessionState()), "saved_at": "2026-11-25T10:00:00.000Z"},
        )  # fmt: skip
        conn.commit()
        forget_sessions(conn, ["s1"])
        assert conn.execute("SELECT count(*) FROM hook_session_states").fetchone()[0] == 0
    finally:
        conn.close()


def test_old_kept_states_are_pruned_as_others_are_saved(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "lessonloop.db")
    try:
        for session_id, saved in (("old", "2026-11-20T10:00:00.000Z"), ("new", "2026-11-25T10:00:00.000Z")):
            hook_tables.keep_state(
                conn,
                {"session_id": session_id, "signed": 0, "calls": 1, "digest": "d", "branch": None,
                 "state": state_codec.dump(SessionState()), "saved_at": saved},
            )  # fmt: skip
        assert [r[0] for r in conn.execute("SELECT session_id FROM hook_session_states")] == ["new"]
    finally:
        conn.close()


def test_the_pre_tool_lesson_look_up_reads_the_index_by_kind_and_key(tmp_path: Path) -> None:
    """The query reads the lessons of the call's first word (or path), not every lesson of its kind."""
    conn = open_store(tmp_path / "lessonloop.db")
    try:
        for keys in ([], ["git"], ["git", "npm"]):
            query, values = hook_tables.trigger_query("shell", keys, "/p")
            plan = [str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {query}", values)]
            searches = [step for step in plan if step.startswith("SEARCH lessons")]
            assert len(searches) == (2 if keys else 1), plan
            assert all("(trigger_kind=? AND trigger_key=?)" in step for step in searches), plan
    finally:
        conn.close()
