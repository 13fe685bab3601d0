"""The built-in profiles of `lessonloop run`, checked against real output of each tool.

tests/data/runner_output/<profile>-pass*.txt and <profile>-fail*.txt are the output of real runs
(paths and times changed), captured with the tools' own versions: pytest 9.2, cargo 1.95, jest
29.7, vitest 3.2, npm 11 with Node.js 20 (its scripts ran node, jest, vitest and node --test),
GNU make 4.3 with gcc 12. The *-tty.txt and *-watch.txt samples were taken through a
pseudo-terminal, colour codes and carriage returns included (libtest, for one, ends its coloured
words with "ESC ( B", which the runner does not strip: the cargo patterns do not end in "$"). Go and Elixir are not installed
where these were made: the go-test and mix-test samples are written after the documented output
of `go test` (Go 1.22) and ExUnit (Elixir 1.14 and 1.15+ compiler diagnostics).

The matching is the runner's own (runner/matching.py): whole lines, colour codes removed, bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lessonloop.runs.runner.matching import compile_patterns, find_hits, strip_codes
from lessonloop.runs.runner.profiles import PROFILES, Profile, describe_profiles, profile_for

DATA = Path(__file__).parent.parent / "data" / "runner_output"
SAMPLES = sorted(DATA.glob("*.txt"))


def profile_of(sample: Path) -> Profile:
    """The profile a sample is for: the longest profile name its file name starts with."""
    for name in sorted(PROFILES, key=len, reverse=True):
        if sample.name.startswith(name + "-"):
            return PROFILES[name]
    raise AssertionError(f"{sample.name} names no profile")


def hits(profile: Profile, output: bytes, kind: str = "error") -> list[str]:
    """The lines of `output` that the profile's `kind` patterns match (excludes applied)."""
    patterns = compile_patterns(kind, getattr(profile, kind), profile.ignore_case)
    excludes = compile_patterns("exclude", profile.exclude, profile.ignore_case)
    block = strip_codes(output)
    return [
        block[hit.start : hit.end].decode("utf-8", "replace").strip() for hit in find_hits(block, patterns, excludes)
    ]


def test_there_are_samples_for_every_profile() -> None:
    assert set(PROFILES) == {"pytest", "jest", "vitest", "cargo-test", "go-test", "npm", "mix-test", "make"}
    for name in PROFILES:
        names = [s.name for s in SAMPLES if profile_of(s).name == name]
        assert any("-pass" in n for n in names), f"no passing sample for {name}"
        assert any("-fail" in n for n in names), f"no failing sample for {name}"


@pytest.mark.parametrize("sample", [s for s in SAMPLES if "-fail" in s.name], ids=lambda s: s.name)
def test_every_failing_sample_trips_an_error_pattern(sample: Path) -> None:
    profile = profile_of(sample)
    assert hits(profile, sample.read_bytes()), f"no error pattern of {profile.name} matches {sample.name}"
    assert hits(profile, sample.read_bytes(), "success") == []


@pytest.mark.parametrize("sample", [s for s in SAMPLES if "-pass" in s.name], ids=lambda s: s.name)
def test_no_passing_sample_trips_an_error_pattern(sample: Path) -> None:
    profile = profile_of(sample)
    assert hits(profile, sample.read_bytes()) == []


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s.name.startswith(("jest-pass", "vitest-pass"))], ids=str)
def test_the_npm_profile_is_quiet_on_passing_js_runners(sample: Path) -> None:
    # `npm test` runs jest or vitest: their passing output (console.error included) is no failure.
    assert hits(PROFILES["npm"], sample.read_bytes()) == []


def test_the_first_error_is_the_earliest_sign_of_failure() -> None:
    # What stops the run early: the first line each tool prints about a failure.
    first = {
        "pytest-fail.txt": "tests/test_x.py F.Exs",
        "pytest-fail-verbose.txt": "tests/test_x.py::test_add FAILED",
        "pytest-fail-collect.txt": "_______________________ ERROR collecting tests/test_y.py",
        "cargo-test-fail.txt": "test tests::adds_wrong ... FAILED",
        "cargo-test-fail-compile.txt": "error[E0308]: mismatched types",
        "cargo-test-fail-tty.txt": "test tests::adds_wrong ... FAILED",
        "pytest-fail-tty.txt": "tests/test_x.py F.Exs",
        "jest-fail.txt": "FAIL src/sum.test.js",
        "jest-fail-tty.txt": "FAIL  src/sum.test.js",
        "vitest-fail.txt": "\u276f src/sum.test.ts (4 tests | 2 failed | 1 skipped)",
        "go-test-fail.txt": "--- FAIL: TestAdd (0.00s)",
        "go-test-fail-build.txt": "./math.go:5:9: undefined: foo",
        "npm-fail.txt": "node:assert:90",
        "mix-test-fail.txt": "1) test adds numbers (CalcTest)",
        "make-fail.txt": "src/main.c:5:24: error: initialization of",
        "make-fail-link-and-rules.txt": "main.c:(.text.startup+0x2): undefined reference to `missing_function'",
    }
    for name, start in first.items():
        sample = DATA / name
        assert hits(profile_of(sample), sample.read_bytes())[0].startswith(start), name


