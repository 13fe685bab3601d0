"""The one decision: what lessonloop does about a call about to run.

Every agent's PreToolUse hook (apply/hooks/pre_tool.py) and replay and learning
(learning/engine/engine.py `Learner.decide`) call `decide` and nothing else decides. They differ only in
where the parts come from: the hook reads the candidate lessons, the session's calls and prompts
from the store (lazily: most calls match nothing), the learner holds them in memory.

The rule, for each candidate lesson whose trigger has the call's shape (for a file's rule,
triggers.FILE_RULES, its file has the form the rule is about: CRLF line ends, not UTF-8, asked
through `PendingCall.file_form`; for an edit whose old text holds characters garbled by a read in
the wrong encoding, triggers.GARBLED, the file does not hold them itself; for a trigger that `needs` a file to hold a text, the file lacks
it, asked through `PendingCall.file_has`):
1. its prevention was done (inline in the same command, or earlier in the session and not undone
   since): prevented, silent;
2. a lesson learned from the person's rejection or correction is silent on a call the person
   asked for in this session's prompts (up to now);
3. a general lesson ("unless it worked in this session") learned from a failure of this very
   session stays silent there (the warning about the same call resent speaks), unless its trigger
   says it speaks where learned;
4. otherwise it is matched (learning counts it); it speaks when it is active, of a tier that warns
   (active, core) and of a category the person has not turned off; a candidate (one failing
   session, a one-off: not yet a lesson, never global) speaks where the repeat happens (issue 80:
   most repeats come in the session of the first failure or the next one):
   - in the session it failed in, while the call's intent has failed there with its error and
     not worked since (SessionState.still_failing): the same mistake made again, not the call
     after a fix that worked (a commit after the check it failed was fixed and a commit went
     through); a rule checkable before the call (a parameter's rule, a file's form: `checkable`)
     speaks there on every call that breaks it (each is the same mistake, whatever other call of
     the tool worked since);
   - in the other sessions of its project (the caller gives no one-off of another project), while
     its live confidence is at least confidence.ONE_OFF_AT: the next session its call comes up
     in, until a session where the call worked or its note was a false alarm lowers it (and a
     second failing session makes it a lesson); only a one-off that says what to do instead or
     the rule broken (`remedied`), and not a person's rejection (about a moment);
   there, with `stop`, a one-off that says what to do instead stops the call once (one_off_stops:
   this person's own), else it warns;
   a search for a file that found nothing (a probe: its empty answer is an answer) says nothing
   until where the file was is known, then a note, never a stop;
5. its confidence is the live one (lesson_model.confidence.live_confidence: its failing sessions'
   Wilson bound decayed for the days unseen, capped by the stored confidence);
6. it warns; with `stop` (the hooks' default) a lesson that has earned it stops the call once
   (`stops`: this person's own lesson, from at least STOP_SESSIONS failing sessions, at confidence
   >= stop_at; one whose stopped calls were sent again and then worked OVERRIDES_TO_NOTE times
   warns: a resent call that failed again confirms it): the agent denies the call with the
   lesson as the reason, and the same call sent again runs (the hook keeps which calls it
   stopped: apply/hooks/pre_tool.py; replay the same: learning/engine/engine.py), when the lesson
   says what to do instead or the rule the call breaks (a lesson that only says the call failed
   before is a note, never a stop); with `ask`, at confidence >= ask_at it asks the person; with
   `block`, at confidence >= block_at it denies the call every time, when the lesson is this
   person's own (provenance.may_deny: a teammate's, an import's or an agent's text never denies).
Then the call resent as it failed earlier in this session (or the same old text sent to an
unchanged file, or a file read again that a read found not there), nothing done since that could
change its outcome, fails again: with `stop` it is stopped once (warned with --warn-only), unless
a lesson of the same error already speaks, or it only looks (a search, a listing: analyze/probes.py)
and its failure said nothing but that nothing was found; each high-risk line an edit is about
to add (a built-in rule's finding: analyze/edit_risk.py) stops it once (with `stop`; else warns),
the rule and the line quoted as the reason; and a declared `never` workflow rule the call
breaks (analyze/declared_rules.py) stops it once when it is lessonloop's own (a force push to main,
`--no-verify`) or its project's rules file is approved by this person as it is (`lessonloop rules
approve`), and warns when it is an unapproved project file's (a repository's text).

Importing this module imports only what the hooks import already (no dataclasses, no typing).
"""

