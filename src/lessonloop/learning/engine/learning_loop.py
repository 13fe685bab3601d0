"""The learning loop, written once. Every call and correction, in learning's order, goes through
one Learner: a correction is learned; on a call, the lessons a hook really warned about are taken
in, the call is decided on (as the PreToolUse check would, before its result) and then observed;
a session ends at its last call; at the end, every session still open ends.

Batch learning over a History (`learn_history`), learning over the store's rows
(learning/runs/stream.py), replay (learning/engine/replay.py) and learning during a session
(learning/live/in_session.py) run this loop. They differ only in what they plug in (a LoopPlug:
where the warnings and a correction's calls come from, what is done with a decision, a call
observed, a session ended) and in two options: `frozen_from` (replay's split: nothing at or after
it is learned from, and no session ends there) and `end_all` (a live session is still running).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from lessonloop.learning.engine.engine import Decision, Learner, Policy
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.history import CorrectionEvent, History


class LoopPlug:
    """What a caller adds to the loop. Each method here adds nothing: no warnings, a correction's
    own calls."""

    def warned(self, event: CallEvent) -> Sequence[str]:
        """The lessons a PreToolUse hook really warned about on `event` (Learner.warned)."""
        return ()

    def corrected(self, correction: CorrectionEvent) -> list[CallEvent]:
        """The calls `correction` corrects."""
        return correction.corrected

    def decided(self, event: CallEvent, decision: Decision) -> None:
        """`event` was decided on; its result is not learned yet (replay scores the decision)."""

    def observed(self, event: CallEvent) -> None:
        """`event`'s result was taken in."""

    def ended(self, session_id: str) -> None:
        """The session ended at its last call."""

    def finished(self) -> None:
        """Every call and correction was taken; the sessions still open are not ended yet."""


def run_loop(
    learner: Learner,
    stream: Iterable[CallEvent | CorrectionEvent],
    last_call: Mapping[str, str],
    plug: LoopPlug | None = None,
    *,
    frozen_from: str | None = None,
    end_all: bool = True,
    edit_checks: bool = True,
) -> Learner:
    """Run `learner` over `stream` (calls and corrections in learning's order, as History.stream
    gives them). `last_call`: each session's last call id (the session ends after it). With
    `frozen_from`, calls and corrections at or after that time are decided on but not learned
    from. `end_all`: end every session still open after the last item. `edit_checks`: the
    decisions hold the built-in rules' warnings on what edits add (Learner.decide; a plug that
    reads only the lessons' part of a decision leaves them out). The stream is read one item at a
    time, each taken in whole before the next is asked for."""
    plug = plug or LoopPlug()
    for item in stream:
        if isinstance(item, CorrectionEvent):
            if frozen_from is None or (item.ts or "") < frozen_from:
                learner.correction(
                    item.session_id,
                    item.project,
                    item.message_uuid,
                    item.ts,
                    item.kind,
                    item.text,
                    plug.corrected(item),
                )
            continue
        learn = frozen_from is None or item.ts < frozen_from
        warned = plug.warned(item)
        if warned:
            learner.warned(item, warned)
        decision = learner.decide(item, edit_checks)
        plug.decided(item, decision)
        learner.observe(item, decision, learn=learn)
        plug.observed(item)
        if learn and last_call.get(item.session_id) == item.call.id:
            learner.end_session(item.session_id)
            plug.ended(item.session_id)
    plug.finished()
    if end_all:
        learner.end_all_sessions()
    return learner


def last_calls(events: Iterable[CallEvent]) -> dict[str, str]:
    """Each session's last call id, from its calls in learning's order."""
    return {event.session_id: event.call.id for event in events}


class HistoryWarnings(LoopPlug):
    """The hooks' warnings as a History holds them (by call id)."""

    def __init__(self, warnings: Mapping[str, Sequence[str]]) -> None:
        self.warnings = warnings

    def warned(self, event: CallEvent) -> Sequence[str]:
        return self.warnings.get(event.call.id) or ()


def learn_history(history: History, policy: Policy | None = None) -> Learner:
    """Run the learner over a whole history (every session ends at its last call), taking in the
    warnings the hooks gave."""
    learner = Learner(policy, prompts=history.prompts, disk=history.disk())
    learner.approved_rules = history.approved_rules
    return run_loop(learner, history.stream(), last_calls(history.events), HistoryWarnings(history.warnings))
