"""PreToolUse: match the call about to run against the lessons' triggers, before its result.

A lesson fires when its trigger has the call's shape (its agent-neutral kind, command words,
missing flags, path: a lesson learned from any agent's calls)
and its prevention has not been done in this session (the "unless" part, checked against the
session's calls so far). Lessons of tier active or core warn through additionalContext, and so
does a one-off (a candidate: one failing session) of the project, as a note, never a stop
(lesson_model/decision.py). A lesson
that has earned it (this person's own, failing in two sessions or more: decision.stops) **stops the
call once**: the agent denies it with the lesson as the reason, which the model reads before
anything ran, and may change the call; the same call sent again in the session runs (the agent or
person insisted: an "override", counted; a lesson overridden OVERRIDES_TO_NOTE times only warns),
unless the session edited or wrote a file in between: then it is a new attempt, stopped once again.
`--warn-only` never stops; with `--ask` one at confidence >= ASK_AT asks the person
(permissionDecision "ask"); with `--block` one at confidence >= BLOCK_AT denies the call every
time. Every decision, "none" included, is recorded in hook_decisions, and each lesson given counts
a warning.

Lessons are looked up by an index on (trigger kind, first command word or path), so the cost
does not grow with the number of lessons that cannot match.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3

from lessonloop.apply.hooks.edit_check import EDIT_RISK, Item, edit_warnings
from lessonloop.apply.hooks.hook_store import (
    HookPolicy,
    NoStore,
    call_target,
    connect,
    decision,
    hook_policy,
    on_disk,
    record,
    record_later,
    release,
    session_project,
    spool_waiting,
    text_of,
    wait_ms,
)
from lessonloop.core.handler_tools import kind_of
from lessonloop.core.timestamps import utc_now
from lessonloop.core.tool_kinds import CHANGE_KINDS
from lessonloop.store import hooks as hook_tables
from lessonloop.store.hooks import StoredCall, StoredLesson
from lessonloop.store.transaction import StoreError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from typing import Any

    from lessonloop.apply.hooks.entry import HookContext
    from lessonloop.apply.hooks.hook_store import Op
    from lessonloop.lesson_model.decision import Candidate
    from lessonloop.lesson_model.triggers import SessionState

RETRY = 0  # the "lesson id" of the warning about a call resent as it failed (no stored lesson)
DECLARED = -2  # the "lesson id" of a declared rule the call breaks (analyze/declared_rules.py)
# warnings of no stored lesson: the resent call, the edit check (edit_check.py), a declared rule
NO_LESSON = (RETRY, EDIT_RISK, DECLARED)
Spoken = Item  # what the hook says about a call, per lesson (edit_check.py)
MAX_SHOWN = 3  # lessons named in one warning
_ORDER = {"warn": 1, "stop": 2, "ask": 3, "block": 4}
TRANSCRIPT_TAIL = 262_144  # bytes of the transcript read for the session's latest prompts
MAX_BY_ID = 400  # calls since the kept state read by their ids; more: the session's calls are read whole


def handle(payload: dict[str, object], ctx: HookContext) -> dict[str, object] | None:
    tool = text_of(payload, "tool_name")
    session_id = text_of(payload, "session_id")
    if tool is None or session_id is None:
        return None
    raw_input = payload.get("tool_input")
    tool_input: dict[str, object] = raw_input if isinstance(raw_input, dict) else {}
    cwd = text_of(payload, "cwd")
    try:
        conn = connect(ctx.db, wait_ms(ctx))
    except NoStore:
        return None
    try:
        policy = hook_policy(ctx.db)
        project = session_project(conn, payload, policy, ctx.db, ctx.agent_id)
        transcript = text_of(payload, "transcript_path")
        kind = text_of(payload, "tool_kind")  # an agent adapter's neutral kind (apply/hooks/kit/)
        keep: list[Op] = []  # the session's state, kept for its next call (session_state)
        fired = _fired(conn, session_id, tool, tool_input, cwd, project, ctx, policy, transcript, kind=kind, keep=keep)
    except BaseException:
        conn.close()
        raise
    action = max((a for a, *_ in fired), key=_ORDER.__getitem__, default="none")
    action = once_per_change(action, conn, ctx.db, session_id, tool, tool_input, kind, wait_ms(ctx))
    ids = [lesson_id for _a, lesson_id, *_ in fired if lesson_id not in NO_LESSON]
    detail: dict[str, object] = {"tool": tool}
    if action in ("stop", "override"):
        # the lessons that stop it (the resent-call stop is no stored lesson: `resent` below says it)
        stopping = [lesson_id for a, lesson_id, *_ in fired if a == "stop" and lesson_id not in NO_LESSON]
        detail["stopping"] = stopping
        if action == "override":  # the lessons that would stop it: their overrides are counted
            ids = list(stopping)
    if ids:  # each lesson's confidence, in the order of `ids`
        values = {lesson_id: value for _a, lesson_id, value, *_ in fired}
        detail["confidence"] = [round(values[lesson_id], 4) for lesson_id in ids]
    if any(f[1] == RETRY for f in fired):
        detail["resent"] = True  # the warning about a call resent as it failed (no stored lesson)
    rules_broken = [str(f[5]) for f in fired if f[1] == DECLARED]
    if rules_broken:
        detail["declared"] = rules_broken  # the declared rules the call breaks (their ids)
    edits = sum(1 for f in fired if f[1] == EDIT_RISK)
    if edits:
        detail["edit_risk"] = edits  # the edit check's warnings (built-in rules on the lines about to be added)
    given = action
    if action in ctx.unshown:  # decided, but the agent shows it to nobody: not given, not counted
        detail["undelivered"] = action
        given = "none"
    if policy.allows(project, cwd):  # the decision is recorded once the answer is out
        op = decision(
            session_id,
            "PreToolUse",
            given,
            ids,
            text_of(payload, "tool_use_id"),
            detail,
            count_warnings=given not in ("none", "override"),
        )
        record_later(ctx, conn, [op, *keep])
    else:  # capture turned off: decide, but record nothing
        release(conn, ctx.db)
    if not fired or action == "override":  # (the model read the lessons as the stop's reason)
        return None
    return _output(action, fired)


def _once(
    conn: sqlite3.Connection,
    db: str,
    session_id: str,
    tool: str,
    tool_input: dict[str, object],
    kind: str | None,
    wait: int = 0,
) -> str:
    """ "stop" the first time this call is stopped in the session (remembered beside the store),
    "override" when it was stopped before with no edit or write since (it runs now), "warn" when that cannot be remembered (a
    stop nobody can go past would stop the agent for good), nor what follows it: the store cannot
    take the hooks' writes now (read-only, or another process holds its write lock longer than this
    event waits for it). Writes waiting in the spool (left while the lock was held a moment) are
    stored first, so that the overrides among them count. A lesson whose stops were gone past becomes a note (OVERRIDES_TO_NOTE) by the
    overrides stored; unstored, every new session would be stopped on the same call (issue 82)."""
    from lessonloop.apply.hooks.kit import carried
    from lessonloop.lesson_model.triggers import input_key

    command = tool_input.get("command") if (kind or kind_of(tool)) == "shell" else None
    key = "\n".join((tool, input_key(command if isinstance(command, str) else None, tool_input) or ""))
    try:
        if carried.was_stopped(db, session_id, key):
            return "override"
        if not hook_tables.writes_now(conn, wait):  # the lock held longer than this event waits, or read-only
            return "warn"
        if spool_waiting(db):  # writes left by a moment's lock (this session's first row, say): stored now
            record(conn, db, [], 0)
            if spool_waiting(db):
                return "warn"
        carried.mark_stopped(db, session_id, key)
    except (OSError, StoreError):
        return "warn"
    return "stop"


def once_per_change(
    action: str,
    conn: sqlite3.Connection,
    db: str,
    session_id: str,
    tool: str,
    tool_input: dict[str, object],
    kind: str | None,
    wait: int = 0,
) -> str:
    """The action given: a stop is once per call (`_once`: the same call sent again runs) until
    the session edits or writes a file; a change that runs makes every call stopped so far a new
    attempt when sent again (the lesson's check, a build or the tests, is due again)."""
    if action == "stop":
        action = _once(conn, db, session_id, tool, tool_input, kind, wait)
    if action not in ("stop", "block") and (kind or kind_of(tool)) in CHANGE_KINDS:
        from lessonloop.apply.hooks.kit import carried

        carried.forget_stops(db, session_id)
    return action


def _fired(
    conn: sqlite3.Connection,
    session_id: str,
    tool: str,
    tool_input: dict[str, object],
    cwd: str | None,
    project: str | None,
    ctx: HookContext,
    policy: HookPolicy,
    transcript: str | None = None,
    *,
    kind: str | None = None,
    target: str | None = None,
    now: str | None = None,
    before: str | None = None,
    keep: list[Op] | None = None,
) -> list[Spoken]:
    """(action, lesson id, confidence, title, prevention, command, failed sessions, sessions) of
    each lesson that speaks on the call, most confident first, as the one decision
    (lesson_model/decision.py) says: the parts are read from the store, each only when needed.
    `kind`: the tool's neutral kind when the agent's adapter gave it (else Claude Code's table);
    `target`: the file the call changes or reads, when the input does not name it in Claude Code's
    keys (else read from them);
    `now` and `before` decide as of a past call (its time, its id: the session's calls before it,
    its prompts up to then), as tests/decision_agreement.py does for every call of a corpus;
    `keep`: the session's state is taken from, and kept for, the session's next call (session_state)."""
    kind = kind or kind_of(tool)
    command = tool_input.get("command") if kind == "shell" else None
    target = target or call_target(tool_input)
    keys: list[str] = []
    segments: list[tuple[str, ...]] = []
    if isinstance(command, str) and command.strip():
        from lessonloop.lesson_model.triggers import command_segments

        segments = command_segments(command)
        keys = sorted({words[0] for words in segments if words})
    elif target is not None:
        from lessonloop.lesson_model.triggers import relative_path

        keys = [relative_path(target, cwd)]
    from lessonloop.lesson_model.confidence import ONE_OFF_AT  # (math alone)

    rows = hook_tables.trigger_candidates(conn, kind, keys, project, session_id, ONE_OFF_AT)
    shell_command = command if isinstance(command, str) else None
    may_retry = hook_tables.failed_before(conn, session_id, tool, shell_command, target)
    edits = edit_warnings(tool, tool_input, cwd, kind)  # an edit or write about to add a high-risk line
    declared = _declared(conn, kind, tool, tool_input, target, shell_command, cwd, project)  # a never rule it breaks
    if not rows and not may_retry and not edits and not declared:
        return []
    from lessonloop.lesson_model import decision as one
    from lessonloop.lesson_model.quoting import lesson_texts
    from lessonloop.lesson_model.triggers import input_key

    candidates = []
    for row in rows:
        candidate = candidate_of(conn, row)
        if candidate is not None:
            candidates.append(candidate)
    states: dict[bool, SessionState] = {}

    def session(signed: bool) -> SessionState:
        # A signed state serves an unsigned request too; when the resent-call check will need one
        # (may_retry), it is read signed from the start: the session's calls are read once.
        if True in states:
            return states[True]
        signed = signed or may_retry
        if signed not in states:
            states[signed] = session_state(conn, session_id, signed=signed, before=before, keep=keep, agent=ctx.agent)
        return states[signed]

    prompts: list[str] | None = None

    def said() -> list[str]:
        nonlocal prompts
        if prompts is None:
            prompts = session_prompts(conn, session_id, transcript, until=now if before is not None else None)
        return prompts

    call = one.PendingCall(
        session_id,
        kind,
        tool,
        segments,
        target,
        cwd,
        tool_input,
        shell_command,
        input_key(shell_command, tool_input),
        now or utc_now(),
    )
    from lessonloop.lesson_model.environment import call_shell

    call.shell = (
        call_shell(ctx.shell_agent(cwd), tool_input, cwd) if kind == "shell" else None
    )  # a lesson keeps its shell
    if target is not None and kind in ("edit", "read"):
        # read only when a lesson's rule needs it: the file on disk, else what the session showed
        call.file_form = lambda aspect: _file_form(aspect, target, cwd) or session(False).form(aspect, target)
    call.file_has = lambda needs: file_has(needs, cwd)  # read only when a lesson needs a file to hold a text
    rules = one.Rules(ask=ctx.ask, block=ctx.block, stop=ctx.stop, excluded=policy.exclude_categories)
    findings = [one.Finding(item, rule, item[2]) for rule, item in edits]
    verdict = one.decide(
        call, candidates, rules, session, said, may_retry=may_retry, findings=findings, declared=declared
    )
    out: list[Spoken] = []
    for fired in verdict.fired:
        lesson = fired.candidate
        if lesson is not None:
            found = lesson.item
            assert isinstance(found, StoredLesson)
            lesson_id, sessions, failed = found.id, found.sessions, found.failed_sessions
            # another's lesson (a teammate's, a file's, an agent's) quoted whole, labelled (lesson_model/quoting.py)
            title, prevention, prevention_command = lesson_texts(
                found.origin, found.title, found.prevention, found.prevention_command
            )
            out.append(
                (
                    fired.action,
                    lesson_id,
                    fired.confidence,
                    title,
                    prevention,
                    prevention_command,
                    failed,
                    sessions,
                    fired.here,
                )
            )
        elif fired.retry is not None:
            from lessonloop.analyze.error_headline import error_headline
            from lessonloop.lesson_model.quoting import tool_output
            from lessonloop.lesson_model.triggers import first_line

            output = fired.retry[1]
            line = error_headline(output) or first_line(output)
            what = "this command" if kind == "shell" else f"this {tool} call"
            out.append(
                (
                    fired.action,
                    RETRY,
                    fired.confidence,
                    f"{what} failed moments ago in this session: {tool_output(line)}",
                    None,
                    None,
                    0,
                    0,
                    True,
                )
            )
        elif fired.declared is not None:  # a declared rule the call breaks (analyze/declared_rules.py)
            rule = fired.declared
            if rule.builtin:  # lessonloop's own words
                whose, words = "lessonloop's own", rule.description
            else:  # a repository's text: quoted, data (approved by the person or not)
                from lessonloop.core.outside_text import as_data

                whose = "the project's .lessonloop/workflow.toml" + (
                    ", approved by the person" if rule.approved else ""
                )
                words = as_data(rule.description)
            rule_id = rule.rule_id if rule.builtin else as_data(rule.rule_id)
            out.append(
                (fired.action, DECLARED, fired.confidence, f"the workflow rule {rule_id} ({whose})",
                 words, rule.rule_id, 0, 0, True)
            )  # fmt: skip
        elif fired.finding is not None:  # the edit check's item (edit_check.py), with what it does
            item = fired.finding.item
            assert isinstance(item, tuple)
            out.append((fired.action, *item[1:]))
    return out


def _declared(
    conn: sqlite3.Connection,
    kind: str,
    tool: str,
    tool_input: dict[str, object],
    target: str | None,
    command: str | None,
    cwd: str | None,
    project: str | None,
) -> list[Any]:
    """The declared `never` rules (analyze/declared_rules.py) the call about to run breaks; its
    modules are imported only for a call that may break one (_MAY_BREAK: declared_rules.GATE,
    tests/analyze/test_declared_rules.py keeps the two equal; or a project with a rules file)."""
    if not (kind == "shell" and command and _MAY_BREAK.search(command)) and not _rules_file(project, cwd):
        return []
    from lessonloop.analyze.call import Call
    from lessonloop.analyze.declared_rules import broken_rules
    from lessonloop.store.approved_rules import approved_digest

    call = Call("", "", 0, None, tool, tool_input, target, command, cwd, None, kind=kind)
    return list(broken_rules(call, project, cwd, lambda path: approved_digest(conn, path)))


_MAY_BREAK = re.compile(r"\bgit\b[^;&|\n]*\b(?:push|commit)\b[^;&|\n]*(?:--no-verify|--force|\s-[A-Za-z]*f|\+)")


def _rules_file(project: str | None, cwd: str | None) -> bool:
    """Whether the project (or the call's folder) has a workflow rules file (.lessonloop/workflow.toml)."""
    return any(
        folder and os.path.isfile(os.path.join(folder, ".lessonloop", "workflow.toml")) for folder in (project, cwd)
    )


def candidate_of(conn: sqlite3.Connection, row: StoredLesson) -> Candidate | None:
    """A stored lesson as the one decision reads it (None: a stored trigger that cannot be read,
    which matches nothing); the row is the candidate's `item`."""
    from lessonloop.lesson_model.checks import is_check
    from lessonloop.lesson_model.decision import Candidate, remedy_of
    from lessonloop.lesson_model.triggers import Trigger

    try:
        trigger = Trigger.from_json(json.loads(str(row.trigger)))
    except (TypeError, ValueError):  # TriggerError, not JSON
        return None
    lesson_id = row.id
    return Candidate(
        row,
        row.signature,
        trigger,
        kind=row.kind,
        error_signature=row.error_signature,
        category=row.category,
        origin=row.origin,
        status="active",  # trigger_candidates reads active lessons only
        tier=row.tier,  # of a warning tier, or candidates that failed in this session
        failed_sessions=row.failed_sessions,
        sessions=row.sessions,
        # the undecayed learned confidence, else (not learned here, or judged) the stored one
        stored=row.learned_confidence if row.learned_confidence is not None else row.confidence,
        last_seen=row.last_seen,
        learned_here=lambda session_id: hook_tables.learned_here(conn, lesson_id, session_id),
        overrides=lambda: hook_tables.overrides(conn, lesson_id),
        remedied=remedy_of(row.prevention, row.prevention_command, trigger.rule, row.kind, row.title) is not None,
        checked_only=is_check(row.prevention) and not row.prevention_command,
    )


def session_prompts(
    conn: sqlite3.Connection, session_id: str, transcript: str | None, until: str | None = None
) -> list[str]:
    """The person's prompts in this session so far: those ingested (`until`: up to that time), and
    those in the end of the transcript (the current turn's prompt is written there before its tool
    calls)."""
    prompts = hook_tables.ingested_prompts(conn, session_id, until)
    if not transcript:
        return prompts
    try:
        with open(transcript, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - TRANSCRIPT_TAIL))
            tail = handle.read()
    except OSError:
        return prompts
    for line in tail.splitlines():
        if b'"user"' not in line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue  # the first line of the tail may be cut
        message = record.get("message") if isinstance(record, dict) and record.get("type") == "user" else None
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            prompts.append(content)
        elif isinstance(content, list):
            prompts += [
                b["text"]
                for b in content
                if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
            ]
    return prompts


