"""Incremental learning (issue 15, item 1): real corpora ingested a step at a time, learning after
each step as the Stop worker does (pipeline/live_ingest.ingest_transcripts), must end with the
same lessons, counts and evidence as learning the final store again from scratch; and learning
must go on from its stored state (not relearn) when only later calls arrived, including two
sessions running at once whose turns arrive out of time order."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lessonloop.learning import runs as learning_runs
from lessonloop.pipeline.live_ingest import ingest_transcripts
from lessonloop.store import open_store
from tests.conftest import CORPUS, REPO_ROOT, SHARED_CORPUS
from tests.corpus_copies import claude_code_copy_text

NOW = "2026-11-23T00:00:00.000Z"
_TIME = re.compile(rb'"timestamp":"([^"]+)"')
CODEX_TURNS = SHARED_CORPUS / "codex" / "codemie" / "incremental"
CLAUDE_TURNS = SHARED_CORPUS / "claude-code" / "codemie" / "claude" / "incremental-subagents"


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", "off")


def _need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"real-data corpus not found at {path} (the ../shared folder is absent)")


def learned(conn: sqlite3.Connection) -> tuple[list[Any], list[Any], list[Any]]:
    """The lessons (every column but the vector), their evidence and aliases, comparable."""
    columns = [row[1] for row in conn.execute("PRAGMA table_info(lessons)") if row[1] != "embedding"]
    lessons = sorted(conn.execute(f"SELECT {', '.join(columns)} FROM lessons").fetchall(), key=repr)
    evidence = sorted(
        conn.execute(
            """SELECT l.signature, e.role, e.session_id, e.tool_use_id, e.message_uuid, e.finding_id, e.ts, e.project,
                      e.detail
               FROM lesson_evidence e JOIN lessons l ON l.id = e.lesson_id"""
        ).fetchall(),
        key=repr,
    )
    aliases = sorted(conn.execute("SELECT signature, lesson_id FROM lesson_aliases").fetchall())
    return lessons, evidence, aliases


def relearned(db: Path, tmp_path: Path) -> tuple[list[Any], list[Any], list[Any]]:
    """What learning the store at `db` again from scratch keeps (on a copy)."""
    copy = tmp_path / "relearned.db"
    shutil.copyfile(db, copy)
    conn = open_store(copy)
    try:
        run = learning_runs.learn_store(conn, force=True, now=NOW)
        assert run.mode == "full"
        return learned(conn)
    finally:
        conn.close()


def runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every learning run's JSON, with learning's clock fixed (as a relearn's)."""
    seen: list[dict[str, Any]] = []
    real = learning_runs.learn_store

    def fixed(conn: sqlite3.Connection, *args: Any, **kwargs: Any) -> learning_runs.LearnRun:
        kwargs.setdefault("now", NOW)
        run = real(conn, *args, **kwargs)
        seen.append(run.to_json())
        return run

    monkeypatch.setattr(learning_runs, "learn_store", fixed)
    return seen


