"""Which failures learning learns from and how long one waits for its fix.

Kept apart from the learner (engine.py, events.py import them from here) because the PostToolUse
hook reads both on every successful call to decide whether there is anything to learn, and
usually there is not: this module imports nothing, so that check costs the hook no import of the
learner (learning/live/in_session.py).
"""

from __future__ import annotations

OPEN_LIMIT = 60  # a failure not fixed within this many calls of its context is dropped

LEARNABLE_CLASSES = frozenset(
    {
        "INCORRECT_PARAMETER",
        "PARAMETER_FORMAT",
        "MISSING_PREREQUISITE",
        "WORKFLOW_SEQUENCE",
        "WRONG_TOOL_SELECTION",
        "MISSING_PARAMETER",
        "CHECK_FAILED",
    }
)
