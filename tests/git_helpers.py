"""Real git repositories in temporary folders for the git-capture tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SHARED_GIT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "git"


def git_env(home: Path) -> dict[str, str]:
    """An environment without the developer's git configuration, with a fixed identity."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        GIT_AUTHOR_NAME="Ada Tester",
        GIT_AUTHOR_EMAIL="ada@example.org",
        GIT_COMMITTER_NAME="Ada Tester",
        GIT_COMMITTER_EMAIL="ada@example.org",
    )
    return env


def git(repo: Path, *args: str, env: dict[str, str] | None = None, date: str | None = None) -> str:
    """Run git in `repo`; its output. `date`: author and committer date (e.g. 2024-03-01T23:30:00+05:30)."""
    run_env = dict(env if env is not None else git_env(repo.parent))
    if date is not None:
        run_env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    done = subprocess.run(["git", "-C", str(repo), *args], env=run_env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    return path


def commit_file(repo: Path, name: str, text: str, message: str, date: str | None = None) -> str:
    """Write `name`, commit it with `message`; the new commit's hash."""
    target = repo / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    git(repo, "add", "--", name)
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def clone_bundle(name: str, target: Path) -> Path:
    """A clone of one of ../shared/corpus/git's bundles (detached HEAD, as a bundle clones)."""
    bundle = SHARED_GIT / f"{name}.bundle"
    subprocess.run(
        ["git", "clone", "-q", str(bundle), str(target)],
        env=git_env(target.parent),
        capture_output=True,
        check=True,
    )
    return target


def person_env(home: Path, email: str = "me@example.com", name: str = "Me") -> dict[str, str]:
    """An environment whose git identity is the person's, in their own configuration (HOME's
    .gitconfig, written here), without the caller's GIT_* variables."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / ".gitconfig"
    config.write_text(f"[user]\n\temail = {email}\n\tname = {name}\n[init]\n\tdefaultBranch = main\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")
    return env


def own_repository(folder: Path, env: dict[str, str]) -> Path:
    """A git repository the person made here, with a commit of theirs (its reflog: "commit (initial)")."""
    folder.mkdir(parents=True, exist_ok=True)
    for args in (("init", "-q"), ("commit", "-q", "--allow-empty", "-m", "start")):
        subprocess.run(["git", "-C", str(folder), *args], env=env, check=True, capture_output=True)
    return folder
