"""What the hooks add to each tool call inside a real agent (issue 62, item 5): the agents' own CLIs
(Claude Code, Codex; tests/real_agents, pinned in .ci/agents) driven by the scripted local model
server, one session after another, with lessonloop's hooks installed and without.

Per agent, two workspaces (a temp HOME and git project each, tests/real_agents/workspace.py): one
with `lessonloop hooks install --agent X` (and the agent's trust step), one without. Each round
runs, in both, a session of SHORT tool calls and one of LONG tool calls (`echo step-N`, the
second a failing `ls` of a missing file), order rotated each round, after a warm-up of each.
After each session, untimed, the hooks' background workers (learning, the end-of-turn ingest,
the store's worker) are waited for, so that no session runs beside another's leftovers; those a
session starts while it runs count in its time, as they do for a person.

The added time per tool call is the slope: ((hooked LONG - bare LONG) - (hooked SHORT - bare
SHORT)) / (LONG - SHORT), the per-session hooks (SessionStart, the prompt's, Stop) cancelling
out; beside it the floor, `python -c "import json, sqlite3"` (a Python process's least), timed in
the same rounds. Done-when: the slope <= 3x the floor, for Claude Code and Codex.

`--in-process`: one more workspace in the same rounds, its hook file's commands run as before
the hook server (hook_server.py): entry.run in each hook's own process.

`--stand-ins`: two more workspaces in the same rounds, with the same hook file installed and
trusted but each lessonloop command replaced: by `cat >/dev/null` (what the agent itself spends on
running a hook that does nothing: its process, its shell, reading the answer) and by a Python
process that reads the payload and exits (`python -c "import json, sys, sqlite3; json.load(sys.stdin)"`:
the least a hook written in Python can cost). Their slopes say how much of the hooks' time per call
is the agent's and the interpreter's, and what is left to lessonloop.

Run: `.venv/bin/python benchmarks/hooks_in_agent_bench.py [--agents claude,codex] [--rounds 5]
[--short 2] [--long 10] [--json]` (the CLIs as .ci/run installs them: `npm install
--no-package-lock --prefix .ci/agents`; LESSONLOOP_AGENT_CLIS elsewhere).
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.real_agents import clis  # noqa: E402
from tests.real_agents.drivers import DRIVERS, Driver  # noqa: E402
from tests.real_agents.model_server import ModelServer, Script, Step  # noqa: E402
from tests.real_agents.workspace import Workspace  # noqa: E402

FLOOR = [sys.executable, "-c", "import json, sqlite3"]


def script(calls: int) -> Script:
    """`calls` shell calls: echoes, the second a failing `ls` (a failure the hooks learn from, in
    the short session as in the long: what it costs is per session, not per call)."""
    steps: list[Step | str] = [f"echo step-{n}" if n != 1 else "ls missing-file.txt" for n in range(calls)]
    return Script(steps)


def settle(ws: Workspace, timeout: float = 120) -> None:
    """Wait until lessonloop's background work for this workspace's store is done: the learning
    worker's queue run (the worker itself may linger, asleep, for the next session's failures),
    the end-of-turn ingest worker and the store's worker gone (their locks free)."""
    import fcntl

    from lessonloop.learning.live.worker import wait_idle

    folder = ws.store.parent
    deadline = time.monotonic() + timeout
    if not wait_idle(str(ws.store), timeout=timeout):
        raise SystemExit(f"the learning worker of {ws.store} did not finish in {timeout} s")
    for name in ("ingest.lock", f"{ws.store.name}-worker.lock"):
        path = folder / name
        if not path.exists():
            continue
        with open(path, "a") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit(f"{path} still held after {timeout} s") from None
                    time.sleep(0.05)
                    continue
                fcntl.flock(handle, fcntl.LOCK_UN)
                break


def session(driver: Driver, ws: Workspace, server: ModelServer, calls: int) -> float:
    server.reset(script(calls))
    started = time.perf_counter()
    run = driver.run(ws, server, "Run the steps.")
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"{driver.command} failed:\n{run}")
    asked = [c.step for c in server.scripted()]  # each step's request, then the one for the last text
    if asked != list(range(calls + 1)):
        raise SystemExit(f"{driver.command} was asked for steps {asked}, not each of the {calls} calls:\n{run}")
    settle(ws)
    return seconds


def floor() -> float:
    started = time.perf_counter()
    subprocess.run(FLOOR, check=True)
    return time.perf_counter() - started


STAND_INS = {
    "cat": "cat >/dev/null",
    "python": f"{sys.executable} -c 'import json, sys, sqlite3; json.load(sys.stdin)'",
}


def in_process(command: str) -> str:
    """The installed hook command run as before the hook server: entry.run in its own process."""
    from lessonloop.apply.hooks.command import ENTRY_RUN_CODE, RUN_CODE

    return command.replace(RUN_CODE, ENTRY_RUN_CODE)


