"""The command line's start, two source trees, A/B: the whole-process time of the same commands
(`--help`, a command's help, a small command that answers without a store) from each tree,
alternating round by round (the order flipped every other round), the first round a warm-up.
Issue 45 split each command into its parser and its handler module: this shows what `--help`
and a command pay before and after.

Run: `env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/cli_ab_bench.py --before SRC
[--src SRC] [--rounds 20] [--case 'stats --json --db X' ...]` (SRC: a folder holding lessonloop/, e.g. a `git archive` of a commit's
src/; bytecode is written on the warm-up round, so that neither tree compiles while timed).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASES = (
    ("--help",),
    ("sessions", "--help"),
    ("lessons", "--help"),
    ("team", "--help"),
    ("glossary", "--json", "confidence"),
    ("config", "path"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--before", required=True, type=Path, help="the source tree to compare with (holds lessonloop/)"
    )
    parser.add_argument("--src", type=Path, default=REPO / "src", help="this tree's source (default: src/)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--case",
        action="append",
        default=[],
        help="a command to time in place of the usual ones (its words in one string: 'stats --json --db "
        "X'), run in its own process without the hook server (LESSONLOOP_HOOK_SERVER=0); repeatable",
    )
    args = parser.parse_args(argv)
    trees = {"before": args.before.resolve(), "after": args.src.resolve()}
    cases = tuple(tuple(shlex.split(case)) for case in args.case) or CASES
    extra = {"LESSONLOOP_HOOK_SERVER": "0"} if args.case else {}
    times: dict[tuple[str, tuple[str, ...]], list[float]] = {(t, c): [] for t in trees for c in cases}
    for round_ in range(args.rounds + 1):
        for case in cases:
            order = list(trees.items()) if round_ % 2 else list(reversed(trees.items()))
            for name, src in order:
                env = {**os.environ, "PYTHONPATH": str(src), "LESSONLOOP_CONFIG": os.devnull, **extra}
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "lessonloop", *case], env=env, capture_output=True, check=False)
                if round_:  # the first round writes the bytecode
                    times[(name, case)].append(time.perf_counter() - started)
    print("| command | before (ms) | after (ms) | after / before |\n|---|---:|---:|---:|")
    for case in cases:
        before = statistics.median(times[("before", case)]) * 1000
        after = statistics.median(times[("after", case)]) * 1000
        print(f"| `lessonloop {' '.join(case)}` | {before:.1f} | {after:.1f} | {after / before:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
