"""A script that fails for its form warns about its siblings live (issue 41, "one cause, a family of
targets"; general_lessons._form_draft, live_learning.learn_at_once): through Codex's hooks run as
Codex runs them, the next script of the same folder and kind is warned in the same session, before
the transcript is ingested; a script elsewhere is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.agent_hooks import AgentSession
from tests.hook_helpers import hook_env

CRLF = (
    "Chunk ID: 1\nWall time: 0.1 seconds\nProcess exited with code 127\nOriginal token count: 12\nOutput:\n"
    "/usr/bin/env: 'bash\\r': No such file or directory\n"
)


@pytest.mark.slow
def test_the_codex_hook_warns_the_next_script_of_the_family(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    session = AgentSession("codex", repo, hook_env(db))
    first = {"tool_input": {"command": "./scripts/build.sh"}, "tool_use_id": "call_sh_1"}
    assert session.run("PreToolUse", **first).stdout == ""
    assert session.run("PostToolUse", **first, tool_response=CRLF).returncode == 0
    sibling = session.run("PreToolUse", tool_input={"command": "./scripts/test.sh"}, tool_use_id="call_sh_2")
    assert sibling.returncode == 0 and "Windows line endings" in sibling.stdout, sibling.stderr
    elsewhere = session.run("PreToolUse", tool_input={"command": "./tools/release.sh"}, tool_use_id="call_sh_3")
    assert elsewhere.returncode == 0 and elsewhere.stdout == ""
    assert not (db.parent / "hook-failures.log").exists()
