"""Matched error lines of a run as findings: the failing test, the file and line, the time.

The matches are made the way `lessonloop run` makes them: the runner's own matching over the
real output samples of tests/data/runner_output, five lines kept before a match and up to a
hundred after it.
"""

from __future__ import annotations

from pathlib import Path

from lessonloop.core.records import FindingRecord
from lessonloop.runs.runner.findings import findings_from_run
from lessonloop.runs.runner.matching import compile_patterns, find_hits, line_text, strip_codes
from lessonloop.runs.runner.profiles import PROFILES
from lessonloop.runs.runner.result import MatchEvent, RunOptions, RunResult

DATA = Path(__file__).parent.parent / "data" / "runner_output"
STARTED = "2026-11-01T09:01:00.000Z"


def matches_of(sample: str, profile: str, *, before: int = 5, after: int = 100) -> list[MatchEvent]:
    """The error matches of a sample under a profile, one second apart, with their context."""
    chosen = PROFILES[profile]
    block = strip_codes((DATA / sample).read_bytes())
    lines = block.split(b"\n")
    line_at: dict[int, int] = {}
    position = 0
    for index, line in enumerate(lines):
        line_at[position] = index
        position += len(line) + 1
    errors = compile_patterns("error", chosen.error, chosen.ignore_case)
    excludes = compile_patterns("exclude", chosen.exclude, chosen.ignore_case)
    events = []
    for seq, hit in enumerate(find_hits(block, errors, excludes), 1):
        index = line_at[hit.start]
        event = MatchEvent(
            "error",
            hit.patterns[0],
            "stdout",
            index + 1,
            float(seq),
            line_text(lines[index]),
            [line_text(line) for line in lines[max(0, index - before) : index]],
        )
        event.after = [line_text(line) for line in lines[index + 1 : index + 1 + after]]
        events.append(event)
    return events


def run_with(argv: list[str], matches: list[MatchEvent], cwd: str = "/home/dev/shop") -> RunResult:
    result = RunResult(RunOptions(argv), cwd, STARTED)
    result.matches = matches
    return result


def first_finding(sample: str, profile: str, command: str, *, test_command: bool = True) -> FindingRecord:
    matches = matches_of(sample, profile)[:1]
    return findings_from_run(run_with(command.split(), matches), command_norm=command, test_command=test_command)[0]


def where(finding: FindingRecord) -> tuple[str, str | None, int | None]:
    return finding.rule, finding.path, finding.line


def event(
    text: str, *, after: list[str] | None = None, before: list[str] | None = None, offset: float = 1.0
) -> MatchEvent:
    made = MatchEvent("error", "x", "stdout", 1, offset, text, before or [])
    made.after = after or []
    return made


# --- the failing test and where it failed, from real output ----------------------------------------


def test_pytest_progress_line_names_the_test_of_the_report_that_follows() -> None:
    finding = first_finding("pytest-fail.txt", "pytest", "pytest")
    assert finding.source == "runner" and finding.kind == "test_failure" and finding.severity == "medium"
    assert finding.message == "tests/test_x.py F.Exs                                                    [100%]"
    # The progress line names the file; the summary after it names the test; its report, the line.
    assert where(finding) == ("tests/test_x.py::test_add", "tests/test_x.py", 7)
    assert finding.ts == "2026-11-01T09:01:01.000Z"
    assert finding.session_id is None and finding.tool_use_id is None


def test_pytest_verbose_lines_and_tracebacks() -> None:
    matches = matches_of("pytest-fail-verbose.txt", "pytest")
    found = findings_from_run(run_with(["pytest", "-v"], matches), command_norm="pytest -v", test_command=True)
    assert [where(f) for f in found[:2]] == [
        ("tests/test_x.py::test_add", "tests/test_x.py", 7),
        ("tests/test_x.py::test_uses_broken", "tests/test_x.py", 14),
    ]
    # The heading "ERROR at setup of test_uses_broken", the "E   RuntimeError: fixture exploded"
    # under it and the report of test_add say the same again: one finding per (test, file, line).
    texts = [m.text for m in matches]
    assert texts[2].endswith("ERROR at setup of test_uses_broken ______________________")
    assert texts[3] == "E   RuntimeError: fixture exploded" and texts[4] == "E   assert 3 == 4"
    # The short summary: test_add's line was found again (5 lines back), test_uses_broken's was
    # too far back; then the final count, which names no test.
    assert [(f.message, *where(f)) for f in found[2:]] == [
        (texts[7], "tests/test_x.py::test_uses_broken", "tests/test_x.py", None),
        (texts[8], "pytest -v", None, None),
    ]
    assert texts[6].startswith("FAILED tests/test_x.py::test_add")


def test_pytest_collection_error_names_the_file() -> None:
    finding = first_finding("pytest-fail-collect.txt", "pytest", "pytest")
    assert where(finding) == ("pytest", "tests/test_y.py", 1)  # "tests/test_y.py:1: in <module>"


