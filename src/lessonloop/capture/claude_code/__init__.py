"""Claude Code transcripts (~/.claude/projects/**/*.jsonl): discovery and parsing."""

AGENT = "claude-code"
