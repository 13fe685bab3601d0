"""The stored git rows of `ingest --git` against those of another version of lessonloop (issue 28).

Each repository is read into two fresh stores: by this checkout's code and by the code under
`--before` (a folder holding a `lessonloop` package, e.g. main's `src` from
`git -C ../main archive HEAD src | tar -x -C /tmp/git-before`), each in its own process; then
git_commits (without read_at, and author_key: each store has its own key), git_commit_files and git_hunks are compared row by row on their
keys. Differences are sorted by cause: a file in a vendored or generated tree (its hunks no longer
kept), a file judged beyond the per-file cap from its line counts (no hunks, marked truncated),
a file whose commit shares a cap with such files (other hunks of the same commit), and other.

Run: `.venv/bin/python benchmarks/git_ingest_equality.py --before /tmp/git-before/src REPO...`
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.git_ingest_bench import run_before_ingest
from lessonloop.capture.git.log_reader import excluded_path


def rows(db: Path) -> dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]:
    conn = sqlite3.connect(db)
    try:
        commit_columns = [
            r[1] for r in conn.execute("PRAGMA table_info(git_commits)") if r[1] not in ("read_at", "author_key")
        ]
        commits = {(r[1],): r for r in conn.execute(f"SELECT {', '.join(commit_columns)} FROM git_commits")}
        files = {(r[1], r[2]): r for r in conn.execute("SELECT * FROM git_commit_files")}
        hunks = {(r[1], r[2], r[3]): r for r in conn.execute("SELECT * FROM git_hunks")}
    finally:
        conn.close()
    return {"git_commits": commits, "git_commit_files": files, "git_hunks": hunks}


def compare(before: Path, after: Path) -> dict[str, Any]:
    """Rows per table, rows equal, and the differing ones counted by cause."""
    old, new = rows(before), rows(after)
    with_hunks = {(k[0], k[1]) for k in new["git_hunks"]}
    causes_of: dict[tuple[str, int], str] = {}
    for key, row in new["git_commit_files"].items():
        path, old_path, truncated = row[3], row[4], row[9]
        if excluded_path(path) or (old_path is not None and excluded_path(old_path)):
            causes_of[key] = "vendored-or-generated"
        elif truncated and key not in with_hunks:
            causes_of[key] = "beyond-cap"
    skipped_commits = {sha for sha, _ in causes_of}

    def cause(sha: str, ordinal: int) -> str:
        if (sha, ordinal) in causes_of:
            return causes_of[(sha, ordinal)]
        return "same-commit-as-a-skipped-file" if sha in skipped_commits else "other"

    report: dict[str, Any] = {}
    for table in ("git_commits", "git_commit_files", "git_hunks"):
        a, b = old[table], new[table]
        keys = set(a) | set(b)
        differing = [k for k in keys if a.get(k) != b.get(k)]
        causes: Counter[str] = Counter()
        for key in differing:
            if table == "git_commits":
                causes["same-commit-as-a-skipped-file" if key[0] in skipped_commits else "other"] += 1
            else:
                causes[cause(key[0], key[1])] += 1
        report[table] = {
            "before": len(a),
            "after": len(b),
            "equal": len(keys) - len(differing),
            "differing": len(differing),
            "causes": dict(causes),
        }
    report["files_not_asked"] = dict(Counter(causes_of.values()))
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--before", type=Path, required=True, help="src folder of the other version")
    parser.add_argument("repos", nargs="+", type=Path)
    args = parser.parse_args()
    here = Path(__file__).resolve().parent.parent / "src"
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n, repo in enumerate(args.repos):
            before, after = Path(tmp) / f"{n}-before.db", Path(tmp) / f"{n}-after.db"
            run_before_ingest(args.before, repo, before)  # the time it prints is not needed here
            run_before_ingest(here, repo, after)
            results[str(repo)] = compare(before, after)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