def _file_form(aspect: str, target: str, cwd: str | None) -> str | None:
    """The form of the file a call is about to edit or read, on disk: its line ends ("ends"),
    whether it is UTF-8 ("encoding"), whether it holds a text ("holds:TEXT": "yes" or "no", in its
    first NEEDED_BYTES); None when it cannot be read."""
    path = on_disk(target, cwd)
    if aspect.startswith("holds:"):
        try:
            with open(path, "rb") as handle:
                start = handle.read(NEEDED_BYTES)
        except OSError:
            return None
        return "yes" if aspect[6:].encode("utf-8") in start else "no"
    if aspect == "ends":
        from lessonloop.analyze.line_endings import file_endings

        return file_endings(path)
    from lessonloop.analyze.file_encoding import utf8_on_disk

    return utf8_on_disk(path)


NEEDED_BYTES = 1 << 20  # the start of a file read for a text a lesson says it needs


def file_has(needs: str, cwd: str | None) -> bool | None:
    """Whether the file a lesson's trigger `needs` ("PATH|TEXT[|FOLDER]", under the call's folder)
    holds the text, on disk; None when it cannot be told or does not apply (no folder, a path
    outside it, FOLDER not there, no such file, unreadable, larger than NEEDED_BYTES without the
    text in its start): the lesson then stays silent."""
    from lessonloop.lesson_model.triggers import needed_file, needed_folder, needed_text

    path = needed_file(needs, cwd)
    if path is None:
        return None
    folder = needed_folder(needs)
    if folder is not None:
        where = needed_file(needs, cwd, folder)
        if where is None or not os.path.isdir(where):
            return None  # what the failure showed on is not here: the lesson does not apply
    try:
        with open(path, "rb") as handle:
            data = handle.read(NEEDED_BYTES)
    except (OSError, ValueError):
        return None
    if needed_text(needs)[1].encode("utf-8") in data:
        return True
    return None if len(data) == NEEDED_BYTES else False  # (a larger file's rest is not read)


