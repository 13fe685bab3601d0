"""Lessons from a failure and what fixed it: the next successful call of the same job in the same
agent context, and the calls in between.

Three shapes are recognised, in this order:
- flags: the fix is the same command with an option added (`git push` -> `git push
  --set-upstream origin <branch>`; `git add X` -> `git add -f X`). Trigger: the command without
  that option (on the path the error named, when it named one).
- step: the fix is the same command after another command the error text names (`Run 'mix
  format' to fix.` -> `mix format`, then the commit). Trigger: the command, unless that step ran
  since the last change to the files it looks at.
- path: a file tool failed on one path and worked on another with the same name. Trigger: that
  kind of call (read, edit, write, ...) on the wrong path.
Triggers name the calls' agent-neutral kind, so what one agent learned applies to every agent.
Anything else (a test failure fixed by editing code) gives no usage lesson: what fixed it is not
a step an agent can be told to take before the call.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lessonloop.analyze.commands import is_env_word, words_kinds
from lessonloop.analyze.error_classes import shell_syntax_error
from lessonloop.analyze.error_headline import failing_check
from lessonloop.analyze.file_ops import harness_refusal
from lessonloop.analyze.force_flags import force_flags
from lessonloop.analyze.line_endings import CRLF_ENDS, endings_of, lf_lines
from lessonloop.analyze.outcomes import job_key
from lessonloop.core.outside_text import as_data
from lessonloop.core.tool_kinds import EDIT, READ, SHELL, WRITE
from lessonloop.learning.engine.events import CallEvent
from lessonloop.lesson_model.quoting import tool_output
from lessonloop.lesson_model.transient import TIMED_OUT
from lessonloop.lesson_model.triggers import (
    Trigger,
    Unless,
    edit_needle,
    extensions_for,
    failing_segment,
    flags_of,
    missing_program,
    named_segment,
    operands_of,
    path_operands,
    relative_path,
    with_aliases,
)

_PATHISH = re.compile(r"[\w.@+-]*/[\w.@/+-]*|[\w-]+\.[A-Za-z0-9]{1,5}\b")
_SEVERITY = {"MISSING_PREREQUISITE": "medium", "WORKFLOW_SEQUENCE": "medium", "CHECK_FAILED": "medium"}
_REDIRECT = re.compile(r"^\d?>>?&?\d*$|^&>")
MAX_COMMAND = 120
# Options that get around a check rather than satisfy it: a fix that adds them teaches nothing.
BYPASS_FLAGS: dict[tuple[str, ...], frozenset[str]] = {
    ("git", "commit"): frozenset({"--no-verify", "-n"}),
    ("git", "push"): frozenset({"--no-verify", "--force", "-f", "--force-with-lease"}),
    ("git", "merge"): frozenset({"--no-verify"}),
}


@dataclass(slots=True)
class Draft:
    """A lesson as extraction proposes it, before merging and counting."""

    kind: str
    trigger: Trigger | None
    error_signature: str
    error_class: str | None
    title: str
    body: str
    prevention: str | None
    prevention_command: str | None
    category: str
    base_severity: str
    machine_wide: bool = False  # holds on the machine, in every project (a program missing here)
    own_project: bool = False  # holds in its project only: the same failure in another is another lesson


def same_job(failure: CallEvent, fix: CallEvent) -> bool:
    """Whether `fix` does the job `failure` tried (see outcomes.job_key)."""
    a, b = job_key(failure.call), job_key(fix.call)
    if a == b:
        return True
    if a[0] == b[0] == "shell" and len(a) > 1 and not set(a[1:]).isdisjoint(b[1:]):
        return True
    # A program that does not exist here, then another program with the same arguments that
    # worked (`python x.py` -> `python3 x.py`).
    if a[0] == b[0] == "shell" and missing_program(failure.call.error_text):
        failing = failing_segment(failure.segments, failure.call.error_text)
        if failing is None or len(failing) < 2:
            return False
        return any(words[1:] == failing[1:] for words in fix.segments)
    return False


def draft_from_episode(
    failure: CallEvent, fix: CallEvent, between: Sequence[CallEvent], earlier: Sequence[CallEvent] | None = None
) -> Draft | None:
    """The lesson a failure and its fix teach, or None when the fix is not a step to take first.
    `earlier`: the calls of its context before the failure (what the session shows of its cause;
    None when they are not all known)."""
    if failure.signature is None:
        return None
    if failure.segments and fix.segments:
        return _flag_draft(failure, fix) or _step_draft(failure, fix, between)
    if failure.call.target_path and fix.call.target_path and failure.call.kind == fix.call.kind:
        return _path_draft(failure, fix) or _reread_draft(failure, fix, between, earlier)
    return None


def _reread_draft(
    failure: CallEvent, fix: CallEvent, between: Sequence[CallEvent], earlier: Sequence[CallEvent] | None = None
) -> Draft | None:
    """An edit that failed on a file, a Read of that file, then the same edit working: the agent's
    idea of the content was out of date. Trigger: that edit tool on a file not read since a
    formatter last rewrote files of its type."""
    path = failure.call.target_path
    if failure.call.kind != EDIT or fix.call.target_path != path:
        return None
    reads = [e for e in between if e.call.ok and e.call.kind == READ and e.call.target_path == path]
    if not reads:
        return None
    if lf_lines(edit_needle(failure.call.input, failure.call.error_text)) and any(
        endings_of(e.call.result_text) == CRLF_ENDS for e in reads
    ):
        return None  # the file has CRLF line ends, the old text had LF ones: that was the cause, not the read
    headline = failure.headline
    tool = failure.call.tool
    cause, prevention, after = _reread_cause(failure, fix, earlier)
    return Draft(
        kind="usage",
        trigger=Trigger(EDIT, unless=Unless((), (), "read")),
        error_signature=failure.signature or "",
        error_class=failure.error_class,
        title=f"{tool} fails on a file {cause}: {tool_output(headline)}",
        body=(
            f"{tool} of {as_data(relative_path(path or '', failure.cwd))} failed ({failure.error_class}): "
            f"{tool_output(headline)} {after}"
        ),
        prevention=prevention,
        prevention_command=None,
        category="files",
        base_severity="low",
    )


def _reread_cause(failure: CallEvent, fix: CallEvent, earlier: Sequence[CallEvent] | None) -> tuple[str, str, str]:
    """(the cause in a title's words, the prevention, what followed) of an edit that worked once
    its file was read, as the session shows it (issue 83, item 2): the harness's refusal of a file
    never read in the session, or no read of it before the failure, is not a change since a read;
    a change since the read is what the harness says, or a formatter that ran after the last read;
    an old text that had to change to match was out of date; the same old text sent again after a
    read blames nothing but the missing read."""
    tool = failure.call.tool
    path = failure.call.target_path
    refusal = harness_refusal(failure.call.error_text)
    seen = earlier or ()
    reads = [i for i, e in enumerate(seen) if e.call.ok and e.call.kind == READ and e.call.target_path == path]
    formatted = bool(reads) and any(
        e.call.kind == SHELL and any("format" in words_kinds(words) for words in e.segments if words)
        for e in seen[reads[-1] + 1 :]
    )
    # (a file the session wrote or edited itself, it has seen)
    written = any(e.call.ok and e.call.kind in (EDIT, WRITE) and e.call.target_path == path for e in seen)
    if refusal == "not_read" or (earlier is not None and not reads and not written and refusal is None):
        return (
            "not read in this session",
            f"Read the file before the first {tool} of it in a session: {tool} refuses a file the session has not read.",
            f"After the file was read, the same {tool} worked.",
        )
    if formatted:
        return (
            "not read since it changed",
            f"Read the file again before {tool} when a formatter or another command may have changed it.",
            f"A formatter ran after the file was last read; after reading it again the same {tool} worked.",
        )
    if refusal == "modified":
        return (
            "changed since it was read",
            f"Read the file again before {tool} when something changed it since your last read (a formatter or "
            "linter, another command, the person).",
            f"After reading the file again the same {tool} worked.",
        )
    before = edit_needle(failure.call.input, failure.call.error_text)
    after = edit_needle(fix.call.input, fix.call.error_text)
    if before and after and before != after:
        return (
            "whose old text was out of date",
            f"Read the part of the file you change again and copy {tool}'s old text from what it holds now.",
            f"After reading the file again, {tool} with the old text as the file held it worked.",
        )
    return (
        "not read since it may have changed",
        f"Read the file (the part you change) before {tool} when you have not read it since it may have changed.",
        f"After reading the file again the same {tool} worked.",
    )


def _failing_segment(event: CallEvent) -> tuple[str, ...]:
    """The simple command that most likely failed: the last one whose words the error names
    (`Pre-commit` names commit), else the last one."""
    return named_segment(event.segments, event.call.error_text)


def _head(words: Sequence[str]) -> tuple[str, ...]:
    """A command's identifying words: program and subcommand when the second word is one."""
    if len(words) > 1 and re.fullmatch(r"[a-z][a-z0-9_.:-]*", words[1]) and "." not in words[1][:1]:
        return tuple(words[:2])
    return tuple(words[:1])


def _flag_draft(failure: CallEvent, fix: CallEvent) -> Draft | None:
    if failure.call.kind == SHELL and shell_syntax_error(failure.call.error_text):
        return None  # the line did not parse: it never ran, its flags were not the cause
    failed = _failing_segment(failure)
    head = _head(failed)
    for fixed in fix.segments:
        if _head(fixed) != head:
            continue
        added = flags_of(fixed) - flags_of(failed) - BYPASS_FLAGS.get(head, frozenset())
        if not added:
            continue  # nothing added, or only a way around a check (never taught as a fix)
        forcing = force_flags((fixed[0], *added))
        if timed_out(failure) and not any(_stops_waiting(flag) for flag in added):
            continue  # a command cut by its timeout may work the next time whatever it adds
        before = {relative_path(w, failure.cwd) for w in operands_of(failed, len(head))}
        after = {relative_path(w, fix.cwd) for w in operands_of(fixed, len(head))}
        if not (before <= after or after <= before):
            continue  # its arguments changed too (another pattern, another file): not the flag alone
        lacks = with_aliases(head, added)
        operand = named_operand(failure, failed, len(head))
        unless = None
        if failure.error_class == "MISSING_PREREQUISITE":
            # A missing prerequisite stays fixed once the fixed form worked (the upstream exists).
            unless = Unless(head, lacks, "session")
        # a bare command whose fix named what it lacked (`git push` -> `git push --set-upstream origin
        # feat`): the lesson is the bare command's, not one's that names them (`git push origin main`)
        bare = not before and bool(after)
        trigger = Trigger(failure.call.kind, head, lacks, operand, None, unless, failure.call.tool, bare=bare)
        shown_fixed = show_command(fixed, failure.branch)
        shown_failed = show_command(failed, failure.branch)
        headline = failure.headline
        flag_text = "/".join(sorted(added))
        where = f" for {as_data(operand)}" if operand else ""  # a file's name: data
        if forcing:  # the call is warned about; forcing it is never taught (docs/lessons.md, "What to do instead")
            return _usage_draft(
                failure,
                trigger,
                title=f"`{' '.join(head)}`{where} fails: {tool_output(headline)}",
                body=f"`{shown_failed}` failed ({failure.error_class}): {tool_output(headline)} It was forced through "
                f"with {'/'.join(sorted(forcing))} right after.",
                prevention=f"Check why `{' '.join(head)}`{where} is refused before going on; forcing it "
                f"({'/'.join(sorted(forcing))}) is the person's decision, not a fix.",
                command=None,
                category=_category(head),
            )
        return _usage_draft(
            failure,
            trigger,
            title=f"`{' '.join(head)}` without {flag_text}{where} fails: {tool_output(headline)}",
            body=f"`{shown_failed}` failed ({failure.error_class}): {tool_output(headline)} `{shown_fixed}` worked right after.",
            prevention=f"Use `{shown_fixed}` (add {flag_text}{where}).",
            command=shown_fixed,
            category=_category(head),
        )
    return None


# A command cut by its timeout: what was added next fixed it only when it stops the command waiting
# (a test runner's watch mode, a prompt, a pager); any other flag may just have been luck.
_NO_WAIT = frozenset(
    {"--run", "--no-watch", "--watch", "--watchall", "-y", "--yes", "--assume-yes", "--non-interactive",
     "--noninteractive", "--no-interaction", "--no-input", "--ci", "--batch", "--no-pager", "--once",
     "--single-run", "--exit", "--forceexit", "ci=", "--no-tty", "-t"}
)  # fmt: skip


def timed_out(event: CallEvent) -> bool:
    """Whether the failure is its command cut by a timeout (the harness's or `timeout`'s exit 124)."""
    return event.call.exit_code == 124 or TIMED_OUT.search((event.call.error_text or "")[:2000]) is not None


def _stops_waiting(flag: str) -> bool:
    """Whether an option stops a command waiting (watch mode, a prompt, a pager): `--run`,
    `--watch=false`, `-y`, `CI=`."""
    name = flag.lower().split("=", 1)[0] + ("=" if flag.endswith("=") else "")
    return name in _NO_WAIT or flag.lower() in _NO_WAIT


def _step_draft(failure: CallEvent, fix: CallEvent, between: Sequence[CallEvent]) -> Draft | None:
    text = (failure.call.error_text or "")[:4000].replace("\\n", "\n").lower()
    failed = _failing_segment(failure)
    head = _head(failed)
    for event in between:
        if not event.call.ok:
            continue
        for words in event.segments:
            step = _head(words)
            if step == head or not _runnable(step) or not _names_step(text, step):
                continue
            exts = extensions_for(step)
            unless = Unless(step, (), "change", exts, failing_check(failure.signature))
            trigger = Trigger(failure.call.kind, head, (), None, None, unless, failure.call.tool)
            headline = failure.headline
            step_text = " ".join(step)
            return _usage_draft(
                failure,
                trigger,
                title=f"`{' '.join(head)}` fails unless `{step_text}` ran first: {tool_output(headline)}",
                body=(
                    f"`{show_command(failed, failure.branch)}` failed ({failure.error_class}): {tool_output(headline)} "
                    f"After `{show_command(words, failure.branch)}` the same command worked."
                ),
                prevention=f"Run `{step_text}` before `{' '.join(head)}` (again after changing files it checks).",
                command=show_command(words, failure.branch),
                category=_category(step),
            )
    return None


_STEP_KINDS = frozenset({"format", "lint", "typecheck", "build", "test", "install"})
# Words a shell (or a script the splitter read as commands) uses that run no program
_NOT_PROGRAMS = frozenset(
    {"return", "if", "then", "else", "elif", "fi", "for", "while", "do", "done", "case", "esac", "function",
     "in", "{", "}", "(", ")", "!", "exit", "break", "continue", "local", "def", "class", "import", "from"}
)  # fmt: skip


def _runnable(step: Sequence[str]) -> bool:
    """Whether a step names a program to run: not blank, not a shell keyword or a line of code,
    not a variable or a PowerShell here-string."""
    first = step[0].strip() if step else ""
    return bool(first) and first not in _NOT_PROGRAMS and not first.startswith(("$", "@", "#"))


def _names_step(text: str, step: Sequence[str]) -> bool:
    """Whether the error text names `step` as something to run: a check-like command (format,
    lint, type check, build, test, install) named as words, or any command named in quotes."""
    phrase = " ".join(step).lower()
    if phrase not in text or not re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text):
        return False
    if words_kinds(step) & _STEP_KINDS:
        return True
    return any(f"{q}{phrase}" in text for q in ("'", "`", '"'))


