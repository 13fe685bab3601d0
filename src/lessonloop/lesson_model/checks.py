"""The check a lesson gives when no fix was seen (issue 83, item 1): never "it failed before" alone.

A general lesson (learning/engine/general_lessons.py) learns what fails; what to do instead comes
from the later call of the same intent that worked (learning/engine/instead.py). Until one is seen,
the failure's own text often says enough to act on:

- **its kind**, in the words tools print for it: a time limit, a file too large to read whole, a
  folder read as a file, a refusal of this environment, a name the registry does not have, a
  dependency conflict, a project file not in the working folder, a path git does not know, a push
  behind its remote, a lint code, a build error, a failing test. Each gets the concrete thing to do
  or check before the call (`Check.text`), and words for what happened (`Check.cause`, the title's);
- **the error's own advice**: a `hint:` or `help:` line, a "did you mean", a "run X to fix": quoted
  as tool output (text a tool printed is data, lesson_model/quoting.py), never as lessonloop's own
  instruction, and never when it advises forcing past a check.

A failure with neither gets no check, and its lesson is never given to an agent
(lesson_model/decision.py: a lesson that names no remedy, no rule and no check is silent).

Every check starts with CHECK_HEAD, so a remedy learned later replaces it (stand_ins.general_remedy).
Facts about tools' messages, not about any corpus. Pure; standard library only (the hooks import it: no dataclasses, no typing).
"""

from __future__ import annotations

import re

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.core.outside_text import as_data
from lessonloop.lesson_model.quoting import tool_output

CHECK_HEAD = "Check first: "
_READ = 4000  # characters of an error read (where tools print what went wrong)
_CHECKS = frozenset({"test", "lint", "build", "typecheck"})  # analyze/commands.py kinds of a check's command
_START = 600  # characters where a refusal is the failure's own (not a warning in a long output)


class Check:
    """What happened, in words for a lesson's title ("ran past its time limit"), and the check or
    step to take before the call, the lesson's prevention (it starts with CHECK_HEAD). (A plain
    class: the hooks import this module, and they import no dataclasses.)"""

    __slots__ = ("cause", "text")

    def __init__(self, cause: str, text: str) -> None:
        self.cause = cause
        self.text = text


def is_check(text: str | None) -> bool:
    """Whether a lesson's prevention is one of this module's checks."""
    return bool(text) and str(text).startswith(CHECK_HEAD)


