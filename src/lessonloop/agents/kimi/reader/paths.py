"""Where Kimi Code keeps its sessions: `${KIMI_CODE_HOME:-~/.kimi-code}/sessions/wd_<folder
name>_<hash>/session_<uuid>/`, each with `state.json` (its id, cwd, agents) and one wire log per
agent of the session, `agents/<agent>/wire.jsonl` (`main`, and each sub-agent's)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

WIRE = "kimi-code-wire"


def kimi_home(environ: Mapping[str, str], home: str) -> str:
    return os.path.expanduser(environ.get("KIMI_CODE_HOME") or os.path.join(home, ".kimi-code"))


def searched(context: DiscoveryContext) -> list[str]:
    return [os.path.join(kimi_home(context.environ, context.home), "sessions")]


def discover(context: DiscoveryContext) -> list[Found]:
    """Every agent's wire log of every session."""
    found: list[Found] = []
    for sessions in searched(context):
        for workspace in _folders(sessions):
            for session in _folders(workspace):
                for agent in _folders(os.path.join(session, "agents")):
                    wire = os.path.join(agent, "wire.jsonl")
                    if os.path.isfile(wire):
                        found.append(Found(wire, WIRE))
    return found


def _folders(folder: str) -> list[str]:
    try:
        return sorted(entry.path for entry in os.scandir(folder) if entry.is_dir() and not entry.name.startswith("."))
    except OSError:
        return []


def claims(path: str) -> str | None:
    """A wire log where Kimi Code keeps them (.../sessions/<workspace>/session_*/agents/<agent>/wire.jsonl)."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) >= 6 and parts[-1] == "wire.jsonl" and parts[-3] == "agents" and parts[-4].startswith("session_"):
        return WIRE
    return None


def session_of(path: str) -> tuple[str, str] | None:
    """(session folder, agent) of a wire log at its place, else None."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) >= 4 and parts[-3] == "agents":
        return os.sep.join(parts[:-3]), parts[-2]
    return None
