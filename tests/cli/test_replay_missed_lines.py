"""A missed labelled repeat names its place without `None`: Aider's calls have no transcript line,
so the call's id (or nothing) stands there (it printed "Missed ...: None edit_block")."""

from __future__ import annotations

from lessonloop.cli.replay_output import _where


def test_a_place_without_a_line_names_the_call_or_nothing() -> None:
    assert _where({"session": "8463c716abcd", "line": 1164, "part": "report", "call": "mix test"}) == (
        "8463c716:1164 [report] mix test"
    )
    assert _where({"session": "aider-3f9a1c2b4d5e6f70", "line": None, "tool_use_id": "t-7", "call": "edit_block"}) == (
        "aider-3f9a1c2b:t-7 edit_block"
    )
    shown = _where({"session": "aider-3f9a1c2b4d5e6f70", "line": None, "tool_use_id": None, "call": None})
    assert "None" not in shown and shown == "aider-3f9a1c2b"
