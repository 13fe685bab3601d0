"""`lessonloop statusline` against the floor of every hook, `python -c "import json, sqlite3"`:
whole-process times, round by round in turn (the order flipped every other round), the first round
a warm-up. The line is run as `hooks install --statusline` installs it (apply/hooks/command.py's
status_line_command) and as the `lessonloop statusline` script, over a copy of a store (--store;
default: a store made from claude-code/spotter, its last session moved to end 30 minutes ago, so
that a billing block runs) and over a corrupt one, with Claude Code 2.1.328's own input
(tests/data/statusline/).

Run: `.venv/bin/python benchmarks/statusline_bench.py [--store DB] [--rounds 60]`
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.cli.test_costs_ccusage import _moved_to_now  # noqa: E402

from lessonloop.apply.hooks.command import status_line_command  # noqa: E402
from lessonloop.core.agent_specs import default_spec  # noqa: E402

PAYLOAD = REPO / "tests" / "data" / "statusline" / "claude-code-2.1.328.json"
SPOTTER = REPO.parent / "shared" / "corpus" / "claude-code" / "spotter"


def _spotter_store(folder: Path) -> Path:
    projects = folder / "claude" / "projects" / "-spotter"
    projects.mkdir(parents=True)
    transcripts = sorted(SPOTTER.glob("*.jsonl"), key=lambda p: p.stat().st_mtime)
    for path in transcripts[:-1]:
        shutil.copyfile(path, projects / path.name)
    _moved_to_now(transcripts[-1], projects / transcripts[-1].name, minutes_ago=30)
    db = folder / "spotter.db"
    subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--wait", str(projects)],
        check=True,
        capture_output=True,
    )
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a store to copy (default: one made from claude-code/spotter)")
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="statusline-bench-"))
    source = args.store or _spotter_store(folder)
    db = folder / "store.db"
    shutil.copyfile(source, db)
    corrupt = folder / "corrupt.db"
    corrupt.write_bytes(b"no SQLite database here" * 200)
    payload = json.loads(PAYLOAD.read_text(encoding="utf-8"))
    payload["cwd"] = payload["workspace"]["current_dir"] = "/home/USER/projects/spotter"
    data = json.dumps(payload).encode()
    installed = shlex.split(status_line_command(default_spec().id))
    script = str(Path(sys.executable).parent / "lessonloop")
    runs = {
        "floor": ([sys.executable, "-c", "import json, sqlite3"], None),
        "installed": (installed, str(db)),
        "script": ([script, "statusline"], str(db)),
        "corrupt": (installed, str(corrupt)),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    lines: dict[str, str] = {}
    for number in range(args.rounds + 1):
        order = list(runs) if number % 2 else list(runs)[::-1]
        for name in order:
            argv, store = runs[name]
            env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            if store is not None:
                env["LESSONLOOP_DB"] = store
            started = time.perf_counter()
            done = subprocess.run(argv, input=data, env=env, capture_output=True)
            if number:
                times[name].append(time.perf_counter() - started)
            lines[name] = done.stdout.decode().strip()
    floor = statistics.median(times["floor"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:10} median {median * 1000:7.2f} ms   {median / floor:5.2f}x the floor   {lines[name][:110]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
