"""`lessonloop runs` lists the 20 most recent runs by default and says how many older ones it left
out (-n N, --all); --json lists every one (issue 42, item 4: listings a person can take in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import cli
from tests.runner_helpers import lessonloop_run, py


@pytest.mark.slow
def test_runs_shows_the_latest_20_and_how_to_see_the_rest(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    for number in range(23):
        assert lessonloop_run("--no-profile", "--", *py(f"print({number})"), db=db).status == 0
    every = cli("runs", "--db", db, "--json").json()
    assert len(every) == 23
    text = cli("runs", "--db", db).output
    assert "3 older runs not shown: -n N shows the N most recent, --all every one." in text
    shown_ids = [line.split()[0] for line in text.splitlines()[1:21]]
    assert shown_ids == [str(run["id"]) for run in every[:20]]  # newest first, as --json
    assert "not shown" not in cli("runs", "list", "--db", db, "--all").output
    assert len(cli("runs", "--db", db, "-n", "5").output.splitlines()) == 7  # the header, 5 runs, the count
