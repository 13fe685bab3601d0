"""How a Codex CLI tool output starts when the harness failed the call (codex-rs apply-patch,
core): read by the capture adapter (agents/codex/reader/outcomes.py) and the Codex hook's adapter
(agents/codex/hooks.py) alike. Imports nothing: the hook reads it.

The same texts come with `error: ` before them when a patch was sent through the shell tool
(`["apply_patch", PATCH]`, older Codex: core's codex.rs answers a patch that does not verify with
`format!("error: {parse_error:#}")` and no exit code): `error: Failed to find expected lines in
PATH:`, `error: invalid hunk at line N, ...`.
"""

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
    # a hook's deny (codex-rs core hook_runtime): the call did not run (analyze: class STOPPED)
    "Command blocked by PreToolUse hook",
    "Tool call blocked by PreToolUse hook",
)


def harness_failed(text: str) -> bool:
    """Whether an output without an exit code is the harness's failure: it starts with one of
    FAILED_OUTPUT_HEADS, after `error: ` or not."""
    head = text.lstrip()
    if head.startswith("error: "):
        head = head[len("error: ") :]
    return head.startswith(FAILED_OUTPUT_HEADS)