def test_vitest_watch_mode_ends_with_success_when_the_tests_pass() -> None:
    passed = (DATA / "vitest-pass-watch.txt").read_bytes()
    assert hits(PROFILES["vitest"], passed, "success") == ["PASS  Waiting for file changes..."]
    failed = (DATA / "vitest-fail-watch.txt").read_bytes()
    assert "FAIL  Tests failed. Watching for file changes..." in hits(PROFILES["vitest"], failed)


# Lines the samples do not all show, each with whether the profile must call it an error.
LINES = [
    ("pytest", "FAILED tests/test_api.py::TestUsers::test_create[admin] - KeyError: 'id'", True),
    ("pytest", "[gw1] [ 40%] FAILED tests/test_api.py::test_get", True),
    ("pytest", "tests/test_api.py::test_get ERROR                                   [ 50%]", True),
    ("pytest", "..F.s                                                                    [100%]", True),
    ("pytest", "ImportError while loading conftest '/home/dev/shop/tests/conftest.py'.", True),
    ("pytest", "==================== 2 failed, 10 passed, 1 warning in 3.21s ====================", True),
    ("pytest", "XFAIL tests/test_api.py::test_later - FAILED upstream, see #12", False),
    ("pytest", "tests/test_api.py::test_failed_login PASSED                          [ 10%]", False),
    ("pytest", "tests/test_api.py::test_known XFAIL (reason: ERROR in parser)       [ 20%]", False),
    ("pytest", "======================= 12 passed, 2 xfailed in 1.02s ========================", False),
    ("pytest", "errors = 0", False),
    ("jest", "  \u25cf Console", False),
    ("jest", 'Jest: "global" coverage threshold for lines (80%) not met: 72.5%', True),
    ("jest", "Tests:       12 passed, 12 total", False),
    ("vitest", " Test Files  3 passed (3)", False),
    ("vitest", "\u23af\u23af\u23af\u23af Unhandled Errors \u23af\u23af\u23af\u23af", True),
    ("vitest", "Vitest caught 1 unhandled error during the test run.", True),
    ("vitest", "      Tests  1 failed | 4 passed (5)", True),
    ("cargo-test", "test tests::panics_expected - should panic ... ok", False),
    ("cargo-test", "test result: ok. 5 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out", False),
    ("cargo-test", "error: failed to run custom build command for `openssl-sys v0.9.102`", True),
    ("go-test", "--- SKIP: TestSlow (0.00s)", False),
    ("go-test", "    --- PASS: TestTable/failed_parse (0.00s)", False),
    ("go-test", "=== RUN   TestFAILOver", False),
    ("go-test", "go: downloading golang.org/x/sync v0.7.0", False),
    ("go-test", 'go: warning: "./..." matched no packages', False),
    ("go-test", "panic: test timed out after 10m0s", True),
    ("go-test", "go: updates to go.mod needed; to update it:", True),
    ("npm", "npm ERR! code ELIFECYCLE", True),
    ("npm", "npm ERR! Test failed.  See above for more details.", True),
    ("npm", "npm WARN deprecated inflight@1.0.6: This module is not supported", False),
    ("npm", "error Command failed with exit code 1.", True),
    ("npm", " ELIFECYCLE  Test failed. See above for more details.", True),
    ("npm", "  3 failing", True),
    ("npm", "  12 passing (45ms)", False),
    ("npm", "src/app.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.", True),
    ("npm", "\u2716 3 problems (2 errors, 1 warning)", True),
    ("npm", "\u2714 0 problems", False),
    ("mix-test", "3 tests, 0 failures", False),
    ("mix-test", "1 property, 2 doctests, 10 tests, 2 failures", True),
    ("mix-test", '** (Mix) The task "tset" could not be found. Did you mean "test"?', True),
    ("mix-test", "** (RuntimeError) boom", False),  # a GenServer a test crashes on purpose
    ("mix-test", "** (SyntaxError) lib/calc.ex:4:3: syntax error before: ')'", True),
    ("make", "make: [Makefile:16: test] Error 1 (ignored)", False),
    ("make", "gcc -Wall -Werror -DERROR_MSG='\"error: bad\"' -c src/error.c -o build/error.o", False),
    ("make", "make[2]: *** [src/Makefile:40: all] Error 2", True),
    ("make", "gmake: *** No targets specified and no makefile found.  Stop.", True),
    ("make", "*** Error code 1", True),
    ("make", "gcc: fatal error: no input files", True),
    ("make", "clang: error: linker command failed with exit code 1 (use -v to see invocation)", True),
    ("make", "src/Main.java:3: error: cannot find symbol", True),
    ("make", "src/main.c:12:5: warning: implicit declaration of function 'foo'", False),
    ("make", "ld: symbol(s) not found for architecture arm64", True),
    ("make", "0 errors, 0 warnings", False),
]


