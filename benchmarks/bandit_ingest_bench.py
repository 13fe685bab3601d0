"""What bandit costs an ingest (issue 28): `lessonloop ingest --db NEW --no-progress FOLDER` with the
default (bandit off) beside `--bandit`, interleaved (order swapped each round), each into a fresh
store, after one warm-up of each.

The corpus folder (default ../shared/corpus/aider/aider-dev) is copied into a temporary folder
first; the CLI runs as its own process (`python -m lessonloop`, the PYTHONPATH of this one) with a
configuration file of its own (absent: every default) and no embedding model. Figures: the median
wall-clock seconds of each, and the ratio --bandit / default; the analysis line of each run's
`--json` is checked (bandit off, then on, every session analyzed).

Run: `PYTHONPATH=src .venv/bin/python benchmarks/bandit_ingest_bench.py [--rounds 5] [--corpus DIR] [--json]`.
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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "aider" / "aider-dev"
VARIANTS = {"default": [], "--bandit": ["--bandit"]}


def one_ingest(
    work: Path, folder: Path, extra: list[str], env: dict[str, str], n: int
) -> tuple[float, dict[str, object]]:
    db = work / f"{n}.db"
    cmd = [
        sys.executable,
        "-m",
        "lessonloop",
        "ingest",
        "--db",
        str(db),
        "--no-progress",
        "--json",
        *extra,
        str(folder),
    ]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr}")
    for leftover in work.glob(f"{db.name}*"):
        leftover.unlink()
    analysis: dict[str, object] = json.loads(done.stdout)["analysis"]
    return seconds, analysis


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus absent: {args.corpus}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / args.corpus.name
        shutil.copytree(args.corpus, folder)
        env = dict(os.environ, LESSONLOOP_CONFIG=str(work / "config.toml"), LESSONLOOP_EMBEDDINGS="none")
        env.pop("LESSONLOOP_BANDIT", None)
        times: dict[str, list[float]] = {name: [] for name in VARIANTS}
        counter = iter(range(10**9))
        for name, extra in VARIANTS.items():  # warm-up
            _, analysis = one_ingest(work, folder, extra, env, next(counter))
            assert analysis["bandit"] is (name == "--bandit"), analysis
            assert analysis["analyzed"] == analysis["sessions"], analysis
        for round_no in range(args.rounds):
            order = list(VARIANTS) if round_no % 2 == 0 else list(reversed(VARIANTS))
            for name in order:
                seconds, _ = one_ingest(work, folder, VARIANTS[name], env, next(counter))
                times[name].append(seconds)
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["--bandit"] / medians["default"]
    if args.json:
        print(json.dumps({"corpus": str(args.corpus), "seconds": times, "medians": medians, "ratio": ratio}))
    else:
        for name, values in times.items():
            shown = ", ".join(f"{v:.2f}" for v in values)
            print(f"{name:<10} median {medians[name]:.2f} s  ({shown})")
        print(f"--bandit / default: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
