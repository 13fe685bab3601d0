"""Replay's figures scored against a person's labels of which failures repeat an earlier mistake
(`replay --labels FILE`).

Labels (JSON): {"repeats": [{"session": ID, "tool_use_id": ID} | {"session": ID, "line": N}, ...],
"not_repeats": [...], "parts": {"tune": [session ids], "report": [session ids]}}, "parts" optional.
A label's session is the main session or the context (subagent) id; a line is the call's
transcript line (`line` in --explain). "corpus", "judged_by" and each label's "why" are notes.

Every labelled call is looked up among all the calls replay read, not only its failures, and gets
exactly one step (learning/engine/replay_audit.py): "warned", "not seen as a failure" (stored with another
status than error, or not in the store: which is said), "not seen as a repeat", "no lesson",
"lesson silent" (with its reason). A labelled call before a split's cutoff was learned from, not
evaluated: it is listed apart. Scored, for all the sessions and for each part when the file has
parts (a part's figures are over the calls of its sessions): the labelled repeats warned and the
steps of the others, replay's own repeat judgment against the labels, the false alarms (successful
calls on which any lesson fired) and which of the lessons that fired were right: those that warned
at least one labelled repeat, and those that fired only on successful calls or labelled
not-repeats (false alarms only).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lessonloop.core.rates import per_100, rate, rounded
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.replay import ReplayReport, SessionCalls
from lessonloop.learning.engine.replay_audit import NOT_FAILURE, WARNED, ExplainedFailure, step_counts

ALL = "all"  # the figures over every session, beside those of each part
NOT_STORED = "not in the store"
NO_RESULT = "no result"
SUCCESS = "read as a success"


class LabelError(ValueError):
    """A labels file that cannot be read."""


@dataclass(frozen=True, slots=True)
class Label:
    session: str
    tool_use_id: str | None
    line: int | None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"session": self.session}
        if self.tool_use_id is not None:
            out["tool_use_id"] = self.tool_use_id
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass(frozen=True, slots=True)
class Labels:
    """A labels file: the labelled repeats and not-repeats, and its parts (name -> session ids)."""

    repeats: list[Label]
    not_repeats: list[Label]
    parts: dict[str, list[str]] = field(default_factory=dict)
    corpus: str | None = None  # the file's note of the corpus it labels


def read_labels(path: Path) -> Labels:
    """A labels file (see the module's docstring), checked."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LabelError(f"cannot read labels {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("repeats"), list):
        raise LabelError(f"labels {path}: expected an object with a list 'repeats' (and 'not_repeats')")
    corpus = data.get("corpus")
    return Labels(
        _labels(data["repeats"], path),
        _labels(data.get("not_repeats") or [], path),
        _parts(data.get("parts"), path),
        corpus if isinstance(corpus, str) else None,
    )


def _labels(items: list[Any], path: Path) -> list[Label]:
    found: list[Label] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("session"), str):
            raise LabelError(f"labels {path}: every label needs a 'session' (got {item!r})")
        tool_use_id = item.get("tool_use_id")
        line = item.get("line")
        if not isinstance(tool_use_id, str) and not isinstance(line, int):
            raise LabelError(f"labels {path}: a label needs 'tool_use_id' or 'line' (got {item!r})")
        found.append(Label(item["session"], tool_use_id if isinstance(tool_use_id, str) else None, line))
    return found


def _parts(value: Any, path: Path) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in value.values()
    ):
        raise LabelError(f"labels {path}: 'parts' must map each part's name to a list of session ids")
    if ALL in value:
        raise LabelError(f"labels {path}: a part cannot be named {ALL!r}")
    seen: dict[str, str] = {}
    for name, ids in value.items():
        for session in ids:
            if session in seen and seen[session] != name:
                raise LabelError(f"labels {path}: session {session} is in parts {seen[session]!r} and {name!r}")
            seen[session] = name
    return {str(name): list(ids) for name, ids in value.items()}


# ----------------------------------------------------------------------------- scoring


@dataclass(slots=True)
class LabelledCall:
    """One labelled call and the step replay reached on it."""

    label: str  # repeat | not_repeat
    given: Label
    step: str
    why: str | None  # the step's reason ("not seen as a failure: read as a success", "lesson silent: ...")
    session_id: str  # the call's main session (the label's session when the call is not stored)
    part: str | None
    failure: ExplainedFailure | None  # as replay judged it, when replay saw the call fail
    call: str = ""
    status: str | None = None
    found: tuple[str, int] | None = None  # the stored call's id and line

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, **self.given.to_json()}
        if self.found is not None:
            out["tool_use_id"], out["line"] = self.found
        out.update(step=self.step, why=self.why, session_id=self.session_id)
        if self.part is not None:
            out["part"] = self.part
        out["call"] = self.call
        out["status"] = self.status
        if self.failure is not None:
            out["repeat"] = self.failure.repeat
            out["signature"] = self.failure.signature
            out["error_class"] = self.failure.error_class
            out["ts"] = self.failure.ts
        return out


