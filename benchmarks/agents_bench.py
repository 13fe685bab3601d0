"""Every agent's ingest speed beside Claude Code's (issue 13), and against ccusage@20.

In one process (interpreter startup and imports cancel out): each round runs, for every agent's
corpus, the whole capture ingest the CLI does without analysis or learning (`discover` of the
folder, then `ingest` into a fresh store), interleaved with Claude Code's spotter corpus, order
rotated each round, after one warm-up of each. A fresh store is a copy of an empty store made
once (creating one runs every migration: about 40 ms, the same for every agent, not timed). A
small corpus is ingested several times per round (each time into a fresh store) until at least
--min-mb MB were read (at most 20 times). MB/s = bytes read / seconds of discover + open + ingest + close; the
median over the rounds; the ratio is agent / Claude Code spotter.

An ingest also has costs that do not grow with the bytes (the store's checks before reading, its
commit and checkpoint on close: a few ms), which weigh more on a corpus of 1 MB than on one of
17 MB. So the Codex rollouts are also measured scaled to about the baseline's size: --copies
copies of each rollout, every id made distinct per copy (UUIDs' last hex digits, call and web
search ids' last characters; same lengths, so the same bytes), as if one person had that many
sessions. The other agents' corpora are scaled too, by tests/corpus_copies.py (every id replaced
by one of the copy's): Gemini's chats --gemini-copies times, OpenCode's session --opencode-copies
times (as a storage tree of small files and as one opencode.db), Aider's history --aider-copies
times (one history per project folder, each session's heading moved on by the copy's number
of years).

As whole processes: `lessonloop ingest --db <fresh> --no-progress --json <folder>` against
`ccusage <agent> session --json --offline` over the same files (Codex: CODEX_HOME whose
sessions/ holds the rollouts; Claude Code: CLAUDE_CONFIG_DIR whose projects/ holds the
transcripts; Gemini CLI: HOME whose .gemini/tmp/<folder>/chats/ holds the chats, one such folder
per copy of the scaled chats), for Claude Code's spotter, Codex's and Gemini's corpora and their
scaled copies, interleaved, medians; ratio = lessonloop seconds / ccusage seconds (below 1:
lessonloop is faster); the sessions each counted (lessonloop's "sessions", ccusage's rows). ccusage
is the one tests/ccusage.py finds ($LESSONLOOP_CCUSAGE, `ccusage` on PATH, .ci/.ccusage, /tmp/ccu);
without it that part is skipped. `--ccusage-only`: that part alone (no in-process figures, no
OpenCode or Aider copies).

Every corpus is copied into a temporary folder first (../shared/corpus stays read-only).

Run: `.venv/bin/python benchmarks/agents_bench.py [--rounds 7] [--min-mb 8] [--no-ccusage | --ccusage-only]
[--json]`
(`--gemini-copies 0 --opencode-copies 0 --aider-copies 0`: without the scaled corpora).
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
import tempfile
import time
from pathlib import Path
from typing import Any

from lessonloop.pipeline.ingest import discover, ingest
from lessonloop.store import open_store

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.corpus_copies
CORPUS = REPO.parent / "shared" / "corpus"
BASELINE = "claude-code/spotter"
SCALED = "codex/codemie scaled"
# The other agents' corpora scaled the same way, by tests/corpus_copies.py (ids distinct per copy).
SCALED_GEMINI = "gemini/codemie scaled"
SCALED_OPENCODE = "opencode/codemie scaled, storage files"
SCALED_OPENCODE_DB = "opencode/codemie scaled, opencode.db"
SCALED_AIDER = "aider/aider-dev scaled"
MAX_INGESTS = 20  # per corpus and round (OpenCode's sample is 2 KB)

# name -> (corpus folder, agent); each folder is what `lessonloop ingest <folder>` is given.
IN_PROCESS: dict[str, tuple[str, str]] = {
    BASELINE: ("claude-code/spotter", "claude-code"),
    "claude-code/codemie": ("claude-code/codemie", "claude-code"),
    "codex/codemie": ("codex/codemie/sessions", "codex"),
    "gemini/codemie": ("gemini/codemie", "gemini"),
    "opencode/codemie": ("opencode/codemie", "opencode"),
    "aider/aider-dev": ("aider/aider-dev", "aider"),
}


def ccusage_path() -> str | None:
    from tests.ccusage import ccusage_path as found

    return found()


def copy_corpora(work: Path) -> dict[str, Path]:
    folders: dict[str, Path] = {}
    for name, (folder, _agent) in IN_PROCESS.items():
        source = CORPUS / folder
        if not source.is_dir():
            print(f"skipped {name}: {source} is absent", file=sys.stderr)
            continue
        target = work / "corpus" / folder
        shutil.copytree(source, target, symlinks=True)
        folders[name] = target
    return folders


_UUID = re.compile(rb"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{6})[0-9a-f]{6}")
_CALL_ID = re.compile(rb"\b((?:call|ws)_[A-Za-z0-9]{8,})[A-Za-z0-9]{4}\b")


def _retail(pattern: re.Pattern[bytes], data: bytes, tail: bytes) -> bytes:
    """Every match of `pattern` with its last characters replaced by `tail` (group 1 kept)."""
    return pattern.sub(lambda match: match.group(1) + tail, data)


def scaled_codex(rollouts: Path, out: Path, copies: int) -> Path:
    """`copies` copies of every rollout under `rollouts`, each copy's ids distinct."""
    files = sorted(rollouts.rglob("*.jsonl"))
    for copy in range(copies):
        uuid_tail, call_tail = f"{copy:06x}".encode(), f"c{copy:03d}".encode()
        folder = out / f"copy{copy:03d}"
        folder.mkdir(parents=True)
        for path in files:
            data = _retail(_UUID, path.read_bytes(), uuid_tail)
            data = _retail(_CALL_ID, data, call_tail)
            name = _retail(_UUID, path.name.encode(), uuid_tail).decode()
            (folder / name).write_bytes(data)
    return out


