"""Replay: would lessonloop have prevented the mistakes in this history?

Sessions are taken in time order. With a split, lessons are learned from every call before the
start of the first evaluated session (the first fraction of sessions) and then frozen; online,
every call is decided on first and learned from after. For each evaluated call the decision is
the one the PreToolUse check makes (none / warn / ask / block), before the call's result is seen.

Counted: a repeated error is a failed call whose error signature (tool + normalized headline)
occurred earlier in the history. The headline figures are over usage errors (the classes in
analyze/error_classes.USAGE_CLASSES: mistakes in how the agent called a tool); `by_class` has
every class. A repeated error is warned when a lesson learned from that same error signature
fired on the call. A false alarm is a successful call on which any lesson fired.

What an agent can show (issue 59): a warning reaches the model after the call ran, in every
agent; only a stop (the hooks' default for a lesson that earned it), an ask or a deny acts before.
So a repeated error is **prevented** when such a lesson of its error signature would have stopped
the call (`stopped_repeated_errors`, `prevention_recall`), and a **false stop** is a successful
call that any lesson would have stopped (`false_stops`, per 100 successful calls). Lessons given
as context before the model chose the call (session start, the prompt) are not counted: the
figure is a lower bound of what the hooks prevent. Every evaluated
failure is also judged one by one (`failures`, learning/engine/replay_audit.py: repeat or not, warned or
the step that failed), which `replay --explain` prints and `replay --labels` scores
(learning/engine/replay_labels.py, with the counts per session kept in `by_session`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.analyze.error_classes import USAGE_CLASSES
from lessonloop.core.rates import per_100, rate, rounded
from lessonloop.learning.engine.engine import Decision, Learner, Policy
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.history import History
from lessonloop.learning.engine.learning_loop import HistoryWarnings, last_calls, run_loop
from lessonloop.learning.engine.replay_audit import ExplainedFailure, explain_failure, repeat_steps
from lessonloop.lesson_model.decision import IN_TIME

EXAMPLES = 50  # warned / missed errors and false alarms listed in the report


@dataclass(slots=True)
class LessonFiring:
    signature: str
    title: str
    fired: int = 0
    prevented_errors: int = 0  # fired on a call that then failed with the lesson's error
    false_alarms: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "signature": self.signature,
            "title": self.title,
            "fired": self.fired,
            "warned_errors": self.prevented_errors,
            "false_alarms": self.false_alarms,
        }


@dataclass(slots=True)
class SessionCalls:
    """One main session's evaluated calls: what the figures of a part of the sessions add up."""

    successful: int = 0
    false_alarms: int = 0
    false_stops: int = 0
    fired: Counter[str] = field(default_factory=Counter)  # lesson signature -> calls it fired on
    alarms: Counter[str] = field(default_factory=Counter)  # lesson signature -> successful calls it fired on


