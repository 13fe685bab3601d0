"""Where Mistral Vibe keeps its sessions: `<save_dir>/unified/<session id>/`, one folder a session
(meta.json, CURRENT, generations/, chunks/, journal/). `save_dir` is `[session_logging].save_dir` of
its config.toml, else `$VIBE_HOME/logs/session` ($VIBE_HOME: ~/.vibe unless set);
`$VIBE_SESSION_LOGGING__SAVE_DIR` overrides both, as Vibe's own settings layers do."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

SESSION = "mistral-vibe-session"
JOURNAL = "mistral-vibe-journal"
LEGACY = "mistral-vibe-legacy-session"
CONFIG_BYTES = 1_000_000


def vibe_home(environ: Mapping[str, str], home: str) -> str:
    return os.path.expanduser(environ.get("VIBE_HOME") or os.path.join(home, ".vibe"))


def save_dir(environ: Mapping[str, str], home: str) -> str:
    given = environ.get("VIBE_SESSION_LOGGING__SAVE_DIR")
    if given:
        return os.path.expanduser(given)
    base = vibe_home(environ, home)
    configured = _configured_save_dir(os.path.join(base, "config.toml"))
    return configured or os.path.join(base, "logs", "session")


def _configured_save_dir(config: str) -> str | None:
    try:
        with open(config, "rb") as handle:
            data = tomllib.loads(handle.read(CONFIG_BYTES).decode("utf-8", errors="replace"))
    except (OSError, tomllib.TOMLDecodeError):
        return None  # no config, or one Vibe itself would refuse: its default folder
    logging = data.get("session_logging")
    folder = logging.get("save_dir") if isinstance(logging, dict) else None
    return os.path.abspath(os.path.expanduser(folder)) if isinstance(folder, str) and folder else None


def searched(context: DiscoveryContext) -> list[str]:
    return [os.path.join(save_dir(context.environ, context.home), "unified")]


def discover(context: DiscoveryContext) -> list[Found]:
    """Every session folder under <save_dir>/unified/ holding a meta.json."""
    found: list[Found] = []
    for folder in searched(context):
        try:
            sessions = sorted(entry.path for entry in os.scandir(folder) if entry.is_dir(follow_symlinks=False))
        except OSError:
            continue  # no Vibe here
        for session in sessions:
            meta = os.path.join(session, "meta.json")
            if os.path.isfile(meta):
                found.append(Found(meta, SESSION))
    return found


def claims(path: str) -> str | None:
    """A session's meta.json where Vibe keeps them (.../unified/<id>/meta.json), its journal
    (.../unified/<id>/journal/<n>.jsonl), or a session of Vibe's former layout
    (.../session_<time>_<id>/: messages.jsonl and meta.json, each named by the other beside it)."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) >= 3 and parts[-1] == "meta.json" and parts[-3] == "unified":
        return SESSION
    if len(parts) >= 4 and parts[-2] == "journal" and parts[-4] == "unified" and parts[-1].endswith(".jsonl"):
        return JOURNAL
    legacy = len(parts) >= 2 and parts[-1] in ("messages.jsonl", "meta.json") and parts[-2].startswith("session_")
    sibling = "meta.json" if parts[-1] == "messages.jsonl" else "messages.jsonl"
    if legacy and os.path.isfile(os.path.join(os.path.dirname(path), sibling)):
        return LEGACY
    return None
