"""The loop, closed with each real agent CLI at its pinned version (tests/real_agents/README.md).

For each agent, in a temp HOME with a git project whose branches have no upstream:
1. two sessions in which the model runs `git push` (it fails: no upstream) and then
   `git push --set-upstream origin BRANCH` (it works);
2. `lessonloop ingest` with no path finds them and prints no notice; they are read exactly: the
   calls, the failed call, and the tokens the model server reported;
3. a lesson about `git push` is learned from those two sessions;
4. `lessonloop hooks install --agent X`, then the trust step the agent documents;
5. in a third session that makes the same call, the lesson's text is in a request the model gets,
   and the hooks store that session by themselves (the end-of-turn hook's queue);
6. with the store corrupted, a fourth session still runs to its end (the hooks fail open).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from lessonloop.core.agent_specs import hook_agents
from tests.real_agents import clis
from tests.real_agents.drivers import DRIVERS, Driver
from tests.real_agents.model_server import FINAL_TEXT, ModelServer, Request
from tests.real_agents.scenario import push_lessons, push_session, pushed, title_words
from tests.real_agents.workspace import Workspace

AGENTS = hook_agents()

pytestmark = pytest.mark.slow


def _will_run(ws: Workspace, driver: Driver) -> bool | None:
    """What `hooks status` says of the agent running lessonloop's hooks now (None: it does not know)."""
    status = ws.lessonloop_json("hooks", "status", "--agent", driver.hooks_agent)
    said = [scope["agent_runs_them"] for scope in status["agents"][0]["scopes"] if "agent_runs_them" in scope]
    return all(ready["will_run"] for ready in said) if said else None


def _wait_for_sessions(ws: Workspace, driver: Driver, wanted: int, seconds: float = 90.0) -> int:
    """How many of the agent's sessions the store holds, once it holds `wanted` or time is up."""
    deadline = time.monotonic() + seconds
    while True:
        held = len(ws.lessonloop_json("sessions", "--agent", driver.agent))
        if held >= wanted or time.monotonic() > deadline:
            return held
        time.sleep(1.0)


def _what_the_hooks_did(ws: Workspace, driver: Driver) -> str:
    """For a failure's message: the hooks' decisions of the store, their failure log, `hooks status`
    (issue 85: Qwen Code's lesson reached no request in runs under load)."""
    from lessonloop.store.location import FAILURE_LOG

    decisions = ""
    if ws.store.exists():
        import sqlite3

        conn = sqlite3.connect(ws.store)
        try:
            rows = conn.execute("SELECT session_id, event, action, ts FROM hook_decisions ORDER BY id").fetchall()
        finally:
            conn.close()
        decisions = "\n".join(map(str, rows))
    log = ws.store.parent / FAILURE_LOG
    failures = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else "(no failure log)"
    status = ws.lessonloop("hooks", "status", "--agent", driver.hooks_agent, check=False)
    return f"--- hook decisions\n{decisions}\n--- hook failures\n{failures}\n--- hooks status\n{status.stdout[-2000:]}"


@pytest.mark.parametrize("name", sorted(DRIVERS))
def test_the_loop_closes(name: str, tmp_path: Path) -> None:
    driver = DRIVERS[name]
    clis.require(driver.command)
    ws = Workspace(tmp_path)
    with ModelServer() as server:
        driver.setup(ws, server)
        reported: list[Request] = []
        for branch in ("cart", "checkout"):
            run, calls = push_session(driver, ws, server, branch)
            assert [c.step for c in server.scripted()] == [0, 1, 2], f"the model was not asked each step:\n{run}"
            assert pushed(ws, branch), f"the second push of {branch} did not reach origin:\n{run}"
            reported.extend(c for c in calls if c.step is not None)

        ingest = ws.lessonloop("ingest", "--wait")  # the lessons before the next step reads them
        assert "Notices" not in ingest.stdout, ingest.stdout
        sessions = ws.lessonloop_json("sessions", "--agent", driver.agent)
        assert len(sessions) == 2, sessions
        for session in sessions:
            assert (session["tool_calls"], session["errors"]) == (2, 1), session
            assert session["prompts"] == 1, session
        usage = [c.usage for c in reported if c.usage is not None]
        tokens = {key: sum(s["tokens"][key] for s in sessions) for key in ("input", "cache_read", "output")}
        assert tokens == {
            "input": sum(u.input for u in usage),
            "cache_read": sum(u.cached for u in usage),
            "output": sum(u.output for u in usage),
        }, f"tokens stored {tokens}, the server reported {usage}"

        lessons = push_lessons(ws)
        # A lesson learned from two failed pushes is what the next steps need. An agent under load
        # may lose a command's output (Qwen Code in full runs, issue 85, as in test_prevention.py:
        # a failed push recorded with "Output: (empty)" teaches a weak lesson of its own and leaves
        # the push lesson a silent candidate): one more session, at most two, until it is.
        sessions_run = 2
        for branch in ("orders", "invoices"):
            if lessons and int(str(lessons[0]["failed_sessions"])) >= 2:
                break
            push_session(driver, ws, server, branch)
            sessions_run += 1
            ws.lessonloop("ingest", "--wait")
            lessons = push_lessons(ws)
        assert lessons, ws.lessonloop("lessons", "list").stdout
        words = title_words(lessons[0])

        if driver.rules_agent:  # an agent without hooks: the lesson goes by the rules file it reads
            ws.lessonloop("lessons", "export", "--agent", driver.rules_agent)  # in the project folder
            run, calls = push_session(driver, ws, server, "payments")
            assert any(words in c.text() for c in calls), f"no request carried the lesson ({words!r}):\n{run}"
            return
        if driver.hooks_agent not in AGENTS:
            pytest.skip(f"read and learned from; lessonloop has no hooks for {driver.command} yet (issue 64)")
        ws.lessonloop("hooks", "install", "--agent", driver.hooks_agent)
        if driver.needs_trust:
            assert _will_run(ws, driver) is False, "hooks status does not say that the agent skips untrusted hooks"
        driver.trust(ws)
        assert _will_run(ws, driver) in (True, None), ws.lessonloop(
            "hooks", "status", "--agent", driver.hooks_agent
        ).stdout
        run, calls = push_session(driver, ws, server, "payments")
        sessions_run += 1
        assert any(words in c.text() for c in calls), (
            f"no request carried the lesson ({words!r}):\n{run}\n{_what_the_hooks_did(ws, driver)}\n"
            f"--- lessons then\n{lessons}"
        )
        # The end-of-turn hook queued the session: a background worker stores it, with no `ingest`.
        stored = _wait_for_sessions(ws, driver, sessions_run)
        assert stored == sessions_run, (
            f"{stored} sessions stored after the hooked session ({sessions_run} wanted):\n{run}"
        )

        # The hooks fail open: with the store unreadable, the agent still runs its session to the end.
        ws.store.write_bytes(b"this is not a SQLite database" * 100)
        for suffix in ("-wal", "-shm"):
            Path(f"{ws.store}{suffix}").unlink(missing_ok=True)
        run, calls = push_session(driver, ws, server, "refunds")
        assert pushed(ws, "refunds"), run
        assert any(c.step == 2 for c in calls), run
        assert FINAL_TEXT in run.stdout or driver.quiet, run
