"""A call without a command line or a file still says what it was, in the CLI timeline and the
web's: an Aider commit row showed an empty line on the web (issue 27) where `show` printed its
input as JSON; both now give the commit's sha and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessonloop.report.render import call_what

COMMIT = {
    "id": 7,
    "ts": "2024-08-06T09:52:26.000Z",
    "tool": "commit",
    "kind": None,
    "ok": True,
    "status": "ok",
    "exit_code": None,
    "error_class": None,
    "signals": [],
    "risk": None,
    "command": None,
    "target_path": None,
    "input_json": '{"command": "git commit", "sha": "d0ffbf1", "message": "fix: Reorder imports in repomap.py"}',
    "result_text": "d0ffbf1 fix: Reorder imports in repomap.py",
    "error_text": None,
    "diff": None,
    "lessons_fired": [],
}


def test_a_commit_says_its_sha_and_message() -> None:
    assert call_what(COMMIT) == "d0ffbf1 fix: Reorder imports in repomap.py"
    assert call_what({**COMMIT, "command": "git commit -m x"}) == "git commit -m x"  # a command line wins
    assert call_what({**COMMIT, "input_json": '{"url": "https://example.com"}'}) == "https://example.com"


def test_the_web_timeline_shows_it() -> None:
    pytest.importorskip("jinja2", reason="the web extra is not installed")
    from lessonloop.report.html.assets import environment

    web_templates = Path(__file__).resolve().parent.parent.parent / "src" / "lessonloop" / "web" / "templates"
    env = environment([web_templates])
    page = env.from_string('{% from "_timeline_items.html" import timeline %}{{ timeline(items) }}').render(
        items=[{**COMMIT, "type": "call"}]
    )
    assert "<code>d0ffbf1 fix: Reorder imports in repomap.py</code>" in page
