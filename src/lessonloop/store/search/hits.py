"""What a session search finds: one hit per place (a prompt, a reply, a call, a commit); the kinds of
text a search may keep, read once for the command line, the web and MCP; a snippet cut at its words.

Plain classes, not dataclasses: `lessonloop search` answers in a few tens of milliseconds, and
dataclasses (with typing) cost several of them to import."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

KINDS = ("prompt", "reply", "command", "error", "path", "commit")


class UnknownKind(ValueError):
    """A kind of text that is none of KINDS (`kind`: as given, cased and stripped as read)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def parse_kinds(given: Iterable[str]) -> tuple[str, ...]:
    """The kinds these values name (each one kind or several separated by commas; letter case
    and blanks ignored), each once, in order; UnknownKind for one that is none of KINDS."""
    kinds: dict[str, None] = {}
    for value in given:
        for kind in str(value).split(","):
            kind = kind.strip().lower()
            if not kind:
                continue
            if kind not in KINDS:
                raise UnknownKind(kind)
            kinds[kind] = None
    return tuple(kinds)


def snippet_parts(text: str, marks: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut at the words found (`marks`): (piece, whether it is a word found), in order."""
    parts: list[tuple[str, bool]] = []
    last = 0
    for start, end in marks:
        if start > last:
            parts.append((text[last:start], False))
        parts.append((text[start:end], True))
        last = end
    if last < len(text):
        parts.append((text[last:], False))
    return parts


class SearchFilters:
    """What a search keeps: hits of this agent, project (a stored project, exact), time span
    (canonical UTC text: `since` included, `until` not), tool, failed calls only, kinds."""

    __slots__ = ("agent", "failed", "kinds", "project", "since", "tool", "until")

    def __init__(
        self,
        agent: str | None = None,
        project: str | None = None,
        since: str | None = None,
        until: str | None = None,
        tool: str | None = None,
        failed: bool = False,
        kinds: tuple[str, ...] = (),
    ) -> None:
        self.agent = agent
        self.project = project
        self.since = since
        self.until = until
        self.tool = tool
        self.failed = failed
        self.kinds = kinds

    def calls_only(self) -> bool:
        return self.failed or self.tool is not None

    def any(self) -> bool:
        """Whether any filter is given."""
        return bool(self.agent or self.project or self.since or self.until or self.tool or self.failed or self.kinds)


class SearchHit:
    """A place a search found: where (the main session, the subagent it is in, the agent, the
    project, the time), what (its kind; a call's tool and status), and a snippet of its text with
    the words found marked (`marks`: (start, end) offsets in `snippet`)."""

    __slots__ = (
        "agent", "call_id", "commit", "cosine", "kind", "marks", "message", "place", "project", "score", "session_id",
        "snippet", "status", "subagent", "tool", "ts",
    )  # fmt: skip

    def __init__(
        self,
        place: int,
        kind: str,
        session_id: str,
        subagent: str | None,
        agent: str,
        project: str | None,
        ts: str | None,
        score: float,
        tool: str | None = None,
        status: str | None = None,
        call_id: str | None = None,
        message: str | None = None,
        commit: str | None = None,
    ) -> None:
        self.place = place
        self.kind = kind
        self.session_id = session_id  # the main session (what `show` opens)
        self.subagent = subagent  # the subagent's id when the place is in one
        self.agent = agent
        self.project = project
        self.ts = ts
        self.score = score  # higher is better (FTS5 bm25, negated)
        self.tool = tool
        self.status = status
        self.call_id = call_id
        self.message = message  # a prompt's or reply's uuid
        self.commit = commit  # a commit's hash
        self.snippet = ""
        self.marks: list[tuple[int, int]] = []
        self.cosine: float | None = None  # its vector's cosine to the query's (a semantic search)

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
            **({"cosine": self.cosine} if self.cosine is not None else {}),
        }
