"""bandit is not part of a session's fingerprint (pipeline/analysis.py): `lessonloop ingest` (bandit
when installed), the Stop hook's ingest (without it inside the hook, with it in the background
worker) and `ingest --no-bandit` take turns without analyzing unchanged sessions again; a session
analyzed without bandit gets its findings from the next analysis that has bandit, alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.pipeline.live_ingest import ingest_transcripts
from lessonloop.scanners.bandit_probe import bandit_available
from lessonloop.store import open_store
from tests.conftest import cli
from tests.hook_helpers import hook_env, run_hook
from tests.transcript_builder import TranscriptBuilder

PROJECT = Path("/home/dev/webapp")
LOADER = "import yaml\n\n\ndef load(data):\n    return yaml.load(data)\n"  # bandit B506


@pytest.fixture(autouse=True)
def _bandit() -> None:
    if not bandit_available():
        pytest.skip("bandit is not installed: pip install 'lessonloop[scanners]'")


def _sessions(folder: Path) -> tuple[TranscriptBuilder, TranscriptBuilder, list[Path]]:
    """Three sessions, the first writing Python that bandit flags."""
    risky = TranscriptBuilder(cwd=str(PROJECT))
    risky.prompt("write the loader")
    path = str(PROJECT / "loader.py")
    write = risky.tool_use("Write", {"file_path": path, "content": LOADER})
    risky.tool_result(
        write,
        f"File created successfully at: {path}",
        is_error=False,
        tool_use_result={"type": "create", "filePath": path, "content": LOADER, "structuredPatch": []},
    )
    plain = TranscriptBuilder(cwd=str(PROJECT))
    plain.prompt("list the files")
    plain.bash("ls", "loader.py")
    other = TranscriptBuilder(cwd=str(PROJECT))
    other.prompt("run the tests")
    other.bash("pytest -q", "1 passed")
    paths = [t.write(folder / f"{name}.jsonl") for name, t in (("risky", risky), ("plain", plain), ("other", other))]
    return risky, plain, paths


def _cli_ingest(db: Path, folder: Path, *options: str) -> dict[str, Any]:
    result = cli("ingest", "--db", db, folder, "--json", *options)
    assert result.exit_code == 0, result.stderr
    analysis: dict[str, Any] = result.json()["analysis"]
    return analysis


def _live_ingest(db: Path, paths: list[Path], bandit: bool | None) -> dict[str, Any]:
    """The Stop hook's ingest (pipeline/live_ingest.py), as the hook (bandit False) or its
    background worker (None: bandit when installed) runs it."""
    conn = open_store(db)
    try:
        summary = ingest_transcripts(conn, [str(p) for p in paths], bandit=bandit)
    finally:
        conn.close()
    analysis: dict[str, Any] = summary["analysis"]  # type: ignore[assignment]
    return analysis


def _analyzed_at(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT session_id, analyzed_at FROM session_executions").fetchall())
    finally:
        conn.close()


def _bandit_rules(db: Path, session_id: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [
            str(row[0])
            for row in conn.execute(
                "SELECT rule FROM findings WHERE session_id = ? AND source = 'bandit' ORDER BY rule", (session_id,)
            )
        ]
    finally:
        conn.close()


def _counts(run: dict[str, Any]) -> tuple[int, int, int]:
    return run["analyzed"], run["skipped_unchanged"], run["bandit_added"]


@pytest.mark.slow
def test_cli_and_the_stop_hook_take_turns_without_analyzing_unchanged_sessions_again(tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    risky, _plain, paths = _sessions(tmp_path / "in")
    first = _cli_ingest(db, tmp_path / "in")
    assert first["bandit"] is True and _counts(first) == (3, 0, 0)
    assert _bandit_rules(db, risky.session_id) == ["bandit:B506"]
    stamps = _analyzed_at(db)

    # The Stop hook in the foreground: the ingest runs inside the hook, without bandit.
    env = hook_env(db)
    payload = {"session_id": risky.session_id, "transcript_path": str(paths[0]), "cwd": str(PROJECT)}
    stop = run_hook("Stop", {**payload, "hook_event_name": "Stop", "stop_hook_active": False}, env)
    assert (stop.returncode, stop.stdout) == (0, "")
    assert _analyzed_at(db) == stamps  # nothing analyzed again
    # The worker checks the sessions its ingest changed (none) and, with bandit, those not scanned (none).
    assert _counts(_live_ingest(db, paths, bandit=False)) == (0, 0, 0)
    assert _counts(_live_ingest(db, paths, bandit=None)) == (0, 0, 0)  # the background worker
    assert _bandit_rules(db, risky.session_id) == ["bandit:B506"]  # kept by the runs without bandit

    assert _counts(_cli_ingest(db, tmp_path / "in")) == (0, 3, 0)
    assert _counts(_cli_ingest(db, tmp_path / "in", "--no-bandit")) == (0, 3, 0)
    assert _analyzed_at(db) == stamps


def test_a_session_analyzed_without_bandit_gets_its_findings_from_the_next_run_with_it(tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    risky, plain, paths = _sessions(tmp_path / "in")
    assert _counts(_cli_ingest(db, tmp_path / "in", "--no-bandit")) == (3, 0, 0)
    assert _bandit_rules(db, risky.session_id) == []

    run = _cli_ingest(db, tmp_path / "in")  # bandit now: the sessions are unchanged, bandit added
    assert _counts(run) == (3, 0, 3)
    assert _bandit_rules(db, risky.session_id) == ["bandit:B506"]

    risky.bash("python -c 'import loader'", "")
    risky.write(paths[0])
    plain.bash("ls -la", "loader.py")
    plain.write(paths[1])
    live = _live_ingest(db, paths[:2], bandit=False)  # the hook: both changed, analyzed without bandit
    assert _counts(live) == (2, 0, 0)  # (the third, not read, is not checked)
    assert _bandit_rules(db, risky.session_id) == []

    again = _cli_ingest(db, tmp_path / "in")  # only those two, for bandit's findings
    assert _counts(again) == (2, 1, 2)
    assert _bandit_rules(db, risky.session_id) == ["bandit:B506"]
    assert _counts(_cli_ingest(db, tmp_path / "in")) == (0, 3, 0)