def test_cargo_failed_test_and_its_panic() -> None:
    matches = matches_of("cargo-test-fail.txt", "cargo-test")
    found = findings_from_run(run_with(["cargo", "test"], matches), command_norm="cargo test", test_command=True)
    assert [where(f) for f in found[:2]] == [
        ("tests::adds_wrong", "src/lib.rs", 22),  # "panicked at src/lib.rs:22:9:" in its own report
        ("tests::unwraps_none", "src/lib.rs", 33),
    ]


def test_cargo_on_a_terminal() -> None:
    finding = first_finding("cargo-test-fail-tty.txt", "cargo-test", "cargo test")
    assert where(finding) == ("tests::adds_wrong", "src/lib.rs", 22)


def test_cargo_quiet_names_the_test_of_its_terse_line() -> None:
    finding = first_finding("cargo-test-fail-quiet.txt", "cargo-test", "cargo test -q")
    assert where(finding) == ("tests::adds", "src/lib.rs", 7)  # "tests::adds --- FAILED", its report's panic


def test_cargo_doc_test_names_its_file_and_line() -> None:
    matches = [m for m in matches_of("cargo-test-fail-doc.txt", "cargo-test") if m.text.startswith("test src/")]
    found = findings_from_run(run_with(["cargo", "test"], matches), command_norm="cargo test", test_command=True)
    assert [where(f) for f in found] == [("src/lib.rs - add (line 3)", "src/lib.rs", 3)]


def test_rust_compile_error_is_a_run_error_of_the_command() -> None:
    finding = first_finding("cargo-test-fail-compile.txt", "cargo-test", "cargo build", test_command=False)
    assert finding.kind == "run_error"
    assert where(finding) == ("cargo build", "src/lib.rs", 49)  # "  --> src/lib.rs:49:5"
    assert finding.message == "error[E0308]: mismatched types"


def test_go_failures_with_and_without_verbose() -> None:
    assert where(first_finding("go-test-fail.txt", "go-test", "go test")) == ("TestAdd", "math_test.go", 12)
    # -v prints the test's log before its "--- FAIL" line
    assert where(first_finding("go-test-fail-verbose.txt", "go-test", "go test")) == ("TestAdd", "math_test.go", 12)
    matches = matches_of("go-test-fail.txt", "go-test")
    found = findings_from_run(run_with(["go", "test"], matches), command_norm="go test", test_command=True)
    assert ("TestTable/negative", "table_test.go", 27) in [where(f) for f in found]


def test_go_build_failure_and_panic() -> None:
    assert where(first_finding("go-test-fail-build.txt", "go-test", "go test")) == ("go test", "./math.go", 5)
    matches = [m for m in matches_of("go-test-fail-verbose.txt", "go-test") if m.text.startswith("panic:")]
    found = findings_from_run(run_with(["go", "test"], matches), command_norm="go test", test_command=True)
    # the first frame outside the Go runtime and testing package
    assert [where(f) for f in found] == [("go test", "/home/dev/calc/math.go", 18)]


def test_jest_failed_suite() -> None:
    assert where(first_finding("jest-fail.txt", "jest", "jest")) == ("src/sum.test.js", "src/sum.test.js", 4)
    assert where(first_finding("jest-fail-tty.txt", "jest", "jest")) == ("src/sum.test.js", "src/sum.test.js", 4)


def test_jest_failed_test_under_its_file() -> None:
    matches = matches_of("jest-fail.txt", "jest", before=20)
    found = findings_from_run(run_with(["jest"], matches[1:2]), command_norm="jest", test_command=True)
    assert [where(f) for f in found] == [("src/sum.test.js > sum \u203a adds wrong", "src/sum.test.js", 4)]


def test_vitest_failed_test() -> None:
    matches = [m for m in matches_of("vitest-fail.txt", "vitest") if m.text.startswith(" FAIL  src/sum")]
    found = findings_from_run(run_with(["vitest", "run"], matches), command_norm="vitest run", test_command=True)
    assert [where(f) for f in found] == [
        ("src/sum.test.ts > sum > adds wrong", "src/sum.test.ts", None),
        ("src/sum.test.ts > parses", "src/sum.test.ts", None),
    ]


def test_exunit_failure_is_named_by_its_file_and_line() -> None:
    matches = matches_of("mix-test-fail.txt", "mix-test")
    found = findings_from_run(run_with(["mix", "test"], matches), command_norm="mix test", test_command=True)
    assert [where(f) for f in found[:3]] == [
        ("test/calc_test.exs:5", "test/calc_test.exs", 5),
        ("test/calc_test.exs:12", "test/calc_test.exs", 12),
        ("test/calc_test.exs:3", "test/calc_test.exs", 3),
    ]


def test_elixir_compile_error() -> None:
    matches = matches_of("mix-test-fail-compile.txt", "mix-test")
    found = findings_from_run(run_with(["mix", "test"], matches), command_norm="mix test", test_command=True)
    assert where(found[0]) == ("mix test", "lib/calc.ex", 3)


def test_compiler_and_linker_errors_under_make() -> None:
    finding = first_finding("make-fail.txt", "make", "make", test_command=False)
    assert finding.kind == "run_error"
    assert where(finding) == ("make", "src/main.c", 5)  # "src/main.c:5:24: error: ..."
    # the linker names the source file, without a line
    assert where(first_finding("make-fail-link-and-rules.txt", "make", "make")) == ("make", "main.c", None)


