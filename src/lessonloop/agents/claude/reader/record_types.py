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
        # 2.1.328 (the real-agent harness): the API requests' shape and bodies, the cache latch, the
        # tools offered and the session's running cost; the replies and their usage are read instead.
        "api-request",
        "api-request-blob",
        "api-request-shape",
        "atis-latch",
        "tools-used",
        "cost-state",
    }
)
ALL_TYPES = READ_TYPES | SKIPPED_TYPES