@dataclass(slots=True)
class LabelFigures:
    """The figures over one set of sessions (all of them, or one part)."""

    sessions: int = 0
    calls: list[LabelledCall] = field(default_factory=list)
    successful_calls: int = 0
    false_alarms: int = 0
    false_stops: int = 0
    lessons_fired: int = 0
    right_lessons: list[str] = field(default_factory=list)  # warned at least one labelled repeat
    wrong_lessons: list[str] = field(default_factory=list)  # fired only on successes or labelled not-repeats

    @property
    def repeats(self) -> list[LabelledCall]:
        return [c for c in self.calls if c.label == "repeat"]

    @property
    def not_repeats(self) -> list[LabelledCall]:
        return [c for c in self.calls if c.label == "not_repeat"]

    @property
    def warned(self) -> int:
        return sum(c.step == WARNED for c in self.repeats)

    @property
    def recall(self) -> float | None:
        return rate(self.warned, len(self.repeats))

    @property
    def stopped(self) -> int:
        """Labelled repeats a lesson of their error would have stopped before they ran."""
        return sum(c.step == WARNED and c.failure is not None and c.failure.stopped for c in self.repeats)

    @property
    def false_alarm_rate(self) -> float | None:
        return rate(self.false_alarms, self.successful_calls)

    def to_json(self) -> dict[str, Any]:
        repeats, not_repeats = self.repeats, self.not_repeats
        steps = step_counts((c.step, c.why) for c in repeats)
        not_repeat_steps = step_counts((c.step, c.why) for c in not_repeats)
        return {
            "sessions": self.sessions,
            "labelled_repeats": len(repeats),
            "warned_labelled_repeats": self.warned,
            # told what to do instead, or the rule broken, by a lesson of their error (Lesson.remedy)
            "warned_labelled_repeats_with_remedy": sum(
                c.step == WARNED and c.failure is not None and c.failure.with_remedy for c in repeats
            ),
            "recall": rounded(self.recall),
            "steps": steps["steps"],
            "step_reasons": steps["reasons"],
            "labelled_repeats_replay_counts_as_repeats": sum(bool(c.failure and c.failure.repeat) for c in repeats),
            "labelled_not_repeats": len(not_repeats),
            "labelled_not_repeats_replay_counts_as_repeats": sum(
                bool(c.failure and c.failure.repeat) for c in not_repeats
            ),
            "labelled_not_repeats_warned": not_repeat_steps["steps"][WARNED],
            "labelled_not_repeats_not_seen_as_failures": not_repeat_steps["steps"][NOT_FAILURE],
            "successful_calls": self.successful_calls,
            "false_alarms": self.false_alarms,
            "false_alarm_rate": rounded(self.false_alarm_rate),
            "stopped_labelled_repeats": self.stopped,
            "prevention_recall": rounded(rate(self.stopped, len(repeats))),
            "false_stops": self.false_stops,
            "false_stops_per_100": rounded(per_100(self.false_stops, self.successful_calls)),
            "lessons_fired": self.lessons_fired,
            "lessons_that_warned_labelled_repeats": len(self.right_lessons),
            "lessons_with_false_alarms_only": len(self.wrong_lessons),
            "missed_labelled_repeats": [c.to_json() for c in repeats if c.step != WARNED],
        }


@dataclass(slots=True)
class LabelScore:
    """Replay's figures checked against a labels file: over all the sessions, and per part."""

    all: LabelFigures
    parts: dict[str, LabelFigures] = field(default_factory=dict)
    not_evaluated: list[LabelledCall] = field(default_factory=list)  # before a split's cutoff: learned from
    outside_parts: list[LabelledCall] = field(default_factory=list)  # in sessions of no part
    part_sessions_not_found: dict[str, list[str]] = field(default_factory=dict)  # part -> ids replay did not read

    def to_json(self) -> dict[str, Any]:
        out = self.all.to_json()
        out["labelled_calls"] = [c.to_json() for c in self.all.calls]
        out["labels_not_found"] = [
            {"label": c.label, **c.given.to_json()} for c in self.all.calls if c.why == f"{NOT_FAILURE}: {NOT_STORED}"
        ]
        out["labels_before_the_split"] = [c.to_json() for c in self.not_evaluated]
        if self.parts:
            out["parts"] = {name: figures.to_json() for name, figures in self.parts.items()}
            out["labels_outside_the_parts"] = [c.to_json() for c in self.outside_parts]
            out["part_sessions_not_found"] = self.part_sessions_not_found
        return out


