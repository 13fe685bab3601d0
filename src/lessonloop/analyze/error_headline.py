"""An error's headline: the line of a failed call's output that carries the error.

Not simply the first line: a build prints progress before the failure ("Compiling 4 files (.ex)",
"==> fine"), a test runner a banner, an agent its envelope (analyze/output_noise.py). Read in order:
1. a check runner's rejection names its first failing check: a hook's "Pre-commit validation
   failed:" followed by "[FORMAT] ..." sections, pre-commit's "black.....Failed" lines (with the
   first rule code a linter reports, "F401"); one rejection reads the same whether one or three
   checks failed after the first (`failing_checks` names them all);
2. else the first line that carries an error: an exception (Python's last traceback line, pytest's
   "E   NameError: ...", Elixir's "** (RuntimeError) ..."), a compiler's or tool's "error:" /
   "fatal:" / "error[E0308]" / "✘ [ERROR]" line, a linter's issue line, an assertion failure (with
   the failing test's name, since "Assertion with == failed" alone names no cause);
3. else a test runner's summary of what failed ("5 tests, 4 failures", "FAILED path::test");
4. else the first line that is not noise (a harness's own message: "File does not exist.").
A line that only introduces what follows (ends with a colon) gets the next line joined to it,
unless what follows is input the message quotes (the lines a patch expected to find).

PowerShell lays an error out in its own way: a command's error is its message ("Get-Content :
Cannot find path 'X' because it does not exist.", wrapped at the console's width) above "At line:N
char:M", the code echoed with "+ " and a "~~~" underline, then "+ CategoryInfo" and
"+ FullyQualifiedErrorId"; a parse error's message comes after the underline instead. Its
message is the headline (the "At line:" layout is noise), except for a native program's stderr
wrapped as a NativeCommandError, whose own error line is read as any other output's.

The agents' envelopes (Codex's "Exit code: N", "Wall time: ...", "Total output lines: N",
"Output:"; Gemini CLI's "Exit Code: N", "Process Group PGID: N", and the "Output: " label before
the output's first line) are never a headline: a failure that printed nothing else has none (its signature is
then the program's exit status, learning/engine/signatures.py).
"""

from __future__ import annotations

import re

from lessonloop.analyze.output_noise import is_envelope, is_noise, is_shell_banner, without_label

_TAGS = re.compile(r"</?tool_use_error>")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # terminal colors (a test runner's "\x1b[31mexpect(...")
_LEAD = re.compile(r"^[\s┃│║]*")  # box drawing before a linter's or test runner's line
_PREFIX = re.compile(r"^(?:#{1,6} |Error:\s*|E\s{2,})")
HEADLINE_CHARS = 200
HEAD_CHARS = 8000  # of a long output, its start and its end are read
TAIL_CHARS = 4000

# 1. Check runners.
_CHECK_SECTION = re.compile(r"^\[([A-Z][A-Z0-9_ -]{1,30})\](.*)$")
_CHECKS_FAILED = re.compile(r"\bfail(?:ed|ure|s)?\b|\brejected\b", re.IGNORECASE)
_PRE_COMMIT_HOOK = re.compile(r"^(\S.*?)\.{3,}\s*(?:\(no files to check\))?(Passed|Failed|Skipped)$")
_RULE_CODE = re.compile(r"^\S+:\d+(?::\d+)?:? ([A-Z]{1,4}\d{2,5})\b")

