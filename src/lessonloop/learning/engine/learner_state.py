"""A Learner's whole state as JSON, so that learning can stop after any call and go on later from
exactly where it stopped (learning/runs/ keeps it in the store between runs).

Everything the learner remembers is written: every lesson (each dataclass field of Lesson), the
merged signatures, the failing calls counted per lesson, each running session's SessionState,
trials and warnings awaiting credit, the calls a lesson stopped, each context's recent calls and open failures, each error
signature's first failure (recurring failures), and the clock. Calls are written as their tool_use ids (`event_ids`); the caller reads them back from the
store and gives them to `load_state`, so the state holds no call text of its own.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lessonloop.learning.engine.engine import HISTORY, FirstFailure, Learner, Policy
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.policy import STATE_FORMAT as STATE_FORMAT  # re-exported (its tests read it here)
from lessonloop.lesson_model import state_codec
from lessonloop.lesson_model.lesson import Evidence, Lesson
from lessonloop.lesson_model.triggers import Trigger

_FIRST_FAILURE_FIELDS = tuple(f.name for f in dataclasses.fields(FirstFailure))


def dump_state(learner: Learner) -> dict[str, Any]:
    """The learner's state as JSON-able data."""
    return {
        "format": STATE_FORMAT,
        "clock": learner._clock,
        "lessons": [_lesson_json(lesson) for lesson in learner.lessons.values()],
        "aliases": dict(learner.aliases),
        "counted": {sig: sorted(ids) for sig, ids in learner._counted.items()},
        "states": {sid: state_codec.dump(state) for sid, state in learner._states.items()},  # exactly, every field
        "open": {ctx: [[when, e.call.id] for when, e in items] for ctx, items in learner._open.items()},
        "history": {ctx: [[when, e.call.id] for when, e in items] for ctx, items in learner._history.items()},
        "touched": {sid: sorted(sigs) for sid, sigs in learner._touched.items()},
        "warned": {sid: [list(pair) for pair in pairs] for sid, pairs in learner._warned.items()},
        "contexts": {sid: list(contexts) for sid, contexts in learner._contexts.items()},
        # each running session's calls a lesson stopped (the stop once: sent again, they run)
        "stopped": {sid: sorted([tool, key] for tool, key in calls) for sid, calls in learner._stopped.items()},
        "first_failed": {
            sig: {name: getattr(first, name) for name in _FIRST_FAILURE_FIELDS}
            for sig, first in learner._first_failed.items()
        },
    }


def event_ids(state: Mapping[str, Any]) -> list[str]:
    """The tool_use ids of the calls `state` refers to (recent history, open failures)."""
    seen: dict[str, None] = {}
    for table in ("open", "history"):
        for items in state.get(table, {}).values():
            for _when, call_id in items:
                seen[call_id] = None
    return list(seen)


def load_state(
    state: Mapping[str, Any],
    events: Mapping[str, CallEvent],
    policy: Policy | None = None,
    prompts: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> Learner:
    """The learner `state` describes; `events`: the calls of `event_ids(state)` by id (a call
    missing from it is a call the store no longer holds: ValueError, learn from scratch);
    `prompts`: what the learner reads of the store (Learner's), not state."""
    if state.get("format") != STATE_FORMAT:
        raise ValueError(f"learner state format {state.get('format')!r}, expected {STATE_FORMAT}")
    learner = Learner(policy, (_lesson_from(data) for data in state["lessons"]), prompts)
    learner._clock = int(state["clock"])
    learner.aliases = dict(state["aliases"])
    learner._counted = {sig: set(ids) for sig, ids in state["counted"].items()}
    learner._states = {sid: state_codec.load(text) for sid, text in state["states"].items()}
    learner._open = {ctx: _events(items, events) for ctx, items in state["open"].items()}
    learner._history = {ctx: deque(_events(items, events), maxlen=HISTORY) for ctx, items in state["history"].items()}
    learner._touched = {sid: set(sigs) for sid, sigs in state["touched"].items()}
    learner._warned = {sid: [(pair[0], pair[1]) for pair in pairs] for sid, pairs in state["warned"].items()}
    learner._contexts = {sid: dict.fromkeys(contexts) for sid, contexts in state["contexts"].items()}
    learner._stopped = {sid: {(str(tool), str(key)) for tool, key in calls} for sid, calls in state["stopped"].items()}
    learner._first_failed = {
        sig: FirstFailure(**{name: str(first[name]) for name in _FIRST_FAILURE_FIELDS})
        for sig, first in state["first_failed"].items()
    }
    return learner


def _events(items: Iterable[list[Any]], events: Mapping[str, CallEvent]) -> list[tuple[int, CallEvent]]:
    out: list[tuple[int, CallEvent]] = []
    for when, call_id in items:
        event = events.get(call_id)
        if event is None:
            raise ValueError(f"the call {call_id} the learner remembers is not in the store")
        out.append((int(when), event))
    return out


# ---------------------------------------------------------------------------- lessons

_LESSON_FIELDS = tuple(f.name for f in dataclasses.fields(Lesson))
_EVIDENCE_FIELDS = tuple(f.name for f in dataclasses.fields(Evidence))


def _lesson_json(lesson: Lesson) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _LESSON_FIELDS:
        value = getattr(lesson, name)
        if name == "trigger":
            value = value.to_json() if value is not None else None
        elif name == "evidence":
            value = [{name: getattr(item, name) for name in _EVIDENCE_FIELDS} for item in value]
        elif name == "session_failed":
            value = list(value.items())  # JSON objects keep order too, but a list says it
        elif isinstance(value, set):
            value = sorted(value)
        elif isinstance(value, dict | list):
            value = type(value)(value)  # a copy: learning goes on after the state is taken
        out[name] = value
    return out


def _lesson_from(data: Mapping[str, Any]) -> Lesson:
    values: dict[str, Any] = {}
    for name in _LESSON_FIELDS:
        if name not in data:
            continue  # a field added since the state was written keeps its default
        value = data[name]
        if name == "trigger":
            value = Trigger.from_json(value) if value is not None else None
        elif name == "evidence":
            value = [Evidence(**item) for item in value]
        elif name == "session_failed":
            value = dict(value)
        elif name == "projects":
            value = set(value)
        elif isinstance(value, dict | list):
            # A copy: the state it came from may be kept after learning goes on (the run's
            # starting state stays a checkpoint); shared, this lesson's counts would change it.
            value = type(value)(value)
        values[name] = value
    return Lesson(**values)


# ---------------------------------------------------------------------------- session state