_LIMIT = LazyRegex(r"(?:timed out|timeout) after (\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|seconds?)\b", re.I)
_TIMEOUT = LazyRegex(r"timed out after|exceeded the timeout|\bexit(?:ed with)?(?: code:?)? 124\b|\btimed out\b", re.I)
_TOO_LARGE = LazyRegex(
    r"exceeds? (?:the )?maximum allowed|file content \(.{0,40}\) exceeds|too large to read|file is too (?:large|big)",
    re.I,
)
_FOLDER = LazyRegex(r"\bEISDIR\b|\bis a directory\b|illegal operation on a directory", re.I)
_REFUSED = LazyRegex(
    r"operation not permitted|permission denied|\bEACCES\b|\bEPERM\b|blocked by policy|access (?:to the path .{0,80} )?is "
    r"denied|read-only file system|requested permissions? to use .{1,80}?, but you haven't granted it|permission to use "
    r".{1,80}? (?:has been|was) denied",
    re.I,
)
_REGISTRY = LazyRegex(
    r"\bE404\b|404 Not Found|is not in (?:this|the npm) registry|No matching distribution found|could not find a version "
    r"that satisfies|no matching package named|package .{1,80} not found|could not find package",
    re.I,
)
_CONFLICT = LazyRegex(
    r"\bERESOLVE\b|could not resolve dependency|conflicting peer dependency|ResolutionImpossible|version solving "
    r"failed|failed to select a version",
    re.I,
)
_NOT_HERE = LazyRegex(r"could not find [`'\"]?([\w.\-]{2,60})[`'\"]? in .{0,200}? or any parent director", re.I)
# a program asking for a password or an answer where no one can type it (an agent's shell has no terminal)
_NO_TERMINAL = LazyRegex(
    r"sudo: (?:a terminal is required|no tty present|a password is required)|sudo: \d+ incorrect password|"
    r"the input device is not a TTY|inappropriate ioctl for device",
    re.I,
)
# a script, target or task the project does not declare (npm, pnpm, yarn, make, just, task runners)
_NOT_DECLARED = LazyRegex(
    r"Missing script: [\"'`]?([\w:.-]+)|No rule to make target [`'\"]([^'`\"\n]{1,80})['`\"]|"
    r"Command \"([\w:.-]+)\" not found|(?:Justfile|justfile) does not contain recipe `([\w-]+)`|"
    r"Task \"([\w:.-]+)\" (?:does not exist|not found)"
)
_HERE_STRING = LazyRegex(r"here-string header|missing the terminator: ['\"]@|here-string footer", re.I)
# a path the error says is not there, in the words of shells, PowerShell, Python, Node
_ABSENT_PATH = LazyRegex(
    r"(?:cannot find path|can't open file|cannot access|no such file or directory:?|ENOENT[^'\"\n]{0,60}?)"
    r"[ \t]*['\"`]([^'\"`\n]{1,200})['\"`]",
    re.I,
)
# a project file an error names (a relative path with a configuration or source file's ending)
_NAMED_FILE = LazyRegex(
    r"(?<![\w/.:@-])((?:[\w.-]+/)*[\w-][\w.-]*\.(?:ya?ml|json|toml|ini|cfg|conf|env|lock|xml|properties|gradle|"
    r"tf|py|js|mjs|cjs|ts|tsx|jsx|rb|go|rs|java|kt|cs|php|ex|exs|sh|ps1|sql|md))\b(?![/\w])"
)
_ANSI = LazyRegex(r"\x1b\[[0-9;?]*[A-Za-z]")
_PATHSPEC = LazyRegex(r"pathspec '([^'\n]{1,200})' did not match")
_BEHIND = LazyRegex(r"non-fast-forward|\(fetch first\)|Updates were rejected because", re.I)
_LINT_TOOL = LazyRegex(r"\b(?:flake8|ruff|pylint|eslint|pyflakes|pycodestyle|rubocop|golangci|clippy|lint)\b", re.I)
_LINT_CODE = LazyRegex(r"\b([A-Z]{1,3}\d{3,4})\b")
_BUILD = LazyRegex(
    r"error\[E\d{4}\]|\berror TS\d{4}\b|\berror CS\d{4}\b|error: could not compile|compilation failed|cannot find symbol|"
    r"undefined reference to|\bSyntaxError\b|build failed",
    re.I,
)
_BUILD_CODE = LazyRegex(r"error\[(E\d{4})\]|error (TS\d{4}|CS\d{4})")
_TESTS = LazyRegex(
    r"\b\d+ (?:tests? )?failed\b|\bTests?:\s+\d+ failed|\bFAILED\b|\bAssertionError\b|assert(?:ion)? failed|"
    r"expect\(.{0,200}?\)\.\w+\(.{0,200}?\) failed|\btest result: FAILED",
)

# the error's own advice: a hint or help line (git, cargo, rustc), "did you mean", "run X to fix"
_HINT = LazyRegex(r"(?im)^[ \t]*(?:=[ \t]*)?(?:hint|help|suggestion)[ \t]*:[ \t]*(\S[^\n]{8,300})$")
_DID_YOU_MEAN = LazyRegex(r"(?i)\bdid you mean\b[^\n?]{1,160}\??")
_RUN_TO_FIX = LazyRegex(
    r"(?i)\b(?:run|use|try)\s+[`'\"]([^`'\"\n]{2,100})[`'\"]\s+(?:to fix|instead|first)\b[^\n]{0,80}"
)
_FORCING = LazyRegex(r"--force\b|--no-verify\b|--legacy-peer-deps\b|--skip-|\s-f\b|--allow-dirty\b", re.I)


