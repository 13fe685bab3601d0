"""The steps the harness's tests share: a session that pushes a branch with no upstream, and
two of them learned from."""

from __future__ import annotations

from tests.real_agents.drivers import Driver, Run
from tests.real_agents.model_server import ModelServer, Request, Script
from tests.real_agents.workspace import Workspace, git


def push_session(
    driver: Driver, ws: Workspace, server: ModelServer, branch: str, script: Script | None = None
) -> tuple[Run, list[Request]]:
    """A session on a new `branch` in which the model runs `git push` (it fails: no upstream), then
    `git push --set-upstream origin BRANCH` (or what `script` says)."""
    ws.new_branch(branch)
    server.reset(script or Script(["git push", f"git push --set-upstream origin {branch}"]))
    run = driver.run(ws, server, f"Push the {branch} branch to origin.")
    assert run.returncode == 0, run
    return run, server.model_calls()


def pushed(ws: Workspace, branch: str) -> bool:
    return bool(git(ws.origin, "branch", "--list", branch).strip())


def title_words(lesson: dict[str, object]) -> str:
    """The part of a lesson's title that no tool output says: what the lesson's text is found by."""
    return str(lesson["title"]).split(":")[0]


def push_lessons(ws: Workspace) -> list[dict[str, object]]:
    """The stored lessons about `git push`."""
    return [lesson for lesson in ws.lessonloop_json("lessons", "list") if "git push" in str(lesson["title"])]
