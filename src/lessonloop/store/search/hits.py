"""What a session search finds: one hit per place (a prompt, a reply, a call, a commit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("prompt", "reply", "command", "error", "path", "commit")


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What a search keeps: hits of this agent, project (a stored project, exact), time span
    (canonical UTC text: `since` included, `until` not), tool, failed calls only, kinds."""

    agent: str | None = None
    project: str | None = None
    since: str | None = None
    until: str | None = None
    tool: str | None = None
    failed: bool = False
    kinds: tuple[str, ...] = ()

    def calls_only(self) -> bool:
        return self.failed or self.tool is not None


@dataclass(slots=True)
class SearchHit:
    """A place a search found: where (the main session, the subagent it is in, the agent, the
    project, the time), what (its kind; a call's tool and status), and a snippet of its text with
    the words found marked (`marks`: (start, end) offsets in `snippet`)."""

    place: int
    kind: str
    session_id: str  # the main session (what `show` opens)
    subagent: str | None  # the subagent's id when the place is in one
    agent: str
    project: str | None
    ts: str | None
    score: float  # higher is better (FTS5 bm25, negated)
    tool: str | None = None
    status: str | None = None
    call_id: str | None = None
    message: str | None = None  # a prompt's or reply's uuid
    commit: str | None = None  # a commit's hash
    snippet: str = ""
    marks: list[tuple[int, int]] = field(default_factory=list)

    @property
    def at(self) -> str | None:
        """What names the place in its session: the call's id, the message's uuid, the commit's hash."""
        return self.call_id or self.message or self.commit

    def to_json(self) -> dict[str, Any]:
        return {
            "session": self.session_id,
            "subagent": self.subagent,
            "agent": self.agent,
            "project": self.project,
            "ts": self.ts,
            "kind": self.kind,
            "at": self.at,
            "tool": self.tool,
            "status": self.status,
            "snippet": self.snippet,
            "matches": [list(mark) for mark in self.marks],
            "score": round(self.score, 4),
        }
