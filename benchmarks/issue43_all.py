"""Every figure of issue 43 measured again in one run, one benchmark after the other, with the
machine's load before and after each (issue 43, item 6): reads against ccusage 20 at 16 and 64
copies of claude-code/spotter, the refresh after nothing new, one new turn and one new day, the
first ingest against ccusage 17 at 1 and 16 copies, file prediction on a real 7.7k-commit
history, and every hook of every agent against the floor.

Each benchmark's own JSON is written to OUT/<name>.json (and its progress to OUT/<name>.log);
OUT/summary.json holds the commands, their load and their time. The figures are read from those
files into BENCHMARKS.md.

Run: `.venv/bin/python benchmarks/issue43_all.py [--out DIR] [--only NAME ...] [--quick]`
(`--quick`: fewer rounds, to try the run itself).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def benches(quick: bool, tree: Path) -> dict[str, list[str]]:
    rounds = {"reads": "7", "refresh": "5", "ingest1": "7", "ingest16": "3", "files": "2", "hooks": "3"}
    if quick:
        rounds = dict.fromkeys(rounds, "1")
    py = sys.executable
    return {
        "reads": [py, "benchmarks/reads_bench.py", "--scales", "16,64", "--rounds", rounds["reads"], "--json"],
        "refresh": [py, "benchmarks/refresh_bench.py", "--copies", "16", "--rounds", rounds["refresh"], "--json"],
        "ingest1": [py, "benchmarks/ingest_bench.py", "--rounds", rounds["ingest1"], "--json"],
        "ingest16": [py, "benchmarks/ingest_bench.py", "--scale", "16", "--rounds", rounds["ingest16"], "--json"],
        "files": [py, "benchmarks/file_prediction_speed_bench.py", "--history", "real", "--rounds", rounds["files"], "--json"],
        "hooks": [
            py, "benchmarks/hook_bench.py", "--every", "--rounds", rounds["hooks"], "--calls", "10",
            "--src", str(tree / "src"), "--json",
        ],
    }  # fmt: skip


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / ".cache" / "issue43")
    parser.add_argument("--only", nargs="*", default=None, help="these benchmarks only")
    parser.add_argument("--quick", action="store_true", help="one round each")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    summary: dict[str, object] = {"commit": commit.stdout.strip(), "cpus": os.cpu_count(), "runs": {}}
    runs: dict[str, object] = {}
    tree = args.out / "tree"  # the hooks run from a clean `git archive` of HEAD, as installed
    subprocess.run(["rm", "-rf", str(tree)], check=True)
    tree.mkdir()
    subprocess.run(f"git archive HEAD | tar -x -C {tree}", shell=True, cwd=REPO, check=True)
    for name, command in benches(args.quick, tree).items():
        if args.only and name not in args.only:
            continue
        env = dict(os.environ, PYTHONPATH=str(tree / "src")) if name == "hooks" else None
        before = load()
        print(f"{name}: {' '.join(command[1:])} (load {before})", file=sys.stderr, flush=True)
        started = time.perf_counter()
        with (args.out / f"{name}.json").open("w") as out, (args.out / f"{name}.log").open("w") as log:
            done = subprocess.run(command, cwd=REPO, stdout=out, stderr=log, check=False, env=env)
        runs[name] = {
            "command": " ".join(["python", *command[1:]]),
            "status": done.returncode,
            "seconds": round(time.perf_counter() - started, 1),
            "load_before": before,
            "load_after": load(),
        }
        print(f"  {runs[name]}", file=sys.stderr, flush=True)
    summary["runs"] = runs
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    return 0 if all(run["status"] == 0 for run in runs.values() if isinstance(run, dict)) else 1


if __name__ == "__main__":
    sys.exit(main())