def session_state(
    conn: sqlite3.Connection,
    session_id: str,
    signed: bool = False,
    before: str | None = None,
    keep: list[Op] | None = None,
    agent: str | None = None,
) -> SessionState:
    """What the session has done so far: its ingested calls, then those the hooks stored live;
    `signed`: each failure with its error signature too (what re-arms a general lesson, read only
    when one is met: computing them costs the session's failures).

    With `keep` (the hook, deciding now), the state kept after the previous call
    (hook_session_states) is taken when the calls it was made of are still the session's first
    calls, and only the calls since are replayed; the state is then kept again (an operation
    appended to `keep`, stored after the answer). A call of those changed (a turn's calls
    ingested: their ids and results as the transcript has them) replays the session once.
    `agent` (the hooks' name of the agent deciding): its ingested calls are read as its hook hands
    them (apply/hooks/kit/tool_view.py), as its live ones were stored."""
    from lessonloop.lesson_model.triggers import SessionState

    if keep is None or before is not None or conn.in_transaction:
        replayed = SessionState()
        _replay(
            replayed,
            hook_tables.ingested_calls(conn, session_id, before),
            hook_tables.live_calls(conn, session_id),
            signed,
            hook_tables.session_branch(conn, session_id),
            agent,
        )
        return replayed
    hook_tables.begin_read(conn)  # one snapshot: the calls' heads and rows read as of one moment
    try:
        state, signed_state, kept_calls, (ingested_heads, live_heads), branch = _from_kept(conn, session_id, signed)
        heads = ingested_heads + live_heads
        new = heads[kept_calls:]
        if state is not None and not new:
            return state  # nothing since: kept as it is
        if state is None or len(new) > MAX_BY_ID:
            state, signed_state = SessionState(), signed
            ingested, live = hook_tables.ingested_calls(conn, session_id), hook_tables.live_calls(conn, session_id)
        else:
            split = max(0, len(ingested_heads) - kept_calls)  # the new calls: ingested ones first
            ingested, live = hook_tables.calls_by_id(
                conn, session_id, [i for i, _m in new[:split]], [i for i, _m in new[split:]]
            )
        _replay(state, ingested, live, signed_state, branch, agent)
        if heads:
            keep.append(("state", _kept(session_id, state, signed_state, heads, branch)))
    finally:
        hook_tables.end_read(conn)
    return state


