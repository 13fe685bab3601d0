"""Claude Code's tools by their agent-neutral kind: the table is lessonloop/core/handler_tools.py,
shared with the hooks and learning (which may not import capture)."""

from lessonloop.core.handler_tools import KINDS as KINDS
from lessonloop.core.handler_tools import kind_of as kind_of
