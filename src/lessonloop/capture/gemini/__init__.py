"""Gemini CLI chats (~/.gemini/tmp/<project>/chats/session-*.json[l]): discovery and parsing.

Light: its names only (the hooks read its tools.py); the adapter is adapter.py."""

from __future__ import annotations

AGENT = "gemini"
