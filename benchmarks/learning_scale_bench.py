"""Learning that scales (issue 15): the Stop worker's whole work for one new turn, on 1x, 16x and
64x copies of the spotter corpus; `learn` on an unchanged store; a repeat ingest.

The copies are tests/corpus_copies.claude_code_copies: every id replaced by the copy's own and
every record time moved one corpus span later per copy, as if one person had worked N times as
long. The last turn (its last typed prompt and everything after it) of the latest main session of
the last copy is held back; the store is made by the worker's own function (`ingest_transcripts`:
ingest, projects, analysis, learning) over the whole folder. Then, each round, from a copy of that
store, in a fresh process:

- turn:    the turn appended to its transcript, and `ingest_transcripts([that transcript])`: what
           the Stop hook's worker does for one new turn (python -m lessonloop.pipeline.live_ingest)
- learn:   `learn_store(conn)` on the unchanged store, once the turn was ingested and learned and
           `lessonloop ingest` ran once more (what `lessonloop learn` does after its analysis)
- repeat:  `ingest_transcripts([the whole folder])` again on that store, nothing new (a repeat ingest)
- relearn: `learn_store(conn, force=True)` on that store: everything learned again (not a default
           phase: `--phases relearn`)
- late:    a late line on that store (issue 28, item 2; not a default phase: `--phases late`): a
           copy of the last tool call (its tool_use and tool_result lines, ids made new, one second
           after its last record) appended to the main session of the last copy that ended last
           among those ending more than 12 hours before the corpus's last record (older than
           learning's boundary: the learner had ended it), and `ingest_transcripts([that
           transcript])`, the Stop worker's work for it
- late-old: the same for the main session of the first copy that ended last (at 1x the same as
           late; at 64x 190 days before the last record: the worst case, learned again from nearly
           the start)
- cli-repeat: `lessonloop ingest <folder> --no-bandit --json` again (the CLI's main, in the child),
           nothing new: discovery, ingest's plan, projects, the CLI's analysis check of every
           session, learning

The embedding model is off in the children (LESSONLOOP_EMBEDDINGS=off). Seconds are measured
inside the child process around that call (interpreter start and imports
are the same for every size and are not learning's cost); peak memory is the child's own peak
resident set (VmHWM of /proc/self/status: ru_maxrss would keep the bench's own, inherited across
the fork). Sizes and phases are interleaved, order rotated each round, medians reported, with
ratios 16x/1x and 64x/1x. `--src PATH` runs the children with PYTHONPATH=PATH (e.g. a
`git archive` of HEAD's src) for a before/after comparison; both may be given (`--src` twice,
each labelled by its path) and are then run side by side in the same rounds.

Run: `.venv/bin/python benchmarks/learning_scale_bench.py [--sizes 1 16 64] [--rounds 5]
[--src PATH ...] [--phases turn late late-old relearn ...] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.corpus_copies

_CHILD = """
import json, os, resource, sqlite3, sys, time
from pathlib import Path
phase, db, target = sys.argv[1], sys.argv[2], sys.argv[3]
from lessonloop.store import open_store
from lessonloop.pipeline.live_ingest import ingest_transcripts
from lessonloop.learning.runs import learn_store
conn = open_store(Path(db))
started = time.perf_counter()
if phase == "learn":
    result = learn_store(conn).to_json()
elif phase == "relearn":
    result = learn_store(conn, force=True).to_json()
elif phase == "cli-repeat":
    import contextlib, io
    from lessonloop.cli import main
    conn.close()
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        main(["ingest", target, "--db", db, "--no-bandit", "--no-progress", "--json"])
    result = json.loads(out.getvalue())
    conn = open_store(Path(db))
else:
    result = ingest_transcripts(conn, [target], bandit=False)
