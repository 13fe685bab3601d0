"""`lessonloop ingest --git` against `git log --numstat` over the same history (issue 14).

For each history: the two shared bundles (../shared/corpus/git, cloned into a temporary folder)
and a synthetic repository of `--commits` commits (10,000 by default, made with git fast-import:
each commit changes one to three of 200 files by a few lines, a merge every 50 commits, on a
branch besides main), each round runs, interleaved and in rotated order:

- ingest: `ingest_git` into a fresh store (created before the clock starts), in this process:
  git log with patches, parsing, redaction of messages and hunks, the writes;
- cli: `lessonloop ingest --git REPO --db <fresh> --no-progress` as a whole process (interpreter
  start and imports included);
- baseline: `git log --first-parent --diff-merges=first-parent -M --numstat -z` of the same
  history, its output read and dropped (what listing the files of every commit costs git alone).

Medians over the rounds; ratio = ingest / baseline (and cli / baseline).

Run: `.venv/bin/python benchmarks/git_ingest_bench.py [--rounds 5] [--commits 10000] [--json]`.
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
from pathlib import Path

from lessonloop.pipeline.git_ingest import ingest_git
from lessonloop.store import open_store

REPO = Path(__file__).resolve().parent.parent
BUNDLES = REPO.parent / "shared" / "corpus" / "git"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    return env


def synthetic(target: Path, commits: int) -> Path:
    """A repository of `commits` first-parent commits made with git fast-import."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True, env=_env(target.parent))
    lines: list[bytes] = []
    contents: dict[int, list[str]] = {i: [f"line {j} of file {i}" for j in range(30)] for i in range(200)}
    mark = 0
    side_mark = 0
    when = 1_600_000_000
    for n in range(commits):
        mark += 1
        when += 600
        kinds = ("feat", "fix", "chore", "docs", "refactor", "test")
        message = f"{kinds[n % len(kinds)]}(area{n % 7}): change {n}\n".encode()
        merge = n % 50 == 49 and side_mark
        lines.append(b"commit refs/heads/main\nmark :%d\n" % mark)
        lines.append(b"author Dev %d <dev%d@example.org> %d +0200\n" % (n % 5, n % 5, when))
        lines.append(b"committer Dev <dev@example.org> %d +0200\n" % when)
        lines.append(b"data %d\n%s" % (len(message), message))
        if mark > 1:
            lines.append(b"from :%d\n" % (mark - 1 if mark - 1 != side_mark else mark - 2))
        if merge:
            lines.append(b"merge :%d\n" % side_mark)
        for k in range(1 + n % 3):
            index = (n * 7 + k * 13) % 200
            body = contents[index]
            body[(n + k) % len(body)] = f"changed {n} {k}"
            data = ("\n".join(body) + "\n").encode()
            lines.append(b"M 100644 inline src/mod%03d.py\ndata %d\n%s" % (index, len(data), data))
        lines.append(b"\n")
        if n % 50 == 10:  # a side branch commit, merged into main later
            mark += 1
            side_mark = mark
            side = b"feat: side work\n"
            lines.append(b"commit refs/heads/side\nmark :%d\n" % mark)
            lines.append(
                b"author Side <side@example.org> %d +0000\ncommitter Side <side@example.org> %d +0000\n" % (when, when)
            )
            lines.append(b"data %d\n%s" % (len(side), side))
            lines.append(b"from :%d\n" % (mark - 1))
            data = b"side %d\n" % n
            lines.append(b"M 100644 inline side/s%d.txt\ndata %d\n%s\n" % (n, len(data), data))
    subprocess.run(
        ["git", "-C", str(target), "fast-import", "--quiet"], input=b"".join(lines), check=True, env=_env(target.parent)
    )
    subprocess.run(["git", "-C", str(target), "checkout", "-q", "main"], check=True, env=_env(target.parent))
    return target


def clone(bundle: Path, target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(bundle), str(target)], check=True, capture_output=True)
    return target


def run_ingest(repo: Path, db: Path) -> tuple[float, int]:
    conn = open_store(db)
    try:
        started = time.perf_counter()
        summary = ingest_git(conn, [str(repo)])
        elapsed = time.perf_counter() - started
    finally:
        conn.close()
    return elapsed, summary.commits_stored


def run_cli(repo: Path, db: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--git", str(repo), "--db", str(db), "--no-progress"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def run_baseline(repo: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "-M",
            "--numstat",
            "-z",
            "--branches",
            "HEAD",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        histories = {f"synthetic-{args.commits}": synthetic(folder / "synthetic", args.commits)}
        for name in ("python-semantic-release", "commitizen"):
            if (BUNDLES / f"{name}.bundle").is_file():
                histories[name] = clone(BUNDLES / f"{name}.bundle", folder / name)
        for name, repo in histories.items():
            times: dict[str, list[float]] = {"ingest": [], "cli": [], "baseline": []}
            commits = 0
            for round_no in range(args.rounds + 1):  # round 0 warms the caches, not counted
                order = ["ingest", "cli", "baseline"]
                order = order[round_no % 3 :] + order[: round_no % 3]
                for contender in order:
                    db = folder / f"{name}-{round_no}-{contender}.db"
                    if contender == "ingest":
                        elapsed, commits = run_ingest(repo, db)
                    elif contender == "cli":
                        open_store(db).close()
                        elapsed = run_cli(repo, db)
                    else:
                        elapsed = run_baseline(repo)
                    if round_no:
                        times[contender].append(elapsed)
            med = {k: statistics.median(v) for k, v in times.items()}
            results.append(
                {
                    "history": name,
                    "commits": commits,
                    "ingest_s": round(med["ingest"], 3),
                    "cli_s": round(med["cli"], 3),
                    "git_log_numstat_s": round(med["baseline"], 3),
                    "ratio_ingest": round(med["ingest"] / med["baseline"], 2),
                    "ratio_cli": round(med["cli"] / med["baseline"], 2),
                    "commits_per_s": round(commits / med["ingest"]),
                }
            )
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(
            f"{'history':<28}{'commits':>8}{'ingest s':>10}{'cli s':>8}{'git log s':>11}{'ratio':>7}{'cli ratio':>11}{'commits/s':>11}"
        )
        for r in results:
            print(
                f"{r['history']:<28}{r['commits']:>8}{r['ingest_s']:>10}{r['cli_s']:>8}{r['git_log_numstat_s']:>11}"
                f"{r['ratio_ingest']:>7}{r['ratio_cli']:>11}{r['commits_per_s']:>11}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
