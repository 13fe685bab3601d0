"""Lessons from checks that reject a job: a project's pre-commit hook, a linter run by the agent
harness. Two episodes teach without waiting for the job to succeed:

- got past the check: a job rejected by one check (`[CREDO]`) runs again after a step the rejection
  names (`mix credo`) and fails on something else (`[DIALYZER]`): that step got it past the first
  check, so it is learned as the step to take first, as a success would teach it (episodes.py);
- rejected by a named check: a commit (or push) is rejected by its hook's check (`[DIALYZER]`)
  while that check's command had not run since the files changed; the check's own command
  (`mix dialyzer`, from analyze/commands' table of known checks, the program the project runs its
  other checks with) is the step to take first, again after changing the files it checks. A
  rejection repeated by the same check, still without running it, is more evidence for it.

The check's name comes from the error's headline (analyze/error_headline.py): a hook's first
`[NAME]` section, pre-commit's `name Failed`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from lessonloop.analyze.commands import CHECK_COMMAND_KINDS, check_commands_named, words_kinds
from lessonloop.analyze.error_headline import failing_check
from lessonloop.core.tool_kinds import CHANGE_KINDS
from lessonloop.learning.engine.episodes import Draft, _failing_segment, _head, _step_draft, _usage_draft, show_command
from lessonloop.learning.engine.events import CallEvent
from lessonloop.lesson_model.quoting import tool_output
from lessonloop.lesson_model.triggers import Trigger, Unless, extensions_for


def draft_from_progress(failure: CallEvent, later: CallEvent, between: Sequence[CallEvent]) -> Draft | None:
    """`later` does `failure`'s job and fails on another error: a step between that the first
    error names got it past the first check (the step lesson of episodes.py)."""
    if failure.signature is None or later.signature in (None, failure.signature):
        return None
    if failing_check(failure.signature) is None or not failure.segments or not later.segments:
        return None
    return _step_draft(failure, later, between)


def drafts_from_check_rejection(first: CallEvent, seen: Sequence[CallEvent]) -> list[Draft]:
    """The check-rejection lesson (draft_from_check_rejection) of each check the rejection names
    as failing: `[FORMAT]`, `[CREDO]` and `[DIALYZER]` rejecting one commit are three skipped steps."""
    out: list[Draft] = []
    for signature in (first.signature, *first.also_failed):
        draft = draft_from_check_rejection(first, seen, signature)
        if draft is not None:
            out.append(draft)
    return out


def draft_from_check_rejection(
    first: CallEvent, seen: Sequence[CallEvent], signature: str | None = None
) -> Draft | None:
    """A commit or push rejected by its hook's named check (`[DIALYZER]`; `signature`: that
    check's, the rejection's own by default) when the check's command had not run since the last
    change (`seen`: the context's calls before the rejection): run it first. Each such rejection
    (the same check again) is more evidence for the same lesson."""
    signature = signature or first.signature
    name = failing_check(signature)
    if name is None or not first.segments:
        return None
    failed = _failing_segment(first)
    if not words_kinds(failed) & _GATED:
        return None  # a check run by itself (a lint script) is not a job a hook gates
    for event in reversed(seen):
        if event.call.ok and any(name in (w.lower() for w in words) for words in event.segments):
            return None  # the agent ran the check: being rejected by it is the code, not a skipped step
        if event.call.ok and event.call.kind in CHANGE_KINDS:
            break
    step = _check_command(name, seen, (first.call.error_text or "")[:4000].replace("\\n", "\n"))
    if step is None:
        return None
    head = _head(failed)
    unless = Unless(step, (), "change", extensions_for(step), name)
    trigger = Trigger(first.call.kind, head, (), None, None, unless, first.call.tool)
    headline = (signature or "").split("|", 1)[-1]
    step_text = " ".join(step)
    return _usage_draft(
        first,
        trigger,
        title=f"`{' '.join(head)}` is rejected by the {name} check unless `{step_text}` ran first: {tool_output(headline)}",
        body=(
            f"`{show_command(failed, first.branch)}` was rejected by its hook's {name} check ({first.error_class}): "
            f"{tool_output(headline)} `{step_text}` had not run since the files changed."
        ),
        prevention=f"Run `{step_text}` before `{' '.join(head)}` (again after changing files it checks).",
        command=step_text,
        category=step[0],
        signature=signature,
    )


_GATED = frozenset({"git_commit", "git_push"})


def _check_command(name: str, seen: Sequence[CallEvent], text: str) -> tuple[str, ...] | None:
    """The command that runs check `name`: a known check command naming it that the error text
    names (`Run 'mix format' to fix`), else the one run with the program the session runs its other
    checks with (`mix` for `mix credo`, `mix test`), else the only one; None when unsure."""
    known = check_commands_named(name)
    lowered = text.lower()
    named = [words for words in known if " ".join(words) in lowered]
    if named:
        return max(named, key=len)
    programs: Counter[str] = Counter()
    for event in seen:
        for words in event.segments:
            if words and words_kinds(words) & CHECK_COMMAND_KINDS:
                programs[words[0]] += 1
    used = [words for words in known if programs.get(words[0], 0) > 0]
    if used:
        return max(used, key=lambda words: (programs[words[0]], len(words)))
    return known[0] if len(known) == 1 else None
