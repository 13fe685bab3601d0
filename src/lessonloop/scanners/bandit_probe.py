"""Whether bandit can run here, without importing the scanner glue (cheap: every ingest asks)."""

from __future__ import annotations

import importlib.util
import shutil
import sys


def bandit_command() -> list[str] | None:
    """How to start bandit: this interpreter's module when importable, else `bandit` on PATH."""
    if importlib.util.find_spec("bandit") is not None:
        return [sys.executable, "-m", "bandit"]
    found = shutil.which("bandit")
    return [found] if found else None


def bandit_available() -> bool:
    return bandit_command() is not None
