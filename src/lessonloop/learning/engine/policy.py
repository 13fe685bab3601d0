"""What a learner is told to do (Policy) and the layout of the learner state it stores
(STATE_FORMAT): the parts of a learning run's version (learning/runs/run.py, learn_version)
that `lessonloop ingest` checks before anything is learned, so this module imports only the one
decision's rules (lesson_model/decision.py), never the learner (learning/engine/engine.py)."""

from __future__ import annotations

from dataclasses import dataclass

from lessonloop.lesson_model import decision as one_decision

STATE_FORMAT = (
    7  # bump when learning/engine/learner_state.py's layout changes: an old state is then not read (full relearn)
)


@dataclass(slots=True)
class Policy:
    """When a matched lesson is given to the agent, and how.

    warn_tiers: lessons of these tiers warn (additionalContext). ask_at: from this confidence a
    warning asks the person instead (permissionDecision "ask"); None never asks. block / block_at:
    deny the call, only when the person turned blocking on. stop: a lesson that earned it stops the
    call once (decision.stops), as the installed hooks do unless --warn-only. review: new learned lessons wait in
    status "pending" until approved. near_duplicate: word overlap at which two lessons of the same
    trigger and class merge.
    """

    warn_tiers: frozenset[str] = one_decision.WARN_TIERS
    stop: bool = True  # the hooks' default: a lesson that earned it stops a call once (--warn-only: never)
    ask_at: float | None = None
    block: bool = False
    block_at: float = one_decision.BLOCK_AT
    review: bool = False
    near_duplicate: float = 0.8
    exclude_categories: frozenset[str] = frozenset()

    def rules(self) -> one_decision.Rules:
        """The one decision's rules for this policy."""
        return one_decision.Rules(
            ask=self.ask_at is not None,
            block=self.block,
            stop=self.stop,
            ask_at=self.ask_at if self.ask_at is not None else one_decision.ASK_AT,
            block_at=self.block_at,
            warn_tiers=self.warn_tiers,
            excluded=self.exclude_categories,
        )
