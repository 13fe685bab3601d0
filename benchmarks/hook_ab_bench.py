"""One hook event, two source trees, A/B: the whole-process time of the same hook with the same
payload from each tree, alternating round by round (the order flipped every other round), the
first round a warm-up. Where hook_bench.py times every hook in rotation with the others, this
isolates one: a gap hook_bench shows for one event can be checked here (issue 45: its Stop rows).

The store is a fresh one with a SessionStart already recorded, in a temporary folder; the ingest
worker's lock is held, so Stop and SessionEnd queue the transcript and start no worker. Payloads:
Claude Code's are built (tests/hook_helpers.py); another agent's is its recorded one
(tests/agents/<agent>/data/hook_payloads/<event>.json) with this folder as its cwd.

Run: `env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/hook_ab_bench.py --before SRC
[--src SRC] [--agent claude|codex|...] [--event Stop | --edit] [--rounds 40] [--store DB --cwd DIR]`
(SRC: a folder holding lessonloop/, e.g. a `git archive` of a commit's src/; --store: a copy of that
store instead of a fresh one, --cwd: the session's folder, a project of that store).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.hook_helpers import HookSession, hook_env  # noqa: E402

AGENTS_TESTS = REPO / "tests" / "agents"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the other source folder (holding lessonloop/)")
    parser.add_argument("--src", type=Path, default=REPO / "src", help="this side's source folder")
    parser.add_argument("--agent", default="claude")
    parser.add_argument("--event", default="Stop")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--store", type=Path, help="a copy of this store instead of a fresh one (it is not changed)")
    parser.add_argument("--cwd", type=Path, help="the session's folder (default: a new git repository)")
    parser.add_argument(
        "--edit",
        action="store_true",
        help="Claude Code's PostToolUse of a successful Edit (a new call each time: the steps after an edit run)",
    )
    args = parser.parse_args()
    trees = {"before": str(args.before.resolve()), "now": str(args.src.resolve())}
    folder = Path(tempfile.mkdtemp(prefix="hook-ab-"))
    repo = folder / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    env = hook_env(folder / "store" / "lessonloop.db")
    if args.store is not None:  # its -wal too, when one holds changes
        (folder / "store").mkdir()
        for suffix in ("", "-wal"):
            if Path(f"{args.store}{suffix}").exists():
                shutil.copyfile(f"{args.store}{suffix}", f"{env['LESSONLOOP_DB']}{suffix}")
    session = HookSession(args.cwd or repo, env)
    session.start()
    transcript = folder / "transcript.jsonl"
    transcript.write_text("")
    if args.agent == "claude":
        payload = {**session.payload(args.event), "stop_hook_active": False, "transcript_path": str(transcript)}
        argv = ["lessonloop", "hook", args.event]
    else:
        payload = json.loads((AGENTS_TESTS / args.agent / "data" / "hook_payloads" / f"{args.event}.json").read_text())
        payload.update({"cwd": str(repo), "transcript_path": str(transcript)})
        argv = ["lessonloop", "hook", f"--agent={args.agent}", args.event]
    if args.edit:
        target = repo / "app.py"
        target.write_text("a = 2\n")
        edit = {"file_path": str(target), "old_string": "a = 1", "new_string": "a = 2"}
        payload = {**session.payload("PostToolUse"), "tool_name": "Edit", "tool_input": edit}
        payload["tool_response"] = {"filePath": str(target), "oldString": "a = 1", "newString": "a = 2"}
        argv = ["lessonloop", "hook", "PostToolUse"]
    data = json.dumps(payload).encode()
    calls = iter(range(10**9))
    run_env = {k: v for k, v in env.items() if k not in ("LESSONLOOP_HOOK_FOREGROUND", "PYTHONDONTWRITEBYTECODE")}
    times: dict[str, list[float]] = {name: [] for name in trees}
    with open(Path(env["LESSONLOOP_DB"]).parent / "ingest.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a worker "running": Stop queues, starts none
        for number in range(args.rounds + 1):
            order = list(trees) if number % 2 else list(trees)[::-1]
            for name in order:
                code = (
                    f"import sys; sys.path.insert(0, {trees[name]!r}); from lessonloop.__main__ import main; "
                    f"sys.argv = {argv!r}; main()"
                )
                if args.edit:  # a call not stored yet, as every real one
                    data = json.dumps({**payload, "tool_use_id": f"toolu_ab_{next(calls)}"}).encode()
                started = time.perf_counter()
                subprocess.run([sys.executable, "-I", "-c", code], input=data, env=run_env, capture_output=True)
                if number:  # the first round writes the bytecode
                    times[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    for name, value in medians.items():
        print(f"{name:7} {args.agent} {'PostToolUse (edit)' if args.edit else args.event}: median {value:.2f} ms")
    print(f"now / before: {medians['now'] / medians['before']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
