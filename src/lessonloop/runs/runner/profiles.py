"""Built-in pattern sets (`lessonloop run --profile NAME`) for common test runners and build tools.

Each pattern is a Python regex applied to one output line at a time, as bytes, after terminal
colour and cursor codes are removed (runner/matching.py). So the patterns are ASCII: a non-ASCII
marker such as jest's "\u25cf" is written as its UTF-8 bytes ("\\xe2\\x97\\x8f"). The patterns were
written against the real output of each tool; tests/data/runner_output holds samples of it, and
tests/runs/test_runner_profiles.py checks that every failing sample trips an error pattern and no
passing sample does.

What the profiles leave out on purpose:

- Success patterns for test runners: a runner prints its "passed" summary last, once per test
  binary or package for some (cargo, go), so stopping on it gains nothing and can cut a run short.
  The exception is vitest's watch mode, which never ends by itself.
- Rust's "thread '...' panicked at": a `#[should_panic]` test that passes prints it too under
  `--nocapture`; a real failure also prints "test NAME ... FAILED".
- Go's "# package" build header: it also comes before harmless linker warnings (macOS "ld:
  warning: ..."); the compiler's own "file.go:L:C: message" lines and "FAIL pkg [build failed]"
  tell a broken build.

Stdlib only and no dataclasses: `lessonloop run --profile` imports this on every run.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any


class Profile:
    """One tool's patterns, the commands it is for, and optional after-match window overrides
    (None: the run's defaults)."""

    __slots__ = (
        "after_lines",
        "after_seconds",
        "commands",
        "description",
        "error",
        "exclude",
        "ignore_case",
        "interrupt_grace",
        "name",
        "partial",
        "success",
    )

    def __init__(
        self,
        name: str,
        description: str,
        *,
        error: tuple[str, ...],
        success: tuple[str, ...] = (),
        exclude: tuple[str, ...] = (),
        ignore_case: bool = False,
        after_seconds: float | None = None,
        after_lines: int | None = None,
        commands: tuple[tuple[str, ...], ...] = (),
        partial: tuple[str, ...] = (),
        interrupt_grace: float = 0.0,
    ) -> None:
        self.name = name
        self.interrupt_grace = interrupt_grace  # stop with INT first, TERM this long after (0: TERM at once)
        self.partial = partial  # error patterns of a line still being written (progress characters)
        self.description = description
        self.error = error
        self.success = success
        self.exclude = exclude
        self.ignore_case = ignore_case
        self.after_seconds = after_seconds
        self.after_lines = after_lines
        self.commands = commands

    def __repr__(self) -> str:
        return f"Profile({self.name!r})"


# UTF-8 bytes of the markers the JavaScript runners print, as regex escapes.
_BULLET = r"\xe2\x97\x8f"  # U+25CF, jest's failure heading
_CROSS = r"\xe2\x9c\x95"  # U+2715, jest --verbose failed test
_TIMES = r"\xc3\x97"  # U+00D7, vitest failed test
_HEAVY_X = r"\xe2\x9c\x96"  # U+2716, node --test (spec reporter) failed test

_NPM_ERROR = r"^npm (ERR!|error) "  # npm 6-9 "npm ERR! ...", npm 10+ "npm error ..."

_PYTEST = Profile(
    "pytest",
    "pytest: failed and erroring tests, collection errors, internal errors, failure summaries",
    error=(
        r"^(FAILED|ERROR) \S",  # short test summary: "FAILED tests/x.py::test_a - assert 3 == 4"
        r"^\[gw\d+\] \[\s*\d+%\] (FAILED|ERROR) ",  # pytest-xdist -v
        r"^\S+::.* (FAILED|ERROR)(\s|$)",  # -v: "tests/x.py::test_a FAILED   [ 20%]"
        r"^\S+\.py [.sxXFE]*[FE][.sxXFE]*(\s+\[\s*\d+%\])?\s*$",  # progress: "tests/x.py ..F.  [ 40%]"
        r"^[.sxXFE]*[FE][.sxXFE]*\s+\[\s*\d+%\]\s*$",  # -q progress: "..F.E  [100%]"
        r"^E {3}",  # assertion and exception lines of a traceback
        r"ERROR (collecting|at setup of|at teardown of) ",
        r"^INTERNALERROR> ",
        r"^ERROR: ",  # usage errors, "ERROR: file or directory not found: x"
        r"^ImportError while loading conftest ",
        r"Interrupted: [1-9]\d* errors? during collection",
        r"\b[1-9]\d* (failed|errors?)\b.* in \d+(\.\d+)?s\b",  # "=== 1 failed, 2 passed in 0.12s ==="
    ),
    exclude=(
        r"^(XFAIL|XPASS|SKIPPED|PASSED) \S",  # -rA summary lines, whatever their reason says
        r"^\S+::\S+ (XFAIL|XPASS|SKIPPED|PASSED)\b",  # -v result lines
    ),
    commands=(("pytest",), ("py.test",), ("python", "-m", "pytest"), ("python3", "-m", "pytest")),
    # The progress line as it is written, before its "[ 40%]": "..F" (-q), "tests/x.py ..F" (default).
    partial=(r"^(\S+\.py )?[.sxXFE]*[FE][.sxXFE]*$",),
    # pytest prints a failure's report only at the end of the session, or on an interrupt (SIGINT:
    # the report of the failures so far, the short summary, where it was interrupted; it exits 2).
    # So it is stopped with INT, given 3 s to print that before TERM, and the window after the
    # first failure is short: waiting longer only runs more tests.
    interrupt_grace=3.0,
    after_seconds=1.0,
)

_JEST_SUMMARY = (
    r"^\s*Test Suites: .*\b[1-9]\d* failed",
    r"^\s*Tests: .*\b[1-9]\d* failed",
)

_JEST = Profile(
    "jest",
    "jest: failed suites and tests, suites that failed to run, failure summaries",
    error=(
        r"^\s*FAIL\s+\S",  # "FAIL src/sum.test.js" (" FAIL " on a terminal)
        r"^\s*" + _BULLET + r" \S",  # "  \u25cf sum > adds", "  \u25cf Test suite failed to run"
        r"^\s*" + _CROSS + r" \S",  # --verbose: "    \u2715 adds wrong (2 ms)"
        *_JEST_SUMMARY,
        r"coverage threshold for \w+ \(\d+(\.\d+)?%\) not met",
        _NPM_ERROR,  # npx could not run jest
    ),
    exclude=(
        r"^\s*" + _BULLET + r" Console\s*$",  # console output of a passing test
    ),
    commands=(("jest",), ("npx", "jest"), ("yarn", "jest"), ("pnpm", "jest"), ("pnpm", "exec", "jest")),
)

_VITEST_SUMMARY = (
    r"^\s*Test Files\s+[1-9]\d* failed",  # " Test Files  2 failed | 1 passed (3)"
    r"^\s*Tests\s+[1-9]\d* failed",
)

_VITEST = Profile(
    "vitest",
    "vitest: failed files and tests, unhandled errors, failure summaries; in watch mode a "
    "passing run counts as success",
    error=(
        r"^\s*FAIL\s+\S",  # " FAIL  src/sum.test.ts > sum > adds", " FAIL  Tests failed. Watching ..."
        r"^\s*" + _TIMES + r" \S",  # "   \u00d7 sum > adds wrong 5ms"
        r"\(\d+ tests? \| [1-9]\d* failed",  # " \u276f src/sum.test.ts (4 tests | 2 failed) 9ms"
        r"\bFailed (Suites|Tests) [1-9]\d*\b",
        *_VITEST_SUMMARY,
        r"^\s*Errors\s+[1-9]\d* errors?\b",
        r"\bUnhandled (Errors?|Rejection)\b",
        r"Vitest caught [1-9]\d* unhandled errors?",
        _NPM_ERROR,
    ),
    success=(r"^\s*PASS\s+Waiting for file changes",),
    commands=(
        ("vitest",),
        ("npx", "vitest"),
        ("yarn", "vitest"),
        ("pnpm", "vitest"),
        ("pnpm", "exec", "vitest"),
    ),
)

_CARGO_TEST = Profile(
    "cargo-test",
    "cargo test: compile errors, failed tests (unit, integration, doc), failed test binaries",
    error=(
        r"^error(\[E\d+\])?: ",  # rustc and cargo: "error[E0308]: mismatched types", "error: test failed"
        # No "$" after FAILED: on a terminal libtest ends it with "ESC ( B", which stays after colour
        # codes are removed. "test tests::adds ... FAILED", "test src/lib.rs - add (line 3) ... FAILED"
        r"^test .+ \.\.\. FAILED\b",
        r"^\S+ --- FAILED\b",  # -q (libtest's terse format): "tests::adds --- FAILED"
        r"^test result: FAILED\b",
        r"^failures:\s*$",
        r"^---- .+ stdout ----",
    ),
    commands=(("cargo", "test"), ("cargo", "t")),
)

_GO_TEST = Profile(
    "go-test",
    "go test: failed tests and packages, build and vet errors, panics, data races",
    error=(
        r"^\s*--- FAIL: ",  # "--- FAIL: TestAdd (0.00s)", subtests indented
        r"^FAIL(\s|$)",  # "FAIL", "FAIL\texample.com/calc\t0.01s", "FAIL\tpkg [build failed]"
        r"^\s*panic: ",  # panics, "panic: test timed out after 10m0s"
        r"^fatal error: ",  # "fatal error: all goroutines are asleep - deadlock!"
        r"^(vet: )?\S+\.go:\d+:\d+: ",  # compiler and vet: "./math.go:5:9: undefined: foo"
        r"^WARNING: DATA RACE$",
        r"race detected during execution of test",
        r"^go: ",  # "go: cannot find main module", "go: updates to go.mod needed"
    ),
    exclude=(
        r"^\s*--- (PASS|SKIP): ",
        r"^=== (RUN|PAUSE|CONT|NAME)\s",
        r"^ok\s",
        r"^go: (downloading|finding|extracting|found|added|upgraded|downgraded|removed|creating|to add|warning:) ",
    ),
    commands=(("go", "test"),),
)

_NPM = Profile(
    "npm",
    "npm, yarn and pnpm scripts: package manager errors, Node.js crashes, and the failure "
    "summaries of jest, vitest, mocha, node --test and tsc",
    error=(
        _NPM_ERROR,
        r"^error Command failed with exit code \d+",  # yarn 1
        r"\bELIFECYCLE\b",  # pnpm " ELIFECYCLE  Test failed.", npm 6 "npm ERR! code ELIFECYCLE"
        r"^Node\.js v\d+\.\d+",  # printed after an uncaught exception
        r"^(node:[\w/]+|/\S+\.[cm]?[jt]sx?):\d+$",  # the first line of an uncaught exception
        r"\[ERR_[A-Z0-9_]+\]",  # "AssertionError [ERR_ASSERTION]: ..."
        r"\berror TS\d+: ",  # tsc
        r"problems? \([1-9]\d* errors?",  # eslint "\u2716 3 problems (2 errors, 1 warning)"
        *_JEST_SUMMARY,
        r"^\s*FAIL\s+\S",  # jest and vitest
        *_VITEST_SUMMARY,
        r"^\s*[1-9]\d* failing$",  # mocha
        r"^\s*not ok \d+ ",  # TAP, node --test
        r"^# fail [1-9]\d*$",  # node --test (TAP)
        r"^\s*" + _HEAVY_X + r" \S",  # node --test (spec): "\u2716 adds wrong (0.8ms)"
    ),
    exclude=(r"^npm (WARN|warn) ",),
    commands=(("npm",), ("yarn",), ("pnpm",)),
)

_MIX_TEST = Profile(
    "mix-test",
    "mix test (ExUnit): failed tests, setup_all failures, compile errors, failure summaries",
    error=(
        r"^\s+\d+\) (test|doctest|property) .+ \([\w.]+\)$",  # "  1) test adds (CalcTest)"
        r"^\s+\d+\) [\w.]+: failure on setup_all callback",
        r"\b\d+ (tests?|propert(y|ies)|doctests?), [1-9]\d* failures?\b",  # "3 tests, 1 failure"
        r"\b[1-9]\d* invalid\b",  # tests invalidated by a failed setup_all
        # "** (CompileError) lib/calc.ex:3: ...", "** (Mix) ...". Not any "** (Error)": a test that
        # crashes a GenServer on purpose logs "** (RuntimeError) boom" and still passes.
        r"^\*\* \((CompileError|SyntaxError|TokenMissingError|MismatchedDelimiterError|Mix)\)",
        r"^== Compilation error in file ",
        r"^\s*error: ",  # Elixir 1.15+ compiler diagnostics
    ),
    commands=(("mix", "test"),),
)

_MAKE = Profile(
    "make",
    "make: failed recipes and make's own errors, compiler and linker errors",
    error=(
        r"^g?make(\[\d+\])?: \*\*\* ",  # "make: *** [Makefile:9: app.o] Error 1", "make[1]: *** No rule ..."
        r"^\S+:\d+: \*\*\* ",  # "Makefile:2: *** missing separator.  Stop."
        r"^\*\*\* Error code \d+",  # BSD make
        r"^\S+?:\d+(:\d+)?: (fatal )?error: ",  # gcc, clang, javac: "src/main.c:5:24: error: ..."
        r"^([\w./+-]+: )?(fatal )?error: ",  # "collect2: error: ld returned 1", "clang: error: ..."
        r"undefined reference to ",
        r"symbol\(s\) not found",
        r"multiple definition of ",
        r"\berror TS\d+: ",
    ),
    exclude=(
        r"\(ignored\)\s*$",  # "make: [Makefile:16: test] Error 1 (ignored)"
        r"^\s*(\S*/)?(cc|gcc|g\+\+|c\+\+|clang|clang\+\+)(-[\d.]+)? -",  # echoed compiler command lines
    ),
    commands=(("make",), ("gmake",)),
)

PROFILES: dict[str, Profile] = {
    profile.name: profile for profile in (_PYTEST, _JEST, _VITEST, _CARGO_TEST, _GO_TEST, _NPM, _MIX_TEST, _MAKE)
}


def describe_profiles() -> list[dict[str, Any]]:
    """The profiles as `lessonloop run --list-profiles` shows them, in name order."""
    return [
        {
            "name": profile.name,
            "description": profile.description,
            "commands": [list(command) for command in profile.commands],
            "error": list(profile.error),
            "success": list(profile.success),
            "exclude": list(profile.exclude),
            "partial": list(profile.partial),
            "ignore_case": profile.ignore_case,
            "after_seconds": profile.after_seconds,
            "after_lines": profile.after_lines,
            "interrupt_grace": profile.interrupt_grace,
        }
        for profile in sorted(PROFILES.values(), key=lambda p: p.name)
    ]


# --- which profile a command is for ---------------------------------------------------------------

# Words that run the rest of the command line: skipped (with their options) to find the program.
_WRAPPERS = frozenset({"env", "time", "nice", "nohup", "command", "exec", "stdbuf", "caffeinate"})
# Runners that take a command after a subcommand: `uv run pytest`, `poetry run pytest`, ...
_RUN_PREFIXES = {
    "uv": "run",
    "poetry": "run",
    "pipenv": "run",
    "pdm": "run",
    "hatch": "run",
    "rye": "run",
    "bundle": "exec",
}
_PACKAGE_EXECUTORS = frozenset({"npx", "pnpx", "bunx"})
_PACKAGE_MANAGERS = frozenset({"npm", "yarn", "pnpm"})
_JS_RUNNERS = {"jest": "jest", "vitest": "vitest"}


def profile_for(argv: Sequence[str]) -> Profile | None:
    """The built-in profile for the command `argv`, or None.

    Recognized: `pytest`, `py.test`, `python -m pytest`; `jest` and `vitest` however started
    (`npx`, `yarn`, `pnpm [exec]`, `npm exec`, node_modules/.bin); `npm`, `yarn` and `pnpm`
    otherwise (`npm test`, `npm run build`, ...); `cargo test`; `go test`; `mix test`; `make`
    and `gmake`. Environment assignments and wrappers (`env`, `time`, `nice`, `uv run`,
    `poetry run`, ...) in front are skipped.
    """
    words = _unwrapped(list(argv))
    if not words:
        return None
    program = _program(words[0])
    rest = words[1:]
    if program in ("pytest", "py.test"):
        return PROFILES["pytest"]
    if program.startswith("python") or program == "py":
        return PROFILES["pytest"] if _python_module(rest) == "pytest" else None
    if program in _JS_RUNNERS:
        return PROFILES[_JS_RUNNERS[program]]
    if program == "node" and rest:
        return profile_for(rest) if _program(rest[0]) in _JS_RUNNERS else None
    if program in _PACKAGE_EXECUTORS:
        tool = _first_word(rest)
        return PROFILES[_JS_RUNNERS[_program(tool)]] if tool and _program(tool) in _JS_RUNNERS else None
    if program in _PACKAGE_MANAGERS:
        return _package_manager_profile(rest)
    if program == "cargo":
        sub = _first_word([word for word in rest if not word.startswith("+")])  # cargo +nightly test
        return PROFILES["cargo-test"] if sub in ("test", "t") else None
    if program == "go":
        return PROFILES["go-test"] if _first_word(rest) == "test" else None
    if program == "mix":
        return PROFILES["mix-test"] if _first_word(rest) == "test" else None
    if program in ("make", "gmake"):
        return PROFILES["make"]
    return None


def _program(word: str) -> str:
    name = os.path.basename(word)
    if name.lower().endswith(".exe"):
        name = name[:-4]
    return name


def _first_word(words: Sequence[str]) -> str | None:
    """The first word that is not an option."""
    for word in words:
        if word == "--":
            continue
        if not word.startswith("-"):
            return word
    return None


def _unwrapped(words: list[str]) -> list[str]:
    """`words` without leading VAR=value assignments and wrapper commands."""
    for _ in range(8):  # wrappers of wrappers, but never forever
        while words and "=" in words[0] and not words[0].startswith(("-", "=")) and "/" not in words[0].split("=")[0]:
            words = words[1:]
        if not words:
            return words
        program = _program(words[0])
        if program in _WRAPPERS:
            words = words[1:]
            while words and (words[0].startswith("-") or "=" in words[0]):
                words = words[1:]
            continue
        if program == "timeout":  # timeout [options] DURATION COMMAND
            words = words[1:]
            while words and words[0].startswith("-"):
                takes_value = words[0] in ("-k", "-s", "--kill-after", "--signal")
                words = words[2:] if takes_value else words[1:]
            words = words[1:]
            continue
        run_word = _RUN_PREFIXES.get(program)
        if run_word is not None and len(words) > 2 and words[1] == run_word:
            words = words[2:]
            while words and words[0].startswith("-"):
                words = words[1:]
            continue
        break
    return words


def _python_module(args: Sequence[str]) -> str | None:
    """The module of `python [options] -m MODULE ...`, or None."""
    index = 0
    while index < len(args):
        word = args[index]
        if word == "-m":
            return args[index + 1] if index + 1 < len(args) else None
        if word.startswith("-m") and len(word) > 2:
            return word[2:]
        if word in ("-X", "-W"):  # options with a value
            index += 2
            continue
        if not word.startswith("-"):
            return None  # a script
        index += 1
    return None


def _package_manager_profile(args: Sequence[str]) -> Profile:
    """`npm`/`yarn`/`pnpm ARGS`: jest or vitest when it runs one directly, else npm."""
    words = [word for word in args if not word.startswith("-")]
    if words[:1] == ["exec"] or words[:1] == ["dlx"]:
        words = words[1:]
    if words and _program(words[0]) in _JS_RUNNERS:
        return PROFILES[_JS_RUNNERS[_program(words[0])]]
    return PROFILES["npm"]


# --- the profile a run uses when none is given ----------------------------------------------------

# make targets that run tests: `make test`, `make check`, `make test-unit`, ...
_TEST_TARGETS = ("test", "tests", "check")
# package.json scripts that run tests: `npm test`, `npm t`, `yarn test`, `npm run test:unit`, ...
_TEST_SCRIPTS = ("test", "t", "tst")


def detect_profile(argv: Sequence[str]) -> Profile | None:
    """The profile `lessonloop run` uses for `argv` when it is given neither -e nor --profile: the
    test runners only, where stopping at the first failure is what the person wants.

    pytest (`python -m pytest` too), jest and vitest however started, `cargo test`, `go test`,
    `mix test`; `npm test` / `npm run test` (and yarn, pnpm; scripts named test, test:*, test-*);
    `make test` / `make check` (not with -k, which asks make to go on after a failure). Not a
    build (`npm run build`, plain `make`): it may print an error and still be worth finishing."""
    profile = profile_for(argv)
    if profile is None:
        return None
    words = _unwrapped(list(argv))
    args = words[1:]
    if profile.name == "make":
        targets = [w for w in args if not w.startswith("-") and "=" not in w]
        return profile if not _keeps_going(args) and any(_is_test_name(t, _TEST_TARGETS) for t in targets) else None
    if profile.name == "npm":
        return profile if _runs_test_script(args) else None
    return profile


# make's short options that take a value (`-C dir`, `-j4`): what follows them in a cluster is that value.
_MAKE_VALUE_OPTIONS = frozenset("CfIjloOW")


def _keeps_going(args: Sequence[str]) -> bool:
    """Whether make's options include -k / --keep-going (in a cluster such as `-kj4` too)."""
    for word in args:
        if word == "--keep-going":
            return True
        if word.startswith("-") and not word.startswith("--"):
            for letter in word[1:]:
                if letter == "k":
                    return True
                if letter in _MAKE_VALUE_OPTIONS:
                    break
    return False


def _is_test_name(name: str, names: tuple[str, ...]) -> bool:
    return name in names or any(name.startswith(f"{base}{sep}") for base in names for sep in (":", "-", "_"))


def _runs_test_script(args: Sequence[str]) -> bool:
    """`npm test`, `npm run test:unit`, `yarn test`, `pnpm run test` (options anywhere)."""
    words = [word for word in args if not word.startswith("-")]
    if words[:1] in (["run"], ["run-script"]):
        words = words[1:]
    return bool(words) and _is_test_name(words[0], _TEST_SCRIPTS)
