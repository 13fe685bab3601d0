"""A warning the agent cannot act on prevents nothing, and a stop costs it a turn (issue 61, item
7): a lesson that names a remedy or the rule the call breaks stops. Issue 83, item 1: one that
names only a check to make (lesson_model/checks.py) is a note, never a stop; one that says neither
(only that the call failed before) is never given."""

from __future__ import annotations

from lessonloop.lesson_model import decision as one
from lessonloop.lesson_model.triggers import Trigger, Unless


def _candidate(remedied: bool, checked_only: bool = False) -> one.Candidate:
    trigger = Trigger("shell", ("cargo", "test"), unless=Unless(("cargo", "test"), since="worked"))
    return one.Candidate(
        "lesson",
        "sig",
        trigger,
        kind="usage",
        error_signature="shell|error: linker `cc` not found",
        category="cargo",
        origin="learned",
        status="active",
        tier="active",
        failed_sessions=3,
        sessions=3,
        stored=0.6,
        last_seen="2026-11-20T10:00:00Z",
        learned_here=lambda _session: False,
        remedied=remedied,
        checked_only=checked_only,
    )


def _action(remedied: bool, checked_only: bool = False) -> str:
    call = one.PendingCall(
        "s9", "shell", "Bash", [("cargo", "test")], None, "/home/dev/app", {"command": "cargo test"},
        "cargo test", "cargo test", "2026-11-21T10:00:00Z",
    )  # fmt: skip
    verdict = one.decide(call, [_candidate(remedied, checked_only)], one.Rules(stop=True), lambda _signed: None, None)
    return verdict.action


def test_a_lesson_without_a_remedy_is_a_note_and_one_with_a_remedy_stops() -> None:
    assert _action(remedied=True) == one.STOP
    assert _action(remedied=True, checked_only=True) == one.WARN
    assert _action(remedied=False) == one.NONE
