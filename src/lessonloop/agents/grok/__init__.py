"""Grok Build (xAI's coding CLI `grok`): its spec and its reader (docs/agents/grok-build.md)."""
