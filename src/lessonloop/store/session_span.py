"""When a session started and ended, as SQL over a `sessions` row: the one definition the session
lists show, the session browser filters and sorts by, and runs are placed in sessions by.

A session's start is what its agent said (`sessions.started_at`: Codex, Gemini CLI, OpenCode and
Aider record one), else its earliest message or tool call; its end is what the agent said
(`sessions.ended_at`), else its latest message or tool call. Only the session's own records
count: a subagent starts from a call of its main session and reports back to it, so its records
lie within the main session's span.
"""

from __future__ import annotations


def session_start(alias: str = "s") -> str:
    """SQL: the start of the session `alias` (a `sessions` row), NULL when nothing is timed."""
    return (
        f"coalesce({alias}.started_at, (SELECT min(t) FROM ("
        f"SELECT min(m.ts) AS t FROM messages m WHERE m.session_id = {alias}.id "
        f"UNION ALL SELECT min(c.ts) FROM tool_calls c WHERE c.session_id = {alias}.id)))"
    )


def session_end(alias: str = "s") -> str:
    """SQL: the end of the session `alias` (a `sessions` row), NULL when nothing is timed."""
    return (
        f"coalesce({alias}.ended_at, (SELECT max(t) FROM ("
        f"SELECT max(m.ts) AS t FROM messages m WHERE m.session_id = {alias}.id "
        f"UNION ALL SELECT max(c.ts) FROM tool_calls c WHERE c.session_id = {alias}.id)))"
    )
