"""What analysis reads: one session (a main agent context and its subagents) as plain records.

The pipeline loads these from the store; every analyzer is a pure function of them. A `Ref`
points a signal back at its evidence: the agent context, the transcript line, and the tool call
or message there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lessonloop.analyze.call import Call as Call  # a plain class: the hooks classify with it
from lessonloop.core import records

# Analysis decides by a call's agent-neutral kind (records.TOOL_KINDS), never by an agent's tool name.
CHANGE_KINDS = frozenset({records.EDIT, records.WRITE})


@dataclass(frozen=True, slots=True)
class Ref:
    """Where a signal's evidence is: agent context, transcript line, tool call or message."""

    context_id: str
    seq: int
    tool_use_id: str | None = None
    message_uuid: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.context_id,
            "line": self.seq,
            "tool_use_id": self.tool_use_id,
            "message_uuid": self.message_uuid,
        }


@dataclass(slots=True, eq=False)
class Message:
    """A message of an agent context. `kind` tells typed prompts from everything else.

    Kinds: prompt (typed by the person), assistant, synthetic, interrupt, rejection,
    compaction_summary, compaction_request, compact_boundary, command (slash command),
    command_output, meta, bash_input, bash_output, task_notification, system_reminder,
    task_prompt (a subagent's instructions), api_error, system.
    """

    context_id: str
    uuid: str
    seq: int
    ts: str | None
    role: str
    kind: str
    text: str | None  # the store loader fills it for the person's messages only (prompt, rejection, interrupt, command)
    tool_use_id: str | None = None  # the call a rejection or interrupt answers

    @property
    def ref(self) -> Ref:
        return Ref(self.context_id, self.seq, message_uuid=self.uuid)


@dataclass(frozen=True, slots=True)
class Context:
    """One agent context: the main session or one subagent, its calls and messages by line."""

    id: str
    kind: str  # main | subagent | compaction
    parent_id: str | None = None
    cwd: str | None = None
    calls: tuple[Call, ...] = ()
    messages: tuple[Message, ...] = ()


@dataclass(frozen=True, slots=True)
class SessionInput:
    """A main session with its subagent contexts (main context first)."""

    id: str
    project: str | None = None
    cwd: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    contexts: tuple[Context, ...] = ()
    home: str | None = None  # the user's home folder, for "~" in paths
    agent: str | None = None  # the agent that ran it ("claude-code", "codex", ...)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def main(self) -> Context | None:
        return self.contexts[0] if self.contexts else None

    def calls(self) -> list[Call]:
        """Every call of every context, in time order (line order breaks ties within a context)."""
        merged = [c for ctx in self.contexts for c in ctx.calls]
        merged.sort(key=lambda c: (c.ts or "", c.context_id, c.seq))
        return merged

    def messages(self) -> list[Message]:
        merged = [m for ctx in self.contexts for m in ctx.messages]
        merged.sort(key=lambda m: (m.ts or "", m.context_id, m.seq))
        return merged

    def iter_contexts(self) -> Iterator[Context]:
        return iter(self.contexts)
