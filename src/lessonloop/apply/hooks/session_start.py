"""SessionStart: remember the session (its project, folder, transcript, model) and give it what
the project's last session left open (its failing tests, unresolved errors and unfinished plan:
apply/hooks/continuity.py, at most 150 tokens) and the most valuable lessons for its project and
the global ones, within one token budget (about 400 tokens). Nothing when nothing was left open
and no lesson is good enough.

Value = live confidence x severity weight x recency weight (apply/ranking.py), over active
lessons of tier active or core; each lesson is given once per session (a resumed or compacted
session is not given the same lessons again); a lesson learned in one shell is not given to a
session whose agent runs commands in another there (lesson_model/environment.py).
"""

from __future__ import annotations

import sqlite3

from lessonloop.apply.hooks.hook_store import (
    HookPolicy,
    NoStore,
    connect,
    connect_for_writing,
    decision,
    folder_project,
    hook_policy,
    injected_lessons,
    record_later,
    release,
    text_of,
    wait_ms,
)
from lessonloop.core.timestamps import days_between, utc_now
from lessonloop.lesson_model.environment import folder_shells, holds_in
from lessonloop.store.hooks import StartLesson, continuity_told, last_left_open, session_start_candidates

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from lessonloop.apply.hooks.entry import HookContext

BUDGET_TOKENS = 400
CONTINUITY_TOKENS = 150  # of the budget, at most, for what the project's last session left open
# What a session that left nothing open stored (analyze/left_open.py's JSON, as SQLite's
# json_extract gives it back): no module imported for it.
EMPTY_LEFT_OPEN = '{"failing_tests":null,"unresolved_errors":[],"open_items":[]}'
CANDIDATES = 40  # lessons considered, by stored confidence, before the live value orders them
MIN_CONFIDENCE = 0.25  # the active tier's threshold


class _Lesson:
    """A lesson as the context block shows it (render.RenderableLesson)."""

    __slots__ = (
        "confidence",
        "failed_sessions",
        "id",
        "observations",
        "origin",
        "prevention",
        "prevention_command",
        "title",
    )

    def __init__(self, row: StartLesson, confidence: float) -> None:
        self.id = row.id
        self.title = row.title
        self.prevention = row.prevention
        self.prevention_command = row.prevention_command
        self.failed_sessions = row.failed_sessions
        self.observations = row.observations
        self.origin = row.origin  # another's lesson is quoted whole (context_block)
        self.confidence = confidence


