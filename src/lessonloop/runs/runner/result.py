"""What `lessonloop run` was asked to do (RunOptions) and what happened (RunResult).

Plain classes with slots, no dataclasses: `lessonloop run` starts a process per command, and its
start-up is part of every run's wall time.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lessonloop.runs.runner.failures.report import Failure

# Why a run ended: the `reason` of a RunResult and of the stored run.
EXIT = "exit"  # the command ended by itself
ERROR = "error"  # an error pattern matched (max-count times)
SUCCESS = "success"  # a success pattern matched
TIMEOUT = "timeout"  # -t: overall
IDLE_TIMEOUT = "idle_timeout"  # -I: no output for that long (after the first output)
FIRST_OUTPUT_TIMEOUT = "first_output_timeout"  # -F: no output at all for that long
MAX_REPEAT = "max_repeat"  # the same line N times in a row: a stuck loop
INTERRUPTED = "interrupted"  # Ctrl-C, or TERM/HUP sent to lessonloop
OUTPUT_CLOSED = "output_closed"  # lessonloop's own output went away (`| head`)
NOT_FOUND = "not_found"  # 127
NOT_EXECUTABLE = "not_executable"  # 126

TIMEOUT_REASONS = frozenset({TIMEOUT, IDLE_TIMEOUT, FIRST_OUTPUT_TIMEOUT})

# Exit statuses of lessonloop itself, as coreutils `timeout` has them.
STATUS_TIMEOUT = 124
STATUS_OWN_ERROR = 125
STATUS_NOT_EXECUTABLE = 126
STATUS_NOT_FOUND = 127
STATUS_OUTPUT_CLOSED = 141  # 128 + SIGPIPE, what a shell pipeline reports


class RunOptions:
    """Everything `lessonloop run` was told. Durations are seconds; None means "no limit"."""

    __slots__ = (
        "after_lines",
        "after_seconds",
        "argv",
        "auto",
        "error",
        "exclude",
        "first_output_timeout",
        "idle_timeout",
        "ignore_case",
        "interrupt_grace",
        "kill_after",
        "max_count",
        "max_repeat",
        "partial",
        "profile",
        "streams",
        "success",
        "timeout",
        "use_pty",
    )

    def __init__(
        self,
        argv: list[str],
        *,
        error: list[str] | None = None,
        success: list[str] | None = None,
        exclude: list[str] | None = None,
        ignore_case: bool = False,
        streams: str = "both",
        max_count: int = 1,
        after_seconds: float = 5.0,
        after_lines: int = 100,
        timeout: float | None = None,
        idle_timeout: float | None = None,
        first_output_timeout: float | None = None,
        max_repeat: int | None = None,
        kill_after: float = 2.0,
        interrupt_grace: float = 0.0,
        use_pty: bool = True,
        profile: str | None = None,
        partial: list[str] | None = None,
    ) -> None:
        self.argv = argv
        self.partial = list(partial or ())  # error patterns also tried on an unfinished line as it grows
        self.error = list(error or ())
        self.success = list(success or ())
        self.exclude = list(exclude or ())
        self.ignore_case = ignore_case
        self.streams = streams  # both | stdout | stderr: where patterns are looked for
        self.max_count = max_count
        self.after_seconds = after_seconds
        self.after_lines = after_lines
        self.timeout = timeout
        self.idle_timeout = idle_timeout
        self.first_output_timeout = first_output_timeout
        self.max_repeat = max_repeat
        self.kill_after = kill_after
        # When stopping: INT first, and TERM only this long after it (0: TERM at once). pytest
        # prints its failure report on an interrupt (the pytest profile sets it).
        self.interrupt_grace = interrupt_grace
        self.use_pty = use_pty
        self.profile = profile
        self.auto: dict[str, Any] | None = None  # what --auto applied, and why

    def settings(self) -> dict[str, Any]:
        """The options as stored with the run (JSON) and printed by --json (no argv)."""
        return {
            "error": self.error,
            "success": self.success,
            "exclude": self.exclude,
            "partial": self.partial,
            "ignore_case": self.ignore_case,
            "streams": self.streams,
            "max_count": self.max_count,
            "after_seconds": self.after_seconds,
            "after_lines": self.after_lines,
            "timeout": self.timeout,
            "idle_timeout": self.idle_timeout,
            "first_output_timeout": self.first_output_timeout,
            "max_repeat": self.max_repeat,
            "kill_after": self.kill_after,
            "interrupt_grace": self.interrupt_grace,
            "mode": "pty" if self.use_pty else "pipes",
            "profile": self.profile,
            "auto": self.auto,
        }


class MatchEvent:
    """One matched line: which pattern, where (stream, line number, seconds from the start), the
    line itself and the lines around it (decoded as UTF-8 with replacement, colours removed)."""

    __slots__ = ("after", "before", "kind", "line", "offset", "pattern", "stream", "text")

    def __init__(
        self, kind: str, pattern: str, stream: str, line: int, offset: float, text: str, before: list[str]
    ) -> None:
        self.kind = kind  # error | success | repeat
        self.pattern = pattern
        self.stream = stream  # stdout | stderr
        self.line = line  # from 1, within its stream
        self.offset = offset
        self.text = text
        self.before = before
        self.after: list[str] = []

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "pattern": self.pattern,
            "stream": self.stream,
            "line": self.line,
            "offset": round(self.offset, 3),
            "text": self.text,
            "before": self.before,
            "after": self.after,
        }


class StreamStats:
    """Lines (newlines seen, plus a last line without one) and bytes of one output stream."""

    __slots__ = ("bytes", "ends_newline", "lines")

    def __init__(self) -> None:
        self.lines = 0
        self.bytes = 0
        self.ends_newline = True  # the output so far ends with a newline (or is empty)


class RunResult:
    """How a run went. `status` is lessonloop's exit status; `child_status` the command's own
    (its exit code, or -N when signal N ended it; None when it never started)."""

    __slots__ = (
        "child_status",
        "cwd",
        "duration",
        "ended_at",
        "failures",
        "first_match",
        "first_output",
        "idle_count",
        "idle_periods",
        "longest_idle",
        "matches",
        "message",
        "options",
        "pattern_counts",
        "pid",
        "reason",
        "signals",
        "started_at",
        "status",
        "stderr",
        "stdout",
        "stopped",
    )

    def __init__(self, options: RunOptions, cwd: str, started_at: str) -> None:
        self.options = options
        self.cwd = cwd
        self.started_at = started_at
        self.ended_at = started_at
        self.duration = 0.0
        self.status = 0
        self.child_status: int | None = None
        self.reason = EXIT
        self.stopped = False
        self.pid: int | None = None
        self.first_output: float | None = None
        self.first_match: float | None = None
        self.stdout = StreamStats()
        self.stderr = StreamStats()
        self.longest_idle = 0.0
        self.idle_count = 0
        self.idle_periods: list[tuple[float, float]] = []  # (start, length), longest first
        self.matches: list[MatchEvent] = []
        self.pattern_counts: dict[tuple[str, str], int] = {}  # (kind, pattern) -> matches
        self.message: str | None = None  # why it could not run, for 125/126/127
        self.signals: list[str] = []  # what lessonloop sent the command to stop it ("SIGINT", "SIGTERM", "SIGKILL")
        self.failures: list[Failure] = []  # the failing tests its output names (runner/failures/)

    def to_json(self) -> dict[str, Any]:
        """The --json summary."""
        return {
            "status": self.status,
            "reason": self.reason,
            "command_status": self.child_status,
            "stopped": self.stopped,
            "pid": self.pid,
            "command": self.options.argv,
            "cwd": self.cwd,
            "started_at": self.started_at,
            "duration": round(self.duration, 3),
            "first_output": None if self.first_output is None else round(self.first_output, 3),
            "first_match": None if self.first_match is None else round(self.first_match, 3),
            "longest_idle": round(self.longest_idle, 3),
            "idle_periods": [[round(a, 3), round(b, 3)] for a, b in self.idle_periods],
            "stdout": {"lines": self.stdout.lines, "bytes": self.stdout.bytes},
            "stderr": {"lines": self.stderr.lines, "bytes": self.stderr.bytes},
            "matches": [m.to_json() for m in self.matches],
            "failures": [f.to_json() for f in self.failures],
            "signals": self.signals,
            "settings": self.options.settings(),
            "message": self.message,
        }


def final_status(reason: str, child_status: int | None, stopped: bool = False) -> int:
    """lessonloop's exit status, as coreutils `timeout` would give it.

    The command's own status when it ended by itself (128+N for signal N); after an error match,
    the command's status if it had failed by itself (not `stopped`: the status of a command
    lessonloop stopped is its answer to the signal, pytest's 2 on SIGINT), else 1; 124 for any timeout and for a stuck
    loop (--max-repeat); 0 on a success match; 126/127 when the command could not run or was not
    found; 141 when lessonloop's own output was closed; an interrupted command's own status.
    """
    if reason == SUCCESS:
        return 0
    if reason in TIMEOUT_REASONS or reason == MAX_REPEAT:
        return STATUS_TIMEOUT
    if reason == NOT_FOUND:
        return STATUS_NOT_FOUND
    if reason == NOT_EXECUTABLE:
        return STATUS_NOT_EXECUTABLE
    if reason == OUTPUT_CLOSED:
        return STATUS_OUTPUT_CLOSED
    own = None if child_status is None else (child_status if child_status >= 0 else 128 - child_status)
    if reason == ERROR:
        # A command we killed reports the signal: that is not its own failure.
        return child_status if child_status is not None and child_status > 0 and not stopped else 1
    if own is None:
        return 1
    return own