# 2. Lines that carry an error.
_ERROR_LINES = re.compile(
    "|".join(
        (
            r"E\s{2,}\S.*",  # pytest's exception line
            r"\*\* \(\w[\w.]*\).*",  # Elixir's exception
            r"(?:[A-Za-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Failure)\b(?::.*)?",
            r"(?:error|fatal|panic|FATAL|ERROR|Error|Fatal)(?:\[\w+\])?: .*",
            r"(?:error|Error|ERROR) TS\d+: .*",
            r"\S+:\d+(?::\d+)?: (?:error|fatal error|Error)\b.*",
            r"\S+\(\d+,\d+\): error .*",
            r"✘ \[ERROR\] .*",
            r"npm ERR! .*",
            r"thread '.*' panicked at .*",
            r"--- FAIL: .*",
            r"\[[A-Z]\] [↘↗→↑↓] .*",  # credo's issue line
            r"\S+:\d+:\d+: [A-Z]{1,4}\d{2,5} .*",  # flake8 / ruff / pylint issue line
            r"\d+:\d+ +error +.*",  # eslint's issue line
            # a patch that did not apply, sent through a shell (Codex's apply_patch words)
            r"Failed to (?:find (?:expected lines|context)|read file to update) .*",
            r"[Ii]nvalid (?:patch|hunk at line \d+)\b.*",
            r"Assertion with .* failed\b.*",
            r"AssertionError\b.*",
            r"assert .* failed",
            r".*\bcommand not found\b.*",
            r".*: [Nn]o such file or directory.*",
            r".*\bPermission denied\b.*",
            r".*\bnot permitted\b.*",
            r"command timed out after .*",  # the harness cut the command (Codex): whatever it printed before
        )
    ).join(("^(?:", ")$"))
)
_GENERIC_ASSERTION = re.compile(r"^(?:Assertion with \S+ failed\b.*|AssertionError|assert .* failed)$")
# 3. Summaries.
_SUMMARY_LINES = re.compile(
    r"^(?:\d+ tests?, \d+ failures?.*|FAILED \S+.*|FAIL +\S+.*|\u00d7 .*|✗ .*|Tests?:? .*\d+ failed.*"
    r"|\d+ (?:failed|errors?)\b.*|test result: FAILED.*)$"
)
_TEST_NAME = re.compile(r"^(?:\d+\) (test .+)|_{3,} (\S+) _{3,}|FAIL +(\S.*)|\u00d7 (.+?)(?: \d+ms)?)$")


_NAMED_CHECK = re.compile(r"\[([A-Z][A-Z0-9_-]{1,30})\]|^(\S+) Failed\b")


def failing_check(signature: str | None) -> str | None:
    """The check a failure's signature (or headline) names as failing, lowercase: a hook's first
    `[DIALYZER]`, pre-commit's `flake8 Failed`; None for any other error."""
    if not signature:
        return None
    found = _NAMED_CHECK.search(signature.split("|", 1)[-1])
    if found is None:
        return None
    return (found.group(1) or found.group(2)).lower()


def error_headline(text: str | None, limit: int = HEADLINE_CHARS) -> str:
    """The line of `text` that carries its error (see the module's docstring), cut to `limit`
    characters (a signature cuts it again once its paths are placeholders: a longer path must not
    make another error of it)."""
    if not text:
        return ""
    lines = _lines(text)
    if not lines:
        return ""
    headline = _failing_check(lines) or _powershell_error(lines) or _error_line(lines)
    return headline[:limit]


def says_error(text: str | None) -> bool:
    """Whether `text` holds a line that carries an error or a summary of failures (steps 1 to 3
    above), not only output the headline would fall back to (a timed-out build's progress)."""
    lines = _lines(text) if text else []
    if not lines:
        return False
    if _failing_check(lines) or _powershell_error(lines):
        return True
    return _carrying([(at, line) for at, line in enumerate(lines) if not is_noise(line)]) is not None


_QUOTED_CR = re.compile(r"\r(['\"`])")


def _lines(text: str) -> list[str]:
    """The text's lines, cleaned; of a long output, the first HEAD_CHARS and the last TAIL_CHARS
    (a test runner's failure and summary are often at its end)."""
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        tail = text[-TAIL_CHARS:]
        text = text[:HEAD_CHARS] + "\n" + tail[tail.find("\n") + 1 :]  # the tail from a whole line
    text = text.replace("\\n", "\n")  # some hooks print their message JSON-escaped
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if "\r" in text:
        # a carriage return at the end of a quoted name is the error (a script with CRLF endings:
        # `env: 'bash\r': No such file or directory`), shown as ^M the way bash shows it in "bad
        # interpreter: /bin/bash^M"; elsewhere it ends a line
        text = _QUOTED_CR.sub(r"^M\1", text)
    lines = (_LEAD.sub("", _TAGS.sub("", line)).strip() for line in text.splitlines())
    return [without_label(line) for line in lines if line and not is_envelope(line)]


def _failing_check(lines: list[str]) -> str | None:
    """A check runner's rejection: its header with the first failing check (and rule code)."""
    found = _failing_checks(lines, 1)
    return found[0] if found else None


def failing_checks(text: str | None) -> list[str]:
    """Every check a check runner's rejection names as failing, each as its headline would read
    were it the first (`Pre-commit validation failed: [DIALYZER]`, `flake8 Failed: F401`), in the
    order printed; empty for any other output. One rejection is a failure of each of its checks."""
    if not text:
        return []
    lines = _lines(text)
    return _failing_checks(lines, _MAX_CHECKS) if lines else []


_MAX_CHECKS = 12


