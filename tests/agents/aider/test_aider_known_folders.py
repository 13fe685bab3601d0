"""Aider's histories are looked for in the project folders the store knows. A project known only
by a name (a Gemini CLI chat without its folder is stored under its project folder's name, "abc")
is no folder: it was taken relative to the current folder, so `ingest` searched (and could read)
./abc/.aider.chat.history.md wherever it was run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lessonloop.agents.aider.reader import paths
from lessonloop.capture.adapters import DiscoveryContext
from tests.git_helpers import own_repository, person_env


def test_a_project_name_is_not_a_folder_of_the_current_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "abc").mkdir()
    (tmp_path / "abc" / paths.HISTORY_NAME).write_text("# aider chat started at 2026-11-01 10:00:00\n")
    env = person_env(tmp_path / "home")  # the person's own repository: its history is read
    for name in ("HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.setenv(name, env[name])
    real = own_repository(tmp_path / "real", env)
    (real / paths.HISTORY_NAME).write_text("# aider chat started at 2026-11-01 10:00:00\n")
    context = DiscoveryContext(environ={}, home=str(tmp_path / "home"), known_folders=("abc", str(real)))
    assert paths.searched(context) == [os.path.join(real, paths.HISTORY_NAME)]
    assert [f.path for f in paths.discover(context)] == [os.path.join(real, paths.HISTORY_NAME)]


def test_configured_paths_still_may_start_with_a_tilde(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "app").mkdir(parents=True)
    context = DiscoveryContext(environ={}, home=str(home), configured=("~/app",))
    assert paths.searched(context) == [os.path.join(home, "app", paths.HISTORY_NAME)]
