"""Kimi Code sessions (~/.kimi-code/sessions/wd_*/session_*/agents/<agent>/wire.jsonl): discovery
and parsing. docs/agents/kimi-code.md.

Light: its names only (the hooks read its tools.py); the adapter is adapter.py."""

from __future__ import annotations

from lessonloop.agents.kimi.spec import SPEC

AGENT = SPEC.id
WIRE = "kimi-code-wire"
