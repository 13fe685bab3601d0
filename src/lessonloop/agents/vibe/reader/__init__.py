"""Mistral Vibe sessions (~/.vibe/logs/session/unified/<id>/: meta.json and the session store
beside it): discovery and parsing. docs/agents/mistral-vibe.md.

Light: its names only (the hooks read its tools.py); the adapter is adapter.py."""

from __future__ import annotations

from lessonloop.agents.vibe.spec import SPEC

AGENT = SPEC.id
SESSION = "mistral-vibe-session"
JOURNAL = "mistral-vibe-journal"
LEGACY = "mistral-vibe-legacy-session"
