"""The pi coding agent: its spec and its reader (docs/agents/pi-agent.md)."""
