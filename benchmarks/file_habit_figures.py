"""File-habit figures per shared corpus (issue 61, item 6): blind edits, stale edits and search
loops of every main session, as `analyze.blind_edits.find_file_signals` finds them, beside an
earlier version of the analysis (`--before-src`, the `src` folder of a checkout of an earlier
commit, run in a subprocess on the same store).

The store is built once from the shared corpora (`lessonloop ingest`, without learning) unless
`--db` names one already built from them.

Run: `.venv/bin/python benchmarks/file_habit_figures.py [--db STORE] [--before-src /tmp/before/src] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def sources() -> list[Path]:
    return sorted(
        source
        for agent in CORPUS.iterdir()
        if agent.is_dir() and agent.name != "git"
        for source in agent.iterdir()
        if source.is_dir()
    )


def figures(db: str) -> dict[str, dict[str, int]]:
    """{source: {blind_edits, stale_edits, search_loops, sessions}} of the store at `db`."""
    from lessonloop.analyze.blind_edits import find_file_signals
    from lessonloop.store import open_store
    from lessonloop.store.sessions.reader import load_sessions

    out: dict[str, dict[str, int]] = {}
    conn = open_store(Path(db))
    try:
        rows = conn.execute(
            "SELECT s.id, f.path FROM sessions s JOIN source_files f ON f.id = s.source_file_id"
            " WHERE s.parent_id IS NULL ORDER BY s.id"
        ).fetchall()
        by_source: dict[str, list[str]] = {}
        for session_id, path in rows:
            relative = Path(path).relative_to(CORPUS) if path.startswith(str(CORPUS)) else None
            if relative is not None and len(relative.parts) >= 2:
                by_source.setdefault("/".join(relative.parts[:2]), []).append(session_id)
        for source, ids in sorted(by_source.items()):
            counts: Counter[str] = Counter(sessions=len(ids))
            for session in load_sessions(conn, ids):
                signals = find_file_signals(session)
                counts["blind_edits"] += len(signals.blind_edits)
                counts["stale_edits"] += len(signals.stale_edits)
                counts["search_loops"] += len(signals.search_loops)
            out[source] = dict(counts)
    finally:
        conn.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a store already built from the shared corpora")
    parser.add_argument("--before-src", help="the src folder of an earlier checkout, run beside this one")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--figures-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.figures_only:
        print(json.dumps(figures(args.db)))
        return 0
    if not CORPUS.is_dir():
        print(f"no shared corpus at {CORPUS}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or str(Path(folder) / "lessonloop.db")
        if not args.db:
            subprocess.run(
                [sys.executable, "-m", "lessonloop", "ingest", "--db", db, "--no-learn", "--no-progress", "--json",
                 *map(str, sources())],
                check=True, capture_output=True,
            )  # fmt: skip
        now = figures(db)
        before = None
        if args.before_src:
            env = {**os.environ, "PYTHONPATH": f"{args.before_src}{os.pathsep}{ROOT}"}
            done = subprocess.run(
                [sys.executable, __file__, "--figures-only", "--db", db],
                env=env, check=True, capture_output=True, text=True,
            )  # fmt: skip
            before = json.loads(done.stdout)
    if args.json:
        print(json.dumps({"now": now, "before": before}, indent=2))
        return 0
    print("| source | sessions | blind edits (before → now) | stale edits | search loops |")
    print("|---|---|---|---|---|")
    for source, counts in now.items():
        old = (before or {}).get(source, {})

        def pair(name: str, counts: dict[str, int] = counts, old: dict[str, int] = old) -> str:
            return f"{old[name]} → {counts[name]}" if name in old else str(counts[name])

        print(
            f"| {source} | {counts['sessions']} | {pair('blind_edits')} | {pair('stale_edits')} | {pair('search_loops')} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
