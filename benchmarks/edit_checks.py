"""The edit checks of issue 40 item 4, measured: how often the risky-edit warning and the
co-change reminder speak, how often they are wrong, and what they cost in the hook.

1. **Risky edit** (analyze/edit_risk.py): every edit and write of the shared corpora's sessions
   (../shared/corpus/<agent>/<source>, ingested into a temporary store) is scored as replay scores
   it (`score_call`: the lines the call added, the built-in rules); per corpus, how many calls
   have a finding and how many warn (severity high or critical). Each warning is listed
   (`--list`) to be judged by hand; the judgement of the last run is in BENCHMARKS.md. Nothing
   was tuned on these sessions (the rules and their severities predate them): every corpus is
   held out.

2. **Co-change reminder** (history/cochange.py): the git bundles of ../shared/corpus/git are
   cloned and read into a store by `lessonloop ingest --git`; their commits are replayed in time
   order, the counts growing with each commit (merges and commits of more than 30 files left out,
   as the store query does). For each commit its files are taken as edits in the order the
   commit lists them; after each, the reminders the hook would give (counts of that file, the
   files "changed" so far, partners named once per commit, partners that exist at that commit);
   a reminder is right when the partner is among the commit's files, a false alarm otherwise.
   The thresholds (minimum support, minimum confidence) are chosen on the older 70% of each
   repository's commits: the one with the most right reminders among those whose false-alarm
   rate there is at most MAX_FALSE_ALARMS; the figures are reported on the newer 30%, and for
   the thresholds in history/cochange.py. Then **sessions**: the Aider corpus holds its sessions
   and the same repository's git history of that quarter (commits-*.txt, `git log
   --name-status`): each session's edits are replayed the same way with the counts of the
   commits made more than 12 hours before the session started; a reminder is right when a later
   edit of the same session changed the partner.

3. **Cost in the hook**: whole hook processes as Claude Code runs them (command.hook_command),
   interleaved round-robin with `python -c "import json, sqlite3"`:
   pre_write_risky  PreToolUse, a Write adding f-string SQL (the warning is written)
   pre_edit_safe    PreToolUse, an Edit adding a plain line (scored, silent)
   pre_bash         PreToolUse, a shell command (no scoring: the floor of the hook)
   post_bash        PostToolUse of a shell command (stored; the floor of PostToolUse)
   post_edit        PostToolUse of an Edit of a file with co-change partners (store with the
                    commitizen history: the call stored, the query, the reminder)
   and in-process: the co-change query for one file (history/store/cochange.cochange_counts) over
   every file of the commitizen history, median and p95.

Run: `.venv/bin/python benchmarks/edit_checks.py [--rounds N] [--list] [--json]`
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lessonloop.history.cochange import (
    MAX_COMMIT_FILES,
    MAX_REMINDERS,
    MIN_CONFIDENCE,
    MIN_SUPPORT,
    Counts,
    add_commit,
    reminders,
)

REPO = Path(__file__).resolve().parent.parent
CORPUS = (REPO.parent / "shared" / "corpus").resolve()
TUNE_SHARE = 0.7  # the older commits of each repository the thresholds are chosen on
MAX_FALSE_ALARMS = 0.25  # the tuning's bound on the false-alarm rate
SUPPORTS = (2, 3, 4, 5, 6, 8, 10)
CONFIDENCES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
SESSION_MARGIN = timedelta(hours=12)  # history read for a session: commits this long before it started


def ingest(paths: Sequence[Path], db: Path, git: bool = False) -> None:
    argv = [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--no-progress"]
    argv += ["--git"] if git else ["--no-analyze", "--no-learn"]
    done = subprocess.run([*argv, *map(str, paths)], capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"ingest failed: {done.stderr.decode()[-2000:]}")


# -- 1. risky edits -------------------------------------------------------------------------


def risky_edits(db: Path, listing: bool) -> dict[str, Any]:
    from lessonloop.analyze.edit_risk import score_call, warnings
    from lessonloop.store.sessions.reader import load_sessions

    conn = sqlite3.connect(db)
    ids = [row[0] for row in conn.execute("SELECT id FROM sessions WHERE kind = 'main' ORDER BY id")]
    corpus_of = dict(conn.execute("SELECT s.id, f.path FROM sessions s JOIN source_files f ON f.id = s.source_file_id"))
    rows: dict[str, Counter[str]] = {}
    listed: list[dict[str, Any]] = []
    by_rule: Counter[str] = Counter()
    for session in load_sessions(conn, ids):
        corpus = _corpus(corpus_of.get(session.id, ""))
        counts = rows.setdefault(corpus, Counter())
        for context in session.contexts:
            for call in context.calls:
                if call.kind not in ("edit", "write"):
                    continue
                counts["edits"] += 1
                found = score_call(call)
                warned = warnings(found)
                counts["with_finding"] += bool(found)
                counts["warned"] += bool(warned)
                for finding in warned:
                    by_rule[finding.rule] += 1
                    listed.append(
                        {
                            "corpus": corpus,
                            "call": call.id,
                            "rule": finding.rule,
                            "path": finding.path,
                            "line": finding.text,
                        }
                    )
    conn.close()
    if listing:
        for item in listed:
            print(f"{item['corpus']}  {item['rule']}  {item['path']}: {item['line']}")
    total = Counter[str]()
    for counts in rows.values():
        total.update(counts)
    return {"corpora": {k: dict(v) for k, v in sorted(rows.items())}, "total": dict(total), "rules": dict(by_rule)}


def _corpus(path: str) -> str:
    """<agent>/<source> of a corpus file's path."""
    parts = Path(path).parts
    if "corpus" in parts:
        at = parts.index("corpus")
        return "/".join(parts[at + 1 : at + 3])
    return "?"


