"""A double quote that ends a double-quoted argument in the middle of what was meant as one string.

Code passed inline (`python -c "...print(f"{x}")..."`) or a pattern with quotes in it
(`rg "data-testid=\\"x"` in PowerShell) breaks when a double quote inside the argument ends it:
the shell then parses the rest as more words (PowerShell: "The string is missing the terminator",
"An expression was expected after '('", "Missing property name after reference operator"), or
hands the program the text with its quotes gone (Python: "unterminated string literal"). The
messages differ with where the quote fell; the cause is one.

Read as the shell reads the line: outside quotes, single-quoted text is one word (PowerShell
doubles `''` inside it); inside double quotes PowerShell escapes with a backquote (`` `" ``) or a
doubled quote (`""`) and takes a backslash as a character, a POSIX shell escapes with a backslash;
PowerShell's `$( ... )` inside double quotes holds code with quotes of its own. A double-quoted
string ends inside a word when the character right after its closing quote goes on with a word,
a call or a block (a letter, a digit, `_`, `{`, `(`, `\\`; in PowerShell a `.` too, which it reads
as a member of the string), where a shell would have separated words or joined a path
(`"$HOME"/x`, and in a POSIX shell `"$name".bak`, are not).
"""

from __future__ import annotations

import re

from lessonloop.analyze.commands import drop_heredoc_bodies

_GOES_ON = re.compile(r"[\w{(\\]")
_GOES_ON_POWERSHELL = re.compile(r"[\w{(\\.]")  # `"a".b`: PowerShell reads a member of the string

# An error that says the shell or the program could not parse what it was given.
_PARSE_ERROR = re.compile(
    r"ParserError|SyntaxError|unterminated string|The string is missing the terminator|"
    r"An expression was expected after|Missing expression after|Unexpected token|"
    r"Missing property name after reference operator|Missing closing|Missing argument in parameter list|"
    r"unexpected EOF while looking for matching|syntax error near unexpected token|unexpected end of file"
)


def says_parse_error(text: str | None) -> bool:
    """Whether a failure's output says its shell or program could not parse its text."""
    return bool(text) and _PARSE_ERROR.search(text[:4000]) is not None  # type: ignore[index]


def quote_ends_inside(command: str | None, powershell: bool) -> bool:
    """Whether a double-quoted argument of `command` ends inside a word (see the module's
    docstring), read with PowerShell's quoting rules or a POSIX shell's; here-document bodies and
    PowerShell here-strings are data and left out."""
    if not command or '"' not in command:
        return False
    text = drop_heredoc_bodies(command)
    size = len(text)
    at = 0
    while at < size:
        char = text[at]
        if char == "'":
            at = _after_single(text, at + 1, powershell)
        elif (char == "\\" and not powershell) or (char == "`" and powershell):
            at += 2  # an escaped character outside quotes
        elif char == '"':
            end = _closing_double(text, at + 1, powershell)
            if end >= size:
                return False  # never closed: the shell's own error, no word after it
            goes_on = _GOES_ON_POWERSHELL if powershell else _GOES_ON
            if end > at + 1 and end + 1 < size and goes_on.match(text[end + 1]):
                return True
            at = end + 1
        else:
            at += 1
    return False


def _after_single(text: str, at: int, powershell: bool) -> int:
    """The index after the single-quoted text that starts at `at` (after its opening quote)."""
    size = len(text)
    while at < size:
        if text[at] == "'":
            if powershell and at + 1 < size and text[at + 1] == "'":
                at += 2
                continue
            return at + 1
        at += 1
    return size


def _closing_double(text: str, at: int, powershell: bool) -> int:
    """The index of the quote that closes the double-quoted text starting at `at` (after its
    opening quote); len(text) when none does."""
    size = len(text)
    escape = "`" if powershell else "\\"
    while at < size:
        char = text[at]
        if char == escape:
            at += 2
        elif char == '"':
            if powershell and at + 1 < size and text[at + 1] == '"':
                at += 2  # "" inside: one quote
                continue
            return at
        elif powershell and char == "$" and at + 1 < size and text[at + 1] == "(":
            at = _after_subexpression(text, at + 2)
        else:
            at += 1
    return size


def _after_subexpression(text: str, at: int) -> int:
    """The index after the `)` that closes a PowerShell `$(` whose code starts at `at`."""
    depth = 1
    size = len(text)
    while at < size and depth:
        char = text[at]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        at += 1
    return at
