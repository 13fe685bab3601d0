"""Costs (issue 26, docs/costs.md): what pricing a call takes, and the per-day agreement with ccusage.

    .venv/bin/python benchmarks/costs_bench.py [--rounds 7] [--calls 20000]   # pricing: quick path vs genai-prices
    .venv/bin/python benchmarks/costs_bench.py --ccusage [--ccusage-bin PATH]   # per day against ccusage@20

Pricing: the same calls (random tokens of five models over 56 days, a third past the long-context
tiers) priced by analyze/pricing.call_cost (rates per band of total input, five products a call) and
by genai-prices' own working of each call (calc_price), interleaved round-robin, medians; both
warm (price sets and rates resolved once before the rounds).

--ccusage: the four shared corpus folders (claude-code/spotter, claude-code/codemie, codex/codemie,
codex/parking-lot) copied to a temporary home, read by ccusage (claude daily and session, codex
daily; --offline, TZ=UTC) and by `lessonloop ingest --no-analyze` then `stats --by day --json`;
one Markdown table per folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
MODELS = ["claude-opus-4-6", "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "gpt-5.5", "gpt-5.1-codex-max"]
KINDS = [("input", "inputTokens"), ("output", "outputTokens"), ("cache_creation", "cacheCreationTokens")]
KINDS.append(("cache_read", "cacheReadTokens"))
Call = tuple[str, str, int, int, int, int, None, int]


def _calls(n: int) -> list[Call]:
    rng = random.Random(26)
    calls: list[Call] = []
    for _ in range(n):
        cc = rng.choice([0, rng.randint(0, 60_000)])
        read = rng.randint(0, 400_000) if rng.random() < 0.33 else rng.randint(0, 150_000)
        day = f"2026-{rng.randint(1, 2):02d}-{rng.randint(1, 28):02d}"  # 56 days
        calls.append(
            (rng.choice(MODELS), day, rng.randint(0, 900), rng.randint(0, 9000), cc, read, None, rng.randint(0, cc))
        )
    return calls


def pricing(rounds: int, n: int) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from lessonloop.analyze import pricing as costs

    calls = _calls(n)

    def quick() -> None:
        for c in calls:
            costs.call_cost(c[0], c[1] + "T12:00:00.000Z", *c[2:])

    def table() -> None:
        for model, day, i, o, cc, cr, _, hour in calls:
            costs._table_cost.__wrapped__(model, day, i, o, cc, cr, hour)  # uncached: the working itself

    quick()
    table()  # warm: price sets, rates and genai-prices' own look-ups resolved
    times: dict[str, list[float]] = {"quick": [], "genai-prices": []}
    for r in range(rounds):
        order = [("quick", quick), ("genai-prices", table)]
        for name, run in order if r % 2 == 0 else reversed(order):
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    q, t = statistics.median(times["quick"]), statistics.median(times["genai-prices"])
    print(f"{n:,} calls, {rounds} rounds, medians")
    print("| pricing | per call | ratio |")
    print("|---|---:|---:|")
    print(f"| analyze/pricing.call_cost (rates per band) | {q / n * 1e6:.1f} us | 1.00 |")
    print(f"| genai-prices calc_price per call | {t / n * 1e6:.1f} us | {t / q:.1f} |")


def _run_json(args: list[str], env: dict[str, str]) -> Any:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def agreement(ccusage: str) -> None:
    base = {"PATH": "/usr/bin:/bin", "TZ": "UTC"}
    ours_env = {**os.environ, "TZ": "UTC", "PYTHONPATH": str(ROOT / "src")}
    with tempfile.TemporaryDirectory() as work:
        for agent, source in [
            ("claude-code", "spotter"),
            ("claude-code", "codemie"),
            ("codex", "codemie"),
            ("codex", "parking-lot"),
        ]:
            home = Path(work) / f"{agent}-{source}"
            if agent == "codex":
                folder = home / "sessions"
                shutil.copytree(CORPUS / agent / source / "sessions", folder)
                env = {**base, "CODEX_HOME": str(home), "HOME": str(home)}
                daily = _run_json([ccusage, "codex", "daily", "--json", "--offline"], env)
                total, cost_key, label = daily["totals"], "costUSD", "codex daily totals"
            else:
                folder = home / "claude" / "projects"
                shutil.copytree(CORPUS / agent / source, folder / f"-{source}")
                env = {**base, "HOME": str(home), "CLAUDE_CONFIG_DIR": str(home / "claude")}
                daily = _run_json([ccusage, "claude", "daily", "--json", "--offline"], env)
                total = _run_json([ccusage, "claude", "session", "--json", "--offline"], env)["totals"]
                cost_key, label = "totalCost", "claude session totals"
            db = str(home / "store.db")
            run = [sys.executable, "-m", "lessonloop"]
            subprocess.run(
                [*run, "ingest", "--db", db, "--no-analyze", str(folder)], env=ours_env, capture_output=True, check=True
            )
            mine = _run_json([*run, "stats", "--by", "day", "--db", db, "--json"], ours_env)
            per = {p["period"]: p for p in mine["periods"]}
            print(f"\n{agent}/{source}\n")
            print("| day | ccusage daily | lessonloop | difference | same tokens |")
            print("|---|---:|---:|---:|---|")
            for day in daily["daily"]:
                date = day.get("date") or day.get("period")
                ours = per.get(date, {})
                theirs, cost = float(day[cost_key]), ours.get("cost_usd") or 0.0
                same = all(ours.get(a) == day[b] for a, b in KINDS)
                print(
                    f"| {date} | ${theirs:.4f} | ${cost:.4f} | {100 * (cost - theirs) / theirs:+.2f}% | {'yes' if same else 'no'} |"
                )
            theirs = float(total.get("totalCost", total.get("costUSD", 0.0)))
            cost = mine["totals"]["cost_usd"] or 0.0
            same = all(mine["totals"][a] == total[b] for a, b in KINDS)
            print(
                f"| all ({label}) | ${theirs:.4f} | ${cost:.4f} | {100 * (cost - theirs) / theirs:+.2f}% | {'yes' if same else 'no'} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--ccusage", action="store_true", help="the per-day agreement with ccusage instead")
    parser.add_argument(
        "--ccusage-bin", default=os.environ.get("LESSONLOOP_CCUSAGE", "/tmp/ccu/node_modules/.bin/ccusage")
    )
    args = parser.parse_args()
    if args.ccusage:
        agreement(args.ccusage_bin)
    else:
        pricing(args.rounds, args.calls)


if __name__ == "__main__":
    main()
