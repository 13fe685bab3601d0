"""Replay that can be audited: every failure replay saw, with its signature, whether it was an
earlier mistake again, warned or missed and why (`replay --explain`); and replay's figures scored
against a person's labels of which failures repeat an earlier mistake (`replay --labels FILE`).

Why a repeat was missed, in the order it is checked:
- "no lesson yet": no lesson was learned from this error signature before the call;
- "unless satisfied": a lesson of this error matched the call, but its prevention had been done
  (the trigger's "unless" held), so it stayed silent;
- "below threshold": a lesson of this error matched and was not prevented, but its status or tier
  does not warn (pending review, or a tier below the policy's warn tiers);
- "trigger did not match": lessons of this error exist, but none matched this call's shape
  (another command, path or project).

Labels (JSON): {"repeats": [{"session": ID, "tool_use_id": ID} | {"session": ID, "line": N}, ...],
"not_repeats": [...]}. A session is the main session or the context (subagent) id; a line is the
call's transcript line (`line` in --explain). Scored: recall on the labelled repeats (warned online
by a lesson of the same error), replay's own repeat judgment against the labels, and the false
alarms (successful calls on which any lesson fired) as replay counts them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lessonloop.learn.engine import Decision, Learner
from lessonloop.learn.events import CallEvent
from lessonloop.rates import rate, rounded

NO_LESSON = "no lesson yet"
UNLESS = "unless satisfied"
BELOW = "below threshold"
NO_MATCH = "trigger did not match"


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
    why: str | None  # for a missed repeat (see the module's docstring)
    lessons: list[str] = field(default_factory=list)  # lessons of this error, by title
    other_warnings: list[str] = field(default_factory=list)  # lessons of other errors that fired

    @property
    def repeat(self) -> bool:
        return self.repeat_of is not None

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
            "why": self.why,
            "lessons": self.lessons,
            "other_warnings": self.other_warnings,
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
        elif any(lesson.signature in own_ids for lesson in decision.prevented):
            why = UNLESS
        elif any(lesson.signature in own_ids for lesson in decision.matched):
            states = sorted({f"{lesson.status}/{lesson.tier}" for lesson in decision.matched if lesson in own})
            why = f"{BELOW} ({', '.join(states)})"
        else:
            why = NO_MATCH
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
    )


# ----------------------------------------------------------------------------- labels


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


def read_labels(path: Path) -> tuple[list[Label], list[Label]]:
    """The labelled repeats and not-repeats of a labels file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LabelError(f"cannot read labels {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("repeats"), list):
        raise LabelError(f"labels {path}: expected an object with a list 'repeats' (and 'not_repeats')")
    return _labels(data["repeats"], path), _labels(data.get("not_repeats") or [], path)


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


@dataclass(slots=True)
class LabelScore:
    """Replay's figures checked against a person's labels."""

    repeats: int = 0
    warned: int = 0
    tool_agrees_repeat: int = 0  # labelled repeats replay also counted as repeats
    not_repeats: int = 0
    tool_calls_repeat: int = 0  # labelled not-repeats replay counted as repeats
    warned_not_repeats: int = 0  # labelled not-repeats a lesson of the same error warned about
    successful_calls: int = 0
    false_alarms: int = 0
    missing: list[dict[str, Any]] = field(default_factory=list)  # labels that name no failure replay saw
    missed: list[dict[str, Any]] = field(default_factory=list)  # labelled repeats not warned, with why

    @property
    def recall(self) -> float | None:
        return rate(self.warned, self.repeats)

    @property
    def false_alarm_rate(self) -> float | None:
        return rate(self.false_alarms, self.successful_calls)

    def to_json(self) -> dict[str, Any]:
        return {
            "labelled_repeats": self.repeats,
            "warned_labelled_repeats": self.warned,
            "recall": rounded(self.recall),
            "labelled_repeats_replay_counts_as_repeats": self.tool_agrees_repeat,
            "labelled_not_repeats": self.not_repeats,
            "labelled_not_repeats_replay_counts_as_repeats": self.tool_calls_repeat,
            "labelled_not_repeats_warned": self.warned_not_repeats,
            "successful_calls": self.successful_calls,
            "false_alarms": self.false_alarms,
            "false_alarm_rate": rounded(self.false_alarm_rate),
            "labels_not_found": self.missing,
            "missed_labelled_repeats": self.missed,
        }


def score_labels(
    failures: list[ExplainedFailure],
    repeats: list[Label],
    not_repeats: list[Label],
    successful_calls: int,
    false_alarms: int,
) -> LabelScore:
    """Score replay's judged failures against the labels (see the module's docstring)."""
    by_id: dict[tuple[str, str], ExplainedFailure] = {}
    by_line: dict[tuple[str, int], ExplainedFailure] = {}
    for failure in failures:
        for session in {failure.session_id, failure.context_id}:
            by_id[(session, failure.tool_use_id)] = failure
            by_line[(session, failure.line)] = failure
    score = LabelScore(successful_calls=successful_calls, false_alarms=false_alarms)

    def find(label: Label) -> ExplainedFailure | None:
        if label.tool_use_id is not None:
            return by_id.get((label.session, label.tool_use_id))
        return by_line.get((label.session, label.line)) if label.line is not None else None

    for label in repeats:
        judged = find(label)
        if judged is None:
            score.missing.append({"label": "repeat", **label.to_json()})
            continue
        score.repeats += 1
        score.warned += judged.warned
        score.tool_agrees_repeat += judged.repeat
        if not judged.warned:
            score.missed.append(judged.to_json())
    for label in not_repeats:
        judged = find(label)
        if judged is None:
            score.missing.append({"label": "not_repeat", **label.to_json()})
            continue
        score.not_repeats += 1
        score.tool_calls_repeat += judged.repeat
        score.warned_not_repeats += judged.warned
    return score
