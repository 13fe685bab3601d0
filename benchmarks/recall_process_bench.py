"""`lessonloop recall` as a whole process, against the least a process answering the same question
can do: start Python, import sqlite3, open the store and run one FTS5 query (issue 28).

A store of `--lessons` synthetic lessons (recall_bench.py's, through the real migrations) is made
once in a temporary folder. Each round runs, interleaved and in rotated order, fresh processes of:

- baseline: `python -c "import sqlite3; ..."`: connect, one `lessons_fts MATCH` query of the
  query's words (quoted, OR-ed, as recall builds it), `ORDER BY rank LIMIT 5`, rows fetched;
- recall: `python -m lessonloop recall QUERY --db STORE` (the table printed);
- recall --json: the same with `--json`;
- recall through argparse: `recall --db STORE -- QUERY`, the same answer, but `--` is a form
  recall's own reader (cli/recall_commands.parse_recall) leaves to argparse: what that reader
  saves (issue 45, item 5: it is kept only for a gain measured here);
- python -c pass: the interpreter alone, for scale.

Medians over the rounds, a query drawn from recall_bench.py's vocabularies each round (the same
query for every contender of a round). Ratio = contender / baseline.

Run: `.venv/bin/python benchmarks/recall_process_bench.py [--rounds 30] [--lessons 10000] [--json]`.
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
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.recall_bench import SEED, build_store, make_queries

BASELINE = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
match = " OR ".join('"' + w.replace('"', '""') + '"' for w in sys.argv[2].split())
rows = conn.execute(
    "SELECT rowid FROM lessons_fts WHERE lessons_fts MATCH ? ORDER BY rank LIMIT 5", (match,)
).fetchall()
print(len(rows))
"""


def commands(db: Path, query: str) -> dict[str, list[str]]:
    return {
        "baseline: python + sqlite3 + one FTS5 query": [sys.executable, "-c", BASELINE, str(db), query],
        "lessonloop recall": [sys.executable, "-m", "lessonloop", "recall", query, "--db", str(db)],
        "lessonloop recall --json": [sys.executable, "-m", "lessonloop", "recall", query, "--db", str(db), "--json"],
        "lessonloop recall, through argparse": [
            sys.executable,
            "-m",
            "lessonloop",
            "recall",
            "--db",
            str(db),
            "--",
            *query.split(),
        ],
        "python -c pass": [sys.executable, "-c", "pass"],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--lessons", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "lessonloop.db"
        build_store(db, args.lessons, SEED).close()
        # Bytecode written as a user's install has it (PYTHONDONTWRITEBYTECODE would compile every
        # changed module in every process); one warm-up round writes it.
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("LESSONLOOP_") and k != "PYTHONDONTWRITEBYTECODE"
        }
        env["LESSONLOOP_CONFIG"] = str(Path(folder) / "config.toml")  # no config file: defaults
        env["LESSONLOOP_EMBEDDINGS"] = "none"  # words only: the model's load is not this figure
        queries = make_queries(args.rounds, SEED)
        names = list(commands(db, queries[0]))
        times: dict[str, list[float]] = {name: [] for name in names}
        for command in commands(db, queries[0]).values():
            subprocess.run(command, env=env, capture_output=True, check=False)
        for number, query in enumerate(queries):
            cases = commands(db, query)
            order = names[number % len(names) :] + names[: number % len(names)]
            for name in order:
                started = time.perf_counter()
                done = subprocess.run(cases[name], env=env, capture_output=True, check=False)
                times[name].append(time.perf_counter() - started)
                if done.returncode != 0:
                    raise SystemExit(f"{name} failed: {done.stderr.decode(errors='replace')[-500:]}")
    base = statistics.median(times[names[0]])
    report = {
        "lessons": args.lessons,
        "rounds": args.rounds,
        "median_ms": {name: round(statistics.median(v) * 1000, 1) for name, v in times.items()},
        "ratio_to_baseline": {name: round(statistics.median(v) / base, 2) for name, v in times.items()},
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{args.lessons:,} lessons, {args.rounds} rounds (medians)\n")
    print("| process | median | x baseline |\n|---|---:|---:|")
    for name in names:
        print(f"| {name} | {report['median_ms'][name]} ms | {report['ratio_to_baseline'][name]}x |")
    own, parsed = times["lessonloop recall"], times["lessonloop recall, through argparse"]
    print(
        f"\nrecall's own reader: argparse's path takes {statistics.median(parsed) / statistics.median(own):.2f}x its time"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
