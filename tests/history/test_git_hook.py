"""The post-commit hook (issue 14, "done when"): a real repository in a temporary folder, the
hook installed by the real command line over an existing post-commit hook (in .git/hooks, and in
a core.hooksPath folder), three real commits: three commits stored by the background reads, no
extra commit, the work tree untouched, the old hook still ran; uninstall puts its bytes back."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.git_helpers import commit_file, git, git_env, make_repo

OLD_HOOK = b'#!/bin/sh\n# someone\'s own hook\necho "ran $(git rev-parse --short HEAD)" >> "$OLD_HOOK_LOG"\nexit 3\n'


def _lessonloop(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lessonloop", *args], capture_output=True, text=True, env=env)


def _stored(db: Path, want: int, limit: float = 120.0) -> int:
    """The commits stored, once `want` are there (the hook's reads run in the background), or
    whatever is there when `limit` seconds have passed (the assertion then shows the count)."""
    deadline = time.monotonic() + limit
    count = -1
    while time.monotonic() < deadline:
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                    count = conn.execute("SELECT count(*) FROM git_commits").fetchone()[0]
            except sqlite3.OperationalError:
                count = -1  # the store is being created
            if count >= want:
                return int(count)
        time.sleep(0.2)
    return count


@pytest.mark.slow
@pytest.mark.parametrize("hooks_path", [False, True], ids=["dot-git-hooks", "core-hooksPath"])
def test_hook_records_three_commits_chains_the_old_hook_and_uninstall_restores_it(
    tmp_path: Path, hooks_path: bool
) -> None:
    repo = make_repo(tmp_path / "repo")
    env = git_env(tmp_path)
    log = tmp_path / "old-hook.log"
    env["OLD_HOOK_LOG"] = str(log)
    if hooks_path:
        hooks = repo / "githooks"
        git(repo, "config", "core.hooksPath", "githooks")
    else:
        hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    old = hooks / "post-commit"
    old.write_bytes(OLD_HOOK)
    old.chmod(0o750)
    mode_before = stat.S_IMODE(old.stat().st_mode)
    inode_before = old.stat().st_ino
    db = tmp_path / "store.db"

    installed = _lessonloop("git", "install", str(repo), "--db", str(db), env=env)
    assert installed.returncode == 0, installed.stderr
    assert str(old) in installed.stdout and "previous hook runs first" in installed.stdout
    assert (hooks / "post-commit.lessonloop-original").read_bytes() == OLD_HOOK
    status = _lessonloop("git", "status", str(repo), "--db", str(db), "--json", env=env)
    hook_status = json.loads(status.stdout)["hook"]
    assert hook_status["installed"] is True and hook_status["python_exists"] is True

    made = []
    for i in range(3):
        (repo / f"f{i}.txt").write_text(f"{i}\n")
        git(repo, "add", f"f{i}.txt", env=env)
        git(repo, "commit", "-q", "-m", f"feat: file {i}", env=env)
        made.append(git(repo, "rev-parse", "HEAD", env=env).strip())

    assert _stored(db, 3) == 3
    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT hash FROM git_commits")}
    assert stored == set(made)
    # No extra commit, nothing written to the work tree or the index.
    assert git(repo, "rev-list", "--count", "--all", env=env).strip() == "3"
    untracked = {"?? githooks/post-commit", "?? githooks/post-commit.lessonloop-original"} if hooks_path else set()
    porcelain = git(repo, "status", "--porcelain", "--untracked-files=all", env=env)
    assert set(porcelain.splitlines()) == untracked
    # The old hook ran once per commit, and its exit status is the hook's.
    assert log.read_text().count("ran ") == 3
    paused = dict(env, LESSONLOOP_CAPTURE="0")
    assert subprocess.run(["sh", str(old)], cwd=repo, env=paused).returncode == 3

    removed = _lessonloop("git", "uninstall", str(repo), env=env)
    assert removed.returncode == 0 and "previous hook is back" in removed.stdout
    assert old.read_bytes() == OLD_HOOK
    assert stat.S_IMODE(old.stat().st_mode) == mode_before and old.stat().st_ino == inode_before
    assert not (hooks / "post-commit.lessonloop-original").exists()
    assert "not installed" in _lessonloop("git", "uninstall", str(repo), env=env).stdout


def test_hook_without_old_hook_in_a_worktree_goes_to_the_common_hooks(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    env = git_env(tmp_path)
    commit_file(repo, "a", "1\n", "one")
    worktree = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "side", str(worktree), env=env)
    db = tmp_path / "store.db"
    installed = _lessonloop("git", "install", str(worktree), "--db", str(db), "--json", env=env)
    assert installed.returncode == 0, installed.stderr
    hook = repo / ".git" / "hooks" / "post-commit"
    assert str(hook) in installed.stdout and os.access(hook, os.X_OK)
    (worktree / "b").write_text("2\n")
    git(worktree, "add", "b", env=env)
    git(worktree, "commit", "-q", "-m", "fix: in the worktree", env=env)
    assert _stored(db, 2) == 2  # the worktree's commit and the history before it
    assert _lessonloop("git", "uninstall", str(worktree), env=env).returncode == 0
    assert not hook.exists()