def check_for(
    error_text: str | None,
    *,
    shown: str,
    path: str | None = None,
    kinds: frozenset[str] | set[str] = frozenset(),
    exit_code: int | None = None,
) -> Check | None:
    """The check a failure's text gives (see the module's docstring), or None when it gives none.
    `shown`: the command (its words) or the tool, as the lesson's title names it; `path`: the file
    or operand the call was about; `kinds`: analyze/commands.words_kinds of the command."""
    text = _readable(error_text or "")
    call = f"`{shown}`"
    where = as_data(path) if path else None
    if exit_code == 124 or _TIMEOUT.search(text):
        limit = _limit(text)
        return Check(
            "ran past its time limit",
            f"{CHECK_HEAD}{call} ran past its time limit here{limit}: run it with a longer timeout or in the "
            "background, or narrow it (one package, one test, one file); sent again as it was, it times out again.",
        )
    if _TOO_LARGE.search(text):
        what = where or "the file"
        return Check(
            "is too large to read whole",
            f"{CHECK_HEAD}{what} is too large to read whole: read a part of it (an offset and a limit), or search it "
            "for what you need.",
        )
    if _FOLDER.search(text):
        what = where or "the path"
        return Check(
            "is a folder, not a file",
            f"{CHECK_HEAD}{what} is a folder: list it (or search in it) instead of reading or writing it as a file.",
        )
    declared = _NOT_DECLARED.search(text[:_START])
    if declared is not None:
        # (before the checks' gate: a test script the project does not declare never ran)
        name = next(g for g in declared.groups() if g)
        return Check(
            f"named {as_data(name)}, which the project does not declare",
            f"{CHECK_HEAD}what the project declares (its package.json scripts, Makefile targets, recipes: `npm run`, "
            f"`make -qp`, `just --list`) before {call}: it declares no {as_data(name)}.",
        )
    if kinds & _CHECKS:
        # the call is itself a check (a build, the tests, a linter): its failure is its verdict on
        # the code of the moment, and "check before the check" teaches nothing (a compiler's
        # output names what the sandbox refused it as warnings: not the failure)
        return None
    codes = _codes(_BUILD_CODE, text)
    if codes or _BUILD.search(text):
        # (before a refusal: a compiler's output may end with a cache the sandbox would not clean)
        named = f" ({codes})" if codes else ""
        return Check(
            "did not build",
            f"{CHECK_HEAD}build it (the compiler's check alone) and fix the errors it names{named} before {call}.",
        )
    refused = _refusal(text, call, where)
    if refused is not None:
        return refused
    if _NO_TERMINAL.search(text[:_START]):
        return Check(
            "needs a password this shell cannot type",
            f"{CHECK_HEAD}this shell has no terminal to type a password in (sudo, ssh, a prompt): run {call} "
            "without it (a user or a folder that needs no password), or ask the person to run it; sent again, it "
            "asks again.",
        )
    if _CONFLICT.search(text):
        return Check(
            "hit a dependency conflict",
            f"{CHECK_HEAD}the versions {call} named as conflicting: choose versions that agree (or upgrade the one "
            "that is behind) before running it again; forcing past the conflict only hides it.",
        )
    if _REGISTRY.search(text):
        return Check(
            "asked for a name the registry does not have",
            f"{CHECK_HEAD}that the package's name and version exist (`npm view NAME versions`, `pip index versions "
            f"NAME`, the project's manifest) before {call}: the registry answered that it has no such package.",
        )
    if _HERE_STRING.search(text):
        return Check(
            "broke PowerShell's here-string form",
            f"{CHECK_HEAD}a PowerShell here-string opens with @' (or @\") as the last thing on its line and closes "
            "with '@ (or \"@) at the very start of a line of its own; nothing may follow the opening on its line.",
        )
    found = _ABSENT_PATH.search(text[:_START])
    if found is not None:
        named = where or as_data(found.group(1).strip().rstrip(".:"))
        return Check(
            "named a path that is not there",
            f"{CHECK_HEAD}{named} exists before {call} (list its folder, or search for its name): it was not "
            "there; use the path where it is, or make it if it should exist.",
        )
    found = _NOT_HERE.search(text)
    if found is not None:
        name = as_data(found.group(1))
        return Check(
            f"ran outside the folder holding {name}",
            f"{CHECK_HEAD}the working folder holds {name} before {call}: change to the project's folder that does "
            "(or give its path) first.",
        )
    found = _PATHSPEC.search(text)
    if found is not None:
        return Check(
            "named a path git does not know",
            f"{CHECK_HEAD}the path with `git status` or `git ls-files` before {call}: git knew no file at "
            f"{as_data(found.group(1))} (a typo, a path outside the repository, or not created yet).",
        )
    if _BEHIND.search(text):
        return Check(
            "was rejected: the branch is behind its remote",
            f"{CHECK_HEAD}bring in the remote's commits (`git fetch`, then rebase or merge) and see `git status` say "
            f"the branch is not behind before {call}.",
        )
    advice = error_advice(text)
    if _LINT_TOOL.search(text):
        codes = _codes(_LINT_CODE, text)
        if codes:
            what = where or "the files you changed"
            return Check(
                "failed the lint check",
                f"{CHECK_HEAD}run the linter on {what} before finishing and fix what it names ({codes}): {call} "
                "fails on it.",
            )
    if _TESTS.search(text):
        return Check(
            "failed its tests",
            f"{CHECK_HEAD}run the failing test alone and fix its first failure before running {call} again"
            + (f"; {advice}" if advice else "."),
        )
    if advice:
        return Check("failed", f"{CHECK_HEAD}{advice}")
    named_file = _NAMED_FILE.search(text[:_START])
    if named_file is not None and named_file.group(1) not in shown:
        return Check(
            f"failed on what {as_data(named_file.group(1))} holds",
            f"{CHECK_HEAD}read {as_data(named_file.group(1))}, the file its error names, and fix what the error "
            f"says of it before {call}.",
        )
    return None


