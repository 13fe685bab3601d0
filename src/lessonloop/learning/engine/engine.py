"""The learning loop, one call at a time: decide on a call before its result (as the PreToolUse
hook would), then learn from its result.

`Learner.decide` matches the call against every lesson's trigger and says none / warn / ask /
block. `Learner.observe` then counts the call for the lessons it matched (a failure with the
lesson's error, or a success without the prevention), remembers what the session has done, and
turns a failure plus the later success of the same job into a lesson (see episodes.py).
Batch learning (`lessonloop learn`, after ingest) and `lessonloop replay` run the same loop over
the store's history in time order (learning/engine/learning_loop.py), so what replay measures is what
learning does.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from lessonloop.analyze.agent_failures import NOT_AGENT_FAILURES
from lessonloop.analyze.declared_rules import broken_rules
from lessonloop.analyze.edit_risk import MAX_WARNINGS, score_call, warnings
from lessonloop.analyze.error_classes import STOPPED
from lessonloop.analyze.error_headline import failing_check
from lessonloop.analyze.file_encoding import not_utf8
from lessonloop.analyze.file_search import program_of
from lessonloop.analyze.line_endings import CRLF_ENDS, LF_ENDS
from lessonloop.core.tool_kinds import CHANGE_KINDS, EDIT, READ, SHELL, WRITE
from lessonloop.learning.engine.check_lessons import draft_from_progress, drafts_from_check_rejection
from lessonloop.learning.engine.correction_lessons import draft_correction
from lessonloop.learning.engine.declared_lessons import declared_draft
from lessonloop.learning.engine.episodes import Draft, draft_from_episode, recurring_draft, same_job
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.general_lessons import (
    encoding_draft,
    garbled_draft,
    garbled_needle,
    general_draft,
    is_general,
    learnable_failure,
    line_ends_draft,
    line_ends_param,
    retry_lesson,
    teaches_now,
    transient,
)
from lessonloop.learning.engine.instead import remedy
from lessonloop.learning.engine.learnable import OPEN_LIMIT
from lessonloop.learning.engine.policy import Policy as Policy  # re-exported: the learner's users import it from here
from lessonloop.learning.engine.refused_forms import refused_form
from lessonloop.learning.engine.search_lessons import empty_search, found_at, found_remedy, search_draft
from lessonloop.learning.engine.signatures import digest, jaccard, words_text
from lessonloop.lesson_model import decision as one_decision
from lessonloop.lesson_model.lesson import Evidence, Lesson
from lessonloop.lesson_model.quoting import unlabelled
from lessonloop.lesson_model.stand_ins import general_remedy
from lessonloop.lesson_model.triggers import SessionState, Trigger, relative_path

HISTORY = 200  # calls remembered per context, for "what happened between failure and fix"


@dataclass(slots=True)
class Fired:
    lesson: Lesson
    confidence: float
    action: str  # warn | stop | ask | block


@dataclass(slots=True)
class Decision:
    """What the PreToolUse check says about one call, and which lessons it matched."""

    action: str = "none"  # none | warn | stop | ask | block
    fired: list[Fired] = field(default_factory=list)
    matched: list[Lesson] = field(default_factory=list)  # trigger met, prevention not done
    prevented: list[Lesson] = field(default_factory=list)  # trigger met, prevention done
    # the edit check's rules that spoke (no lesson: a high-risk line the edit adds), with what each does
    findings: list[tuple[str, str]] = field(default_factory=list)
    # the declared `never` rules the call breaks, with what each does (analyze/declared_rules.py)
    declared: list[tuple[str, str]] = field(default_factory=list)
    # the lessons that would stop the call, when the same call was stopped before in its session: it
    # runs now and nothing is said (the hook's "override", apply/hooks/pre_tool.py `_once`)
    overridden: list[Lesson] = field(default_factory=list)

    @property
    def warned(self) -> bool:
        return self.action != "none"


@dataclass(frozen=True, slots=True)
class FirstFailure:
    """An error signature's first failure, for a test or setup failure that recurs in another
    session (Learner._recurring): where it failed, and once the same job got past it there, the
    call that did and the files changed in between."""

    session_id: str
    call_id: str
    fixed_by: str = ""  # the files changed between the failure and `past_call`, comma-separated
    past_call: str = ""  # the call of the same job that got past it ("": none yet)


class Learner:
    """Lessons in memory, learned call by call."""

    def __init__(
        self,
        policy: Policy | None = None,
        lessons: Iterable[Lesson] = (),
        prompts: Mapping[str, Sequence[tuple[str, str]]] | None = None,
        disk: Callable[[CallEvent, str], bool | None] | None = None,
    ) -> None:
        self.policy = policy or Policy()
        # whether the file a lesson needs held its text when a call came up (Trigger.needs): the
        # transcripts' views of it for replay and batch learning (learning/engine/file_views.py); None: not known
        self.disk = disk
        # main session -> the person's prompts (time, text), read from the store: a lesson learned
        # from a person's rejection does not warn against what the person asked for in the session
        self.prompts: Mapping[str, Sequence[tuple[str, str]]] = prompts or {}
        # the workflow rules files this person approved (path -> digest of the bytes approved;
        # store/approved_rules.py): their `never` rules stop a call once, as lessonloop's own do
        self.approved_rules: Mapping[str, str] = {}
        self.lessons: dict[str, Lesson] = {}
        self.aliases: dict[str, str] = {}
        self._by_kind: dict[str, list[Lesson]] = {}
        self._counted: dict[str, set[str]] = {}  # lesson signature -> failing call ids counted
        self._states: dict[str, SessionState] = {}
        self._open: dict[str, list[tuple[int, CallEvent]]] = {}
        self._history: dict[str, deque[tuple[int, CallEvent]]] = {}
        self._touched: dict[str, set[str]] = {}  # session -> lessons it is a trial of, still running
        self._warned: dict[str, list[tuple[str, str]]] = {}  # session -> (warned call, lesson) not yet followed
        self._first_failed: dict[str, FirstFailure] = {}  # error signature -> its first failure
        self._contexts: dict[str, dict[str, None]] = {}  # session -> its contexts (main, subagents), in order seen
        self._clock = 0
        # session -> the empty file searches not yet found elsewhere: (pattern, program, lesson)
        self._sought: dict[str, list[tuple[str, str, str]]] = {}
        self._errors: set[str] = set()  # the error signatures of trigger-less lessons (recalled, not warned)
        # session -> the calls a lesson stopped there, by (tool, input key): sent again, they run
        self._stopped: dict[str, set[tuple[str, str]]] = {}
        # session -> file -> its edit that failed with LF line ends in its old text, while the
        # session had not shown the file's line ends: (the failure, the old text's parameter)
        self._undiagnosed: dict[str, dict[str, tuple[CallEvent, str]]] = {}
        for lesson in lessons:
            self._register(lesson)

    # ------------------------------------------------------------------ deciding

    def decide(self, event: CallEvent, edit_checks: bool = True) -> Decision:
        """Match `event` against the lessons before its result is known: the one decision
        (lesson_model/decision.py), as every agent's PreToolUse hook makes it. Without
        `edit_checks`, the built-in rules' warnings on what an edit adds are left out (its
        `findings`, and the action they alone raise): what the lessons matched, prevented and
        fired is the same, and is all that learning from the call reads."""
        call = event.call
        project = event.project
        candidates = [
            lesson
            for lesson in self._by_kind.get(call.kind, ())
            if lesson.trigger is not None and lesson.reaches(project, event.session_id)
        ]
        state = self._states.get(event.session_id)
        verdict = one_decision.decide(
            one_decision.PendingCall(
                event.session_id,
                call.kind,
                event.hook_tool,
                event.segments,
                call.target_path,
                event.cwd,
                event.hook_input,
                call.command,
                event.input_key,
                event.ts,
                event.shell,
                (lambda aspect: state.form(aspect, call.target_path)) if state is not None else None,
                (lambda needs: disk(event, needs)) if (disk := self.disk) is not None else None,
            ),
            candidates,
            self.policy.rules(),
            lambda _signed: state,
            (lambda: prompts_before(self.prompts, event)) if self.prompts else None,
            may_retry=state is not None,
            findings=edit_findings(event) if edit_checks else (),
            declared=broken_rules(call, project, event.cwd, self.approved_rules.get),
        )
        decision = Decision(
            action=verdict.action,
            matched=[self._lesson(c) for c in verdict.matched],
            prevented=[self._lesson(c) for c in verdict.prevented],
        )
        for fired in verdict.fired:
            if fired.candidate is not None:
                decision.fired.append(Fired(self._lesson(fired.candidate), fired.confidence, fired.action))
            elif fired.retry is not None:
                decision.fired.append(
                    Fired(retry_lesson(fired.retry[0], fired.retry[1], event), fired.confidence, fired.action)
                )
            elif fired.declared is not None:
                decision.declared.append((fired.declared.rule_id, fired.action))
            elif fired.finding is not None:
                decision.findings.append((fired.finding.key, fired.action))
        if decision.action == one_decision.STOP:
            self._stop_once(event, decision)
        if decision.action not in (one_decision.STOP, one_decision.BLOCK) and call.kind in CHANGE_KINDS:
            self._stopped.pop(event.session_id, None)  # a change: a call stopped before is a new attempt
        return decision

    def _stop_once(self, event: CallEvent, decision: Decision) -> None:
        """A lesson stops a call once, as the hook does (apply/hooks/pre_tool.py `_once`): the same
        call (tool and input) sent again in the session after its stop, with no edit or write in
        between (`decide`), runs, and nothing is said
        about it (an override: the agent insisted); the lessons that would have stopped it are
        kept in `overridden`, whose result then counts for or against them (`_count`)."""
        key = (event.hook_tool, event.input_key)
        stopped = self._stopped.setdefault(event.session_id, set())
        if key not in stopped:
            stopped.add(key)
            return
        decision.overridden = [f.lesson for f in decision.fired if f.action == one_decision.STOP]
        decision.action = one_decision.NONE
        decision.fired = []
        decision.findings = []
        decision.declared = []

    @staticmethod
    def _lesson(candidate: object) -> Lesson:
        assert isinstance(candidate, Lesson)
        return candidate

    # ------------------------------------------------------------------ learning

    def observe(self, event: CallEvent, decision: Decision | None = None, learn: bool = True) -> list[Lesson]:
        """Take in `event`'s result: count it for the lessons `decision` matched, remember what the
        session did, and learn from a fixed failure. Returns lessons created or reinforced by a fix."""
        self._clock += 1
        call = event.call
        if decision is None:
            decision = self.decide(event)
        if learn:
            self._count(event, decision)
            if call.ok and event.session_id in self._warned:
                self._credit_warnings(event)
        state = self._states.get(event.session_id)
        if state is None:
            state = self._states[event.session_id] = SessionState()
        state.record(
            call.kind,
            call.ok,
            event.segments,
            call.target_path,
            call.error_text,
            event.signature,
            event.reads(),
            call.input,
            call.command,
            own=call.ok or (event.error_class or "") not in NOT_AGENT_FAILURES,
            key=event.input_key,
            result_text=call.result_text if call.ok and call.kind == READ else None,
            forms=event.file_forms(),
        )
        context = call.context_id
        history = self._history.get(context)
        if history is None:
            history = self._history[context] = deque(maxlen=HISTORY)
            self._contexts.setdefault(event.session_id, {})[context] = None
        learned: list[Lesson] = []
        if learn:
            if event.learnable:
                if context in self._open:
                    learned = self._checked_again(event, history)
                learned += self._recurring(event)
                for draft in drafts_from_check_rejection(event, [e for _, e in history]):
                    learned.append(self.adopt(draft, event))
                self._open.setdefault(context, []).append((self._clock, event))
            elif call.ok and context in self._open:
                learned = self._resolve(event, history)
            if learnable_failure(event):
                learned += self._general(event, decision, learned)
            learned += self._searched(event)
            learned += self._file_form_lessons(event, state)
            self._expire(context)
        history.append((self._clock, event))
        return learned

    def _count(self, event: CallEvent, decision: Decision) -> None:
        call = event.call
        if event.error_class == STOPPED:
            # A hook stopped it before it ran: neither a failure nor a success of any trigger. The
            # lessons it met were given as the stop's reason: the session's next call that does what
            # one says is a success after prevention (as after a warning the hooks recorded).
            self.warned(event, [lesson.signature for lesson in decision.matched])
            return
        for lesson in decision.matched:
            if lesson.kind == "correction":
                failed_here = call.status == "rejected"
            else:
                failed_here = call.status == "error" and event.failed_with(lesson.error_signature)
            seen = event.session_id in lesson.session_failed
            if failed_here:
                self._count_failure(lesson, event)
            elif not seen:
                # A trial whose outcome is known when the session ends (see end_session).
                lesson.session_failed[event.session_id] = None
                self._touched.setdefault(event.session_id, set()).add(lesson.signature)
                if call.ok:
                    lesson.add_evidence(_evidence("success", event))
            lesson.recount()
        if call.ok:
            for lesson in decision.prevented:
                lesson.prevented += 1
                lesson.add_evidence(_evidence("prevented", event))
        for lesson in decision.overridden:
            # a call a lesson stopped, sent again and run: one that then fails with the lesson's error
            # confirms it (counted above); only one that worked goes against its stop
            if call.ok:
                lesson.overridden += 1
        for fired in decision.fired:
            lesson = fired.lesson
            lesson.warnings += 1
            if lesson.kind == "correction" and call.status == "rejected":
                lesson.warned_right += 1  # the person objected again: the warning was right
            elif call.status == "error" and event.failed_with(lesson.error_signature):
                lesson.warned_right += 1
            elif call.ok:
                lesson.false_alarms += 1  # succeeded without the prevention (else it would not fire)
            lesson.recount()

    def warned(self, event: CallEvent, signatures: Iterable[str]) -> None:
        """A hook really warned about `event` with these lessons (before its result): the next
        successful call of the session that does what a lesson says counts as a success after
        prevention for it (see `_credit_warnings`)."""
        pending = self._warned.setdefault(event.session_id, [])
        for signature in signatures:
            signature = self.aliases.get(signature, signature)
            if signature in self.lessons and (event.call.id, signature) not in pending:
                pending.append((event.call.id, signature))

    def _credit_warnings(self, event: CallEvent) -> None:
        call = event.call
        still: list[tuple[str, str]] = []
        for warned_call, signature in self._warned.get(event.session_id, []):
            lesson = self.lessons.get(signature)
            trigger = lesson.trigger if lesson is not None else None
            if lesson is None or trigger is None:
                continue
            if warned_call != call.id and trigger.prevention_done_by(
                call.kind, event.segments, call.target_path, event.cwd, event.hook_tool
            ):
                lesson.prevented += 1
                evidence = _evidence("prevented", event)
                evidence.detail = {"after_warning": warned_call}
                lesson.add_evidence(evidence)
            else:
                still.append((warned_call, signature))
        self._warned[event.session_id] = still

    def end_session(self, session_id: str) -> None:
        """A session ended: every lesson it was a trial of and did not fail counts it as a success
        of the trigger without the prevention. Its contexts' histories and open failures go: an
        ended session has no more calls (memory stays bounded by the sessions still running)."""
        self._states.pop(session_id, None)
        self._warned.pop(session_id, None)
        self._sought.pop(session_id, None)
        self._undiagnosed.pop(session_id, None)
        self._stopped.pop(session_id, None)
        for context in self._contexts.pop(session_id, ()):
            self._history.pop(context, None)
            self._open.pop(context, None)
        for signature in self._touched.pop(session_id, ()):
            lesson = self.lessons.get(signature)
            if lesson is not None and lesson.session_failed.get(session_id, False) is None:
                lesson.session_failed[session_id] = False
                lesson.recount()

    def end_all_sessions(self) -> None:
        """End every session still open (batch learning over a complete history)."""
        for session_id in list(self._touched):
            self.end_session(session_id)

    def _count_failure(self, lesson: Lesson, event: CallEvent) -> None:
        counted = self._counted.setdefault(lesson.signature, set())
        if event.call.id in counted:
            return
        counted.add(event.call.id)
        lesson.session_failed[event.session_id] = True
        lesson.observations += 1
        if event.ts and (lesson.last_seen is None or event.ts > lesson.last_seen):
            lesson.last_seen = event.ts
        if event.ts and (lesson.first_seen is None or event.ts < lesson.first_seen):
            lesson.first_seen = event.ts
        if event.project:
            lesson.projects.add(event.project)
        lesson.add_evidence(_evidence("failure", event))

    def _resolve(self, fix: CallEvent, history: deque[tuple[int, CallEvent]]) -> list[Lesson]:
        context = fix.call.context_id
        still_open: list[tuple[int, CallEvent]] = []
        learned: list[Lesson] = []
        for opened, failure in self._open.get(context, []):
            if not same_job(failure, fix):
                still_open.append((opened, failure))
                continue
            between = [e for when, e in history if when > opened]
            # the calls before the failure, when the context's whole start is remembered (else a
            # read before the window would look like none: episodes._reread_cause)
            earlier = [e for when, e in history if when < opened] if len(history) < HISTORY else None
            # (a refused form of the line is its own lesson: the fix's flags are not what fixed it)
            draft = (
                None
                if refused_form(failure)
                else draft_from_episode(failure, fix, between, earlier) or declared_draft(failure, fix, between)
            )
            if draft is not None:
                learned.append(self.adopt(draft, failure, fix))
            else:
                self._note_fix(failure, fix, between)
                learned += self._credit_fix(failure, fix, between)
                learned += self._remedy(failure, fix)
        self._open[context] = still_open
        return learned

    def _checked_again(self, event: CallEvent, history: deque[tuple[int, CallEvent]]) -> list[Lesson]:
        """A job failing again after a failure of the same job in this context, on another error: it
        got past the earlier check (learning/engine/check_lessons.py)."""
        context = event.call.context_id
        still_open: list[tuple[int, CallEvent]] = []
        learned: list[Lesson] = []
        for opened, failure in self._open.get(context, []):
            if not same_job(failure, event):
                still_open.append((opened, failure))
                continue
            between = [e for when, e in history if when > opened]
            if failure.signature != event.signature:
                draft = draft_from_progress(failure, event, between) or declared_draft(failure, event, between)
                if draft is not None:
                    learned.append(self.adopt(draft, failure, event))
                    continue
                self._note_fix(failure, event, between)  # past that failure, by what changed between
            still_open.append((opened, failure))
        self._open[context] = still_open
        return learned

    def _recurring(self, event: CallEvent) -> list[Lesson]:
        """A test or setup failure that failed the same way in an earlier session learns a lesson
        (what fixed it there, when known); no trigger: it is recalled, not warned about per call."""
        signature = event.signature
        if signature is None:
            return []
        first = self._first_failed.get(signature)
        if first is None:
            self._first_failed[signature] = FirstFailure(event.session_id, event.call.id)
            return []
        if first.session_id == event.session_id or not first.past_call or failing_check(signature) is not None:
            return []  # the same session, never got past it there, or a check lesson's job
        if any(lesson.error_signature == signature for lesson in self.lessons.values()):
            return []
        draft = recurring_draft(event, first.session_id, first.fixed_by)
        if draft is None:
            return []
        lesson = self.adopt(draft, event)
        lesson.add_evidence(Evidence("failure", first.session_id, first.call_id, None, None, None, event.project))
        lesson.add_evidence(Evidence("fix", first.session_id, first.past_call, None, None, None, event.project))
        return [lesson]

    def _general(self, event: CallEvent, decision: Decision, learned: list[Lesson]) -> list[Lesson]:
        """A failure no lesson of its error covers teaches its own intent (general_lessons.py):
        at once when its class says the call was wrong, else when the same error comes back, in
        another session or a second time in its own (not a failure of the moment there). Covered: a stored lesson of its error warned about the call, or one was
        learned from it just now, or a trigger-less lesson of its error exists (a recurring
        failure's). A lesson of its error that matched and stayed silent (demoted, its step done)
        does not cover it: it was wrong about this call."""
        signature = event.signature or ""
        if any(f.lesson.error_signature == signature for f in decision.fired if f.lesson.trigger is not None):
            return []  # a lesson of this error warned about the call
        if any(lesson.error_signature == signature for lesson in learned):
            return []
        if signature in self._errors:
            return []  # a trigger-less lesson of this error: recalled, not warned, on purpose
        first = self._first_failed.get(signature)
        if first is None:
            self._first_failed[signature] = FirstFailure(event.session_id, event.call.id)
        if not teaches_now(event) and (
            first is None
            or first.call_id == event.call.id
            or (first.session_id == event.session_id and (transient(event) or first.past_call))
        ):
            # (issue 83: the same error a second time in its session teaches, though no fix was
            # seen: what fails and what to check; a failure of the moment still waits for another
            # session, and one the same job got past in between is work in progress)
            return []
        draft = general_draft(event)
        if draft is None:
            return []
        if (
            not teaches_now(event)
            and first is not None
            and first.session_id == event.session_id
            and not draft.prevention
        ):
            return []  # again in its session with nothing to check (a test run while fixing): work in progress
        return [self.adopt(draft, event)]

    def saw_line_ends(self, session_id: str, path: str, ends: str) -> None:
        """The line ends of a file, known from elsewhere before the session's next calls (the
        hooks: the file on disk)."""
        state = self._states.get(session_id)
        if state is None:
            state = self._states[session_id] = SessionState()
        state.endings[path] = ends

    def _file_form_lessons(self, event: CallEvent, state: SessionState) -> list[Lesson]:
        """A failure caused by its file's form teaches that cause and its remedy, at once: the
        file's form is a fact. A tool that says the file is not UTF-8 (general_lessons.encoding_draft);
        an edit whose old text held characters garbled by a read in the wrong encoding
        (general_lessons.garbled_draft);
        an edit that did not find its old text, whose text had LF line ends, on a file the session
        shows with CRLF ones, before the edit or by a read after it (line_ends_draft)."""
        call = event.call
        target = call.target_path
        if not target:
            return []
        if call.status == "error" and event.signature and call.kind in (EDIT, READ) and not_utf8(call.error_text):
            return [self.adopt(encoding_draft(event), event)]
        run = garbled_needle(call) if event.signature else None
        if run is not None:
            return [self.adopt(garbled_draft(event, run), event)]
        pending = self._undiagnosed.get(event.session_id)
        param = line_ends_param(call) if event.signature else None
        if param is not None:
            if state.endings.get(target) == CRLF_ENDS:
                return [self.adopt(line_ends_draft(event, param), event)]
            self._undiagnosed.setdefault(event.session_id, {})[target] = (event, param)
            return []
        if pending is None or target not in pending or not call.ok:
            return []
        ends = state.endings.get(target)
        if ends == CRLF_ENDS:
            failure, param = pending.pop(target)
            return [self.adopt(line_ends_draft(failure, param), failure)]
        if ends == LF_ENDS or call.kind in (EDIT, WRITE):
            del pending[target]  # LF line ends (or a change of it): not that cause
        return []

    def _searched(self, event: CallEvent) -> list[Lesson]:
        """A search for a file by name that found nothing teaches the same search again
        (search_lessons.py); a later call of the session that meets a file of that name says
        where it was: the lesson's remedy."""
        found = empty_search(event) if event.project else None  # (a lesson of its project: none without one)
        if found is not None:
            words, pattern = found
            lesson = self.adopt(search_draft(event, words, pattern), event)
            self._sought.setdefault(event.session_id, []).append((pattern, program_of(words) or "rg", lesson.signature))
            return [lesson]
        pending = self._sought.get(event.session_id)
        if not pending or not event.call.ok:
            return []
        changed: list[Lesson] = []
        still: list[tuple[str, str, str]] = []
        for pattern, program, signature in pending:
            path = found_at(pattern, event)
            known = self.lessons.get(self.aliases.get(signature, signature))
            if path is None or known is None:
                still.append((pattern, program, signature))
                continue
            if not known.edited:
                known.prevention = found_remedy(program, pattern, path)
                known.add_evidence(_evidence("fix", event))
                changed.append(known)
        self._sought[event.session_id] = still
        return changed

    def _remedy(self, failure: CallEvent, fix: CallEvent) -> list[Lesson]:
        """The same intent worked after a failure that taught a general lesson: what worked is the
        lesson's remedy."""
        found = remedy(failure, fix)
        if found is None:
            return []
        ask_at = self.policy.rules().ask_at
        changed: list[Lesson] = []
        for lesson in self._by_kind.get(failure.call.kind, ()):
            if lesson.error_signature != failure.signature or lesson.edited:
                continue
            if lesson.prevention and not general_remedy(lesson.prevention):
                continue  # a remedy of its own: a stand-in or the outside-prerequisite one may be replaced
            if not is_general(lesson) or failure.call.id not in self._counted.get(lesson.signature, ()):
                continue  # another intent's lesson of the same error (a timeout of another command)
            if found.forces and lesson.base_confidence < ask_at:
                continue  # a forcing option is never taught by a lesson not yet confident enough to ask
            lesson.prevention, lesson.prevention_command = found.text, found.command
            lesson.add_evidence(_evidence("fix", fix))
            changed.append(lesson)
        return changed

    def _credit_fix(self, failure: CallEvent, fix: CallEvent, between: list[CallEvent]) -> list[Lesson]:
        """The job worked after the step a lesson of this failure's error names (a check lesson
        learned at the rejection: `mix dialyzer` ran, then the commit went through): its fix."""
        credited: list[Lesson] = []
        for lesson in self.lessons.values():
            unless = lesson.trigger.unless if lesson.trigger is not None else None
            if lesson.error_signature != failure.signature or unless is None or unless.since == "read":
                continue
            if any(e.call.ok and unless.done_by(e.call.kind, e.segments) for e in between):
                lesson.add_evidence(_evidence("fix", fix))
                credited.append(lesson)
        return credited

    def _note_fix(self, failure: CallEvent, past: CallEvent, between: list[CallEvent]) -> None:
        """Remember what changed between a failure and the same job getting past it (`past`), for
        a recurrence in another session."""
        signature = failure.signature or ""
        first = self._first_failed.get(signature)
        if first is not None and first.call_id == failure.call.id and not first.past_call:
            changed = dict.fromkeys(
                relative_path(e.call.target_path, e.cwd)
                for e in between
                if e.call.ok and e.call.kind in (EDIT, WRITE) and e.call.target_path
            )
            self._first_failed[signature] = replace(first, fixed_by=", ".join(changed), past_call=past.call.id)

    def _expire(self, context: str) -> None:
        pending = self._open.get(context)
        if pending and self._clock - pending[0][0] > OPEN_LIMIT:
            self._open[context] = [(when, e) for when, e in pending if self._clock - when <= OPEN_LIMIT]

    def adopt(self, draft: Draft, failure: CallEvent, fix: CallEvent | None = None) -> Lesson:
        """Add what `draft` teaches: a new lesson, or more evidence for the same (or a nearly
        identical) one."""
        draft.trigger = hook_named(draft.trigger, failure)
        signature = lesson_signature(draft.kind, draft.trigger, draft.error_signature)
        if draft.own_project:
            signature = digest(signature, failure.project or "")
        signature = self.aliases.get(signature, signature)
        lesson = self.lessons.get(signature)
        if lesson is None and not draft.own_project:
            lesson = self._near_duplicate(draft)
            if lesson is not None:
                self.aliases[signature] = lesson.signature
        if lesson is None:
            lesson = Lesson(
                signature=signature,
                kind=draft.kind,
                title=draft.title,
                body=draft.body,
                trigger=draft.trigger,
                error_signature=draft.error_signature,
                error_class=draft.error_class,
                prevention=draft.prevention,
                prevention_command=draft.prevention_command,
                category=draft.category,
                base_severity=draft.base_severity,
                status="pending" if self.policy.review else "active",
                agent=failure.agent,
                model=failure.model,
                machine_wide=draft.machine_wide,
                own_project=draft.own_project,
            )
            self._register(lesson)
            _learned_in(lesson, failure.shell)
        else:
            _seen_in(lesson, failure.shell)
        if not is_general(lesson):
            self._supersede(lesson, draft.error_signature, failure.call.id)
        self._count_failure(lesson, failure)
        if fix is not None:
            lesson.add_evidence(_evidence("fix", fix))
        lesson.recount()
        return lesson

    def _supersede(self, lesson: Lesson, error_signature: str, call_id: str) -> None:
        """A lesson made for a shape of failure (a flag, a step, a path, a check) replaces the
        general lessons the same failing call taught: it says what to do, where they only repeat
        the error. Their signatures become its aliases."""
        for other in list(self._by_kind.get(lesson.trigger.kind if lesson.trigger else "", ())):
            if other is lesson or other.error_signature != error_signature or not is_general(other):
                continue
            if call_id not in self._counted.get(other.signature, ()):
                continue  # the same error on another call (another path): its own lesson
            self._by_kind[other.trigger.kind if other.trigger else ""].remove(other)
            del self.lessons[other.signature]
            self.aliases[other.signature] = lesson.signature
            for alias, target in list(self.aliases.items()):
                if target == other.signature:
                    self.aliases[alias] = lesson.signature

    def _near_duplicate(self, draft: Draft) -> Lesson | None:
        words = words_text(unlabelled(draft.title))
        best: tuple[float, Lesson] | None = None
        for lesson in self._by_kind.get(draft.trigger.kind if draft.trigger else "", []):
            if lesson.kind != draft.kind or lesson.error_class != draft.error_class or lesson.trigger is None:
                continue
            if failing_check(lesson.error_signature) != failing_check(draft.error_signature):
                continue  # another check's rejection is another skipped step, however alike the titles
            if (
                draft.trigger is None
                or lesson.trigger.words != draft.trigger.words
                or lesson.trigger.tool != draft.trigger.tool
                or lesson.trigger.operand != draft.trigger.operand  # another file is another lesson
                or lesson.trigger.path != draft.trigger.path
                or lesson.trigger.param != draft.trigger.param
                or lesson.trigger.sought != draft.trigger.sought
            ):
                continue
            score = jaccard(words, words_text(unlabelled(lesson.title)))
            if score >= self.policy.near_duplicate and (best is None or score > best[0]):
                best = (score, lesson)
        return best[1] if best else None

    def _register(self, lesson: Lesson) -> None:
        self.lessons[lesson.signature] = lesson
        if lesson.error_signature and lesson.trigger is None:
            self._errors.add(lesson.error_signature)
        if lesson.trigger is not None:
            self._by_kind.setdefault(lesson.trigger.kind, []).append(lesson)

    # ------------------------------------------------------------------ corrections

    def correction(
        self,
        session_id: str,
        project: str | None,
        message_uuid: str,
        ts: str | None,
        kind: str,
        text: str,
        corrected: list[CallEvent],
    ) -> Lesson | None:
        """A person's correction: a rejection of a specific call, or a typed correction stating an
        instruction; each applies to the calls it was about (learning/engine/correction_lessons.py). A
        rejection's lesson is its project's (`own_project`): never global, and none without a project.
        Interrupts teach nothing on their own: stopping a long command is not saying it was
        wrong."""
        draft = draft_correction(kind, text, corrected)
        if draft is None:
            return None
        rejection = kind == "rejection"
        if rejection and not project:
            return None  # a rejection's lesson stays in its project: with none, it would apply everywhere
        trigger, target = draft.trigger, draft.call
        key = (trigger.key() if trigger else "", draft.title if trigger is None else "")
        # A rejection is about its project: the same call rejected in another is another lesson there.
        signature = digest("correction", *key, project or "") if rejection else digest("correction", *key)
        signature = self.aliases.get(signature, signature)
        lesson = self.lessons.get(signature)
        if lesson is None:
            lesson = Lesson(
                signature=signature,
                kind="correction",
                title=draft.title,
                body=draft.body,
                trigger=trigger,
                error_signature=f"{trigger.label}|corrected" if trigger else None,
                error_class="USER_CORRECTION",
                prevention=draft.prevention,
                category="correction",
                base_severity="medium",
                status="pending" if self.policy.review else "active",
                own_project=rejection,
            )
            self._register(lesson)
        lesson.session_failed[session_id] = True
        counted = self._counted.setdefault(lesson.signature, set())
        if kind != "rejection" or target is None or target.call.id not in counted:  # _count may have counted it
            lesson.observations += 1
        if kind == "rejection" and target is not None:
            counted.add(target.call.id)
        if project:
            lesson.projects.add(project)
        if ts and (lesson.last_seen is None or ts > lesson.last_seen):
            lesson.last_seen = ts
        if ts and (lesson.first_seen is None or ts < lesson.first_seen):
            lesson.first_seen = ts
        lesson.add_evidence(
            Evidence(
                "correction",
                session_id,
                target.call.id if target else None,
                message_uuid,
                None,
                ts,
                project,
                {"kind": kind},
            )
        )
        lesson.recount()
        return lesson