def time_steps(files: dict[Path, bytes], steps: int) -> Iterator[dict[Path, bytes]]:
    """Each transcript as it was when the first k/steps of all records (by time) were written:
    every file cut before its first record later than that time (transcripts only grow)."""
    times = sorted(m.group(1) for data in files.values() for m in _TIME.finditer(data))
    for step in range(1, steps + 1):
        limit = times[len(times) * step // steps] if step < steps else b"\xff"
        out: dict[Path, bytes] = {}
        for path, data in files.items():
            lines = data.splitlines(keepends=True)
            cut = 0
            for i, line in enumerate(lines):
                found = _TIME.search(line)
                if found and found.group(1) > limit:
                    break
                cut = i + 1
            out[path] = b"".join(lines[:cut])
        yield out


def write(root: Path, files: dict[Path, bytes]) -> None:
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@pytest.mark.slow
@pytest.mark.corpus
def test_spotter_learned_turn_by_turn_equals_a_relearn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _need(CORPUS)
    files = {p.relative_to(CORPUS): p.read_bytes() for p in sorted(CORPUS.rglob("*.jsonl"))}
    seen = runs(monkeypatch)
    folder = tmp_path / "corpus"
    db = tmp_path / "steps.db"
    conn = open_store(db)
    try:
        for files_now in time_steps(files, 10):
            write(folder, files_now)
            ingest_transcripts(conn, [str(folder)], bandit=False)
        final = learned(conn)
    finally:
        conn.close()
    modes = [run["mode"] for run in seen]
    assert modes[0] == "full" and seen[0]["relearned_because"] is None  # no state yet
    assert modes.count("incremental") >= 6, seen  # later steps go on from the state
    incremental = [run["tool_calls"] for run in seen if run["mode"] == "incremental"]
    assert max(incremental) < seen[-1]["lessons"] * 0 + 1136  # never every call again
    assert final == relearned(db, tmp_path)
    assert len(final[0]) >= 5 and len(final[1]) >= 50


@pytest.mark.slow
@pytest.mark.corpus
def test_two_sessions_at_once_arriving_out_of_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A session and a copy of it started 20 minutes later, each ingested at its own turns' ends:
    the copy's turns arrive after calls of the first that are later than theirs."""
    _need(CORPUS)
    source = max((p for p in CORPUS.glob("*.jsonl") if (CORPUS / p.stem).is_dir()), key=lambda p: p.stat().st_size)
    first = source.read_bytes()
    from datetime import timedelta

    second = claude_code_copy_text(first.decode("utf-8", "surrogateescape"), (), 1, timedelta(minutes=20))
    pair = {Path("a") / source.name: first, Path("b") / "copy.jsonl": second.encode("utf-8", "surrogateescape")}
    seen = runs(monkeypatch)
    folder = tmp_path / "corpus"
    db = tmp_path / "pair.db"
    conn = open_store(db)
    try:
        for files_now in time_steps(pair, 12):
            for name in sorted(files_now):  # each session's Stop ingests its own transcript
                write(folder, {name: files_now[name]})
                ingest_transcripts(conn, [str(folder / name)], bandit=False)
        final = learned(conn)
    finally:
        conn.close()
    later = [run for run in seen[1:] if not run["skipped"]]
    assert sum(run["mode"] == "incremental" for run in later) >= len(later) - 2, seen
    assert final == relearned(db, tmp_path)


@pytest.mark.slow
@pytest.mark.corpus
def test_the_incremental_pairs_and_a_late_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The spotter corpus, then Codex's and Claude Code's turn-1/turn-2 pairs (a transcript that
    grows between ingests), whose sessions are older than learning's boundary: a late arrival,
    learned again from scratch, with the same result as a relearn."""
    for path in (CODEX_TURNS, CLAUDE_TURNS, CORPUS):
        _need(path)
    seen = runs(monkeypatch)
    folder = tmp_path / "corpus"
    db = tmp_path / "pairs.db"
    conn = open_store(db)
    try:
        shutil.copytree(CORPUS, folder / "spotter", ignore=shutil.ignore_patterns("*.md", "LICENSE"))
        ingest_transcripts(conn, [str(folder / "spotter")], bandit=False)
        rollout = folder / "codex" / "rollout-2025-01-01T00-00-00-incremental.jsonl"
        claude = folder / "claude" / "4c2ddfdc-incremental.jsonl"
        for turn in ("turn-1", "turn-2"):
            rollout.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(CODEX_TURNS / f"{turn}.jsonl", rollout)
            claude.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(CLAUDE_TURNS / f"{turn}.jsonl", claude)
            subagents = CLAUDE_TURNS / turn / "subagents"
            if subagents.is_dir():
                shutil.copytree(subagents, claude.with_suffix("") / "subagents", dirs_exist_ok=True)
            ingest_transcripts(conn, [str(rollout), str(claude)], bandit=False)
        final = learned(conn)
    finally:
        conn.close()
    assert [run["mode"] for run in seen] == ["full", "full", "full"], seen
    assert "late" in (seen[1]["relearned_because"] or ""), seen
    assert final == relearned(db, tmp_path)


@pytest.mark.slow
@pytest.mark.corpus
def test_unchanged_store_and_repeat_ingest_skip_learning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No row added or changed: `lessonloop learn` and a repeat ingest learn nothing (no scan of
    the history); a changed session's project (a trigger's log) is learned again."""
    _need(CORPUS)
    seen = runs(monkeypatch)
    folder = tmp_path / "spotter"
    shutil.copytree(CORPUS, folder)
    db = tmp_path / "store.db"
    conn = open_store(db)
    try:
        ingest_transcripts(conn, [str(folder)], bandit=False)
        ingest_transcripts(conn, [str(folder)], bandit=False)
        assert seen[-1]["skipped"], seen
        # A hook's warning in a session whose transcript is not ingested yet: nothing to learn
        # again (its calls come later, as new rows).
        conn.execute(
            """INSERT INTO hook_decisions (session_id, event, tool_use_id, ts, action, lessons)
               VALUES ('a-session-still-running', 'PreToolUse', 'toolu_not_ingested', ?, 'warn', '[1]')""",
            (NOW,),
        )
        conn.commit()
        waiting = learning_runs.learn_store(conn, now=NOW)
        assert waiting.mode == "incremental" and waiting.relearned_because is None, waiting
        before = learned(conn)
        conn.execute(
            "UPDATE sessions SET project = '/elsewhere' WHERE parent_id IS NULL AND id = (SELECT min(id) FROM sessions)"
        )
        conn.commit()
        changed = learning_runs.learn_store(conn, now=NOW)
        assert not changed.skipped and changed.mode == "full" and "changed" in (changed.relearned_because or "")
        assert learned(conn) != before or changed.tool_calls > 0
    finally:
        conn.close()
    # The CLI's `learn` analyzes first (what changed only; bandit is off unless configured);
    # run twice, the second learns nothing.
    outputs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-m", "lessonloop", "learn", "--db", str(db), "--json"],
                capture_output=True,
                text=True,
                cwd=REPO_ROOT,
                check=True,
            ).stdout
        )
        for _ in range(2)
    ]
    assert outputs[0]["mode"] in ("incremental", "skipped"), outputs
    assert outputs[1]["skipped"] and outputs[1]["mode"] == "skipped", outputs