def test_node_crash_points_at_the_script_not_at_node_internals() -> None:
    finding = first_finding("npm-fail.txt", "npm", "npm test")
    assert finding.message == "node:assert:90"
    assert where(finding) == ("npm test", "/home/dev/shop/test.js", 3)


# --- locations from single real lines ------------------------------------------------------------------


def test_location_formats() -> None:
    cases = [
        (
            event("Traceback (most recent call last):", after=['  File "app/db.py", line 42, in connect']),
            ("app/db.py", 42),
        ),
        (
            event(
                "Traceback (most recent call last):",
                after=[
                    '  File "/usr/lib/python3.12/json/__init__.py", line 346, in loads',
                    '  File "app/x.py", line 3',
                ],
            ),
            ("app/x.py", 3),
        ),
        (event("error[E0599]: no method named `foo`", after=["  --> src/main.rs:3:5"]), ("src/main.rs", 3)),
        (event("TypeError: x is not a function", after=["    at render (src/view.js:5:3)"]), ("src/view.js", 5)),
        (event("Error: boom", after=["    at node_modules/lib/index.js:1:1", "    at src/a.ts:9:2"]), ("src/a.ts", 9)),
        (event("src/app.ts(12,5): error TS2322: nope", after=["src/b.ts:3:1 - error"]), ("src/b.ts", 3)),
        (event("lib/calc.ex:3: warning", after=[]), ("lib/calc.ex", 3)),
        (event("FAIL\texample.com/calc\t0.01s", before=["    calc_test.go:12: got 4"]), ("calc_test.go", 12)),
        (event("08:15:02 ERROR request failed", after=["see https://example.com:8443/x"]), (None, None)),
    ]
    for made, expected in cases:
        found = findings_from_run(run_with(["app"], [made]), command_norm="app", test_command=False)
        assert (found[0].path, found[0].line) == expected, made.text


def test_test_ids_on_the_matched_line() -> None:
    cases = [
        (
            "FAILED tests/test_api.py::TestUsers::test_create[admin] - KeyError: 'id'",
            "tests/test_api.py::TestUsers::test_create[admin]",
        ),
        ("[gw1] [ 40%] FAILED tests/test_api.py::test_get", "tests/test_api.py::test_get"),
        ("    --- FAIL: TestParse/empty_input (0.00s)", "TestParse/empty_input"),
        ("test parser::tests::rejects_empty ... FAILED", "parser::tests::rejects_empty"),
        (" FAIL  src/a.test.ts > parser > rejects empty", "src/a.test.ts > parser > rejects empty"),
        ("FAIL src/components/Button.test.tsx (5.2 s)", "src/components/Button.test.tsx"),
    ]
    for text, rule in cases:
        found = findings_from_run(run_with(["t"], [event(text)]), command_norm="t", test_command=True)
        assert found[0].rule == rule, text


# --- what becomes a finding ---------------------------------------------------------------------


def test_only_error_matches_become_findings_and_duplicates_are_dropped() -> None:
    failed = event("FAILED tests/test_x.py::test_a - assert 1 == 2", offset=2.5)
    again = event("FAILED tests/test_x.py::test_a - assert 1 == 2", offset=3.0)
    success = MatchEvent("success", "ready", "stdout", 2, 0.5, "server ready", [])
    repeat = MatchEvent("repeat", "", "stdout", 3, 0.7, "retrying...", [])
    result = run_with(["pytest"], [success, repeat, failed, again])
    found = findings_from_run(result, command_norm="pytest", test_command=True)
    assert found == [
        FindingRecord(
            source="runner",
            kind="test_failure",
            rule="tests/test_x.py::test_a",
            severity="medium",
            path="tests/test_x.py",
            line=None,
            message="FAILED tests/test_x.py::test_a - assert 1 == 2",
            ts="2026-11-01T09:01:02.500Z",
        )
    ]


def test_long_lines_are_cut_and_an_empty_command_still_gives_a_rule() -> None:
    long_line = "error: " + "x" * 2000
    found = findings_from_run(run_with(["make"], [event(long_line)]), command_norm="", test_command=False)
    assert len(found[0].message) == 500 and found[0].rule == "run"


def test_no_matches_no_findings() -> None:
    assert findings_from_run(run_with(["pytest"], []), command_norm="pytest", test_command=True) == []


def test_terminal_code_residue_is_removed() -> None:
    # libtest on a terminal: "FAILED" in red, then "ESC ( B ESC [ m"; the runner removes the
    # colour codes only.
    made = event("test tests::adds_wrong ... FAILED\x1b(B\r", after=["thread 'x' panicked at src/lib.rs:22:9:\x1b(B"])
    found = findings_from_run(run_with(["cargo", "test"], [made]), command_norm="cargo test", test_command=True)
    assert (found[0].message, *where(found[0])) == (
        "test tests::adds_wrong ... FAILED",
        "tests::adds_wrong",
        "src/lib.rs",
        22,
    )
