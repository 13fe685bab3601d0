"""Scanner results (SARIF) and test results (JUnit XML) read into findings, and tied to edits.

The files under tests/data/findings are written after the real output of semgrep, CodeQL,
pytest (--junitxml, both families), jest-junit, Maven surefire and go-junit-report.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from lessonloop.agents.claude.reader.tools import kind_of
from lessonloop.analyze.finding_match import match_findings
from lessonloop.analyze.inputs import Call
from lessonloop.capture import junit, sarif
from lessonloop.capture.junit import read_junit
from lessonloop.capture.sarif import read_sarif
from lessonloop.core import json_codec
from lessonloop.core.records import FindingRecord

DATA = Path(__file__).parent.parent / "data" / "findings"


def data(name: str) -> str:
    return str(DATA / name)


# --- SARIF ---------------------------------------------------------------------------------------


def test_semgrep_sarif_resolves_uri_base_and_security_severity() -> None:
    read = read_sarif(data("semgrep.sarif"))
    assert read.problems == []
    assert read.suppressed == 0
    assert read.findings == [
        FindingRecord(
            source="sarif:semgrep oss",
            kind="risk",
            rule="python.lang.security.audit.formatted-sql-query.formatted-sql-query",
            severity="medium",  # the rule's default level "warning"
            path="/home/dev/shop/app/db utils/query.py",  # %SRCROOT% resolved, %20 decoded
            line=42,
            message=(
                "Detected SQL statement that is tainted by `uid`. This could lead to SQL injection if the "
                "variable is user-controlled. Use parameterized queries instead."
            ),
            ts="2025-03-14T09:40:12.500Z",
        ),
        FindingRecord(
            source="sarif:semgrep oss",
            kind="risk",
            rule="python.jwt.security.jwt-hardcode.jwt-python-hardcoded-secret",
            severity="high",  # security-severity 7.5 outranks the level "warning"
            path="app/auth.py",  # no uriBaseId: stays relative
            line=9,
            message=(
                "A hard-coded credential was detected. It is not recommended to store credentials in source-code."
            ),
            ts="2025-03-14T09:40:12.500Z",
        ),
    ]


def test_codeql_sarif_rules_by_index_and_message_strings() -> None:
    read = read_sarif(data("codeql.sarif"))
    assert read.problems == []
    assert read.suppressed == 1  # the inSource suppression of the unused 'sys' import
    ts = "2025-03-14T09:02:11.815Z"  # invocations[0].startTimeUtc: there is no endTimeUtc
    assert read.findings == [
        FindingRecord(
            "sarif:codeql",
            "risk",
            "py/clear-text-logging-sensitive-data",
            "high",
            "src/auth/login.py",
            27,
            "This expression logs [sensitive data (password)](1) as clear text.",
            ts,
        ),
        # artifactLocation has only an index into run.artifacts; level "note" from the rule
        FindingRecord(
            "sarif:codeql", "risk", "py/unused-import", "low", "src/util.py", 3, "Import of 'os' is not used.", ts
        ),
        # rule.toolComponent names the query pack extension; message.id + arguments
        FindingRecord(
            "sarif:codeql",
            "risk",
            "py/sql-injection",
            "high",
            "src/api/search.py",
            44,
            "This SQL query depends on a user-provided value.",
            ts,
        ),
    ]


def test_invalid_sarif_is_a_problem_not_an_exception() -> None:
    read = read_sarif(data("invalid.sarif"))
    assert read.findings == []
    assert [(p.path, p.code, p.severity) for p in read.problems] == [
        (data("invalid.sarif"), "sarif-invalid-json", "error")
    ]


def test_json_that_is_not_sarif() -> None:
    read = read_sarif(data("not-sarif.sarif"))
    assert read.findings == []
    assert [(p.code, p.detail) for p in read.problems] == [("sarif-not-sarif", "not a SARIF log: no 'runs' list")]


def test_broken_results_are_problems_with_their_index() -> None:
    read = read_sarif(data("broken-results.sarif"))
    assert read.findings == [
        FindingRecord(
            "sarif:bandit",
            "risk",
            "B105",
            "medium",
            "/home/dev/shop/app/config.py",  # file:// stripped
            5,
            "Possible hardcoded password: 'hunter2'",
            None,  # no invocations: the caller falls back to the file time
        )
    ]
    assert [(p.path, p.code, p.detail) for p in read.problems] == [
        (data("broken-results.sarif"), "sarif-bad-result", "run 0, result 0: not an object"),
        (
            data("broken-results.sarif"),
            "sarif-bad-result",
            "run 0, result 1: no rule: no ruleId, rule.id, or resolvable rule index",
        ),
        (data("broken-results.sarif"), "sarif-bad-run", "run 1: not an object"),
    ]


def test_sarif_with_bom_and_other_version(tmp_path: Path) -> None:
    text = (DATA / "semgrep.sarif").read_text(encoding="utf-8").replace('"version": "2.1.0"', '"version": "2.0.0"')
    path = tmp_path / "bom.sarif"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    read = read_sarif(str(path))
    assert read.findings == read_sarif(data("semgrep.sarif")).findings
    assert [(p.code, p.severity) for p in read.problems] == [("sarif-version", "notice")]


def test_sarif_levels_and_score_bands(tmp_path: Path) -> None:
    results = [
        {"ruleId": "a", "level": "error", "message": {"text": "m"}},
        {"ruleId": "b", "level": "none", "message": {"text": "m"}},
        {"ruleId": "c", "message": {"text": "m"}},  # SARIF's default level: warning
        {"ruleId": "d", "message": {"text": "m"}, "properties": {"security-severity": "9.0"}},
        {"ruleId": "e", "message": {"text": "m"}, "properties": {"security-severity": "4.0"}},
        {"ruleId": "f", "message": {"text": "m"}, "properties": {"security-severity": "0.1"}},
        {"ruleId": "g", "level": "note", "message": {"text": "m"}, "properties": {"security-severity": "n/a"}},
        {"ruleId": "h", "kind": "pass", "message": {"text": "checked"}},  # not a finding
        {"ruleId": "i"},  # no message at all: the rule id stands in
    ]
    path = tmp_path / "levels.sarif"
    path.write_text(
        json_codec.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "X"}}, "results": results}]})
    )
    read = read_sarif(str(path))
    assert read.problems == []
    assert [(f.rule, f.severity, f.message, f.path, f.line) for f in read.findings] == [
        ("a", "high", "m", None, None),
        ("b", "info", "m", None, None),
        ("c", "medium", "m", None, None),
        ("d", "critical", "m", None, None),
        ("e", "medium", "m", None, None),
        ("f", "low", "m", None, None),
        ("g", "low", "m", None, None),
        ("i", "medium", "i", None, None),
    ]


def test_sarif_too_large_and_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif, "MAX_SARIF_BYTES", 100)
    read = read_sarif(data("semgrep.sarif"))
    assert read.findings == []
    assert [p.code for p in read.problems] == ["sarif-too-large"]
    with pytest.raises(OSError):
        read_sarif(str(tmp_path / "absent.sarif"))


# --- JUnit XML -----------------------------------------------------------------------------------


def counts(read: junit.JunitRead) -> tuple[int, int, int, int]:
    return read.tests, read.failures, read.errors, read.skipped


def test_pytest_junitxml() -> None:
    read = read_junit(data("junit-pytest.xml"))
    assert read.problems == []
    assert counts(read) == (5, 2, 1, 1)
    ts = "2025-03-14T09:41:31.750Z"  # 10:41:30.250+01:00 plus the suite's 1.5 s
    assert read.findings == [
        FindingRecord(
            "junit",
            "test_failure",
            "tests.test_calc::test_div",
            "high",
            "tests/test_calc.py",  # from the classname
            None,
            "assert (3 // 2) == 2\n"
            "def test_div():\n"
            ">       assert 3 // 2 == 2\n"
            "E       assert (3 // 2) == 2\n"
            "\n"
            "tests/test_calc.py:7: AssertionError",
            ts,
        ),
        FindingRecord(
            "junit",
            "test_failure",
            "tests.test_calc::test_db",
            "high",
            "tests/test_calc.py",
            None,
            'failed on setup with "RuntimeError: db down"\n'
            "@pytest.fixture\n"
            "    def broken():\n"
            '>       raise RuntimeError("db down")\n'
            "E       RuntimeError: db down\n"
            "\n"
            "tests/test_calc.py:11: RuntimeError",
            ts,
        ),
        FindingRecord(
            "junit",
            "test_failure",
            "tests.test_calc.TestParse::test_int",
            "high",
            "tests/test_calc.py",  # module path, the test class dropped
            None,
            "ValueError: invalid literal for int() with base 10: 'x'\n"
            "self = <test_calc.TestParse object at 0x7f4dd068f890>\n"
            "\n"
            "    def test_int(self):\n"
            '>       assert int("x") == 1\n'
            "               ^^^^^^^^\n"
            "E       ValueError: invalid literal for int() with base 10: 'x'\n"
            "\n"
            "tests/test_calc.py:22: ValueError",
            ts,
        ),
    ]


def test_pytest_xunit1_file_and_zero_based_line() -> None:
    read = read_junit(data("junit-pytest-xunit1.xml"), naive_tz=timezone(timedelta(hours=1)))
    assert read.problems == []
    assert counts(read) == (2, 1, 0, 0)
    [finding] = read.findings
    assert finding.rule == "tests.unit.test_cart::test_total"
    assert finding.path == "tests/unit/test_cart.py"
    assert finding.line == 12  # pytest writes the 0-based line 11
    assert finding.ts == "2025-03-14T09:41:30.560Z"  # naive 10:41:30.250 at UTC+1, plus 0.31 s
    assert finding.message.splitlines()[:3] == [
        "assert 1999 == 2099",
        " +  where 1999 = total([Item(price=1999)])",
        "def test_total():",
    ]


@pytest.fixture
def local_tz_plus_5(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local timezone set to UTC+5 (POSIX TZ sign is inverted), restored after."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    monkeypatch.setenv("TZ", "XYZ-5")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("local_tz_plus_5")
def test_naive_timestamps_default_to_local_time() -> None:
    [finding] = read_junit(data("junit-pytest-xunit1.xml")).findings
    assert finding.ts == "2025-03-14T05:41:30.560Z"
    # jest-junit's naive timestamps are UTC whatever the local timezone
    assert [f.ts for f in read_junit(data("junit-jest.xml")).findings] == [
        "2025-03-14T09:45:02.842Z",
        "2025-03-14T09:45:03.120Z",
    ]


def test_jest_junit() -> None:
    read = read_junit(data("junit-jest.xml"), naive_tz=None)
    assert read.problems == []
    assert counts(read) == (4, 1, 1, 1)
    first, second = read.findings
    assert (first.rule, first.path, first.line, first.ts) == (
        "Calculator divides by zero",  # classname == name: not repeated
        None,  # describe titles are not paths
        None,
        "2025-03-14T09:45:02.842Z",
    )
    assert first.message.splitlines()[0] == "Error: expect(received).toThrow(expected)"
    assert first.message.splitlines()[-2] == "    at Object.toThrow (/home/dev/shop/web/src/calc.test.js:14:35)"
    assert (second.rule, second.path, second.ts) == (
        "Test suite failed to run::src/cart.test.js",
        "src/cart.test.js",
        "2025-03-14T09:45:03.120Z",
    )
    assert second.message.splitlines()[:3] == [
        "● Test suite failed to run",
        "",
        "  Cannot find module './cart' from 'src/cart.test.js'",
    ]


def test_maven_surefire() -> None:
    read = read_junit(data("junit-surefire.xml"))
    assert read.problems == []
    assert counts(read) == (4, 1, 1, 0)  # the flaky test passed on rerun: not a failure
    assert [(f.rule, f.path, f.line, f.ts, f.severity) for f in read.findings] == [
        ("com.example.shop.PriceCalculatorTest::roundsHalfUp", None, None, None, "high"),
        ("com.example.shop.PriceCalculatorTest::parsesCurrency", None, None, None, "high"),
    ]
    # the message attribute is dropped when the stack trace's first line repeats it
    assert read.findings[0].message.splitlines()[0] == (
        "org.opentest4j.AssertionFailedError: expected: <10.05> but was: <10.04>"
    )
    assert read.findings[1].message.splitlines() == [
        'java.lang.NumberFormatException: For input string: "12,5"',
        "\tat java.base/jdk.internal.math.FloatingDecimal.readJavaFormatString(FloatingDecimal.java:2054)",
        "\tat com.example.shop.PriceCalculator.parse(PriceCalculator.java:48)",
    ]


def test_go_junit_report() -> None:
    read = read_junit(data("junit-go.xml"))
    assert read.problems == []
    assert counts(read) == (4, 1, 0, 1)
    assert read.findings == [
        FindingRecord(
            "junit",
            "test_failure",
            "example.com/shop/cart::TestTotal",
            "high",
            None,  # a Go package is not a file
            None,
            "Failed\ncart_test.go:27: Total() = 1999, want 2099",
            "2025-03-14T09:50:00.014Z",
        )
    ]


def test_only_passing_tests() -> None:
    read = read_junit(data("junit-passing.xml"))
    assert (read.findings, read.problems, counts(read)) == ([], [], (2, 0, 0, 0))


def test_truncated_junit_is_a_problem() -> None:
    read = read_junit(data("junit-broken.xml"))
    assert (read.findings, counts(read)) == ([], (0, 0, 0, 0))
    assert [(p.path, p.code) for p in read.problems] == [(data("junit-broken.xml"), "junit-invalid-xml")]


@pytest.mark.parametrize("levels", [1_200, 5_000])
def test_junit_nested_too_deep_is_a_problem(tmp_path: Path, levels: int) -> None:
    """Suites nested about a thousand deep made `ingest --junit` end in a RecursionError traceback."""
    report = tmp_path / "deep.xml"
    case = '<testcase name="t" classname="c"><failure message="m">x</failure></testcase>'
    report.write_text(
        "<testsuites>" + '<testsuite name="s">' * levels + case + "</testsuite>" * levels + "</testsuites>"
    )
    read = read_junit(str(report))
    assert [(p.path, p.code) for p in read.problems] == [(str(report), "junit-too-deep")]
    shallow = tmp_path / "shallow.xml"
    shallow.write_text("<testsuites>" + '<testsuite name="s">' * 50 + case + "</testsuite>" * 50 + "</testsuites>")
    read = read_junit(str(shallow))
    assert read.problems == [] and len(read.findings) == 1


def test_xml_that_is_not_junit_and_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.xml"
    page.write_text("<html><body>not a report</body></html>")
    assert [p.code for p in read_junit(str(page)).problems] == ["junit-not-junit"]
    monkeypatch.setattr(junit, "MAX_JUNIT_BYTES", 100)
    read = read_junit(data("junit-go.xml"))
    assert (read.findings, [p.code for p in read.problems]) == ([], ["junit-too-large"])
    with pytest.raises(OSError):
        read_junit(str(tmp_path / "absent.xml"))


@pytest.mark.parametrize(
    ("classname", "path"),
    [
        ("a.b.test_x", "a/b/test_x.py"),
        ("a.b.test_x.TestY", "a/b/test_x.py"),
        ("pkg.calc_test", "pkg/calc_test.py"),
        ("test_top", "test_top.py"),
        ("com.example.CalculatorTest", None),
        ("example.com/shop/cart", None),
        ("Calculator adds two numbers", None),
        ("tests.test_x.helpers", None),  # lowercase after the module: not a test class
        ("tests.conftest", None),
    ],
)
def test_path_from_classname(tmp_path: Path, classname: str, path: str | None) -> None:
    report = tmp_path / "r.xml"
    report.write_text(
        f'<testsuite name="s" tests="1"><testcase classname="{classname}" name="t"><failure/></testcase></testsuite>'
    )
    [finding] = read_junit(str(report)).findings
    assert (finding.path, finding.message, finding.ts) == (path, "failure", None)


def test_nested_suites_inherit_the_time(tmp_path: Path) -> None:
    report = tmp_path / "nested.xml"
    report.write_text(
        '<testsuites><testsuite name="all" timestamp="2025-03-14T10:00:00Z" time="2">'
        '<testsuite name="inner" file="tests/InnerTest.php"><testcase name="a"><error message="boom"/></testcase></testsuite>'
        '<testsuite name="late" timestamp="2025-03-14T11:00:00Z" time="1">'
        '<testcase name="b"><failure message="no"/><error message="teardown"/></testcase></testsuite>'
        "</testsuite></testsuites>"
    )
    read = read_junit(str(report))
    assert counts(read) == (2, 1, 2, 0)
    assert [(f.rule, f.path, f.message, f.ts) for f in read.findings] == [
        ("a", "tests/InnerTest.php", "boom", "2025-03-14T10:00:02.000Z"),  # the suite's file (PHPUnit)
        ("b", None, "no\n\nteardown", "2025-03-14T11:00:01.000Z"),
    ]


def test_odd_attributes_and_long_output(tmp_path: Path) -> None:
    body = "\n".join(f"line {i}" for i in range(500))
    report = tmp_path / "odd.xml"
    report.write_text(
        '<testsuites><testsuite name="a" timestamp="2025-03-14T10:00:00Z" time="abc">'
        f'<testcase name="x" line="-3" time="zz"><failure message="{"m" * 3000}">{body}</failure></testcase>'
        '</testsuite><testsuite name="b" timestamp="yesterday"><testcase name="y"><failure/></testcase>'
        "</testsuite></testsuites>"
    )
    read = read_junit(str(report))
    first, second = read.findings
    assert (first.ts, first.line, len(first.message)) == ("2025-03-14T10:00:00.000Z", None, 2000)
    assert second.ts is None
    assert [(p.code, p.detail, p.severity) for p in read.problems] == [
        ("junit-bad-timestamp", "suite b: timestamp 'yesterday' unreadable", "notice")
    ]
    lines_only = tmp_path / "lines.xml"
    lines_only.write_text(
        f'<testsuite><testcase name="x"><failure message="boom">{body}</failure></testcase></testsuite>'
    )
    [finding] = read_junit(str(lines_only)).findings
    assert finding.message.splitlines() == ["boom", *(f"line {i}" for i in range(20))]


def test_unknown_encoding_is_a_problem(tmp_path: Path) -> None:
    report = tmp_path / "enc.xml"
    report.write_text('<?xml version="1.0" encoding="klingon"?><testsuite/>')
    assert [p.code for p in read_junit(str(report)).problems] == ["junit-invalid-xml"]


# --- matching ------------------------------------------------------------------------------------


def edit(
    call_id: str,
    ts: str | None,
    path: str,
    *,
    context: str = "s1",
    seq: int = 1,
    diff: str | None = None,
    tool: str = "Edit",
    status: str = "ok",
    cwd: str | None = None,
) -> Call:
    return Call(
        id=call_id,
        context_id=context,
        seq=seq,
        ts=ts,
        tool=tool,
        kind=kind_of(tool),
        input={},
        target_path=path,
        cwd=cwd,
        status=status,
        diff=diff,
    )


def risk(path: str | None, ts: str | None = None, line: int | None = None) -> FindingRecord:
    return FindingRecord("sarif:semgrep", "risk", "r", "high", path, line, "m", ts)


def test_relative_and_absolute_paths() -> None:
    edits = [
        edit("e1", "2025-03-14T10:00:00.000Z", "/home/dev/shop/app/auth.py"),
        edit("e2", "2025-03-14T10:01:00.000Z", "app/models.py", cwd="/home/dev/shop"),
    ]
    findings = [
        risk("app/auth.py"),
        risk("./app/../app/auth.py"),
        risk("/home/dev/shop/app/auth.py"),
        risk("/srv/other/app/auth.py"),
        risk("/home/dev/shop/app/models.py"),  # the edit's relative path resolved against its cwd
        risk(None),
    ]
    matched = match_findings(findings, edits, {"s1": "s1"})
    assert [f.tool_use_id for f in matched] == ["e1", "e1", "e1", None, "e2", None]
    assert [f.session_id for f in matched] == ["s1", "s1", "s1", None, "s1", None]


def test_suffix_match_is_component_wise() -> None:
    edits = [edit("e1", "2025-03-14T10:00:00.000Z", "/r/ba/x.py")]
    assert match_findings([risk("a/x.py")], edits, {})[0].tool_use_id is None
    edits.append(edit("e2", "2025-03-14T10:00:00.000Z", "/r/a/x.py", seq=2))
    assert match_findings([risk("a/x.py")], edits, {})[0].tool_use_id == "e2"


def test_time_ordering() -> None:
    edits = [
        edit("late", "2025-03-14T10:10:00.000Z", "/p/x.py", seq=9),
        edit("early", "2025-03-14T10:00:00.000Z", "/p/x.py", seq=3),
        edit("untimed", None, "/p/x.py", seq=20),
    ]
    findings = [
        risk("/p/x.py", "2025-03-14T09:00:00.000Z"),  # before any edit
        risk("/p/x.py", "2025-03-14T10:05:00.000Z"),  # between the two
        risk("/p/x.py", "2025-03-14T10:10:00.000Z"),  # at the second: counts
        risk("/p/x.py", "2025-03-14T11:10:00+01:00"),  # same instant, another notation
        risk("/p/x.py", None),  # no time: the latest edit (an untimed one sorts first)
    ]
    matched = match_findings(findings, edits, {"s1": "main-1"})
    assert [f.tool_use_id for f in matched] == [None, "early", "late", "late", "late"]
    assert matched[1].session_id == "main-1"


def test_line_in_hunk_is_preferred() -> None:
    edits = [
        edit("write", "2025-03-14T09:00:00.000Z", "/p/x.py", diff="@@ -0,0 +1,30 @@\n+..."),
        edit("top", "2025-03-14T10:00:00.000Z", "/p/x.py", diff="@@ -10,2 +10,4 @@\n a\n+b\n+c\n d"),
        edit("bottom", "2025-03-14T10:05:00.000Z", "/p/x.py", diff="@@ -40,3 +40,5 @@\n x\n@@ -60,2 +62 @@\n-y"),
        edit("delete", "2025-03-14T10:06:00.000Z", "/p/x.py", diff="@@ -20,3 +19,0 @@\n-a\n-b\n-c"),
    ]
    ts = "2025-03-14T11:00:00.000Z"
    expected = [
        (12, "top"),  # "write" covers it too; "top" is later
        (13, "top"),  # +10,4 covers 10..13
        (14, "write"),  # past "top": the latest edit covering it is the file's creation
        (41, "bottom"),
        (62, "bottom"),  # "+62" alone is one line
        (63, "delete"),  # covered by none: the latest edit
        (20, "write"),  # a pure deletion ("+19,0") covers no line
        (None, "delete"),
    ]
    matched = match_findings([risk("/p/x.py", ts, line) for line, _ in expected], edits, {})
    assert [f.tool_use_id for f in matched] == [call_id for _, call_id in expected]


def test_project_roots_resolve_relative_paths_first() -> None:
    edits = [
        edit("p1", "2025-03-14T10:00:00.000Z", "/work/p1/src/x.py"),
        edit("p2", "2025-03-14T10:05:00.000Z", "/work/p2/src/x.py"),
    ]
    finding = risk("src/x.py", "2025-03-14T11:00:00.000Z")
    assert match_findings([finding], edits, {})[0].tool_use_id == "p2"  # suffix: the latest
    assert match_findings([finding], edits, {}, project_roots=["/work/p1/"])[0].tool_use_id == "p1"
    # a root with no such edit falls back to the suffix rule
    assert match_findings([finding], edits, {}, project_roots=["/work/p3"])[0].tool_use_id == "p2"


def test_only_successful_edits_count_and_subagents_map_to_their_session() -> None:
    edits = [
        edit("failed", "2025-03-14T10:09:00.000Z", "/p/x.py", status="error"),
        edit("read", "2025-03-14T10:08:00.000Z", "/p/x.py", tool="Read"),
        edit("sub", "2025-03-14T10:07:00.000Z", "/p/x.py", context="s9/agent-1"),
        edit("mapped", "2025-03-14T10:00:00.000Z", "/p/y.ipynb", context="s8/agent-2", tool="NotebookEdit"),
    ]
    matched = match_findings([risk("/p/x.py"), risk("/p/y.ipynb")], edits, {"s8/agent-2": "s8"})
    assert [(f.session_id, f.tool_use_id) for f in matched] == [("s9", "sub"), ("s8", "mapped")]


def test_session_span_fallback_for_test_failures() -> None:
    spans = {
        "s1": ("2025-03-14T08:00:00.000Z", "2025-03-14T09:00:00.000Z"),
        "s2": ("2025-03-14T09:30:00.000Z", "2025-03-14T12:00:00.000Z"),
        "s3": ("2025-03-14T10:30:00.000Z", "2025-03-14T11:00:00.000Z"),  # inside s2: started later
    }
    failure = FindingRecord("junit", "test_failure", "pkg::TestX", "high", None, None, "Failed", None)
    findings = [
        replace(failure, ts="2025-03-14T08:30:00.000Z"),
        replace(failure, ts="2025-03-14T10:00:00.000Z"),
        replace(failure, ts="2025-03-14T10:45:00.000Z"),
        replace(failure, ts="2025-03-14T13:00:00.000Z"),  # after every session
        replace(failure, ts=None),
        replace(failure, path="tests/test_x.py", ts="2025-03-14T10:00:00.000Z"),  # a file nobody edited
        risk(None, "2025-03-14T10:00:00.000Z"),  # a path-less risk is not a test failure
    ]
    matched = match_findings(findings, [], {}, session_spans=spans)
    assert [(f.session_id, f.tool_use_id) for f in matched] == [
        ("s1", None),
        ("s2", None),
        ("s3", None),
        (None, None),
        (None, None),
        ("s2", None),
        (None, None),
    ]


def test_an_edit_match_wins_over_the_span() -> None:
    edits = [edit("e1", "2025-03-14T10:00:00.000Z", "/p/tests/test_x.py", context="s5")]
    failure = FindingRecord(
        "junit", "test_failure", "t", "high", "tests/test_x.py", None, "m", "2025-03-14T10:30:00.000Z"
    )
    spans = {"s2": ("2025-03-14T09:30:00.000Z", "2025-03-14T12:00:00.000Z")}
    [matched] = match_findings([failure], edits, {"s5": "s5"}, session_spans=spans)
    assert (matched.session_id, matched.tool_use_id) == ("s5", "e1")


def test_returns_copies_and_keeps_existing_matches() -> None:
    edits = [edit("e1", "2025-03-14T10:00:00.000Z", "/p/x.py")]
    fresh = risk("/p/x.py")
    known = replace(risk("/p/x.py"), session_id="s0", tool_use_id="e0")
    matched = match_findings([fresh, known], edits, {"s1": "s1"})
    assert matched[0] is not fresh and fresh.tool_use_id is None
    assert matched[1] == known and matched[1] is not known


def test_sarif_findings_end_to_end() -> None:
    findings = read_sarif(data("semgrep.sarif")).findings
    edits = [
        edit("sql", "2025-03-14T09:20:00.000Z", "/home/dev/shop/app/db utils/query.py", diff="@@ -40,2 +40,6 @@"),
        edit("jwt", "2025-03-14T09:30:00.000Z", "/home/dev/shop/app/auth.py", context="s2/agent-7"),
        edit("after-scan", "2025-03-14T09:45:00.000Z", "/home/dev/shop/app/auth.py"),
    ]
    matched = match_findings(findings, edits, {"s1": "s1", "s2/agent-7": "s2"}, project_roots=["/home/dev/shop"])
    assert [(f.session_id, f.tool_use_id) for f in matched] == [("s1", "sql"), ("s2", "jwt")]
