"""The failing tests each test runner's output names, with their assertion or error lines
(runner/failures/): pytest's real output in every --tb form (pytest runs here), and the captured
output of go test, cargo test, jest and vitest in tests/data/runner_output (see
tests/runs/test_runner_profiles.py for where each sample comes from), plus a few reports written in
the runners' documented formats."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.runs.runner.failures.report import Failure, failures_in, merged, text_lines

DATA = Path(__file__).parent.parent / "data" / "runner_output"

PYTEST_PROJECT = """import pytest


def helper(value):
    if value < 0:
        raise ValueError(f"negative: {value}")
    return value + 1


def test_ok():
    assert True


def test_add():
    assert helper(1) == 3, "helper should add one"


def test_raises_in_helper():
    helper(-2)


@pytest.fixture
def broken():
    raise RuntimeError("fixture exploded")


def test_uses_broken(broken):
    pass


class TestGroup:
    @pytest.mark.parametrize("n", [1, 2])
    def test_param(self, n):
        assert n == 1
"""


def shown(failures: list[Failure]) -> list[tuple[str, str | None, list[str]]]:
    return [(f.name, f.where, f.lines) for f in failures]


def sample(name: str, profile: str | None) -> list[Failure]:
    return failures_in([(DATA / name).read_bytes()], profile)


@pytest.fixture(scope="module")
def pytest_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pytest_project")
    (folder / "test_shop.py").write_text(PYTEST_PROJECT)
    return folder


def run_pytest(folder: Path, *args: str) -> bytes:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", *args, "test_shop.py"],
        cwd=folder,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout.decode()
    return done.stdout


# --- pytest ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("quiet", [(), ("-q",), ("-v",)])
def test_pytest_long_reports_in_the_short_summary_s_order(pytest_project: Path, quiet: tuple[str, ...]) -> None:
    found = failures_in([run_pytest(pytest_project, *quiet)], "pytest")
    assert shown(found) == [
        (
            "test_shop.py::test_add",
            "test_shop.py:15",
            [
                'assert helper(1) == 3, "helper should add one"',
                "AssertionError: helper should add one",
                "assert 2 == 3",
                "+  where 2 = helper(1)",
            ],
        ),
        (
            "test_shop.py::test_raises_in_helper",
            "test_shop.py:6",  # where it was raised, in the helper
            ['raise ValueError(f"negative: {value}")', "ValueError: negative: -2"],
        ),
        ("test_shop.py::TestGroup::test_param[2]", "test_shop.py:34", ["assert n == 1", "assert 2 == 1"]),
        (
            "test_shop.py::test_uses_broken",
            "test_shop.py:24",
            ['raise RuntimeError("fixture exploded")', "RuntimeError: fixture exploded"],
        ),
    ]


def test_pytest_short_tracebacks(pytest_project: Path) -> None:
    found = failures_in([run_pytest(pytest_project, "--tb=short")], "pytest")
    assert shown(found)[:2] == [
        (
            "test_shop.py::test_add",
            "test_shop.py:15",
            [
                'assert helper(1) == 3, "helper should add one"',
                "AssertionError: helper should add one",
                "assert 2 == 3",
                "+  where 2 = helper(1)",
            ],
        ),
        (
            "test_shop.py::test_raises_in_helper",
            "test_shop.py:6",
            ['raise ValueError(f"negative: {value}")', "ValueError: negative: -2"],
        ),
    ]


def test_pytest_native_tracebacks(pytest_project: Path) -> None:
    found = failures_in([run_pytest(pytest_project, "--tb=native")], "pytest")
    name, where, lines = shown(found)[0]
    assert name == "test_shop.py::test_add" and where is not None and where.endswith("test_shop.py:15")
    assert lines == [
        'assert helper(1) == 3, "helper should add one"',
        "AssertionError: helper should add one",
        "assert 2 == 3",
        "+  where 2 = helper(1)",
    ]


@pytest.mark.parametrize("tb", ["line", "no"])
def test_pytest_without_reports_gives_the_short_summary_s_messages(pytest_project: Path, tb: str) -> None:
    found = failures_in([run_pytest(pytest_project, f"--tb={tb}")], "pytest")
    assert shown(found)[:2] == [
        ("test_shop.py::test_add", None, ["AssertionError: helper should add one"]),
        ("test_shop.py::test_raises_in_helper", None, ["ValueError: negative: -2"]),
    ]


def test_pytest_verbose_results_alone_give_the_names() -> None:
    output = b"tests/test_x.py::test_a PASSED  [ 50%]\ntests/test_x.py::test_b FAILED  [100%]\n"
    assert shown(failures_in([output], "pytest")) == [("tests/test_x.py::test_b", None, [])]


def test_pytest_samples_with_colour_codes_and_collection_errors() -> None:
    assert shown(sample("pytest-fail-tty.txt", "pytest"))[0] == (
        "tests/test_x.py::test_add",
        "tests/test_x.py:7",
        ["assert add(1, 2) == 4", "assert 3 == 4", "+  where 3 = add(1, 2)"],
    )
    assert shown(sample("pytest-fail-collect.txt", "pytest")) == [
        (
            "tests/test_y.py",
            "tests/test_y.py:1",
            ["import missing_module_xyz", "ModuleNotFoundError: No module named 'missing_module_xyz'"],
        )
    ]
    strict = sample("pytest-fail-xpass-strict.txt", "pytest")
    assert shown(strict)[0] == ("test_s.py::test_strict", None, ["[XPASS(strict)]"])  # its summary's message


# --- go test ---------------------------------------------------------------------------------------


def test_go_failures_and_subtests() -> None:
    assert shown(sample("go-test-fail.txt", "go-test")) == [
        ("TestAdd", None, ["math_test.go:12: Add(1, 2) = 4; want 3"]),
        # TestTable failed through its subtest only: the subtest is the failure
        ("TestTable/negative", None, ["table_test.go:27: Add(-1, -2) = 3; want -3"]),
    ]


def test_go_verbose_logs_before_the_result_and_a_panic() -> None:
    assert shown(sample("go-test-fail-verbose.txt", "go-test")) == [
        ("TestAdd", None, ["math_test.go:12: Add(1, 2) = 4; want 3"]),
        (
            "TestIndex",
            "/home/dev/calc/math.go:18",  # the first frame outside Go's own library
            ["panic: runtime error: index out of range [5] with length 3 [recovered]"],
        ),
    ]


def test_go_race_and_build_failures() -> None:
    race = sample("go-test-fail-race.txt", "go-test")
    assert shown(race)[0] == ("TestCounter", None, ["testing.go:1399: race detected during execution of test"])
    assert shown(sample("go-test-fail-build.txt", "go-test")) == [
        (
            "example.com/calc [build failed]",
            None,
            ["./math.go:5:9: undefined: foo", "./math_test.go:8:2: declared and not used: x"],
        ),
        (
            "example.com/calc/internal/store [build failed]",
            None,
            ["vet: ./store_test.go:22:3: fmt.Sprintf format %d has arg name of wrong type string"],
        ),
    ]


def test_go_a_parent_s_own_lines_after_its_subtests() -> None:
    # The nesting of golang/go issue 25369's expected output: each level four spaces deeper.
    output = (
        b"--- FAIL: TestX (0.00s)\n"
        b"    main.go:6: 1\n"
        b"    --- FAIL: TestX/Y (0.00s)\n"
        b"        main.go:8: 2\n"
        b"        --- FAIL: TestX/Y/Z (0.00s)\n"
        b"            main.go:10: 3\n"
        b"    main.go:13: 4\n"
        b"FAIL\n"
    )
    assert shown(failures_in([output], "go-test")) == [
        ("TestX", None, ["main.go:6: 1", "main.go:13: 4"]),
        ("TestX/Y", None, ["main.go:8: 2"]),
        ("TestX/Y/Z", None, ["main.go:10: 3"]),
    ]


# --- cargo test ------------------------------------------------------------------------------------

ADDS_WRONG = ["assertion `left == right` failed: math is broken", "  left: 4", " right: 5"]


@pytest.mark.parametrize("name", ["cargo-test-fail.txt", "cargo-test-fail-tty.txt"])
def test_cargo_reports(name: str) -> None:
    assert shown(sample(name, "cargo-test")) == [
        ("tests::adds_wrong", "src/lib.rs:22", ADDS_WRONG),
        ("tests::unwraps_none", "src/lib.rs:33", ["called `Option::unwrap()` on a `None` value"]),
    ]


def test_cargo_quiet_doc_tests_and_compile_errors() -> None:
    assert shown(sample("cargo-test-fail-quiet.txt", "cargo-test"))[0] == (
        "tests::adds",
        "src/lib.rs:7",
        ["assertion `left == right` failed: add should sum", "  left: 4", " right: 3"],
    )
    doc = shown(sample("cargo-test-fail-doc.txt", "cargo-test"))
    assert doc[0] == ("integration_ok", "tests/integration.rs:3", ["too small"])
    assert doc[1][0] == "src/lib.rs - add (line 3)" and "assertion `left == right` failed" in doc[1][2]
    assert shown(sample("cargo-test-fail-compile.txt", "cargo-test")) == [
        ("compile error: mismatched types", "src/lib.rs:49", []),
        ("compile error: cannot find function `undefined_fn` in this scope", "src/lib.rs:53", []),
    ]


def test_cargo_stopped_before_the_report_and_rust_before_1_73() -> None:
    stopped = b"running 3 tests\ntest tests::adds ... ok\ntest tests::adds_wrong ... FAILED\n"
    assert shown(failures_in([stopped], "cargo-test")) == [("tests::adds_wrong", None, [])]
    # Before Rust 1.73 the message began on the panic line and ended with the place.
    old = (
        b"---- tests::adds_wrong stdout ----\n"
        b"thread 'tests::adds_wrong' panicked at 'assertion failed: `(left == right)`\n"
        b"  left: `4`,\n"
        b" right: `5`: math is broken', src/lib.rs:22:9\n"
        b"note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n"
        b"---- tests::unwraps stdout ----\n"
        b"thread 'tests::unwraps' panicked at 'called `Option::unwrap()` on a `None` value', src/lib.rs:33:11\n"
    )
    assert shown(failures_in([old], "cargo-test")) == [
        (
            "tests::adds_wrong",
            "src/lib.rs:22",
            ["assertion failed: `(left == right)`", "  left: `4`,", " right: `5`: math is broken"],
        ),
        ("tests::unwraps", "src/lib.rs:33", ["called `Option::unwrap()` on a `None` value"]),
    ]


# --- jest and vitest -------------------------------------------------------------------------------

JEST_ADDS_WRONG = (
    "src/sum.test.js > sum \u203a adds wrong",
    "src/sum.test.js:4",
    [
        "expect(received).toBe(expected) // Object.is equality",
        "Expected: 4",
        "Received: 3",
        "4 |   test('adds wrong', () => { expect(sum(1, 2)).toBe(4); });",
    ],
)


@pytest.mark.parametrize("name", ["jest-fail.txt", "jest-fail-tty.txt", "jest-fail-verbose.txt"])
def test_jest_reports(name: str) -> None:
    found = shown(sample(name, "jest"))
    assert found[0] == JEST_ADDS_WRONG
    assert found[2] == (
        "src/sum.test.js > throws",
        "src/sum.js:2",  # the first frame outside node_modules
        [
            "SyntaxError: Expected property name or '}' in JSON at position 1",
            "2 | function parse(s) { return JSON.parse(s); }",
        ],
    )
    assert all(not test.endswith("Console") for test, _, _ in found)  # a passing test's console output


def test_jest_under_npm_is_read_with_every_recogniser() -> None:
    found = shown(sample("npm-fail-jest.txt", None))
    assert found[0] == JEST_ADDS_WRONG
    assert found[-1][0] == "src/broken.test.js > Test suite failed to run"


def test_vitest_list_and_report_are_one_failure() -> None:
    assert shown(sample("vitest-fail.txt", "vitest")) == [
        (
            "src/sum.test.ts > sum > adds wrong",
            None,
            ["AssertionError: expected 3 to be 4 // Object.is equality", "- 4", "+ 3"],
        ),
        (
            "src/sum.test.ts > parses",
            None,
            ["AssertionError: expected { a: 1 } to deeply equal { a: 2 }", "{", '-   "a": 2,', '+   "a": 1,', "}"],
        ),
        (
            "src/broken.test.ts",
            None,
            [
                "Error: Cannot find module './does-not-exist' imported from '/home/dev/web/src/broken.test.ts'",
                "Caused by: Error: Failed to load url ./does-not-exist (resolved id: ./does-not-exist) in "
                "/home/dev/web/src/broken.test.ts. Does the file exist?",
            ],
        ),
    ]


# vitest 2-3's default reporter: the list on stdout (a suite's tests nested under it, without the
# suite in their line), the report on stderr with the place and the code frame.
VITEST_LIST = """
 \u276f src/cart.test.ts (3 tests | 1 failed) 12ms
   \u276f cart (3)
     \u2713 adds an item 1ms
     \u00d7 totals the basket 4ms
       \u2192 expected 30 to be 31 // Object.is equality
     \u2713 empties 1ms

 Test Files  1 failed (1)
      Tests  1 failed | 2 passed (3)