seconds = time.perf_counter() - started
conn.close()
try:  # this process's own peak (ru_maxrss keeps the forking parent's after exec)
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": peak, "learning": result.get("learning", result)}, default=str))
"""


def held_back_turn(path: Path) -> int:
    """The byte offset of the last typed prompt of transcript `path` that has a tool call after it."""
    data = path.read_bytes()
    offset = 0
    best = -1
    seen_tool = False
    starts: list[tuple[int, bytes]] = []
    for line in data.splitlines(keepends=True):
        starts.append((offset, line))
        offset += len(line)
    for start, line in reversed(starts):
        if b'"type":"tool_use"' in line:
            seen_tool = True
        if seen_tool and _typed_prompt(line):
            best = start
            break
    if best < 0:
        raise SystemExit(f"no typed prompt followed by a tool call in {path}")
    return best


def _typed_prompt(line: bytes) -> bool:
    try:
        record = json.loads(line)
    except ValueError:
        return False
    message = record.get("message") if isinstance(record, dict) else None
    return (
        record.get("type") == "user"
        and not record.get("isMeta")
        and isinstance(message, dict)
        and isinstance(message.get("content"), str)
    )


def latest_main_session(folder: Path) -> Path:
    """The main session transcript (a <uuid>.jsonl beside its folder) whose last record is latest."""
    best: tuple[str, Path] | None = None
    for path in folder.glob("*.jsonl"):
        if not (folder / path.stem).is_dir():
            continue
        times = [line for line in path.read_bytes().splitlines() if b'"timestamp":"' in line]
        if not times:
            continue
        last = times[-1].split(b'"timestamp":"', 1)[1][:24].decode()
        if best is None or last > best[0]:
            best = (last, path)
    if best is None:
        raise SystemExit(f"no main session in {folder}")
    return best[1]


_STAMP = re.compile(rb'"timestamp":"([^"]+)"')
_UUID = re.compile(rb'"(?:uuid|id|tool_use_id|requestId)":"([^"]+)"')


def _last_time(path: Path) -> str:
    found = _STAMP.findall(path.read_bytes())
    return found[-1].decode() if found else ""


def older_session(folder: Path, latest: str) -> Path:
    """The main session of `folder` that ended last among those ending more than 12 hours before
    `latest` (the corpus's last record)."""
    limit = _shift(latest, -timedelta(hours=12, minutes=1))
    best: tuple[str, Path] | None = None
    for path in folder.glob("*.jsonl"):
        if not (folder / path.stem).is_dir():
            continue
        last = _last_time(path)
        if last and last < limit and (best is None or last > best[0]):
            best = (last, path)
    if best is None:
        raise SystemExit(f"no main session in {folder} ended 12 hours before {latest}")
    return best[1]


def _shift(stamp: str, by: timedelta) -> str:
    moment = datetime.strptime(stamp[:23], "%Y-%m-%dT%H:%M:%S.%f") + by
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:23] + "Z"


def late_lines(path: Path) -> bytes:
    """A copy of transcript `path`'s last tool call (its tool_use line and its tool_result line),
    every id made new, one second after its last record."""
    lines = path.read_bytes().splitlines(keepends=True)
    use = next(i for i in range(len(lines) - 1, -1, -1) if b'"type":"tool_use"' in lines[i])
    tool_id = re.search(rb'"type":"tool_use","id":"([^"]+)"', lines[use])
    assert tool_id is not None, lines[use][:200]
    result = next(i for i in range(use + 1, len(lines)) if b'"tool_use_id":"' + tool_id.group(1) in lines[i])
    when = _shift(_last_time(path), timedelta(seconds=1)).encode()
    out = b""
    for line in (lines[use], lines[result]):
        line = _UUID.sub(lambda m: m.group(0).replace(m.group(1), m.group(1)[:-4] + b"late"), line)
        line = _STAMP.sub(b'"timestamp":"' + when + b'"', line)
        out += line if line.endswith(b"\n") else line + b"\n"
    return out