def score_labels(report: ReplayReport, events: Sequence[CallEvent], labels: Labels) -> LabelScore:
    """Score a replay (`report`, of the history whose calls are `events`) against `labels`."""
    index = _CallIndex(events)
    failures = {(f.context_id, f.tool_use_id, f.line): f for f in report.failures}
    part_of = {session: name for name, ids in labels.parts.items() for session in ids}
    evaluated: list[LabelledCall] = []
    not_evaluated: list[LabelledCall] = []
    for kind, given in [("repeat", label) for label in labels.repeats] + [
        ("not_repeat", label) for label in labels.not_repeats
    ]:
        event = index.find(given)
        if event is None:
            session = given.session
            judged = LabelledCall(kind, given, NOT_FAILURE, f"{NOT_FAILURE}: {NOT_STORED}", session, None, None)
            judged.part = part_of.get(session)
            evaluated.append(judged)
            continue
        call = event.call
        failure = failures.get((call.context_id, call.id, call.seq))
        if failure is not None:
            step, why = failure.step, failure.why
        else:
            step, why = NOT_FAILURE, f"{NOT_FAILURE}: {_status_reason(call.status)}"
        shown = (call.command or call.target_path or "").strip()
        judged = LabelledCall(
            kind,
            given,
            step,
            why,
            event.session_id,
            part_of.get(event.session_id, part_of.get(given.session)),
            failure,
            shown.splitlines()[0][:120] if shown else "",
            call.status,
            (call.id, call.seq),
        )
        if report.cutoff is not None and event.ts < report.cutoff:
            judged.step, judged.why = "before the split", None
            not_evaluated.append(judged)
        else:
            evaluated.append(judged)
    sessions = report.by_session
    score = LabelScore(_figures(report, sessions, evaluated))
    for name, ids in labels.parts.items():
        own = {session: sessions[session] for session in ids if session in sessions}
        score.parts[name] = _figures(report, own, [c for c in evaluated if c.part == name])
        missing = [session for session in ids if session not in sessions and session not in index.sessions]
        if missing:
            score.part_sessions_not_found[name] = missing
    if labels.parts:
        score.outside_parts = [c for c in evaluated if c.part is None]
    score.not_evaluated = not_evaluated
    return score


def _status_reason(status: str | None) -> str:
    if status == "ok":
        return SUCCESS
    if status is None:
        return NO_RESULT
    return f"read as {status}"


def _figures(report: ReplayReport, sessions: dict[str, SessionCalls], calls: list[LabelledCall]) -> LabelFigures:
    figures = LabelFigures(sessions=len(sessions), calls=calls)
    fired: Counter[str] = Counter()
    on_successes: Counter[str] = Counter()
    for counts in sessions.values():
        figures.successful_calls += counts.successful
        figures.false_alarms += counts.false_alarms
        figures.false_stops += counts.false_stops
        fired.update(counts.fired)
        on_successes.update(counts.alarms)
    on_not_repeats: Counter[str] = Counter(
        signature for c in calls if c.label == "not_repeat" and c.failure for signature in set(c.failure.fired)
    )
    right = {signature for c in calls if c.label == "repeat" and c.failure for signature in c.failure.warned_by}
    figures.lessons_fired = sum(1 for n in fired.values() if n)
    figures.right_lessons = _titles(report, sorted(right))
    figures.wrong_lessons = _titles(
        report,
        sorted(
            signature
            for signature, n in fired.items()
            if n and signature not in right and n == on_successes[signature] + on_not_repeats[signature]
        ),
    )
    return figures


def _titles(report: ReplayReport, signatures: Iterable[str]) -> list[str]:
    return [report.firings[s].title if s in report.firings else s for s in signatures]


class _CallIndex:
    """Every call replay read, found by a label: its session (main or context) and call id, else line."""

    def __init__(self, events: Sequence[CallEvent]) -> None:
        self.by_id: dict[tuple[str, str], CallEvent] = {}
        self.by_line: dict[tuple[str, int], CallEvent] = {}
        self.sessions: set[str] = set()
        for event in events:  # a context's own line first: a main session's line may be a subagent's too
            call = event.call
            self.by_id.setdefault((call.context_id, call.id), event)
            self.by_line.setdefault((call.context_id, call.seq), event)
            self.sessions.add(event.session_id)
        for event in events:
            call = event.call
            self.by_id.setdefault((event.session_id, call.id), event)
            self.by_line.setdefault((event.session_id, call.seq), event)

    def find(self, label: Label) -> CallEvent | None:
        if label.tool_use_id is not None:
            return self.by_id.get((label.session, label.tool_use_id))
        return self.by_line.get((label.session, label.line)) if label.line is not None else None