from __future__ import annotations

from lessonloop.core.timestamps import days_between
from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.provenance import may_deny
from lessonloop.lesson_model.triggers import (
    ENCODING,
    ENDS,
    FILE_RULES,
    GARBLED,
    HOLDS,
    LF_ON_CRLF,
    escalated,
    garbled_old_text,
    sandbox_failure,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from typing import Protocol

    from lessonloop.lesson_model.triggers import SessionState, Trigger

    class DeclaredLike(Protocol):
        """A declared rule the call breaks (analyze/declared_rules.Declared)."""

        @property
        def rule_id(self) -> str: ...
        @property
        def builtin(self) -> bool: ...
        @property
        def approved(self) -> bool: ...
        @property
        def description(self) -> str: ...

    class LessonLike(Protocol):
        """What the decision reads of a candidate: a Candidate (the hook's rows) or a Lesson."""

        @property
        def item(self) -> object: ...
        @property
        def key(self) -> str: ...
        @property
        def trigger(self) -> Trigger | None: ...
        @property
        def kind(self) -> str | None: ...
        @property
        def error_signature(self) -> str | None: ...
        @property
        def category(self) -> str | None: ...
        @property
        def origin(self) -> str | None: ...
        @property
        def status(self) -> str: ...
        @property
        def tier(self) -> str: ...
        @property
        def failed_sessions(self) -> int: ...
        @property
        def sessions(self) -> int: ...
        @property
        def stored(self) -> float: ...
        @property
        def overrides(self) -> int: ...
        @property
        def last_seen(self) -> str | None: ...
        @property
        def remedied(self) -> bool: ...
        @property
        def checked_only(self) -> bool: ...
        def learned_here(self, session_id: str) -> bool: ...


NONE = "none"
WARN = "warn"
STOP = "stop"  # deny the call once, the lesson as the reason: the same call sent again runs
ASK = "ask"
BLOCK = "block"
RANK = {NONE: 0, WARN: 1, STOP: 2, ASK: 3, BLOCK: 4}
IN_TIME = frozenset({STOP, ASK, BLOCK})  # the actions that act before the call runs (a warning comes after it)
ASK_AT = 0.75
BLOCK_AT = 0.95
# A lesson stops a call only once it has earned it: failing in this many sessions (one session is
# one mistake, perhaps a one-off), at this confidence, and not overridden (the same call sent again
# after its stop) this many times. STOP_AT was chosen on the "tune" parts of the hand labels
# (tests/data/labels: 0.25, 0.4 and 0.5 tried; 0.25 stopped the most labelled repeats at the same
# false stops) and reported on the "report" parts (BENCHMARKS.md): two failing sessions and none
# clean is 0.43, two failing and one clean 0.25.
STOP_SESSIONS = 2
STOP_AT = 0.25
OVERRIDES_TO_NOTE = 2
# Where a one-off (one failing session) that names its remedy stops a call once: in the session it
# failed in (HERE) and in its project's later sessions (LATER). Chosen on the "tune" parts of the
# hand labels against neither and each alone (BENCHMARKS.md, "Replay per corpus", issue 80).
HERE = "here"
LATER = "later"
ONE_OFF_STOPS = frozenset({HERE, LATER})
RETRY_CONFIDENCE = 0.5  # the warning about a call resent in the same session as it failed
DECLARED_CONFIDENCE = 1.0  # a rule the person or lessonloop declared: no measure, a declaration
WARN_TIERS = frozenset({"active", "core"})


class Rules:
    """The person's choices: `stop` (stop a call once for a lesson that earned it: the hooks'
    default, off with --warn-only), `ask` / `block` (the hook's --ask / --block), their
    thresholds, the tiers that warn, the categories turned off ([hooks] exclude_categories)."""

    __slots__ = ("ask", "ask_at", "block", "block_at", "excluded", "stop", "stop_at", "warn_tiers")

    def __init__(
        self,
        ask: bool = False,
        block: bool = False,
        ask_at: float = ASK_AT,
        block_at: float = BLOCK_AT,
        warn_tiers: frozenset[str] = WARN_TIERS,
        excluded: Iterable[str] = (),
        stop: bool = False,
        stop_at: float = STOP_AT,
    ) -> None:
        self.stop = stop
        self.stop_at = stop_at
        self.ask = ask
        self.block = block
        self.ask_at = ask_at
        self.block_at = block_at
        self.warn_tiers = warn_tiers
        self.excluded = frozenset(c.strip().lower() for c in excluded)

    def allows_category(self, category: str | None) -> bool:
        return not self.excluded or category is None or category.strip().lower() not in self.excluded


class Candidate:
    """A lesson as the decision reads it. `item` is the caller's own object (a Lesson, a row), given
    back in the verdict; `key` orders lessons of equal confidence (the lesson's signature);
    `learned_here(session_id)`: whether the lesson learned from a failure of that session;
    `overrides`: how often a call it stopped was sent again (and ran); `remedied`: it says what
    to do instead, or the rule the call breaks (Lesson.remedy), or a check to make; `checked_only`:
    what it says is a check (lesson_model/checks.py), no remedy: a note, never a stop."""

    __slots__ = (
        "_learned_here",
        "_overrides",
        "category",
        "checked_only",
        "error_signature",
        "failed_sessions",
        "item",
        "key",
        "kind",
        "last_seen",
        "origin",
        "remedied",
        "sessions",
        "status",
        "stored",
        "tier",
        "trigger",
    )

    def __init__(
        self,
        item: object,
        key: str,
        trigger: Trigger,
        *,
        kind: str | None,
        error_signature: str | None,
        category: str | None,
        origin: str | None,
        status: str,
        tier: str,
        failed_sessions: int,
        sessions: int,
        stored: float,
        last_seen: str | None,
        learned_here: Callable[[str], bool],
        overrides: Callable[[], int] | None = None,
        remedied: bool = True,
        checked_only: bool = False,
    ) -> None:
        self._overrides = overrides
        self.remedied = remedied
        self.checked_only = checked_only
        self.item = item
        self.key = key
        self.trigger = trigger
        self.kind = kind
        self.error_signature = error_signature
        self.category = category
        self.origin = origin
        self.status = status
        self.tier = tier
        self.failed_sessions = failed_sessions
        self.sessions = sessions
        self.stored = stored
        self.last_seen = last_seen
        self._learned_here = learned_here

    def learned_here(self, session_id: str) -> bool:
        return self._learned_here(session_id)

    @property
    def overrides(self) -> int:
        """Read when the lesson would stop a call, not before (a look-up in the hook's store)."""
        return self._overrides() if self._overrides is not None else 0


class PendingCall:
    """The call about to run, in neutral terms (`shell`: the shell family a command runs in,
    lesson_model/environment.py, None when not known; `file_form(aspect)`: the form of the file it
    edits or reads, asked only when a lesson's file rule needs it: its line ends ("ends": "crlf"
    or "lf"), whether it is UTF-8 ("encoding": "utf8", "other", "default"), the file on disk for
    the hooks, what the session showed of it for replay; None when not known; `file_has(needs)`:
    whether the file a trigger's `needs` names ("PATH|TEXT", under the call's folder) holds the
    text, asked only when such a lesson's shape matches: the file on disk for the hooks, what the
    transcripts show of it for replay (learning/engine/file_views.py); None when not known)."""

    __slots__ = (
        "command",
        "cwd",
        "file_form",
        "file_has",
        "input_key",
        "kind",
        "segments",
        "session_id",
        "shell",
        "target",
        "tool",
        "tool_input",
        "ts",
    )

    def __init__(
        self,
        session_id: str,
        kind: str,
        tool: str,
        segments: Sequence[tuple[str, ...]],
        target: str | None,
        cwd: str | None,
        tool_input: Mapping[str, object] | None,
        command: str | None,
        input_key: str | None,
        ts: str | None,
        shell: str | None = None,
        file_form: Callable[[str], str | None] | None = None,
        file_has: Callable[[str], bool | None] | None = None,
    ) -> None:
        self.shell = shell
        self.file_form = file_form
        self.file_has = file_has
        self.session_id = session_id
        self.kind = kind
        self.tool = tool
        self.segments = list(segments)
        self.target = target
        self.cwd = cwd
        self.tool_input = tool_input
        self.command = command
        self.input_key = input_key
        self.ts = ts


class Finding:
    """A warning of no lesson about the call: a built-in rule on a line an edit is about to add
    (analyze/edit_risk.py). `item` is the caller's own; `key` orders it among equals."""

    __slots__ = ("confidence", "item", "key")

    def __init__(self, item: object, key: str, confidence: float) -> None:
        self.item = item
        self.key = key
        self.confidence = confidence


class Fired:
    """A lesson that speaks on the call (`candidate`), or the resent-call warning (`retry`: its
    error signature and the start of the earlier failure's output), or a rule's finding
    (`finding`), or a declared rule the call breaks (`declared`: analyze/declared_rules.Declared),
    with its confidence and action; `here`: a candidate speaking in the session it failed in
    (rule 4 above; a one-off's note in another session is not `here`)."""

    __slots__ = ("action", "candidate", "confidence", "declared", "finding", "here", "retry")

    def __init__(
        self,
        candidate: LessonLike | None,
        confidence: float,
        action: str,
        retry: tuple[str, str] | None = None,
        finding: Finding | None = None,
        here: bool = False,
        declared: DeclaredLike | None = None,
    ) -> None:
        self.declared = declared
        self.candidate = candidate
        self.confidence = confidence
        self.action = action
        self.retry = retry
        self.finding = finding
        self.here = here

    @property
    def key(self) -> str:
        if self.candidate is not None:
            return self.candidate.key
        if self.declared is not None:
            return self.declared.rule_id
        return self.finding.key if self.finding is not None else ""


class Verdict:
    """What to do about the call: `action` (none, warn, stop, ask, block), the lessons that speak, most
    confident first (`fired`), those whose trigger was met and prevention not done (`matched`,
    silent ones included: learning counts them) and those whose prevention was done."""

    __slots__ = ("action", "fired", "matched", "prevented")

    def __init__(self) -> None:
        self.action = NONE
        self.fired: list[Fired] = []
        self.matched: list[LessonLike] = []
        self.prevented: list[LessonLike] = []


def live_confidence(candidate: LessonLike, now: str | None) -> float:
    """The candidate's confidence at `now` (confidence_now over its counts)."""
    return confidence_now(candidate.failed_sessions, candidate.sessions, candidate.last_seen, candidate.stored, now)


def confidence_now(failed_sessions: int, sessions: int, last_seen: str | None, stored: float, now: str | None) -> float:
    """A lesson's confidence at `now`, the one figure shown and decided with everywhere (the hooks,
    replay, every command and page: store/lessons/reader.py): confidence.live_confidence decayed
    for the days since `last_seen`, in [0, 1]."""
    days = days_between(last_seen, now) if last_seen and now else 0.0
    return min(1.0, max(0.0, conf.live_confidence(failed_sessions, sessions, days, stored)))


def remedy_of(
    prevention: str | None, command: str | None, rule: str | None, kind: str | None, title: str
) -> str | None:
    """What a lesson tells the agent to do instead, or the rule the call broke: its prevention,
    else the command that fixed it, else a tool's stated rule (a parameter's limit, in its title)
    or the person's objection (a correction's title); None for a lesson that only says the call
    failed before (a note: it never stops a call)."""
    if prevention:
        return prevention
    if command:
        return f"`{command}`"
    if rule or kind == "correction":
        return title
    return None


def action_for(value: float, origin: str | None, rules: Rules, failed_sessions: int = 0) -> str:
    """warn, stop, ask or block for a lesson of confidence `value`, `origin` and failing sessions
    under `rules` (`decide` then turns a stop its agent or person went past OVERRIDES_TO_NOTE
    times into a warning)."""
    if rules.block and value >= rules.block_at and may_deny(origin):
        return BLOCK
    if rules.ask and value >= rules.ask_at:
        return ASK
    if rules.stop and stops(value, origin, failed_sessions, rules.stop_at):
        return STOP
    return WARN


def _file_rule_met(rule: str, call: PendingCall) -> bool:
    """Whether the call's file has the form a file rule is about: CRLF line ends (LF_ON_CRLF), not
    UTF-8 (NOT_UTF8: a tool said so, the file on disk, or a PowerShell write without -Encoding
    made it)."""
    if call.file_form is None:
        return False
    if rule == LF_ON_CRLF:
        return call.file_form(ENDS) == "crlf"
    return call.file_form(ENCODING) in ("other", "default")


def _garbled_held(call: PendingCall) -> bool:
    """Whether the file holds the garbled run of the edit's old text itself (a file once written
    garbled: the edit finds it there), as the caller can tell (the file on disk for the hooks);
    False when not known."""
    run = garbled_old_text(call.tool_input)
    return run is not None and call.file_form is not None and call.file_form(HOLDS + run) == "yes"


def stops(value: float, origin: str | None, failed_sessions: int, at: float = STOP_AT) -> bool:
    """Whether a lesson has earned stopping a call: this person's own, failing in STOP_SESSIONS
    sessions or more, at confidence `at` or more."""
    return failed_sessions >= STOP_SESSIONS and value >= at and may_deny(origin)


def one_off_stops(origin: str | None) -> bool:
    """Whether a one-off (a candidate: one failing session) may stop a call once where it speaks
    (its own session, its project's later sessions): this person's own lesson (the caller has
    checked it says what to do instead or the rule broken). Chosen on the "tune" parts of the
    hand labels (BENCHMARKS.md, "Replay per corpus": where the repeat happens, issue 80): most
    repeats come in the session of the first failure or the next one, before a second failing
    session; global lessons, rules files, exports and team pushes still wait for STOP_SESSIONS."""
    return may_deny(origin)


def checkable(trigger: Trigger) -> bool:
    """Whether a lesson is a rule checkable before the call: a parameter's rule (a field's length,
    a required field, a format a tool states), a file's form (FILE_RULES). Its trigger meets only
    a call that breaks it, so another call of the same tool that worked says nothing about it."""
    return trigger.param is not None or trigger.rule in FILE_RULES


def _empty_probe(call: PendingCall, output: str) -> bool:
    """Whether the call only looks for something (a search, a listing: analyze/probes.py) and its
    earlier failure said nothing but that nothing was found (no error line): sent again it finds
    nothing again, which is an answer, not a mistake to stop."""
    from lessonloop.analyze.probes import is_probe  # (a resent call only)

    if not is_probe(call.kind, call.segments):
        return False
    from lessonloop.analyze.error_headline import error_headline

    return not error_headline(output)


def decide(
    call: PendingCall,
    candidates: Iterable[LessonLike],
    rules: Rules,
    session: Callable[[bool], SessionState | None],
    prompts: Callable[[], Iterable[str]] | None,
    may_retry: bool = True,
    findings: Iterable[Finding] = (),
    declared: Iterable[DeclaredLike] = (),
) -> Verdict:
    """What to do about `call`, given the lessons that may match it (`candidates`: the caller may
    leave out those that cannot, by kind, key or scope), the session so far (`session(signed)`:
    its state, with each failure's error signature when `signed`; None when nothing is known of
    it), the person's prompts in this session up to now (`prompts()`, None when none are known)
    and whether a call like this one failed earlier in this session (`may_retry`: a cheap test the
    caller may make first; True when unknown), and the built-in rules' findings on what the call
    is about to write (`findings`: each warns, never asks or denies: the text is the agent's own,
    data), and the declared `never` rules the call breaks (`declared`: lessonloop's own stops the
    call once, a project file's warns). Pure: reads only what it is given."""
    verdict = Verdict()
    state: SessionState | None = None
    state_read = False
    signed = False
    said: list[str] | None = None
    outside = escalated(call.tool_input)
    for candidate in candidates:
        trigger = candidate.trigger
        if trigger is None or not trigger.matches_shape(
            call.kind, call.segments, call.target, call.cwd, call.tool, call.tool_input, call.command, call.shell
        ):
            continue
        if trigger.rule in FILE_RULES and not _file_rule_met(trigger.rule, call):
            continue  # the file's form is not the one the rule is about (or is not known)
        if trigger.rule == GARBLED and _garbled_held(call):
            continue  # the file holds the garbled text itself: the edit finds it
        if trigger.needs is not None and (call.file_has is None or call.file_has(trigger.needs) is not False):
            continue  # the file holds what the lesson says it needs (or it is not known)
        if outside and sandbox_failure(candidate.error_signature):
            verdict.prevented.append(candidate)  # asking to run outside the sandbox is the remedy
            continue
        if trigger.unless is not None:
            if trigger.done_inline(call.segments):
                verdict.prevented.append(candidate)
                continue
            if not state_read or (trigger.until_worked and not signed):
                # a general lesson is re-armed by its own error only: the failures' signatures
                signed = signed or trigger.until_worked
                state = session(signed)
                state_read = True
            if state is not None and state.satisfied(
                trigger.unless, call.target, candidate.error_signature, trigger.operand
            ):
                verdict.prevented.append(candidate)
                continue
        if candidate.kind == "correction" and prompts is not None:
            if said is None:
                said = list(prompts())
            if said:
                from lessonloop.lesson_model.prompt_match import asked_in  # (a correction's lesson only)

            if said and asked_in(trigger, said):
                continue  # the person asked for it in this session: their earlier objection does not apply
        if trigger.until_worked and not trigger.speaks_where_learned and candidate.learned_here(call.session_id):
            continue  # learned in this session: the warning about the same call resent speaks here
        verdict.matched.append(candidate)
        if not candidate.remedied:
            # it names no remedy, no rule broken and no check (lesson_model/checks.py): "it failed
            # before" alone teaches an agent nothing, so it is never given (a search that found
            # nothing, where the thing was is not known yet, included)
            continue
        here = note = False
        if candidate.status != "active" or candidate.tier not in rules.warn_tiers:
            if candidate.status != "active" or candidate.tier != "candidate":
                continue
            if not candidate.learned_here(call.session_id):
                # a one-off elsewhere in its project: a note while its confidence holds (rule 4)
                value = live_confidence(candidate, call.ts)
                if value < conf.ONE_OFF_AT or "active" not in rules.warn_tiers or candidate.kind == "correction":
                    continue
                note = True
            else:
                if not signed:
                    state, state_read, signed = session(True), True, True
                if (
                    not checkable(trigger)
                    and trigger.needs is None
                    and (
                        state is None
                        or not state.still_failing(call.kind, call.segments, call.target, candidate.error_signature)
                    )
                ):
                    # (a rule checkable before the call, a file's form or content: each call that
                    # meets it is the same mistake, whatever other call of the tool worked since)
                    continue
                here = True
        if not rules.allows_category(candidate.category):
            continue
        if not note:  # (a note has read it already)
            value = live_confidence(candidate, call.ts)
        if here or note:
            # a one-off that says what to do instead stops once where the repeat happens: in its
            # own session while the call keeps failing, and in its project's later sessions
            where = HERE if here else LATER
            action = STOP if rules.stop and where in ONE_OFF_STOPS and one_off_stops(candidate.origin) else WARN
        else:
            action = action_for(value, candidate.origin, rules, candidate.failed_sessions)
        if action == STOP and (trigger.sought is not None or candidate.checked_only):
            # a search that found nothing (a probe: its empty answer was an answer): a note naming
            # where it was; a lesson that names a check but no remedy (no fix seen yet): a note
            action = WARN
        if action == STOP and candidate.overrides >= OVERRIDES_TO_NOTE:
            action = WARN  # its stops were gone past: a note (read only now, a look-up in the hook's store)
        verdict.fired.append(Fired(candidate, value, action, here=here))
    if may_retry:
        if not state_read or not signed:
            state = session(True)
        if state is not None:
            retry = (
                state.retry_of(call.kind, call.input_key, call.target)
                or state.stale_edit(call.kind, call.target, call.tool_input)
                or state.absent_read(call.kind, call.target)
            )
            if (
                retry is not None
                and retry[0]
                and not any(f.candidate is not None and f.candidate.error_signature == retry[0] for f in verdict.fired)
            ):
                # (a sandbox's refusal: its remedy, a request to run outside it, a hook may not see)
                stop = rules.stop and not sandbox_failure(retry[0]) and not _empty_probe(call, retry[1])
                action = STOP if stop else WARN
                verdict.fired.append(Fired(None, RETRY_CONFIDENCE, action, retry))
    # a high-risk line an edit is about to add: lessonloop's own rule, so it stops once (the line is quoted)
    verdict.fired += [Fired(None, f.confidence, STOP if rules.stop else WARN, finding=f) for f in findings]
    # lessonloop's own rule stops once, and a rule of a project file this person approved as it is;
    # any other project file's rule (a repository's text) warns
    for rule in declared:
        action = STOP if rules.stop and (rule.builtin or rule.approved) else WARN
        verdict.fired.append(Fired(None, DECLARED_CONFIDENCE, action, declared=rule))
    verdict.fired.sort(key=lambda f: (-f.confidence, f.key))
    for fired in verdict.fired:
        if RANK[fired.action] > RANK[verdict.action]:
            verdict.action = fired.action
    return verdict
