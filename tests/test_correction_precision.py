"""A lesson made of a person's words whose warnings are followed by success demotes itself, on
every agent (issue 24, item 3): the precision cap (lesson_model/confidence.precision_bound) and the
clean sessions of its trigger count for correction lessons as for any other; a warned call the
person rejects again is a right warning."""

from __future__ import annotations

import pytest

from lessonloop.analyze.inputs import Call
from lessonloop.learn.engine import Learner
from lessonloop.learn.events import CallEvent
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


@pytest.mark.parametrize("agent", sorted(AGENT_TOOLS))
def test_a_rejection_lesson_whose_warning_is_followed_by_success_stops_warning(agent: str) -> None:
    learner = Learner()
    script = Script()
    s1 = AgentSession(script, agent, "s1")
    rejected = s1.call("shell", command="rm -rf dist", status="rejected")
    play(learner, rejected)
    lesson = learner.correction("s1", PROJECT, "m1", script.tick(), "rejection", "", [rejected])
    assert lesson is not None
    learner.end_session("s1")
    before = lesson.base_confidence
    s2 = AgentSession(script, agent, "s2")
    again = s2.call("shell", command="rm -rf dist")
    assert play(learner, again).action == "warn"  # warned, and it went through without objection
    learner.end_session("s2")
    assert (lesson.warnings, lesson.false_alarms, lesson.warned_right) == (1, 1, 0)
    assert (lesson.failed_sessions, lesson.sessions) == (1, 2)
    assert lesson.base_confidence < before
    assert lesson.tier == "candidate"
    s3 = AgentSession(script, agent, "s3")
    assert learner.decide(s3.call("shell", command="rm -rf dist")).action == "none"


@pytest.mark.parametrize("agent", sorted(AGENT_TOOLS))
def test_a_typed_correction_on_a_file_whose_edits_then_succeed_is_demoted(agent: str) -> None:
    learner = Learner()
    script = Script()
    s1 = AgentSession(script, agent, "s1")
    edit = s1.call("edit", path="src/generated/api.py")
    play(learner, edit)
    lesson = learner.correction(
        "s1", PROJECT, "m1", script.tick(), "typed", "never edit src/generated/api.py, regenerate it", [edit]
    )
    assert lesson is not None and lesson.trigger is not None
    learner.end_session("s1")
    s2 = AgentSession(script, agent, "s2")
    assert play(learner, s2.call("edit", path="src/generated/api.py")).action == "warn"
    learner.end_session("s2")
    assert lesson.false_alarms == 1 and lesson.tier == "candidate"
    s3 = AgentSession(script, agent, "s3")
    assert learner.decide(s3.call("edit", path="src/generated/api.py")).action == "none"


def test_a_warned_call_the_person_rejects_again_is_a_right_warning() -> None:
    learner = Learner()
    script = Script()
    s1 = AgentSession(script, "claude-code", "s1")
    rejected = s1.call("shell", command="git push --force origin main", status="rejected")
    play(learner, rejected)
    lesson = learner.correction("s1", PROJECT, "m1", script.tick(), "rejection", "", [rejected])
    assert lesson is not None
    s2 = AgentSession(script, "claude-code", "s2")
    decision = play(learner, s2.call("shell", command="git push -f origin main", status="rejected"))
    assert decision.action == "warn"
    assert (lesson.warnings, lesson.warned_right, lesson.false_alarms) == (1, 1, 0)
    assert (lesson.failed_sessions, lesson.sessions) == (2, 2)
    assert lesson.tier == "active"
