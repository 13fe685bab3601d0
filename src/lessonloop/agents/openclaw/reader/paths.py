"""Where OpenClaw keeps its sessions: its state folder (`$OPENCLAW_STATE_DIR`, `$CLAWDBOT_STATE_DIR`,
else `~/.openclaw`, and the folders of its former names, `~/.clawdbot`, `~/.moldbot`,
`~/.moltbot`), and in it, per agent:
- `agents/<agent id>/sessions/<session id>.jsonl` (a thread's `<id>-topic-<n>.jsonl`), to 2026.7;
- `agents/<agent id>/agent/openclaw-agent.sqlite`, OpenClaw 2026.8's SQLite store (reader/database.py),
  where `openclaw doctor` moves the JSONL sessions (their files then go to
  `agents/<agent id>/session-sqlite-import-archive/`, not read: the store holds them).
Not read: `sessions.json` (an index), the archives of a reset or deleted session
(`<id>.jsonl.reset.<time>`, `.deleted.<time>`) and compaction checkpoints
(`<id>.checkpoint.<uuid>.jsonl`: a copy of what the session holds)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

SESSION = "openclaw-session"
DATABASE = "openclaw-db"
DATABASE_NAME = "openclaw-agent.sqlite"
_FORMER = (".openclaw", ".clawdbot", ".moldbot", ".moltbot")


def state_folders(environ: Mapping[str, str], home: str) -> list[str]:
    named = [
        os.path.expanduser(environ[key]) for key in ("OPENCLAW_STATE_DIR", "CLAWDBOT_STATE_DIR") if environ.get(key)
    ]
    return list(dict.fromkeys([*named, *(os.path.join(home, name) for name in _FORMER)]))


def searched(context: DiscoveryContext) -> list[str]:
    return [os.path.join(folder, "agents") for folder in state_folders(context.environ, context.home)]


def discover(context: DiscoveryContext) -> list[Found]:
    """Every live session file and session store of every agent of every state folder."""
    found: list[Found] = []
    for agents in searched(context):
        for agent in _folders(agents):
            store = os.path.join(agent, "agent", DATABASE_NAME)
            if os.path.isfile(store):
                found.append(Found(store, DATABASE))
            sessions = os.path.join(agent, "sessions")
            try:
                names = sorted(entry.name for entry in os.scandir(sessions) if entry.is_file())
            except OSError:
                continue
            found.extend(Found(os.path.join(sessions, name), SESSION) for name in names if _live(name))
    return found


def _live(name: str) -> bool:
    return name.endswith(".jsonl") and ".checkpoint." not in name


def _folders(folder: str) -> list[str]:
    try:
        return sorted(entry.path for entry in os.scandir(folder) if entry.is_dir() and not entry.name.startswith("."))
    except OSError:
        return []


def claims(path: str) -> str | None:
    """A session file where OpenClaw keeps them (<state>/agents/<agent>/sessions/<id>.jsonl); a
    file named openclaw-agent.sqlite, OpenClaw's session store, wherever it is."""
    parts = os.path.abspath(path).split(os.sep)
    if parts[-1] == DATABASE_NAME:
        return DATABASE
    at_place = len(parts) >= 5 and parts[-2] == "sessions" and parts[-4] == "agents" and _live(parts[-1])
    if at_place and (parts[-5] in _FORMER or _named_state(parts)):
        return SESSION
    return None


def _named_state(parts: list[str]) -> bool:
    """Whether the file is in the state folder the environment names (read when claimed)."""
    state = os.sep.join(parts[:-4])
    return any(
        os.environ.get(key) and os.path.abspath(os.path.expanduser(os.environ[key])) == state
        for key in ("OPENCLAW_STATE_DIR", "CLAWDBOT_STATE_DIR")
    )
