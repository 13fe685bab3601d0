"""OpenCode sessions: its SQLite file (opencode.db) and the legacy storage/ JSON tree."""

from lessonloop.capture.adapters import Adapter

AGENT = "opencode"

ADAPTER = Adapter(
    AGENT, "OpenCode", "lessonloop.capture.opencode", {"opencode-storage": "units", "opencode-db": "units"}
)
