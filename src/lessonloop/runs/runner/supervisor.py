"""The loop of `lessonloop run`: pass the command's output through, watch it, stop the command
when told, and say how it went (a RunResult).

Output is copied to lessonloop's own stdout and stderr the moment it is read, unchanged. Whole
lines are matched; a line longer than 64 KiB (or binary data without newlines) is matched in
64 KiB pieces, so memory stays flat however long the output or its lines. An unfinished line is
matched too: against the patterns a profile marks as progress (pytest's `..F.` before its
`[ 40%]`) each time it grows, and against every pattern once the output has paused
(PARTIAL_QUIET), so a failure printed without a newline stops the command as early as a line. Timers are checked
at every wake-up; signals (Ctrl-C, the command ending) wake the loop through a pipe.

Stopping: TERM to the command's whole process group, KILL to the group `kill_after` seconds
later if any process of it is left. With `interrupt_grace` (the pytest profile's), INT first, as
Ctrl-C would: pytest then prints its report of the failures so far and exits; TERM follows only
if the group is still there `interrupt_grace` seconds later (not for a success match, which needs
no report, nor when lessonloop's own output is gone). Output is read until the command has
ended, so what it prints on the way out is passed through. Ctrl-C (and TERM or HUP sent to
lessonloop) is passed on to the group; a second one sends TERM, a third KILL.

Each stream's output is also kept in memory, bounded (kept_output.py), and when the run failed,
the failing tests it names are read from it (failures/) into the result.
"""

from __future__ import annotations

import errno
import os
import select
import signal
import time

