"""The real Claude Code (its pinned version, interactive, in a pseudo-terminal) shows lessonloop's
status line once `hooks install --statusline` set it: the model it runs, the running billing block
of the calls the store holds, the lessons of the project and the stops of the day, as `lessonloop
statusline` works them out from the payload Claude Code sends it."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.real_agents import clis
from tests.real_agents.drivers import ClaudeCode
from tests.real_agents.model_server import ModelServer
from tests.real_agents.workspace import Workspace
from tests.transcript_builder import TranscriptBuilder

pytestmark = pytest.mark.slow

_ESCAPES = re.compile(rb"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
WAIT_SECONDS = 90


_MOVES = re.compile(rb"\x1b\[(\d*)([CG])")


def _screen_text(raw: bytes) -> str:
    """What the terminal was sent, escape sequences taken out (a move of the cursor to the right,
    which the terminal interface writes for spaces, as spaces)."""
    spaced = _MOVES.sub(lambda m: b" " * (int(m.group(1) or 1) if m.group(2) == b"C" else 1), raw)
    return _ESCAPES.sub(b"", spaced).decode("utf-8", errors="replace")


def _interactive(binary: Path, cwd: Path, env: dict[str, str], until: re.Pattern[str]) -> str:
    """Claude Code started as a person starts it, in a 200-column terminal, until `until` is on the
    screen (or WAIT_SECONDS passed); what it showed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the agent
        os.chdir(cwd)
        os.execve(str(binary), [str(binary)], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    raw = b""
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while time.monotonic() < deadline and not until.search(_screen_text(raw)):
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    raw += os.read(fd, 65536)
                except OSError:
                    break
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    return _screen_text(raw)


def test_claude_code_shows_the_status_line(tmp_path: Path) -> None:
    binary = clis.require("claude")
    ws = Workspace(tmp_path)
    # A session of this project that ended ten minutes ago: its calls make a running block.
    started = datetime.now(UTC) - timedelta(minutes=50)
    earlier = TranscriptBuilder(cwd=str(ws.project), start=started)
    earlier.prompt("add the search page")
    for _ in range(3):
        earlier.say("Working on it.", input_tokens=4000, output_tokens=900, cache_read=20000)
    earlier.records[-1]["timestamp"] = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    folder = ws.home / ".claude" / "projects" / ("-" + str(ws.project).strip("/").replace("/", "-"))
    earlier.write(folder / f"{earlier.session_id}.jsonl")
    ws.lessonloop("ingest", "--no-analyze")
    blocks = ws.lessonloop_json("stats", "--by", "block")["blocks"]
    [running] = [b for b in blocks if b["active"]]
    install = ws.lessonloop("hooks", "install", "--agent", "claude", "--statusline")
    assert "status line of its own" not in install.stdout + install.stderr
    # The folder trusted and the first-run screens done, as a person who used Claude Code here has.
    (ws.home / ".claude.json").write_text(
        json.dumps(
            {
                "hasCompletedOnboarding": True,
                # the key the driver gives (its last 20 characters, as Claude Code keeps them) approved
                "customApiKeyResponses": {"approved": [ClaudeCode.API_KEY[-20:]], "rejected": []},
                "projects": {str(ws.project): {"hasTrustDialogAccepted": True, "hasCompletedProjectOnboarding": True}},
            }
        ),
        encoding="utf-8",
    )
    with ModelServer() as server:
        env = ClaudeCode().env(ws, server)
        env.update(TERM="xterm-256color", COLUMNS="200", LINES="50")
        env.pop("NO_COLOR", None)
        screen = _interactive(binary, ws.project, env, re.compile(r"stops? today"))
    found = re.search(r"([^\n|]*?) *\| *\$([0-9.,]+) +session *\| *\$([0-9.,]+) +block, +(\d+)h(\d\d)m +left *\| *"
                      r"(\d+) +lessons? +here *\| *(\d+) +stops? +today", screen)  # fmt: skip
    assert found is not None, screen[-3000:]
    assert found.group(1).strip()  # the model Claude Code runs, by its display name
    assert found.group(3) == f"{running['cost_usd']:,.2f}"  # the block `stats --by block` gives
    left = int(found.group(4)) * 60 + int(found.group(5))
    assert 0 < left <= 5 * 60
    assert (found.group(6), found.group(7)) == ("0", "0")  # no lesson learned, no call stopped yet
