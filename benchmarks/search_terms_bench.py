"""The bound on a search's cost (issue 60): a search of many prefix terms against a search of one
word, side by side in the same run, through the one search every surface calls (`lessonloop
search`, the web UI and `/api/search`, the MCP tool: store/search/query_text.parse_query, then
store/search/reader.search with its snippets). Before the bound, `/api/search` with 666 prefix
terms took 25.8 s against 0.014 s for one word. Target: at most 20x.

The store (WORK/store.db, built once and kept): copies of shared corpus folders ingested by
`lessonloop ingest` (default claude-code/spotter and codex/zo-qore, the largest, and the small
ones). The contenders:

- one word: `error`;
- the issue's: 666 one-letter prefixes (`a* b* ... z* a* ...`, 1,998 characters);
- 666 different three-letter prefixes, the store's heaviest first (the most occurrences of the
  words each starts);
- the most the bound lets through: its 8 heaviest three-letter prefixes and 8 of the commonest
  words.

Rounds interleave the contenders, order rotated each round, after a warm-up; medians; ratio =
contender / one word. `--unbounded N` also times, once, the first N of the issue's one-letter
prefixes as FTS5 searches them without the bound (the 666 take many minutes: 16 took seconds).

Run: `.venv/bin/python benchmarks/search_terms_bench.py [--rounds 9] [--unbounded 16] [--work DIR] [--corpus a/b ...] [--json]`
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import string
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))

from tests.conftest import SHARED_CORPUS, TEST_SETTINGS  # noqa: E402

# as the test run (ingest analyzes before it returns, no refresh, no hook server): this compares
# stores and times what it always timed
os.environ.update(TEST_SETTINGS)

from lessonloop.store import open_store  # noqa: E402
from lessonloop.store.search.hits import SearchFilters  # noqa: E402
from lessonloop.store.search.query_text import MAX_PREFIX_TERMS, MAX_TERMS, SearchQuery, parse_query  # noqa: E402
from lessonloop.store.search.reader import search  # noqa: E402

CORPORA = (
    "claude-code/spotter",
    "codex/zo-qore",
    "claude-code/codemie",
    "codex/codemie",
    "codex/parking-lot",
    "gemini/codemie",
    "opencode/codemie",
)
TARGET = 20.0
LIMIT = 50  # hits asked for, as /api/search's default


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build(work: Path, corpora: list[str]) -> Path:
    store = work / "store.db"
    if store.exists():
        return store
    for name in corpora:
        source = SHARED_CORPUS / name
        if not source.is_dir():
            raise SystemExit(f"the shared corpus {source} is not there")
        copy = work / "corpus" / name
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(source, copy)
        log(f"ingesting {name} ...")
        done = subprocess.run(
            [sys.executable, "-m", "lessonloop", "ingest", "--db", str(store), "--no-progress", str(copy)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"ingest of {name} failed: {done.stderr[-1500:]}")
    return store


def heaviest_prefixes(conn: sqlite3.Connection, length: int) -> list[str]:
    """The store's prefixes of `length` letters, the most occurrences of the words each starts first."""
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_words USING fts5vocab(main, search_fts, 'row')")
    weights: Counter[str] = Counter()
    for term, count in conn.execute("SELECT term, cnt FROM temp.bench_words"):
        word = str(term)
        if len(word) >= length and word[:length].isalpha():
            weights[word[:length]] += int(count)
    return [prefix for prefix, _n in weights.most_common()]


def commonest_words(conn: sqlite3.Connection, count: int) -> list[str]:
    rows = conn.execute("SELECT term FROM temp.bench_words WHERE length(term) > 2 ORDER BY doc DESC LIMIT ?", (count,))
    return [str(row[0]) for row in rows]


