"""Reading the agents issue 85 added, against ccusage 20 on the same files: whole-process times,
round by round in turn (the order rotated every round), the first round a warm-up.

One temporary HOME holds every real file of the new agents' tests where each agent keeps it: the
pi coding agent's two sessions, OpenClaw's JSONL session and the SQLite store OpenClaw 2026.9.6
wrote, Amp's thread, Hermes Agent's state.db, Grok Build's session, Antigravity's transcripts,
Cursor 0.42's workspace database and Goose's (empty) sessions.db. Contenders:

- ingest:   `lessonloop ingest --db <fresh store> --no-analyze --no-progress --json` (no path: found
            where each agent keeps its files), into a new store each round
- repeat:   the same command again on that store (nothing new: what every later read costs)
- ccusage:  `ccusage session --json --offline` (its unified report over every agent it reads)
- startup:  `python -c pass`, for reference

Run: `.venv/bin/python benchmarks/new_agents_bench.py [--rounds 15]`
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.agents.amp.test_amp_adapter import amp_home  # noqa: E402
from tests.agents.antigravity.test_antigravity_adapter import agy_home  # noqa: E402
from tests.agents.cursor.test_cursor_reader import workspace_home  # noqa: E402
from tests.agents.goose.test_goose_adapter import goose_home  # noqa: E402
from tests.agents.grok.test_grok_adapter import grok_home  # noqa: E402
from tests.agents.hermes.test_hermes_adapter import hermes_home  # noqa: E402
from tests.agents.openclaw.test_openclaw_adapter import openclaw_home  # noqa: E402
from tests.agents.openclaw.test_openclaw_sqlite import openclaw_store_home  # noqa: E402
from tests.agents.pi_agent.test_pi_adapter import pi_home  # noqa: E402
from tests.ccusage import ccusage_path  # noqa: E402

HOMES: tuple[Callable[[Path], Path], ...] = (
    pi_home, openclaw_home, openclaw_store_home, amp_home, hermes_home, grok_home, agy_home, workspace_home,
    goose_home,
)  # fmt: skip


def _home(folder: Path) -> Path:
    """One HOME with every agent's files, each where the agent keeps them."""
    home = folder / "home"
    for number, make in enumerate(HOMES):
        part = make(folder / f"part{number}")
        shutil.copytree(part, home, dirs_exist_ok=True)
    return home


def _timed(argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(f"{argv[:4]} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="new-agents-bench-"))
    try:
        home = _home(folder)
        keep = ("PATH", "LANG", "TZ")
        env = {k: v for k, v in os.environ.items() if k in keep} | {"HOME": str(home), "TZ": "UTC"}
        found = ccusage_path()
        if found is None:
            raise SystemExit(
                "ccusage 20 is needed: npm install --prefix .ci/.ccusage ccusage@20 @ccusage/ccusage-linux-x64"
            )
        ccusage = [found, "session", "--json", "--offline"]
        lessonloop = [sys.executable, "-m", "lessonloop", "ingest", "--no-analyze", "--no-progress", "--json"]
        times: dict[str, list[float]] = {"ingest": [], "repeat": [], "ccusage": [], "startup": []}
        for round_number in range(args.rounds + 1):
            db = folder / f"store{round_number}.db"
            steps: list[tuple[str, Callable[..., float]]] = [
                ("ingest", lambda db=db: _timed([*lessonloop, "--db", str(db)], {**os.environ, **env})),
                ("ccusage", lambda: _timed(ccusage, env)),
                ("startup", lambda: _timed([sys.executable, "-c", "pass"], env)),
            ]
            shift = round_number % len(steps)
            for name, run in steps[shift:] + steps[:shift]:
                elapsed = run()
                if name == "ingest":
                    again = _timed([*lessonloop, "--db", str(db)], {**os.environ, **env})
                    if round_number:
                        times["repeat"].append(again)
                if round_number:  # the first round warms the caches up
                    times[name].append(elapsed)
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, value in medians.items():
            print(f"{name:8} {value * 1000:8.1f} ms")
        print(f"ingest / ccusage  {medians['ingest'] / medians['ccusage']:.2f}x")
        print(f"repeat / ccusage  {medians['repeat'] / medians['ccusage']:.2f}x")
        print(f"repeat / ingest   {medians['repeat'] / medians['ingest']:.2f}x")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
