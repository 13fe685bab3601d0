"""What lessonloop prevented, from the store alone (issue 80, item 8; report/prevention_queries.py):
`lessonloop report --json` gives the calls the hooks stopped, the changed calls that then worked,
the stopped calls sent again and how they went, per lesson and overall."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import cli
from tests.hook_helpers import HookSession, hook_env, no_upstream


@pytest.mark.slow
def test_the_report_shows_the_stop_and_the_push_that_worked_after_it(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    first = HookSession(repo, env)
    first.start()
    first.bash("git push", error=no_upstream("feature-x"))
    first.bash("git push --set-upstream origin feature-x", stdout="branch set up")
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-b", "feature-y"], check=True)
    second = HookSession(repo, env)
    second.start()
    stopped = second.pre("git push")  # a one-off of the project that names its remedy: stopped once
    assert stopped.output is not None and stopped.output["hookSpecificOutput"]["permissionDecision"] == "deny"
    second.bash("git push --set-upstream origin feature-y", stdout="branch set up")  # the changed call works
    third = HookSession(repo, env)
    third.start()
    assert third.pre("git push").output is not None  # stopped once in this session too
    third.bash("git push", error=no_upstream("feature-y"))  # sent again unchanged: it runs, and fails

    data = json.loads(cli("report", "--db", db, "--json").output)
    prevention = data["prevention"]
    assert prevention["hooks_since"] is not None
    assert (prevention["stops"], prevention["worked_after_stop"]) == (2, 1), prevention
    assert (prevention["resent"], prevention["resent_worked"], prevention["resent_failed"]) == (1, 0, 1)
    (lesson,) = prevention["lessons"]
    assert "--set-upstream" in lesson["title"] and lesson["stops"] == 2
