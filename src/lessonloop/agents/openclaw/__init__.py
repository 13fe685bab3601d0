"""OpenClaw: its spec and its reader (docs/agents/openclaw.md)."""
