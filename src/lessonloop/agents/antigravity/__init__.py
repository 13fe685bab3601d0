"""Google Antigravity (its CLI `agy`, its ACP server and its IDE): its spec and its reader
(docs/agents/antigravity.md)."""
