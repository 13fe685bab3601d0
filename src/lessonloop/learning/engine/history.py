"""Everything learning reads, in time order: tool calls (with session, project, branch, error
class) and people's corrections. Built from the store by learning/runs/; pure data here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.file_views import TranscriptFiles


@dataclass(slots=True)
class CorrectionEvent:
    """A person's correction (analysis_signals kind "correction")."""

    session_id: str
    project: str | None
    message_uuid: str
    ts: str | None
    kind: str  # typed | rejection | interrupt
    text: str
    corrected: list[CallEvent] = field(default_factory=list)


@dataclass(slots=True)
class History:
    events: list[CallEvent] = field(default_factory=list)  # time order
    corrections: list[CorrectionEvent] = field(default_factory=list)  # time order
    session_starts: dict[str, str] = field(default_factory=dict)  # main session -> first timestamp
    # tool_use_id -> signatures of the lessons a PreToolUse hook really warned about on that call
    warnings: dict[str, list[str]] = field(default_factory=dict)
    # main session -> the person's prompts (time, text) in time order (learning/store/reader.py)
    prompts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # whether the file a lesson needs held its text at a call (Learner's `disk`): the store's
    # views of it (learning/runs/source.SessionFiles); None: the events' own (file_views.py)
    files: Callable[[CallEvent, str], bool | None] | None = None
    # the workflow rules files this person approved: path -> the digest of the bytes approved
    # (store/approved_rules.py): their `never` rules stop as the hook's do
    approved_rules: dict[str, str] = field(default_factory=dict)

    def disk(self) -> Callable[[CallEvent, str], bool | None]:
        """Whether the file a lesson needs held its text at a call (Learner's `disk`): the store's
        views when it gave them (`files`), else those of the history's own events."""
        return self.files if self.files is not None else TranscriptFiles(self.events).has

    def stream(self) -> Iterator[CallEvent | CorrectionEvent]:
        """Calls and corrections merged in time order (a correction after the calls it corrects)."""
        return in_learning_order(self.events, self.corrections)


class _Timed(Protocol):
    @property
    def ts(self) -> str | None: ...


CallT = TypeVar("CallT", bound=_Timed)
CorrectionT = TypeVar("CorrectionT", bound=_Timed)


def in_learning_order(calls: Iterable[CallT], corrections: Sequence[CorrectionT]) -> Iterator[CallT | CorrectionT]:
    """Calls and corrections, each in time order, merged in learning's order: a correction before
    the first call later than it, after the calls of its time or before (History.stream, and
    learning/runs/stream.py over the store's rows)."""
    j = 0
    for call in calls:
        when = call.ts or ""
        while j < len(corrections) and (corrections[j].ts or "") < when:
            yield corrections[j]
            j += 1
        yield call
    yield from corrections[j:]
