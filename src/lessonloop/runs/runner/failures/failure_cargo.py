"""cargo test's failures. libtest prints `test tests::adds ... FAILED` (with -q, `tests::adds ---
FAILED`) as each test ends, and what a failing test printed (its panic among it) only when the
whole test binary has ended:

    ---- tests::adds_wrong stdout ----

    thread 'tests::adds_wrong' (20371) panicked at src/lib.rs:22:9:
    assertion `left == right` failed: math is broken
      left: 4
     right: 5
    note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

Kept of a report: where it panicked and the panic's message (up to the backtrace note, the
backtrace, or a blank line); before Rust 1.73 the message began on the panic line itself
(`panicked at 'message', src/lib.rs:22:9`, its last line ending in the place). A test whose report never came (the run was
stopped first) is named alone. A crate that does not compile: each compiler error (an
`error[E...]: ...` or `error: ...` line followed by where, `--> src/lib.rs:3:5`).
"""

from __future__ import annotations

import re

from lessonloop.runs.runner.failures.report import Failure

_RESULT = re.compile(r"^(?:test (.+?) \.\.\. FAILED\b|(\S+) --- FAILED\b)")  # -q: "tests::adds --- FAILED"
_REPORT = re.compile(r"^---- (.+?) std(?:out|err) ----$")
_PANIC = re.compile(r"^thread '[^']*'(?: \(\d+\))? panicked at (?:'(.*)', )?(\S+?):(\d+):\d+:?$")
# Before Rust 1.73, a message of several lines: "panicked at 'assertion failed: ...", then its
# lines, the last ending "', src/lib.rs:22:9".
_OLD_PANIC_START = re.compile(r"^thread '[^']*' panicked at '(.*)$")
_OLD_PANIC_END = re.compile(r"^(.*)', (\S+?):(\d+):\d+$")
_REPORT_END = re.compile(r"^(?:note: run with `RUST_BACKTRACE|stack backtrace:|failures:$|test result: )")
_COMPILE_ERROR = re.compile(r"^error(?:\[E\d+\])?: (.+)$")
_NOT_A_COMPILE_ERROR = re.compile(r"^(?:test failed|doctest failed|could not compile|\d+ targets? failed|aborting)")
_ARROW = re.compile(r"^\s*--> (\S+?):(\d+):\d+")


def failures(lines: list[str]) -> list[Failure]:
    """The failing tests (and compile errors) cargo test's output `lines` names."""
    out: list[Failure] = []
    report: Failure | None = None
    in_message = in_old_message = False
    compile_error: Failure | None = None
    for line in lines:
        result = _RESULT.match(line)
        if result:
            out.append(Failure(_name(result.group(1) or result.group(2))))
            report = compile_error = None
            continue
        heading = _REPORT.match(line)
        if heading:
            report = Failure(_name(heading.group(1)))
            out.append(report)
            in_message = in_old_message = False
            compile_error = None
            continue
        if report is not None:
            if _REPORT_END.match(line):
                report = None
                continue
            panic = _PANIC.match(line)
            old_start = None if panic else _OLD_PANIC_START.match(line)
            old_end = _OLD_PANIC_END.match(line) if in_old_message else None
            if panic:
                report.where = f"{panic.group(2)}:{panic.group(3)}"
                if panic.group(1):
                    report.add(panic.group(1))
                in_message = True
            elif old_start:
                report.add(old_start.group(1))
                in_old_message = True
            elif old_end:
                report.add(old_end.group(1))
                report.where = f"{old_end.group(2)}:{old_end.group(3)}"
                in_old_message = False
            elif in_old_message:
                report.add(line)
            elif in_message and not line.strip():
                in_message = False
            elif in_message or (line.strip() and not report.lines):
                report.add(line)
            continue
        error = _COMPILE_ERROR.match(line)
        if error and not _NOT_A_COMPILE_ERROR.match(error.group(1)):
            compile_error = Failure(f"compile error: {error.group(1)}")
            continue
        arrow = _ARROW.match(line) if compile_error is not None else None
        if arrow and compile_error is not None:  # rustc's: "error: ..." then "  --> src/lib.rs:3:5"
            compile_error.where = f"{arrow.group(1)}:{arrow.group(2)}"
            out.append(compile_error)
        compile_error = None
    return out


def _name(text: str) -> str:
    """A test's name as the report and the result line both give it (no "- should panic")."""
    return text.removesuffix(" - should panic").strip()
