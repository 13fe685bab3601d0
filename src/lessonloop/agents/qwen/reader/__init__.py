"""Qwen Code chats (~/.qwen/projects/<cwd-slug>/chats/<session>.jsonl): discovery and parsing.

Qwen Code (`@qwen-code/qwen-code`, a Gemini CLI fork) appends one JSON record a line: Claude
Code's envelope (uuid, parentUuid, sessionId, timestamp, type, cwd, version, gitBranch) around
Gemini's message parts (text, functionCall, functionResponse). docs/agents/qwen-code.md.

Light: its names only (the hooks read its tools.py); the adapter is adapter.py."""

from __future__ import annotations

from lessonloop.agents.qwen.spec import SPEC

AGENT = SPEC.id
CHAT = "qwen-code-chat"
