"""Whole ingest, now against an earlier version side by side (issue 60: what the structural
redaction rules cost a first ingest).

Each round runs `python -m lessonloop ingest --db <new store> --no-progress --no-analyze <corpus
copies>` (with --wait: `ingest --wait`, the analysis and learning too) twice,
in turn: with this checkout's src/, and with `--before-src` (the src/ of an earlier commit's
checkout: `git worktree add /tmp/before COMMIT`), each into a new store; the order alternates every
round. Prints the median of each and their ratio.

Run: `.venv/bin/python benchmarks/ingest_before_after.py --before-src /tmp/before/src [--rounds 5]
[--corpus ../shared/corpus/claude-code/spotter --corpus ../shared/corpus/codex/codemie] [--wait] [--json]`.
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

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [
    ROOT.parent / "shared" / "corpus" / "claude-code" / "spotter",
    ROOT.parent / "shared" / "corpus" / "codex" / "codemie",
]


def _compiled_once() -> dict[str, str]:
    """The environment with each side's bytecode kept (benchmarks/.cache/pycache): with
    PYTHONDONTWRITEBYTECODE set, a src/ made by `git archive` has no .pyc and is compiled on every
    run, which a checkout's src/ with its __pycache__ is not: half a second of difference that is
    neither side's code."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(ROOT / "benchmarks" / ".cache" / "pycache")
    return env


def run(src: Path, corpora: list[Path], work: Path, tag: str, mode: str = "--no-analyze") -> float:
    """One ingest into a new store; `mode`: --no-analyze (the read alone) or --wait (the read, the
    analysis and the learning, before it returns). Never the background worker: it would go on
    writing in the folder after the command returned, and take the machine from the next round."""
    db = work / f"{tag}-{time.monotonic_ns()}.db"
    env = {**_compiled_once(), "PYTHONPATH": str(src), "LESSONLOOP_CONFIG": str(work / "config.toml")}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--no-progress", mode, *map(str, corpora)],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    for path in work.glob(f"{db.name}*"):
        path.unlink()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before-src", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, action="append", help="a folder to ingest (repeatable)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--wait", action="store_true", help="ingest --wait: the analysis and learning too")
    args = parser.parse_args(argv)
    corpora = args.corpus or DEFAULT
    missing = [str(path) for path in corpora if not path.is_dir()]
    if missing:
        print(f"no such folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        copies = []
        for index, corpus in enumerate(corpora):
            copy = work / f"corpus{index}"
            shutil.copytree(corpus, copy)
            copies.append(copy)
        runs: dict[str, list[float]] = {"now": [], "before": []}
        mode = "--wait" if args.wait else "--no-analyze"
        run(ROOT / "src", copies, work, "warm", mode)
        run(args.before_src, copies, work, "warm", mode)
        for round_ in range(args.rounds):
            order = ("now", "before") if round_ % 2 == 0 else ("before", "now")
            for tag in order:
                runs[tag].append(run(ROOT / "src" if tag == "now" else args.before_src, copies, work, tag, mode))
    now, before = statistics.median(runs["now"]), statistics.median(runs["before"])
    figures = {
        "now_s": round(now, 2),
        "before_s": round(before, 2),
        "ratio": round(now / before, 2),
        "rounds": args.rounds,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"ingest median of {args.rounds}: now {now:.2f} s, before {before:.2f} s, ratio {now / before:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