@pytest.mark.parametrize(("name", "line", "is_error"), LINES)
def test_single_lines(name: str, line: str, is_error: bool) -> None:
    assert bool(hits(PROFILES[name], line.encode() + b"\n")) is is_error


def test_patterns_are_ascii_bytes_regexes_that_never_match_an_empty_line() -> None:
    for profile in PROFILES.values():
        for kind in ("error", "success", "exclude"):
            for pattern in getattr(profile, kind):
                assert pattern.isascii(), (profile.name, pattern)
                compiled = re.compile(pattern.encode())
                assert compiled.search(b"") is None, (profile.name, pattern)


def test_describe_profiles() -> None:
    described = describe_profiles()
    assert [d["name"] for d in described] == sorted(PROFILES)
    pytest_profile = next(d for d in described if d["name"] == "pytest")
    assert ["python", "-m", "pytest"] in pytest_profile["commands"]
    assert pytest_profile["error"] == list(PROFILES["pytest"].error)
    assert set(pytest_profile) >= {"name", "description", "commands", "error", "success", "exclude"}
    for d in described:
        assert d["description"] and d["commands"] and d["error"]


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["pytest", "-x", "tests/"], "pytest"),
        (["/home/dev/shop/.venv/bin/pytest"], "pytest"),
        (["py.test"], "pytest"),
        (["python", "-m", "pytest", "-q"], "pytest"),
        (["python3.12", "-X", "dev", "-m", "pytest"], "pytest"),
        (["python", "-mpytest"], "pytest"),
        (["uv", "run", "pytest", "tests"], "pytest"),
        (["poetry", "run", "python", "-m", "pytest"], "pytest"),
        (["env", "PYTHONPATH=src", "pytest"], "pytest"),
        (["DJANGO_SETTINGS_MODULE=shop.settings", "pytest"], "pytest"),
        (["time", "pytest"], "pytest"),
        (["timeout", "-k", "5", "300", "pytest"], "pytest"),
        (["jest", "--ci"], "jest"),
        (["npx", "jest", "src/sum.test.js"], "jest"),
        (["npx", "--yes", "vitest", "run"], "vitest"),
        (["node", "node_modules/.bin/jest"], "jest"),
        (["./node_modules/.bin/vitest"], "vitest"),
        (["pnpm", "exec", "vitest"], "vitest"),
        (["yarn", "jest", "--watchAll=false"], "jest"),
        (["npm", "exec", "--", "jest"], "jest"),
        (["npm", "test"], "npm"),
        (["npm", "run", "test"], "npm"),
        (["npm", "run", "build"], "npm"),
        (["yarn", "test"], "npm"),
        (["pnpm", "test"], "npm"),
        (["cargo", "test"], "cargo-test"),
        (["cargo", "+nightly", "test", "--workspace"], "cargo-test"),
        (["cargo", "t"], "cargo-test"),
        (["go", "test", "./..."], "go-test"),
        (["MIX_ENV=test", "mix", "test"], "mix-test"),
        (["make"], "make"),
        (["make", "-j8", "check"], "make"),
        (["/usr/bin/gmake", "test"], "make"),
    ],
)
def test_profile_for(argv: list[str], name: str) -> None:
    found = profile_for(argv)
    assert found is not None and found.name == name


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["python", "manage.py", "test"],
        ["python", "-m", "unittest"],
        ["cargo", "build"],
        ["go", "build", "./..."],
        ["go", "vet"],
        ["mix", "compile"],
        ["npx", "tsc"],
        ["ls", "-la"],
        ["env"],
    ],
)
def test_no_profile(argv: list[str]) -> None:
    assert profile_for(argv) is None
