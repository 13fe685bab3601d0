"""`lessonloop run` benchmark: a command printing 200,000 lines, run directly and through
`lessonloop run` (telemetry on, an error pattern and a profile to match), side by side; and the
cost of recording a run in the store.

The command is a Python script printing 200,000 lines shaped like pytest's verbose output (about
70 bytes each, 14 MB), none of which matches the error patterns, so every line is read, passed on
and matched to the end.

Wall time, whole processes, interleaved round-robin with the order rotated each round (the
machine is noisy; only ratios measured side by side mean something):
  terminal  the command's output on a terminal (a pseudo-terminal this script drains):
              direct       the command itself
              run          lessonloop run --profile pytest -e ... -- the command
  pipe      the output on a pipe (how an agent's shell tool runs commands):
              direct       the command itself (Python then writes in 8 KiB blocks)
              run_pipes    lessonloop run --pipes ... (the command also writes to a pipe)
              run          lessonloop run ... (the command gets a terminal and writes line by
                           line, so an error is seen when printed: the price of that is shown)
Target: run / direct <= 1.3 on a terminal.

Recording (in one process, a store already holding 1,000 runs): `record_run` of a run with 3
error matches (5 lines before, 20 after each), its patterns and findings, in one transaction,
against a baseline of one single-row INSERT transaction on the same connection; and the whole
`pipeline.run_recording.record` (configuration, project, normalized command, findings, connection,
transaction).

Run: `.venv/bin/python benchmarks/runner_bench.py [--rounds N] [--lines N] [--json]`.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_RATIO = 1.3
GENERATOR = """\
import sys
n = int(sys.argv[1])
for i in range(n):
    print(f"tests/test_module_{i % 97}.py::test_case_{i} PASSED{' ' * (i % 7)} [{i * 100 // n:3d}%]")
"""
PATTERNS = ["-e", "Traceback \\(most recent call last\\)", "-e", "^E   "]


def _drain_terminal(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run `argv` with stdout and stderr on a new pseudo-terminal, read it all; (seconds, bytes)."""
    import termios

    master, slave = os.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    total = 0
    while True:
        try:
            data = os.read(master, 65536)
        except OSError as exc:
            if exc.errno != errno.EIO:
                raise
            break
        if not data:
            break
        total += len(data)
    process.wait()
    elapsed = time.perf_counter() - started
    os.close(master)
    return elapsed, total


def _drain_pipe(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
    )
    assert process.stdout is not None
    total = 0
    while data := os.read(process.stdout.fileno(), 65536):
        total += len(data)
    process.wait()
    return time.perf_counter() - started, total


def wall_times(lines: int, rounds: int, db: Path) -> dict[str, Any]:
    generator = Path(db.parent / "generate.py")
    generator.write_text(GENERATOR)
    command = [sys.executable, str(generator), str(lines)]
    run = [sys.executable, "-m", "lessonloop", "run", "--profile", "pytest", *PATTERNS, "--"]
    drop = ("PYTHONUNBUFFERED", "LESSONLOOP_NO_TELEMETRY", "PYTHONDONTWRITEBYTECODE")  # cached bytecode, as installed
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["LESSONLOOP_DB"] = str(db)
    contenders = {
        "terminal/direct": (_drain_terminal, command),
        "terminal/run": (_drain_terminal, run + command),
        "pipe/direct": (_drain_pipe, command),
        "pipe/run_pipes": (_drain_pipe, [*run[:4], "--pipes", *run[4:], *command]),
        "pipe/run": (_drain_pipe, run + command),
    }
    _drain_pipe(run + command, env)  # warm up: creates the store, fills the page cache
    times: dict[str, list[float]] = {name: [] for name in contenders}
    sizes: dict[str, int] = {}
    names = list(contenders)
    for index in range(rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            drain, argv = contenders[name]
            elapsed, size = drain(argv, env)
            times[name].append(elapsed)
            sizes[name] = size
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "lines": lines,
        "rounds": rounds,
        "bytes": sizes,
        "median_seconds": {name: round(value, 4) for name, value in medians.items()},
        "ratios": {
            "terminal": round(medians["terminal/run"] / medians["terminal/direct"], 3),
            "pipe_with_pipes": round(medians["pipe/run_pipes"] / medians["pipe/direct"], 3),
            "pipe_with_terminal": round(medians["pipe/run"] / medians["pipe/direct"], 3),
        },
    }


