"""Hermes Agent: its spec and its reader (docs/agents/hermes.md)."""
