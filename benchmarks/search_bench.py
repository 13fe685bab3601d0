"""Session search's speed and size (issue 44): `lessonloop search` as whole processes against the
floor (`python -c "import json, sqlite3"`, a Python process's least), on a store of 16 copies of
claude-code/spotter and the other shared corpora; and what the index adds to the store's size.

The store (WORK/store.db, built once and kept): the copies (tests/corpus_copies.claude_code_copies)
and every other source of ../shared/corpus (claude-code/codemie, codex/codemie, codex/parking-lot,
gemini/codemie, opencode/codemie, aider/aider-dev) ingested by `lessonloop ingest`. The queries are
fixed here, as a person would type them: a rare phrase, common words, a prefix, a path, words of a
prompt, and two with filters. Rounds interleave the contenders, order rotated each round, after a
warm-up; medians; ratio = the search / the floor (target: at most 4x).

Size: two copies of the store, each compacted (VACUUM); from one the search's objects are dropped
(m044's triggers, view, places and index). What the index adds = (with - without) / without
(target: at most a third).

The first ingest's cost of the index: `lessonloop ingest` of claude-code/spotter into a new store,
against the same into a new store whose search triggers were dropped (`--ingest-rounds`).

Timed processes run from bytecode (PYTHONPYCACHEPREFIX under benchmarks/.cache).

Run: `.venv/bin/python benchmarks/search_bench.py [--copies 16] [--rounds 9] [--work DIR] [--json]`
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import SHARED_CORPUS, TEST_SETTINGS  # noqa: E402

# as the test run (ingest analyzes before it returns, no refresh, no hook server): this compares
# stores and times what it always timed
os.environ.update(TEST_SETTINGS)

from benchmarks.ingest_bench import lessonloop_cmd, python_env  # noqa: E402
from benchmarks.reads_bench import timed  # noqa: E402

OTHERS = (
    "claude-code/codemie",
    "codex/codemie",
    "codex/parking-lot",
    "gemini/codemie",
    "opencode/codemie",
    "aider/aider-dev",
)
QUERIES: dict[str, list[str]] = {
    "a rare phrase": ['"permission denied"'],
    "common words": ["error", "test"],
    "a prefix": ["config*"],
    "a path": ["package.json"],
    "a prompt's words": ["fix", "the", "failing", "tests"],
    "failed calls, one agent": ["not", "found", "--failed", "--agent", "claude-code"],
    "as JSON": ["error", "--json"],
}
TARGET_VS_FLOOR = 4.0
TARGET_SIZE = 1 / 3


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build(copies: int, work: Path, env: dict[str, str] | None) -> Path:
    from tests.corpus_copies import claude_code_copies

    store = work / f"store{copies}.db"
    if store.exists():
        return store
    corpus = work / f"corpus{copies}"
    if corpus.exists():
        shutil.rmtree(corpus)
    log(f"copying claude-code/spotter {copies} times and the other corpora into {corpus} ...")
    claude_code_copies(corpus / "spotter", copies)
    for source in OTHERS:
        shutil.copytree(SHARED_CORPUS / source, corpus / source.replace("/", "-"))
    log(f"ingesting them into {store} ...")
    partial = store.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    subprocess.run(
        [*lessonloop_cmd(), "ingest", "--db", str(partial), "--no-progress", *map(str, sorted(corpus.iterdir()))],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    partial.rename(store)
    return store


def sizes(store: Path, work: Path) -> dict[str, int]:
    """The store compacted with its index, and without the search's objects."""
    out: dict[str, int] = {}
    for name, drop in (("with", False), ("without", True)):
        copy = work / f"size-{name}.db"
        shutil.copyfile(store, copy)
        conn = sqlite3.connect(copy, isolation_level=None)
        if drop:
            objects = conn.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') AND name LIKE 'search%'"
            ).fetchall()
            for kind, object_name in objects:
                conn.execute(f"DROP {kind.upper()} {object_name}")
            conn.execute("DROP TABLE search_fts")
            conn.execute("DROP TABLE search_places")
        conn.execute("VACUUM")
        conn.close()
        out[name] = copy.stat().st_size
        copy.unlink()
    return out


