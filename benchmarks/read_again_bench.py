"""A read with nothing new, now against an earlier version side by side: `lessonloop ingest
--no-analyze --json` with no path, in a HOME holding a corpus where its agent keeps it, into a store
that already holds it (what every later read costs: discovery of every agent's places, the stamps
of the files, nothing to read). Each round runs this checkout's src/ and `--before-src` (the src/ of
an earlier commit: `git archive COMMIT src | tar -x -C /tmp/before`) in turn, the order alternated,
after one warm-up run of each; both with their bytecode kept (benchmarks/.cache/pycache).

Run: `.venv/bin/python benchmarks/read_again_bench.py --before-src /tmp/before/src [--rounds 20]
[--corpus ../shared/corpus/claude-code/spotter]`
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPOTTER = ROOT.parent / "shared" / "corpus" / "claude-code" / "spotter"


def _env(src: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(ROOT / "benchmarks" / ".cache" / "pycache")
    return {**env, "PYTHONPATH": str(src), "HOME": str(home)}


def _read(src: Path, home: Path, db: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--no-analyze", "--no-progress", "--json"],
        env=_env(src, home), check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before-src", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=SPOTTER, help="Claude Code transcripts (default: spotter)")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"no corpus at {args.corpus} (the ../shared folder is absent?)")
    work = Path(tempfile.mkdtemp(prefix="read-again-bench-"))
    try:
        home = work / "home"
        projects = home / ".claude" / "projects" / "-corpus"
        projects.mkdir(parents=True)
        for path in args.corpus.glob("*.jsonl"):
            shutil.copyfile(path, projects / path.name)
        sides = {"now": ROOT / "src", "before": args.before_src}
        stores = {name: work / f"{name}.db" for name in sides}
        times: dict[str, list[float]] = {name: [] for name in sides}
        for name, src in sides.items():
            _read(src, home, stores[name])  # the first ingest: the store holds the corpus
        for round_number in range(args.rounds + 1):
            order = ["now", "before"] if round_number % 2 else ["before", "now"]
            for name in order:
                elapsed = _read(sides[name], home, stores[name])
                if round_number:  # the first round warms up
                    times[name].append(elapsed)
        now, before = (statistics.median(times[name]) for name in ("now", "before"))
        print(f"read with nothing new, median of {args.rounds}: now {now * 1000:.0f} ms, before {before * 1000:.0f} ms")
        print(f"ratio {now / before:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
