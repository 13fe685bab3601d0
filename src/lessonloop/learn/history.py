"""Everything learning reads, in time order: tool calls (with session, project, branch, error
class) and people's corrections. Built from the store by pipeline/learning.py; pure data here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lessonloop.learn.events import CallEvent


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
    # main session -> the person's prompts (time, text) in time order (pipeline/learning_prompts.py)
    prompts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def stream(self) -> Iterator[CallEvent | CorrectionEvent]:
        """Calls and corrections merged in time order (a correction after the calls it corrects)."""
        corrections = self.corrections
        j = 0
        for event in self.events:
            while j < len(corrections) and (corrections[j].ts or "") < event.ts:
                yield corrections[j]
                j += 1
            yield event
        yield from corrections[j:]