# -- 2. co-change ---------------------------------------------------------------------------


def stored_history(db: Path) -> dict[str, list[list[tuple[str, str]]]]:
    """repository root -> its commits in time order, each [(path, status)], merges and sweeps
    left out (as cochange_counts leaves them)."""
    conn = sqlite3.connect(db)
    out: dict[str, list[list[tuple[str, str]]]] = {}
    for repository_id, root in conn.execute("SELECT id, root FROM git_repositories ORDER BY root").fetchall():
        commits: list[list[tuple[str, str]]] = []
        files: dict[str, list[tuple[str, str]]] = {}
        for hash_, path, status in conn.execute(
            "SELECT hash, path, status FROM git_commit_files WHERE repository_id = ? ORDER BY hash, ordinal",
            (repository_id,),
        ):
            files.setdefault(hash_, []).append((path, status))
        for (hash_,) in conn.execute(
            """SELECT hash FROM git_commits WHERE repository_id = ? AND is_merge = 0 AND files <= ?
               ORDER BY committed_at, rowid""",
            (repository_id, MAX_COMMIT_FILES),
        ):
            if files.get(hash_):
                commits.append(files[hash_])
        out[Path(root).name] = commits
    conn.close()
    return out


def replay_commits(
    commits: list[list[tuple[str, str]]], support: int, confidence: float, start: int, stop: int
) -> Counter[str]:
    """Reminders given on commits [start, stop) with the counts of every commit before each."""
    counts: Counts = {}
    alive: set[str] = set()
    out: Counter[str] = Counter()
    for index, commit in enumerate(commits[:stop]):
        paths = [path for path, _ in commit]
        if index >= start:
            in_commit = set(paths)
            changed: list[str] = []
            named: set[str] = set()
            out["commits"] += 1
            for path in paths:
                changed.append(path)
                if path not in counts:
                    continue
                found = [
                    r
                    for r in reminders({path: counts[path]}, changed, named, support, confidence, limit=None)
                    if r.partner in alive
                ][:MAX_REMINDERS]
                for r in found:
                    named.add(r.partner)
                    out["reminders"] += 1
                    out["right" if r.partner in in_commit else "false_alarms"] += 1
            out["commits_reminded"] += bool(named)
        add_commit(counts, paths)
        for path, status in commit:
            if status.startswith("D"):
                alive.discard(path)
            else:
                alive.add(path)
    return out


def rate(counter: Counter[str]) -> float | None:
    return counter["false_alarms"] / counter["reminders"] if counter["reminders"] else None