from lessonloop.core.timestamps import utc_now
from lessonloop.runs.runner import process
from lessonloop.runs.runner.kept_output import KeptOutput
from lessonloop.runs.runner.matching import Matcher, compile_patterns, line_text, lines_before, strip_codes
from lessonloop.runs.runner.result import (
    ERROR,
    EXIT,
    FIRST_OUTPUT_TIMEOUT,
    IDLE_TIMEOUT,
    INTERRUPTED,
    MAX_REPEAT,
    NOT_EXECUTABLE,
    NOT_FOUND,
    OUTPUT_CLOSED,
    SUCCESS,
    TIMEOUT,
    MatchEvent,
    RunOptions,
    RunResult,
    StreamStats,
    final_status,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from lessonloop.runs.runner.matching import Pattern

READ_SIZE = 65536
MAX_PENDING = 65536  # bytes of an unfinished line kept for matching
IDLE_MIN = 1.0  # a silence this long (seconds) counts as an idle period
IDLE_KEPT = 50  # idle periods kept per run (the longest)
CONTEXT_BEFORE = 5  # lines kept before a match
CONTEXT_AFTER = 20  # lines kept after a match
DRAIN_AFTER_EXIT = 2.0  # seconds to keep reading after the command ended (its children may hold the output)
QUIET_AFTER_EXIT = 0.25  # ... but stop as soon as the output has been quiet this long
MAX_WAIT = 1.0  # the loop wakes at least this often
PARTIAL_QUIET = 0.5  # an unfinished line quiet this long (seconds) is matched as it stands
PARTIAL_MAX = 4096  # bytes of an unfinished line matched before it ends (longer: at its end only)


class _Stream:
    """One output stream of the command: where it goes and what has been seen of it."""

    __slots__ = (
        "fd", "last_read", "lines_done", "matched_partial", "name", "out_fd", "partial_tried", "pending", "recent",
        "repeat", "stats", "watch",
    )  # fmt: skip

    def __init__(self, name: str, fd: int, out_fd: int, stats: StreamStats, watch: bool) -> None:
        self.name = name
        self.fd = fd
        self.out_fd = out_fd
        self.stats = stats
        self.watch = watch  # lines are matched (patterns or --max-repeat apply to it)
        self.pending = b""  # the unfinished last line (only kept when watched)
        self.lines_done = 0  # whole lines matched so far
        self.recent: list[bytes] = []  # the last lines of the previous block (context before a match)
        self.repeat = (b"", 0)  # the last line and how many times in a row it came
        self.last_read = 0.0  # when output last came (monotonic)
        self.partial_tried = (0, False)  # the unfinished line's length last matched, and whether at a pause
        self.matched_partial = False  # the unfinished line matched: not matched again when it ends


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:  # someone made our output non-blocking: wait until it drains
            select.select([], [fd], [], 1.0)
            continue
        view = view[written:]


class Supervisor:
    """Runs one command under `options` (see RunOptions) and returns its RunResult."""

    def __init__(self, options: RunOptions, *, env: Mapping[str, str] | None = None, out_fd: int = 1, err_fd: int = 2):
        self.options = options
        self.env = dict(os.environ if env is None else env)
        self.out_fds = {"stdout": out_fd, "stderr": err_fd}
        ignore_case = options.ignore_case
        # Compiled first: a bad pattern is reported before anything runs (status 125).
        self.patterns: list[Pattern] = compile_patterns("error", options.error, ignore_case) + compile_patterns(
            "success", options.success, ignore_case
        )
        self.excludes = compile_patterns("exclude", options.exclude, ignore_case)
        self.matcher = Matcher(self.patterns, self.excludes)
        progress = compile_patterns("error", options.partial, ignore_case)
        self.partial_matcher = Matcher(progress, self.excludes) if progress else None
        self.result = RunResult(options, os.getcwd(), utc_now())
        self._signals: list[int] = []
        self._start = 0.0
        self._last_output: float | None = None
        self._errors = 0
        self._after_until: float | None = None  # the after-window: stop at this time ...
        self._after_left = 0  # ... or after this many more lines
        self._context: list[tuple[MatchEvent, _Stream]] = []  # matches still collecting lines after them
        self._stop_at: float | None = None  # when lessonloop began to stop the command
        self._term_at: float | None = None  # when TERM was, or is to be, sent
        self._term_sent = False
        self._killed = False
        self._output_ok = True
        self._interrupts = 0
        self._pgid = 0
        self.kept = {"stdout": KeptOutput(), "stderr": KeptOutput()}

    # -- the loop -------------------------------------------------------------------------------

    def run(self) -> RunResult:
        result = self.result
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_read, False)
        os.set_blocking(wake_write, False)
        previous = self._install_signals()
        previous_wakeup = signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
        self._start = time.monotonic()
        try:
            try:
                child = process.start(
                    self.options.argv, use_pty=self.options.use_pty, env=self.env, size=self._terminal_size()
                )
            except process.CannotRun as exc:
                result.reason = NOT_FOUND if exc.status == 127 else NOT_EXECUTABLE
                result.message = str(exc)
                result.status = exc.status
                return result
            result.pid = self._pgid = child.pid
            self._loop(child, wake_read)
        finally:
            signal.set_wakeup_fd(previous_wakeup)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            os.close(wake_read)
            os.close(wake_write)
            result.duration = time.monotonic() - self._start
            result.ended_at = utc_now()
        self._finish_idle()
        result.status = final_status(result.reason, result.child_status, result.stopped)
        if result.status != 0 and result.pid is not None and result.reason not in (SUCCESS, OUTPUT_CLOSED):
            from lessonloop.runs.runner.failures.report import failures_kept

            result.failures = failures_kept([self.kept["stdout"], self.kept["stderr"]], self.options.profile)
        return result

    def _loop(self, child: process.Child, wake_read: int) -> None:
        result = self.result
        options = self.options
        watch_out = bool(self.patterns or options.max_repeat) and options.streams != "stderr"
        watch_err = bool(self.patterns or options.max_repeat) and options.streams != "stdout"
        streams = {
            child.stdout_fd: _Stream("stdout", child.stdout_fd, self.out_fds["stdout"], result.stdout, watch_out),
            child.stderr_fd: _Stream("stderr", child.stderr_fd, self.out_fds["stderr"], result.stderr, watch_err),
        }
        poller = select.poll()
        for fd in streams:
            poller.register(fd, select.POLLIN)
        poller.register(wake_read, select.POLLIN)
        reaped = False
        drain_until = drain_limit = 0.0  # after the command ended: read until then (quiet) / at most until then
        try:
            while True:
                now = time.monotonic()
                wait = self._next_deadline(now, reaped, drain_until)
                for stream in streams.values():
                    if self._partial_due(stream):
                        wait = min(wait, max(0.0, stream.last_read + PARTIAL_QUIET - now))
                events = poller.poll(int(wait * 1000) + 1)
                now = time.monotonic()
                for fd, _event in events:
                    if fd == wake_read:
                        try:
                            while os.read(wake_read, 512):
                                pass
                        except BlockingIOError:
                            pass
                        continue
                    stream = streams[fd]
                    try:
                        data = os.read(fd, READ_SIZE)
                    except OSError as exc:
                        if exc.errno not in (errno.EIO, errno.EBADF):  # EIO: a terminal whose writers all closed
                            raise
                        data = b""
                    if data:
                        self._output(stream, data, now)
                        if reaped:
                            drain_until = max(drain_until, min(now + QUIET_AFTER_EXIT, drain_limit))
                    else:
                        poller.unregister(fd)
                        del streams[fd]
                        self._close_stream(stream, now)
                        os.close(fd)
                for stream in streams.values():
                    if self._partial_due(stream) and now - stream.last_read >= PARTIAL_QUIET:
                        self._match_partial(stream, now, quiet=True)
                if self._signals:
                    self._handle_signals(now, reaped)
                if not reaped:
                    pid, status = os.waitpid(child.pid, os.WNOHANG)
                    if pid:
                        reaped = True
                        result.child_status = process.child_status(status)
                        child.popen.returncode = result.child_status
                        drain_limit = now + DRAIN_AFTER_EXIT
                        drain_until = now + QUIET_AFTER_EXIT
                self._check_timers(now, reaped)
                if reaped and (not streams or now >= drain_until):
                    break
        finally:
            for fd, stream in list(streams.items()):
                self._close_stream(stream, time.monotonic())
                os.close(fd)
            if not reaped:  # an exception in the loop: never leave the command behind
                process.signal_group(self._pgid, signal.SIGKILL)
                _, status = os.waitpid(child.pid, 0)
                result.child_status = process.child_status(status)
                child.popen.returncode = result.child_status
        if self._stop_at is not None or self._interrupts:
            self._finish_group()
        if self._after_until is not None and result.reason == EXIT:
            result.reason = ERROR  # the command ended by itself inside the after-window

    def _next_deadline(self, now: float, reaped: bool, drain_until: float) -> float:
        """Seconds until the next timer is due (at most MAX_WAIT)."""
        options = self.options
        deadlines = [now + MAX_WAIT]
        if reaped:
            deadlines.append(drain_until)
        if self._stop_at is not None and self._term_at is not None:
            if not self._term_sent:
                deadlines.append(self._term_at)
            elif not self._killed:
                deadlines.append(self._term_at + options.kill_after)
        else:
            if options.timeout is not None:
                deadlines.append(self._start + options.timeout)
            if self._last_output is None and options.first_output_timeout is not None:
                deadlines.append(self._start + options.first_output_timeout)
            elif options.idle_timeout is not None:
                deadlines.append((self._last_output or self._start) + options.idle_timeout)
            if self._after_until is not None:
                deadlines.append(self._after_until)
        return max(0.0, min(deadlines) - now)

    def _check_timers(self, now: float, reaped: bool) -> None:
        options = self.options
        if self._stop_at is not None:
            if reaped or self._term_at is None:
                return
            if not self._term_sent and now >= self._term_at:
                self._send_term(now)
            elif self._term_sent and not self._killed and now >= self._term_at + options.kill_after:
                self._kill()
            return
        if reaped or self._interrupts:
            return
        elapsed = now - self._start
        if self._after_until is not None and (now >= self._after_until or self._after_left <= 0):
            self._stop(ERROR, now)
        elif options.timeout is not None and elapsed >= options.timeout:
            self._stop(TIMEOUT, now)
        elif self._last_output is None and options.first_output_timeout is not None:
            if elapsed >= options.first_output_timeout:
                self._stop(FIRST_OUTPUT_TIMEOUT, now)
        elif options.idle_timeout is not None and now - (self._last_output or self._start) >= options.idle_timeout:
            self._stop(IDLE_TIMEOUT, now)

    def _stop(self, reason: str, now: float) -> None:
        """Stop the command: INT to its group first when the options say so (TERM after their
        grace), else TERM now; KILL `kill_after` after TERM."""
        if self._stop_at is not None:
            return
        self.result.reason = reason
        self.result.stopped = True
        self._stop_at = now
        grace = self.options.interrupt_grace
        if grace > 0 and reason not in (SUCCESS, OUTPUT_CLOSED):
            self._term_at = now + grace
            self.result.signals.append("SIGINT")
            process.signal_group(self._pgid, signal.SIGINT)
        else:
            self._send_term(now)

    def _send_term(self, now: float, *, said: bool = True) -> None:
        """TERM to the group; `said`: in the result's signals (those the command itself got:
        not what is sent to what is left of its group after it ended)."""
        self._term_at = now
        self._term_sent = True
        if said:
            self.result.signals.append("SIGTERM")
        process.signal_group(self._pgid, signal.SIGTERM)

    def _kill(self, *, said: bool = True) -> bool:
        self._killed = True
        sent = process.signal_group(self._pgid, signal.SIGKILL)
        if sent and said:
            self.result.signals.append("SIGKILL")
        return sent

    def _finish_group(self) -> None:
        """After the command ended: make sure nothing of its group is left. What is left after an
        interrupt gets the rest of its grace, then TERM; stragglers that ignored TERM get KILL
        `kill_after` later."""
        if self._stop_at is not None and not self._term_sent and self._term_at is not None:
            while process.group_alive(self._pgid) and time.monotonic() < self._term_at:
                time.sleep(0.02)
            if not process.group_alive(self._pgid):
                return
            self._send_term(time.monotonic(), said=False)
        term_at = self._term_at if self._term_at is not None else time.monotonic()
        grace_end = term_at + self.options.kill_after
        while process.group_alive(self._pgid) and time.monotonic() < grace_end:
            time.sleep(0.02)
        if process.group_alive(self._pgid) and self._kill(said=False):
            deadline = time.monotonic() + 1.0
            while process.group_alive(self._pgid) and time.monotonic() < deadline:
                time.sleep(0.01)

    # -- signals --------------------------------------------------------------------------------

    def _install_signals(self) -> dict[int, signal._HANDLER]:
        previous: dict[int, signal._HANDLER] = {}

        def remember(signum: int, _frame: object) -> None:
            self._signals.append(signum)

        for signum in (*process.SIGNALS_PASSED_ON, signal.SIGCHLD):
            previous[signum] = signal.signal(signum, remember)
        return previous

    def _handle_signals(self, now: float, reaped: bool) -> None:
        received, self._signals = self._signals, []
        for signum in received:
            if signum == signal.SIGCHLD:
                continue
            if reaped:
                continue
            self._interrupts += 1
            if self._interrupts == 1:
                if self._stop_at is None:
                    self.result.reason = INTERRUPTED
                process.signal_group(self._pgid, signum)
            elif self._interrupts == 2:
                if self._stop_at is None:
                    self._stop_at = now
                self._send_term(now)
            else:
                self._kill()

    def _terminal_size(self) -> bytes | None:
        if not self.options.use_pty:
            return None
        return process.terminal_size(self.out_fds["stdout"]) or process.default_size()

    # -- output ---------------------------------------------------------------------------------

    def _output(self, stream: _Stream, data: bytes, now: float) -> None:
        self.kept[stream.name].add(data)
        if self._output_ok:
            try:
                _write_all(stream.out_fd, data)
            except BrokenPipeError:
                self._output_ok = False
                self._stop(OUTPUT_CLOSED, now)
        stats = stream.stats
        stats.bytes += len(data)
        newlines = data.count(b"\n")
        stats.lines += newlines
        stats.ends_newline = data[-1] == 10
        result = self.result
        if self._last_output is None:
            result.first_output = now - self._start
        else:
            self._silence(self._last_output, now)
        self._last_output = now
        if self._after_until is not None:
            self._after_left -= newlines
        stream.last_read = now
        if not stream.watch and not self._context:
            return
        if stream.pending:
            data = stream.pending + data
        cut = data.rfind(b"\n")
        if cut >= 0:
            self._scan(stream, data[: cut + 1], now, counted=True)
            data = data[cut + 1 :]
            stream.partial_tried = (0, False)
        if len(data) > MAX_PENDING:  # a huge line or binary: matched in pieces, never kept whole
            stream.pending = b""
            self._scan(stream, data + b"\n", now, counted=False)
        else:
            stream.pending = data
            if data and self.partial_matcher is not None:
                self._match_partial(stream, now, quiet=False)

    def _partial_open(self, stream: _Stream) -> bool:
        """Whether the stream's unfinished line may be matched now: one is there, watched, short
        enough, not matched yet, and nothing has stopped matching."""
        return (
            bool(stream.pending)
            and stream.watch
            and not stream.matched_partial
            and len(stream.pending) <= PARTIAL_MAX
            and self._stop_at is None
            and self._after_until is None
        )

    def _partial_due(self, stream: _Stream) -> bool:
        """Whether the stream's unfinished line is still to be matched at a pause (once per state of
        it: a line left unfinished, a prompt waiting for input, never wakes the loop again)."""
        return self._partial_open(stream) and stream.partial_tried != (len(stream.pending), True)

    def _match_partial(self, stream: _Stream, now: float, *, quiet: bool) -> None:
        """Match the unfinished line: against the progress patterns as it grows, against every
        pattern once it has paused (each state of it once)."""
        pending = stream.pending
        if not self._partial_open(stream) or stream.partial_tried == (len(pending), quiet):
            return
        matcher = self.matcher if quiet else self.partial_matcher
        stream.partial_tried = (len(pending), quiet)
        if matcher is None:
            return
        text = strip_codes(pending + b"\n")
        if matcher.hits(text):
            stream.matched_partial = True
            self._match(stream, text, now, matcher)

    def _close_stream(self, stream: _Stream, now: float) -> None:
        stats = stream.stats
        if stats.bytes and not stats.ends_newline:
            stats.lines += 1  # the last line, without a newline
        if stream.pending:
            pending, stream.pending = stream.pending, b""
            self._scan(stream, pending + b"\n", now, counted=True)

    def _silence(self, since: float, now: float) -> None:
        gap = now - since
        result = self.result
        if gap > result.longest_idle:
            result.longest_idle = gap
        if gap >= IDLE_MIN:
            result.idle_count += 1
            result.idle_periods.append((since - self._start, gap))

    def _finish_idle(self) -> None:
        result = self.result
        if self._last_output is not None:
            end = self._start + result.duration
            if end > self._last_output:
                self._silence(self._last_output, end)
        result.idle_periods.sort(key=lambda period: -period[1])
        del result.idle_periods[IDLE_KEPT:]

    def _scan(self, stream: _Stream, block: bytes, now: float, *, counted: bool) -> None:
        """Match the whole lines of `block` (it ends with a newline); `counted`: its newlines
        are real line ends (not a piece of an over-long line)."""
        text = strip_codes(block)
        if b"\r\n" in text:  # CRLF line ends: the CR is not part of the line (RE2's $ would not see past it)
            text = text.replace(b"\r\n", b"\n")
        if self._context:
            self._add_context(stream, text)
        skip = 0
        if stream.matched_partial and counted:
            skip = text.find(b"\n") + 1  # its first line was matched while it was being written
            stream.matched_partial = False
            stream.lines_done += 1
        if stream.watch and self._stop_at is None and self._after_until is None and skip < len(text):
            if self.patterns:
                self._match(stream, text[skip:], now)
            if self.options.max_repeat and self._stop_at is None:
                self._repeats(stream, text, now)
        if counted:
            stream.lines_done += text.count(b"\n", skip)
        tail = lines_before(text, len(text), CONTEXT_BEFORE)
        stream.recent = (stream.recent + tail)[-CONTEXT_BEFORE:] if len(tail) < CONTEXT_BEFORE else tail

    def _match(self, stream: _Stream, text: bytes, now: float, matcher: Matcher | None = None) -> None:
        result = self.result
        options = self.options
        counted_to, line_number = 0, stream.lines_done
        for hit in (matcher or self.matcher).hits(text):
            line_number += text.count(b"\n", counted_to, hit.start)
            counted_to = hit.start
            before = lines_before(text, hit.start, CONTEXT_BEFORE)
            if len(before) < CONTEXT_BEFORE:
                before = (stream.recent + before)[-CONTEXT_BEFORE:]
            event = MatchEvent(
                hit.kind,
                hit.patterns[0],
                stream.name,
                line_number + 1,
                now - self._start,
                line_text(text[hit.start : hit.end]),
                [line_text(line) for line in before],
            )
            result.matches.append(event)
            for pattern in hit.patterns:
                key = (hit.kind, pattern)
                result.pattern_counts[key] = result.pattern_counts.get(key, 0) + 1
            if result.first_match is None:
                result.first_match = event.offset
            if hit.kind == "success":
                self._stop(SUCCESS, now)
                return
            if not self._errors:
                for kept in self.kept.values():
                    kept.mark()
            self._context.append((event, stream))
            rest = text[hit.end + 1 :]
            self._add_context(stream, rest, only=event)
            self._errors += 1
            if self._errors >= options.max_count:
                self._after_until = now + options.after_seconds
                self._after_left = options.after_lines - rest.count(b"\n")
                if options.after_seconds <= 0 or self._after_left <= 0:
                    self._stop(ERROR, now)
                return

    def _add_context(self, stream: _Stream, text: bytes, only: MatchEvent | None = None) -> None:
        """Give the matches still collecting context the lines of `text` (their own stream only)."""
        lines: list[bytes] | None = None
        keep: list[tuple[MatchEvent, _Stream]] = []
        for event, source in self._context:
            if source is stream and (only is None or event is only):
                if lines is None:
                    lines = text.split(b"\n", CONTEXT_AFTER)[:-1]  # whole lines only, at most CONTEXT_AFTER
                room = CONTEXT_AFTER - len(event.after)
                event.after.extend(line_text(line) for line in lines[:room])
            if len(event.after) < CONTEXT_AFTER:
                keep.append((event, source))
        self._context = keep

    def _repeats(self, stream: _Stream, text: bytes, now: float) -> None:
        limit = self.options.max_repeat or 0
        last, count = stream.repeat
        number = stream.lines_done
        for line in text.split(b"\n")[:-1]:
            number += 1
            if line == last and line.strip():
                count += 1
                if count >= limit:
                    self.result.matches.append(
                        MatchEvent(
                            "repeat",
                            f"the same line {limit} times in a row",
                            stream.name,
                            number,
                            now - self._start,
                            line_text(line),
                            [],
                        )
                    )
                    stream.repeat = (line, count)
                    self._stop(MAX_REPEAT, now)
                    return
            else:
                last, count = line, 1
        stream.repeat = (last, count)


def supervise(options: RunOptions, *, env: Mapping[str, str] | None = None) -> RunResult:
    """Run the command of `options` to its end (or until stopped); PatternError on a bad pattern."""
    return Supervisor(options, env=env).run()


__all__ = ["EXIT", "Supervisor", "supervise"]
