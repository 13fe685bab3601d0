"""A search pattern that starts with a dash, read by the search program as an option.

`rg "--color" src` fails with `rg: error parsing flag --color: choice 'src' is unrecognized`,
`rg -n "--chat-accent"` with `rg: unrecognized flag --chat-accent`, `grep "-v1" f` with
`grep: invalid option -- '1'`: quotes do not stop a program from reading a word that starts with
`-` as an option. The pattern the agent meant is a quoted word starting with `-` given to a
search program (rg, grep and its kin, ag, ack, git grep) as its first operand, not after `-e`,
`--regexp` or `--`. The remedy is `-e PATTERN` (or `--` before it).
"""

from __future__ import annotations

import re

from lessonloop.analyze.commands import program_name, quoted_words

# Programs that take a pattern as their first operand, and their option that names one.
_SEARCHERS = frozenset({"rg", "grep", "egrep", "fgrep", "ag", "ack", "git-grep"})
_PATTERN_OPTIONS = frozenset({"-e", "--regexp", "-f", "--file", "--"})
# options of these programs that take the next word as their value (a glob, a type, a context)
_VALUED = frozenset({
    "-g", "--glob", "--iglob", "-t", "--type", "-T", "--type-not", "-A", "-B", "-C", "--context",
    "--after-context", "--before-context", "-m", "--max-count", "--include", "--exclude",
    "--exclude-dir", "-d", "--max-depth", "-M", "--max-columns", "--color", "--colors", "-j",
    "--threads", "-E", "--encoding", "--sort", "--sortr", "--ignore-file", "--pre", "--pre-glob",
})  # fmt: skip
_OPTION_WITH_VALUE = re.compile(r"--?[A-Za-z][\w-]*=")  # `"--glob=*.ts"`: an option, quoted for its value
_FLAG_ERROR = re.compile(
    r"(?:unrecognized flag|error parsing flag|unrecognized option|invalid option|unknown option|"
    r"unexpected argument|found argument)\b",
    re.IGNORECASE,
)


def dash_pattern(command: str | None) -> tuple[str, str] | None:
    """(program, pattern) of the first search command of `command` whose pattern (a quoted word)
    starts with a dash where the program will read it as an option; None when none does."""
    if not command or "-" not in command:
        return None
    for words in quoted_words(command):
        found = _in_search(words)
        if found is not None:
            return found
    return None


def _in_search(words: list[tuple[str, bool]]) -> tuple[str, str] | None:
    names = [program_name(word) for word, _quoted in words[:2]]
    if not names or (names[0] not in _SEARCHERS and names[:2] != ["git", "grep"]):
        return None
    program = "git grep" if names[0] == "git" else names[0]
    start = 2 if names[0] == "git" else 1
    at = start
    while at < len(words):
        word, quoted = words[at]
        if word in _PATTERN_OPTIONS:
            return None  # the pattern is named as one
        if quoted and word.startswith("-") and len(word) > 1 and not _OPTION_WITH_VALUE.match(word):
            return program, word
        if word.startswith("-") and not quoted:
            at += 2 if word in _VALUED else 1
            continue
        return None  # the first operand is the pattern, and it does not start with a dash
    return None


def says_option_error(error_text: str | None, pattern: str) -> bool:
    """Whether a failure's output says the program took `pattern` (or its start) for an option."""
    if not error_text:
        return False
    head = error_text[:2000]
    if _FLAG_ERROR.search(head) is None:
        return False
    name = pattern.split()[0].split("=")[0]
    return name in head or name.lstrip("-")[:1] in head