"""
VITEST_REPORT = """
\u23af\u23af\u23af\u23af\u23af\u23af\u23af Failed Tests 1 \u23af\u23af\u23af\u23af\u23af\u23af\u23af

 FAIL  src/cart.test.ts > cart > totals the basket
AssertionError: expected 30 to be 31 // Object.is equality

- Expected
+ Received

- 31
+ 30

 \u276f src/cart.test.ts:14:26
     12|     cart.add({ price: 10 }, 3)
     13|
     14|     expect(cart.total()).toBe(31)
       |                          ^
     15|   })
     16|

\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af\u23af[1/1]\u23af
"""


def test_vitest_report_with_its_code_frame_merges_the_nested_list_entry() -> None:
    found = failures_in([VITEST_LIST.encode(), VITEST_REPORT.encode()], "vitest")
    assert shown(found) == [
        (
            "src/cart.test.ts > cart > totals the basket",
            "src/cart.test.ts:14",
            [
                "AssertionError: expected 30 to be 31 // Object.is equality",
                "- 31",
                "+ 30",
                "14|     expect(cart.total()).toBe(31)",
            ],
        )
    ]
    # Stopped before the report: the list's entry and its message.
    assert shown(failures_in([VITEST_LIST.encode()], "vitest")) == [
        ("src/cart.test.ts > totals the basket", None, ["expected 30 to be 31 // Object.is equality"])
    ]


# --- the parts -------------------------------------------------------------------------------------


def test_lines_as_a_terminal_shows_them() -> None:
    assert text_lines(b"\x1b[31mFAILED\x1b[0m x\r\nRUNS ...\r\x1b[K FAIL  src/a.test.js\r\nlast") == [
        "FAILED x",
        " FAIL  src/a.test.js",
        "last",
    ]


def test_one_failure_per_test_with_the_most_lines() -> None:
    found = merged(
        [
            Failure("tests/x.py::test_a"),
            Failure("test_b", "tests/x.py:9", ["assert 0"]),
            Failure("test_a", "tests/x.py:3", ["assert 1 == 2", "AssertionError"]),
            Failure("src/a.test.ts > adds"),
            Failure("src/a.test.ts > sum > adds", "src/a.test.ts:4", ["expected 1 to be 2"]),
            Failure("src/b.test.ts > sum > adds"),
        ]
    )
    assert shown(found) == [
        ("tests/x.py::test_a", "tests/x.py:3", ["assert 1 == 2", "AssertionError"]),
        ("test_b", "tests/x.py:9", ["assert 0"]),
        ("src/a.test.ts > sum > adds", "src/a.test.ts:4", ["expected 1 to be 2"]),
        ("src/b.test.ts > sum > adds", None, []),  # another file: another test
    ]


def test_a_failure_keeps_a_few_short_lines() -> None:
    failure = Failure("t")
    for number in range(10):
        failure.add(f"line {number} " + "x" * 300)
    assert len(failure.lines) == 5 and all(len(line) == 240 for line in failure.lines)
