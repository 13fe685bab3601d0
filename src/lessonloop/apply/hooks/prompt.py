"""UserPromptSubmit: recall lessons for the prompt (words only: the embedding model is never
loaded in a hook) and inject those above recall's minimum score that this session has not been
given yet, within a small token budget."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from lessonloop.apply.hooks.hook_store import (
    NoStore,
    connect,
    injected_lessons,
    record_decision,
    session_project,
    text_of,
    wait_ms,
    write,
)

if TYPE_CHECKING:
    from lessonloop.apply.hooks.entry import HookContext

TOP = 3  # lessons at most per prompt
BUDGET_TOKENS = 300


def handle(payload: dict[str, object], ctx: HookContext) -> dict[str, object] | None:
    prompt = text_of(payload, "prompt")
    session_id = text_of(payload, "session_id")
    if prompt is None or session_id is None:
        return None
    try:
        conn = connect(ctx.db, wait_ms(ctx))
    except NoStore:
        return None
    try:
        from lessonloop.apply.recall import recall
        from lessonloop.apply.render import fit_context

        project = session_project(conn, payload)
        given = injected_lessons(conn, session_id)
        found = [r for r in recall(conn, prompt, project=project, top=TOP + len(given)) if r.id not in given][:TOP]
        text, used = fit_context(found, BUDGET_TOKENS)
        if not used:
            return None
        ids = [r.id for r in used]

        def store(c: sqlite3.Connection) -> None:
            record_decision(c, session_id, "UserPromptSubmit", "inject", ids, detail={"scores": [round(r.score, 4) for r in used]})

        write(conn, store)
    finally:
        conn.close()
    return {"hookSpecificOutput": {"hookEventName": "UserPromptSubmit", "additionalContext": text}}
