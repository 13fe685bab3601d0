"""Stores and servers for the web tests: a store built from the shared corpora through the real
CLI (ingest, analysis, learning), runs recorded by the real `lessonloop run`, lessons learned in
another store and imported (so some wait for review), and `lessonloop serve` started as a real
subprocess on a free port."""

from __future__ import annotations

import os
import select
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS, cli

# The corpora of the main test store: every agent but Aider, whose history is learned apart and
# imported (its lessons arrive pending, as a teammate's would).
MAIN_CORPORA = (
    SHARED_CORPUS / "claude-code" / "spotter",
    SHARED_CORPUS / "codex" / "codemie" / "sessions",
    SHARED_CORPUS / "gemini" / "codemie",
    SHARED_CORPUS / "opencode" / "codemie" / "storage",
)
IMPORTED_CORPUS = SHARED_CORPUS / "aider" / "aider-dev"


def need_corpora(*paths: Path) -> None:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"shared corpus not found: {', '.join(missing)} (the ../shared folder is absent)")


def ingest(db: Path, *paths: Path) -> None:
    result = cli("ingest", "--db", db, "--no-progress", *paths)
    assert result.exit_code == 0, result.stderr


def record_runs(db: Path, rounds: int = 3) -> None:
    """Runs of a passing and a failing command through the real `lessonloop run`."""
    env = {**os.environ, "LESSONLOOP_DB": str(db)}
    for _ in range(rounds):
        for code, extra in (("print('ok')", []), ("print('FAILED test_a - assert 1 == 2')", ["-e", "FAILED"])):
            subprocess.run(
                [sys.executable, "-m", "lessonloop", "run", "--no-profile", *extra, "--", sys.executable, "-c", code],
                env=env,
                capture_output=True,
                check=False,
            )


def import_lessons_from(db: Path, corpus: Path, work: Path) -> int:
    """Learn `corpus` in a store of its own, export all its lessons, import them into `db`:
    the new ones wait for review (pending). Returns how many are pending."""
    other = work / "other.db"
    ingest(other, corpus)
    exported = work / "lessons.jsonl"
    result = cli("lessons", "export", "--db", other, "--status", "all", "--to", exported)
    assert result.exit_code == 0, result.stderr
    result = cli("lessons", "import", "--db", db, exported)
    assert result.exit_code == 0, result.stderr
    return pending_count(db)


def pending_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM lessons WHERE status = 'pending'").fetchone()[0])
    finally:
        conn.close()


def lesson_status(db: Path, lesson_id: int) -> str | None:
    """The stored status, read with a plain SQLite query."""
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT status FROM lessons WHERE id = ?", (lesson_id,)).fetchone()
        return None if row is None else str(row[0])
    finally:
        conn.close()


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    port: int
    process: subprocess.Popen[str]
    log: Path  # the server's stderr (a file: a pipe nobody reads could fill and stop it)


@contextmanager
def serving(db: Path, *extra: str, timeout: float = 60.0) -> Iterator[Server]:
    """`lessonloop serve --db DB --port 0 --json` as a real subprocess, until the block ends."""
    import json
    import tempfile

    log = Path(tempfile.mkstemp(prefix="lessonloop-serve-", suffix=".log")[1])
    with log.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "lessonloop", "serve", "--db", str(db), "--port", "0", "--json", *extra],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env={**os.environ, "LESSONLOOP_EMBEDDINGS": "none"},
        )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], timeout)
        line = process.stdout.readline() if ready else ""
        if not line:
            process.kill()
            pytest.fail(f"lessonloop serve did not start within {timeout:g} s: {log.read_text()}")
        info = json.loads(line)
        yield Server(info["url"].rstrip("/"), int(info["port"]), process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)
