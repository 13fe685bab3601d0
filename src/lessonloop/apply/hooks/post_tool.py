"""PostToolUse / PostToolUseFailure: store the call and its result at once (the transcript lags
behind the live session), then learn from it:

- a failure is classified (analyze.error_classes) and stored with its class;
- a success that does what a lesson warned about earlier in this session says counts as a
  success after prevention for that lesson (lessons.prevented, an evidence row);
- a success of the very call a lesson gave a note about is a false alarm: the session counts at
  once as one where the lesson's trigger did not fail, and its confidence falls (issue 83);
- a success that fixes a learnable failure of this session (the same job done right), and a
  failure that teaches by itself, teach a lesson now, through the same extraction batch learning
  uses, in the learning worker the hook starts (learning/live/in_session.py, learning/live/worker.py): the hook
  decides that there is something to learn and returns; the lesson is in the store a fraction of
  a second later;
- a successful edit or write is handed to the wings' steps after an edit (core/wing.py's
  after_edit): the history's answers when git history shows the file changing with files this
  session has not changed, with a reminder naming them (additionalContext), recorded in
  hook_decisions (action remind).

Texts are redacted before they are stored. Rows stay in live_calls until the session's
transcript is ingested (Stop / SessionEnd). The call is one "call" operation (`apply_call`): when
the store is busy it waits in the spool (spool.py) and is stored by the next process holding the
write lock; such a call is learned from at the session's ingest, not live.
"""

from __future__ import annotations

import json
import sqlite3

from lessonloop.apply.hooks.hook_store import (
    call_target,
    connect_for_writing,
    decision,
    first_seen,
    folder_project,
    forgotten,
    hook_policy,
    record,
    release,
    session_project,
    spool_only,
    text_of,
    wait_ms,
)
from lessonloop.core.handler_tools import kind_of
from lessonloop.core.timestamps import utc_now
from lessonloop.store import hooks as hook_tables
from lessonloop.store.transaction import StoreError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from typing import Any

    from lessonloop.apply.hooks.entry import HookContext

RESULT_CHARS = 2000  # the start of a successful result kept, as ingest keeps it
ERROR_CHARS = 20_000


