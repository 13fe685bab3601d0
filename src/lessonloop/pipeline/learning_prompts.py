"""The person's prompts of each main session (its subagents' included), in time order, for the
learner: a lesson learned from a person's rejection does not warn against what the person asked
for in the session (learn/prompt_match.py)."""

from __future__ import annotations

import sqlite3

PROMPT_CHARS = 2000  # of each prompt: what it asks for is at its start
# (main session, time, text) of the prompts; its one parameter: PROMPT_CHARS
PROMPTS_SELECT = """SELECT m.id, coalesce(g.ts, ''), substr(g.text, 1, ?)
    FROM messages g JOIN sessions s ON s.id = g.session_id JOIN sessions m ON m.id = coalesce(s.parent_id, s.id)
    WHERE g.kind = 'prompt' AND g.text IS NOT NULL"""
PROMPTS_ORDER = " ORDER BY coalesce(g.ts, ''), g.seq"


def load_prompts(
    conn: sqlite3.Connection, project: str | None = None, agent: str | None = None
) -> dict[str, list[tuple[str, str]]]:
    """main session id -> [(time, text)] of its prompts (of one project, of one agent's sessions)."""
    prompts: dict[str, list[tuple[str, str]]] = {}
    for root, ts, text in conn.execute(
        f"{PROMPTS_SELECT} AND (? IS NULL OR m.project = ?) AND (? IS NULL OR m.agent = ?){PROMPTS_ORDER}",
        (PROMPT_CHARS, project, project, agent, agent),
    ):
        prompts.setdefault(root, []).append((ts, text))
    return prompts
