"""Aider chat histories (.aider.chat.history.md): discovery and parsing."""

from lessonloop.capture.adapters import Adapter

AGENT = "aider"
FORMAT = "aider-chat-history"

ADAPTER = Adapter(AGENT, "Aider", "lessonloop.capture.aider", {FORMAT: "lines"}, call_times=False)
