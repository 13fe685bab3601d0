"""Recall benchmark: how long `recall()` takes over 10,000 lessons, against a bare FTS5 query.

A store of 10,000 synthetic but varied lessons (templates x vocabularies: tools, commands, errors,
languages, files, preventions; deterministic seed) is built in a temporary file through the real
migrations, the lessons inserted as learning stores them (counts, confidence, tier, status mix,
project and global scope, triggers). 200 varied queries are drawn from the same vocabularies
plus words no lesson uses.

Measured side by side in one process, per query, the two contenders interleaved with their order
alternating, each query repeated `--rounds` times; medians over all runs:

- baseline: the bare FTS5 query, `SELECT rowid FROM lessons_fts WHERE lessons_fts MATCH ? ORDER BY
  rank LIMIT 5`, with the same safe MATCH expression recall builds (the query's words, quoted, OR-ed)
- recall:   `recall(conn, text, top=5)`, words only: the per-word document counts, the weighted
  bm25 with the status filter joined in, scoring, and the row fetch

With the embedding model installed (the `embeddings` extra), every lesson is embedded too and
three more are timed per query: the query's embedding alone, hybrid `recall(..., embedder=...)`
(which includes embedding the query), and words-only recall again as its baseline.

Target: words-only recall median <= 20 ms.

Run: `.venv/bin/python benchmarks/recall_bench.py [--lessons N] [--queries N] [--rounds N] [--no-vectors] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

TARGET_MS = 20.0
SEED = 20260301
NOW = "2026-03-01T12:00:00.000Z"

# (command words, flag it lacked, error it printed, prevention)
COMMANDS = [
    ("git push", "--set-upstream", "the current branch has no upstream branch", "push with --set-upstream origin"),
    ("git add", "-f", "the paths are ignored by one of your .gitignore files", "add ignored files with -f"),
    ("git commit", "--no-verify", "pre-commit hook failed: code is not formatted", "run the formatter first"),
    ("git checkout", "-b", "pathspec did not match any file known to git", "create the branch with -b"),
    ("git rebase", "--continue", "could not apply commit: conflict", "resolve the conflict, then continue"),
    ("npm install", "--legacy-peer-deps", "ERESOLVE unable to resolve dependency tree", "pass --legacy-peer-deps"),
    ("npm run build", "--prefix", "ENOENT no such file or directory package.json", "run it in the package folder"),
    ("pip install", "--user", "permission denied: site-packages", "install into the virtualenv"),
    ("cargo build", "--release", "linker cc not found", "install the build tools"),
    ("mix test", "--trace", "database connection refused", "start the database first"),
    ("mix compile", "--force", "module is not available", "recompile the dependency"),
    ("docker build", "--no-cache", "cannot connect to the docker daemon", "start the docker daemon"),
    ("docker compose up", "-d", "port is already allocated", "stop the container using the port"),
    ("kubectl apply", "--namespace", "namespace not found", "create the namespace first"),
    ("terraform apply", "-lock=false", "error acquiring the state lock", "release the stale lock"),
    ("pytest", "-x", "no tests ran: collected 0 items", "run pytest from the repository root"),
    ("jest", "--runInBand", "worker process failed to exit gracefully", "close open handles in tests"),
    ("make", "-C", "no rule to make target", "run make in the folder with the Makefile"),
    ("rm", "-r", "cannot remove: is a directory", "use rm -r for directories"),
    ("mkdir", "-p", "no such file or directory", "create parents with mkdir -p"),
    ("go test", "./...", "cannot find package", "run from the module root"),
    ("bundle exec rspec", "--fail-fast", "could not find gem in locally installed gems", "run bundle install"),
    ("psql", "-h", "could not connect to server: no such file", "pass the host with -h"),
    ("curl", "-L", "301 moved permanently", "follow redirects with -L"),
    ("tar", "-z", "this does not look like a tar archive", "pass -z for gzip archives"),
]
LANGUAGES = ["python", "elixir", "rust", "go", "typescript", "javascript", "ruby", "java", "kotlin", "swift", "php"]
THINGS = [
    "database call", "http request", "migration", "config file", "test fixture", "background job", "cache key",
    "environment variable", "lock file", "dependency", "api client", "websocket handler", "cron schedule",
    "log rotation", "feature flag", "template", "serializer", "query builder", "router", "session cookie",
]  # fmt: skip
MISTAKES = [
    ("forgot to await the {thing}", "await every {thing} and check the result"),
    ("{thing} built with string formatting", "use parameters for the {thing}"),
    ("{thing} changed without updating its tests", "update the tests with the {thing}"),
    ("hard-coded secret in the {thing}", "read the secret from the environment"),
    ("{thing} retried in a tight loop", "back off between retries of the {thing}"),
    ("{thing} read whole instead of in parts", "read the {thing} with offset and limit"),
    ("edited the {thing} without reading it first", "read the {thing} right before editing it"),
    ("{thing} left with a debug print", "remove debug output before committing"),
    ("timezone-naive timestamps in the {thing}", "use timezone-aware datetimes in the {thing}"),
    ("{thing} shares a mutable default", "create the default inside the function"),
]
TOOLS = ["Bash", "Edit", "Read", "Write", "Grep", "Glob", "MultiEdit"]
# Triggers name the tools' neutral kinds (agents/claude/reader/tools.py).
TOOL_KINDS = {
    "Bash": "shell",
    "Edit": "edit",
    "Read": "read",
    "Write": "write",
    "Grep": "search",
    "Glob": "search",
    "MultiEdit": "edit",
}
FILES = ["src/app.py", "lib/server.ex", "main.go", "index.ts", "config/prod.exs", "Cargo.toml", "docker-compose.yml"]
PROJECTS = [f"/home/dev/projects/{name}" for name in ("shop", "api", "billing", "infra", "web", "cli", "etl", "ml")]
SEVERITIES = ["low", "medium", "medium", "high", "critical"]
STATUSES = ["active"] * 18 + ["pending", "archived"]
NOISE = ["banana", "smoothie", "weather", "holiday", "poem", "quarterly", "invoice", "guitar", "recipe", "football"]
QUERY_FRAMES = [
    "{cmd} fails with {error}",
    "how do I {prevention}",
    "{lang} {thing} keeps failing",
    "{error}",
    "{cmd} {flag}",
    "{mistake}",
    "before editing {file}",
    "{noise} {noise2} {thing}",
    "{noise} {noise2}",
    "agent ran {cmd} in {lang} project and got {error} again after {mistake}",
]


def make_lesson(rng: random.Random, n: int) -> dict[str, Any]:
    """One synthetic lesson: a command-usage lesson or a code-mistake lesson, in varied words."""
    from lessonloop.lesson_model import confidence as conf

    lang, thing, file = rng.choice(LANGUAGES), rng.choice(THINGS), rng.choice(FILES)
    if rng.random() < 0.5:
        words, flag, error, prevention = rng.choice(COMMANDS)
        title = f"`{words}` without {flag} fails: {error}"
        body = f"In a {lang} project the agent ran `{words}` while working on {file}; it failed with {error}."
        prevention = f"{prevention.capitalize()} (`{words} {flag}`)."
        trigger: dict[str, Any] | None = {"kind": "shell", "words": words.split(), "lacks": [flag]}
        trigger_text: str | None = f"shell `{words}` without {flag}"
        category = words.split()[0]
    else:
        mistake, fix = rng.choice(MISTAKES)
        title = mistake.format(thing=thing).capitalize() + f" in {lang}"
        body = f"While changing {file}, the {thing} was wrong: {mistake.format(thing=thing)}. Seen in {lang} code."
        prevention = fix.format(thing=thing).capitalize() + "."
        tool = rng.choice(TOOLS[1:])
        trigger = {"kind": TOOL_KINDS[tool]} if rng.random() < 0.7 else None
        trigger_text = f"{TOOL_KINDS[tool]} on {file}" if trigger else None
        category = lang
    sessions = rng.randint(1, 30)
    failed = rng.randint(0, sessions)
    days = rng.uniform(0, 365)
    value = conf.confidence(failed, sessions, days)
    scoped = rng.random() < 0.4
    return {
        "signature": f"bench:{n}",
        "title": title,
        "body": body,
        "prevention": prevention,
        "trigger": json.dumps(trigger) if trigger else None,
        "trigger_text": trigger_text,
        "category": category,
        "severity": rng.choice(SEVERITIES),
        "scope": "project" if scoped else "global",
        "project": rng.choice(PROJECTS) if scoped else None,
        "sessions": sessions,
        "failed": failed,
        "confidence": round(value, 6),
        "tier": conf.next_tier(value),
        "status": rng.choice(STATUSES),
        "last_seen": _days_before(days),
    }


def _days_before(days: float) -> str:
    from datetime import timedelta

    from lessonloop.core.timestamps import format_timestamp, parse_timestamp

    return format_timestamp(parse_timestamp(NOW) - timedelta(days=days))


def build_store(path: Path, count: int, seed: int) -> sqlite3.Connection:
    from lessonloop.store import open_store

    rng = random.Random(seed)
    conn = open_store(path)
    rows = [make_lesson(rng, n) for n in range(count)]
    conn.execute("BEGIN")
    insert_lessons(conn, rows)
    conn.execute("COMMIT")
    return conn


def insert_lessons(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """Store synthetic lessons (make_lesson's keys) as learning stores them."""
    conn.executemany(
        """INSERT INTO lessons (signature, kind, origin, title, body, prevention, trigger, trigger_text, category,
               severity, scope, project, sessions, failed_sessions, observations, confidence, tier, status,
               first_seen, last_seen, created_at, updated_at)
           VALUES (:signature, 'usage', 'learned', :title, :body, :prevention, :trigger, :trigger_text, :category,
               :severity, :scope, :project, :sessions, :failed, :failed, :confidence, :tier, :status,
               :last_seen, :last_seen, :last_seen, :last_seen)""",
        rows,
    )


def make_queries(count: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    out = []
    for _ in range(count):
        words, flag, error, prevention = rng.choice(COMMANDS)
        mistake, _fix = rng.choice(MISTAKES)
        thing = rng.choice(THINGS)
        out.append(
            rng.choice(QUERY_FRAMES).format(
                cmd=words,
                flag=flag,
                error=error,
                prevention=prevention,
                lang=rng.choice(LANGUAGES),
                thing=thing,
                mistake=mistake.format(thing=thing),
                file=rng.choice(FILES),
                noise=rng.choice(NOISE),
                noise2=rng.choice(NOISE),
            )
        )
    return out


def interleaved(
    contenders: dict[str, Callable[[str], object]], queries: Sequence[str], rounds: int
) -> dict[str, list[float]]:
    """Milliseconds per call for each contender: per query and round, all contenders run, in an
    order rotated by one every time."""
    names = list(contenders)
    times: dict[str, list[float]] = {name: [] for name in names}
    for name in names:  # warm-up: imports, caches, statements compiled
        for query in queries[:10]:
            contenders[name](query)
    turn = 0
    for _ in range(rounds):
        for query in queries:
            order = names[turn % len(names) :] + names[: turn % len(names)]
            turn += 1
            for name in order:
                fn = contenders[name]
                started = time.perf_counter()
                fn(query)
                times[name].append((time.perf_counter() - started) * 1000.0)
    return times


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "max_ms": round(ordered[-1], 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-vectors", action="store_true", help="skip the hybrid measurement")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from lessonloop.apply.recall import fts_match_expression, query_terms, recall

    report: dict[str, Any] = {"lessons": args.lessons, "queries": args.queries, "rounds": args.rounds}
    with tempfile.TemporaryDirectory(prefix="lessonloop-recall-bench-") as tmp:
        started = time.perf_counter()
        conn = build_store(Path(tmp) / "bench.db", args.lessons, args.seed)
        report["build_s"] = round(time.perf_counter() - started, 2)
        queries = make_queries(args.queries, args.seed)
        results: list[int] = []

        def baseline(text: str) -> object:
            terms = query_terms(text)
            if not terms:
                return []
            return conn.execute(
                "SELECT rowid FROM lessons_fts WHERE lessons_fts MATCH ? ORDER BY rank LIMIT 5",
                (fts_match_expression(terms),),
            ).fetchall()

        def lexical(text: str) -> object:
            found = recall(conn, text, top=5, now=NOW)
            results.append(len(found))
            return found

        times = interleaved({"bare_fts": baseline, "recall": lexical}, queries, args.rounds)
        fts, rec = summary(times["bare_fts"]), summary(times["recall"])
        report["lexical"] = {
            "bare_fts": fts,
            "recall": rec,
            "recall_vs_bare_fts": round(rec["median_ms"] / fts["median_ms"], 2),
            "queries_with_results": sum(1 for n in results[-args.queries :] if n),
            "target_ms": TARGET_MS,
            "met": rec["median_ms"] <= TARGET_MS,
        }
        report["hybrid"] = None if args.no_vectors else hybrid(conn, queries, args.rounds)
        conn.close()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0 if report["lexical"]["met"] else 1


def hybrid(conn: sqlite3.Connection, queries: list[str], rounds: int) -> dict[str, Any] | None:
    """Hybrid recall against words-only recall and the query embedding alone, when the model is installed."""
    from lessonloop.apply.embeddings import load_embedder
    from lessonloop.apply.lesson_vectors import embed_missing
    from lessonloop.apply.recall import recall

    try:
        embedder = load_embedder()
    except Exception as exc:  # a broken model configuration: report, do not fail the lexical figures
        return {"skipped": f"embedding model failed to load: {exc}"}
    if embedder is None:
        return {"skipped": "the embeddings extra is not installed"}
    started = time.perf_counter()
    embedded = embed_missing(conn, embedder)
    embed_s = time.perf_counter() - started
    times = interleaved(
        {
            "embed_query": lambda text: embedder.embed([text]),
            "recall_words": lambda text: recall(conn, text, top=5, now=NOW),
            "recall_hybrid": lambda text: recall(conn, text, top=5, now=NOW, embedder=embedder),
        },
        queries,
        rounds,
    )
    emb, words, both = summary(times["embed_query"]), summary(times["recall_words"]), summary(times["recall_hybrid"])
    return {
        "model": embedder.model_id,
        "lessons_embedded": embedded,
        "embed_lessons_s": round(embed_s, 1),
        "embed_query": emb,
        "recall_words": words,
        "recall_hybrid": both,
        "hybrid_minus_embedding_median_ms": round(both["median_ms"] - emb["median_ms"], 3),
        "hybrid_vs_words": round(both["median_ms"] / words["median_ms"], 2),
    }


def print_report(report: dict[str, Any]) -> None:
    lex = report["lexical"]
    print(
        f"{report['lessons']:,} lessons (built in {report['build_s']} s), {report['queries']} queries x {report['rounds']} rounds"
    )
    print(
        f"words only: recall median {lex['recall']['median_ms']:.2f} ms (p95 {lex['recall']['p95_ms']:.2f}) vs bare FTS5 "
        f"{lex['bare_fts']['median_ms']:.2f} ms (p95 {lex['bare_fts']['p95_ms']:.2f}): {lex['recall_vs_bare_fts']}x; "
        f"target <= {TARGET_MS:g} ms: {'met' if lex['met'] else 'NOT met'}; "
        f"{lex['queries_with_results']}/{report['queries']} queries got lessons"
    )
    hyb = report["hybrid"]
    if hyb is None:
        print("hybrid: not measured (--no-vectors)")
    elif "skipped" in hyb:
        print(f"hybrid: skipped ({hyb['skipped']})")
    else:
        print(
            f"hybrid ({hyb['model']}, {hyb['lessons_embedded']:,} lessons embedded in {hyb['embed_lessons_s']} s): "
            f"recall median {hyb['recall_hybrid']['median_ms']:.2f} ms vs words only {hyb['recall_words']['median_ms']:.2f} ms "
            f"({hyb['hybrid_vs_words']}x); query embedding alone {hyb['embed_query']['median_ms']:.2f} ms, "
            f"so the rest of hybrid recall is {hyb['hybrid_minus_embedding_median_ms']:.2f} ms"
        )


if __name__ == "__main__":
    sys.exit(main())
