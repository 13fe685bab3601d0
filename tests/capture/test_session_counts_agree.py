"""`stats` and `quality` count sessions on the same store, and each says what it counts.

`stats` (like `sessions`, the report and the web) counts every main session, a main session known
only as some subagent's parent included (a placeholder: its own transcript is missing or empty,
docs/ARCHITECTURE.md); `quality` (training data: chats) leaves those out, as docs/quality.md says.
The two disagreed (14 against 13 on the corpus) with nothing saying why; now both give the count of
parent-only sessions (`parent_only_sessions`) and their headlines name it. The store is a real
ingest of a copy of the Claude Code corpus, with one more main transcript emptied.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, cli


def _mains_with_subagents(corpus: Path) -> list[Path]:
    """Main transcripts of the corpus that have a subagents folder, smallest first."""
    mains = [p for p in corpus.glob("*.jsonl") if list((corpus / p.stem / "subagents").glob("*.jsonl"))]
    return sorted(mains, key=lambda p: (p.stat().st_size, p.name))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    """A store of two main sessions with subagents, one of them with its main transcript emptied
    (and one the corpus already has empty, if any); the main sessions and parent-only ones it holds."""
    mains = _mains_with_subagents(CORPUS)
    if len(mains) < 2:
        pytest.skip(f"the corpus at {CORPUS} has fewer than two sessions with subagents")
    root = tmp_path_factory.mktemp("counts")
    src = root / "in"
    src.mkdir()
    kept = [m for m in mains if m.stat().st_size == 0][:1] + [m for m in mains if m.stat().st_size][:2]
    for main in kept:
        shutil.copyfile(main, src / main.name)
        shutil.copytree(CORPUS / main.stem, src / main.stem)
    emptied = next(p for p in sorted(src.glob("*.jsonl")) if p.stat().st_size)
    emptied.write_bytes(b"")  # only its subagents tell of this session now
    parent_only = sum(1 for p in src.glob("*.jsonl") if p.stat().st_size == 0)
    db = root / "s.db"
    assert cli("ingest", "--db", db, src).exit_code == 0
    return db, len(kept), parent_only


@pytest.mark.slow
def test_stats_and_quality_count_the_same_sessions_and_say_which(store: tuple[Path, int, int]) -> None:
    db, mains, parent_only = store
    stats = cli("stats", "--db", db, "--json").json()
    quality = cli("dataset", "quality", "--db", db, "--json").json()
    listed = cli("sessions", "--db", db, "--json").json()
    assert stats["sessions"] == len(listed) == mains
    assert stats["parent_only_sessions"] == quality["parent_only_sessions"] == parent_only >= 1
    assert quality["sessions"] == stats["sessions"] - parent_only
    assert sum(a["sessions"] for a in quality["per_agent"].values()) == quality["sessions"]


def test_the_headlines_say_what_each_count_holds(store: tuple[Path, int, int]) -> None:
    db, _mains, parent_only = store
    stats = cli("stats", "--db", db).output.splitlines()[0]
    quality = cli("dataset", "quality", "--db", db).output.splitlines()[0]
    assert f"{parent_only} of the sessions known only as a subagent's parent" in stats
    assert f"not counted: {parent_only} known only as a subagent's parent" in quality


def test_a_project_filter_keeps_them_in_step(store: tuple[Path, int, int]) -> None:
    db, mains, parent_only = store
    (project,) = {s["project"] for s in cli("sessions", "--db", db, "--json").json()}
    stats = cli("stats", "--db", db, "-p", project, "--json").json()
    quality = cli("dataset", "quality", "--db", db, "-p", project, "--json").json()
    assert (stats["sessions"], stats["parent_only_sessions"]) == (mains, parent_only)
    assert (quality["sessions"], quality["parent_only_sessions"]) == (mains - parent_only, parent_only)
