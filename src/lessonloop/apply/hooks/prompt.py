"""UserPromptSubmit: recall lessons for the prompt (words only: the embedding model is never
loaded in a hook) and inject those above recall's minimum score that this session has not been
given yet, within a small token budget."""

from __future__ import annotations

from lessonloop.apply.hooks.hook_store import (
    NoStore,
    connect,
    decision,
    hook_policy,
    injected_lessons,
    record_later,
    release,
    session_project,
    text_of,
    wait_ms,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from lessonloop.apply.hooks.entry import HookContext
    from lessonloop.apply.recall import Recalled

TOP = 3  # lessons at most per prompt
BUDGET_TOKENS = 300
# A prompt is matched on its 8 rarest words, and the best 20 lessons by words are scored: the
# same top 3 as full recall for 46 of the 48 corpus prompts over benchmarks/hook_bench.py's store
# and for all 39 queries of tests/data/recall_queries.json, in about 60% of the time.
RAREST_TERMS = 8
CANDIDATES = 20


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

        policy = hook_policy(ctx.db)
        project = session_project(conn, payload, policy, ctx.db, ctx.agent_id)
        given = injected_lessons(conn, session_id)
        found = recall(
            conn,
            prompt,
            project=project,
            top=TOP + len(given),
            rarest_terms=RAREST_TERMS,
            candidates=CANDIDATES,
            exclude_categories=policy.exclude_categories,
        )
        found = [r for r in found if r.id not in given and r.remedied][:TOP]
        text = ""
        used: list[Recalled] = []
        if found:  # (the block's modules imported only when there is a lesson to give)
            from lessonloop.apply.context_block import fit_context

            text, used = fit_context(found, BUDGET_TOKENS)
    except BaseException:
        conn.close()
        raise
    if not used or not policy.allows(project, text_of(payload, "cwd")):  # capture turned off: give, record nothing
        release(conn, ctx.db)
    else:  # recorded once the answer is out
        scores: dict[str, object] = {"scores": [round(r.score, 4) for r in used]}
        record_later(
            ctx, conn, [decision(session_id, "UserPromptSubmit", "inject", [r.id for r in used], detail=scores)]
        )
    if not used:
        return None
    return {"hookSpecificOutput": {"hookEventName": "UserPromptSubmit", "additionalContext": text}}
