"""Claude Code's tools by their agent-neutral kind: the table is lessonloop/core/claude_tool_kinds.py,
shared with the hooks and learning (which may not import capture)."""

from lessonloop.core.claude_tool_kinds import KINDS as KINDS
from lessonloop.core.claude_tool_kinds import kind_of as kind_of
