"""File prediction's speed on a long history (issues 29 and 43): the first `files predict` of
a repository (the model learned from its whole history) and `files evaluate`, against `git log
--name-only` of the same history, measured side by side in one run.

Two histories (`--history`):

- synthetic (default): git_ingest_bench.realistic's, `--commits` commits (7,700 by default: code,
  translated docs, vendored trees, renames). Its messages are a few words ("feat(area3): change
  42") and it has about 300 files.
- real: one repository made of real histories, 7,476 first-parent commits: the two shared bundles
  (commitizen, python-semantic-release) and a clone of this checkout, each replayed commit by
  commit under its own folder (its real trees, so its real diffs and files; its merges kept as
  merges), and aider's `git log --name-status` export of a quarter (real subjects, authors, times
  and files; the files' contents made up: a line per change), all interleaved by commit time
  (`merged_real_history`). Real messages are longer (14 words on average, lessonloop's 38) and
  it has about 2,400 files: what makes a real history slower than the synthetic one. Its size
  moves with this checkout's history.

The history is made once in a temporary folder and read with `lessonloop ingest --git`. Each
round runs, in rotated order, fresh processes of:

- baseline: `git log --name-only --format=%H` of the repository;
- predict: `lessonloop files predict TASK` on a copy of the store without a model (a first call:
  the model is learned from every commit, then saved);
- again: the same on the store the previous call saved the model in (a later call);
- evaluate: `lessonloop files evaluate --json` (the time-ordered evaluation, tuning included);
- with `--before SRC` (a folder holding another `lessonloop` package, e.g. HEAD~5's `src` from
  `git -C /work/main archive HEAD~5 src | tar -x -C /tmp/fp-before`): before_predict and
  before_evaluate, the same two with that code.

Medians over the rounds; ratio = contender / baseline. Each run's CPU seconds (user + system, of
the process and its children) are reported beside: on a machine whose cores others keep busy
the wall time grows with their work and the CPU time much less. Targets (issues 29 and 43): predict under
10 s and evaluate under 30 s on a 7.7k-commit history.

Run: `.venv/bin/python benchmarks/file_prediction_speed_bench.py [--history synthetic|real]
[--commits 7700] [--rounds 3] [--before SRC] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.file_prediction_bench import CORPUS, REPO, clean_env, export_commits
from benchmarks.git_ingest_bench import realistic

LESSONLOOP = [sys.executable, "-m", "lessonloop"]
TASK = "fix the parser for an empty input"
SOURCES = (("cz", CORPUS / "git" / "commitizen.bundle"), ("psr", CORPUS / "git" / "python-semantic-release.bundle"))
AIDER_EXPORT = CORPUS / "aider" / "aider-dev"


def _git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, input=data).stdout


def _first_parent(target: Path, ref: str, folder: str) -> list[tuple[int, str, dict[str, Any]]]:
    """A replayed repository's first-parent commits, oldest first: (commit time, its folder, its
    tree, merged parents, author, committer, message)."""
    out = _git(
        target,
        "log",
        "--first-parent",
        "--reverse",
        "--date=raw",
        "--format=%T%x00%P%x00%an <%ae> %ad%x00%cn <%ce> %cd%x00%B%x1e",
        ref,
    )
    rows = []
    for record in out.split(b"\x1e"):
        record = record.lstrip(b"\n")
        if record:
            tree, parents, author, committer, message = record.split(b"\x00", 4)
            commit = {"tree": tree, "merges": parents.split()[1:], "author": author, "committer": committer}
            rows.append((int(committer.rsplit(b" ", 2)[1]), folder, {**commit, "message": message}))
    return rows


def _exported(path: Path, folder: str) -> list[tuple[int, str, dict[str, Any]]]:
    """The commits of a `git log --name-status` export (benchmarks/file_prediction_bench.py's
    format), oldest first: time, subject, author and (status, path) of each file."""
    rows = []
    for commit in reversed(export_commits(path)):
        when = datetime.fromisoformat(commit["time"].replace("Z", "+00:00"))
        who = f"{commit['author']} <{commit['author'].replace(' ', '.')}@example.org> {int(when.timestamp())} +0000"
        message = (commit["subject"] + "\n").encode()
        rows.append(
            (int(when.timestamp()), folder, {"files": commit["files"], "author": who.encode(), "message": message})
        )
    return rows


def merged_real_history(target: Path, env: dict[str, str]) -> Path:
    """One repository of real histories (see the module's docstring), made with git fast-import."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True, env=env)
    sources = [(folder, bundle) for folder, bundle in SOURCES if bundle.is_file()]
    sources.append(("lessonloop", REPO))
    rows: list[tuple[int, str, dict[str, Any]]] = []
    for folder, source in sources:
        _git(target, "fetch", "-q", "--no-tags", str(source), f"HEAD:refs/sources/{folder}")
        rows += _first_parent(target, f"refs/sources/{folder}", folder)
    export = next(AIDER_EXPORT.glob("commits-*.txt"), None)
    if export is not None:
        rows += _exported(export, "aider")
    rows.sort(key=lambda row: row[0])
    stream: list[bytes] = []
    contents: dict[str, list[str]] = {}
    for mark, (_, folder, commit) in enumerate(rows, start=1):
        who, message = commit["author"], commit["message"]
        stream.append(
            b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\n" % (mark, who, commit.get("committer", who))
        )
        stream.append(b"data %d\n%s\n" % (len(message), message))
        if mark > 1:
            stream.append(b"from :%d\n" % (mark - 1))
        stream += [b"merge %s\n" % parent for parent in commit.get("merges", [])]
        if "tree" in commit:
            stream.append(b"M 040000 %s %s\n" % (commit["tree"], folder.encode()))
        for status, path in commit.get("files", []):
            name = f"{folder}/{path}"
            if status.startswith("D"):
                contents.pop(name, None)
                stream.append(b"D %s\n" % name.encode())
                continue
            lines = contents.setdefault(name, [f"# {path}"])
            lines.append(f"change {mark}: {message.decode().strip()}")
            data = ("\n".join(lines) + "\n").encode()
            stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (name.encode(), len(data), data))
        stream.append(b"\n")
    _git(target, "fast-import", "--quiet", data=b"".join(stream))
    for folder, _ in sources:
        _git(target, "update-ref", "-d", f"refs/sources/{folder}")
    _git(target, "checkout", "-q", "main")
    return target