def tune(history: dict[str, list[list[tuple[str, str]]]]) -> dict[str, Any]:
    grid: list[dict[str, Any]] = []
    for support in SUPPORTS:
        for confidence in CONFIDENCES:
            tuned: Counter[str] = Counter()
            held: Counter[str] = Counter()
            for commits in history.values():
                cut = int(len(commits) * TUNE_SHARE)
                tuned += replay_commits(commits, support, confidence, 0, cut)
                held += replay_commits(commits, support, confidence, cut, len(commits))
            grid.append({"support": support, "confidence": confidence, "tune": tuned, "held_out": held})
    allowed = [g for g in grid if g["tune"]["reminders"] and (rate(g["tune"]) or 0.0) <= MAX_FALSE_ALARMS]
    chosen = max(allowed, key=lambda g: (g["tune"]["right"], -g["support"], -g["confidence"])) if allowed else None
    shipped = next(g for g in grid if g["support"] == MIN_SUPPORT and g["confidence"] == MIN_CONFIDENCE)
    per_repository = {}
    for name, commits in history.items():
        cut = int(len(commits) * TUNE_SHARE)
        per_repository[name] = {
            "commits": len(commits),
            "held_out": replay_commits(commits, MIN_SUPPORT, MIN_CONFIDENCE, cut, len(commits)),
        }
    return {"grid": grid, "chosen": chosen, "shipped": shipped, "per_repository": per_repository}


_COMMIT = re.compile(r"^commit ([0-9a-f]{40})$")


def aider_history(path: Path) -> list[tuple[datetime, list[str]]]:
    """(time, files) of each commit of a `git log --name-status` export, oldest first."""
    commits: list[tuple[datetime, list[str]]] = []
    when: datetime | None = None
    files: list[str] = []
    for line in [*path.read_text(encoding="utf-8", errors="replace").splitlines(), "commit " + "0" * 40]:
        if _COMMIT.match(line):
            if when is not None:
                commits.append((when, files))
            when, files = None, []
        elif line.startswith("date "):
            when = datetime.fromisoformat(line[5:].strip()).astimezone(UTC)
        elif "\t" in line and line[:1] in "AMDRC":
            files.append(line.split("\t")[-1])
    commits.sort(key=lambda c: c[0])
    return commits


