"""Reads against a tool that re-reads every file (issue 43, item 1): `stats`, `stats --by day`,
`sessions` and `report` (each with `--json`) on a store of N copies of claude-code/spotter,
against ccusage 20's `daily --json --offline` over the same files, whole processes side by side.

For each scale (default 16 and 64): the corpus copied N times (tests/corpus_copies.claude_code_copies:
every id its copy's, every copy one corpus span later) into a temporary CLAUDE_CONFIG_DIR's
projects/, ingested once (`lessonloop ingest`: the store settles its totals then), and then, in
--rounds interleaved rounds with the order rotated every round, fresh processes of:

- ccusage:  `ccusage daily --json --offline` (ccusage 20, the baseline: it reads every file each time)
- stats, stats-by-day, sessions, report: `lessonloop <command> --json --db <store>`, as a person
  runs them: through the hook server (hook_server.py) that the first round's reads start;
- the same `@in-process`: with LESSONLOOP_HOOK_SERVER=0, each read in its own process (as when no
  server runs: the first read after half an hour idle, which starts one)
- floor:    `python -c "import json, sqlite3"` with the same interpreter (a Python process's least)

Medians; ratio = contender / ccusage of the same scale (targets: each read at most 0.15x at 16x),
and each read at 64x / the same read at 16x (target at most 1.5x). Each read's output is checked
to be JSON that counts the ingested sessions.

Bytecode: as ingest_bench.py, the Python contenders run with PYTHONPYCACHEPREFIX under
benchmarks/.cache (an installed package has its .pyc files); the first round warms it.

Run: `.venv/bin/python benchmarks/reads_bench.py [--scales 16,64] [--rounds 7] [--json]`.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.corpus_copies import CLAUDE_CODE_CORPUS, claude_code_copies

from benchmarks.ingest_bench import lessonloop_cmd, python_env, setup_ccusage20
from lessonloop.hook_server import stop_installed

READS: dict[str, list[str]] = {
    "stats": ["stats", "--json"],
    "stats-by-day": ["stats", "--by", "day", "--json"],
    "sessions": ["sessions", "--json"],
    "report": ["report", "--json"],
}
TARGET_VS_CCUSAGE = 0.15
TARGET_GROWTH = 1.5


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(cmd: list[str], env: dict[str, str] | None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode(errors='replace')[-1500:]}")
    return elapsed, done.stdout.decode(errors="replace")


def _sessions_in(name: str, out: str) -> int:
    """How many main sessions a read's JSON counts (a check that it read the store)."""
    data = json.loads(out)
    if name == "stats":
        return int(data["sessions"])
    if name == "stats-by-day":
        return int(data["totals"]["calls"] > 0)
    if name == "sessions":
        return len(data)
    return len(data["sessions"])


def measure_scale(
    copies: int, rounds: int, work: Path, ccusage: Any, env: dict[str, str] | None, in_process: bool = True
) -> dict[str, Any]:
    home = work / f"home{copies}"
    projects = home / ".claude" / "projects"
    log(f"{copies}x: copying the corpus ...")
    claude_code_copies(projects, copies)
    db = work / f"store{copies}.db"
    log(f"{copies}x: ingesting ...")
    ingest_env = dict(env or os.environ)
    ingest_env["HOME"] = str(home)
    timed(
        [*lessonloop_cmd(), "ingest", "--wait", "--db", str(db), "--no-progress", "--json", str(projects)], ingest_env
    )
    contenders: dict[str, Callable[[], tuple[float, str]]] = {
        "floor": lambda: timed([sys.executable, "-c", "import json, sqlite3"], env),
    }
    alone_env = {**ingest_env, "LESSONLOOP_HOOK_SERVER": "0"}
    for name, words in READS.items():
        contenders[name] = functools.partial(timed, [*lessonloop_cmd(), *words, "--db", str(db)], ingest_env)
        if in_process:
            command = [*lessonloop_cmd(), *words, "--db", str(db)]
            contenders[f"{name}@in-process"] = functools.partial(timed, command, alone_env)
    if ccusage.bin is not None:
        ccusage.config_dir = home / ".claude"
        cc_env = ccusage.env()
        contenders["ccusage"] = lambda: timed([str(ccusage.bin), "daily", "--json", "--offline"], cc_env)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_no in range(rounds + 1):  # round 0 warms the bytecode cache and the page cache
        order = names[round_no % len(names) :] + names[: round_no % len(names)]
        for name in order:
            elapsed, out = contenders[name]()
            if name.split("@")[0] in READS and _sessions_in(name.split("@")[0], out) <= 0:
                raise SystemExit(f"{name} read no session at {copies}x: {out[:300]}")
            if round_no:
                times[name].append(elapsed)
        log(f"{copies}x: round {round_no}/{rounds}")
    stop_installed(ingest_env)  # the hook server the reads started for this scale's HOME
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians.get("ccusage")
    return {
        "copies": copies,
        "medians_s": medians,
        "vs_ccusage": {name: (medians[name] / base if base else None) for name in medians},
        "vs_floor": {name: medians[name] / medians["floor"] for name in medians},
    }


def render(results: list[dict[str, Any]], ccusage_version: str | None) -> str:
    lines = [
        f"ccusage {ccusage_version or '(not run)'} `daily --json --offline` is the baseline; whole processes, medians.",
        "",
        "| scale | contender | median ms | / ccusage | / floor | 64x / 16x |",
        "|---|---|---:|---:|---:|---:|",
    ]
    by_scale = {r["copies"]: r for r in results}
    for result in results:
        for name, median in result["medians_s"].items():
            ratio = result["vs_ccusage"][name]
            growth = ""
            if result["copies"] != min(by_scale) and name.split("@")[0] in READS:
                growth = f"{median / by_scale[min(by_scale)]['medians_s'][name]:.2f}x"
            shown = f"{ratio:.3f}x" if ratio is not None else "-"
            lines.append(
                f"| {result['copies']}x | {name} | {median * 1000:.0f} | {shown} | "
                f"{result['vs_floor'][name]:.2f}x | {growth} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="16,64", help="copies of the corpus, comma-separated (default 16,64)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not CLAUDE_CODE_CORPUS.is_dir():
        raise SystemExit(f"no corpus at {CLAUDE_CODE_CORPUS} (../shared beside the checkout)")
    ccusage = setup_ccusage20()
    if ccusage.bin is None:
        log(f"ccusage 20 not run: {ccusage.skipped}")
    env = python_env(pyc_as_is=False)
    results = []
    with tempfile.TemporaryDirectory(prefix="reads-bench-") as tmp:
        for copies in (int(part) for part in args.scales.split(",")):
            results.append(measure_scale(copies, args.rounds, Path(tmp), ccusage, env))
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"results": results, "ccusage": ccusage.version, "load": load}, indent=2))
    else:
        print(render(results, ccusage.version))
        print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