def _usage_draft(
    failure: CallEvent,
    trigger: Trigger,
    *,
    title: str,
    body: str,
    prevention: str | None,
    command: str | None,
    category: str,
    severity: str | None = None,
    machine_wide: bool = False,
    signature: str | None = None,
) -> Draft:
    """A usage lesson's draft of the failure's error (or of `signature`, another error the failure
    also had); its severity by the error's class unless given."""
    return Draft(
        kind="usage",
        trigger=trigger,
        error_signature=signature or failure.signature or "",
        error_class=failure.error_class,
        title=title,
        body=body,
        prevention=prevention,
        prevention_command=command,
        category=category,
        base_severity=severity or _SEVERITY.get(failure.error_class or "", "low"),
        machine_wide=machine_wide,
    )


def _path_draft(failure: CallEvent, fix: CallEvent) -> Draft | None:
    wrong = relative_path(failure.call.target_path or "", failure.cwd)
    right = relative_path(fix.call.target_path or "", fix.cwd)
    if not wrong or wrong == right:
        return None
    headline = failure.headline
    tool = failure.call.tool
    return Draft(
        kind="usage",
        trigger=Trigger(failure.call.kind, path=wrong, tool=tool),
        error_signature=failure.signature or "",
        error_class=failure.error_class,
        title=f"{tool} of {as_data(wrong)} fails: {tool_output(headline)}",
        body=f"{tool} of {as_data(wrong)} failed ({failure.error_class}): {tool_output(headline)} {tool} of "
        f"{as_data(right)} worked.",
        prevention=f"Use {as_data(right)}"
        + (" (same name, other folder)." if posixpath.basename(wrong) == posixpath.basename(right) else "."),
        prevention_command=None,
        category="files",
        base_severity="low",
    )


