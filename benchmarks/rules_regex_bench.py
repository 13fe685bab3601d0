"""A repository's rules file cannot stall ingest with its regexes (issue 82, item 6).

A real Claude Code transcript (tests/agents/claude/data/claude_code_2_1_328) whose working folder is a temporary
project with a `.lessonloop/workflow.toml`, its first `git push` rewritten as a 28-`a` command
ending in `!`, ingested with analysis (`ingest --wait`) into a new store by a whole process, two
contenders interleaved round-robin (order rotated each round), medians:

- benign: the rules file's `never` rule has the pattern `^b$`;
- exponential: the same rule with `^(a+)+$` (29 s on that command with Python's engine).

Target: the exponential file costs ingest under a second more than the benign one.

Run: `.venv/bin/python benchmarks/rules_regex_bench.py [--rounds N] [--src PATH]` (`--src`: the
lessonloop sources to run, e.g. a worktree of an earlier commit; PYTHONPATH is set to it).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPT = ROOT / "tests" / "agents" / "claude" / "data" / "claude_code_2_1_328"
COMMAND = "a" * 28 + "!"
RULES = """
[[rule]]
id = "no-as"
kind = "never"
when = {{ command = '''{pattern}''' }}
"""
PATTERNS = {"benign": "^b$", "exponential": "^(a+)+$"}


def _project(base: Path, name: str, pattern: str) -> Path:
    """A project folder with the rules file, and the transcript rewritten to run in it."""
    project = base / name / "repo"
    (project / ".lessonloop").mkdir(parents=True)
    (project / ".lessonloop" / "workflow.toml").write_text(RULES.format(pattern=pattern), encoding="utf-8")
    folder = base / name / "transcripts"
    folder.mkdir()
    for source in TRANSCRIPT.glob("*.jsonl"):
        text = source.read_text(encoding="utf-8").replace("/tmp/cc1/repo", str(project))
        text = text.replace('"command":"git push"', f'"command":"{COMMAND}"', 1)
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder


def _ingest(folder: Path, db: Path, src: str | None) -> float:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "lessonloop",
            "ingest",
            "--wait",
            "--db",
            str(db),
            "--no-progress",
            "--json",
            str(folder),
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=600,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--src", help="the lessonloop sources to run (PYTHONPATH)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="rules-regex-"))
    try:
        folders = {name: _project(base, name, pattern) for name, pattern in PATTERNS.items()}
        names = list(folders)
        times: dict[str, list[float]] = {name: [] for name in names}
        for name in names:  # warm-up
            _ingest(folders[name], base / f"{name}.db", args.src)
        for round_ in range(args.rounds):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            for name in order:
                times[name].append(_ingest(folders[name], base / f"{name}.db", args.src))
        benign = statistics.median(times["benign"])
        for name in names:
            median = statistics.median(times[name])
            print(f"{name:12} {median * 1000:9.0f} ms  {median / benign:6.3f}x  (+{(median - benign) * 1000:.0f} ms)")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
