"""What lessonloop prevented, from the store alone (issue 80, item 8; report/prevention_queries.py):
`lessonloop report --json` gives the calls the hooks stopped, the changed calls that then worked,
the stopped calls sent again and how they went, per lesson and overall."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import cli
from tests.hook_helpers import HookSession, hook_env, stopped_pushes


@pytest.mark.slow
def test_the_report_shows_the_stop_and_the_push_that_worked_after_it(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    stopped_pushes(repo, hook_env(db))

    data = json.loads(cli("report", "--db", db, "--json").output)
    prevention = data["prevention"]
    assert prevention["hooks_since"] is not None
    assert (prevention["stops"], prevention["worked_after_stop"]) == (2, 1), prevention
    assert (prevention["resent"], prevention["resent_worked"], prevention["resent_failed"]) == (1, 0, 1)
    (lesson,) = prevention["lessons"]
    assert "--set-upstream" in lesson["title"] and lesson["stops"] == 2


@pytest.mark.slow
def test_a_builtin_rule_stops_a_force_push_to_main_once_and_the_report_shows_it(repo: Path, tmp_path: Path) -> None:
    """Issue 80, item 7: `git push --force origin main` is stopped before it runs by lessonloop's
    own rule (no lesson needed), the reason says which rule; the same push sent again runs (the stop
    once); the report counts the stop, and a stop not sent again as a prevented call."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    session = HookSession(repo, env)
    session.start()
    stopped = session.pre("git push --force origin main")
    inner = stopped.output["hookSpecificOutput"] if stopped.output else {}
    assert inner.get("permissionDecision") == "deny", stopped.stdout
    reason = str(inner["permissionDecisionReason"])
    assert "a workflow rule in force here forbids it" in reason and "no-force-push-main" in reason, reason
    session.bash("git push origin feature-x", stdout="pushed")  # the agent changed the call
    other = HookSession(repo, env)
    other.start()
    assert other.pre("git commit --no-verify -m wip").output is not None  # stopped: no-skip-hooks
    insisted = other.pre("git commit --no-verify -m wip")  # sent again: it runs, nothing said
    assert insisted.stdout == "", insisted.stdout
    data = json.loads(cli("report", "--db", db, "--json").output)
    declared = {item["rule"]: item for item in data["prevention"]["declared"]}
    assert declared["no-force-push-main"] == {"rule": "no-force-push-main", "stops": 1, "resent": 0, "prevented": 1}
    assert declared["no-skip-hooks"] == {"rule": "no-skip-hooks", "stops": 1, "resent": 1, "prevented": 0}
