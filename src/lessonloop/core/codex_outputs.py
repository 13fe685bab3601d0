"""How a Codex CLI tool output starts when the harness failed the call (codex-rs apply-patch,
core): read by the capture adapter (capture/codex/outcomes.py) and the Codex hook's adapter
(apply/hooks/agents/codex.py) alike. Imports nothing: the hook reads it."""

FAILED_OUTPUT_HEADS = (
    "apply_patch verification failed",
    "Failed to find expected lines",
    "Failed to find context",
    "Failed to read file to update",
    "Failed to write file",
    "Failed to delete file",
    "Failed to create parent directories",
    "Invalid patch",
    "invalid patch",
    "invalid hunk at line",
    "failed in sandbox",
    "sandbox denied",
    "execution error",
    "command timed out",
    "write_stdin failed",
    "failed to parse function arguments",
    "unsupported call",
    "unsupported custom tool call",
    "Exec command failed",
)