def scaled_others(work: Path, gemini: int, opencode: int, aider: int) -> dict[str, Path]:
    """Gemini's chats, OpenCode's sessions (as a storage tree and as an opencode.db) and Aider's
    history copied with distinct ids (tests/corpus_copies.py), each in a folder of its own."""
    from tests import corpus_copies

    out: dict[str, Path] = {}
    if gemini > 1 and corpus_copies.GEMINI_CORPUS.is_dir():
        corpus_copies.gemini_copies(work / "gemini-scaled", gemini)
        out[SCALED_GEMINI] = work / "gemini-scaled"
    if opencode > 1 and corpus_copies.OPENCODE_CORPUS.is_dir():
        sessions = corpus_copies.opencode_copies(opencode)
        corpus_copies.write_opencode_storage(work / "opencode-scaled" / "storage", sessions)
        out[SCALED_OPENCODE] = work / "opencode-scaled"
        (work / "opencode-db-scaled").mkdir()
        corpus_copies.write_opencode_db(work / "opencode-db-scaled" / "opencode.db", sessions)
        out[SCALED_OPENCODE_DB] = work / "opencode-db-scaled"
    if aider > 1 and corpus_copies.AIDER_CORPUS.is_file():
        corpus_copies.aider_history_copies(work / "aider-scaled", aider)
        out[SCALED_AIDER] = work / "aider-scaled"
    return out


def one_ingest(folder: Path, db: Path) -> tuple[int, float, int]:
    """Bytes read, seconds of discover + ingest, problems (the CLI's path without analysis)."""
    shutil.copyfile(db.parent.parent / "empty.db", db)
    started = time.perf_counter()
    sources, summary = discover([str(folder)])
    conn = open_store(db)
    try:
        done = ingest(conn, sources, summary)
    finally:
        conn.close()
    return done.bytes_read, time.perf_counter() - started, len(done.problems)


