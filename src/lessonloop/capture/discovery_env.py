"""What chooses the places discovery looks in, apart from the adapters (stdlib only): the
environment variables the agents' path modules read, and the configured capture paths. A digest
of them tells a read's check for new files (pipeline/refresh.py) that the places it watches are
still the ones discovery would look in. tests/pipeline/test_read_refresh.py holds the names equal to those
the path modules read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lessonloop.core.quick_hash import blake2b_hex

DISCOVERY_ENV = (
    "AIDER_CHAT_HISTORY_FILE",
    "CLAUDE_CONFIG_DIR",
    "CLINE_DATA_DIR",
    "CLINE_DIR",
    "CLINE_SESSION_DATA_DIR",
    "CODEX_HOME",
    "CONTINUE_GLOBAL_DIR",
    "COPILOT_HOME",
    "GEMINI_CLI_HOME",
    "HOME",
    "KILO_DB",
    "KIMI_CODE_HOME",
    "OPENCODE_DB",
    "QWEN_HOME",
    "QWEN_RUNTIME_DIR",
    "VIBE_HOME",
    "VIBE_SESSION_LOGGING__SAVE_DIR",
    "XDG_DATA_HOME",
)


def places_digest(environ: Mapping[str, str], configured: Iterable[str] = (), known: Iterable[str] = ()) -> str:
    """A short text naming what chose the places: the variables' values, the configured paths and
    the folders the store knows (Aider's histories are looked for there)."""
    parts = [f"{name}={environ.get(name, '')}" for name in DISCOVERY_ENV]
    parts.append("configured=" + "\x1f".join(sorted(configured)))
    parts.append("known=" + "\x1f".join(sorted(known)))
    text = "\x1e".join(parts)
    return blake2b_hex(text.encode("utf-8", "surrogateescape"), 12)
