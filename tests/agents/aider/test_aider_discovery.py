"""Where `lessonloop ingest` without paths looks for Aider histories (issue 26, item 3): the
project folders the store knows and their git repositories' roots, the current folder and its
root, capture.paths; a notice says what it found and where it looked. A history whose repository
does not show the person's own work is still left out, with its own notice
(agents/aider/reader/ownership.py; tests/agents/aider/test_aider_foreign_history.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from lessonloop.agents.aider.reader.paths import HISTORY_NAME, discover, git_root
from lessonloop.capture.adapters import DiscoveryContext
from tests.git_helpers import own_repository, person_env

HISTORY = "# aider chat started at 2024-08-05 10:00:00\n\n#### hello\n\nHi.\n"


@pytest.fixture(autouse=True)
def person(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """This process's git identity is the person's (their own configuration)."""
    env = person_env(tmp_path / "home")
    for name in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(name)
    for name in ("HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.setenv(name, env[name])
    return env


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def repo(folder: Path) -> Path:
    """A repository the person works in: made here, with a commit of theirs."""
    return own_repository(folder, dict(os.environ))


def context(
    tmp_path: Path, known: tuple[str, ...] = (), cwd: str = "", configured: tuple[str, ...] = ()
) -> DiscoveryContext:
    return DiscoveryContext(
        environ={}, home=str(tmp_path / "home"), known_folders=known, configured=configured, cwd=cwd
    )


def test_git_root_is_the_nearest_folder_with_dot_git(tmp_path: Path) -> None:
    root = repo(tmp_path / "proj")
    (root / "a" / "b").mkdir(parents=True)
    assert git_root(str(root / "a" / "b")) == str(root)
    (tmp_path / "worktree").mkdir()
    (tmp_path / "worktree" / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git is a file
    assert git_root(str(tmp_path / "worktree")) == str(tmp_path / "worktree")
    assert git_root(str(tmp_path / "nowhere")) in (None, *(str(p) for p in tmp_path.parents))


def test_histories_in_repository_roots_and_the_current_folder(tmp_path: Path) -> None:
    project = repo(tmp_path / "project")
    (project / "src").mkdir()
    (project / HISTORY_NAME).write_text(HISTORY)
    here = repo(tmp_path / "here")
    (here / HISTORY_NAME).write_text(HISTORY)
    listed = tmp_path / "listed"
    listed.mkdir()
    (listed / HISTORY_NAME).write_text(HISTORY)
    found_context = context(
        tmp_path, known=(str(project / "src"), "bare-name"), cwd=str(here), configured=(str(listed),)
    )
    found = [item.path for item in discover(found_context)]
    assert found == [str(project / HISTORY_NAME), str(here / HISTORY_NAME), str(listed / HISTORY_NAME)]
    (hint,) = [p for p in found_context.problems if p.code == "aider-histories"]
    assert hint.severity == "notice" and hint.detail.startswith("3 Aider histories found")


def test_nothing_found_says_nothing(tmp_path: Path) -> None:
    """A person without Aider gets no notice about it on every ingest (where a history is looked
    for is in `ingest --help` and in "No agent transcripts found in ..." when nothing is)."""
    empty = repo(tmp_path / "empty")
    searched = context(tmp_path, cwd=str(empty))
    assert discover(searched) == [] and searched.problems == []


def test_a_history_someone_else_committed_is_not_read(tmp_path: Path) -> None:
    cloned = repo(tmp_path / "cloned")
    (cloned / HISTORY_NAME).write_text(HISTORY)
    git(cloned, "add", HISTORY_NAME)
    git(cloned, "-c", "user.email=other@example.com", "-c", "user.name=Other", "commit", "-q", "-m", "history")
    searched = context(tmp_path, known=(str(cloned),))
    assert discover(searched) == []
    codes = [p.code for p in searched.problems]
    assert codes == ["not-your-history", "aider-histories"]
    assert "0 Aider histories found (none read); 1 found and not read" in searched.problems[1].detail
    # Named in capture.paths: read whoever committed it.
    chosen = context(tmp_path, known=(str(cloned),), configured=(str(cloned),))
    assert [item.path for item in discover(chosen)] == [str(cloned / HISTORY_NAME)]
