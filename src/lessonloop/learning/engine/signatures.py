"""Normalized text for lessons: the error signature that says two failures are "the same error"
(the line that carries the error, analyze/error_headline.py, with placeholders for what varies
between occurrences: analyze/placeholders.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from lessonloop.analyze.error_headline import HEADLINE_CHARS, error_headline, failing_checks, says_error
from lessonloop.analyze.placeholders import placeholders
from lessonloop.core.quick_hash import blake2b_hex

# Codex's exec policy refusing a command: "`<the shell and the command line>` rejected: blocked by policy"
_REFUSED_COMMAND = re.compile(r"`.*` rejected: (.+)\Z")
_GLOB_REMNANT = re.compile(r"(?:<path>|[\w.-]+)[*?][\w.*?{},-]*|\*\.[\w{},]+")
_IO_WRAPPER = re.compile(r"IO error for operation on <path>: ")
# What an error quotes of the call that varies per call (issue 83, item 3): a character or byte
# it names (`'\U0001f4cb'`, `byte 0x8f`), and a long quoted text of 40 characters or more (a line
# of a hunk, a prompt, a command line): the same error, whatever it quotes. A shorter quoted text
# stays (an option's, a program's or a type's name tells errors apart, and a lesson's title, made
# of the signature, still shows it).
_ESCAPED_CHAR = re.compile(r"\\[uUx][0-9a-fA-F]{2,8}")
_HEX_NUMBER = re.compile(r"\b0x[0-9a-fA-F]+\b")
_LONG_QUOTE = re.compile(r"""(['"`])(?=[^\s'"`])(?!<path>\1)[^'"`\n]{39,}?(?<=[^\s'"`])\1""")
TIMEOUT_EXIT = 124  # `timeout`'s exit status, and the agents' for a command they cut (Codex)
# the signature's line of a command its shell or program could not parse because a double quote
# ended a double-quoted argument inside a word (analyze/shell_quotes.py)
QUOTE_ENDS_INSIDE = "<a double quote inside a double-quoted argument ended it>"
# the signature's line of a search whose pattern starts with a dash, read as an option
# (analyze/dash_patterns.py)
DASH_PATTERN_READ = "<a pattern that starts with a dash read as an option>"
NO_TERMINAL = "<a password or an answer asked where no terminal can give it>"
ECHO_CHARS = 12  # an input value shorter than this is a word, not a quote of the call's input


def _a_path(key: str, value: str) -> bool:
    """Whether an input value is a path: a path parameter's (`file_path`, `filePath`, `path`,
    `target_file`), absolute, or one word with a folder in it (an agent's hook may give the file
    relative where its transcript gives it whole, or not at all)."""
    if key.lower().endswith(("path", "file")):
        return True
    return value.startswith(("/", "~")) or (("/" in value or "\\" in value) and not any(c.isspace() for c in value))


def without_quoted_input(error_text: str | None, tool_input: object = None) -> str | None:
    """`error_text` with the call's own input values it quotes replaced by `<input>`: a tool that
    says what it could not find ("0 occurrences found for old_string (TEXT)") fails the same way
    whatever TEXT was. A value of several lines is also replaced where the message quotes only its
    first line (the headline is one line)."""
    if not error_text or not isinstance(tool_input, Mapping):
        return error_text
    text = error_text
    for key, value in tool_input.items():
        if not isinstance(value, str) or len(value.strip()) < ECHO_CHARS or _a_path(str(key), value):
            continue  # short values and paths (a path is <path> anyway, however the input gives it)
        if value in text:
            text = text.replace(value, "<input>")
        first = value.strip().split("\n", 1)[0].strip()
        if "\n" in value.strip() and len(first) >= ECHO_CHARS and first in text:
            text = text.replace(first, "<input>")
    return text


def error_signature(
    tool: str,
    error_text: str | None,
    branch: str | None = None,
    exit_code: int | None = None,
    program: str = "",
    tool_input: object = None,
) -> str:
    """What makes two failures the same error: the tool and the normalized line that carries the
    error (analyze/error_headline.py), without the call's own input it quotes. A failure that
    printed nothing is its exit status, with the program that failed (`rg exit 1`). (Not the
    class: the headline decides, the class follows it.)"""
    # cut once what varies is a placeholder: the same error with a longer path is the same error
    raw = error_headline(without_quoted_input(error_text, tool_input), limit=4 * HEADLINE_CHARS)
    headline = _normalized(raw, branch)
    if exit_code == TIMEOUT_EXIT and headline and not says_error(error_text):
        headline = ""  # a command its timeout cut, whatever it printed on the way: its exit status
    if not headline and exit_code is not None:
        headline = f"{program} exit {exit_code}".strip()
    return f"{tool}|{headline}"


def call_signature(
    kind: str,
    tool: str,
    error_text: str | None,
    segments: Sequence[Sequence[str]] = (),
    branch: str | None = None,
    exit_code: int | None = None,
    tool_input: object = None,
    command: str | None = None,
    shell: str | None = None,
) -> str:
    """A failed call's error signature (error_signature): named by its neutral `kind` (Codex's and
    Claude Code's failing `git push` are the same error), by its own `tool` for kind "other", and
    with the program of its last command when the error is only an exit status. A script failing
    for its Windows line endings has one signature however its shell words it (`bash\\r: No such
    file or directory`, `$'\\r': command not found`, `^M: bad interpreter`); so has a command line
    that could not be parsed because a double quote ended its double-quoted argument inside a word
    (analyze/shell_quotes.py: read with `shell`'s rules, else those of the shell its error names);
    so has a password or an answer asked where no terminal can give it (sudo's "a terminal is
    required", "no tty present", "a password is required"; "the input device is not a TTY")."""
    label = tool if kind == "other" else kind
    head = error_text[:2000] if kind == "shell" and error_text else ""
    if "\r" in head or "\\r" in head or "^M" in head:
        from lessonloop.analyze.file_form import CRLF, line_ends_error  # (a carriage return's error only)

        if line_ends_error(error_text):
            return f"{label}|<{CRLF}: a script with Windows line endings>"  # one cause, however the shell says it
    if head and ("sudo" in head or "TTY" in head or "ioctl" in head):
        from lessonloop.lesson_model.checks import needs_terminal  # (such an error only)

        if needs_terminal(head):
            return f"{label}|{NO_TERMINAL}"  # one cause, whichever of sudo's or a TTY's words say it
    if head and command and "-" in command:
        from lessonloop.analyze.dash_patterns import dash_pattern, says_option_error

        found = dash_pattern(command)
        if found is not None and says_option_error(head, found[1]):
            return f"{label}|{DASH_PATTERN_READ}"  # one cause, whatever the pattern and the program's words
    if head and command and '"' in command:
        from lessonloop.analyze.shell_quotes import quote_ends_inside, says_parse_error

        if says_parse_error(head):
            from lessonloop.lesson_model.environment import POWERSHELL, error_shell

            if quote_ends_inside(command, (shell or error_shell(error_text)) == POWERSHELL):
                return f"{label}|{QUOTE_ENDS_INSIDE}"  # one cause, wherever the quote fell
    program = segments[-1][0] if segments and segments[-1] else ""
    return error_signature(label, error_text, branch, exit_code, program, tool_input)


def check_signatures(kind: str, tool: str, error_text: str | None, branch: str | None = None) -> tuple[str, ...]:
    """The signatures of every check a check runner's rejection names as failing, after the first
    (the first is the call's own signature): `[FORMAT]`, `[CREDO]` and `[DIALYZER]` rejected one
    commit, which is a failure of each check's lesson. Empty for any other failure."""
    found = failing_checks(error_text)
    if len(found) < 2:
        return ()
    label = tool if kind == "other" else kind
    return tuple(
        dict.fromkeys(f"{label}|{_normalized(headline[: 4 * HEADLINE_CHARS], branch)}" for headline in found[1:])
    )


def _normalized(headline: str, branch: str | None) -> str:
    """A headline with placeholders for what varies, cut once they are in (a longer path must not
    make another error of it)."""
    if "\\" in headline or "0x" in headline:
        headline = _ESCAPED_CHAR.sub("<char>", _HEX_NUMBER.sub("<n>", headline))
    headline = placeholders(headline, branch)
    if "'" in headline or '"' in headline or "`" in headline:
        headline = _LONG_QUOTE.sub(lambda m: f"{m.group(1)}<text>{m.group(1)}", headline)
    headline = headline[:HEADLINE_CHARS].rstrip()
    if "*" in headline:
        # a wildcard the shell passed on as it is: the name it was part of, whatever the pattern
        # (`<path>*.rs`, `<path>*`), and rg's "IO error for operation on X: " wrapper around the cause
        headline = _IO_WRAPPER.sub("", _GLOB_REMNANT.sub("<path>", headline))
    refused = _REFUSED_COMMAND.match(headline)
    if refused:
        headline = f"<command> rejected: {refused.group(1)}"  # the refusal, whatever the command it quotes
    return headline


def digest(*parts: str) -> str:
    """A short stable hash of `parts` (lesson signatures)."""
    joined = "\x1f".join(parts)
    return blake2b_hex(joined.encode("utf-8", "replace"), 10)  # no hashlib: the hooks sign failures


def words_text(text: str) -> frozenset[str]:
    """The lowercase words of `text`, for near-duplicate comparison."""
    return frozenset(w for w in re.findall(r"[a-z0-9_<>]+", text.lower()) if len(w) > 1)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap of two word sets: |a & b| / |a | b|; 0 for two empty sets."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)
