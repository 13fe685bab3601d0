"""The error classes of failures that are not the agent's own doing: a cascade of an earlier
failure, the person's rejection of the call, an interrupt, a hook's stop before it ran. Such a failure is neither learned from
nor warned about when the same call is sent again.

No imports: the PreToolUse hook reads this on every call that meets a lesson.
"""

NOT_AGENT_FAILURES = frozenset({"CASCADE", "USER_REJECTED", "INTERRUPTED", "STOPPED"})
