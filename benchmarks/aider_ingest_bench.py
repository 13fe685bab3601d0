"""Aider adapter ingest speed beside the Claude Code adapter's (issue 13: at least as many MB/s).

In one process (interpreter startup and imports cancel out), each round runs the capture ingest
the CLI does, without analysis or learning (`discover` of the folder, then `ingest` into a fresh
store), of the Aider corpus (../shared/corpus/aider/aider-dev: one 4 MB chat history) and of
Claude Code's spotter corpus, alternating, order swapped each round, after one warm-up of each.
MB/s = bytes read / seconds of discover + ingest (wall clock, and the process's CPU time: on a
machine shared with other work the CPU figure is the steadier); the median over the rounds; the
ratio is Aider / Claude Code. With --profile, one Aider ingest under cProfile instead (top functions).

Both corpora are copied into a temporary folder first (../shared/corpus stays read-only).

Run: `.venv/bin/python benchmarks/aider_ingest_bench.py [--rounds 7] [--json] [--profile]`.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lessonloop.pipeline.ingest import discover, ingest
from lessonloop.store import open_store

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
CORPORA = {"aider/aider-dev": CORPUS / "aider" / "aider-dev", "claude-code/spotter": CORPUS / "claude-code" / "spotter"}


def one_ingest(folder: Path, db: Path) -> tuple[int, float, float]:
    """Bytes read, wall and CPU seconds of discover + ingest into a fresh store at `db`."""
    started, cpu = time.perf_counter(), time.process_time()
    sources, summary = discover([str(folder)])
    conn = open_store(db)
    try:
        done = ingest(conn, sources, summary)
    finally:
        conn.close()
    return done.bytes_read, time.perf_counter() - started, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", action="store_true", help="profile one Aider ingest instead")
    args = parser.parse_args()
    missing = [str(path) for path in CORPORA.values() if not path.is_dir()]
    if missing:
        print(f"corpus absent: {', '.join(missing)}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folders: dict[str, Path] = {}
        for name, source in CORPORA.items():
            folders[name] = work / "corpus" / name
            shutil.copytree(source, folders[name])
        counter = iter(range(10**9))

        def run(name: str) -> tuple[int, float, float]:
            db = work / f"{next(counter)}.db"
            try:
                return one_ingest(folders[name], db)
            finally:
                for leftover in work.glob(f"{db.name}*"):
                    leftover.unlink()

        if args.profile:
            run("aider/aider-dev")  # warm-up
            profiler = cProfile.Profile()
            profiler.enable()
            run("aider/aider-dev")
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            return 0
        names = list(folders)
        for name in names:
            run(name)  # warm-up: imports, compiled regexes, the page cache
        walls: dict[str, list[float]] = {name: [] for name in names}
        cpus: dict[str, list[float]] = {name: [] for name in names}
        sizes: dict[str, int] = {}
        for round_no in range(args.rounds):
            for name in names if round_no % 2 == 0 else names[::-1]:
                nbytes, wall, cpu = run(name)
                sizes[name] = nbytes
                walls[name].append(nbytes / 1e6 / wall)
                cpus[name].append(nbytes / 1e6 / cpu)
    report = {
        name: {
            "mb": round(sizes[name] / 1e6, 2),
            "mb_per_s": round(statistics.median(walls[name]), 1),
            "mb_per_cpu_s": round(statistics.median(cpus[name]), 1),
        }
        for name in names
    }
    aider, claude = report["aider/aider-dev"], report["claude-code/spotter"]
    ratios = {
        "wall": round(aider["mb_per_s"] / claude["mb_per_s"], 2),
        "cpu": round(aider["mb_per_cpu_s"] / claude["mb_per_cpu_s"], 2),
    }
    if args.json:
        print(json.dumps({"corpora": report, "ratio_aider_to_claude_code": ratios}, indent=2))
        return 0
    print(f"discover + ingest into a fresh store, one process, median of {args.rounds} rounds:")
    print("| corpus | MB | MB/s (wall) | MB/s (CPU) |")
    print("|---|---:|---:|---:|")
    for name, row in report.items():
        print(f"| {name} | {row['mb']:.2f} | {row['mb_per_s']:.1f} | {row['mb_per_cpu_s']:.1f} |")
    print(f"Aider / Claude Code: {ratios['wall']:.2f}x (wall), {ratios['cpu']:.2f}x (CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