def _refusal(text: str, call: str, where: str | None) -> Check | None:
    """The check of a call this environment refused (in the first _START characters: a refusal
    deep in a long output is a warning of the command's, not its failure)."""
    if _REFUSED.search(text[:_START]) is None:
        return None
    return Check(
        "was refused by this environment",
        f"{CHECK_HEAD}this environment refused {call} (no permission{', on ' + where if where else ''}): ask the "
        "person, or do it where it is allowed; sent again as it was, it is refused again.",
    )


def needs_terminal(text: str | None) -> bool:
    """Whether a failure is a program asking for a password or an answer where no one can type it
    (sudo, a TTY): one cause however the program words it (learning/engine/signatures.py)."""
    return bool(text) and _NO_TERMINAL.search(_readable(str(text))[:_START]) is not None


def error_advice(text: str) -> str | None:
    """The error's own advice, quoted as tool output: its first hint or help line, a "did you
    mean", a "run X to fix"; None when it gives none, or only advice that forces past a check."""
    for pattern in (_HINT, _DID_YOU_MEAN, _RUN_TO_FIX):
        for found in pattern.finditer(text):
            said = found.group(0).strip()
            if _FORCING.search(said):
                continue
            return f"what the error itself advised: {tool_output(said, 200)}"
    return None


def _readable(text: str) -> str:
    """The part of an error read: its first and last _READ characters (a test runner prints its
    failures last), without a terminal's colour codes."""
    if len(text) > 2 * _READ:
        text = text[:_READ] + "\n" + text[-_READ:]
    return _ANSI.sub("", text) if "\x1b" in text else text


def _limit(text: str) -> str:
    """` (120 s)`: the time limit the error names, in seconds, or nothing."""
    found = _LIMIT.search(text)
    if found is None:
        return ""
    value = float(found.group(1))
    seconds = value / 1000 if found.group(2).lower().startswith("m") else value
    return f" ({seconds:g} s)"


def _codes(pattern: LazyRegex, text: str) -> str:
    """Up to three distinct codes the pattern finds (its first non-empty group), joined."""
    seen: list[str] = []
    for found in pattern.finditer(text):
        code = next((g for g in found.groups() if g), None) or found.group(0)
        if code not in seen:
            seen.append(code)
        if len(seen) == 3:
            break
    return ", ".join(seen)
