"""Continuity with the real agents: a session whose last test run fails, then a new session of the
project, whose first request to the model names the failing test (the session-start hook's context,
apply/hooks/continuity.py), from the first session's own transcript as the agent wrote it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.real_agents import clis
from tests.real_agents.drivers import DRIVERS
from tests.real_agents.model_server import ModelServer, Script
from tests.real_agents.workspace import Workspace, git

pytestmark = pytest.mark.slow

FAILING_TEST = """import unittest


class CartTest(unittest.TestCase):
    def test_total(self):
        self.assertEqual(1 + 2, 4)


if __name__ == "__main__":
    unittest.main()
"""
TEST_COMMAND = "python3 -m unittest -v test_cart"
NAME = "test_total (test_cart.CartTest.test_total)"  # as unittest names it: FAIL: test_total (...)


# The agents whose session-start hook gives the model context (drivers.context_events).
AGENTS = sorted(name for name, driver in DRIVERS.items() if any("start" in e.lower() for e in driver.context_events))


@pytest.mark.parametrize("name", AGENTS)
def test_the_next_session_is_told_the_failing_test(name: str, tmp_path: Path) -> None:
    driver = DRIVERS[name]
    clis.require(driver.command)
    ws = Workspace(tmp_path)
    (ws.project / "test_cart.py").write_text(FAILING_TEST, encoding="utf-8")
    git(ws.project, "add", "test_cart.py")
    git(ws.project, "commit", "-q", "-m", "Add the cart's test")
    with ModelServer() as server:
        driver.setup(ws, server)
        ws.lessonloop("hooks", "install", "--agent", driver.hooks_agent)
        driver.trust(ws)
        server.reset(Script([TEST_COMMAND]))
        run = driver.run(ws, server, "Run the cart's tests.")
        assert run.returncode == 0, run
        ws.lessonloop("ingest", "--wait")  # the session read and analyzed before the next starts
        server.reset(Script([]))
        run = driver.run(ws, server, "Carry on with the cart.")
        assert run.returncode == 0, run
        texts = [call.text() for call in server.model_calls()]
    assert any(NAME in text and "Where the last session in this project stopped" in text for text in texts), (
        f"no request named the failing test:\n{run}\n" + "\n---\n".join(t[-1500:] for t in texts)
    )
