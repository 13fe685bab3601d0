"""Stores of the shared corpora built once per test run, whatever the number of workers.

A corpus as large as codex/zo-qore takes most of a minute to ingest; several tests read the same
store, and under pytest-xdist each worker would build its own copy of a module's fixture. Here the
first worker to ask builds the store under a file lock in the folder all workers of this run share;
the others wait for it and then read it. A test that writes to such a store works on a copy
(`private_copy`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from tests.conftest import SHARED_CORPUS, cli


def transcript_corpora() -> tuple[Path, ...]:
    """Every corpus of agent transcripts of ../shared (git/ holds repository bundles)."""
    if not SHARED_CORPUS.is_dir():
        return ()
    return tuple(
        sorted(
            source
            for agent in SHARED_CORPUS.iterdir()
            if agent.is_dir() and agent.name != "git"
            for source in agent.iterdir()
            if source.is_dir()
        )
    )


def _run_folder(factory: pytest.TempPathFactory) -> Path:
    """The folder every worker of this run shares (each worker's own base is inside it), or this
    process's base when the run has no workers."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_store(factory: pytest.TempPathFactory, name: str, corpora: tuple[Path, ...]) -> Path:
    """The store of `corpora` (`lessonloop ingest`: read, analyzed and learned),
    built once in this run under the name `name`; skipped when a corpus is absent. Read it only."""
    missing = [str(path) for path in corpora if not path.is_dir()]
    if not corpora or missing:
        pytest.skip(f"shared corpus not found: {', '.join(missing) or SHARED_CORPUS} (the ../shared folder is absent)")
    folder = _run_folder(factory) / f"shared-store-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "lessonloop.db"
    done = folder / "built"
    with FileLock(str(folder / "lock"), timeout=1800):
        if not done.exists():
            for leftover in folder.glob("lessonloop.db*"):  # a build a failed worker left half done
                leftover.unlink()
            done_ingest = cli("ingest", "--db", db, "--no-progress", *corpora)
            assert done_ingest.exit_code == 0, done_ingest.stderr[-2000:]
            done.write_text("\n".join(map(str, corpora)) + "\n", encoding="utf-8")
    built = done.read_text(encoding="utf-8").splitlines()  # (a path may hold spaces)
    assert built == [str(path) for path in corpora], f"{name} was built from other corpora: {built}"
    return db


def under(column: str, folder: Path) -> tuple[str, tuple[int, str]]:
    """An SQL test that the path in `column` (a `source_files.path`) lies in `folder`, and its
    values: how a test picks one corpus's rows out of a store of every corpus."""
    return f"substr({column}, 1, ?) = ?", (len(str(folder)) + 1, f"{folder}/")


def private_copy(db: Path, folder: Path) -> Path:
    """A copy of the store at `db` in `folder`, for a test that writes."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / db.name
    shutil.copyfile(db, target)
    return target


def every_corpus_store(factory: pytest.TempPathFactory) -> Path:
    """Every transcript corpus of ../shared in one store."""
    return shared_store(factory, "every-corpus", transcript_corpora())
