"""ccusage (npm, version 20): the token-usage tool the issue compares our figures with.

Found as $LESSONLOOP_CCUSAGE, else `ccusage` on PATH, else where .ci/run installs it
(.ci/.ccusage/node_modules/.bin/ccusage), else /tmp/ccu (`npm install --prefix /tmp/ccu ...`). Tests that use it skip with the reason when it is absent.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

_CI_COPY = Path(__file__).resolve().parent.parent / ".ci" / ".ccusage" / "node_modules" / ".bin" / "ccusage"
_TMP_COPY = Path("/tmp/ccu/node_modules/.bin/ccusage")


def ccusage_path() -> str | None:
    """The ccusage executable, or None."""
    given = os.environ.get("LESSONLOOP_CCUSAGE")
    if given and os.access(given, os.X_OK):
        return given
    found = shutil.which("ccusage")
    if found:
        return found
    for copy in (_CI_COPY, _TMP_COPY):
        if copy.exists():
            return str(copy)
    return None


INSTALL = "npm install --prefix /tmp/ccu ccusage@20 @ccusage/ccusage-linux-x64; .ci/run installs it in .ci/.ccusage"
MAJOR = 20  # the version the figures are compared with


@functools.cache
def _major(path: str) -> int | None:
    """ccusage's major version (`ccusage --version`), or None when it does not say."""
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return None
    found = re.search(r"(\d+)\.\d+", done.stdout + done.stderr)
    return int(found.group(1)) if found else None


def require_ccusage() -> str:
    """The ccusage executable; the test is skipped (with how to install it) when it is not
    installed, or is another major version than the one the figures are compared with."""
    path = ccusage_path()
    if path is None:
        pytest.skip(f"ccusage is not installed ({INSTALL})")
    major = _major(path)
    if major != MAJOR:
        pytest.skip(f"ccusage at {path} is version {major}, not {MAJOR} ({INSTALL})")
    return path


def run_ccusage(args: list[str], env: dict[str, str], timeout: float = 120) -> Any:
    """ccusage's --json output for `args`, run with `env` (HOME and the agents' folders)."""
    path = require_ccusage()
    done = subprocess.run(
        [path, *args, "--json"], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"ccusage {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout)
