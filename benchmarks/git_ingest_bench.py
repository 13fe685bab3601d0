"""`lessonloop ingest --git` against `git log --numstat` and `git log --name-status --numstat`
over the same history (issues 14 and 28).

For each history: the two shared bundles (../shared/corpus/git, cloned into a temporary folder;
1,963 and 1,782 first-parent commits), a synthetic repository of `--commits` commits (10,000 by
default, made with git fast-import: each commit changes one to three of 200 files by a few lines,
a merge every 50 commits, on a branch besides main), and with `--realistic N` a
documentation-heavy history of N commits (see `realistic`: translated docs of 50-200 KB rewritten
in blocks every third commit, a generated lockfile, vendored and minified trees, a binary, renames;
~100 MB packed at 7,700 commits, where `git log -p` is 180 MB), each round runs, interleaved and in
rotated order:

- ingest: `ingest_git` into a fresh store (created before the clock starts), in this process:
  git log of files and line counts, then the patches of the files whose hunks are kept, parsing,
  redaction of messages and hunks, the writes;
- cli: `lessonloop ingest --git REPO --db <fresh> --no-progress` as a whole process (interpreter
  start and imports included);
- baseline: `git log --first-parent --diff-merges=first-parent -M --numstat -z` of the same
  history, its output read and dropped (what listing the files of every commit with their line
  counts costs git alone);
- name_status: `git log --name-status --numstat`, as issue 28 words its baseline. Note: git drops
  --numstat when --name-status is given, so this lists names and statuses only (tree diffs, no
  content diffs, no line counts; HEAD only, merges without diff): far cheaper than any read that
  stores line counts (on the realistic history `--numstat` alone is ~20x it);
- with `--before SRC` (a folder holding another `lessonloop` package, e.g. main's `src` from
  `git -C ../main archive HEAD src | tar -x -C /tmp/git-before`): before_ingest (`ingest_git` of
  that code, timed inside its own process after the store is made) and before_cli (its CLI).

Medians over the rounds; ratio = ingest / baseline (and cli / baseline), *_name_status the same
against name_status, before_* the same for the code under --before.

Run: `.venv/bin/python benchmarks/git_ingest_bench.py [--rounds 5] [--commits 10000] [--json]`;
issue 28's figure: `PYTHONPATH=src .venv/bin/python benchmarks/git_ingest_bench.py --rounds 2
--realistic 7700 --only-realistic --before /tmp/git-before/src --json`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lessonloop.history.git_ingest import ingest_git
from lessonloop.store import open_store

REPO = Path(__file__).resolve().parent.parent
BUNDLES = REPO.parent / "shared" / "corpus" / "git"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    return env


KINDS = ("feat", "fix", "chore", "docs", "refactor", "test")


def _main_commit(n: int, mark: int, side_mark: int, when: int) -> bytes:
    """The head of first-parent commit `n` (mark `mark`) on main: author, committer, message, its
    parent (the commit before, or the one before the side branch's commit) and the side branch
    merged every 50 commits; its file changes follow."""
    message = f"{KINDS[n % len(KINDS)]}(area{n % 7}): change {n}\n".encode()
    head = [
        b"commit refs/heads/main\nmark :%d\n" % mark,
        b"author Dev %d <dev%d@example.org> %d +0200\n" % (n % 5, n % 5, when),
        b"committer Dev <dev@example.org> %d +0200\n" % when,
        b"data %d\n%s" % (len(message), message),
    ]
    if mark > 1:
        head.append(b"from :%d\n" % (mark - 1 if mark - 1 != side_mark else mark - 2))
    if n % 50 == 49 and side_mark:
        head.append(b"merge :%d\n" % side_mark)
    return b"".join(head)


def _side_commit(n: int, mark: int, when: int) -> bytes:
    """A commit on the side branch (mark `mark`, after commit `n` of main), merged into main later."""
    side = b"feat: side work\n"
    data = b"side %d\n" % n
    return b"".join(
        [
            b"commit refs/heads/side\nmark :%d\n" % mark,
            b"author Side <side@example.org> %d +0000\ncommitter Side <side@example.org> %d +0000\n" % (when, when),
            b"data %d\n%s" % (len(side), side),
            b"from :%d\n" % (mark - 1),
            b"M 100644 inline side/s%d.txt\ndata %d\n%s\n" % (n, len(data), data),
        ]
    )


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
        lines.append(_main_commit(n, mark, side_mark, when))
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
            lines.append(_side_commit(n, mark, when))
    subprocess.run(
        ["git", "-C", str(target), "fast-import", "--quiet"], input=b"".join(lines), check=True, env=_env(target.parent)
    )
    subprocess.run(["git", "-C", str(target), "checkout", "-q", "main"], check=True, env=_env(target.parent))
    return target


def realistic(target: Path, commits: int) -> Path:
    """A repository shaped like a documentation-heavy project, made with git fast-import:
    `commits` first-parent commits (a merge every 50), each changing one to three of 150 source
    files by a few lines; every third commit also a translation update (one or two of 100
    docs/i18n/<lang>/*.md files of 50-200 KB, a block of 5-30% of its lines rewritten); every
    20th the generated package-lock.json (~150 KB, 2-5% of lines); every 150th a vendored tree
    (vendor/lib/*.js, ~60 KB each, rewritten) and dist/app.min.js (~200 KB of long lines);
    every 300th a doc renamed, every 100th a binary image; so patches (most of them
    translations) dominate `git log -p`'s output, as in a real translated documentation site."""
    rng = random.Random(7)
    words = [
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "that",
        "for",
        "it",
        "as",
        "with",
        "was",
        "on",
        "be",
        "by",
        "this",
        "are",
        "from",
        "at",
        "or",
        "an",
        "which",
    ]

    def line(tag: str) -> str:
        return tag + " " + " ".join(rng.choice(words) for _ in range(rng.randint(6, 14)))

    env = _env(target.parent)
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True, env=env)
    importer = subprocess.Popen(["git", "-C", str(target), "fast-import", "--quiet"], stdin=subprocess.PIPE, env=env)
    assert importer.stdin is not None
    out = importer.stdin
    files: dict[str, list[str]] = {}
    for i in range(150):
        files[f"src/pkg{i % 10}/mod{i:03d}.py"] = [f"def f{j}():  # {i}" for j in range(rng.randint(60, 300))]
    i18n = [f"docs/i18n/{lang}/page{k:02d}.md" for lang in ("de", "fr", "ja", "es", "zh") for k in range(20)]
    for path in i18n:
        files[path] = [line(f"{path[10:12]}:{j}") for j in range(rng.randint(700, 2800))]
    for k in range(40):
        files[f"docs/en/page{k:02d}.md"] = [line(f"en:{j}") for j in range(rng.randint(50, 400))]
    files["package-lock.json"] = [f'    "pkg-{j}": {{"version": "1.{j % 17}.{j % 5}"}},' for j in range(3500)]
    vendored = [f"vendor/lib/lib{k}.js" for k in range(6)]
    for path in vendored:
        files[path] = [line("var") + ";" for _ in range(900)]
    files["dist/app.min.js"] = ["".join(line("x") for _ in range(40)) for _ in range(100)]
    sources = [p for p in files if p.startswith("src/")]
    docs = [p for p in files if p.startswith("docs/en/")]

    def put(path: str) -> None:
        data = ("\n".join(files[path]) + "\n").encode()
        out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))

    mark = side_mark = 0
    when = 1_600_000_000
    for n in range(commits):
        mark += 1
        when += 600
        out.write(_main_commit(n, mark, side_mark, when))
        touched: set[str] = set()
        if n == 0:
            touched.update(files)
        for _ in range(1 + n % 3):
            path = rng.choice(sources)
            body = files[path]
            for _ in range(rng.randint(1, 6)):
                body[rng.randrange(len(body))] = f"    return {n}  # {rng.random():.6f}"
            touched.add(path)
        if n % 3 == 1:
            for path in rng.sample(i18n, rng.randint(1, 2)):
                body = files[path]
                size = max(1, int(len(body) * rng.uniform(0.05, 0.30)))
                start = rng.randrange(len(body) - size + 1)
                body[start : start + size] = [line(f"{path[10:12]}:{n}") for _ in range(size)]
                touched.add(path)
        if n % 7 == 3:
            path = rng.choice(docs)
            files[path].insert(rng.randrange(len(files[path]) + 1), line(f"en:{n}"))
            touched.add(path)
        if n % 20 == 5:
            body = files["package-lock.json"]
            for _ in range(rng.randint(70, 175)):
                j = rng.randrange(len(body))
                body[j] = f'    "pkg-{j}": {{"version": "2.{n % 31}.{rng.randrange(9)}"}},'
            touched.add("package-lock.json")
        if n % 150 == 75:
            for path in vendored:
                files[path] = [line("var") + ";" for _ in range(900)]
                touched.add(path)
            files["dist/app.min.js"] = ["".join(line("x") for _ in range(40)) for _ in range(100)]
            touched.add("dist/app.min.js")
        for path in sorted(touched):
            put(path)
        if n % 100 == 42:
            blob = bytes(rng.randrange(256) for _ in range(3000))
            out.write(b"M 100644 inline assets/logo.png\ndata %d\n%s\n" % (len(blob), blob))
        if n % 300 == 150:
            old = rng.choice(docs)
            new = old.replace(".md", f"-{n}.md")
            out.write(f"R {old} {new}\n".encode())
            files[new] = files.pop(old)
            docs[docs.index(old)] = new
        out.write(b"\n")
        if n % 50 == 10:  # a side branch commit, merged into main later
            mark += 1
            side_mark = mark
            out.write(_side_commit(n, mark, when))
    out.close()
    if importer.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "-C", str(target), "checkout", "-q", "main"], check=True, env=env)
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


_TIMED_INGEST = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "try:\n"
    "    from lessonloop.history.git_ingest import ingest_git\n"
    "except ImportError:  # a tree from before the history wing (issue 45)\n"
    "    from lessonloop.pipeline.git_ingest import ingest_git\n"
    "from lessonloop.store import open_store\n"
    "conn = open_store(Path(sys.argv[1]))\n"
    "started = time.perf_counter()\n"
    "ingest_git(conn, [sys.argv[2]])\n"
    "print(time.perf_counter() - started)\n"
    "conn.close()\n"
)


def run_before_ingest(src: Path, repo: Path, db: Path) -> float:
    """`ingest_git` of the lessonloop under `src`, timed inside its own process (store made first)."""
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run(
        [sys.executable, "-c", _TIMED_INGEST, str(db), str(repo)], check=True, capture_output=True, env=env, text=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def run_before_cli(src: Path, repo: Path, db: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(src))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--git", str(repo), "--db", str(db), "--no-progress"],
        check=True,
        capture_output=True,
        env=env,
    )
    return time.perf_counter() - started


def run_name_status(repo: Path) -> float:
    """`git log --name-status --numstat`, as issue 28 words its baseline (git drops --numstat when
    --name-status is given: this lists names and statuses only, no line counts, no content diffs)."""
    started = time.perf_counter()
    subprocess.run(["git", "-C", str(repo), "log", "--name-status", "--numstat"], check=True, stdout=subprocess.DEVNULL)
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
    parser.add_argument("--realistic", type=int, default=0, help="also a documentation-heavy history of N commits")
    parser.add_argument("--only-realistic", action="store_true", help="neither the synthetic history nor the bundles")
    parser.add_argument("--before", type=Path, help="src folder of another lessonloop, timed beside this one")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        histories: dict[str, Path] = {}
        if not args.only_realistic:
            histories[f"synthetic-{args.commits}"] = synthetic(folder / "synthetic", args.commits)
        if args.realistic:
            histories[f"realistic-{args.realistic}"] = realistic(folder / "realistic", args.realistic)
        for name in ("python-semantic-release", "commitizen"):
            if not args.only_realistic and (BUNDLES / f"{name}.bundle").is_file():
                histories[name] = clone(BUNDLES / f"{name}.bundle", folder / name)
        for name, repo in histories.items():
            contenders = ["ingest", "cli", "baseline", "name_status"]
            if args.before is not None:
                contenders += ["before_ingest", "before_cli"]
            times: dict[str, list[float]] = {c: [] for c in contenders}
            commits = 0
            for round_no in range(args.rounds + 1):  # round 0 warms the caches, not counted
                shift = round_no % len(contenders)
                order = contenders[shift:] + contenders[:shift]
                for contender in order:
                    db = folder / f"{name}-{round_no}-{contender}.db"
                    if contender == "ingest":
                        elapsed, commits = run_ingest(repo, db)
                    elif contender == "cli":
                        open_store(db).close()
                        elapsed = run_cli(repo, db)
                    elif contender == "before_ingest":
                        elapsed = run_before_ingest(args.before, repo, db)
                    elif contender == "before_cli":
                        open_store(db).close()
                        elapsed = run_before_cli(args.before, repo, db)
                    elif contender == "name_status":
                        elapsed = run_name_status(repo)
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
                    "git_log_name_status_s": round(med["name_status"], 3),
                    "ratio_ingest_name_status": round(med["ingest"] / med["name_status"], 2),
                    "ratio_cli_name_status": round(med["cli"] / med["name_status"], 2),
                }
            )
            if args.before is not None:
                results[-1].update(
                    before_ingest_s=round(med["before_ingest"], 3),
                    before_cli_s=round(med["before_cli"], 3),
                    before_ratio_ingest=round(med["before_ingest"] / med["baseline"], 2),
                    before_ratio_cli=round(med["before_cli"] / med["baseline"], 2),
                    before_ratio_ingest_name_status=round(med["before_ingest"] / med["name_status"], 2),
                    before_ratio_cli_name_status=round(med["before_cli"] / med["name_status"], 2),
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
