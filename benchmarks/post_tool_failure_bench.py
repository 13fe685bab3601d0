"""What a failed call's PostToolUse hook costs when it learns at once (issue 41): the hook as Claude
Code runs it (the installed command, one process per call), side by side in one run with the
floor `python -c "import json, sqlite3"`, for three kinds of calls, each kind in a session of its
own, in a fresh store:

- quiet: a successful `ls` with no failure of the session still open (nothing to learn);
- failure: a failure whose class teaches nothing at its first occurrence (UNKNOWN): stored and
  classified only;
- teaches: a failure that teaches at once a lesson that speaks in its own session (a program
  that does not exist here): stored, classified, learned (in_session.learn_at_once).

The kinds are interleaved round-robin, the order rotated each round, after one warm-up of each;
medians and ratios to the floor are printed.

Run: `.venv/bin/python benchmarks/post_tool_failure_bench.py [--rounds N] [--json]`
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.hook_helpers import hook_env  # noqa: E402

from lessonloop.apply.hooks.command import hook_command  # noqa: E402


def _timed(argv: list[str], payload: bytes | None, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, input=payload, capture_output=True, env=env, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="post-tool-bench-"))
    project = work / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    env = hook_env(work / "store" / "lessonloop.db")
    # a session per kind: a success in a session with a failure still open learns from it (not quiet)
    sessions = {kind: str(uuid.uuid4()) for kind in ("quiet", "failure", "teaches")}
    floor = [sys.executable, "-c", "import json, sqlite3"]

    def payload(kind: str, at: int) -> tuple[list[str], bytes]:
        if kind == "quiet":
            event, fields = (
                "PostToolUse",
                {
                    "tool_input": {"command": f"ls dir{at}"},
                    "tool_response": {"stdout": "a\n", "stderr": "", "interrupted": False, "isImage": False},
                },
            )
        elif kind == "failure":
            event, fields = (
                "PostToolUseFailure",
                {
                    "tool_input": {"command": f"make target{at}"},
                    "error": "Exit code 2\nsomething odd happened",
                    "is_interrupt": False,
                },
            )
        else:
            program = f"tool{at}"
            event, fields = (
                "PostToolUseFailure",
                {
                    "tool_input": {"command": f"{program} -n 1p a.txt"},
                    "error": f"Exit code 127\nbash: line 1: {program}: command not found",
                    "is_interrupt": False,
                },
            )
        base = {"session_id": sessions[kind], "transcript_path": str(project / "t.jsonl"), "cwd": str(project)}
        body = {**base, "hook_event_name": event, "tool_name": "Bash", "tool_use_id": f"{kind}-{at}", **fields}
        return shlex.split(hook_command(event, ())), json.dumps(body).encode()

    kinds = ["floor", "quiet", "failure", "teaches"]
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for at in range(args.rounds + 1):
        order = kinds[at % len(kinds) :] + kinds[: at % len(kinds)]
        for kind in order:
            if kind == "floor":
                spent = _timed(floor, None, env)
            else:
                argv, data = payload(kind, at)
                spent = _timed(argv, data, env)
            if at:  # round 0 warms up
                times[kind].append(spent)
    medians = {kind: statistics.median(values) for kind, values in times.items()}
    result: dict[str, Any] = {
        kind: {"median_ms": round(medians[kind] * 1000, 2), "ratio": round(medians[kind] / medians["floor"], 2)}
        for kind in kinds
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for kind in kinds:
        print(f"{kind:8} median {result[kind]['median_ms']:7.2f} ms  ratio {result[kind]['ratio']:.2f}")


if __name__ == "__main__":
    main()