def named_operand(failure: CallEvent, words: Sequence[str], skip: int, text: str | None = None) -> str | None:
    """The path the error names (in `text`: by default its first 4,000 characters) that is (or
    contains) one of the command's operands."""
    text = (failure.call.error_text or "")[:4000] if text is None else text
    named = {m.group(0).rstrip("/.") for m in _PATHISH.finditer(text)}
    named.discard("")
    for operand in path_operands(words, skip):
        rel = relative_path(operand, failure.cwd)
        for path in sorted(named, key=len):
            if rel == path or rel.startswith(path + "/"):
                return path
    return None


def show_command(words: Sequence[str], branch: str | None) -> str:
    """A command for display: its settings (`NAME=value`, after its words in a segment) first,
    as typed; redirections dropped, the branch as <branch>, long lines cut."""
    settings = [w for w in words[1:] if is_env_word(w)]
    words = [*settings, *(w for w in words if w not in settings)] if settings else words
    kept = [w if w != branch else "<branch>" for w in words if not _REDIRECT.match(w)]
    text = " ".join(_quote(w) for w in kept)
    return text if len(text) <= MAX_COMMAND else text[: MAX_COMMAND - 1] + "…"


def _quote(word: str) -> str:
    """A word as typed: bare when it needs no quotes (a Windows path's backslashes kept), else
    quoted the way that keeps it (single quotes around `$`, a backtick or `"`), long ones cut."""
    if word and re.fullmatch(r"[\w@%+=:,./\\<>-]+", word):
        return word
    first = word.splitlines()[0] if word else ""
    text = first[:40] + ("…" if len(first) > 40 or "\n" in word else "")
    quote = "'" if re.search(r'[$`"]', text) and "'" not in text else '"'
    return quote + text + quote


