"""Analysis benchmark (issue 3): what analysis adds to ingesting the spotter corpus.

Measured side by side, interleaved round-robin with the order rotated every round:

In one process (interpreter start-up and imports cancel out):
- ingest:   discover + ingest() of the corpus into a fresh store, without analysis
- analyze:  analyze_store(force=True) over that store right after: every session analyzed
- unchanged: analyze_store() again on the same store: every session skipped as unchanged

Whole processes (what a user waits for):
- `lessonloop ingest --no-analyze` into a fresh store, against `lessonloop ingest` (analysis
  included) into another fresh store.

Python bytecode is cached under benchmarks/.cache/pycache for the whole-process runs (the warm-up
run fills it), as an installed package has its .pyc files.

Targets: analyze <= 0.5x ingest (analysis adds at most 50%), both in-process and whole-process;
re-analysis of unchanged sessions is skipped (the `unchanged` pass analyzes 0 sessions).
bandit is left out (--no-bandit): the corpus has no Python edits, and it is an external scanner.

Run: `.venv/bin/python benchmarks/analysis_bench.py [--corpus PATH] [--rounds N] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "claude-code" / "spotter"
TARGET = 0.5


@dataclass
class Series:
    name: str
    times: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def lessonloop_cmd() -> list[str]:
    script = Path(sys.executable).parent / "lessonloop"
    return [str(script)] if script.exists() else [sys.executable, "-m", "lessonloop"]


def in_process(corpus: Path, rounds: int, workdir: Path) -> dict[str, Any]:
    from lessonloop.pipeline.analysis import analyze_store
    from lessonloop.pipeline.ingest import discover, ingest
    from lessonloop.store import open_store

    ingest_s, analyze_s, unchanged_s = Series("ingest"), Series("analyze"), Series("unchanged")
    counts: dict[str, int] = {}
    n = [0]

    def one_round(record: bool) -> None:
        n[0] += 1
        db = workdir / f"inproc-{n[0]}.db"
        conn = open_store(db)
        try:
            t0 = time.perf_counter()
            sources, summary = discover([str(corpus)])
            ingest(conn, sources, summary)
            t1 = time.perf_counter()
            first = analyze_store(conn, force=True, bandit=False)
            t2 = time.perf_counter()
            again = analyze_store(conn, bandit=False)
            t3 = time.perf_counter()
        finally:
            conn.close()
        if again.analyzed != 0 or first.analyzed == 0:
            raise SystemExit(f"unexpected: first pass analyzed {first.analyzed}, second {again.analyzed}")
        counts.update(sessions=first.analyzed, skipped_second_pass=again.skipped)
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        if record:
            ingest_s.times.append(t1 - t0)
            analyze_s.times.append(t2 - t1)
            unchanged_s.times.append(t3 - t2)

    one_round(False)  # warm-up: imports, caches
    for _ in range(rounds):
        one_round(True)
    return {
        "ingest_median_s": round(ingest_s.median, 4),
        "analyze_median_s": round(analyze_s.median, 4),
        "unchanged_median_s": round(unchanged_s.median, 4),
        "analyze_vs_ingest": round(analyze_s.median / ingest_s.median, 3),
        "unchanged_vs_ingest": round(unchanged_s.median / ingest_s.median, 4),
        **counts,
    }


def whole_process(corpus: Path, rounds: int, workdir: Path) -> dict[str, Any]:
    base = lessonloop_cmd()
    # An installed package has its bytecode: cache it outside the sources, as ingest_bench.py does.
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(REPO / "benchmarks" / ".cache" / "pycache")
    plain, analyzed = Series("ingest --no-analyze"), Series("ingest")
    n = [0]

    def run(extra: list[str], series: Series, record: bool) -> None:
        n[0] += 1
        folder = workdir / f"proc-{n[0]}"
        folder.mkdir()
        cmd = [*base, "ingest", "--db", str(folder / "s.db"), "--json", "--no-progress", "--no-bandit", *extra]
        started = time.perf_counter()
        proc = subprocess.run([*cmd, str(corpus)], capture_output=True, env=env, check=False)
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode(errors='replace')[-1000:]}")
        out = json.loads(proc.stdout)
        if ("analysis" in out) == ("--no-analyze" in extra):
            raise SystemExit("the analysis summary is missing or unexpected in the ingest output")
        shutil.rmtree(folder)
        if record:
            series.times.append(elapsed)

    contenders: list[Callable[[bool], None]] = [
        lambda record: run(["--no-analyze"], plain, record),
        lambda record: run([], analyzed, record),
    ]
    for fn in contenders:
        fn(False)
    for r in range(rounds):
        for fn in contenders[r % 2 :] + contenders[: r % 2]:
            fn(True)
    added = analyzed.median / plain.median - 1.0
    return {
        "ingest_no_analyze_median_s": round(plain.median, 4),
        "ingest_with_analysis_median_s": round(analyzed.median, 4),
        "with_vs_without": round(analyzed.median / plain.median, 3),
        "added_fraction": round(added, 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="lessonloop-analysis-bench-") as tmp:
        inproc = in_process(args.corpus, args.rounds, Path(tmp))
        proc = whole_process(args.corpus, args.rounds, Path(tmp))
    report = {
        "rounds": args.rounds,
        "in_process": inproc,
        "whole_process": proc,
        "target_added_fraction": TARGET,
        "met_in_process": inproc["analyze_vs_ingest"] <= TARGET,
        "met_whole_process": proc["added_fraction"] <= TARGET,
        "unchanged_skipped": inproc["skipped_second_pass"] == inproc["sessions"],
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"in-process: analysis {inproc['analyze_median_s'] * 1000:.1f} ms vs ingest "
            f"{inproc['ingest_median_s'] * 1000:.1f} ms = {inproc['analyze_vs_ingest']:.3f}x (target <= {TARGET}x)"
        )
        print(
            f"in-process: unchanged re-analysis {inproc['unchanged_median_s'] * 1000:.2f} ms "
            f"= {inproc['unchanged_vs_ingest']:.4f}x ingest; {inproc['skipped_second_pass']}/{inproc['sessions']} skipped"
        )
        print(
            f"whole process: ingest {proc['ingest_with_analysis_median_s']:.3f} s vs --no-analyze "
            f"{proc['ingest_no_analyze_median_s']:.3f} s: analysis adds {proc['added_fraction']:.1%} (target <= 50%)"
        )
    return 0 if report["met_in_process"] and report["met_whole_process"] else 1


if __name__ == "__main__":
    sys.exit(main())