def in_process(folders: dict[str, Path], work: Path, rounds: int, min_mb: float) -> dict[str, dict[str, Any]]:
    dbs = work / "dbs"
    dbs.mkdir()
    open_store(work / "empty.db").close()
    counter = iter(range(10**9))

    def measure(name: str) -> tuple[int, float, int, int]:
        total_bytes, total_seconds, runs, problems = 0, 0.0, 0, 0
        while runs == 0 or (total_bytes < min_mb * 1e6 and runs < MAX_INGESTS):
            nbytes, seconds, problems = one_ingest(folders[name], dbs / f"{next(counter)}.db")
            total_bytes += nbytes
            total_seconds += seconds
            runs += 1
            if nbytes == 0:
                break
        for db in list(dbs.iterdir()):
            db.unlink()
        return total_bytes, total_seconds, runs, problems

    names = list(folders)
    for name in names:
        measure(name)  # warm-up: imports, regexes, the page cache
    rates: dict[str, list[float]] = {name: [] for name in names}
    facts: dict[str, dict[str, Any]] = {}
    for round_no in range(rounds):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            nbytes, seconds, runs, problems = measure(name)
            rates[name].append(nbytes / 1e6 / seconds)
            facts[name] = {"mb": round(nbytes / runs / 1e6, 3), "ingests_per_round": runs, "problems": problems}
    base = statistics.median(rates[BASELINE])
    for name in names:
        mbps = statistics.median(rates[name])
        facts[name]["mb_per_s"] = round(mbps, 1)
        facts[name]["ratio_to_claude_code"] = round(mbps / base, 2)
    return facts


# ----------------------------------------------------------------- whole processes against ccusage


