"""Replay that can be audited: every failure replay saw, with its signature, whether it was an
earlier mistake again, warned or missed and at which step (`replay --explain`). Scoring against a
person's labels is learning/engine/replay_labels.py.

A failed call is warned at the end of a chain of steps; a miss names the step that failed:
- "not seen as a failure": the call is stored with another status than error (the adapter read it
  as a success, or found no result), or not stored at all (only for a labelled call: replay judges
  the failures it sees, learning/engine/replay_labels.py finds the others);
- "not seen as a repeat": replay saw the failure, but no earlier failure had its signature;
- "no lesson": a repeat, but no lesson was learned from its error signature before the call;
- "lesson silent": lessons of its error existed and none warned, for one of these reasons, in the
  order they are checked: "sent again after its stop" (a lesson stopped the same call earlier in
  the session, with no edit or write since: it runs, as the hook lets it), "unless satisfied" (a
  lesson matched the call, but its prevention had been done: the trigger's "unless" held), "below threshold" (a lesson matched and was not
  prevented, but its status or tier does not warn: pending review, or a tier below the policy's
  warn tiers, or a one-off below confidence.ONE_OFF_AT), "another project" (a lesson of another
  project, not machine-wide, or a one-off of none), "learned in this
  session" (a general lesson stays silent in the session that taught it, learning/engine/general_lessons.py),
  "trigger did not match" (none matched this call's shape: another command or path);
- "warned": a lesson learned from the same error signature fired on the call.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lessonloop.learning.engine.engine import Decision, Learner
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.general_lessons import is_general
from lessonloop.lesson_model.decision import IN_TIME
from lessonloop.lesson_model.lesson import Lesson

WARNED = "warned"
NOT_FAILURE = "not seen as a failure"
NOT_REPEAT = "not seen as a repeat"
NO_LESSON = "no lesson"
SILENT = "lesson silent"
STEPS = (WARNED, NOT_FAILURE, NOT_REPEAT, NO_LESSON, SILENT)  # the order the steps are printed in
# Why a lesson stayed silent (the reason follows "lesson silent: " in `why`).
UNLESS = "unless satisfied"
BELOW = "below threshold"
NO_MATCH = "trigger did not match"
OTHER_PROJECT = "another project"
OWN_SESSION = "learned in this session"
RESENT = "sent again after its stop"
SILENT_REASONS = (NO_MATCH, OTHER_PROJECT, OWN_SESSION, UNLESS, BELOW, RESENT)


@dataclass(slots=True)
class ExplainedFailure:
    """One failed call as replay judged it."""

    session_id: str
    context_id: str
    tool_use_id: str
    line: int
    ts: str
    tool: str
    call: str
    error_class: str | None
    signature: str | None
    repeat_of: dict[str, Any] | None  # the first earlier failure with this signature
    warned: bool
    why: str | None  # for a missed repeat: its step, and a silent lesson's reason ("lesson silent: ...")
    lessons: list[str] = field(default_factory=list)  # lessons of this error, by title
    other_warnings: list[str] = field(default_factory=list)  # lessons of other errors that fired
    warned_by: list[str] = field(default_factory=list)  # signatures of the lessons of this error that fired
    fired: list[str] = field(default_factory=list)  # signatures of every lesson that fired on the call
    stopped: bool = False  # a lesson of this error would have stopped it before it ran (stop, ask, deny)
    # each lesson of this error that fired, with its remedy (Lesson.remedy; None: it says only that
    # the call failed before), by title
    remedies: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def with_remedy(self) -> bool:
        """A warned call was told what to do instead (or the rule it broke) by a lesson of its error."""
        return any(remedy is not None for _title, remedy in self.remedies)

    @property
    def repeat(self) -> bool:
        return self.repeat_of is not None

    @property
    def step(self) -> str:
        """The step the call reached (see the module's docstring): warned, or the one that failed."""
        if self.warned:
            return WARNED
        if not self.repeat:
            return NOT_REPEAT
        return SILENT if self.why is not None and self.why.startswith(SILENT) else NO_LESSON

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "context_id": self.context_id,
            "tool_use_id": self.tool_use_id,
            "line": self.line,
            "ts": self.ts,
            "tool": self.tool,
            "call": self.call,
            "error_class": self.error_class,
            "signature": self.signature,
            "repeat": self.repeat,
            "repeat_of": self.repeat_of,
            "warned": self.warned,
            "stopped": self.stopped,
            "step": self.step,
            "why": self.why,
            "lessons": self.lessons,
            "other_warnings": self.other_warnings,
            "warned_by": self.warned_by,
            "remedies": [{"lesson": title, "remedy": remedy} for title, remedy in self.remedies],
        }


