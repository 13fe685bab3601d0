"""Codex CLI rollouts (${CODEX_HOME:-~/.codex}/sessions/**/rollout-*.jsonl): discovery and parsing."""

from lessonloop.capture.adapters import Adapter

AGENT = "codex"

ADAPTER = Adapter(
    AGENT,
    "Codex CLI",
    "lessonloop.capture.codex",
    {"codex-rollout": "lines", "codex-rollout-zst": "units", "codex-rollout-json": "units"},
)
