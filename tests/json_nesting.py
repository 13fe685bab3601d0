"""How deep a JSON value nests, measured by the fuzz tests on their own (an oracle independent of
lessonloop.core.json_depth, which the readers use)."""

from __future__ import annotations

from typing import Any


def nests_deeper(value: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels in `value` (counted without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            if level > limit:
                return True
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False
