"""A refresh against ccusage@20 (issue 43, item 2): bringing the store up to date and asking it,
as after a working day or a turn, beside ccusage's `daily --json --offline`, which re-reads every
file each time.

The corpus is N copies of claude-code/spotter (tests/corpus_copies.py) in WORK/hN/.claude/projects,
and a store of them, WORK/sN.db, made by `lessonloop ingest` (both built when missing; the store
is never written by the timing: each round copies it). Three cases, each round:

- nothing new: `lessonloop ingest` on the store as it is;
- one new turn: a few lines appended to the file of the session last at work (the one with the
  corpus's latest record): its last typed prompt and the records after it (or its last eight
  records), with new ids, dated after that latest record, as a turn just taken is;
- a late turn: the same made of the last copy's longest session and dated after that session's own
  last record, about 5 hours before the corpus's latest: a turn of a session that ran beside
  later ones, ingested after them (learning goes on from a checkpoint before it);
- one new day: a copy more of the corpus (copy number N) beside the others.

In each case, whole processes, one after the other: `lessonloop ingest --db COPY` (its text, as a
person runs it: it returns once what is new is stored, the store's background worker analyzes and
learns after it), then `lessonloop stats --by day --json --db COPY` (or, with --read-alone, the
read alone, which reads what is new itself first); then, untimed, the worker is waited for (its
seconds shown apart); and ccusage@20's `daily --json
--offline` over the same files (HOME and CLAUDE_CONFIG_DIR at the corpus). The corpus is put back
after each case (the appended lines cut off with the file's times restored; the new copy moved
out). Rounds interleave the contenders, order rotated each round, after one warm-up; medians.
Ratio: (ingest + stats) / ccusage.

Timed processes run from bytecode (PYTHONDONTWRITEBYTECODE taken out of their environment; set
PYTHONPYCACHEPREFIX for a prefix of your own), with the embedding model as installed
(LESSONLOOP_EMBEDDINGS unset) and no configuration file.

Run: `.venv/bin/python benchmarks/refresh_bench.py [--copies 16] [--rounds 7] [--work DIR]
[--case nothing|turn|late|day ...] [--capture-only] [--json]`
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CASES = ("nothing", "turn", "late", "day")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_API_ID = re.compile(r"\b((?:msg|req|toolu)_[A-Za-z0-9]+)")


def lessonloop_bin() -> str:
    beside = Path(sys.executable).with_name("lessonloop")
    return str(beside) if beside.exists() else "lessonloop"


def environment(home: Path, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "LESSONLOOP_EMBEDDINGS")}
    env.update(
        HOME=str(home),
        CLAUDE_CONFIG_DIR=str(home / ".claude"),
        LESSONLOOP_CONFIG=str(work / "no-config.toml"),
        XDG_CONFIG_HOME=str(work / "no-xdg"),
    )
    for name in ("CODEX_HOME", "GEMINI_DIR", "LESSONLOOP_DB", "LESSONLOOP_INGEST_WAIT", "LESSONLOOP_REFRESH"):
        env.pop(name, None)
    return env


def build(copies: int, work: Path) -> tuple[Path, Path]:
    """WORK/hN (the corpus copies) and WORK/sN.db (its store), made when missing."""
    from tests.corpus_copies import claude_code_copies

    home = work / f"h{copies}"
    projects = home / ".claude" / "projects"
    if not projects.is_dir():
        print(f"making {copies} copies of claude-code/spotter in {projects} ...", file=sys.stderr)
        claude_code_copies(projects, copies)
    store = work / f"s{copies}.db"
    if not store.exists():
        print(f"ingesting them into {store} ...", file=sys.stderr)
        env = environment(home, work)
        subprocess.run(
            [lessonloop_bin(), "ingest", "--wait", "--db", str(store)], env=env, check=True, stdout=subprocess.DEVNULL
        )
    # Up to date with this lessonloop (its migrations, its learner's version) before anything is timed.
    env = environment(home, work)
    subprocess.run(
        [lessonloop_bin(), "ingest", "--wait", "--db", str(store)], env=env, check=True, stdout=subprocess.DEVNULL
    )
    spare = work / f"day{copies}" / f"copy{copies:03d}"
    if not spare.is_dir():
        claude_code_copies(spare.parent, 1, first=copies)
    return home, store


def turn_lines(path: Path, after: datetime | None = None) -> bytes:
    """A new turn for the session of `path`: its last typed prompt and the records after it (or its
    last eight records of the conversation), with new ids (the session's kept), dated from a minute
    after `after` (default: the session's own last record)."""
    records = [json.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    said = [r for r in records if r.get("type") in ("user", "assistant") and not r.get("isSidechain")]
    prompts = [i for i, r in enumerate(said) if r["type"] == "user" and _typed(r)]
    start = prompts[-1] if prompts and len(said) - prompts[-1] <= 12 else max(0, len(said) - 8)
    chosen = said[start:]
    if prompts and start != prompts[-1]:
        chosen = [said[prompts[-1]], *chosen]
    session = str(chosen[0].get("sessionId"))
    last = after or max(_when(r) for r in records if "timestamp" in r)
    ids: dict[str, str] = {}
    lines = []
    for n, record in enumerate(chosen):
        record = dict(record, timestamp=(last + timedelta(seconds=60 + n)).astimezone(UTC).isoformat()[:23] + "Z")
        text = json.dumps(record)
        text = _UUID.sub(
            lambda m: m.group() if m.group() == session else ids.setdefault(m.group(), str(uuid.uuid4())), text
        )
        text = _API_ID.sub(lambda m: ids.setdefault(m.group(1), m.group(1) + "Turn" + str(len(ids))), text)
        lines.append(text)
    return ("\n".join(lines) + "\n").encode()


def _when(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(record["timestamp"]).replace("Z", "+00:00"))


def last_record(path: Path) -> datetime | None:
    """The time of the latest dated record of a transcript."""
    times = [
        _when(r) for r in map(json.loads, path.read_bytes().splitlines()) if isinstance(r, dict) and "timestamp" in r
    ]
    return max(times) if times else None


def _typed(record: dict[str, Any]) -> bool:
    message = record.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str):
        return True
    return isinstance(content, list) and all(isinstance(c, dict) and c.get("type") == "text" for c in content)


class Corpus:
    """The corpus put in each case's state and back."""

    def __init__(self, home: Path, work: Path, copies: int) -> None:
        projects = home / ".claude" / "projects"
        last_copy = projects / f"copy{copies - 1:03d}"  # the copies go on in time: the last is the latest
        files = sorted(last_copy.glob("*.jsonl"), key=lambda p: -p.stat().st_size)
        dated = {path: last_record(path) for path in last_copy.rglob("*.jsonl")}
        latest = max(when for when in dated.values() if when is not None)
        mains = [path for path in files if dated[path] is not None]
        self.files = {
            "turn": max(mains, key=lambda path: (dated[path], path.name)),  # the session last at work
            "late": files[0],  # the last copy's longest session
        }
        self.lines = {"turn": turn_lines(self.files["turn"], latest), "late": turn_lines(self.files["late"])}
        self.spare = work / f"day{copies}" / f"copy{copies:03d}"
        self.placed = projects / self.spare.name

    def enter(self, case: str) -> None:
        if case in self.files:
            path = self.files[case]
            info = path.stat()
            self._size, self._times = info.st_size, (info.st_atime_ns, info.st_mtime_ns)
            with path.open("ab") as handle:
                handle.write(self.lines[case])
            future = time.time_ns() - 60_000_000_000  # written a minute ago: quiet, every line read
            os.utime(path, ns=(future, future))
        elif case == "day":
            info = self.placed.parent.stat()
            self._folder_times = (info.st_atime_ns, info.st_mtime_ns)
            self.spare.rename(self.placed)

    def leave(self, case: str) -> None:
        if case in self.files:
            path = self.files[case]
            with path.open("r+b") as handle:
                handle.truncate(self._size)
            os.utime(path, ns=self._times)
        elif case == "day":
            self.placed.rename(self.spare)
            # the projects folder as it was: a store's copy from before the day watches its time
            os.utime(self.placed.parent, ns=self._folder_times)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return seconds


def one_case(
    case: str,
    corpus: Corpus,
    store: Path,
    work: Path,
    env: dict[str, str],
    ccusage: str,
    extra: list[str],
    read_alone: bool = False,
) -> dict[str, float]:
    """The case's three processes, in a rotated order (the store's copy ingested before its stats)."""
    copy = work / "refresh.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(store, copy)
    # On disk before anything is timed: the copy's pages, still dirty, were written back by the
    # first fsync of the ingest that follows (SQLite's at its commit or close), about 30 ms of a
    # turn's refresh that a store in use never pays.
    descriptor = os.open(copy, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    lessonloop = lessonloop_bin()
    corpus.enter(case)
    try:
        ccusage_s = timed([ccusage, "daily", "--json", "--offline"], env)
        ingest_s = 0.0
        if not read_alone:
            ingest_s = timed([lessonloop, "ingest", "--db", str(copy), *extra], env)
        stats_s = timed([lessonloop, "stats", "--by", "day", "--json", "--db", str(copy)], env)
        background_s = worker_seconds(copy)  # untimed: the analysis and learning that follow
    finally:
        corpus.leave(case)
    return {"ingest": ingest_s, "stats": stats_s, "ccusage": ccusage_s, "background": background_s}


def worker_seconds(store: Path) -> float:
    """Wait for the store's background worker (pipeline/background) that the ingest or the read
    started, and return the seconds its status file says it took (0: none ran)."""
    from lessonloop.pipeline.background.worker import is_running, status_path

    started = time.perf_counter()
    while is_running(str(store)):
        if time.perf_counter() - started > 600:
            raise SystemExit(f"the background worker of {store} did not finish in 10 minutes")
        time.sleep(0.02)
    status = Path(status_path(str(store)))
    if not status.exists():
        return 0.0
    data = json.loads(status.read_text())
    status.unlink()
    return float(data.get("seconds") or 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--work", type=Path, default=REPO / "benchmarks" / ".cache" / "refresh")
    parser.add_argument("--case", choices=CASES, action="append")
    parser.add_argument("--ccusage", help="ccusage@20's executable (default: the one tests/ccusage.py finds)")
    parser.add_argument(
        "--capture-only",
        action="store_true",
        help="ingest with --no-analyze: what reading and storing cost, without analysis and learning",
    )
    parser.add_argument(
        "--read-alone",
        action="store_true",
        help="no ingest: the read catches up by itself (its refresh), issue 62",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    extra = ["--no-analyze"] if args.capture_only else []
    from tests.ccusage import ccusage_path

    ccusage = args.ccusage or ccusage_path()
    if ccusage is None:
        raise SystemExit("ccusage@20 not found: npm install --prefix /tmp/ccu ccusage@20 @ccusage/ccusage-linux-x64")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    home, store = build(args.copies, work)
    env = environment(home, work)
    corpus = Corpus(home, work, args.copies)
    cases = args.case or list(CASES)
    runs: dict[str, list[dict[str, float]]] = {case: [] for case in cases}
    for case in cases:  # warm-up
        one_case(case, corpus, store, work, env, ccusage, extra, args.read_alone)
    order: list[str] = list(cases)
    for _ in range(args.rounds):
        for case in order:
            runs[case].append(one_case(case, corpus, store, work, env, ccusage, extra, args.read_alone))
        order = order[1:] + order[:1]
    load = os.getloadavg()
    table = {case: _medians(values) for case, values in runs.items()}
    if args.json:
        print(
            json.dumps(
                {
                    "copies": args.copies,
                    "rounds": args.rounds,
                    "load": load,
                    "capture_only": args.capture_only,
                    "read_alone": args.read_alone,
                    "cases": table,
                },
                indent=2,
            )
        )
        return 0
    print(
        f"{args.copies} copies, {args.rounds} rounds (medians), load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        + (" (ingest --no-analyze: capture only)" if args.capture_only else "")
        + (" (no ingest: the read catches up by itself)" if args.read_alone else "")
    )
    print(
        "| case | ingest | stats --by day --json | refresh | ccusage@20 daily | refresh / ccusage | worker after (untimed) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    names = {"nothing": "nothing new", "turn": "one new turn", "late": "a late turn", "day": "one new day"}
    for case, row in table.items():
        print(
            f"| {names[case]} | {_ms(row['ingest'])} | {_ms(row['stats'])} | {_ms(row['refresh'])} | "
            f"{_ms(row['ccusage'])} | {row['ratio']:.2f}x | {_ms(row['background'])} |"
        )
    return 0


def _medians(values: list[dict[str, float]]) -> dict[str, float]:
    median: Callable[[list[float]], float] = statistics.median
    row = {key: median([v[key] for v in values]) for key in ("ingest", "stats", "ccusage", "background")}
    row["refresh"] = median([v["ingest"] + v["stats"] for v in values])
    row["ratio"] = median([(v["ingest"] + v["stats"]) / v["ccusage"] for v in values])
    return row


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


if __name__ == "__main__":
    raise SystemExit(main())
