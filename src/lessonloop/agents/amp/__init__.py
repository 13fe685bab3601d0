"""Amp: its spec and its reader (docs/agents/amp.md)."""