def ingest_cost(rounds: int, work: Path, env: dict[str, str] | None) -> dict[str, float]:
    """A first ingest of claude-code/spotter into a new store whose search triggers index every
    row, against one whose search triggers were dropped first (the same code otherwise); medians."""
    from lessonloop.store import open_store

    spotter = SHARED_CORPUS / "claude-code" / "spotter"
    times: dict[str, list[float]] = {"with the index": [], "without": []}
    order = list(times)
    for _ in range(rounds + 1):  # the first round warms up
        for name in order:
            db = work / "ingest-cost.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            open_store(db).close()  # a new store, every migration applied
            if name == "without":
                conn = sqlite3.connect(db, isolation_level=None)
                for (trigger,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search%'"
                ).fetchall():
                    conn.execute(f"DROP TRIGGER {trigger}")
                conn.close()
            seconds, _out = timed([*lessonloop_cmd(), "ingest", "--db", str(db), "--no-progress", str(spotter)], env)
            times[name].append(seconds)
        order.reverse()
    return {name: statistics.median(values[1:]) for name, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--work", type=Path, default=REPO / "benchmarks" / ".cache" / "search")
    parser.add_argument("--ingest-rounds", type=int, default=5, help="rounds of the first ingest's cost (0: none)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    missing = [s for s in ("claude-code/spotter", *OTHERS) if not (SHARED_CORPUS / s).exists()]
    if missing:
        raise SystemExit(f"corpus not found: {', '.join(missing)} (../shared/corpus)")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = python_env(False)
    store = build(args.copies, work, env)
    search = [*lessonloop_cmd(), "search", "--db", str(store)]
    contenders: dict[str, list[str]] = {name: [*search, *words] for name, words in QUERIES.items()}
    contenders["floor"] = [sys.executable, "-c", "import json, sqlite3"]
    found: dict[str, int] = {}
    for name, command in contenders.items():  # warm-up; what each search finds (a check it searched)
        _seconds, out = timed(command, env)
        if name != "floor":
            found[name] = len(json.loads(out)) if "--json" in command else out.count("\n  ")
            if not found[name]:
                raise SystemExit(f"{name}: the search found nothing; the timing would be meaningless")
    times: dict[str, list[float]] = {name: [] for name in contenders}
    order = list(contenders)
    for _ in range(args.rounds):
        for name in order:
            times[name].append(timed(contenders[name], env)[0])
        order = order[1:] + order[:1]
    load = os.getloadavg()
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor = medians["floor"]
    size = sizes(store, work)
    share = size["with"] / size["without"] - 1
    ingest = ingest_cost(args.ingest_rounds, work, env) if args.ingest_rounds > 0 else {}
    result: dict[str, Any] = {
        "copies": args.copies,
        "rounds": args.rounds,
        "load": load,
        "medians_s": medians,
        "ratio_to_floor": {name: medians[name] / floor for name in QUERIES},
        "hits": found,
        "size_bytes": size,
        "index_share": share,
        "first_ingest_s": ingest,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{args.copies} copies of claude-code/spotter + {len(OTHERS)} other sources, {args.rounds} rounds (medians)")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("| search | hits | median | / floor (target <= 4x) |")
    print("|---|---:|---:|---:|")
    for name, words in QUERIES.items():
        print(
            f"| `search {' '.join(words)}` ({name}) | {found[name]} | {medians[name] * 1000:.0f} ms | "
            f"{medians[name] / floor:.2f}x |"
        )
    print(f'| floor: `python -c "import json, sqlite3"` | | {floor * 1000:.0f} ms | 1.00x |')
    print(
        f"store compacted: {size['with'] / 1e6:.1f} MB with the index, {size['without'] / 1e6:.1f} MB without: "
        f"the index adds {share:.1%} (target <= {TARGET_SIZE:.0%})"
    )
    if ingest:
        print(
            f"first ingest of claude-code/spotter: {ingest['with the index'] * 1000:.0f} ms with the index kept by "
            f"its triggers, {ingest['without'] * 1000:.0f} ms without: {ingest['with the index'] / ingest['without']:.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
