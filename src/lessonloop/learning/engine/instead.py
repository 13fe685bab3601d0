"""What to do instead: the remedy a general lesson (general_lessons.py) takes from the later call
of the same intent that worked after its failure (docs/lessons.md, "What to do instead").

A call that worked next is not always the fix: the agent may have gone on to something else
(`git add -A` after a `git push` that timed out), tried another program for another purpose
(`sort` after `tree` was missing), waited out a timeout, or forced its way through. So the working
call is taken as what to do instead only when:

1. **it has the same intent**: the same program and subcommand (or the same interpreter's script,
   at a path of the same name); another program only when the error says the first one is not
   there and the second takes the same arguments (`powershell` for a missing `pwsh`);
2. **it differs in what the error was about**: the error's text names a word the fix removed or
   added (the option it did not know, the path it did not find, the program it could not run);
   every path the fix dropped is replaced by a path of the same (or nearly the same) name, or is
   one the error names while the command keeps another of its operands; every other operand it
   dropped is one the error names. A fix that only changed what the error never mentioned (a
   branch name) teaches nothing, and neither does the call after a timeout (it may have worked
   by luck);
3. **it forces nothing**: a fix that adds an option which forces the command past a check or
   destroys what it touches (analyze/force_flags.py: `--force-with-lease`, `-rf`, `--hard`) is
   taken only by a lesson as confident as the hook's `--ask` tier needs (decision.ASK_AT): one
   case never teaches it.

A read or write of the wrong file gets the file that worked only when its name is the same or
nearly the same (a moved file, a mistyped name), never an unrelated file read next.

Pure.
"""

from __future__ import annotations

import posixpath
import re
from difflib import SequenceMatcher

from lessonloop.analyze.commands import program_name
from lessonloop.analyze.force_flags import adds_force
from lessonloop.learning.engine.episodes import show_command, timed_out
from lessonloop.learning.engine.events import CallEvent
from lessonloop.lesson_model.triggers import command_head, failing_segment, missing_program, relative_path

SIMILAR_NAMES = 0.8  # how alike two file names must be (difflib's ratio) for one to stand for the other
_ERROR_CHARS = 4000  # the part of a failure's output read for the words it names


class Remedy:
    """What to do instead of a failed call: the text, the command (None for a file), and whether
    it adds a forcing option (taken only by a confident lesson)."""

    __slots__ = ("command", "forces", "text")

    def __init__(self, text: str, command: str | None, forces: bool = False) -> None:
        self.text = text
        self.command = command
        self.forces = forces


def remedy(failure: CallEvent, fix: CallEvent) -> Remedy | None:
    """The remedy a failure's later call of the same intent teaches (see the module's docstring),
    or None when it teaches none."""
    if timed_out(failure):
        return None  # cut by its timeout: what ran next may have worked by luck (episodes.timed_out)
    if failure.segments and fix.segments:
        failing = failing_segment(failure.segments, failure.call.error_text)
        if not failing:
            return None
        error = _error_words(failure)
        fixed = _same_intent(failing, fix.segments, missing_program(failure.call.error_text))
        if fixed is None or fixed == failing or not _about_the_error(failing, fixed, error):
            return None
        shown = show_command(fixed, fix.branch)
        return Remedy(
            f"Use `{shown}` instead of `{show_command(failing, failure.branch)}` (it worked after the failure).",
            shown,
            adds_force(failing, fixed),
        )
    if failure.call.target_path and fix.call.target_path:
        wrong = relative_path(failure.call.target_path, failure.cwd)
        right = relative_path(fix.call.target_path, fix.cwd)
        if wrong == right or not similar_paths(wrong, right):
            return None
        return Remedy(f"Use {right} instead of {wrong} (it worked after the failure).", None)
    return None


def _error_words(failure: CallEvent) -> str:
    """The failure's output as searched for the words it names: lower case, backslashes of
    Windows paths read as `/`."""
    return (failure.call.error_text or "")[:_ERROR_CHARS].replace("\\n", "\n").replace("\\", "/").lower()


def _same_intent(
    failing: tuple[str, ...], segments: list[tuple[str, ...]], missing: str | None
) -> tuple[str, ...] | None:
    """The fix's simple command of the same intent as `failing`: the same head (a script of the
    same name counts as the same), else the same arguments under another program when the error
    says the failing one is not there (`missing`); None when the fix holds neither."""
    head = command_head(failing)
    for words in segments:
        if _same_head(head, command_head(words)):
            return words
    if missing is not None and program_name(missing) == program_name(failing[0]):
        for words in segments:
            if len(words) > 1 and words[1:] == failing[1:] and words[0] != failing[0]:
                return words
    return None


def _same_head(head: tuple[str, ...], other: tuple[str, ...]) -> bool:
    if head == other:
        return True
    # an interpreter's script given at another path (`python scripts/x.py` -> `python tools/x.py`)
    return (
        len(head) == 2
        and len(other) == 2
        and head[0] == other[0]
        and _is_path(head[1])
        and _is_path(other[1])
        and similar_paths(head[1], other[1])
    )


def _about_the_error(failing: tuple[str, ...], fixed: tuple[str, ...], error: str) -> bool:
    """Whether the fix changed what the error was about: the error names a word it removed (or a
    word it added: `use --set-upstream`); each path it dropped is replaced by a path of a similar
    name, or named by the error with another of the command's operands kept (`git add b` for
    `git add a b` where `a` is ignored); each other operand it dropped is named by the error."""
    removed = [w for w in failing[1:] if w not in fixed]
    added = [w for w in fixed[1:] if w not in failing]
    program = (failing[0],) if failing[0] != fixed[0] else ()  # a missing program replaced
    if not any(_names(error, word) for word in (*program, *removed, *added)):
        return False
    new_paths = [w for w in added if not w.startswith("-") and _is_path(w)]
    kept_operand = any(w in fixed for w in failing[1:] if not w.startswith("-"))
    for word in removed:
        if word.startswith("-"):
            continue
        if _is_path(word):
            if any(similar_paths(word, other) for other in new_paths):
                continue
            if _names(error, word) and kept_operand:
                continue
            return False
        if not _names(error, word):
            return False
    return True


def _names(error: str, word: str) -> bool:
    """Whether the error's text names `word` as a whole word: an option as written (`--feture`,
    `-f`) or by its name alone (PowerShell's `parameter name 'Around'`), a path with either
    slash, a value."""
    text = word.replace("\\", "/").lower()
    if text.startswith("-"):
        flag = text.split("=", 1)[0]
        forms = {flag}
        if len(flag.lstrip("-")) >= 3:
            forms.add(flag.lstrip("-"))
    else:
        forms = {text} if len(text) >= 2 else set()
    return any(re.search(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", error) for form in forms)


def _is_path(word: str) -> bool:
    """Whether a word looks like a path: a folder separator, or a file name's extension."""
    return "/" in word or "\\" in word or _EXTENSION.search(word) is not None


_EXTENSION = re.compile(r"\w\.[A-Za-z][\w-]{0,9}$")


def similar_paths(one: str, other: str) -> bool:
    """Whether two paths name the same file (the same name, or names nearly alike: a moved file,
    a mistyped one)."""
    a = posixpath.basename(one.replace("\\", "/").rstrip("/")).lower()
    b = posixpath.basename(other.replace("\\", "/").rstrip("/")).lower()
    if not a or not b:
        return False
    return a == b or SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAMES
