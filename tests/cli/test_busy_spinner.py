"""On a terminal, `learn` and `ingest` show a spinner while they analyze and learn (learning may
load the recall model for seconds, and nothing was shown meanwhile); piped, or with --no-progress
or --json, nothing of it appears."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.terminal_helpers import read_to_end

REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def _on_a_terminal(*args: str) -> str:
    """stdout and stderr of `lessonloop ARGS` run on a pseudo-terminal."""
    main, side = os.openpty()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"), COLUMNS="100", TERM="xterm")
    try:
        subprocess.run(
            [sys.executable, "-m", "lessonloop", *args], stdin=side, stdout=side, stderr=side, env=env, timeout=120
        )
    finally:
        os.close(side)
    return read_to_end(main).decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")
def test_learn_shows_a_spinner_on_a_terminal_only(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    shown = _on_a_terminal("learn", "--db", str(db))
    assert "learning lessons" in shown, shown
    piped = subprocess.run(
        [sys.executable, "-m", "lessonloop", "learn", "--db", str(db)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src")),
        timeout=120,
    )
    assert "learning lessons" not in piped.stdout + piped.stderr
    quiet = _on_a_terminal("learn", "--db", str(db), "--json")
    assert "learning lessons" not in quiet


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")
def test_ingest_shows_it_while_analyzing_and_learning(tmp_path: Path) -> None:
    from tests.transcript_builder import TranscriptBuilder

    t = TranscriptBuilder()
    t.prompt("hello")
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    shown = _on_a_terminal("ingest", "--db", str(tmp_path / "s.db"), str(tmp_path / "in"))
    assert "learning lessons" in shown, shown
    again = _on_a_terminal("ingest", "--db", str(tmp_path / "t.db"), "--no-progress", str(tmp_path / "in"))
    assert "learning lessons" not in again


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")
def test_ingest_counts_the_sessions_it_analyzes(tmp_path: Path) -> None:
    """Analysis shows sessions done of all (it was a spinner with no count); learning embeds
    nothing (the lessons are embedded when recall first searches by meaning)."""
    import re

    from tests.transcript_builder import TranscriptBuilder

    for n in range(3):
        t = TranscriptBuilder()
        t.prompt(f"hello {n}")
        t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    shown = re.sub(
        r"\x1b\[[0-9;?]*[A-Za-z]", "", _on_a_terminal("ingest", "--db", str(tmp_path / "s.db"), str(tmp_path / "in"))
    )
    assert re.search(r"analyzing .*3/3 sessions", shown), shown
    assert "learning lessons" in shown and "embedding" not in shown, shown
