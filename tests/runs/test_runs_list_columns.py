"""`runs` on an 80-column terminal keeps the id (what `runs show` and `feedback` take), the
status and why the run ended whole, drops the columns there is no room for, and shortens the
command; it showed no id and "…" for the status."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import cli

REPO_ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def runs_store(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"))
    for command in (["true"], ["sh", "-c", "exit 3"], ["no-such-command-lessonloop-test"]):
        subprocess.run(
            [sys.executable, "-m", "lessonloop", "run", "-q", "--db", str(db), "--", *command],
            env=env,
            capture_output=True,
            timeout=60,
        )
    return db


@pytest.mark.slow
@pytest.mark.parametrize("width", [80, 100, 160])
def test_the_id_status_and_reason_stay_whole(runs_store: Path, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(
        "lessonloop.runs.handlers.runs.console", lambda: Console(file=out, width=width, color_system=None)
    )
    assert cli("runs", "--db", runs_store).exit_code == 0
    lines = out.getvalue().splitlines()
    assert all(len(line) <= width for line in lines), lines
    header = lines[0].split()
    assert header[:2] == ["ID", "STARTED"] and "STATUS" in header and "REASON" in header
    reasons = [line.split() for line in lines[1:4]]
    assert [r[0] for r in reasons] == ["3", "2", "1"]
    assert any("not_found" in r for r in reasons) and any("127" in r for r in reasons)
