"""Lessons of a command line's form that a shell, its tool or the system refuses, whatever the
command: an operator the shell rejects (PowerShell's `&&` before 7, `<<`), a substitution a shell
tool refuses (`$(`), a backslash-escaped quote or a double quote that ended its argument, a
wildcard PowerShell hands on unexpanded, a search pattern that starts with a dash, a here-document
in a read-only sandbox, and a call too long for the system to start. The cause is the form (or the
size), so what worked next is no remedy of a flag or a step (engine.py asks `refused_form`).
"""

from __future__ import annotations

import re

from lessonloop.analyze.dash_patterns import dash_pattern
from lessonloop.analyze.error_classes import REFUSED_SUBSTITUTION
from lessonloop.analyze.inputs import Call
from lessonloop.core.tool_kinds import SHELL
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.signatures import DASH_PATTERN_READ, QUOTE_ENDS_INSIDE
from lessonloop.lesson_model.environment import POWERSHELL
from lessonloop.lesson_model.triggers import (
    BARE_GLOB,
    DASH_PATTERN,
    ESCAPED_QUOTE,
    QUOTE_INSIDE,
    SUBSTITUTIONS,
    Trigger,
    command_segments,
    line_forms,
    operator_tokens,
)

# A call too long for the system to start (Windows' CreateProcess, os error 206; E2BIG): its size.
TOO_LONG = re.compile(r"The filename or extension is too long|os error 206\b|Argument list too long")


# A shell saying one of its operators is not valid (PowerShell: `&&` before 7, `<` and here-documents)
_REJECTED_OPERATOR = (
    re.compile(r"The token '([^'\s]{1,4})' is not a valid statement separator"),
    re.compile(r"The '([^'\s]{1,4})' operator is reserved for future use"),
)


def rejected_operator(error_text: str | None, command: str | None) -> str | None:
    """The operator of the command line its shell says it does not accept (the one the command
    uses that starts with it: `<` reserved, `<<` used), or None."""
    text = (error_text or "")[:4000]
    used = operator_tokens(command)
    for pattern in _REJECTED_OPERATOR:
        found = pattern.search(text)
        if found:
            token = found.group(1)
            matching = sorted(op for op in used if op.startswith(token))
            if matching:
                return token if token in matching else matching[-1]
    return None


_REFUSED_SUBSTITUTION = re.compile(REFUSED_SUBSTITUTION)
# a shell with no writable temporary folder (a read-only sandbox): `bash: cannot create temp file
# for here-document: Read-only file system`
_NO_HERE_DOCUMENT = re.compile(r"cannot create temp file for here[- ]?document")


def refused_substitution(error_text: str | None, command: str | None) -> str | None:
    """The form of substitution (`$(`, a backquote, `<(`, `>(`) the command line uses that its
    shell tool says it does not allow, or None."""
    if not _REFUSED_SUBSTITUTION.search((error_text or "")[:4000]):
        return None
    used = line_forms(command)
    return next((form for form in SUBSTITUTIONS if form in used), None)


# Windows refusing a file name with a wildcard in it: the shell did not expand the `*` (PowerShell,
# cmd) and the program took it as a name ("rg: src/x*: The filename, directory name, or volume label
# syntax is incorrect. (os error 123)", Python's "[WinError 123]")
_WILDCARD_NAME = re.compile(
    r"(?:os error 123|WinError 123|filename, directory name, or volume label syntax is incorrect)", re.IGNORECASE
)


def unexpanded_glob(call: Call) -> str | None:
    """The program that was handed a wildcard its shell did not expand, when the error says the
    system refused such a name (a name the error quotes with a `*`), or None."""
    text = (call.error_text or "")[:2000]
    if "*" not in text or not _WILDCARD_NAME.search(text) or BARE_GLOB not in line_forms(call.command):
        return None
    for words in command_segments(call.command):
        if words and "-" not in words[0] and any("*" in w and not w.startswith("-") for w in words[1:]):
            return words[0]  # (a cmdlet, Verb-Noun, expands wildcards itself)
    return None


# PowerShell reading `"a\\"b"` as the string `a\\` and a stray `b"`
_UNTERMINATED = re.compile(r"The string is missing the terminator")