def _failing_checks(lines: list[str], limit: int) -> list[str]:
    out: list[str] = []
    first = lines[0]
    if _CHECKS_FAILED.search(first) and len(lines) > 1 and _CHECK_SECTION.match(lines[1]):
        header = _PREFIX.sub("", first)
        names: set[str] = set()
        for line in lines[1:]:
            section = _CHECK_SECTION.match(line)
            if section is None or section.group(1) in names:
                continue  # a check's own output, or a name printed again inside it
            names.add(section.group(1))
            rest = section.group(2).strip()
            out.append(f"{header} [{section.group(1)}]" + (f" {rest}" if rest else ""))
            if len(out) >= limit:
                break
        return out
    for at, line in enumerate(lines):
        hook = _PRE_COMMIT_HOOK.match(line)
        if hook is None or hook.group(2) != "Failed":
            continue
        name = hook.group(1).strip()
        headline = f"{name} Failed"
        for later in lines[at + 1 :]:
            if _PRE_COMMIT_HOOK.match(later):
                break
            code = _RULE_CODE.match(later)
            if code is not None:
                headline = f"{name} Failed: {code.group(1)}"
                break
        out.append(headline)
        if len(out) >= limit:
            break
    return out


_PS_POSITION = re.compile(r"^At (?:line:\d+|\S.*:\d+) char:\d+$")
_PS_RECORD_START = re.compile(r"^[\w.-]+ : \S")  # "Get-Content : Cannot find path ..."
_PS_CODE = "+ "  # the code echoed under "At line:", its "~~~" underline, CategoryInfo, ErrorId
_PS_NATIVE = "NativeCommandError"
_PS_WRAPPED_LINES = 3  # a record's message wrapped at the console's width: at most this many lines


def _powershell_error(lines: list[str]) -> str | None:
    """The message of PowerShell's first error record (see the module's docstring), or None."""
    at = next((i for i, line in enumerate(lines[:200]) if _PS_POSITION.match(line)), None)
    if at is None:
        return None
    after = at + 1
    while after < len(lines) and lines[after].startswith(_PS_CODE):
        if _PS_NATIVE in lines[after]:
            return None  # a native program's stderr: its own lines say what failed
        after += 1
    above = _record_above(lines, at)
    if above is not None:
        return above
    if after < len(lines) and not _PS_POSITION.match(lines[after]):
        return lines[after]  # a parse error: its message follows the underline
    return None


def _record_above(lines: list[str], at: int) -> str | None:
    """A command's error record: the message lines just above its "At line:" line, from the one
    that starts "<Command> : " (a message wrapped at the console's width is joined again)."""
    start = max(0, at - _PS_WRAPPED_LINES)
    for first in range(at - 1, start - 1, -1):
        line = lines[first]
        if _PS_POSITION.match(line) or line.startswith(_PS_CODE):
            return None
        if _PS_RECORD_START.match(line):
            return " ".join(lines[first:at])
    return None


# Messages that end with a colon and then quote the agent's input, not more of the error: Codex's
# apply_patch "Failed to find expected lines in PATH:" followed by the lines it looked for.
_QUOTING = re.compile(r"(?:^|: )Failed to find expected lines in ")


def _carrying(kept: list[tuple[int, str]]) -> tuple[int, str] | None:
    """The first of the lines `kept` (position, text) that carries an error, else the first that
    sums up failures (steps 2 and 3 above); None when none does."""
    for pattern in (_ERROR_LINES, _SUMMARY_LINES):
        chosen = next(((at, line) for at, line in kept if pattern.match(line)), None)
        if chosen is not None:
            return chosen
    return None


def _error_line(lines: list[str]) -> str:
    kept = [(at, line) for at, line in enumerate(lines) if not is_noise(line)]
    chosen = _carrying(kept)
    if chosen is None:
        if not kept:
            # Only noise: its first line, unless all of it is what the shell prints before any output.
            first = next(((at, line) for at, line in enumerate(lines) if not is_shell_banner(line)), None)
            if first is None:
                return ""
            kept = [first]
        chosen = kept[0]
    at, line = chosen
    line = _PREFIX.sub("", line)
    if _GENERIC_ASSERTION.match(line):
        name = _test_name(lines, at)
        if name:
            line = f"{name}: {line}"
    elif line.endswith(":") and not _QUOTING.search(line):
        after = next((later for later_at, later in kept if later_at > at), None)
        if after is not None:
            line = f"{line} {_PREFIX.sub('', after)}"
    return line


def _test_name(lines: list[str], at: int) -> str | None:
    """The failing test a generic assertion line belongs to: the nearest test header above it."""
    for line in reversed(lines[max(0, at - 12) : at]):
        found = _TEST_NAME.match(line)
        if found is not None:
            return next(group for group in found.groups() if group)
    return None