def child(src: str | None, phase: str, db: Path, target: Path) -> dict[str, Any]:
    # Without the embedding model (loading it takes seconds and memory of its own, not learning's).
    env = {**os.environ, "LESSONLOOP_CONFIG": str(db.parent / "no-config.toml"), "LESSONLOOP_EMBEDDINGS": "off"}
    if src:
        env["PYTHONPATH"] = src
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, phase, str(db), str(target)], capture_output=True, text=True, env=env
    )
    if done.returncode:
        raise SystemExit(f"the {phase} child failed ({src or 'current code'}):\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def prepare(size: int, work: Path, src: str | None, label: str) -> dict[str, Any]:
    """The size's corpus (once per size) and its store as `src`'s code makes it."""
    from tests.corpus_copies import claude_code_copies

    corpus = work / f"x{size}" / "corpus"
    if not corpus.exists():
        claude_code_copies(corpus, size)
        session = latest_main_session(corpus / f"copy{size - 1:03d}")
        data = session.read_bytes()
        cut = held_back_turn(session)
        (corpus.parent / "turn.jsonl").write_bytes(data[cut:])
        (corpus.parent / "session.txt").write_text(str(session))
    session = Path((corpus.parent / "session.txt").read_text())
    turn = (corpus.parent / "turn.jsonl").read_bytes()
    whole = session.read_bytes()
    assert whole.endswith(turn), "the session's transcript does not end with the held-back turn"
    session.write_bytes(whole[: len(whole) - len(turn)])  # each version's store is made without the turn
    store = work / f"x{size}" / f"{label}.db"
    started = time.perf_counter()
    made = child(src, "ingest", store, corpus)
    session.write_bytes(whole)  # the turn stays in the file: each round's store has not read it
    after = work / f"x{size}" / f"{label}-after-turn.db"
    shutil.copyfile(store, after)
    child(src, "turn", after, session)  # the store once the turn is learned: what learn and repeat start from
    child(src, "cli-repeat", after, corpus)  # and once `lessonloop ingest` checked it (its analysis marks)
    calls = _count(store)
    latest = max(_last_time(path) for path in corpus.rglob("*.jsonl"))
    late = {
        "late": older_session(session.parent, latest),
        "late-old": older_session(corpus / "copy000", latest),
    }
    return {
        "late": {phase: (path, late_lines(path)) for phase, path in late.items()},
        "corpus": corpus,
        "session": session,
        "store": store,
        "after": after,
        "tool_calls": calls,
        "prepare_s": time.perf_counter() - started,
        "made": made,
    }


def _mode(measured: dict[str, Any]) -> object:
    """How the child's learning went (its LearnRun's mode; a version before issue 15: skipped or not)."""
    learning = measured.get("learning")
    if not isinstance(learning, dict):
        return None
    mode = learning.get("mode", "skipped" if learning.get("skipped") else "whole history")
    return f"{mode} from {learning['learned_from']} ({learning['tool_calls']} calls)" if learning.get("late") else mode


def _learned(measured: dict[str, Any]) -> int | None:
    """How many calls the child's learning learned (again)."""
    learning = measured.get("learning")
    return learning.get("tool_calls") if isinstance(learning, dict) else None


def _count(db: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM tool_calls").fetchone()[0])
    finally:
        conn.close()


def one(src: str | None, prepared: dict[str, Any], phase: str, work: Path) -> dict[str, Any]:
    db = work / "round.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copyfile(prepared["store"] if phase == "turn" else prepared["after"], db)
    if phase in prepared["late"]:  # the late line appended for this round only
        path, lines = prepared["late"][phase]
        whole = path.read_bytes()
        path.write_bytes(whole + lines)
        try:
            return child(src, "turn", db, path)
        finally:
            path.write_bytes(whole)
    target = prepared["session"] if phase == "turn" else prepared["corpus"]
    return child(src, phase, db, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--src", action="append", default=[], help="PYTHONPATH of a code version (repeatable)")
    parser.add_argument("--phases", nargs="+", default=["turn", "learn", "repeat", "cli-repeat"])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--work", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    versions: dict[str, str | None] = {src: src for src in args.src} or {"current": None}
    results: dict[str, Any] = {"load_before": os.getloadavg(), "versions": {}}
    with tempfile.TemporaryDirectory(prefix="lessonloop-scale-bench-") as folder:
        work = args.work or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        prepared: dict[tuple[str, int], dict[str, Any]] = {}
        for label, src in versions.items():
            for size in args.sizes:
                prepared[(label, size)] = prepare(size, work, src, f"v{list(versions).index(label)}")
                print(
                    f"prepared {label} {size}x: {prepared[(label, size)]['tool_calls']} calls "
                    f"in {prepared[(label, size)]['prepare_s']:.1f} s",
                    file=sys.stderr,
                )
        cases = [(label, size, phase) for label in versions for size in args.sizes for phase in args.phases]
        times: dict[tuple[str, int, str], list[dict[str, Any]]] = {case: [] for case in cases}
        for r in range(args.rounds + 1):  # round 0 warms the page cache and is not counted
            order = cases[r % len(cases) :] + cases[: r % len(cases)]
            for label, size, phase in order:
                measured = one(versions[label], prepared[(label, size)], phase, work)
                if r:
                    times[(label, size, phase)].append(measured)
        for label in versions:
            table: dict[str, Any] = {}
            for phase in args.phases:
                rows = {}
                for size in args.sizes:
                    got = times[(label, size, phase)]
                    rows[str(size)] = {
                        "tool_calls": prepared[(label, size)]["tool_calls"],
                        "seconds": statistics.median(g["seconds"] for g in got),
                        "peak_mb": max(g["peak_kb"] for g in got) / 1024,
                        "learning": sorted({str(_mode(g)) for g in got}),
                        "calls_learned": sorted({str(_learned(g)) for g in got}),
                    }
                base = rows[str(args.sizes[0])]["seconds"]
                for size in args.sizes:
                    rows[str(size)]["ratio"] = rows[str(size)]["seconds"] / base if base else None
                table[phase] = rows
            results["versions"][label] = table
    results["load_after"] = os.getloadavg()
    results["self_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps(results, indent=2, default=str))
        return 0
    print(f"load average before {results['load_before']}, after {results['load_after']}")
    for label, table in results["versions"].items():
        print(f"== {label}")
        for phase, rows in table.items():
            cells = ", ".join(
                f"{size}x ({row['tool_calls']} calls) {row['seconds'] * 1000:.0f} ms, {row['peak_mb']:.0f} MB, "
                f"{row['ratio']:.2f}x, learned {'/'.join(row['calls_learned'])} calls"
                for size, row in rows.items()
            )
            print(f"{phase:7} {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
