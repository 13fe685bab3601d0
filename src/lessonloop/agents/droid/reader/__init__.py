"""Factory Droid sessions (~/.factory/sessions/<cwd-slug>/<id>.jsonl with <id>.settings.json):
discovery and parsing. docs/agents/droid.md.

Light: its names only (the hooks read its tools.py); the adapter is adapter.py."""

from __future__ import annotations

from lessonloop.agents.droid.spec import SPEC

AGENT = SPEC.id
SESSION = "droid-session"