def _from_kept(
    conn: sqlite3.Connection, session_id: str, signed: bool
) -> tuple[SessionState | None, bool, int, tuple[list[tuple[str, str]], list[tuple[str, str]]], str | None]:
    """(the kept state or None, whether it is signed, how many calls it was made of, the heads of
    the session's calls now, its branch)."""
    both = hook_tables.call_heads(conn, session_id)
    heads = both[0] + both[1]
    branch = hook_tables.session_branch(conn, session_id)
    kept = hook_tables.kept_state(conn, session_id)
    if kept is None:
        return None, signed, 0, both, branch
    calls = kept.calls
    usable = (
        (kept.signed or not signed)  # a signed state serves an unsigned request
        and (not kept.signed or kept.branch == branch)  # signatures name the branch
        and calls is not None
        and 0 < calls <= len(heads)  # (none: nothing to keep)
        and kept.digest == _digest(heads[:calls])
    )
    if usable and calls is not None:
        from lessonloop.lesson_model.state_codec import DamagedState, load

        try:
            return load(kept.text), kept.signed, calls, both, branch
        except DamagedState as exc:  # made again from the session's calls, and kept over it; said
            _log_damaged(conn, session_id, exc)
        except ValueError:
            pass  # another version's: made again
    return None, signed, 0, both, branch