def _result() -> Any:
    from lessonloop.core.timestamps import utc_now
    from lessonloop.runs.runner.result import MatchEvent, RunOptions, RunResult

    options = RunOptions(["pytest", "-x", "tests/test_api.py"], error=["^FAILED ", "^E   "], exclude=["xfail"])
    result = RunResult(options, "/home/dev/project", utc_now())
    result.duration, result.first_output, result.first_match = 12.5, 0.4, 9.1
    result.reason, result.status, result.child_status, result.stopped = "error", 1, -15, True
    result.stdout.lines, result.stdout.bytes = 420, 31000
    result.idle_periods = [(3.0, 1.5), (7.2, 1.1)]
    result.idle_count, result.longest_idle = 2, 1.5
    for number in range(3):
        event = MatchEvent(
            "error",
            "^FAILED ",
            "stdout",
            400 + number,
            9.1 + number,
            f"FAILED tests/test_api.py::test_case_{number} - AssertionError: assert 1 == 2",
            [f"tests/test_api.py:{10 + i}: in test_case_{number}" for i in range(5)],
        )
        event.after = [f"E   assert {i} == {i + 1}" for i in range(20)]
        result.matches.append(event)
    result.pattern_counts = {("error", "^FAILED "): 3}
    return result


def recording(samples: int, db: Path) -> dict[str, Any]:
    from lessonloop.runs.recording import record
    from lessonloop.runs.store.writer import open_for_recording, record_run

    result = _result()
    conn = open_for_recording(str(db))
    conn.execute("CREATE TABLE IF NOT EXISTS bench_baseline (id INTEGER PRIMARY KEY, x TEXT)")
    for _ in range(1000):
        record_run(conn, result, command="pytest -x tests/test_api.py", command_norm="pytest -x <path>", project=None)
    baseline: list[float] = []
    writes: list[float] = []
    whole: list[float] = []
    for _ in range(samples):
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO bench_baseline (x) VALUES (?)", ("one row",))
        conn.execute("COMMIT")
        baseline.append(time.perf_counter() - started)
        started = time.perf_counter()
        record_run(conn, result, command="pytest -x tests/test_api.py", command_norm="pytest -x <path>", project=None)
        writes.append(time.perf_counter() - started)
        started = time.perf_counter()
        record(result, str(db))
        whole.append(time.perf_counter() - started)
    conn.close()
    medians = {
        name: statistics.median(values)
        for name, values in (("baseline", baseline), ("record_run", writes), ("record", whole))
    }
    return {
        "samples": samples,
        "median_ms": {name: round(value * 1000, 3) for name, value in medians.items()},
        "ratios": {
            "record_run_to_baseline": round(medians["record_run"] / medians["baseline"], 2),
            "record_to_baseline": round(medians["record"] / medians["baseline"], 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds of every contender (default 7)")
    parser.add_argument("--lines", type=int, default=200_000, help="lines the command prints (default 200,000)")
    parser.add_argument("--samples", type=int, default=300, help="recordings timed (default 300)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lessonloop-runner-bench-") as folder:
        os.environ["LESSONLOOP_CONFIG"] = str(Path(folder) / "config.toml")
        walls = wall_times(args.lines, args.rounds, Path(folder) / "wall.db")
        records = recording(args.samples, Path(folder) / "record.db")
    report = {"wall": walls, "recording": records, "target_ratio": TARGET_RATIO}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{walls['lines']:,} lines, {walls['rounds']} rounds, median seconds:")
    for name, value in walls["median_seconds"].items():
        print(f"  {name:<20} {value:8.3f}")
    ratios = walls["ratios"]
    verdict = "met" if ratios["terminal"] <= TARGET_RATIO else "NOT met"
    print(f"terminal: run / direct = {ratios['terminal']:.3f} (target <= {TARGET_RATIO}: {verdict})")
    print(
        f"pipe: run --pipes / direct = {ratios['pipe_with_pipes']:.3f}; run (terminal for the command) / direct = {ratios['pipe_with_terminal']:.3f}"
    )
    print(f"recording, {records['samples']} samples, median ms: {records['median_ms']}; ratios {records['ratios']}")


if __name__ == "__main__":
    main()