def _env(home: Path) -> dict[str, str]:
    env = clean_env(home)  # no GIT_ or LESSONLOOP_ variables, a HOME and git config of its own
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled once, as a user's install is
    return env


CPU: dict[str, list[float]] = {}  # contender -> the CPU seconds (user + system) of each timed run


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(cmd: list[str], cwd: Path, env: dict[str, str], name: str = "") -> float:
    """The wall seconds of a run of `cmd`; its CPU seconds go to CPU[name] (beside busy cores the
    wall time grows with the others' work, the CPU time much less)."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    if name:
        CPU.setdefault(name, []).append(_children_cpu() - cpu)
    return elapsed


def _contender(name: str, work: Path, repo: Path, bare: Path, saved: Path, env: dict[str, str]) -> float:
    """One timed run of a contender (see the module's docstring)."""
    if name == "baseline":
        return _timed(["git", "-C", str(repo), "log", "--name-only", "--format=%H"], work, env, name)
    if name.startswith("before_"):
        env = {**env, "PYTHONPATH": env["BEFORE_SRC"]}
    if name.endswith("predict"):
        fresh = work / "fresh.db"
        shutil.copyfile(bare, fresh)
        try:
            return _timed([*LESSONLOOP, "files", "predict", TASK, "--db", str(fresh)], repo, env, name)
        finally:
            fresh.unlink()
    if name == "again":
        return _timed([*LESSONLOOP, "files", "predict", TASK, "--db", str(saved)], repo, env, name)
    return _timed([*LESSONLOOP, "files", "evaluate", "--json", "--db", str(bare)], repo, env, name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", choices=("synthetic", "real"), default="synthetic")
    parser.add_argument("--commits", type=int, default=7700, help="the synthetic history's commits")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", metavar="SRC", help="a folder holding another lessonloop package, timed beside")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lessonloop-fpspeed-") as tmp:
        work = Path(tmp)
        env = _env(work)
        if args.before:
            env["BEFORE_SRC"] = str(Path(args.before).resolve())
        print(f"making the {args.history} history ...", file=sys.stderr)
        if args.history == "real":
            repo = merged_real_history(work / "repo", env)
        else:
            repo = realistic(work / "repo", args.commits)
        commits = int(_git(repo, "rev-list", "--count", "--first-parent", "HEAD"))
        bare = work / "bare.db"
        _timed([*LESSONLOOP, "ingest", "--git", str(repo), "--db", str(bare), "--no-progress"], work, env)
        saved = work / "saved.db"
        shutil.copyfile(bare, saved)
        _timed([*LESSONLOOP, "files", "predict", TASK, "--db", str(saved)], repo, env)  # warm-up, and a model to reuse
        names = ["baseline", "predict", "again", "evaluate"]
        if args.before:
            names += ["before_predict", "before_evaluate"]
            _contender("before_predict", work, repo, bare, saved, env)  # warm-up: that code's .pyc
            CPU.clear()
        times: dict[str, list[float]] = {name: [] for name in names}
        for round_ in range(args.rounds):
            print(f"round {round_ + 1}/{args.rounds} ...", file=sys.stderr)
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                times[name].append(_contender(name, work, repo, bare, saved, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["baseline"]
    report = {
        "history": args.history,
        "commits": commits,
        "rounds": args.rounds,
        "load_average": os.getloadavg(),
        "seconds": {name: round(value, 3) for name, value in medians.items()},
        "ratio_to_git_log": {name: round(value / base, 1) for name, value in medians.items() if name != "baseline"},
        "targets": {"predict_under_10_s": medians["predict"] < 10, "evaluate_under_30_s": medians["evaluate"] < 30},
    }
    cpu = {name: statistics.median(CPU[name]) for name in names}
    report["cpu_seconds"] = {name: round(value, 3) for name, value in cpu.items()}
    if args.before:
        report["ratio_to_before"] = {
            name: round(medians[name] / medians[f"before_{name}"], 2) for name in ("predict", "evaluate")
        }
        report["cpu_ratio_to_before"] = {
            name: round(cpu[name] / cpu[f"before_{name}"], 2) for name in ("predict", "evaluate")
        }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{args.history} history, {commits:,} first-parent commits")
    print("| contender | median s | / `git log --name-only` | CPU s |")
    print("|---|---:|---:|---:|")
    print(f"| `git log --name-only` (baseline) | {base:.3f} | 1.0x | {cpu['baseline']:.3f} |")
    labels = {
        "predict": "first `files predict` (learns the model)",
        "again": "a later `files predict`",
        "evaluate": "`files evaluate`",
        "before_predict": "first `files predict`, --before's code",
        "before_evaluate": "`files evaluate`, --before's code",
    }
    for name in names[1:]:
        print(f"| {labels[name]} | {medians[name]:.2f} | {medians[name] / base:.0f}x | {cpu[name]:.2f} |")
    print(f"load average {report['load_average']}; targets: {report['targets']}")
    if args.before:
        print(f"now / before: {report['ratio_to_before']}; in CPU seconds: {report['cpu_ratio_to_before']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