def explain_failure(
    event: CallEvent, decision: Decision, learner: Learner, first_seen: dict[str, CallEvent]
) -> ExplainedFailure:
    """Judge one failed call at the moment it is decided (before the learner learns from it)."""
    call = event.call
    signature = event.signature
    earlier = first_seen.get(signature) if signature else None
    own = [lesson for lesson in learner.lessons.values() if signature and lesson.error_signature == signature]
    fired_own = [f.lesson for f in decision.fired if f.lesson.error_signature == signature]
    why: str | None = None
    if earlier is not None and not fired_own:
        own_ids = {lesson.signature for lesson in own}
        if not own:
            why = NO_LESSON
        elif decision.overridden and any(lesson.signature in own_ids for lesson in decision.matched):
            why = f"{SILENT}: {RESENT}"
        elif any(lesson.signature in own_ids for lesson in decision.prevented):
            why = f"{SILENT}: {UNLESS}"
        elif any(lesson.signature in own_ids for lesson in decision.matched):
            states = sorted({f"{lesson.status}/{lesson.tier}" for lesson in decision.matched if lesson in own})
            why = f"{SILENT}: {BELOW} ({', '.join(states)})"
        else:
            why = f"{SILENT}: {_unmatched(own, event)}"
    shown = call.command or call.target_path or ""
    return ExplainedFailure(
        session_id=event.session_id,
        context_id=call.context_id,
        tool_use_id=call.id,
        line=call.seq,
        ts=event.ts,
        tool=call.tool,
        call=shown.strip().splitlines()[0][:120] if shown.strip() else "",
        error_class=event.error_class,
        signature=signature,
        repeat_of=None
        if earlier is None
        else {"session_id": earlier.session_id, "tool_use_id": earlier.call.id, "line": earlier.call.seq},
        warned=bool(fired_own),
        why=why,
        lessons=[lesson.title for lesson in own],
        other_warnings=[f.lesson.title for f in decision.fired if f.lesson.error_signature != signature],
        warned_by=[lesson.signature for lesson in fired_own],
        fired=[f.lesson.signature for f in decision.fired],
        stopped=any(f.action in IN_TIME for f in decision.fired if f.lesson.error_signature == signature),
        remedies=[(lesson.title, lesson.remedy) for lesson in fired_own],
    )


def _unmatched(own: list[Lesson], event: CallEvent) -> str:
    """Why none of the lessons of a call's error matched it (the learner's order of checks)."""
    here = [lesson for lesson in own if lesson.reaches(event.project, event.session_id)]
    if not here:
        return OTHER_PROJECT
    call = event.call
    shaped = [
        lesson
        for lesson in here
        if lesson.trigger is not None
        and lesson.trigger.matches_shape(
            call.kind, event.segments, call.target_path, event.cwd, call.tool, call.input, call.command, event.shell
        )
    ]
    if shaped and all(is_general(lesson) and lesson.session_failed.get(event.session_id) for lesson in shaped):
        return OWN_SESSION
    return NO_MATCH


def reason_of(step: str, why: str | None) -> str | None:
    """The reason a step failed, without its details: "lesson silent: below threshold (pending/...)"
    -> "below threshold"; None for a step without reasons."""
    prefix = f"{step}: "
    if why is None or not why.startswith(prefix):
        return None
    return why[len(prefix) :].split(" (", 1)[0]


def step_counts(judged: Iterable[tuple[str, str | None]]) -> dict[str, Any]:
    """(step, why) pairs counted: every step (0 when none reached it), and per step the reasons."""
    counts: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = {}
    for step, why in judged:
        counts[step] += 1
        reason = reason_of(step, why)
        if reason is not None:
            reasons.setdefault(step, Counter())[reason] += 1
    return {
        "steps": {step: counts[step] for step in STEPS},
        "reasons": {step: dict(sorted(reasons[step].items())) for step in STEPS if step in reasons},
    }


def repeat_steps(failures: Iterable[ExplainedFailure]) -> dict[str, Any]:
    """Replay's own repeats (a signature of an earlier failure, every class), counted by step."""
    repeats = [f for f in failures if f.repeat]
    counts = step_counts((f.step, f.why) for f in repeats)
    return {
        "repeats": len(repeats),
        "steps": counts["steps"],
        "step_reasons": counts["reasons"],
        "warned_with_remedy": sum(f.warned and f.with_remedy for f in repeats),
    }