def handle(payload: dict[str, object], ctx: HookContext) -> dict[str, object] | None:
    tool = text_of(payload, "tool_name")
    session_id = text_of(payload, "session_id")
    tool_use_id = text_of(payload, "tool_use_id")
    if tool is None or session_id is None or tool_use_id is None:
        return None
    cwd = text_of(payload, "cwd")
    policy = hook_policy(ctx.db)
    if not policy.enabled:
        return None  # capture turned off: nothing is stored
    from lessonloop.secrets.redaction import redact, redact_tool_input

    raw_input = payload.get("tool_input")
    # Each key in its scope: the command line, the code of an edit, the rest as prose.
    tool_input, _ = redact_tool_input(policy.stored_input(tool, raw_input) if isinstance(raw_input, dict) else {})
    # A failure: the event says so, or (another agent's event that brings both outcomes, turned into
    # Claude Code's by its adapter: apply/hooks/kit/) the payload's hook_event_name does.
    failed = ctx.event == "PostToolUseFailure" or payload.get("hook_event_name") == "PostToolUseFailure"
    status = "ok"
    error_text = result_text = None
    if failed:
        status = "interrupted" if payload.get("is_interrupt") is True else "error"
        error_text = redact(_text(payload.get("error")) or _text(payload.get("tool_response")) or "", "output")[0][
            :ERROR_CHARS
        ]
    else:
        result = redact(_text(payload.get("tool_response")) or "", "output")[0]
        result_text = policy.stored_result(result[:RESULT_CHARS] or None)
    command = (
        tool_input.get("command") if kind_of(tool) == "shell" and isinstance(tool_input.get("command"), str) else None
    )
    target = call_target(tool_input)
    ts = utc_now()
    error_class = (
        _classify(tool_use_id, session_id, ts, tool, tool_input, target, command, cwd, error_text) if failed else None
    )
    call: dict[str, object] = {
        "id": tool_use_id, "session_id": session_id, "ts": ts, "tool": tool,
        "input_json": json.dumps(tool_input, ensure_ascii=False), "target_path": target, "command": command,
        "cwd": cwd, "ok": 0 if failed else 1, "status": status, "error_text": error_text,
        "error_class": error_class, "result_text": result_text,
    }  # fmt: skip
    try:
        conn = connect_for_writing(ctx.db, wait_ms(ctx))
    except StoreError as exc:  # the schema being brought up to date by a process holding the lock
        if exc.cause != "locked":
            raise
        project = folder_project(cwd, policy, ctx.db) if cwd else None
        if policy.allows(project, cwd):
            spool_only(ctx.db, [first_seen(payload, project, ctx.agent_id), ("call", {**call, "project": project})])
        return None
    try:
        if forgotten(conn, session_id):
            return None  # a person forgot this session: nothing of it is stored again
        project = session_project(conn, payload, policy, ctx.db, ctx.agent_id)
        if not policy.allows(project, cwd):
            return None
        stored = record(conn, ctx.db, [("call", {**call, "project": project})], wait_ms(ctx))
        if stored and stored[0]:
            # What to learn is decided here, cheaply; the learning runs in the learning worker
            # (in_session.learn_later): the hook does not wait for the learner.
            from lessonloop.learning.live.in_session import at_once_wanted, fixes_open_failure, learn_later

            at_once = (failed or call["command"] is not None) and at_once_wanted(call, project)
            session = not failed and fixes_open_failure(conn, session_id)
            if at_once or session:
                learn_later(ctx.db, call, project, cwd, review=policy.review, at_once=at_once, session=session)
        if stored and stored[0] and not failed and target is not None and kind_of(tool) in ("edit", "write"):
            return _remind(conn, ctx, session_id, tool_use_id, target, cwd)
    finally:
        release(conn, ctx.db)
    return None


def _remind(
    conn: sqlite3.Connection, ctx: HookContext, session_id: str, tool_use_id: str, target: str, cwd: str | None
) -> dict[str, object] | None:
    """What the wings' steps after an edit or write say (core/wing.py's after_edit: the history's
    co-change reminder), recorded after the answer."""
    from lessonloop.core.wings import wings

    texts: list[str] = []
    detail: dict[str, object] = {}
    for wing in wings():
        found = wing.after_edit(conn, session_id, target, cwd)
        if found is not None:
            texts.append(found[0])
            detail.update(found[1])
    if not texts:
        return None
    text = "\n\n".join(texts)
    op = decision(session_id, "PostToolUse", "remind", (), tool_use_id, detail)

    def work() -> None:  # recorded once the answer is out: a busy or read-only store costs the record only
        writer = connect_for_writing(ctx.db, wait_ms(ctx))
        try:
            record(writer, ctx.db, [op], wait_ms(ctx))
        finally:
            release(writer, ctx.db)

    ctx.after_answer(work)
    return {"hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": text}}


def apply_call(conn: sqlite3.Connection, data: dict[str, Any]) -> bool:
    """The "call" operation (inside the caller's transaction): the call stored with the next
    arrival number of its session, and a success credited to the warnings it followed. False
    when it was stored already (a repeated event) or its session was forgotten meanwhile."""
    session_id = data["session_id"]
    if forgotten(conn, session_id):
        return False
    stored = hook_tables.insert_call(conn, {name: data.get(name) for name in hook_tables.CALL_FIELDS})
    hook_tables.touch_session(conn, session_id, data["ts"])
    if stored != 1:
        return False
    if data.get("ok"):
        command = data.get("command")
        _credit_warnings(
            conn, session_id, data["id"], data["tool"], command if isinstance(command, str) else None,
            data.get("target_path"), data.get("cwd"), data.get("project"), data["ts"],
        )  # fmt: skip
        _false_alarms(conn, session_id, data["id"], data["ts"], data.get("project"))
    return True