def _log_damaged(conn: sqlite3.Connection, session_id: str, problem: Exception) -> None:
    """A kept state that cannot be read, in the hooks' failure log (`hooks status` shows it): the
    call goes on with the state made again from the session's calls, which replaces it."""
    from lessonloop.apply.hooks.failures import log_failure
    from lessonloop.store.transaction import store_file

    db = store_file(conn) or "lessonloop.db"
    log_failure(db, "PreToolUse", session_id, f"{problem}; made again from the session's calls, and kept over it")


def _digest(heads: list[tuple[str, str]]) -> str:
    """A digest of the calls' ids and marks (hook_tables.call_heads)."""
    from lessonloop.core.quick_hash import sha1_hex

    text = "\x1e".join(f"{call_id}\x1f{mark}" for call_id, mark in heads)
    return sha1_hex(text.encode("utf-8", "surrogatepass"))


def _kept(
    session_id: str, state: SessionState, signed: bool, heads: list[tuple[str, str]], branch: str | None
) -> dict[str, object]:
    """The "state" operation's data (hook_store.apply_state)."""
    from lessonloop.lesson_model.state_codec import dump

    return {
        "session_id": session_id,
        "signed": int(signed),
        "calls": len(heads),
        "digest": _digest(heads),
        "branch": branch,
        "state": dump(state),
        "saved_at": utc_now(),
    }


