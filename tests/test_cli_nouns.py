"""The command line grouped by noun (issue 30): `runs suggest` and `runs patterns`, `git ingest` and
`git commits` are the commands; `suggest`, `patterns`, `commits` and `ingest --git`, their names
before, still run the same command with the same output, and are left out of the command list."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from lessonloop.store import open_store
from tests.conftest import cli
from tests.git_helpers import commit_file, make_repo


def _listed_commands() -> list[str]:
    help_text = cli("--help").output
    block = help_text.split("commands:", 1)[1]
    return re.findall(r"^    ([a-z-]+)\s", block, flags=re.MULTILINE)


def test_old_names_are_not_listed_and_the_nouns_name_their_subcommands() -> None:
    listed = _listed_commands()
    assert {"runs", "git", "ingest", "recall"} <= set(listed)
    assert not {"suggest", "patterns", "commits", "hook"} & set(listed), listed  # `hook`: Claude Code's
    assert {"suggest", "patterns"} <= set(re.findall(r"^    ([a-z]+)\s", cli("runs", "--help").output, re.M))
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
    # the same command: its help differs only in the name in its usage line
    helps = [cli(*words, "--help").output.split("\n", 1)[1] for words in (["hooks", "run"], ["hook"])]
    assert helps[0].replace("hooks run", "hook") == helps[1]


def test_an_old_name_runs_the_same_command(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    open_store(db).close()
    for new, old in (
        (["runs", "suggest", "pytest", "-x"], ["suggest", "pytest", "-x"]),
        (["runs", "patterns"], ["patterns"]),
        (["git", "commits"], ["commits"]),
    ):
        now, before = cli(*new, "--json", "--db", db), cli(*old, "--json", "--db", db)
        assert (now.exit_code, now.output) == (before.exit_code, before.output), new
        json.loads(now.output)  # a real answer, not a usage error


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
