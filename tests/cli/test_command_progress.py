"""Commands that run seconds show what they are doing (issue 42, item 4): `replay`, `report --html`,
`files predict` and `files evaluate` put a spinner on stderr naming the step under way, with the
time taken (report/progress.py's Stages; evaluate counts its commits), only on a terminal and
without --json: piped, nothing of it appears, and stdout is the same."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli
from tests.git_helpers import commit_file, make_repo
from tests.terminal_helpers import read_to_end, without_escapes
from tests.transcript_builder import write_build_failure_sessions

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")]
REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def _stderr_on_a_terminal(tmp_path: Path, *args: str) -> tuple[str, str]:
    """stderr (a pseudo-terminal, escape sequences taken out) and stdout (a pipe) of `lessonloop ARGS`."""
    main, side = os.openpty()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"), COLUMNS="120", TERM="xterm")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "lessonloop", *args],
            stdin=side,
            stdout=subprocess.PIPE,
            stderr=side,
            env=env,
            cwd=tmp_path,
            timeout=300,
            check=False,
        )
    finally:
        os.close(side)
    written = read_to_end(main)
    assert done.returncode == 0, written
    shown = without_escapes(written.decode("utf-8", "replace"))
    return shown, done.stdout.decode()


def _piped(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"))
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
    )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    write_build_failure_sessions(tmp_path / "in")
    db = tmp_path / "s.db"
    assert cli("ingest", "--db", db, "--no-progress", tmp_path / "in").exit_code == 0
    return db


def test_replay_names_its_steps_on_a_terminal_only(tmp_path: Path, store: Path) -> None:
    shown, out = _stderr_on_a_terminal(tmp_path, "replay", "--db", str(store))
    assert "replaying 12 tool calls" in shown and re.search(r"\d:\d\d:\d\d", shown), shown
    piped = _piped(tmp_path, "replay", "--db", str(store))
    assert piped.returncode == 0 and "replaying" not in piped.stderr and piped.stdout == out
    quiet, _ = _stderr_on_a_terminal(tmp_path, "replay", "--db", str(store), "--json")
    assert "replaying" not in quiet


def test_report_html_names_its_steps(tmp_path: Path, store: Path) -> None:
    from lessonloop.report.html.assets import missing_web_extra

    if missing_web_extra() is not None:
        pytest.skip("the web extra is not installed")
    shown, out = _stderr_on_a_terminal(tmp_path, "report", "--db", str(store), "--html", str(tmp_path / "r.html"))
    assert "replaying the history" in shown and f"writing {tmp_path / 'r.html'}" in shown, shown
    assert out.startswith("Wrote ") and (tmp_path / "r.html").is_file()
    piped = _piped(tmp_path, "report", "--db", str(store), "--html", str(tmp_path / "p.html"))
    assert piped.returncode == 0 and "replaying" not in piped.stderr


def test_files_evaluate_counts_its_commits_and_predict_says_it_learns(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    for i in range(24):
        day = f"2024-03-{1 + i // 2:02d}T1{i % 2}:00:00+00:00"
        commit_file(repo, f"app/{'cli' if i % 2 else 'docs'}.py", f"# {i}\n", f"feat: change {i}", date=day)
    db = str(tmp_path / "store.db")
    shown, out = _stderr_on_a_terminal(tmp_path, "files", "evaluate", "--repo", str(repo), "--db", db)
    assert "predicting each later commit" in shown, shown
    assert re.search(r"\d+ of 24\b", shown), shown
    assert "MRR" in out
    shown, out = _stderr_on_a_terminal(tmp_path, "files", "predict", "change the cli", "-p", str(repo), "--db", db)
    assert "learning what the history holds" in shown and "app/cli.py" in out, shown
    piped = _piped(tmp_path, "files", "predict", "change the cli", "-p", str(repo), "--db", db)
    assert piped.returncode == 0 and "learning what" not in piped.stderr and "app/cli.py" in piped.stdout
