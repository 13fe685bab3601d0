"""lessonloop run as a person runs it, in a temporary home: its environment (the store in the
home, no refresh or agent folder of the test run's), a command that must succeed, and a wait for
the store's background worker a command started (a test never leaves one running)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from lessonloop.pipeline.background.worker import is_running


def home_env(home: Path, *, waits: bool = True) -> dict[str, str]:
    """The environment of a person whose home is `home`; `waits` False: `ingest` returns after the
    capture, as a person's does (the test run's $LESSONLOOP_INGEST_WAIT left out)."""
    dropped = {"LESSONLOOP_REFRESH", "CLAUDE_CONFIG_DIR", "CODEX_HOME"} | (
        set() if waits else {"LESSONLOOP_INGEST_WAIT"}
    )
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["HOME"] = str(home)
    env["LESSONLOOP_DB"] = str(home / "store" / "lessonloop.db")
    return env


def lessonloop(env: dict[str, str], *words: str) -> subprocess.CompletedProcess[str]:
    """`lessonloop WORDS`, which must exit 0."""
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", *words], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def settled(env: dict[str, str]) -> None:
    """Wait for the store's worker a command started."""
    deadline = time.monotonic() + 60
    while is_running(env["LESSONLOOP_DB"]):
        assert time.monotonic() < deadline, "the background worker did not finish"
        time.sleep(0.05)
