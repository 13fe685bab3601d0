"""A small JSON document a command prints once (`--json`), written with the standard library's json.

A process imports json in about 2 ms; orjson's import (datetime, uuid, dataclasses, inspect and
json itself) takes about 20, more than most commands' whole answer. The document is indented by
two spaces as `json_codec.dumps(..., indent=True)` writes it; the same JSON, a float written as
Python writes it (1e-05, where orjson writes 1e-5), one that is not finite as null as orjson writes it.
"""

from __future__ import annotations

# typing.TYPE_CHECKING without importing typing (`lessonloop recall --json` prints through this).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def dumps_output(value: Any, *, indent: bool = True) -> str:
    """`value` as JSON text, indented by two spaces (`indent`) or on one line, as orjson writes it:
    dataclasses as objects, dates in ISO form, other values JSON has no type for (paths) as their
    str(), and a float that is not finite (an odds ratio's infinite bound) as null, where the
    standard library would write `Infinity`, which is not JSON. DEL, the C1 controls and the
    bidirectional controls in its texts are written as \\u escapes as the C0 ones are
    (core/terminal_text.py json_safe): the same JSON once read, and nothing a terminal obeys. One
    line is written by the standard library's C encoder; indented JSON by its Python one, several
    times slower on a long listing (9 ms against 2 for 576 sessions)."""
    import json

    from lessonloop.core.terminal_text import json_safe

    shape: dict[str, Any] = {"indent": 2} if indent else {"separators": (",", ":")}
    try:
        text = json.dumps(value, ensure_ascii=False, default=_default, allow_nan=False, **shape)
    except ValueError:  # a NaN or an infinity somewhere: written as null
        text = json.dumps(_finite(value), ensure_ascii=False, default=_default, allow_nan=False, **shape)
    return json_safe(text)


def _default(value: Any) -> Any:
    """What orjson writes for the values JSON has no type for: a dataclass as an object of its
    fields, a date or time in ISO form, an enum as its value; anything else as its str()."""
    if hasattr(type(value), "__dataclass_fields__") and not isinstance(value, type):
        import dataclasses  # loaded already: the instance was made by it

        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    import enum

    if isinstance(value, enum.Enum):
        return value.value
    return str(value)


def _finite(value: Any) -> Any:
    """`value` with every float that is not finite replaced by None (dicts, lists and tuples copied;
    without recursion: a document may nest deeply)."""
    from lessonloop.core.json_depth import map_leaves

    return map_leaves(value, _finite_leaf)


def _finite_leaf(item: Any) -> Any:
    if isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
        return None
    return item
