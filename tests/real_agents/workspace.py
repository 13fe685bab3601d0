"""A person's machine in a temp folder: a HOME of its own, a git project whose branch has no
upstream, and lessonloop run as that person runs it (a real subprocess, the default store in HOME)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_BUILT_IN = re.compile(r"trace: built-in: git (.*)$")

# What an agent run and lessonloop see of the outer environment: nothing of the developer's own
# agents, stores or keys.
_KEPT = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "SYSTEMROOT")


# Every workspace made: their hook servers are stopped after each test (conftest.py).
MADE: list[Workspace] = []


@dataclass
class Workspace:
    root: Path
    home: Path = field(init=False)
    project: Path = field(init=False)
    origin: Path = field(init=False)

    def __post_init__(self) -> None:
        MADE.append(self)
        self.home = self.root / "home"
        self.project = self.root / "shop"
        self.origin = self.root / "origin.git"
        self.home.mkdir(parents=True)
        self.project.mkdir()
        git(self.root, "init", "-q", "--bare", str(self.origin))
        git(self.project, "init", "-q", "-b", "main")
        (self.project / "README.md").write_text("# shop\n", encoding="utf-8")
        git(self.project, "add", "README.md")
        git(self.project, "commit", "-q", "-m", "Start the shop")
        git(self.project, "remote", "add", "origin", str(self.origin))

    def new_branch(self, name: str) -> None:
        """A branch with a commit of its own and no upstream: `git push` fails on it."""
        git(self.project, "checkout", "-q", "-b", name)
        (self.project / f"{name}.txt").write_text(f"{name}\n", encoding="utf-8")
        git(self.project, "add", f"{name}.txt")
        git(self.project, "commit", "-q", "-m", f"Add {name}")

    def log_git(self) -> None:
        """From now on every `git` the agents run is logged (git's own GIT_TRACE: an environment
        variable passes where a PATH shim would not, a login shell resetting PATH)."""
        (self.root / "git-trace.log").touch()

    def git_calls(self) -> list[str]:
        """The command lines of the `git` runs logged since `log_git` (without `git`)."""
        log = self.root / "git-trace.log"
        if not log.exists():
            return []
        found = (_BUILT_IN.search(line) for line in log.read_text(encoding="utf-8", errors="replace").splitlines())
        return [match.group(1) for match in found if match is not None]

    @property
    def store(self) -> Path:
        return self.home / ".local" / "share" / "lessonloop" / "lessonloop.db"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a process of this machine's person."""
        env = {name: os.environ[name] for name in _KEPT if name in os.environ}
        trace = self.root / "git-trace.log"
        if trace.exists():  # log_git
            env["GIT_TRACE"] = str(trace)
        env.update(
            HOME=str(self.home),
            USER="harness",
            GIT_AUTHOR_NAME="Harness",
            GIT_AUTHOR_EMAIL="harness@example.invalid",
            GIT_COMMITTER_NAME="Harness",
            GIT_COMMITTER_EMAIL="harness@example.invalid",
            LESSONLOOP_EMBEDDINGS="none",
            NO_COLOR="1",
            TERM="dumb",
        )
        env.update(extra)
        return env

    def stop_hook_server(self) -> None:
        """Stop the hook server this workspace's hooks started (hook_server.py: one per
        installation and HOME; it would wait half an hour for more calls)."""
        from lessonloop.hook_server import stop_installed

        stop_installed(self.env())

    def lessonloop(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """`lessonloop ARGS` in the project folder, as the person runs it."""
        done = subprocess.run(
            [sys.executable, "-m", "lessonloop", *args],
            cwd=self.project,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"lessonloop {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def lessonloop_json(self, *args: str) -> Any:
        return json.loads(self.lessonloop(*args, "--json").stdout)


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Harness",
        "GIT_AUTHOR_EMAIL": "harness@example.invalid",
        "GIT_COMMITTER_NAME": "Harness",
        "GIT_COMMITTER_EMAIL": "harness@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout
