"""Replay and the PreToolUse hook, call by call: do they decide the same?

Both call the one decision (lesson_model/decision.py); what can still differ is what each feeds
it. Replay (Learner.decide) holds the lessons, the session so far and the prompts in memory; the
hook reads them from the store: the candidate lessons by trigger kind, first command word or path
and project (hook_tables.trigger_candidates), each row turned into a Candidate, the session's
calls and failures' signatures from its ingested rows, its prompts from the messages table,
"learned in this session" from the lessons' evidence, the resent-call gate from an indexed
look-up.

`disagreements(db)` takes a store where a corpus was ingested, learns its lessons as batch
learning does and saves them there, then goes through every call in learning's order with those
lessons frozen: replay's decision, then the hook's `_fired` on the same store as of that call
(the session's calls before it, its prompts up to its time, the call's time as now), the call
given as an agent's hook adapter gives it (apply/hooks/kit/: Claude Code's terms, a shell
call's command as text, the file it changes beside it). Every call where the lessons that
speak or their actions differ is one disagreement. A call the hook would stop is stopped once, as
the hook stops it (pre_tool.once_per_change, its marks beside the store): sent again in its
session with no edit or write since, it runs and nothing is said, as replay models it
(Learner._stop_once).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from lessonloop.apply.hooks.edit_check import EDIT_RISK
from lessonloop.apply.hooks.entry import HookContext
from lessonloop.apply.hooks.hook_store import hook_policy
from lessonloop.apply.hooks.kit.tool_view import hook_call
from lessonloop.apply.hooks.pre_tool import _ORDER as ORDER
from lessonloop.apply.hooks.pre_tool import DECLARED, RETRY, _fired, once_per_change
from lessonloop.core.timestamps import utc_now
from lessonloop.learning.engine.engine import Decision, Learner, Policy
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.learning_loop import LoopPlug, last_calls, learn_history, run_loop
from lessonloop.learning.runs.loaded_history import load_replay_history
from lessonloop.pipeline.analysis import analyze_store
from lessonloop.store import open_store
from lessonloop.store.lessons.writer import save_learned

RESENT = "(resent call)"
RULE_NAMED = re.compile(r"\(rule ([\w.-]+)\)")  # how the edit check's warning names its rule


def hook_input(event: CallEvent) -> dict[str, object]:
    """The call's input as its agent's hook adapter hands it to the handlers (apply/hooks/kit/
    tool_view.py: Codex's patch as Claude Code's Edit or Write, Copilot CLI's `old_str` as
    `old_string`, ...), a shell call's command as text (the file a call changes is given beside it:
    `_fired(target=...)`)."""
    call = event.call
    _name, tool_input = hook_call(event.agent, call.tool, call.input, call.command)
    if call.kind == "shell" and call.command:
        tool_input["command"] = call.command
    return tool_input


class Agreement(LoopPlug):
    """Compares each decision replay makes with the hook's on the same call."""

    def __init__(self, db: Path, options: Sequence[str]) -> None:
        self.db = db
        self.conn = open_store(db)
        self.ctx = HookContext("PreToolUse", str(db), list(options))
        self.policy = hook_policy(str(db))
        self.signatures = dict(self.conn.execute("SELECT id, signature FROM lessons").fetchall())
        self.calls = 0
        self.spoke = 0
        self.differences: list[str] = []

    def decided(self, event: CallEvent, decision: Decision) -> None:
        self.calls += 1
        replayed = {(f.lesson.signature if f.lesson.trigger is not None else RESENT, f.action) for f in decision.fired}
        replayed |= {(f"edit check: {rule}", action) for rule, action in decision.findings}
        replayed |= {(f"declared: {rule}", action) for rule, action in decision.declared}
        call = event.call
        self.ctx.agent = event.agent or "claude"  # the hook of the call's agent (the shell it runs in)
        fired = _fired(
            self.conn,
            event.session_id,
            event.hook_tool,  # the tool as the agent's hook names it (apply/hooks/kit/tool_view.py)
            hook_input(event),
            event.cwd,
            event.project,
            self.ctx,
            self.policy,
            kind=call.kind,
            target=call.target_path,
            now=event.ts or utc_now(),
            before=call.id,
        )
        hooked = {
            (f"declared: {command}" if lesson_id == DECLARED else self.named(lesson_id, title), action)
            for action, lesson_id, _value, title, _prevention, command, *_ in fired
        }
        given = max((action for action, *_ in fired), key=ORDER.__getitem__, default="none")
        if (
            once_per_change(
                given, self.conn, str(self.db), event.session_id, event.hook_tool, hook_input(event), call.kind
            )
            == "override"
        ):
            hooked = set()  # the call stopped once already in its session: it runs, nothing said
        if replayed or hooked:
            self.spoke += 1
        if replayed != hooked:
            self.differences.append(
                f"{event.session_id} {call.id} {call.tool} {(call.command or call.target_path or '')[:80]!r}: "
                f"replay {sorted(replayed)} hook {sorted(hooked)}"
            )

    def named(self, lesson_id: int, title: str) -> str:
        if lesson_id == RETRY:
            return RESENT
        if lesson_id == EDIT_RISK:
            rule = RULE_NAMED.search(title)
            return f"edit check: {rule.group(1) if rule else title}"
        return str(self.signatures[lesson_id])


def disagreements(db: Path, options: Sequence[str] = ("--ask", "--block")) -> Agreement:
    """Every call of the store at `db` decided by replay and by the hook (see the module)."""
    policy = Policy(ask_at=0.75 if "--ask" in options else None, block="--block" in options)
    conn = open_store(db)
    try:
        analyze_store(conn, bandit=False)  # as `lessonloop ingest` and the Stop hook's ingest do
        history = load_replay_history(conn)
        learned = learn_history(history, policy)
        # saved as an ingest right after the last call would save them (decayed up to then)
        end = max((e.ts for e in history.events if e.ts), default=utc_now())
        save_learned(conn, learned.lessons.values(), dict(learned.aliases), end)
        # Replay decides with the lessons as saved (their status and tier decayed up to the end),
        # as the hook reads them: both sides are given the same lessons.
        for signature, status, tier in conn.execute("SELECT signature, status, tier FROM lessons"):
            lesson = learned.lessons.get(signature)
            if lesson is not None:
                lesson.status, lesson.tier = status, tier
    finally:
        conn.close()
    frozen = Learner(policy, lessons=learned.lessons.values(), prompts=history.prompts)
    plug = Agreement(db, options)
    try:
        run_loop(frozen, history.stream(), last_calls(history.events), plug, frozen_from="", end_all=False)
    finally:
        plug.conn.close()
    return plug
