"""GitHub Copilot CLI sessions (${COPILOT_HOME:-~/.copilot}/session-state/<id>/events.jsonl):
discovery and parsing.

Light: its names only (the hooks read its tools.py and outputs.py); the adapter is adapter.py."""

from __future__ import annotations

from lessonloop.agents.copilot.spec import SPEC

AGENT = SPEC.id