def _replay(
    state: SessionState,
    ingested: list[StoredCall],
    live: list[StoredCall],
    signed: bool,
    branch: str | None,
    agent: str | None = None,
) -> None:
    """Record in `state` the calls `ingested` (hook_tables.ingested_calls', each read as `agent`'s
    hook hands it: tool_view.hook_call), then `live` (live_calls', stored so)."""
    from lessonloop.analyze.agent_failures import NOT_AGENT_FAILURES
    from lessonloop.apply.hooks.kit.tool_view import hook_adapter, hook_call
    from lessonloop.lesson_model.triggers import command_segments, file_forms

    if signed:
        from lessonloop.learning.engine.signatures import call_signature

    viewed = hook_adapter(agent) is not None  # the transcript's calls as this agent's hook hands them
    for call in (*ingested, *live):
        kind = call.kind or kind_of(call.tool)
        tool, ok, command, status = call.tool, call.ok, call.command, call.status
        # the same call resent (SessionState.retry_of): a failure of the agent's own, not a cascade,
        # the person's rejection or an interrupt
        own = ok or (status == "error" and call.error_class not in NOT_AGENT_FAILURES)
        segments = command_segments(command) if command else []
        tool_input = _input(call.input_json)
        if viewed and call.from_transcript:
            tool, tool_input = hook_call(agent, tool, tool_input, command)
        signature = (
            call_signature(kind, tool, call.error_text, segments, branch, call.exit_code, tool_input, command)
            if signed and status == "error"
            else None
        )
        state.record(
            kind,
            ok,
            segments,
            call.target,
            call.error_text,
            signature,
            tool_input=tool_input,
            command=command,
            own=own,
            result_text=call.result if kind == "read" else None,
            forms=file_forms(segments, command) if ok and segments else (),
        )


