"""Claude Code transcripts (~/.claude/projects/**/*.jsonl): discovery and parsing."""

from lessonloop.capture.adapters import Adapter

AGENT = "claude-code"

ADAPTER = Adapter(AGENT, "Claude Code", "lessonloop.capture.claude_code", {"claude-code": "lines"})