@dataclass(slots=True)
class ReplayReport:
    mode: str
    split: float | None
    policy: Policy
    cutoff: str | None = None  # with a split: the first evaluated session's start (calls before it are learned from)
    sessions: int = 0
    evaluated_sessions: int = 0
    evaluated_calls: int = 0
    edit_stops: int = 0  # edits and writes the edit check stopped (a high-risk line added; built-in rules)
    edit_warnings: int = 0  # ... that it only warned about (with --warn-only)
    declared_stops: int = 0  # calls a declared rule (lessonloop's own never rules) would have stopped
    declared_stops_on_success: int = 0  # ... of them, calls that then worked (the rule holds all the same)
    declared_warnings: int = 0  # calls a project's own declared rule warned about
    errors: int = 0
    repeated_all: int = 0
    warned_repeated_all: int = 0
    repeated_errors: int = 0  # usage classes
    warned_repeated_errors: int = 0
    successful_calls: int = 0
    false_alarms: int = 0
    stopped_repeated_all: int = 0  # repeats a lesson of their error would have stopped (acted in time)
    stopped_repeated_errors: int = 0  # usage classes
    false_stops: int = 0  # successful calls a lesson would have stopped
    lessons_learned: int = 0
    by_class: dict[str, Counter[str]] = field(default_factory=dict)
    firings: dict[str, LessonFiring] = field(default_factory=dict)
    warned: list[dict[str, Any]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)
    alarms: list[dict[str, Any]] = field(default_factory=list)
    failures: list[ExplainedFailure] = field(default_factory=list)  # every evaluated failure, judged
    by_day: dict[str, Counter[str]] = field(default_factory=dict)  # the same counts per UTC day of the call
    by_session: dict[str, SessionCalls] = field(default_factory=dict)  # main session id -> its calls (not in the JSON)
    learner: Learner | None = None  # the learner at the end of the replay (not in the JSON)

    @property
    def recall(self) -> float | None:
        return rate(self.warned_repeated_errors, self.repeated_errors)

    @property
    def false_alarm_rate(self) -> float | None:
        return rate(self.false_alarms, self.successful_calls)

    @property
    def prevention_recall(self) -> float | None:
        """The share of repeated usage errors a lesson would have stopped before they ran."""
        return rate(self.stopped_repeated_errors, self.repeated_errors)

    @property
    def false_stops_per_100(self) -> float | None:
        """Successful calls a lesson would have stopped, per 100 successful calls."""
        return per_100(self.false_stops, self.successful_calls)

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "split": self.split,
            "sessions": self.sessions,
            "evaluated_sessions": self.evaluated_sessions,
            "evaluated_calls": self.evaluated_calls,
            "edit_stops": self.edit_stops,
            "edit_warnings": self.edit_warnings,
            "declared_stops": self.declared_stops,
            "declared_stops_on_successful_calls": self.declared_stops_on_success,
            "declared_warnings": self.declared_warnings,
            "repeated_errors": self.repeated_errors,
            "warned_repeated_errors": self.warned_repeated_errors,
            "recall": rounded(self.recall),
            "successful_calls": self.successful_calls,
            "false_alarms": self.false_alarms,
            "false_alarm_rate": rounded(self.false_alarm_rate),
            "stopped_repeated_errors": self.stopped_repeated_errors,
            "prevention_recall": rounded(self.prevention_recall),
            "false_stops": self.false_stops,
            "false_stops_per_100": rounded(self.false_stops_per_100),
            "stopped_repeated_errors_all_classes": self.stopped_repeated_all,
            "errors": self.errors,
            "repeated_errors_all_classes": self.repeated_all,
            "warned_repeated_errors_all_classes": self.warned_repeated_all,
            "recall_all_classes": rounded(rate(self.warned_repeated_all, self.repeated_all)),
            "by_class": {
                name: {
                    "errors": c["errors"],
                    "repeated": c["repeated"],
                    "warned": c["warned"],
                    "stopped": c["stopped"],
                    "usage": name in USAGE_CLASSES,
                }
                for name, c in sorted(self.by_class.items())
            },
            "lessons_learned": self.lessons_learned,
            "lessons_fired": [
                f.to_json() for f in sorted(self.firings.values(), key=lambda f: (-f.fired, f.signature)) if f.fired
            ],
            "warned_repeated": self.warned,
            "missed_repeated": self.missed,
            "false_alarm_calls": self.alarms,
            "failures": [f.to_json() for f in self.failures],
            "repeat_steps": repeat_steps(self.failures),
            "by_day": [
                {
                    "day": day,
                    "calls": c["calls"],
                    "successful_calls": c["successful"],
                    "false_alarms": c["false_alarms"],
                    "repeated_errors": c["repeated"],
                    "warned_repeated_errors": c["warned"],
                    "stopped_repeated_errors": c["stopped"],
                    "false_stops": c["false_stops"],
                }
                for day, c in sorted(self.by_day.items())
            ],
            "policy": {
                "warn_tiers": sorted(self.policy.warn_tiers),
                "ask_at": self.policy.ask_at,
                "block": self.policy.block,
                "block_at": self.policy.block_at,
                "stop": self.policy.stop,
            },
        }


def replay(
    history: History, policy: Policy | None = None, split: float | None = None, *, hook_warnings: bool = False
) -> ReplayReport:
    """Replay `history`: online when `split` is None, else learn from the first `split` of the
    sessions (by start time) and evaluate the rest with the lessons frozen. The learning loop is
    batch learning's (learning/engine/learning_loop.py); `hook_warnings` takes in, as batch learning does,
    the warnings hooks really gave (history.warnings). Off by default: replay decides on its own
    what would have been warned, and has always left the real warnings out."""
    policy = policy or Policy()
    report = ReplayReport(mode="online" if split is None else "split", split=split, policy=policy)
    starts = sorted(history.session_starts.items(), key=lambda item: (item[1], item[0]))
    report.sessions = len(starts)
    cutoff: str | None = None
    if split is not None:
        first_test = min(len(starts), max(0, round(split * len(starts))))
        cutoff = starts[first_test][1] if first_test < len(starts) else "\uffff"
        report.cutoff = cutoff
        report.evaluated_sessions = len(starts) - first_test
    else:
        report.evaluated_sessions = len(starts)
    learner = Learner(policy, prompts=history.prompts, disk=history.disk())
    learner.approved_rules = history.approved_rules
    scoring = _Scoring(report, learner, cutoff, history.warnings if hook_warnings else {})
    run_loop(learner, history.stream(), last_calls(history.events), scoring, frozen_from=cutoff)
    report.lessons_learned = len(learner.lessons)
    report.learner = learner
    return report