def ccusage_home(name: str, agent: str, folder: Path, work: Path) -> tuple[list[str], dict[str, str]] | None:
    """ccusage's arguments and environment reading exactly the files of `folder`."""
    home = work / "ccusage-home" / re.sub(r"\W+", "-", name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_", "GEMINI_"))}
    env["HOME"] = str(home)
    if agent == "codex":
        shutil.copytree(folder, home / "codex" / "sessions")
        env["CODEX_HOME"] = str(home / "codex")
        return ["codex", "session", "--json", "--offline"], env
    if agent == "claude-code":
        shutil.copytree(folder, home / "claude" / "projects" / "corpus")
        env["CLAUDE_CONFIG_DIR"] = str(home / "claude")
        return ["claude", "session", "--json", "--offline"], env
    if agent == "gemini":
        # Gemini CLI's layout: ~/.gemini/tmp/<project>/chats/session-*.json; a scaled folder's
        # copyNNN/ folders are one project each (the same ids in one project count once).
        projects = sorted(p for p in folder.iterdir() if p.is_dir()) or [folder]
        for project in projects:
            shutil.copytree(project, home / ".gemini" / "tmp" / project.name / "chats")
        return ["gemini", "session", "--json", "--offline"], env
    return None


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and the sessions it counted (lessonloop's "sessions", ccusage's rows)."""
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    data = json.loads(done.stdout)  # both print one JSON document
    sessions = data.get("sessions")
    if isinstance(sessions, list):  # ccusage's rows ("session" in ccusage 20's unified report)
        return seconds, len(sessions)
    return seconds, int(sessions) if isinstance(sessions, int) else len(data.get("session") or [])


def against_ccusage(folders: dict[str, Path], work: Path, rounds: int, ccusage: str) -> dict[str, dict[str, Any]]:
    env = dict(os.environ)
    env["LESSONLOOP_EMBEDDINGS"] = "none"
    env["HOME"] = str(work / "lessonloop-home")  # no user's configuration or agent folders
    (work / "lessonloop-home").mkdir()
    pycache = REPO / "benchmarks" / ".cache" / "pycache"  # as an installed package: compiled once
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    counter = iter(range(10**9))
    contenders: dict[str, tuple[list[str], dict[str, str]]] = {}
    runs: list[tuple[str, str]] = []
    for name, (_folder, agent) in IN_PROCESS.items():
        if name not in folders or name not in (BASELINE, "codex/codemie", "gemini/codemie"):
            continue
        runs.append((name, agent))
    if SCALED in folders:
        runs.append((SCALED, "codex"))
    if SCALED_GEMINI in folders:
        runs.append((SCALED_GEMINI, "gemini"))
    for name, agent in runs:
        reader = ccusage_home(name, agent, folders[name], work)
        if reader is None:
            continue
        contenders[f"{name} lessonloop"] = (
            [
                sys.executable,
                "-m",
                "lessonloop",
                "ingest",
                "--db",
                "{db}",
                "--no-progress",
                "--json",
                str(folders[name]),
            ],
            env,
        )
        contenders[f"{name} ccusage"] = ([ccusage, *reader[0]], reader[1])

    sessions: dict[str, int] = {}
    (work / "dbs").mkdir(exist_ok=True)

    def run(label: str) -> float:
        cmd, cmd_env = contenders[label]
        db = work / "dbs" / f"cli-{next(counter)}.db"
        seconds, sessions[label] = timed([part.replace("{db}", str(db)) for part in cmd], cmd_env)
        for leftover in (work / "dbs").glob("cli-*"):
            leftover.unlink()
        return seconds

    labels = list(contenders)
    for label in labels:
        run(label)  # warm-up
    times: dict[str, list[float]] = {label: [] for label in labels}
    for round_no in range(rounds):
        shift = round_no % len(labels)
        for label in labels[shift:] + labels[:shift]:
            times[label].append(run(label))
    report: dict[str, dict[str, Any]] = {}
    for label in labels:
        name, who = label.rsplit(" ", 1)
        report.setdefault(name, {})[f"{who}_s"] = round(statistics.median(times[label]), 3)
        report[name][f"{who}_sessions"] = sessions[label]
    for name, row in report.items():
        row["ratio_to_ccusage"] = round(row["lessonloop_s"] / row["ccusage_s"], 2)
        row["ccusage_args"] = " ".join(contenders[f"{name} ccusage"][0][1:])
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--min-mb", type=float, default=8.0, help="MB read per agent and round, at least")
    parser.add_argument("--copies", type=int, default=13, help="copies of each Codex rollout in the scaled corpus")
    parser.add_argument("--gemini-copies", type=int, default=110, help="copies of the Gemini chats (16.8 MB)")
    parser.add_argument("--opencode-copies", type=int, default=1500, help="copies of the OpenCode session (3.2 MB)")
    parser.add_argument("--aider-copies", type=int, default=4, help="copies of the Aider history (16.6 MB)")
    parser.add_argument("--no-ccusage", action="store_true", help="only the in-process comparison")
    parser.add_argument(
        "--ccusage-only", action="store_true", help="only the comparison with ccusage (no OpenCode or Aider copies)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.no_ccusage and args.ccusage_only:
        parser.error("--no-ccusage and --ccusage-only exclude each other")
    if args.ccusage_only:
        args.opencode_copies = args.aider_copies = 0
    if not (CORPUS / IN_PROCESS[BASELINE][0]).is_dir():
        print(f"the baseline corpus {CORPUS / IN_PROCESS[BASELINE][0]} is absent", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folders = copy_corpora(work)
        if "codex/codemie" in folders and args.copies > 1:
            folders[SCALED] = scaled_codex(folders["codex/codemie"], work / "corpus" / "codex-scaled", args.copies)
        folders.update(scaled_others(work / "corpus", args.gemini_copies, args.opencode_copies, args.aider_copies))
        report: dict[str, Any] = {}
        if not args.ccusage_only:
            report["in_process"] = in_process(folders, work, args.rounds, args.min_mb)
        ccusage = None if args.no_ccusage else ccusage_path()
        if ccusage is not None:
            report["ccusage"] = against_ccusage(folders, work, args.rounds, ccusage)
        elif not args.no_ccusage:
            print("ccusage not found ($LESSONLOOP_CCUSAGE, PATH, .ci/.ccusage, /tmp/ccu): skipped", file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    if "in_process" in report:
        print(f"In one process, discover + ingest into a fresh store, median of {args.rounds} rounds:")
        print("| corpus | MB | MB/s | ratio to Claude Code spotter |")
        print("|---|---:|---:|---:|")
        for name, row in report["in_process"].items():
            print(f"| {name} | {row['mb']:.2f} | {row['mb_per_s']:.1f} | {row['ratio_to_claude_code']:.2f}x |")
    if "ccusage" in report:
        print(f"\nWhole processes, lessonloop ingest against ccusage, median of {args.rounds} rounds:")
        print(
            "| corpus | lessonloop ingest | ccusage | ratio to ccusage | sessions (lessonloop / ccusage) | ccusage arguments |"
        )
        print("|---|---:|---:|---:|---:|---|")
        for name, row in report["ccusage"].items():
            print(
                f"| {name} | {row['lessonloop_s']:.3f} s | {row['ccusage_s']:.3f} s |"
                f" {row['ratio_to_ccusage']:.2f}x | {row['lessonloop_sessions']} / {row['ccusage_sessions']} |"
                f" `{row['ccusage_args']}` |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
