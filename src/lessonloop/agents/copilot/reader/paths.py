"""Where GitHub Copilot CLI keeps its sessions, and which environment variable moves them.

`$COPILOT_HOME` (default `~/.copilot`) holds `session-state/<session id>/events.jsonl`, one file
per session, appended to as the session goes on (a resumed session appends to the same file).
Beside it Copilot keeps `workspace.yaml`, checkpoints and file snapshots (not read), and
`session-state/.session-operation-locks/` (skipped).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from lessonloop.capture.adapters import DiscoveryContext, Found
from lessonloop.core.records import Problem

FORMAT = "copilot-events"
EVENTS = "events.jsonl"
SESSION_STATE = "session-state"


def copilot_home(environ: Mapping[str, str], home: str) -> Path:
    """$COPILOT_HOME when set, else ~/.copilot."""
    configured = (environ.get("COPILOT_HOME") or "").strip()
    return Path(configured).expanduser() if configured else Path(home) / ".copilot"


def searched(context: DiscoveryContext) -> list[Path]:
    return [copilot_home(context.environ, context.home) / SESSION_STATE]


def discover(context: DiscoveryContext) -> list[Found]:
    """Every session-state/<id>/events.jsonl, sorted."""
    found: list[Found] = []
    for folder in searched(context):
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except FileNotFoundError:
            continue  # no Copilot CLI here
        except OSError as exc:
            context.problems.append(
                Problem(str(folder), None, "unreadable-folder", f"cannot read folder: {exc.strerror or exc}")
            )
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # .session-operation-locks
            try:
                if not entry.is_dir():
                    continue
            except OSError:
                continue
            events = os.path.join(entry.path, EVENTS)
            if os.path.isfile(events):
                found.append(Found(os.path.abspath(events), FORMAT))
    return found


def claims(path: str) -> str | None:
    """Nothing by its path alone: an events.jsonl anywhere is recognized by its content (agents/copilot/reader/sniff.py)."""
    return None
