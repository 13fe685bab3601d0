"""Where a lesson came from, and what that lets it do.

A lesson is text lessonloop puts into an agent's context, or a reason to deny a call. Who shaped
that text decides how far it is trusted (docs/security.md):

- ``learned``: learned from this person's own sessions. Its facts come from what happened (the
  calls, their errors); any text a tool printed is quoted in it as data, never as the instruction.
- ``manual``: written by this person (`lessons add`, the web UI's edit).
- ``mcp``: recorded by an agent through the MCP server (`record_lesson`): an agent can be steered by
  what it read, so its lesson waits for this person's approval unless `lessons.trust_mcp` is set.
- ``imported``: read from a file (`lessons import`): pending until approved.
- ``team``: pulled from the team; its texts are its author's. Pending until approved unless the
  author is in `lessons.trusted_members`.

Only this person's own lessons (learned, manual) may deny a call (PreToolUse --block); the others
warn at most, whatever their confidence. Standard library only: the hooks import this.
"""

from __future__ import annotations

OWN_ORIGINS = frozenset({"learned", "manual"})  # this person's: may deny a call
ORIGINS = ("learned", "manual", "mcp", "imported", "team")
TRUST_ALL = "*"  # in lessons.trusted_members: every member of the team

_SOURCES = {  # a learned lesson's kind -> where its facts and quoted texts came from
    "usage": "tool output",
    "correction": "your prompt",
    "finding": "scanner output",
    "workflow": "your workflow rules",
}


def may_deny(origin: str | None) -> bool:
    """Whether a lesson of `origin` may be a reason to deny a call."""
    return origin in OWN_ORIGINS


def describe(origin: str | None, kind: str | None = None, author: str | None = None) -> str:
    """A short, plain description of where a lesson came from, for every place a lesson is shown."""
    if origin == "learned":
        source = _SOURCES.get(kind or "")
        return f"learned from your sessions ({source})" if source else "learned from your sessions"
    if origin == "manual":
        return "written by you"
    if origin == "mcp":
        return "recorded by an agent (MCP)"
    if origin == "imported":
        return "imported from a file"
    if origin == "team":
        return f"from team member {author}" if author else "from the team"
    return origin or "unknown"


def short(origin: str | None, author: str | None = None) -> str:
    """A word or two for a table column: learned, you, agent (mcp), import, team:NAME."""
    if origin == "team":
        return f"team:{author}" if author else "team"
    return {"learned": "learned", "manual": "you", "mcp": "agent (mcp)", "imported": "import"}.get(
        origin or "", origin or "?"
    )


def member_trusted(member: str | None, trusted: tuple[str, ...] | list[str] | frozenset[str]) -> bool:
    """Whether a team member's lessons are active here without this person's approval."""
    return bool(member) and (member in trusted or TRUST_ALL in trusted)
