"""A lesson while learning: its text, trigger and counts, and how its confidence follows from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lessonloop.core.outside_text import one_line
from lessonloop.core.timestamps import days_between
from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.checks import is_check
from lessonloop.lesson_model.decision import remedy_of
from lessonloop.lesson_model.triggers import Trigger

MAX_EVIDENCE = 50  # evidence rows kept per role (the counts keep counting)


@dataclass(slots=True)
class Evidence:
    """One observation behind a lesson."""

    role: str  # failure | fix | success | prevented | correction | finding | rule
    session_id: str | None
    tool_use_id: str | None = None
    message_uuid: str | None = None
    finding_id: int | None = None
    ts: str | None = None
    project: str | None = None
    detail: dict[str, Any] | None = None


@dataclass(slots=True)
class Lesson:
    """A lesson and its evidence. Confidence, tier and severity are derived from the counts."""

    signature: str
    kind: str
    title: str
    body: str
    trigger: Trigger | None
    error_signature: str | None
    error_class: str | None = None
    prevention: str | None = None
    prevention_command: str | None = None
    category: str | None = None
    base_severity: str = "low"
    origin: str = "learned"
    status: str = "active"
    agent: str | None = None
    model: str | None = None
    projects: set[str] = field(default_factory=set)
    # session -> the trigger failed there (True), did not in a finished session (False), has not
    # yet in a session still running (None: not counted until the session ends)
    session_failed: dict[str, bool | None] = field(default_factory=dict)
    observations: int = 0
    prevented: int = 0
    warnings: int = 0
    # Its warnings followed up: the warned call then failed with its error (right), or succeeded
    # without the prevention (a false alarm).
    warned_right: int = 0
    false_alarms: int = 0
    # calls it stopped that were sent again and then worked (the agent went past the stop and was
    # right): OVERRIDES_TO_NOTE of them make its stops notes (lesson_model/decision.py)
    overridden: int = 0
    first_seen: str | None = None
    last_seen: str | None = None
    tier: str = "candidate"
    base_confidence: float = 0.0
    # The most confidence the data allows a lesson that compares two groups (a habit: the sessions
    # that broke a rule against those that kept it): the lower bound of the difference of their
    # rates (confidence.difference_lower_bound); None for a lesson counted in one group.
    ceiling: float | None = None
    evidence: list[Evidence] = field(default_factory=list)
    evidence_counts: dict[str, int] = field(default_factory=dict)
    edited: bool = False
    id: int | None = None  # the store's id, once stored
    # true of what holds on the machine rather than in a project (a program that does not exist
    # here): the lesson applies in every project from the first one
    machine_wide: bool = False
    # learned from a person's rejection in one project: it stays that project's, however many
    # projects say the same (each has its own lesson), never global
    own_project: bool = False

    def __post_init__(self) -> None:
        # lessonloop's own lines, with outside text (a file's name, a command's words) inside them:
        # each on one line of printable characters (core/outside_text.one_line), whatever they hold
        self.title = one_line(self.title)
        self.body = one_line(self.body)
        self.prevention = one_line(self.prevention) or None

    @property
    def remedy(self) -> str | None:
        """What the lesson tells the agent to do instead, or the rule the call broke
        (decision.remedy_of); None for a lesson that only says the call failed before."""
        rule = self.trigger.rule if self.trigger is not None else None
        return remedy_of(self.prevention, self.prevention_command, rule, self.kind, self.title)

    @property
    def remedied(self) -> bool:
        """It says what to do instead, or the rule the call breaks (lesson_model/decision.py: a
        lesson without either never stops a call)."""
        return self.remedy is not None

    @property
    def checked_only(self) -> bool:
        """What it says is a check to make (lesson_model/checks.py), not a remedy seen to work: it
        gives a note, never a stop (lesson_model/decision.py)."""
        return is_check(self.prevention) and not self.prevention_command

    @property
    def sessions(self) -> int:
        return sum(1 for failed in self.session_failed.values() if failed is not None)

    @property
    def failed_sessions(self) -> int:
        return sum(1 for failed in self.session_failed.values() if failed is True)

    @property
    def severity(self) -> str:
        """Its base severity, raised with its failing sessions; a lesson that compares two groups
        (`ceiling`) at most one level above its base: how often the rule was broken says nothing
        of how much worse it went."""
        raised = conf.severity_for(self.base_severity, self.failed_sessions)
        if self.ceiling is None:
            return raised
        base = conf.SEVERITIES.index(self.base_severity) if self.base_severity in conf.SEVERITIES else 1
        return conf.SEVERITIES[min(conf.SEVERITIES.index(raised), base + 1)]

    @property
    def scope(self) -> str:
        """global: it failed in two projects or more (or in sessions of no known project), or it
        holds on the machine (a program that is not here) and failed in MIN_FAILED_SESSIONS
        sessions; else its project's."""
        if self.own_project:
            return "project"
        if len(self.projects) != 1:
            return "global"
        if self.machine_wide and self.failed_sessions >= conf.MIN_FAILED_SESSIONS:
            return "global"
        return "project"

    @property
    def project(self) -> str | None:
        return next(iter(self.projects)) if len(self.projects) == 1 else None

    # What the one decision (lesson_model/decision.py) reads of a candidate lesson, beside the fields.
    @property
    def key(self) -> str:
        return self.signature

    @property
    def stored(self) -> float:
        return round(self.base_confidence, 6)  # as the store keeps it (lessons.learned_confidence)

    @property
    def item(self) -> Lesson:
        return self

    @property
    def overrides(self) -> int:
        """How often a call it stopped was sent again and worked: replay's and learning's count
        (Learner._stop_once); the hooks count theirs from their decisions (store/hooks.py)."""
        return self.overridden

    def learned_here(self, session_id: str) -> bool:
        """Whether the lesson learned from a failure of that session."""
        return self.session_failed.get(session_id) is True

    def confidence_at(self, now: str | None) -> float:
        """The confidence at time `now`: decayed from the last failure seen."""
        days = days_between(self.last_seen, now) if (self.last_seen and now) else 0.0
        return self.base_confidence * conf.decay_factor(days)

    def recount(self) -> None:
        """Recompute confidence and tier after the counts changed: the sessions the trigger failed
        in, out of those it matched (sessions, never calls: retries in one session are one
        mistake), no more than its warnings' precision allows with the benefit of the doubt
        (confidence.precision_bound); a candidate until it failed in MIN_FAILED_SESSIONS sessions."""
        value = conf.wilson_lower_bound(self.failed_sessions, self.sessions)
        if self.false_alarms:
            value = min(value, conf.precision_bound(self.warned_right, self.false_alarms))
        if self.ceiling is not None:
            value = min(value, max(0.0, self.ceiling))
        self.base_confidence = value
        self.tier = conf.next_tier(self.base_confidence, self.tier, self.failed_sessions)

    def add_evidence(self, item: Evidence) -> None:
        count = self.evidence_counts.get(item.role, 0)
        self.evidence_counts[item.role] = count + 1
        if count < MAX_EVIDENCE:
            self.evidence.append(item)

    def applies_to(self, project: str | None) -> bool:
        """Whether the lesson applies in `project`: its own project, or any when global."""
        return self.scope == "global" or project in self.projects

    def reaches(self, project: str | None, session_id: str) -> bool:
        """Whether the lesson may speak on a call of `project` in session `session_id`: it applies
        there, and a candidate (a one-off) only in its own project or the session it failed in
        (lesson_model/decision.py)."""
        if not self.applies_to(project):
            return False
        return self.tier != "candidate" or project in self.projects or self.learned_here(session_id)
