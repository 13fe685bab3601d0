"""Does a learned lesson keep a model that follows what it is told from running the failing call?

After two sessions whose `git push` failed (no upstream) and `lessonloop hooks install`, a third
session's model, scripted to run `git push` but to follow what it was told (the lesson's remedy,
`git push --set-upstream origin BRANCH`, once lessonloop's lesson about it is in the request), makes
the same request. Counted by a `git` that logs its runs: the failing `git push` runs 0 times when
the lesson reached the model before it chose the call.

- With every hook installed, the session-start or prompt context carries the lesson.
- With only the hooks around a call left (the lesson not in that context, as in a store with more
  lessons than the context carries), only a stop at the call acts in time (issue 59): the hook
  denies the call once with the lesson as the reason, the model changes it. The stop counts
  neither for nor against the lesson: its confidence is the same after the session is read.
- A model that insists (sends the same call again after the stop) runs it: the stop is once.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lessonloop.core.agent_specs import hook_agents
from tests.real_agents import clis
from tests.real_agents.drivers import DRIVERS, Driver
from tests.real_agents.model_server import ModelServer, Script
from tests.real_agents.scenario import push_lessons, push_session, pushed, title_words
from tests.real_agents.workspace import Workspace

AGENTS = hook_agents()

pytestmark = pytest.mark.slow


def _heeding(words: str, branch: str) -> Script:
    remedy = f"git push --set-upstream origin {branch}"

    def heed(told: str, command: str) -> str | None:
        return remedy if command == "git push" and words in told else None

    return Script(["git push", remedy], heed=heed)


def _learned_then_hooked(
    driver: Driver, ws: Workspace, server: ModelServer, *, call_hooks_only: bool
) -> list[dict[str, object]]:
    """Two sessions whose `git push` failed, read and learned from; lessonloop's hooks installed
    (only those around a call, with `call_hooks_only`) and trusted; git's runs logged from now on.
    Returns the lessons about `git push`."""
    if not driver.hooks_agent:
        pytest.skip(
            f"lessonloop installs no hooks in {driver.command}: no call can be stopped; its lessons go by its"
            " rules file (test_loop)"
        )
    if driver.hooks_agent not in AGENTS:
        pytest.skip(f"lessonloop has no hooks for {driver.command} yet (issue 64)")
    driver.setup(ws, server)
    for branch in ("cart", "checkout"):
        push_session(driver, ws, server, branch)
    ws.lessonloop("ingest", "--wait")  # the lessons before the next step reads them
    lessons = push_lessons(ws)
    # What this test needs is a lesson learned from two failed pushes. An agent under load may
    # lose a command's output (in a CI run Qwen Code recorded a failed push with "Output:
    # (empty)": git's message gone, that failure taught nothing, and the lesson stayed a
    # candidate, which gives notes, never a stop): one more session, at most two, until it is.
    for branch in ("orders", "invoices"):
        if lessons and int(str(lessons[0]["failed_sessions"])) >= 2:
            break
        push_session(driver, ws, server, branch)
        ws.lessonloop("ingest", "--wait")
        lessons = push_lessons(ws)
    assert lessons, ws.lessonloop("lessons", "list").stdout
    assert int(str(lessons[0]["failed_sessions"])) >= 2, lessons
    ws.lessonloop("hooks", "install", "--agent", driver.hooks_agent)
    if call_hooks_only:
        driver.drop_context_hooks(ws)
    driver.trust(ws)
    ws.log_git()
    return lessons


@pytest.mark.parametrize("hooks", ["every hook", "call hooks only"])
@pytest.mark.parametrize("name", sorted(DRIVERS))
def test_a_model_that_heeds_the_lesson_never_runs_the_failing_push(name: str, hooks: str, tmp_path: Path) -> None:
    driver = DRIVERS[name]
    clis.require(driver.command)
    ws = Workspace(tmp_path)
    with ModelServer() as server:
        lessons = _learned_then_hooked(driver, ws, server, call_hooks_only=hooks == "call hooks only")
        run, _ = push_session(driver, ws, server, "payments", _heeding(title_words(lessons[0]), "payments"))
        assert pushed(ws, "payments"), run
        calls = [line.strip() for line in ws.git_calls()]
        assert "push --set-upstream origin payments" in calls, calls  # the log sees the agent's git
        failing = [line for line in calls if line == "push"]
        assert failing == [], f"the failing `git push` ran {len(failing)} time(s) after the lesson was learned"
        ws.lessonloop("ingest", "--wait")
        # The lesson heeded, by its id (a failure whose output the agent lost under load teaches a
        # weak lesson of its own, which a later reading may merge away: not this test's concern).
        [heeded] = [lesson for lesson in push_lessons(ws) if lesson["id"] == lessons[0]["id"]]
        assert heeded["confidence"] == lessons[0]["confidence"], heeded
        if hooks == "call hooks only":  # the changed call after the stop did what the lesson says
            assert heeded["prevented"] == int(str(lessons[0]["prevented"])) + 1, heeded


@pytest.mark.parametrize("name", sorted(DRIVERS))
def test_a_stop_is_once_the_same_call_sent_again_runs(name: str, tmp_path: Path) -> None:
    driver = DRIVERS[name]
    clis.require(driver.command)
    ws = Workspace(tmp_path)
    with ModelServer() as server:
        _learned_then_hooked(driver, ws, server, call_hooks_only=True)
        insist = Script(["git push", "git push", "git push --set-upstream origin payments"])
        run, requests = push_session(driver, ws, server, "payments", insist)
        assert pushed(ws, "payments"), run
        calls = [line.strip() for line in ws.git_calls()]
        assert [line for line in calls if line == "push"] == ["push"], calls  # stopped once, then it ran
        told = "\n".join(request.text() for request in requests)
        assert "send it again unchanged" in told  # the stop's reason said how to go on
        with sqlite3.connect(ws.store) as conn:
            actions = [a for (a,) in conn.execute("SELECT action FROM hook_decisions WHERE event = 'PreToolUse'")]
        assert actions[:2] == ["stop", "override"], actions  # the override is recorded


@pytest.mark.parametrize("name", sorted(DRIVERS))
def test_a_declared_rule_stops_a_force_push_to_main_once(name: str, tmp_path: Path) -> None:
    """Issue 80, item 7: with lessonloop's hooks installed and no lesson learned, the model's
    `git push --force origin main` is stopped before it runs by lessonloop's own workflow rule
    (no-force-push-main), whose reason the model reads; the model then pushes its branch. The
    report of that store shows the stop and the call not sent again (prevented)."""
    driver = DRIVERS[name]
    clis.require(driver.command)
    if not driver.hooks_agent or driver.hooks_agent not in AGENTS:
        pytest.skip(f"lessonloop installs no hooks in {driver.command}: no call can be stopped")
    ws = Workspace(tmp_path)
    with ModelServer() as server:
        driver.setup(ws, server)
        push_session(driver, ws, server, "warmup", Script(["git status"]))  # (an agent's own files made: its trust)
        ws.lessonloop("ingest", "--wait")  # a store, as after the quick start (Vibe's first event is a call's)
        ws.lessonloop("hooks", "install", "--agent", driver.hooks_agent)
        driver.trust(ws)
        ws.log_git()
        script = Script(["git push --force origin main", "git push --set-upstream origin payments"])
        run, requests = push_session(driver, ws, server, "payments", script)
        assert pushed(ws, "payments"), run
        calls = [line.strip() for line in ws.git_calls()]
        assert "push --force origin main" not in calls, calls  # stopped before it ran
        assert "push --set-upstream origin payments" in calls, calls
        told = "\n".join(request.text() for request in requests)
        assert "no-force-push-main" in told  # the stop's reason reached the model
        report = ws.lessonloop_json("report")
        declared = {item["rule"]: item for item in report["prevention"]["declared"]}
        assert declared["no-force-push-main"]["stops"] == 1, report["prevention"]
        assert declared["no-force-push-main"]["prevented"] == 1, report["prevention"]
