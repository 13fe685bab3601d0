"""The hooks' import cost, module by module: how many lessonloop modules each hook event imports and
the sum of their own import times (`python -X importtime`, the "self" column), for this tree and
another source folder side by side.

The whole-process time (benchmarks/hook_bench.py) moves by a fraction of a millisecond when a
module joins or leaves a hook's path, under the noise of a 20-30 ms process; this measures the
import part alone, where a change of the path shows. Both trees run the same hook commands as
Claude Code runs them (`python -I -c ... EVENT`), interleaved with the order alternated each
round, against the store of hook_bench.py (10,000 lessons, 100,000 tool calls) with its timed
session; the payloads are a corpus-like Bash call that fires a lesson (`git push`), a prompt, and
a PostToolUse of a call that worked.

Module names are compared across a move (`lessonloop.core.timestamps` is `lessonloop.timestamps`
of a tree before issue 30) by their last part, with `apply.render` for `apply.context_block`.

Run: `.venv/bin/python benchmarks/hook_import_bench.py --before SRC [--rounds N] [--modules] [--json]`
(SRC: a `git archive` of an older src/).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.hook_bench import SEED, before_tree, build_store
from lessonloop.apply.hooks.command import hook_command

SESSION = "hookbench-session"
RENAMED = {"lessonloop.apply.render": "lessonloop.apply.context_block"}


def payloads(cwd: str, tmp: str) -> dict[str, bytes]:
    base = {"session_id": SESSION, "cwd": cwd, "transcript_path": f"{tmp}/t.jsonl"}
    bash = {"tool_name": "Bash", "tool_input": {"command": "git push"}}
    return {
        "PreToolUse": json.dumps({**base, "hook_event_name": "PreToolUse", **bash, "tool_use_id": "t1"}).encode(),
        "UserPromptSubmit": json.dumps(
            {**base, "hook_event_name": "UserPromptSubmit", "prompt": "run the tests before pushing the branch"}
        ).encode(),
        "PostToolUse": json.dumps(
            {
                **base,
                "hook_event_name": "PostToolUse",
                "tool_name": "Bash",
                "tool_input": {"command": "ls"},
                "tool_response": {"stdout": "done", "stderr": ""},
                "tool_use_id": "t2",
            }
        ).encode(),
    }


def own_imports(argv: list[str], data: bytes, env: dict[str, str]) -> dict[str, int]:
    """lessonloop module -> its own import time in microseconds, for one run of the hook."""
    at = argv.index("-I")
    command = [*argv[:at], "-X", "importtime", *argv[at:]]
    done = subprocess.run(command, input=data, capture_output=True, env=env, check=False)
    found: dict[str, int] = {}
    for line in done.stderr.decode("utf-8", "replace").splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line.split("|")
        name = parts[-1].strip()
        if not name.startswith("lessonloop"):
            continue
        try:
            found[name] = int(parts[0].split(":", 1)[1])
        except ValueError:
            continue  # the header line
    return found


def comparable(name: str) -> str:
    name = RENAMED.get(name, name)
    for package in (".core.", ".settings."):
        name = name.replace(package, ".")
    return name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, required=True, help="another source folder (holding lessonloop/)")
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--modules", action="store_true", help="each module's change too")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {"rounds": args.rounds}
    with tempfile.TemporaryDirectory(prefix="lessonloop-hook-imports-") as tmp:
        cwd = "/home/dev/projects/lessonloop-hookbench"
        db = Path(tmp) / "lessonloop.db"
        build_store(db, 10_000, 100_000, cwd, cwd, SESSION, SEED)
        env = dict(os.environ, LESSONLOOP_DB=str(db), HOME=tmp, XDG_CONFIG_HOME=tmp)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # the hooks run from bytecode
        bodies = payloads(cwd, tmp)
        for event, data in bodies.items():
            now = shlex.split(hook_command(event))
            trees = {"after": now, "before": before_tree(now, args.before)}
            for argv in trees.values():  # warm-up: bytecode written, files cached
                own_imports(argv, data, env)
            totals: dict[str, list[int]] = {"after": [], "before": []}
            modules: dict[str, dict[str, list[int]]] = {"after": {}, "before": {}}
            for round_ in range(args.rounds):
                for side in ("after", "before") if round_ % 2 else ("before", "after"):
                    found = own_imports(trees[side], data, env)
                    totals[side].append(sum(found.values()))
                    for name, micros in found.items():
                        modules[side].setdefault(comparable(name), []).append(micros)
            row: dict[str, Any] = {}
            for side in ("before", "after"):
                row[side] = {"modules": len(modules[side]), "self_us": statistics.median(totals[side])}
            row["change"] = round(row["after"]["self_us"] / row["before"]["self_us"] - 1, 4)
            if args.modules:
                names = sorted(set(modules["before"]) | set(modules["after"]))
                row["by_module"] = {
                    name: [statistics.median(modules[side].get(name, [0])) for side in ("before", "after")]
                    for name in names
                }
            report[event] = row
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for event in bodies:
        row = report[event]
        before, after = row["before"], row["after"]
        print(
            f"{event:17s} modules {before['modules']:2d} -> {after['modules']:2d}   own import time "
            f"{before['self_us']:6.0f} us -> {after['self_us']:6.0f} us ({row['change']:+.1%})"
        )
        for name, (was, now) in sorted(row.get("by_module", {}).items(), key=lambda kv: kv[1][0] - kv[1][1]):
            if was != now:
                print(f"    {now - was:+6.0f} us  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
