"""What a command pays before it does anything: `lessonloop --version`, `--help` and a listing's
parse, against a bare interpreter (`python -c pass`) and the parser built whole, side by side in
fresh processes, interleaved round by round (medians).

Run: `.venv/bin/python benchmarks/cli_startup_bench.py [--rounds N]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "lessonloop --version": [sys.executable, "-m", "lessonloop", "--version"],
    "lessonloop --help": [sys.executable, "-m", "lessonloop", "--help"],
    "parser built whole (as before)": [
        sys.executable,
        "-c",
        "from lessonloop.cli import build_parser; build_parser().parse_args(['sessions', '--help'])",
    ],
    "parser of one command (sessions)": [
        sys.executable,
        "-c",
        "from lessonloop.cli import build_parser; build_parser('sessions').parse_args(['sessions', '--help'])",
    ],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.rounds):
        for name, command in CASES.items():
            started = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - started)
    base = statistics.median(times["python -c pass (baseline)"])
    print("| command | median | x bare interpreter |\n|---|---:|---:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median * 1000:.1f} ms | {median / base:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
