"""Fields of the wrong type in an agent's records, said in words (issue 60, item 4).

A parser names, for each kind of record it reads, the fields it reads and the JSON types the
agent writes them as (a `Shape`); `wrong_field` gives the first field present with another type
("content is a number, expected a string or a list"), and the parser reports the record as a
"malformed-record" problem of its line and skips it: read as it stands it would give nothing, or
less than it holds, without a word. Absent and null fields are not wrong: the agents leave many
out. Read only by the parsers, on records already parsed: no extra pass over a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

JsonType = Literal["string", "number", "boolean", "list", "object"]
Shape = Mapping[str, tuple[JsonType, ...]]

_ARTICLE = {
    "string": "a string",
    "number": "a number",
    "boolean": "true or false",
    "list": "a list",
    "object": "an object",
}


def json_type(value: Any) -> JsonType:
    """The JSON type of a parsed value (null is never asked: absent fields are not checked)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "list"
    return "object"


def described(value: Any) -> str:
    """'a number', 'a list', ...: the JSON type of `value` with its article."""
    return _ARTICLE[json_type(value)]


def wrong_field(record: Mapping[str, Any], shape: Shape) -> str | None:
    """The first field of `shape` that `record` holds with another JSON type, in words; None: none."""
    for name, types in shape.items():
        value = record.get(name)
        if value is None:
            continue
        found = json_type(value)
        if found not in types:
            return f"{name} is {_ARTICLE[found]}, expected {' or '.join(_ARTICLE[t] for t in types)}"
    return None