def hook_named(trigger: Trigger | None, event: CallEvent) -> Trigger | None:
    """`trigger`, its tool (a parameter's rule, a tool of kind "other") named as the agent's hook
    names the call's (CallEvent.hook_tool): the lesson then matches the live call, and merges with
    the one the hook learns from the same mistake (issue 80, one tool identity per agent)."""
    if trigger is None or trigger.tool is None or trigger.tool != event.call.tool or event.hook_tool == trigger.tool:
        return trigger
    named = copy.copy(trigger)  # (a draft's trigger may be another lesson's too)
    named.tool = event.hook_tool
    return named


def edit_findings(event: CallEvent) -> list[one_decision.Finding]:
    """The built-in rules' warnings on the lines an edit or write is about to add, as the PreToolUse
    hook's edit check gives them (analyze/edit_risk.py): the rule ids, at most MAX_WARNINGS."""
    if event.call.kind not in (EDIT, WRITE) and event.call.tool != "apply_patch":
        return []
    call = event.call
    if event.hook_tool != call.tool:  # scored as the agent's hook hands it (a Codex patch as its Edit)
        call = copy.copy(call)
        call.tool, call.input = event.hook_tool, event.hook_input or {}
    found = warnings(score_call(call))[:MAX_WARNINGS]
    return [one_decision.Finding(f, f.rule, f.confidence) for f in found]


