"""A warning the agent cannot act on prevents nothing, and a stop costs it a turn (issue 61, item
7): a lesson that says neither what to do instead nor the rule the call breaks is a note, never a
stop (lesson_model/decision.py); one that does stops as before."""

from __future__ import annotations

from lessonloop.lesson_model import decision as one
from lessonloop.lesson_model.triggers import Trigger, Unless


def _candidate(remedied: bool) -> one.Candidate:
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
    )


def _action(remedied: bool) -> str:
    call = one.PendingCall(
        "s9", "shell", "Bash", [("cargo", "test")], None, "/home/dev/app", {"command": "cargo test"},
        "cargo test", "cargo test", "2026-11-21T10:00:00Z",
    )  # fmt: skip
    verdict = one.decide(call, [_candidate(remedied)], one.Rules(stop=True), lambda _signed: None, None)
    return verdict.action


def test_a_lesson_without_a_remedy_is_a_note_and_one_with_a_remedy_stops() -> None:
    assert _action(remedied=True) == one.STOP
    assert _action(remedied=False) == one.WARN
