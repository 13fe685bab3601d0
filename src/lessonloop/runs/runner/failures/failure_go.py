"""go test's failures, printed as each test ends:

    --- FAIL: TestAdd (0.00s)
        math_test.go:12: Add(1, 2) = 4; want 3
    --- FAIL: TestTable (0.00s)
        --- FAIL: TestTable/negative (0.00s)
            table_test.go:27: Add(-1, -2) = 3; want -3

A test's log lines are indented one level (four spaces) deeper than its `--- FAIL:` line, a
subtest's report one level deeper too. With -v the log lines come before it instead, between
`=== RUN   TestAdd` (or `=== CONT`, `=== NAME`) and `--- FAIL: TestAdd`, among what the code
under test printed: there, only lines that are the test's log (`file.go:N: ...`) are kept. A test that failed
only through its subtests is left out: they are the failures. A panic (`panic: ...` at the start
of a line) belongs to the test that failed last, with the first frame of the program's own code
as where. A package that does not build: the compiler's lines before `FAIL\tpkg [build failed]`.
"""

from __future__ import annotations

import re

from lessonloop.runs.runner.failures.report import Failure

_RESULT = re.compile(r"^(\s*)--- (FAIL|PASS|SKIP): (\S+)")
_STARTED = re.compile(r"^=== (?:RUN|CONT|NAME)\s+(\S+)")
_PANIC = re.compile(r"^panic: ")
# A goroutine frame's place: "\t/home/dev/calc/math.go:18 +0x1d"; Go's own library is not where.
_FRAME = re.compile(r"^\t(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$")
_GO_ROOT = re.compile(r"/src/(?:runtime|testing|reflect|sync|internal)/|/go/pkg/mod/")
_BUILD_HEADER = re.compile(r"^# (\S+)")
_BUILD_FAILED = re.compile(r"^FAIL\t(\S+) \[(?:build|setup) failed\]")
# -v: a test's own log line ("    math_test.go:12: want 3"), not the program's output around it.
_LOG = re.compile(r"^\s+[\w./-]+\.go:\d+: ")
_LOG_KEPT = 200  # lines of -v log kept per running test, the last ones


def failures(lines: list[str]) -> list[Failure]:
    """The failing tests (and packages that did not build) go test's output `lines` names."""
    out: list[Failure] = []
    stack: list[tuple[int, Failure]] = []  # the open reports: (indent of `--- FAIL`, failure)
    parents: set[str] = set()  # tests with a failed subtest
    logs: dict[str, list[str]] = {}  # -v: the log lines of each running test
    running: str | None = None
    build: list[str] | None = None  # the compiler's lines since `# pkg`
    panicked: Failure | None = None  # the test whose panic's frames follow
    for line in lines:
        result = _RESULT.match(line)
        if result:
            indent = _indent(result.group(1))
            while stack and stack[-1][0] >= indent:
                stack.pop()
            running = panicked = None
            name = result.group(3)
            if result.group(2) == "FAIL":
                if "/" in name:
                    parents.add(name.rsplit("/", 1)[0])
                failure = Failure(name)
                for logged in logs.pop(name, []):
                    if _LOG.match(logged):
                        failure.add(logged.strip())
                out.append(failure)
                stack.append((indent, failure))
            continue
        started = _STARTED.match(line)
        if started:
            stack.clear()
            running = started.group(1)
            logs[running] = []
            continue
        if line[:1] in (" ", "\t") and line.strip():
            if panicked is not None:
                frame = _FRAME.match(line)
                if panicked.where is None and frame and not _GO_ROOT.search(frame.group(1)):
                    panicked.where = f"{frame.group(1)}:{frame.group(2)}"
                continue
            while stack and _indent(line) <= stack[-1][0]:
                stack.pop()
            if stack:
                stack[-1][1].add(line.strip())
            elif running is not None:
                kept = logs[running]
                kept.append(line)
                del kept[:-_LOG_KEPT]
            continue
        stack.clear()
        if _PANIC.match(line):
            panicked = out[-1] if out else None
            if panicked is None:
                panicked = Failure("panic")
                out.append(panicked)
            if not panicked.add(line.strip()):
                panicked.lines[-1] = line.strip()
            continue
        if line.startswith(("FAIL", "ok ", "PASS")):
            panicked = None
        header = _BUILD_HEADER.match(line)
        if header:
            build = []
            continue
        broken = _BUILD_FAILED.match(line)
        if broken:
            failure = Failure(f"{broken.group(1)} [build failed]")
            for compiler_line in build or ():
                failure.add(compiler_line)
            out.append(failure)
            build = None
        elif build is not None and line.strip():
            build.append(line)
            del build[:-_LOG_KEPT]
    return [failure for failure in out if failure.name not in parents or failure.lines]


def _indent(text: str) -> int:
    """Columns of leading white space (a tab as four)."""
    expanded = text.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())