def prompts_before(prompts: Mapping[str, Sequence[tuple[str, str]]], event: CallEvent) -> list[str]:
    """The person's prompts of `event`'s session up to the call (an untimed prompt counts)."""
    return [text for ts, text in prompts.get(event.session_id, ()) if not ts or not event.ts or ts <= event.ts]


def lesson_signature(kind: str, trigger: Trigger | None, error_signature: str) -> str:
    """The exact-merge key of a learned lesson."""
    return digest(kind, trigger.key() if trigger else "", error_signature)


def _evidence(role: str, event: CallEvent) -> Evidence:
    return Evidence(role, event.session_id, event.call.id, None, None, event.ts or None, event.project)


def _learned_in(lesson: Lesson, shell: str | None) -> None:
    """A new shell lesson holds in the shell its failure ran in (Trigger.shell), when known."""
    trigger = lesson.trigger
    if trigger is not None and trigger.kind == SHELL and shell is not None and trigger.shell != shell:
        lesson.trigger = copy.copy(trigger)  # (a draft's trigger may be another lesson's too)
        lesson.trigger.shell = shell


def _seen_in(lesson: Lesson, shell: str | None) -> None:
    """A shell lesson whose failure comes back in another shell holds in every shell."""
    trigger = lesson.trigger
    if trigger is not None and trigger.shell is not None and shell is not None and shell != trigger.shell:
        lesson.trigger = copy.copy(trigger)
        lesson.trigger.shell = None
