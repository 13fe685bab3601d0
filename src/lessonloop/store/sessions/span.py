"""When a main session started and ended, as SQL over a `sessions` row: the one definition the
session lists show, the session browser filters and sorts by, and runs are placed in sessions by.

A session's start is what its agent said (`sessions.started_at`: Codex, Gemini CLI, OpenCode and
Aider record one), else the earliest message or tool call of the session or of its subagents;
its end is what the agent said (`sessions.ended_at`), else the latest of them. Subagents count:
a Claude Code subagent's first record can come before the first stored message of its main
session, and a main session known only as a subagent's parent has no record of its own.

The times come from the totals the store keeps per session (store/sessions/totals.py), as of its
last settle: the ingest job settles when it ends, and every command first (cli/common.py).
"""

from __future__ import annotations


def _stamp(aggregate: str, alias: str) -> str:
    # The first and last times are read from the totals kept per session (store/sessions/totals.py:
    # a few rows per session, where the calls themselves were read one by one).
    first_or_last = "first_ts" if aggregate == "min" else "last_ts"
    tree = f"(SELECT k.id FROM sessions k WHERE k.id = {alias}.id OR k.parent_id = {alias}.id)"
    return (
        f"(SELECT {aggregate}(t) FROM ("
        f"SELECT {aggregate}(m.{first_or_last}) AS t FROM message_totals m WHERE m.session_id IN {tree} "
        f"UNION ALL SELECT {aggregate}(c.{first_or_last}) FROM call_totals c WHERE c.session_id IN {tree}))"
    )


def session_start(alias: str = "s") -> str:
    """SQL: the start of the main session `alias` (a `sessions` row); NULL when nothing is timed."""
    return f"coalesce({alias}.started_at, {_stamp('min', alias)})"


def session_end(alias: str = "s") -> str:
    """SQL: the end of the main session `alias` (a `sessions` row); NULL when nothing is timed."""
    return f"coalesce({alias}.ended_at, {_stamp('max', alias)})"