def _category(head: Sequence[str]) -> str:
    return head[0] if head else "shell"


def recurring_draft(failure: CallEvent, first_session: str, fixed_by: str) -> Draft | None:
    """A test or setup failure (a check that ran, a missing prerequisite) that failed the same way
    in an earlier session: worth knowing before the job is run again, with what fixed it there.
    No trigger: a check failing is not one call's shape; the lesson is recalled, not warned."""
    if failure.error_class not in _RECURRING_CLASSES or not failure.segments:
        return None
    failed = _failing_segment(failure)
    if not words_kinds(failed) & _RECURRING_KINDS:
        return None  # a check or setup that ran (tests, a build), not a command used the wrong way
    head = _head(failed)
    headline = failure.headline
    command = " ".join(head)
    fix = f" It was fixed there by changing {fixed_by}." if fixed_by else ""
    return Draft(
        kind="usage",
        trigger=None,
        error_signature=failure.signature or "",
        error_class=failure.error_class,
        title=f"`{command}` fails the same way as in an earlier session: {tool_output(headline)}",
        body=f"`{show_command(_failing_segment(failure), failure.branch)}` failed ({failure.error_class}): {tool_output(headline)} "
        f"The same failure happened in session {first_session[:8]}.{fix}",
        prevention=f"Before `{command}`, make sure the earlier fix is in place{f' ({fixed_by})' if fixed_by else ''}.",
        prevention_command=None,
        category=_category(head),
        base_severity="medium",
    )


_RECURRING_CLASSES = frozenset({"CHECK_FAILED", "MISSING_PREREQUISITE"})
_RECURRING_KINDS = frozenset({"test", "build", "typecheck", "lint", "install"})