def handle(payload: dict[str, object], ctx: HookContext) -> dict[str, object] | None:
    session_id = text_of(payload, "session_id")
    if session_id is None:
        return None
    cwd = text_of(payload, "cwd")
    policy = hook_policy(ctx.db)
    shells = folder_shells((ctx.shell_agent(cwd),), cwd)
    if policy.allows_every_project():  # the common case: one connection, the project read through it
        conn = connect_for_writing(ctx.db, wait_ms(ctx))
        try:
            project = folder_project(cwd, policy, conn) if cwd else None
        except BaseException:
            conn.close()
            raise
        allowed = True
    else:
        project = folder_project(cwd, policy, ctx.db) if cwd else None
        allowed = policy.allows(project, cwd)
        try:  # capture turned off: give lessons from the store there is, create and record nothing
            conn = connect_for_writing(ctx.db, wait_ms(ctx)) if allowed else connect(ctx.db, wait_ms(ctx))
        except NoStore:
            return None
    try:
        moment = utc_now()
        continuity, left_by = _continuity(conn, project, session_id, payload)
        chosen = _best_lessons(conn, project, injected_lessons(conn, session_id), policy, moment, shells)
        text = ""
        used: list[_Lesson] = []
        if chosen:  # (the block's modules imported only when there is a lesson to give)
            from lessonloop.apply.context_block import estimate_tokens, fit_context

            spent = estimate_tokens(continuity) + 1 if continuity else 0
            text, used = fit_context(chosen, BUDGET_TOKENS - spent)
        text = "\n\n".join(part for part in (continuity, text) if part)
    except BaseException:
        conn.close()
        raise
    if allowed:  # the session and what it was given, recorded once the answer is out
        start: dict[str, object] = {
            "mode": "start",
            "session_id": session_id,
            "project": project,
            "cwd": cwd,
            "transcript_path": text_of(payload, "transcript_path"),
            "model": text_of(payload, "model"),
            "ts": moment,
            "agent": ctx.agent_id,
        }
        detail: dict[str, object] = {"source": text_of(payload, "source")}
        if left_by is not None:
            detail["continuity_from"] = left_by  # the session whose open ends were told
        given = [decision(session_id, "SessionStart", "inject", [lesson.id for lesson in used],
                          detail=detail)] if text else []  # fmt: skip
        record_later(ctx, conn, [("session", start), *given])
    else:
        release(conn, ctx.db)
    if not text:
        return None
    return {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": text}}


def _continuity(
    conn: sqlite3.Connection, project: str | None, session_id: str, payload: dict[str, object]
) -> tuple[str, str | None]:
    """(the block telling what the project's last session left open, that session's id): within
    CONTINUITY_TOKENS of the budget; ("", None) when nothing was left open, for a session told it
    at an earlier start (resumed), or for one that goes on after a compaction (it has what it did
    in its context)."""
    if text_of(payload, "source") == "compact" or continuity_told(conn, session_id):
        return "", None  # told once a session, as a lesson is given once
    found = last_left_open(conn, project, session_id)
    if found is None or found[1] in ("{}", EMPTY_LEFT_OPEN):
        return "", None
    from lessonloop.apply.hooks.continuity import continuity_block

    block = continuity_block(found[1], CONTINUITY_TOKENS)
    return block, (found[0] if block else None)


def _best_lessons(
    conn: sqlite3.Connection,
    project: str | None,
    given: set[int],
    policy: HookPolicy,
    moment: str,
    shells: frozenset[str] | None,
) -> list[_Lesson]:
    """The lessons worth giving, best first: none given already, of a category the policy lets
    through, or learned in a shell the session's agent does not run commands in here."""
    from lessonloop.apply import ranking

    rows = session_start_candidates(conn, MIN_CONFIDENCE * 0.5, project, CANDIDATES + len(given), given)
    scored = []
    for row in rows:
        if row.id in given or not policy.allows_category(row.category) or not holds_in(_shell_of(row.trigger), shells):
            continue
        if not _remedied(row):
            continue  # it says only that a call failed before: never given (lesson_model/checks.py)
        days = days_between(row.last_seen, moment) if row.last_seen else 0.0
        # capped by learning's undecayed value where there is one, as the PreToolUse hook caps it
        stored = row.learned_confidence if row.learned_confidence is not None else row.confidence
        value = ranking.live_confidence(row.failed_sessions, row.sessions, days, stored)
        if value < MIN_CONFIDENCE:
            continue
        weight = value * ranking.severity_weight(row.severity) * ranking.recency_weight(ranking.recency(days))
        scored.append((weight, _Lesson(row, value)))
    scored.sort(key=lambda item: (-item[0], item[1].id))
    return [lesson for _w, lesson in scored]


def _remedied(row: StartLesson) -> bool:
    """Whether a lesson names a remedy, the rule broken (a trigger's rule), or a check, or is a
    person's objection: lesson_model/decision.remedy_of's test, without importing the decision."""
    return bool(row.prevention or row.prevention_command or '"rule"' in (row.trigger or "") or row.kind == "correction")


def _shell_of(trigger: str | None) -> str | None:
    """The shell a stored trigger holds in (None: any, or a trigger that cannot be read)."""
    if not trigger or '"shell"' not in trigger:
        return None
    import json

    try:
        data = json.loads(trigger)
    except ValueError:
        return None
    shell = data.get("shell") if isinstance(data, dict) else None
    return shell if isinstance(shell, str) else None
