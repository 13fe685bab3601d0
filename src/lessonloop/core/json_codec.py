"""The one JSON codec of lessonloop (orjson underneath; json_output.py prints small documents)."""

from __future__ import annotations

from typing import Any

import orjson

JSONDecodeError = orjson.JSONDecodeError


def loads(data: bytes | str) -> Any:
    """Parse one JSON document."""
    return orjson.loads(data)


def dumps(value: Any, *, indent: bool = False, sort_keys: bool = False) -> str:
    """Serialize to a JSON string; non-JSON values (paths, datetimes) fall back to str()."""
    option = 0
    if indent:
        option |= orjson.OPT_INDENT_2
    if sort_keys:
        option |= orjson.OPT_SORT_KEYS
    return orjson.dumps(value, default=str, option=option).decode()
