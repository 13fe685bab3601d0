"""The 16x corpus store the web benchmark reads: every shared corpus copied N times with distinct
ids (tests/corpus_copies.py), ingested, analyzed and learned from through the real CLI, plus a
few runs of `lessonloop run` so the runner's dashboards have data. Built once and kept in
benchmarks/.cache/ (remove it to build again).

    .venv/bin/python benchmarks/web_store.py [--copies 16] [--out benchmarks/.cache/web16/lessonloop.db]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.corpus_copies
DEFAULT_STORE = REPO / "benchmarks" / ".cache" / "web16" / "lessonloop.db"
CORPUS = REPO.parent / "shared" / "corpus"
CLAUDE_CODE_SOURCES = (CORPUS / "claude-code" / "spotter", CORPUS / "claude-code" / "codemie")


def copied_corpora(work: Path, copies: int) -> list[Path]:
    """Folders holding `copies` copies of each shared corpus (Claude Code, Codex, Gemini, OpenCode, Aider)."""
    from tests import corpus_copies as cc

    folders: list[Path] = []
    for source in CLAUDE_CODE_SOURCES:
        if source.is_dir():  # every copy at the corpus's times
            cc.claude_code_copies(work / f"claude-{source.name}", copies, source, shift=timedelta(0))
            folders.append(work / f"claude-{source.name}")
    if cc.CODEX_CORPUS.is_dir():
        cc.codex_copies(work / "codex", copies)
        folders.append(work / "codex")
    if cc.GEMINI_CORPUS.is_dir():
        cc.gemini_copies(work / "gemini", copies)
        folders.append(work / "gemini")
    if cc.OPENCODE_CORPUS.is_dir():
        cc.write_opencode_storage(work / "opencode" / "storage", cc.opencode_copies(copies))
        folders.append(work / "opencode" / "storage")
    if cc.AIDER_CORPUS.is_file():
        cc.aider_history_copies(work / "aider", copies)
        folders.append(work / "aider")
    return folders


def lessonloop(*args: str, env: dict[str, str]) -> None:
    """Run the real CLI; stop on a failure."""
    subprocess.run([sys.executable, "-m", "lessonloop", *args], check=True, env=env, stdout=subprocess.DEVNULL)


def record_runs(db: Path, env: dict[str, str], rounds: int) -> None:
    """Runs of three small commands through `lessonloop run` (a real subprocess each): one passing,
    one failing on an error line, one slow once (an anomaly to find)."""
    run_env = {**env, "LESSONLOOP_DB": str(db)}
    quick = "import time; time.sleep(0.05); print('ok')"
    failing = "print('collected 3 items'); print('FAILED tests/test_a.py::test_one - assert 1 == 2')"
    for index in range(rounds):
        subprocess.run(
            [sys.executable, "-m", "lessonloop", "run", "--", sys.executable, "-c", quick],
            env=run_env,
            capture_output=True,
        )
        subprocess.run(
            [sys.executable, "-m", "lessonloop", "run", "-e", "FAILED", "--", sys.executable, "-c", failing],
            env=run_env,
            capture_output=True,
        )
        slow = 1.5 if index == rounds - 1 else 0.1
        code = f"import time; time.sleep({slow}); print('done')"
        subprocess.run(
            [sys.executable, "-m", "lessonloop", "run", "--", sys.executable, "-c", code],
            env=run_env,
            capture_output=True,
        )


def build_store(db: Path, copies: int, runs: int = 8) -> Path:
    """The store at `db`, built when it does not exist yet."""
    if db.exists():
        return db
    db.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "LESSONLOOP_EMBEDDINGS": "none", "PYTHONPATH": str(REPO / "src")}
    partial = db.with_name("building.db")
    for leftover in db.parent.glob("building.db*"):
        leftover.unlink()
    with tempfile.TemporaryDirectory(prefix="lessonloop-web16-") as folder:
        work = Path(folder)
        env["LESSONLOOP_CONFIG"] = str(work / "config.toml")
        started = time.perf_counter()
        folders = copied_corpora(work / "corpus", copies)
        lessonloop("ingest", "--db", str(partial), "--no-progress", *map(str, folders), env=env)
        record_runs(partial, env, runs)
        print(f"built {db} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    conn = sqlite3.connect(partial)  # everything into the main file before it moves
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        side = partial.with_name(partial.name + suffix)
        if side.exists():
            side.unlink()
    shutil.move(str(partial), db)
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=16)
    parser.add_argument("--out", type=Path, default=DEFAULT_STORE)
    args = parser.parse_args()
    print(build_store(args.out, args.copies))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