def _input(input_json: str | None) -> dict[str, object] | None:
    if not input_json:
        return None
    try:
        value = json.loads(input_json)
    except ValueError:
        return None
    if isinstance(value, str):
        return {"input": value}  # a custom tool's free-form input, as the store's reader gives it
    return value if isinstance(value, dict) else None


def warning_text(fired: list[Spoken]) -> str:
    """The warning: a heading saying what the curly quotes mean (core/outside_text.DATA_NOTE), then
    each lesson's texts, each on one line (core/outside_text.one_line: a stored title, whatever it
    holds, starts no line of its own)."""
    from lessonloop.core.outside_text import DATA_NOTE, one_line  # here: a call no lesson speaks on needs none

    lessons = [f for f in fired if f[1] not in NO_LESSON]
    where = "this session" if lessons and all(f[8] for f in lessons) else "earlier sessions"
    lines = [f"lessonloop: a lesson from {where} applies to this call ({DATA_NOTE})."] if lessons else []
    for _action, lesson_id, value, title, prevention, command, failed, sessions, here in fired[:MAX_SHOWN]:
        if lesson_id == RETRY:  # no lesson: the session's own failure, resent
            lines.insert(0, f"lessonloop: {one_line(title)}")
            lines.insert(1, "  Change the call, or fix what made it fail, before sending it again.")
            continue
        if lesson_id == DECLARED:  # no lesson: a declared rule the call breaks
            lines.append(f"lessonloop: this call breaks {one_line(title)}: {one_line(prevention)}")
            continue
        if lesson_id == EDIT_RISK:  # no lesson: a built-in rule on a line the edit adds
            lines.append(f"lessonloop: {one_line(title)}")
            lines.append(f"  Instead: {one_line(prevention)} (built-in rule, confidence {value:.2f})")
            continue
        lines.append(f"- {one_line(title)}")
        instead = one_line(prevention) or (f"`{one_line(command)}`" if command else None)
        if here:
            seen = "failed earlier in this session, and not done differently since"
        else:
            seen = f"failed in {failed} of {sessions} sessions" if sessions else "recorded by a person"
        lines.append(
            f"  Instead: {instead} ({seen}, confidence {value:.2f})"
            if instead
            else f"  ({seen}, confidence {value:.2f})"
        )
    if lines and not lessons:  # the resent call's or the edit check's lines: quoted text in them too
        lines.insert(0, f"lessonloop ({DATA_NOTE}):")
    return "\n".join(lines)


