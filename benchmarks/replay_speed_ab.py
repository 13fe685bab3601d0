"""A full learning run over one store (replay: the history loaded, every call decided and learned
from), this tree against another tree's src/, interleaved, median of the rounds (issue 80: what
reading each call as its agent's hook hands it costs learning).

Run: `.venv/bin/python benchmarks/replay_speed_ab.py --before /tmp/before80/src --db STORE [--rounds 3]`
(the store is only read).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "src"
CODE = (
    "import sys, time; from pathlib import Path; from lessonloop.store import open_store; "
    "from lessonloop.learning.runs.loaded_history import load_replay_history; "
    "from lessonloop.learning.engine.replay import replay; "
    "c = open_store(Path(sys.argv[1])); t = time.perf_counter(); replay(load_replay_history(c)); "
    "print(time.perf_counter() - t)"
)


def once(src: str, db: str) -> float:
    env = {**os.environ, "PYTHONPATH": src, "LESSONLOOP_EMBEDDINGS": "none"}
    done = subprocess.run([sys.executable, "-c", CODE, db], env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--before", required=True, help="the other tree's src/ folder")
    parser.add_argument("--db", required=True, help="a store with sessions ingested")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"before": [], "now": []}
    contenders = [("before", args.before), ("now", str(HERE))]
    for n in range(args.rounds):
        for name, src in contenders if n % 2 == 0 else contenders[::-1]:
            times[name].append(once(src, args.db))
    for name, values in times.items():
        print(f"{name}: {', '.join(f'{v:.2f}' for v in values)} s, median {statistics.median(values):.2f} s")
    print(f"ratio now / before: {statistics.median(times['now']) / statistics.median(times['before']):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
