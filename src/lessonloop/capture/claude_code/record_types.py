"""Claude Code's transcript record types: those the parser reads, and those it skips on purpose
(the format sniffer in capture/sniffer.py recognizes a transcript by both)."""

from __future__ import annotations

READ_TYPES = frozenset({"user", "assistant", "system", "progress", "summary", "custom-title", "ai-title"})
SKIPPED_TYPES = frozenset(
    {
        "file-history-snapshot",
        "queue-operation",
        "attachment",
        "last-prompt",
        "permission-mode",
        "pr-link",
        "agent-setting",
        "agent-name",
    }
)
ALL_TYPES = READ_TYPES | SKIPPED_TYPES
