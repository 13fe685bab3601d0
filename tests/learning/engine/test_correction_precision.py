"""A lesson made of a person's words whose warnings are followed by success demotes itself, on
every agent (issue 24, item 3): the precision cap (lesson_model/confidence.precision_bound) and the
clean sessions of its trigger count for correction lessons as for any other; a warned call the
person rejects again is a right warning. As any lesson, it is a silent candidate until the person
corrected the call in two sessions (confidence.MIN_FAILED_SESSIONS)."""

from __future__ import annotations

import pytest

from lessonloop.analyze.inputs import Call
from lessonloop.learning.engine.engine import Learner, Policy
from lessonloop.learning.engine.events import CallEvent
from lessonloop.lesson_model.lesson import Lesson
from tests.learning_helpers import PROJECT, Script, play

# Each agent's own shell and edit tools (their neutral kinds are what triggers name).
AGENT_TOOLS = {
    "claude-code": ("Bash", "Edit"),
    "codex": ("exec_command", "apply_patch"),
    "gemini": ("run_shell_command", "replace"),
    "opencode": ("bash", "edit"),
    "aider": ("shell", "edit_block"),
}


class AgentSession:
    """Calls of one agent's session, made with its own tool names."""

    def __init__(self, script: Script, agent: str, session_id: str) -> None:
        self.script = script
        self.agent = agent
        self.session_id = session_id
        self.seq = 0

    def call(self, kind: str, *, command: str | None = None, path: str | None = None, status: str = "ok") -> CallEvent:
        self.seq += 1
        shell, edit = AGENT_TOOLS[self.agent]
        ts = self.script.tick()
        call = Call(
            id=self.script.next_id(), context_id=self.session_id, seq=self.seq, ts=ts,
            tool=shell if kind == "shell" else edit, kind=kind,
            input={"command": command} if command else {"file_path": path},
            target_path=f"{PROJECT}/{path}" if path else None, command=command, cwd=PROJECT, status=status,
            exit_code=None, error_text="rejected" if status == "rejected" else None, result_text="",
            result_seq=self.seq, result_ts=ts,
        )  # fmt: skip
        return CallEvent(call, self.session_id, PROJECT, None, PROJECT, None, self.agent)


def rejected_in(script: Script, learner: Learner, agent: str, sessions: tuple[str, ...], command: str) -> Lesson:
    """The person rejects `command` once in each of `sessions` (each a correction, then the
    session ends); returns the lesson, a candidate after one session and active after two."""
    lesson: Lesson | None = None
    for sid in sessions:
        rejected = AgentSession(script, agent, sid).call("shell", command=command, status="rejected")
        play(learner, rejected)
        lesson = learner.correction(sid, PROJECT, f"m-{sid}", script.tick(), "rejection", "", [rejected])
        assert lesson is not None
        assert lesson.tier == ("candidate" if lesson.failed_sessions < 2 else "active")
        learner.end_session(sid)
    assert lesson is not None
    return lesson


@pytest.mark.parametrize("agent", sorted(AGENT_TOOLS))
def test_a_rejection_lesson_whose_warning_is_followed_by_success_stops_warning(agent: str) -> None:
    learner = Learner(Policy(stop=False))  # about warnings: the earned lesson warns instead of stopping the call
    script = Script()
    lesson = rejected_in(script, learner, agent, ("s1",), "rm -rf dist")
    assert learner.decide(AgentSession(script, agent, "s1b").call("shell", command="rm -rf dist")).action == "none"
    rejected_in(script, learner, agent, ("s2",), "rm -rf dist")
    assert (lesson.failed_sessions, lesson.sessions, lesson.tier) == (2, 2, "active")
    before = lesson.base_confidence
    tiers = []
    for sid in ("s3", "s4", "s5"):
        again = AgentSession(script, agent, sid).call("shell", command="rm -rf dist")
        assert play(learner, again).action == "warn"  # warned, and it went through without objection
        learner.end_session(sid)
        assert lesson.base_confidence < before
        before = lesson.base_confidence
        tiers.append(lesson.tier)
    assert (lesson.warnings, lesson.false_alarms, lesson.warned_right) == (3, 3, 0)
    assert (lesson.failed_sessions, lesson.sessions) == (2, 5)
    assert tiers == ["active", "active", "candidate"]  # 2 of 5 sessions: 0.14, below demotion (0.15)
    s6 = AgentSession(script, agent, "s6")
    assert learner.decide(s6.call("shell", command="rm -rf dist")).action == "none"


@pytest.mark.parametrize("agent", sorted(AGENT_TOOLS))
def test_a_typed_correction_on_a_file_whose_edits_then_succeed_is_demoted(agent: str) -> None:
    learner = Learner(Policy(stop=False))  # about warnings: the earned lesson warns instead of stopping the call
    script = Script()
    said = "never edit src/generated/api.py, regenerate it"
    lesson: Lesson | None = None
    for sid in ("s1", "s2"):  # the person says it in two sessions: after one, a silent candidate
        edit = AgentSession(script, agent, sid).call("edit", path="src/generated/api.py")
        assert play(learner, edit).action == "none"
        lesson = learner.correction(sid, PROJECT, f"m-{sid}", script.tick(), "typed", said, [edit])
        assert lesson is not None and lesson.trigger is not None
        learner.end_session(sid)
    assert lesson is not None and (lesson.failed_sessions, lesson.sessions, lesson.tier) == (2, 2, "active")
    for sid in ("s3", "s4", "s5"):  # warned, and the edit went through: 2 failing of 5 sessions demotes it
        edit = AgentSession(script, agent, sid).call("edit", path="src/generated/api.py")
        assert play(learner, edit).action == "warn"
        learner.end_session(sid)
    assert lesson.false_alarms == 3 and lesson.tier == "candidate"
    s6 = AgentSession(script, agent, "s6")
    assert learner.decide(s6.call("edit", path="src/generated/api.py")).action == "none"


def test_a_warned_call_the_person_rejects_again_is_a_right_warning() -> None:
    learner = Learner(Policy(stop=False))  # about warnings: the earned lesson warns instead of stopping the call
    script = Script()
    lesson = rejected_in(script, learner, "claude-code", ("s1", "s2"), "git push --force origin main")
    s3 = AgentSession(script, "claude-code", "s3")
    decision = play(learner, s3.call("shell", command="git push -f origin main", status="rejected"))
    assert decision.action == "warn"
    assert (lesson.warnings, lesson.warned_right, lesson.false_alarms) == (1, 1, 0)
    assert (lesson.failed_sessions, lesson.sessions) == (3, 3)
    assert lesson.tier == "active"
