"""Goose: its spec and its reader (docs/agents/goose.md)."""