def aider_sessions(
    db: Path, history: list[tuple[datetime, list[str]]], support: int, confidence: float
) -> Counter[str]:
    """Each Aider session's edits replayed with the counts of the history before it."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        """SELECT c.session_id, s.started_at, c.target_path FROM tool_calls c JOIN sessions s ON s.id = c.session_id
            WHERE s.agent = 'aider' AND c.kind IN ('edit', 'write') AND c.ok = 1 AND c.target_path IS NOT NULL
            ORDER BY s.started_at, c.session_id, c.seq"""
    ).fetchall()
    conn.close()
    sessions: dict[str, tuple[str, list[str]]] = {}
    for session_id, started, path in rows:
        sessions.setdefault(session_id, (started, []))[1].append(path)
    counts: Counts = {}
    alive: set[str] = set()
    at = 0
    out: Counter[str] = Counter()
    for started, edits in sorted(sessions.values()):
        moment = datetime.fromisoformat(started.replace("Z", "+00:00")) - SESSION_MARGIN
        while at < len(history) and history[at][0] < moment:
            add_commit(counts, history[at][1])
            alive.update(history[at][1])
            at += 1
        if not counts:
            continue
        out["sessions"] += 1
        changed: list[str] = []
        named: set[str] = set()
        for index, path in enumerate(edits):
            changed.append(path)
            if path not in counts:
                continue
            later = set(edits[index + 1 :])
            found = [
                r
                for r in reminders({path: counts[path]}, changed, named, support, confidence, limit=None)
                if r.partner in alive
            ][:MAX_REMINDERS]
            for r in found:
                named.add(r.partner)
                out["reminders"] += 1
                out["right" if r.partner in later else "false_alarms"] += 1
        out["sessions_reminded"] += bool(named)
    return out


# -- 3. cost --------------------------------------------------------------------------------


def hook_costs(git_db: Path, repo: Path, rounds: int) -> dict[str, Any]:
    from lessonloop.apply.hooks.command import hook_command
    from lessonloop.history.store.cochange import cochange_counts

    conn = sqlite3.connect(git_db)
    (repository_id,) = conn.execute("SELECT id FROM git_repositories WHERE root = ?", (str(repo),)).fetchone()
    paths = [
        p
        for (p,) in conn.execute("SELECT DISTINCT path FROM git_commit_files WHERE repository_id = ?", (repository_id,))
    ]
    query_ms = []
    for path in paths:
        started = time.perf_counter()
        cochange_counts(conn, repository_id, [path], MAX_COMMIT_FILES)
        query_ms.append((time.perf_counter() - started) * 1000.0)
    # the file with the most reminders at the shipped thresholds (partners in the working tree): a PostToolUse that reminds
    best = max(
        paths,
        key=lambda p: sum(
            1
            for r in reminders(cochange_counts(conn, repository_id, [p], MAX_COMMIT_FILES), [p], limit=None)
            if (repo / r.partner).exists()
        ),
    )
    conn.close()
    env = dict(os.environ, LESSONLOOP_DB=str(git_db), LESSONLOOP_HOOK_FOREGROUND="1")
    risky = (
        'def find(cursor, x):\n    cursor.execute(f"SELECT * FROM users WHERE name = {x}")\n    return eval(input())\n'
    )

    def payload(event: str, n: int, **fields: Any) -> bytes:
        return json.dumps(
            {
                "session_id": f"bench-{n}",
                "transcript_path": "/nonexistent",
                "cwd": str(repo),
                "hook_event_name": event,
                **fields,
            }
        ).encode()

    readme = str(repo / "README.md")
    contenders: dict[str, tuple[list[str], Any]] = {
        "baseline": ([sys.executable, "-c", "import json, sqlite3"], lambda n: b""),
        "pre_write_risky": (
            shlex.split(hook_command("PreToolUse")),
            lambda n: payload("PreToolUse", n, tool_name="Write", tool_use_id=f"w{n}",
                              tool_input={"file_path": str(repo / "risky.py"), "content": risky}),
        ),
        "pre_edit_safe": (
            shlex.split(hook_command("PreToolUse")),
            lambda n: payload("PreToolUse", n, tool_name="Edit", tool_use_id=f"e{n}",
                              tool_input={"file_path": readme, "old_string": "commitizen", "new_string": "Commitizen"}),
        ),
        "pre_bash": (
            shlex.split(hook_command("PreToolUse")),
            lambda n: payload("PreToolUse", n, tool_name="Bash", tool_use_id=f"b{n}", tool_input={"command": "ls -la"}),
        ),
        "post_bash": (
            shlex.split(hook_command("PostToolUse")),
            lambda n: payload("PostToolUse", n, tool_name="Bash", tool_use_id=f"q{n}", tool_input={"command": "ls -la"},
                              tool_response={"stdout": "done", "stderr": "", "interrupted": False, "isImage": False}),
        ),
        "post_edit": (
            shlex.split(hook_command("PostToolUse")),
            lambda n: payload("PostToolUse", n, tool_name="Edit", tool_use_id=f"p{n}",
                              tool_input={"file_path": str(repo / best), "old_string": "a", "new_string": "b"},
                              tool_response={"filePath": str(repo / best)}),
        ),
    }  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in contenders}
    said: dict[str, bool] = {}
    n = 0
    for round_ in range(rounds):
        names = list(contenders)
        names = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in names:
            argv, make = contenders[name]
            n += 1
            started = time.perf_counter()
            done = subprocess.run(argv, input=make(n), capture_output=True, env=env, check=False)
            times[name].append((time.perf_counter() - started) * 1000.0)
            said[name] = bool(done.stdout.strip())
    base = statistics.median(times["baseline"])
    return {
        "rounds": rounds,
        "post_edit_file": best,
        "answered": said,
        "median_ms": {k: round(statistics.median(v), 2) for k, v in times.items()},
        "ratio": {k: round(statistics.median(v) / base, 2) for k, v in times.items()},
        "query_ms": {
            "files": len(query_ms),
            "median": round(statistics.median(query_ms), 3),
            "p95": round(sorted(query_ms)[int(0.95 * (len(query_ms) - 1))], 3),
            "max": round(max(query_ms), 3),
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30, help="runs of each hook process")
    parser.add_argument("--list", action="store_true", help="print every risky-edit warning (to judge them)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"the corpus is not at {CORPUS}", file=sys.stderr)
        return 2
    report: dict[str, Any] = {"thresholds": {"min_support": MIN_SUPPORT, "min_confidence": MIN_CONFIDENCE}}
    with tempfile.TemporaryDirectory(prefix="lessonloop-edit-checks-") as tmp:
        folder = Path(tmp)
        sessions = [p for agent in sorted(CORPUS.iterdir()) if agent.name != "git" for p in sorted(agent.iterdir())]
        corpora_db = folder / "corpora.db"
        ingest([p for p in sessions if p.is_dir()], corpora_db)
        report["risky_edits"] = risky_edits(corpora_db, args.list)
        git_db = folder / "git.db"
        repos = []
        for bundle in sorted((CORPUS / "git").glob("*.bundle")):
            target = folder / bundle.stem
            subprocess.run(["git", "clone", "-q", str(bundle), str(target)], check=True, capture_output=True)
            repos.append(target.resolve())
        ingest(repos, git_db, git=True)
        history = stored_history(git_db)
        report["cochange"] = tune(history)
        aider = next((CORPUS / "aider" / "aider-dev").glob("commits-*.txt"), None)
        if aider is not None:
            report["cochange"]["aider_sessions"] = aider_sessions(
                corpora_db, aider_history(aider), MIN_SUPPORT, MIN_CONFIDENCE
            )
        commitizen = next((r for r in repos if r.name == "commitizen"), repos[0])
        report["cost"] = hook_costs(git_db, commitizen, args.rounds)
    if args.json:
        print(json.dumps(report, indent=2, default=dict))
    else:
        print_report(report)
    return 0


def _pct(counter: Counter[str] | dict[str, int]) -> str:
    reminders_ = counter.get("reminders", 0)
    if not reminders_:
        return "no reminders"
    wrong = counter.get("false_alarms", 0)
    return f"{reminders_} reminders, {counter.get('right', 0)} right, {wrong} false alarms ({wrong / reminders_:.1%})"


def print_report(report: dict[str, Any]) -> None:
    risky = report["risky_edits"]
    print("Risky edits (every edit and write of the shared corpora; nothing tuned on them)")
    for corpus, counts in risky["corpora"].items():
        print(
            f"  {corpus:24} edits {counts.get('edits', 0):5}  with a finding {counts.get('with_finding', 0):4}  warned {counts.get('warned', 0):4}"
        )
    total = risky["total"]
    print(
        f"  {'all':24} edits {total.get('edits', 0):5}  with a finding {total.get('with_finding', 0):4}  warned {total.get('warned', 0):4}"
    )
    print(f"  warnings by rule: {risky['rules']}")
    co = report["cochange"]
    print(
        f"\nCo-change (git bundles; tuned on the older {TUNE_SHARE:.0%} of each repository's commits, false alarms <= {MAX_FALSE_ALARMS:.0%})"
    )
    for g in co["grid"]:
        print(
            f"  support >= {g['support']:2}  confidence >= {g['confidence']:.1f}   tune: {_pct(g['tune'])}   held out: {_pct(g['held_out'])}"
        )
    chosen = co["chosen"]
    if chosen:
        print(f"  chosen on the tuning part: support >= {chosen['support']}, confidence >= {chosen['confidence']}")
    shipped = co["shipped"]
    print(f"  shipped (history/cochange.py): support >= {MIN_SUPPORT}, confidence >= {MIN_CONFIDENCE}")
    print(
        f"    held-out commits: {_pct(shipped['held_out'])} over {shipped['held_out']['commits']} commits ({shipped['held_out']['commits_reminded']} with a reminder)"
    )
    for name, item in co["per_repository"].items():
        print(f"    {name}: {_pct(item['held_out'])} over {item['held_out']['commits']} held-out commits")
    if "aider_sessions" in co:
        a = co["aider_sessions"]
        print(
            f"    Aider sessions against their own git history: {_pct(a)} over {a['sessions']} sessions ({a['sessions_reminded']} with a reminder)"
        )
    cost = report["cost"]
    print(
        f"\nCost in the hook ({cost['rounds']} runs each, interleaved; median ms, ratio to python -c 'import json, sqlite3')"
    )
    for name, ms in cost["median_ms"].items():
        print(f"  {name:16} {ms:7.2f} ms   x{cost['ratio'][name]:.2f}   answered: {cost['answered'][name]}")
    q = cost["query_ms"]
    print(
        f"  co-change query for one file, over the {q['files']} files of commitizen's history: median {q['median']} ms, p95 {q['p95']} ms, max {q['max']} ms"
    )


if __name__ == "__main__":
    raise SystemExit(main())
