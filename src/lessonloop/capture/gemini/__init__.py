"""Gemini CLI chats (~/.gemini/tmp/<project>/chats/session-*.json[l]): discovery and parsing."""

from lessonloop.capture.adapters import Adapter

AGENT = "gemini"

# Both chat formats are read whole ("units"): Gemini CLI rewrites the JSON file on every update,
# and a JSONL's `$rewindTo` lines and records rewritten by id change what earlier lines meant.
ADAPTER = Adapter(
    AGENT,
    "Gemini CLI",
    "lessonloop.capture.gemini",
    {"gemini-chat": "units", "gemini-chat-jsonl": "units"},
)
