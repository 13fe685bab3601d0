"""File prediction's speed on a long history (issue 29): the first `files predict` of a
repository (the model learned from its whole history) and `files evaluate`, against `git log
--name-only` of the same history, measured side by side in one run.

The history is git_ingest_bench.realistic's (default 7,700 commits: code, translated docs,
vendored trees, renames), made once in a temporary folder and read with `lessonloop ingest
--git`. Each round runs, in rotated order, fresh processes of:

- baseline: `git log --name-only --format=%H` of the repository;
- predict: `lessonloop files predict TASK` on a copy of the store without a model (a first call:
  the model is learned from every commit, then saved);
- again: the same on the store the previous call saved the model in (a later call);
- evaluate: `lessonloop files evaluate --json` (the time-ordered evaluation, tuning included).

Medians over the rounds; ratio = contender / baseline. Targets (issue 29): predict under 10 s and
evaluate under 30 s on a 7.7k-commit history.

Run: `.venv/bin/python benchmarks/file_prediction_speed_bench.py [--commits 7700] [--rounds 3] [--json]`.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.file_prediction_bench import clean_env
from benchmarks.git_ingest_bench import realistic

LESSONLOOP = [sys.executable, "-m", "lessonloop"]
TASK = "fix the parser for an empty input"


def _env(home: Path) -> dict[str, str]:
    env = clean_env(home)  # no GIT_ or LESSONLOOP_ variables, a HOME and git config of its own
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled once, as a user's install is
    return env


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=7700)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lessonloop-fpspeed-") as tmp:
        work = Path(tmp)
        env = _env(work)
        print(f"making a history of {args.commits} commits ...", file=sys.stderr)
        repo = realistic(work / "repo", args.commits)
        bare = work / "bare.db"
        _timed([*LESSONLOOP, "ingest", "--git", str(repo), "--db", str(bare), "--no-progress"], work, env)
        saved = work / "saved.db"
        shutil.copyfile(bare, saved)
        _timed([*LESSONLOOP, "files", "predict", TASK, "--db", str(saved)], repo, env)  # warm-up, and a model to reuse
        times: dict[str, list[float]] = {"baseline": [], "predict": [], "again": [], "evaluate": []}
        order = list(times)
        for round_ in range(args.rounds):
            print(f"round {round_ + 1}/{args.rounds} ...", file=sys.stderr)
            for name in order[round_ % len(order) :] + order[: round_ % len(order)]:
                if name == "baseline":
                    cmd = ["git", "-C", str(repo), "log", "--name-only", "--format=%H"]
                    times[name].append(_timed(cmd, work, env))
                elif name == "predict":
                    fresh = work / "fresh.db"
                    shutil.copyfile(bare, fresh)
                    times[name].append(_timed([*LESSONLOOP, "files", "predict", TASK, "--db", str(fresh)], repo, env))
                    fresh.unlink()
                elif name == "again":
                    times[name].append(_timed([*LESSONLOOP, "files", "predict", TASK, "--db", str(saved)], repo, env))
                else:
                    cmd = [*LESSONLOOP, "files", "evaluate", "--json", "--db", str(bare)]
                    times[name].append(_timed(cmd, repo, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["baseline"]
    report = {
        "commits": args.commits,
        "rounds": args.rounds,
        "load_average": os.getloadavg(),
        "seconds": {name: round(value, 3) for name, value in medians.items()},
        "ratio_to_git_log": {name: round(value / base, 1) for name, value in medians.items() if name != "baseline"},
        "targets": {"predict_under_10_s": medians["predict"] < 10, "evaluate_under_30_s": medians["evaluate"] < 30},
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print("| contender | median s | / `git log --name-only` |")
    print("|---|---:|---:|")
    print(f"| `git log --name-only` (baseline) | {base:.3f} | 1.0x |")
    for name, label in (
        ("predict", "first `files predict` (learns the model)"),
        ("again", "a later `files predict`"),
        ("evaluate", "`files evaluate`"),
    ):
        print(f"| {label} | {medians[name]:.2f} | {medians[name] / base:.0f}x |")
    print(f"load average {report['load_average']}; targets: {report['targets']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