def unescaped_quote(headline: str, command: str | None) -> bool:
    """Whether the error's line says a string does not end, where the command line escapes a
    double quote with a backslash (`\\"`), which this shell does not take as an escape."""
    return bool(_UNTERMINATED.search(headline)) and ESCAPED_QUOTE in line_forms(command)


def refused_form_lesson(call: Call, headline: str, shell: str | None = None) -> tuple[Trigger, str, str, bool] | None:
    """(trigger, title, prevention, machine-wide) when a shell or its tool refused a form of the
    command line: an operator the shell rejects (in every shell tool of the machine), a form of
    substitution a shell tool refuses, a backslash-escaped quote a shell does not take (in that
    tool), a double quote that ended its double-quoted argument (in that `shell`), a search
    pattern that starts with a dash (analyze/dash_patterns.py); a here-document a sandboxed shell
    cannot write (in the project: a sandbox is a session's setting)."""
    if headline == DASH_PATTERN_READ and (found := dash_pattern(call.command)) is not None:
        searcher = found[0]
        return (
            Trigger(SHELL, words=tuple(searcher.split()), token=DASH_PATTERN),
            f"`{searcher}` reads a pattern that starts with `-` as an option",
            f'Give `{searcher}` such a pattern with `-e` (`{searcher} -e "--name" ...`), or put `--` before it: '
            "quotes do not stop a program from reading a word that starts with a dash as an option.",
            True,
        )
    if headline == QUOTE_ENDS_INSIDE:
        return (
            Trigger(SHELL, token=QUOTE_INSIDE, tool=call.tool, shell=shell),
            "A double quote inside a double-quoted argument ends it in this shell",
            _QUOTE_REMEDY[shell == POWERSHELL],
            True,
        )
    if _NO_HERE_DOCUMENT.search((call.error_text or "")[:2000]) and "<<" in operator_tokens(call.command):
        return (
            Trigger(SHELL, token="<<", tool=call.tool),
            f"{call.tool} cannot write here-documents here (`<<`)",
            "Write the text with the file tool, or pass it as an argument, instead of a here-document: "
            "this shell has no writable temporary folder (a sandbox).",
            False,
        )
    program = unexpanded_glob(call)
    if program is not None:
        return (
            Trigger(SHELL, words=(program,), token=BARE_GLOB),
            f"This shell does not expand `*` for `{program}`",
            f"The shell passed the wildcard to `{program}` as it is (PowerShell does not expand it for "
            "programs): give the program its own pattern option (`rg -g 'name*'`, `--glob`), or list "
            "the files first.",
            True,
        )
    token = rejected_operator(call.error_text, call.command)
    if token is not None:
        return (
            Trigger(SHELL, token=token),
            f"This shell rejects `{token}`",
            f"Write the command without `{token}`, in the syntax this shell accepts.",
            True,
        )
    form = refused_substitution(call.error_text, call.command)
    if form is not None:
        return (
            Trigger(SHELL, token=form, tool=call.tool),
            f"{call.tool} refuses command substitution (`{form}`)",
            "Run the inner command on its own first and write its output into the command line.",
            True,
        )
    if unescaped_quote(headline, call.command):
        return (
            Trigger(SHELL, token=ESCAPED_QUOTE, tool=call.tool),
            'This shell does not take `\\"` as an escaped quote',
            "Put text that holds a double quote in single quotes ('a\"b'); a backslash does not "
            "escape a double quote in this shell.",
            True,
        )
    return None


_QUOTE_REMEDY = {
    True: 'In PowerShell a double quote ends a double-quoted argument, `\\"` too (a backslash does not escape '
    "it): put text that holds double quotes in single quotes ('a\"b', '' for a single quote), or write code "
    "with quotes of its own to a file (or a here-string @' ... '@ piped to the program) instead of passing it inline.",
    False: 'Escape each double quote inside a double-quoted argument (\\"), or put the text in single quotes, '
    "or write code with quotes of its own to a file (or a here-document) instead of passing it inline.",
}


def refused_form(event: CallEvent) -> bool:
    """Whether the failure is a shell (or its tool) refusing a form of the command line (an
    operator, a substitution, an escaped quote, a quote that ended its argument, a here-document
    in a sandbox), or the system refusing a call too long to start: its cause is that form or
    that size, whatever the call that worked next changed."""
    if TOO_LONG.search((event.call.error_text or "")[:2000]):
        return True
    return event.call.kind == SHELL and refused_form_lesson(event.call, event.headline, event.shell) is not None
