"""The pre-tool hook keeps the session's state between calls (apply/hooks/pre_tool.py
session_state, lesson_model/state_codec.py, hook_session_states): a state kept after some calls,
written as JSON and read back, then given the calls since, is the state of all the calls replayed
at once, on real sessions of the shared corpora; through the real hook, the kept state grows with
the session, serves the next call, and is made again when a call it was made of changes."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
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
    with pytest.raises(state_codec.OtherVersion):  # rebuilt without a word: expected after an update
        state_codec.load(text.replace(f'"version":{state_codec.VERSION}', '"version":1'))
    for damaged in ("not json", "[]", text.replace('"known":[]', '"known":[["a",Infinity]]'), "[" * 5000 + "]" * 5000):
        with pytest.raises(state_codec.DamagedState):  # logged, then rebuilt
            state_codec.load(damaged)


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
    """The query reads the lessons of the call's first word (or path), not every lesson of its kind;
    whether a candidate failed in this session is looked up by its id, not by a scan of the evidence."""
    conn = open_store(tmp_path / "lessonloop.db")
    try:
        for keys in ([], ["git"], ["git", "npm"]):
            for session_id in (None, "s1"):
                query, values = hook_tables.trigger_query("shell", keys, "/p", session_id)
                plan = [str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {query}", values)]
                searches = [step for step in plan if step.startswith("SEARCH lessons")]
                assert len(searches) == (2 if keys else 1), plan
                assert all("(trigger_kind=? AND trigger_key=?)" in step for step in searches), plan
                evidence = [step for step in plan if "lesson_evidence" in step or step.startswith("SEARCH e ")]
                assert all("USING INDEX lesson_evidence_lesson (lesson_id=?)" in step for step in evidence), plan
                assert len(evidence) == (len(searches) if session_id else 0), plan
                assert not any(step.startswith("SCAN") for step in plan), plan
    finally:
        conn.close()


def test_a_kept_state_that_cannot_be_read_is_logged_and_made_again(tmp_path: Path) -> None:
    """Issue 60: a state nested 100,000 deep raised RecursionError at every read, so every later
    pre-tool call of the session failed open, with no lesson, for good. Now it is logged where
    `hooks status` shows the hooks' failures, the call decides with a state made again from the
    session's calls, and that state replaces the damaged one."""
    from lessonloop.apply.hooks.failures import read_failures
    from tests.hook_helpers import run_hook

    repo = tmp_path / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "feature-x", str(repo)], check=True)
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    for _ in range(2):  # two sessions make the mistake: the lesson is learned at their end, given to agents
        teacher = HookSession(repo, env)
        teacher.bash("git push", error=no_upstream("feature-x"))
        teacher.bash("git push --set-upstream origin feature-x")
        teacher.stop()
        teacher.end()
    session = HookSession(repo, env)
    session.bash("ls", stdout="README.md")

    def pre_tool(command: str) -> dict[str, object]:
        """The hook's decision on a call of `command` (each command sent once: one sent again runs)."""
        payload = session.payload(
            "PreToolUse", tool_name="Bash", tool_input={"command": command}, tool_use_id=f"t-{len(command)}"
        )
        done = run_hook("PreToolUse", payload, env)
        assert done.returncode == 0, done.stderr
        decision = done.output  # none when the hook failed open
        assert decision is not None, f"no decision on {command!r}: {done.stderr}"
        return dict(decision["hookSpecificOutput"])

    assert "--set-upstream" in str(pre_tool("git push")["additionalContext"])
    kept = kept_row(db, session.session_id)
    assert kept is not None and kept[0] == 1
    assert read_failures(str(db))[0] == 0

    nested = "[" * 100_000 + "]" * 100_000
    with pytest.raises(state_codec.DamagedState, match="RecursionError"):
        state_codec.load(nested)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE hook_session_states SET state = ? WHERE session_id = ?", (nested, session.session_id))
    conn.close()

    decision = pre_tool("git push --force-with-lease")  # decided with a state made again
    assert decision["permissionDecision"] == "deny" and "--set-upstream" in str(decision["additionalContext"])
    rebuilt = kept_row(db, session.session_id)
    assert rebuilt is not None and rebuilt[0] == 1 and rebuilt[2] != nested
    assert slots(state_codec.load(rebuilt[2])) == slots(replayed(db, session.session_id, bool(rebuilt[1])))
    count, failures = read_failures(str(db))
    assert count == 1
    assert failures[0]["event"] == "PreToolUse" and failures[0]["session_id"] == session.session_id
    assert "a damaged session state: RecursionError" in str(failures[0]["error"])
    assert "made again from the session's calls" in str(failures[0]["error"])
    status = subprocess.run(
        [sys.executable, "-m", "lessonloop", "hooks", "status", "--db", str(db)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert "a damaged session state" in status.stdout + status.stderr

    assert "--set-upstream" in str(pre_tool("git push --verbose")["additionalContext"])
    assert read_failures(str(db))[0] == 1  # the state kept again reads: nothing more is logged


def test_the_garbled_runs_a_file_holds_are_kept() -> None:
    """What the session showed a file holds of text garbled by a read in the wrong encoding (an
    edit of it that worked found it) survives being kept between calls (issue 83)."""
    state = SessionState()
    state.record(
        "edit", True, [], "/w/CLAUDE.md", tool_input={"old_string": "Status: âœ… done", "new_string": "Status: done"}
    )
    assert state.form("holds:âœ…", "/w/CLAUDE.md") == "yes" and state.form("holds:â€œ", "/w/CLAUDE.md") is None
    kept = state_codec.load(state_codec.dump(state))
    assert slots(kept) == slots(state) and kept.garbled == {"/w/CLAUDE.md": {"âœ…"}}