class _Scoring(HistoryWarnings):
    """Replay's part of the learning loop: each call at or after the cutoff (every call, online)
    is scored on the decision made before its result; each failure's signature is remembered."""

    def __init__(
        self, report: ReplayReport, learner: Learner, cutoff: str | None, warnings: Mapping[str, Sequence[str]]
    ) -> None:
        super().__init__(warnings)
        self.report = report
        self.learner = learner
        self.cutoff = cutoff
        self.seen: dict[str, CallEvent] = {}  # error signature -> its first failure

    def decided(self, event: CallEvent, decision: Decision) -> None:
        if self.cutoff is None or event.ts >= self.cutoff:
            if event.call.status == "error":
                self.report.failures.append(explain_failure(event, decision, self.learner, self.seen))
            _evaluate(self.report, event, decision.fired, self.seen)
            if any(action in IN_TIME for _rule, action in decision.findings):
                self.report.edit_stops += 1
            elif decision.findings:
                self.report.edit_warnings += 1
            if any(action in IN_TIME for _rule, action in decision.declared):
                self.report.declared_stops += 1
                self.report.declared_stops_on_success += event.call.ok
            elif decision.declared:
                self.report.declared_warnings += 1

    def observed(self, event: CallEvent) -> None:
        if event.signature:
            self.seen.setdefault(event.signature, event)


def _evaluate(report: ReplayReport, event: CallEvent, fired: list[Any], seen: dict[str, CallEvent]) -> None:
    report.evaluated_calls += 1
    day = report.by_day.setdefault((event.call.ts or event.ts or "")[:10] or "unknown", Counter())
    day["calls"] += 1
    session = report.by_session.setdefault(event.session_id, SessionCalls())
    for f in fired:
        firing = report.firings.get(f.lesson.signature)
        if firing is None:
            firing = report.firings[f.lesson.signature] = LessonFiring(f.lesson.signature, f.lesson.title)
        firing.fired += 1
        session.fired[f.lesson.signature] += 1
    call = event.call
    if call.ok:
        report.successful_calls += 1
        day["successful"] += 1
        session.successful += 1
        if any(f.action in IN_TIME for f in fired):
            report.false_stops += 1
            day["false_stops"] += 1
            session.false_stops += 1
        if fired:
            report.false_alarms += 1
            day["false_alarms"] += 1
            session.false_alarms += 1
            for f in fired:
                report.firings[f.lesson.signature].false_alarms += 1
                session.alarms[f.lesson.signature] += 1
            if len(report.alarms) < EXAMPLES:
                report.alarms.append(_example(event, fired))
        return
    if call.status != "error":
        return
    report.errors += 1
    name = event.error_class or "UNKNOWN"
    counts = report.by_class.setdefault(name, Counter())
    counts["errors"] += 1
    if event.signature not in seen:
        return
    warned_by = [f for f in fired if f.lesson.error_signature == event.signature]
    stopped = any(f.action in IN_TIME for f in warned_by)
    counts["repeated"] += 1
    report.repeated_all += 1
    if stopped:
        counts["stopped"] += 1
        report.stopped_repeated_all += 1
    if warned_by:
        counts["warned"] += 1
        report.warned_repeated_all += 1
        for f in warned_by:
            report.firings[f.lesson.signature].prevented_errors += 1
    if name not in USAGE_CLASSES:
        return
    report.repeated_errors += 1
    day["repeated"] += 1
    if stopped:
        report.stopped_repeated_errors += 1
        day["stopped"] += 1
    if warned_by:
        report.warned_repeated_errors += 1
        day["warned"] += 1
        if len(report.warned) < EXAMPLES:
            report.warned.append(_example(event, warned_by))
    elif len(report.missed) < EXAMPLES:
        report.missed.append(_example(event, fired))


def _example(event: CallEvent, fired: list[Any]) -> dict[str, Any]:
    call = event.call
    shown = call.command or call.target_path or ""
    return {
        "session_id": event.session_id,
        "tool_use_id": call.id,
        "ts": call.ts,
        "tool": call.tool,
        "call": shown.splitlines()[0][:120] if shown else "",
        "error_class": event.error_class,
        "signature": event.signature,
        "lessons": [f.lesson.title for f in fired],
    }