def _false_alarms(conn: sqlite3.Connection, session_id: str, tool_use_id: str, ts: str, project: str | None) -> None:
    """A call that worked after a note about it (its lesson fired, so its prevention was not done):
    a false alarm, which lowers each lesson at once (store.hooks.lower_after_false_alarm), as the
    next ingest's learning would: a frozen lesson (no turn-end ingest) learns from its own notes."""
    notes = hook_tables.notes_on_call(conn, session_id, tool_use_id)
    if not notes:
        return
    from lessonloop.lesson_model import confidence as conf

    def lowered(failed: int, sessions: int, tier: str) -> tuple[float, str]:
        value = conf.wilson_lower_bound(failed, sessions)
        return value, conf.next_tier(value, tier, failed)

    for note in notes:
        detail = json.loads(note.detail) if note.detail else {}
        counted = [
            lesson_id
            for lesson_id in json.loads(note.lessons)
            if isinstance(lesson_id, int)
            and hook_tables.lower_after_false_alarm(conn, lesson_id, session_id, tool_use_id, ts, project, lowered)
        ]
        if counted:
            detail["false_alarm"] = counted
            hook_tables.set_decision_detail(conn, note.id, json.dumps(detail))


def _text(value: object) -> str | None:
    """A tool response or error as text: a Bash result's stdout and stderr, a string as is,
    anything else as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and ("stdout" in value or "stderr" in value):
        parts = [str(value.get(k) or "") for k in ("stdout", "stderr")]
        return "\n".join(p for p in parts if p)
    return json.dumps(value, ensure_ascii=False)


def _classify(
    tool_use_id: str,
    session_id: str,
    ts: str,
    tool: str,
    tool_input: dict[str, Any],
    target: str | None,
    command: str | None,
    cwd: str | None,
    error_text: str | None,
) -> str | None:
    from lessonloop.analyze.call import Call
    from lessonloop.analyze.error_classes import classify_call

    call = Call(
        tool_use_id, session_id, 0, ts, tool, tool_input, target, command, cwd, "error", None, error_text,
        kind=kind_of(tool),
    )  # fmt: skip
    found = classify_call(call)
    return found.label if found is not None else None


def _credit_warnings(
    conn: sqlite3.Connection,
    session_id: str,
    tool_use_id: str,
    tool: str,
    command: str | None,
    target: str | None,
    cwd: str | None,
    project: str | None,
    ts: str,
) -> None:
    """A success after a warning: each lesson warned about earlier in the session (and not yet
    followed) whose prevention this call did counts one success after prevention. The same rule
    as batch learning's (learning/engine/engine.py Learner.warned), so relearning keeps the count."""
    rows = hook_tables.warnings_to_credit(conn, session_id, tool_use_id)
    if not rows:
        return
    from lessonloop.lesson_model.triggers import Trigger, command_segments

    segments = command_segments(command) if command else []
    for given in rows:
        detail = json.loads(given.detail) if given.detail else {}
        credited = set(detail.get("credited") or ())
        newly = []
        for lesson_id in json.loads(given.lessons):
            if lesson_id in credited:
                continue
            stored = hook_tables.lesson_trigger(conn, lesson_id)
            if stored is None:
                continue
            try:
                trigger = Trigger.from_json(json.loads(stored))
            except (TypeError, ValueError):  # a stored trigger that cannot be read: no prevention to credit
                continue
            if not trigger.prevention_done_by(kind_of(tool), segments, target, cwd, tool):
                continue
            hook_tables.credit_prevention(
                conn, lesson_id, session_id, tool_use_id, ts, project, json.dumps({"after_warning": given.tool_use_id})
            )
            newly.append(lesson_id)
        if newly:
            detail["credited"] = sorted(credited | set(newly))
            hook_tables.set_decision_detail(conn, given.id, json.dumps(detail))
