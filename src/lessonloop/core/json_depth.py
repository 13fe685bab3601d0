"""How deep a JSON value nests, and cutting it off at a limit.

orjson reads values nested up to 1024 levels, but Python cannot walk them: `repr`, `==`, `str`
and every recursive function (redaction walks tool inputs, for one) raise RecursionError near
1000 stack frames, and orjson writes at most 254 levels. So values from outside (transcript
lines, imported lessons) are measured here, without recursion, and cut at MAX_DEPTH levels
before anything else looks at them. The deepest line of the real Claude Code corpora nests 9.
"""

from __future__ import annotations

# typing.TYPE_CHECKING without importing typing (`lessonloop recall --json` prints through this).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

MAX_DEPTH = 100
CUT = f"[nested deeper than {MAX_DEPTH} levels: not read]"

Key = str | int
JsonPath = tuple[Key, ...]


def too_deep(value: Any, limit: int = MAX_DEPTH) -> JsonPath | None:
    """The path to the first list or object that sits deeper than `limit` levels inside `value`
    (a list or object is itself level 1), or None when nothing does."""
    return _walk(value, limit, cut=False)


def clip(value: Any, limit: int = MAX_DEPTH) -> JsonPath | None:
    """Replace, in place, every list or object deeper than `limit` levels inside `value` by CUT;
    return the path to the first one replaced (None: nothing was that deep, nothing changed)."""
    return _walk(value, limit, cut=True)


def describe(path: JsonPath, shown: int = 6) -> str:
    """A path as text: `message.content[0].input[0][0]…` (the first `shown` steps)."""
    text = ""
    for key in path[:shown]:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text + ("…" if len(path) > shown else "") if text else "the value"


def _walk(value: Any, limit: int, *, cut: bool) -> JsonPath | None:
    if not isinstance(value, dict | list):
        return None
    first: JsonPath | None = None
    stack: list[tuple[dict[Any, Any] | list[Any], int, JsonPath]] = [(value, 1, ())]
    while stack:
        node, level, path = stack.pop()
        deeper: list[Key] = []
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            if isinstance(child, dict | list):
                if level < limit:
                    stack.append((child, level + 1, (*path, key)))
                else:
                    deeper.append(key)
        if deeper:
            if first is None:
                first = (*path, deeper[0])
                if not cut:
                    return first
            for key in deeper:
                node[key] = CUT  # type: ignore[index]
    return first


def map_leaves(value: Any, change: Callable[[Any], Any]) -> Any:
    """`value` with each leaf (anything but a dict, list or tuple) replaced by `change(leaf)`:
    dicts, lists and tuples copied (a tuple becomes a list, as JSON has it), without recursion."""
    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        holder, key = stack.pop()
        item = holder[key]
        if isinstance(item, dict):
            holder[key] = mapping = dict(item)
            stack.extend((mapping, name) for name in mapping)
        elif isinstance(item, list | tuple):
            holder[key] = items = list(item)
            stack.extend((items, index) for index in range(len(items)))
        else:
            holder[key] = change(item)
    return root[0]