@pytest.mark.corpus
def test_a_repeat_analysis_reads_no_session_until_something_changes(tmp_path: Path) -> None:
    """The whole-store analysis check (`lessonloop ingest`, `lessonloop learn`) is skipped on the
    store's marks when nothing was added or changed; a changed call or a moved session is seen."""
    from lessonloop.pipeline.analysis import analyze_store

    _need(CORPUS)
    folder = tmp_path / "spotter"
    shutil.copytree(CORPUS, folder)
    conn = open_store(tmp_path / "store.db")
    try:
        ingest_transcripts(conn, [str(folder)], bandit=False)
        first = analyze_store(conn, bandit=False)  # checks every session once, records the marks
        assert first.analyzed == 0 and first.skipped == first.sessions > 5
        assert conn.execute("SELECT count(*) FROM analysis_marks").fetchone()[0] == 1
        again = analyze_store(conn, bandit=False)
        assert (again.analyzed, again.skipped) == (0, first.sessions)
        call, root = conn.execute(
            """SELECT t.id, coalesce(s.parent_id, s.id) FROM tool_calls t JOIN sessions s ON s.id = t.session_id
               WHERE t.status = 'ok' ORDER BY t.rowid LIMIT 1"""
        ).fetchone()
        conn.execute("UPDATE tool_calls SET status = 'error', error_text = 'Exit code 1' WHERE id = ?", (call,))
        conn.commit()
        changed = analyze_store(conn, bandit=False)
        assert changed.analyzed == 1, changed
        assert conn.execute("SELECT count(*) FROM call_errors WHERE tool_use_id = ?", (call,)).fetchone()[0] == 1
        assert analyze_store(conn, bandit=False).analyzed == 0
        assert analyze_store(conn, bandit=False).skipped == first.sessions
        conn.execute("UPDATE sessions SET project = '/moved' WHERE id = ?", (root,))
        conn.commit()
        assert analyze_store(conn, bandit=False).analyzed == 1
    finally:
        conn.close()
