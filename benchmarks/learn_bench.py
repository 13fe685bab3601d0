"""Learning benchmark (issue 4): what learning lessons adds to ingesting the spotter corpus, and
how long a replay takes.

Measured side by side, interleaved round-robin with the order rotated every round, after one
warm-up run of each:

Whole processes (what a user waits for):
- `lessonloop ingest --no-learn` into a fresh store, against `lessonloop ingest` (learning
  included) into another fresh store.

In one process, on a store that holds the analyzed corpus:
- load:   load_history() (every call, error class and correction, in time order)
- learn:  learn_store(force=True): load, the learner over the history, and saving the lessons
- replay: load_history() + replay() online

Python bytecode is cached under benchmarks/.cache/pycache for the whole-process runs.

Run: `.venv/bin/python benchmarks/learn_bench.py [--corpus PATH] [--rounds N] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "claude-code" / "spotter"


def lessonloop_cmd() -> list[str]:
    script = Path(sys.executable).parent / "lessonloop"
    return [str(script)] if script.exists() else [sys.executable, "-m", "lessonloop"]


def interleave(contenders: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run every contender once to warm up, then `rounds` times, rotating the order each round."""
    names = list(contenders)
    for name in names:
        contenders[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            times[name].append(contenders[name]())
    return times


def whole_process(corpus: Path, rounds: int, workdir: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(REPO / "benchmarks" / ".cache" / "pycache")}
    env["LESSONLOOP_CONFIG"] = str(workdir / "no-config.toml")
    counter = iter(range(10**6))

    def ingest(*extra: str) -> Callable[[], float]:
        def run() -> float:
            db = workdir / f"w{next(counter)}.db"
            started = time.perf_counter()
            subprocess.run(
                [*lessonloop_cmd(), "ingest", str(corpus), "--db", str(db), "--no-bandit", "--json", *extra],
                check=True,
                capture_output=True,
                env=env,
            )
            return time.perf_counter() - started

        return run

    times = interleave({"ingest --no-learn": ingest("--no-learn"), "ingest": ingest()}, rounds)
    base, learn = statistics.median(times["ingest --no-learn"]), statistics.median(times["ingest"])
    return {"ingest_no_learn_s": base, "ingest_s": learn, "ratio": learn / base}


def in_process(corpus: Path, rounds: int, workdir: Path) -> dict[str, Any]:
    from lessonloop.learning.engine.replay import replay
    from lessonloop.learning.runs import learn_store, load_history
    from lessonloop.pipeline.analysis import analyze_store
    from lessonloop.pipeline.ingest import discover, ingest
    from lessonloop.store import open_store

    conn = open_store(workdir / "inproc.db")
    sources, summary = discover([str(corpus)])
    ingest(conn, sources, summary, progress=None)
    analyze_store(conn, bandit=False)

    def timed(fn: Callable[[], object]) -> Callable[[], float]:
        def run() -> float:
            started = time.perf_counter()
            fn()
            return time.perf_counter() - started

        return run

    times = interleave(
        {
            "load": timed(lambda: load_history(conn)),
            "learn": timed(lambda: learn_store(conn, force=True)),
            "replay": timed(lambda: replay(load_history(conn))),
        },
        rounds,
    )
    calls = len(load_history(conn).events)
    conn.close()
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "tool_calls": calls,
        **{f"{name}_s": value for name, value in medians.items()},
        "learn_over_load": medians["learn"] / medians["load"],
        "replay_over_load": medians["replay"] / medians["load"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="lessonloop-learn-bench-") as folder:
        workdir = Path(folder)
        result = {"whole_process": whole_process(args.corpus, args.rounds, workdir)}
        result["in_process"] = in_process(args.corpus, args.rounds, workdir)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    wp, ip = result["whole_process"], result["in_process"]
    print(
        f"whole process: ingest {wp['ingest_s']:.3f} s vs ingest --no-learn {wp['ingest_no_learn_s']:.3f} s: {wp['ratio']:.3f}x"
    )
    print(
        f"in process ({ip['tool_calls']} calls): load {ip['load_s'] * 1000:.1f} ms, learn {ip['learn_s'] * 1000:.1f} ms "
        f"({ip['learn_over_load']:.2f}x load), replay {ip['replay_s'] * 1000:.1f} ms ({ip['replay_over_load']:.2f}x load)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
