"""Codebuff: its spec and its reader (docs/agents/codebuff.md)."""
