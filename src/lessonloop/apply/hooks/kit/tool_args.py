"""Pieces the Cursor and Copilot CLI adapters share: a tool's arguments read defensively (an
object, or a JSON text of one), the first text among a payload's fields, and a stable id made
from what a payload gives when the agent names no id itself.

Imports only json at start (the hooks' start-up: tests/apply/test_hook_imports.py); hashlib when an id
has to be made.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_ARGS_CHARS = 4 * 1024 * 1024  # a tool's arguments as text longer than this are not read


def args_object(value: object) -> dict[str, object]:
    """A tool's arguments as an object: the object itself, or the object a JSON text holds.
    Anything else (not JSON, JSON that is not an object, nested too deep to walk, too long) is
    `{}`: the call is still seen, by its tool's name only."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ARGS_CHARS:
        return {}
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(parsed, dict):
        return {}
    if value.count("{") + value.count("[") > 100:  # possibly deeper than the code after this walks
        from lessonloop.core.json_depth import clip

        clip(parsed)
    return parsed


def first_text(data: Mapping[str, object], *keys: str) -> str | None:
    """The first non-empty text among `data[key]` for `keys`, in order."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def stable_id(prefix: str, *parts: object) -> str:
    """An id that is the same whenever `parts` are: `prefix` and 20 hex digits of their SHA-1."""
    from lessonloop.core.quick_hash import sha1_hex

    text = "\x00".join("" if part is None else str(part) for part in parts)
    return f"{prefix}{sha1_hex(text.encode('utf-8', 'replace'))[:20]}"


def root_of(roots: object) -> str | None:
    """The first folder of a `workspace_roots` list."""
    if isinstance(roots, list):
        for root in roots:
            if isinstance(root, str) and root:
                return root
    return None
