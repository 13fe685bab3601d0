"""Whether bandit can run here, without importing the scanner glue (cheap: asked once per run
that has bandit on)."""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import sys

ENV_BANDIT = "LESSONLOOP_BANDIT"  # the command that runs bandit, when not this interpreter's or PATH's


def bandit_command() -> list[str] | None:
    """How to start bandit: $LESSONLOOP_BANDIT when set (a command line, e.g. a bandit of its own
    virtual environment), else this interpreter's module when importable, else `bandit` on PATH."""
    chosen = os.environ.get(ENV_BANDIT, "").strip()
    if chosen:
        try:
            return shlex.split(chosen) or None
        except ValueError:  # unbalanced quotes: the whole text as the program
            return [chosen]
    if importlib.util.find_spec("bandit") is not None:
        return [sys.executable, "-m", "bandit"]
    found = shutil.which("bandit")
    return [found] if found else None


def bandit_available() -> bool:
    return bandit_command() is not None