def stand_in(ws: Workspace, driver: Driver, command: str | Callable[[str], str]) -> None:
    """Replace every lessonloop command of the workspace's installed hook file by `command` (or
    by what `command` makes of it)."""
    from lessonloop.apply.hooks.command import is_lessonloop_command

    if not driver.hook_file:
        raise SystemExit(f"{driver.command}'s hooks are not a JSON file: --stand-ins cannot replace them")
    path = ws.project / driver.hook_file

    def replaced(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (command(v) if callable(command) else command)
                if k == "command" and is_lessonloop_command(v)
                else replaced(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [replaced(item) for item in value]
        return value

    path.write_text(json.dumps(replaced(json.loads(path.read_text(encoding="utf-8"))), indent=2), encoding="utf-8")


def slope(times: dict[str, list[float]], name: str, short: int, long: int) -> float:
    """The median added time per call of the `name` workspaces against the bare ones."""
    return statistics.median(
        ((hl - bl) - (hs - bs)) / (long - short)
        for hs, hl, bs, bl in zip(
            times[f"{name}-short"], times[f"{name}-long"], times["bare-short"], times["bare-long"], strict=True
        )
    )


def measure(
    name: str, rounds: int, short: int, long: int, work: Path, stand_ins: bool = False, alone: bool = False
) -> dict[str, Any]:
    driver = DRIVERS[name]
    clis.require(driver.command)
    hooked = Workspace(work / f"{name}-hooked")
    bare = Workspace(work / f"{name}-bare")
    kinds = [*(STAND_INS if stand_ins else ()), *(["in-process"] if alone else [])]
    others = {kind: Workspace(work / f"{name}-{kind}") for kind in kinds}
    times: dict[str, list[float]] = {"floor": []}
    with ModelServer() as server:
        for ws in (hooked, bare, *others.values()):
            driver.setup(ws, server)
        for ws in (hooked, *others.values()):
            ws.lessonloop("hooks", "install", "--agent", driver.hooks_agent)
        for kind, ws in others.items():
            stand_in(ws, driver, in_process if kind == "in-process" else STAND_INS[kind])
        for ws in (hooked, *others.values()):
            driver.trust(ws)
        contenders: list[tuple[str, Callable[[], float]]] = [("floor", floor)]
        for label, ws in (("hooked", hooked), ("bare", bare), *others.items()):
            for size, calls in (("short", short), ("long", long)):
                times[f"{label}-{size}"] = []
                contenders.append((f"{label}-{size}", functools.partial(session, driver, ws, server, calls)))
        for _key, run in contenders:  # warm-up
            run()
        for round_number in range(rounds):
            shift = round_number % len(contenders)
            for key, run in contenders[shift:] + contenders[:shift]:
                times[key].append(run())
    for ws in (hooked, *others.values()):
        ws.stop_hook_server()
    median = {key: statistics.median(values) for key, values in times.items()}
    per_call = slope(times, "hooked", short, long)
    return {
        "agent": name,
        "rounds": rounds,
        "calls": [short, long],
        "medians_s": {key: round(value, 4) for key, value in median.items()},
        "per_call_s": round(per_call, 4),
        "per_session_s": round((median["hooked-short"] - median["bare-short"]) - short * per_call, 4),
        "per_call_over_floor": round(per_call / median["floor"], 2),
        "stand_ins_per_call_s": {kind: round(slope(times, kind, short, long), 4) for kind in others},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", default="claude,codex")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--short", type=int, default=2)
    parser.add_argument("--long", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--stand-ins", action="store_true", help="also time the hook file with stand-in commands")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="also time the hooks run as before the hook server, each in its own process",
    )
    args = parser.parse_args(argv)
    for name in ("LESSONLOOP_INGEST_WAIT", "LESSONLOOP_REFRESH", "LESSONLOOP_HOOK_FOREGROUND", "LESSONLOOP_DB"):
        os.environ.pop(name, None)
    results = []
    with tempfile.TemporaryDirectory(prefix="lessonloop-hooks-in-agent-") as folder:
        for name in args.agents.split(","):
            results.append(
                measure(name.strip(), args.rounds, args.short, args.long, Path(folder), args.stand_ins, args.in_process)
            )
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"load": load, "agents": results}, indent=2))
        return 0
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; medians of {args.rounds} rounds")
    print("| agent | bare short / long | hooked short / long | per call | per session | floor | per call / floor |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in results:
        m = row["medians_s"]
        assert isinstance(m, dict)
        print(
            f"| {row['agent']} | {m['bare-short']:.2f} / {m['bare-long']:.2f} s | {m['hooked-short']:.2f} / "
            f"{m['hooked-long']:.2f} s | {float(row['per_call_s']) * 1000:.0f} ms | "
            f"{float(row['per_session_s']) * 1000:.0f} ms | {m['floor'] * 1000:.0f} ms | {row['per_call_over_floor']}x |"
        )
    for row in results:
        for kind, seconds in row["stand_ins_per_call_s"].items():
            what = (
                "run in its own process (as before the hook server)"
                if kind == "in-process"
                else f"a stand-in `{STAND_INS[kind]}`"
            )
            print(
                f"{row['agent']}: per call with every hook {what}: {seconds * 1000:.0f} ms "
                f"({seconds / row['medians_s']['floor']:.2f}x the floor)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