def contenders(conn: sqlite3.Connection) -> dict[str, str]:
    letters = string.ascii_lowercase
    heavy = heaviest_prefixes(conn, 3)
    return {
        "one word: error": "error",
        "666 one-letter prefixes (the issue's)": " ".join(letters[n % 26] + "*" for n in range(666)),
        "666 three-letter prefixes, heaviest first": " ".join(p + "*" for p in heavy[:666]),
        f"the bound's most: {MAX_PREFIX_TERMS} heaviest prefixes, {MAX_TERMS - MAX_PREFIX_TERMS} common words": " ".join(
            [p + "*" for p in heavy[:MAX_PREFIX_TERMS]] + commonest_words(conn, MAX_TERMS - MAX_PREFIX_TERMS)
        ),
    }


def run_once(conn: sqlite3.Connection, text: str) -> tuple[float, int]:
    started = time.perf_counter()
    hits = search(conn, parse_query(text), SearchFilters(), LIMIT)
    return time.perf_counter() - started, len(hits)


def unbounded(conn: sqlite3.Connection, text: str) -> tuple[float, int]:
    """`text`'s terms as one FTS5 query, every one of them, as before the bound."""
    terms = ['"' + word.rstrip("*") + '"' + ("*" if word.endswith("*") else "") for word in text.split()]
    started = time.perf_counter()
    hits = search(conn, SearchQuery(" ".join(terms), tuple(text.split())), SearchFilters(), LIMIT)
    return time.perf_counter() - started, len(hits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--work", type=Path, default=REPO / "benchmarks" / ".cache" / "search_terms")
    parser.add_argument("--corpus", nargs="+", default=list(CORPORA), help="shared corpus folders (agent/source)")
    parser.add_argument(
        "--unbounded", type=int, metavar="N", help="also time N of the issue's prefixes without the bound, once"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    store = build(args.work, args.corpus)
    conn = open_store(store)
    places = int(conn.execute("SELECT count(*) FROM search_places").fetchone()[0])
    sessions = int(conn.execute("SELECT count(*) FROM sessions").fetchone()[0])
    queries = contenders(conn)
    names = list(queries)
    times: dict[str, list[float]] = {name: [] for name in names}
    found: dict[str, int] = {}
    for name in names:  # warm-up
        run_once(conn, queries[name])
    for round_ in range(args.rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed, hits = run_once(conn, queries[name])
            times[name].append(elapsed)
            found[name] = hits
    base = statistics.median(times[names[0]])
    rows: list[dict[str, Any]] = []
    for name in names:
        median = statistics.median(times[name])
        notice = parse_query(queries[name]).notice
        rows.append(
            {
                "search": name,
                "hits": found[name],
                "median_ms": round(median * 1000, 2),
                "ratio": round(median / base, 2),
                "left_out": bool(notice),
            }
        )
    result: dict[str, Any] = {"store": str(store), "sessions": sessions, "places": places, "rows": rows}
    if args.unbounded:
        log(f"timing {args.unbounded} of the issue's prefixes without the bound, once ...")
        given = " ".join(queries[names[1]].split()[: args.unbounded])
        elapsed, hits = unbounded(conn, given)
        result["unbounded"] = {
            "search": f"{args.unbounded} one-letter prefixes, unbounded",
            "hits": hits,
            "seconds": round(elapsed, 2),
            "ratio": round(elapsed / base, 1),
        }
    conn.close()
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"store: {sessions:,} sessions, {places:,} places searched ({store}); {args.rounds} rounds, medians")
    print(f"| search | hits | median | / one word (target <= {TARGET:g}x) |")
    print("|---|---:|---:|---:|")
    for row in rows:
        print(f"| {row['search']} | {row['hits']} | {row['median_ms']:.1f} ms | **{row['ratio']:.2f}x** |")
    worst = max(float(row["ratio"]) for row in rows)
    print(f"worst ratio {worst:.2f}x: {'within' if worst <= TARGET else 'OVER'} the target of {TARGET:g}x")
    if "unbounded" in result:
        u = result["unbounded"]
        print(f"without the bound, once: {u['search']}: {u['seconds']} s, {u['ratio']}x")


if __name__ == "__main__":
    main()
