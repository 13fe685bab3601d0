"""`lessonloop lessons list` over many pending lessons (issue 39: 10,000 pending items took 6.5 s).

A store of `--lessons` pending lessons is made once in a temporary folder (JSONL imported by the
real CLI, each with a title, a body, a prevention and a trigger, as a team's or an import's would
be). Then, interleaved round-robin with the order rotated each round, medians over `--rounds`:

In this process (the table drawn into a 160-column console writing to memory, what a pipe gets):
- baseline: the rows drawn by rich's Table, as `lessons list` drew them before (every cell
  measured and rendered by rich; report/lesson_render.py keeps it for a terminal too narrow for
  the title's column);
- laid out: report/lesson_render.render_lesson_list as it is (the lines built cell by cell);
- read: list_lessons alone (the store's rows, every trigger read), for scale.

As whole processes (`python -m lessonloop lessons list --db STORE`, output to a pipe): this tree,
and with `--ref COMMIT` the tree at that commit (its src/ exported by `git archive`).

Ratio = contender / baseline.

Run: `.venv/bin/python benchmarks/lessons_list_bench.py [--lessons 10000] [--rounds 7] [--ref COMMIT] [--json]`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


def build_store(folder: Path, count: int) -> Path:
    """`count` pending lessons imported into a new store in `folder` by the real CLI."""
    source = folder / "lessons.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for n in range(count):
            record = {
                "signature": f"bench-{n:06d}",
                "kind": "usage",
                "title": f"`tool{n} run` fails without --flag{n}: the option it needs is missing",
                "body": f"tool{n} run failed: the flag was missing (src/module_{n % 97}/file_{n}.py)",
                "prevention": f"Run `tool{n} run --flag{n}` first.",
                "scope": "global",
                "sessions": 3 + n % 5,
                "failed_sessions": 2 + n % 3,
                "observations": 4,
                "trigger": {"kind": "shell", "words": [f"tool{n}", "run"], "lacks": [f"--flag{n}"]},
            }
            out.write(json.dumps(record) + "\n")
    db = folder / "lessonloop.db"
    done = _lessonloop(REPO / "src", "lessons", "import", "--db", str(db), str(source))
    if done.returncode != 0:
        raise SystemExit(f"the import failed: {done.stderr}")
    return db


def _env(src: Path) -> dict[str, str]:
    config = tempfile.mkdtemp(prefix="lessonloop-bench-config-")
    return {
        **os.environ,
        "PYTHONPATH": str(src),
        "LESSONLOOP_CONFIG": os.path.join(config, "config.toml"),
        "XDG_CONFIG_HOME": config,
        "LESSONLOOP_EMBEDDINGS": "none",
    }


def _lessonloop(src: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", *args], env=_env(src), capture_output=True, text=True, check=False
    )


def in_process(db: Path) -> dict[str, Callable[[], object]]:
    from rich.console import Console

    from lessonloop.report import lesson_render
    from lessonloop.store import open_store
    from lessonloop.store.lessons.reader import list_lessons

    conn = open_store(db)
    rows = list_lessons(conn, status="pending")
    if not rows:
        raise SystemExit("the store holds no pending lesson")

    def console() -> Console:
        return Console(file=io.StringIO(), width=160, color_system=None, highlight=False, soft_wrap=False)

    def baseline() -> object:
        out = console()
        cells = [lesson_render._list_cells(lesson) for lesson in rows]
        widths = [max(len(name), *(len(row[i]) for row in cells)) for i, name in enumerate(lesson_render.LIST_NAMES)]
        room = out.width - sum(widths) - 2 * len(lesson_render.LIST_NAMES)
        lesson_render._rich_table(out, rows, cells, widths, room)
        return out

    return {
        "baseline: rich's Table (before)": baseline,
        "laid out (render_lesson_list)": lambda: lesson_render.render_lesson_list(console(), rows, ("pending",)),
        "read: list_lessons": lambda: list_lessons(conn, status="pending"),
    }


def processes(db: Path, ref_src: Path | None) -> dict[str, Callable[[], object]]:
    found = {"lessonloop lessons list (this tree)": REPO / "src"}
    if ref_src is not None:
        found["lessonloop lessons list (--ref)"] = ref_src

    def run(src: Path) -> Callable[[], object]:
        def go() -> object:
            done = _lessonloop(src, "lessons", "list", "--db", str(db))
            if done.returncode != 0:
                raise SystemExit(done.stderr)
            return done

        return go

    return {name: run(src) for name, src in found.items()}


def measure(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds of each contender, interleaved round-robin, the order rotated each round,
    after one warm-up run of each."""
    names = list(contenders)
    for name in names:
        contenders[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(rounds):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            contenders[name]()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def export_ref(ref: str, folder: Path) -> Path:
    """The src/ of commit `ref`, exported into `folder`."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src"], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--ref", help="also time the whole process of the tree at this commit")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lessonloop-list-bench-") as folder:
        db = build_store(Path(folder), args.lessons)
        ref_src = export_ref(args.ref, Path(folder) / "ref") if args.ref else None
        inner = measure(in_process(db), args.rounds)
        outer = measure(processes(db, ref_src), max(3, args.rounds // 2))
    baseline = inner["baseline: rich's Table (before)"]
    result = {
        "lessons": args.lessons,
        "rounds": args.rounds,
        "in_process": {name: {"median_s": round(v, 4), "ratio": round(v / baseline, 3)} for name, v in inner.items()},
        "process": {name: {"median_s": round(v, 3)} for name, v in outer.items()},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"lessons list over {args.lessons:,} pending lessons ({args.rounds} rounds, medians)")
    for name, figures in result["in_process"].items():
        print(f"  {name:<40} {figures['median_s'] * 1000:9.1f} ms  x{figures['ratio']:.3f}")
    for name, figures in result["process"].items():
        print(f"  {name:<40} {figures['median_s'] * 1000:9.1f} ms  (whole process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
