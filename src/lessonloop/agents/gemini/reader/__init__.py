"""Gemini CLI chats (~/.gemini/tmp/<project>/chats/session-*.json[l]): discovery and parsing.

Light: its names only (the hooks read its tools.py); the adapter is adapter.py."""

from __future__ import annotations

from lessonloop.agents.gemini.spec import SPEC

AGENT = SPEC.id
