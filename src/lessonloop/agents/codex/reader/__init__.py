"""Codex CLI rollouts (${CODEX_HOME:-~/.codex}/sessions/**/rollout-*.jsonl): discovery and parsing.

Light: its names only (the hooks read its tools.py and outputs.py); the adapter is adapter.py."""

from __future__ import annotations

from lessonloop.agents.codex.spec import SPEC

AGENT = SPEC.id
