"""The command line grouped by noun (issue 30): `runs suggest`, `runs patterns`, `git ingest`,
`git commits` and `dataset export|quality|milestones` are the commands. `ingest --git` still runs
`git ingest`. `suggest`, `patterns`, `commits`, `export`, `quality` and `milestones`, their names
before, are gone (issue 45): unknown commands. `runs cleanup` is `cleanup`'s runs part alone."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from lessonloop.store import open_store
from tests.conftest import cli
from tests.git_helpers import commit_file, make_repo


def _listed_commands() -> list[str]:
    help_text = cli("--help").output
    block = help_text.split("commands:", 1)[1]
    return re.findall(r"^    ([a-z-]+)\s", block, flags=re.MULTILINE)


def test_old_names_are_not_listed_and_the_nouns_name_their_subcommands() -> None:
    listed = _listed_commands()
    assert {"runs", "git", "ingest", "recall", "dataset", "cleanup"} <= set(listed)
    hidden = {"suggest", "patterns", "commits", "hook", "export", "quality", "milestones"}
    assert not hidden & set(listed), listed  # `hook`: what Claude Code's installed hooks run
    runs_sub = set(re.findall(r"^    ([a-z]+)\s", cli("runs", "--help").output, re.M))
    assert {"suggest", "patterns", "cleanup"} <= runs_sub
    dataset_sub = set(re.findall(r"^    ([a-z]+)\s", cli("dataset", "--help").output, re.M))
    assert dataset_sub == {"export", "quality", "milestones"}
    assert {"ingest", "commits"} <= set(re.findall(r"^    ([a-z]+)\s", cli("git", "--help").output, re.M))
    assert "run" in re.findall(r"^    ([a-z]+)\s", cli("hooks", "--help").output, re.M)


def test_hooks_run_is_the_hook_command(tmp_path: Path) -> None:
    """`hooks run EVENT` answers an event as `hook EVENT` does (what the installed hooks run)."""
    import subprocess
    import sys

    payload = json.dumps(
        {"hook_event_name": "UserPromptSubmit", "session_id": "s1", "prompt": "hello", "cwd": str(tmp_path)}
    )
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "LESSONLOOP_DB": str(tmp_path / "store.db")}
    env.update({k: v for k, v in os.environ.items() if k == "PYTHONPATH"})
    answers = [
        subprocess.run(
            [sys.executable, "-m", "lessonloop", *words, "UserPromptSubmit"],
            input=payload,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        for words in (["hooks", "run"], ["hook"])
    ]
    assert answers[0].returncode == answers[1].returncode == 0
    assert (answers[0].stdout, answers[0].stderr) == (answers[1].stdout, answers[1].stderr)
    # the same command: its help differs only in the name in its usage lines (wrapped by its length)
    helps = [cli(*words, "--help").output.split("\n\n", 1)[1] for words in (["hooks", "run"], ["hook"])]
    assert helps[0].replace("hooks run", "hook") == helps[1]


@pytest.mark.parametrize(
    ("old", "new"),
    [("suggest", "runs suggest"), ("patterns", "runs patterns"), ("commits", "git commits"),
     ("quality", "dataset quality"), ("milestones", "dataset milestones"), ("export", "dataset export")],
)  # fmt: skip
def test_an_old_name_is_an_unknown_command(tmp_path: Path, old: str, new: str) -> None:
    """The names before the commands were grouped by noun are gone (issue 45, item 7); the new
    names answer."""
    db = tmp_path / "store.db"
    open_store(db).close()
    before = cli(old, "--help")
    assert before.exit_code == 2 and f"unknown command '{old}'" in before.stderr
    assert cli(*new.split(), "--help").exit_code == 0


def test_git_ingest_is_ingest_git(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    commit_file(repo, "a.py", "x = 1\n", "feat: add a")
    commit_file(repo, "b.py", "y = 2\n", "fix: add b")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    now = cli("git", "ingest", repo, "--json", "--no-progress", "--db", one)
    before = cli("ingest", "--git", repo, "--json", "--no-progress", "--db", two)
    assert now.exit_code == before.exit_code == 0
    now_data, before_data = json.loads(now.output), json.loads(before.output)
    for data in (now_data, before_data):  # the clock's figures
        for repository in data.get("repositories", []):
            repository.pop("seconds", None)
        data.pop("seconds", None)
    assert now_data == before_data
    assert now_data["commits_stored"] == 2


def test_dataset_alone_shows_its_help() -> None:
    result = cli("dataset")
    assert result.exit_code == 2
    assert "dataset export" in result.output and "lessons export" in result.output


def test_runs_cleanup_is_cleanups_runs_part(tmp_path: Path, corpus_store: Path) -> None:
    """`runs cleanup` deletes the old runs as `cleanup` does, under the same keys, and leaves the old
    sessions alone (cleanup's retention of sessions would take them)."""
    import shutil
    import subprocess
    import sys

    db = Path(shutil.copy(corpus_store, tmp_path / "store.db"))  # claude-code/spotter, ingested
    env = {**os.environ, "LESSONLOOP_DB": str(db), "HOME": str(tmp_path)}
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-m", "lessonloop", "run", "--", "true"], env=env, check=True, capture_output=True
        )
    conn = open_store(db)
    sessions = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    conn.close()
    assert sessions > 0
    # every run is older than 0s from now; every session of the corpus older than a day
    runs_only = cli("runs", "cleanup", "--older-than", "0s", "--dry-run", "--json", "--db", db)
    everything = cli("cleanup", "--older-than", "0s", "--sessions-older-than", "1d", "--dry-run", "--json", "--db", db)
    assert runs_only.exit_code == everything.exit_code == 0
    part, whole = json.loads(runs_only.output), json.loads(everything.output)
    assert part["runs"] == whole["runs"] == 2
    assert {k: part[k] for k in part if k != "cutoff"} == {k: whole[k] for k in part if k != "cutoff"}
    assert "sessions" not in part and whole["sessions"]["count"] > 0  # cleanup would take sessions
    done = cli("runs", "cleanup", "--yes", "--older-than", "0s", "--db", db)
    assert done.exit_code == 0 and "Deleted 2 run(s)" in done.output
    conn = open_store(db)
    assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == sessions
    conn.close()