STOPPED = "lessonloop stopped this call before it ran"
# why, by where what stopped it was learned: every lesson that stops it here, in the session, or
# elsewhere; the same call resent after it failed in this session with nothing changed since
_WHY = {
    "earlier": "a lesson from earlier sessions says it fails",
    "here": "a lesson from this session says it fails",
    "resent": "this very call failed moments ago in this session and nothing has changed since",
    "declared": "a workflow rule in force here forbids it",
    "edit": "lessonloop's built-in check finds a high-risk line in what this edit is about to add",
}
GO_ON = (
    "Change the call as the lesson says. If this very call is still what you mean (you know better, or the "
    "person asked for it), send it again unchanged: it will run."
)


def stop_text(fired: list[Spoken]) -> str:
    """The reason a stopped call gives the model: the lessons that stopped it first, and how to go on."""
    from lessonloop.core.outside_text import DATA_NOTE

    stopping = [f for f in fired if f[0] == "stop"] + [f for f in fired if f[0] != "stop"]
    lessons = [f for f in stopping if f[0] == "stop" and f[1] not in NO_LESSON]
    if not lessons:
        stops = {f[1] for f in stopping if f[0] == "stop"}
        why = _WHY["declared" if DECLARED in stops else "edit" if EDIT_RISK in stops else "resent"]
    else:
        why = _WHY["here"] if all(f[8] for f in lessons) else _WHY["earlier"]
    lines = warning_text(stopping).splitlines()
    if lines and lines[0].startswith("lessonloop: a lesson"):
        lines = lines[1:]
    return "\n".join([f"{STOPPED}: {why} ({DATA_NOTE}.)", *lines, GO_ON])


def _output(action: str, fired: list[Spoken]) -> dict[str, object]:
    text = stop_text(fired) if action == "stop" else warning_text(fired)
    out: dict[str, object] = {"hookEventName": "PreToolUse", "additionalContext": text}
    if action == "stop":
        out["permissionDecision"] = "deny"
        out["permissionDecisionReason"] = text
    elif action == "ask":
        out["permissionDecision"] = "ask"
        out["permissionDecisionReason"] = text
    elif action == "block":
        out["permissionDecision"] = "deny"
        out["permissionDecisionReason"] = text
    return {"hookSpecificOutput": out}
