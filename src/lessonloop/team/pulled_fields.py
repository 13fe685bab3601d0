"""What a pulled item's fields may be, checked on the client before the local writer sees them.

A client trusts no server either: another member's push, a server made before it checked pushes
(schema 5), or one written by another program may hold a title nested 1,200 levels deep or a
category that is a list. The server's JSON is read with a depth guard (`guarded_loads`, psycopg's
loader on the team's connection: Python's own reader raises RecursionError on such a value and the
whole page was lost), and each field is checked and given in the one type the store writes: a
text is a string or None, a trigger an object of texts and lists of texts, a severity one of the
four. What does not fit raises ValueError naming the field; `team pull` skips that item, says so,
and its cursor passes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from lessonloop.core import json_codec, json_depth
from lessonloop.core.timestamps import normalize_timestamp
from lessonloop.lesson_model.confidence import SEVERITIES
from lessonloop.lesson_model.triggers import (
    TRIGGER_LIST_FIELDS,
    TRIGGER_TEXT_FIELDS,
    UNLESS_LIST_FIELDS,
    UNLESS_TEXT_FIELDS,
    Trigger,
    names_calls,
)
from lessonloop.team.server_schema import MAX_ITEM_TEXT, MAX_PAYLOAD_DEPTH, MAX_SHORT_TEXT, SHORT_TEXTS

# A lesson's texts (team/items.py LESSON_TEXTS and trigger_text) but its trigger, an object.
LESSON_FIELDS = (
    "kind", "title", "body", "prevention", "prevention_command", "trigger_text", "error_signature",
    "error_class", "category", "severity",
)  # fmt: skip
COMMAND_FIELDS = ("command", "program")
MAX_NAME = 200  # characters of a member's name, a rejection's author
MAX_TIME = 40  # characters of a first or last seen time
MAX_TRIGGER_TEXT = 2000  # characters of each text of a trigger (a command's words, a path)


class Unreadable:
    """A JSON value the client did not read (nested too deep, not JSON), and why."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"Unreadable({self.why!r})"


def guarded_loads(data: bytes | bytearray | memoryview | str) -> Any:
    """One JSON value of the server's, or Unreadable when it is not JSON or nests deeper than
    json_depth.MAX_DEPTH levels: never an exception (a loader's exception loses the whole page)."""
    text = bytes(data) if isinstance(data, memoryview | bytearray) else data
    try:
        value = json_codec.loads(text)
    except json_codec.JSONDecodeError:  # orjson stops at 1,024 levels: this, not RecursionError
        value = _python_loads(text)  # a number orjson refuses (1e400) is one the checks name
        if isinstance(value, Unreadable):
            return value
    if json_depth.too_deep(value) is not None:
        return Unreadable(f"nested deeper than {json_depth.MAX_DEPTH} levels")
    return value


def shown(text: object, limit: int = 40) -> str:
    """A text of the server's (an item id, a count's name) to put in a message: at most `limit`
    characters, each a letter, digit or one of `_.:/@-` (else `?`), so it cannot be markup or a
    terminal's control sequence where the message is printed."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "_.:/@-") else "?" for c in str(text)[:limit])


def _python_loads(text: bytes | str) -> Any:
    """Python's reader, which takes what orjson refuses but JSON allows (a number too large for a
    float reads as infinity); Unreadable when it fails too, a RecursionError included."""
    try:
        return json.loads(text)
    except RecursionError:
        return Unreadable(f"nested deeper than {json_depth.MAX_DEPTH} levels")
    except ValueError as exc:
        return Unreadable(f"not JSON that can be read ({str(exc)[:80]})")


def lesson_payload(payload: Any) -> dict[str, Any]:
    """A lesson's texts as the store writes them: each of LESSON_FIELDS a string or None, the
    severity one of SEVERITIES (None, the writer's medium, when it is another word), the trigger
    an object (lesson_model/triggers.py) or None; any other field left out."""
    given = _object(payload, "texts")
    out: dict[str, Any] = {name: text_field(given, name) for name in LESSON_FIELDS}
    if out["severity"] not in SEVERITIES:
        out["severity"] = None
    out["trigger"] = trigger_field(given.get("trigger"))
    return out


def command_payload(payload: Any) -> dict[str, Any]:
    """A run record's summary texts: its command (a string) and program (a string or None)."""
    given = _object(payload, "texts")
    command = text_field(given, "command")
    if command is None:
        raise ValueError("its command is missing")
    return {"command": command, "program": text_field(given, "program")}


def _object(value: Any, what: str) -> dict[str, Any]:
    if isinstance(value, Unreadable):
        raise ValueError(f"its {what} are {value.why}")
    if not isinstance(value, dict):
        raise ValueError(f"its {what} are a JSON {_json_type(value)}, not an object")
    if json_depth.too_deep(value, MAX_PAYLOAD_DEPTH) is not None:
        raise ValueError(f"its {what} nest deeper than {MAX_PAYLOAD_DEPTH} levels")
    return value


def text_field(values: Mapping[str, Any], name: str) -> str | None:
    """Field `name` of `values`: a string (at most MAX_SHORT_TEXT characters for SHORT_TEXTS, else
    MAX_ITEM_TEXT) or None; ValueError naming it when it is anything else."""
    value = values.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"its {name} is a JSON {_json_type(value)}, not a text")
    limit = MAX_SHORT_TEXT if name in SHORT_TEXTS else MAX_ITEM_TEXT
    if len(value) > limit:
        raise ValueError(f"its {name} is over {limit} characters")
    return value


def trigger_field(value: Any) -> dict[str, Any] | None:
    """A lesson's trigger as lesson_model/triggers.py writes it (Trigger.to_json), or None; its
    texts strings, its lists lists of strings, its `unless` an object of the same."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"its trigger is a JSON {_json_type(value)}, not an object")
    _check_fields(value, TRIGGER_TEXT_FIELDS, TRIGGER_LIST_FIELDS, "trigger")
    unless = value.get("unless")
    if unless is not None:
        if not isinstance(unless, dict):
            raise ValueError(f"its trigger's unless is a JSON {_json_type(unless)}, not an object")
        _check_fields(unless, UNLESS_TEXT_FIELDS, UNLESS_LIST_FIELDS, "trigger's unless")
    if not any(isinstance(value.get(key), str) and value[key] for key in ("kind", "tool")):
        raise ValueError("its trigger names no kind")
    trigger = Trigger.from_json(value).to_json()
    if not names_calls(trigger):
        raise ValueError(
            f"its trigger names no command, file or tool: it would speak before every {trigger['kind']} call"
        )
    return trigger


def _check_fields(values: Mapping[str, Any], texts: tuple[str, ...], lists: tuple[str, ...], what: str) -> None:
    for name in texts:
        _bounded_text(values.get(name), f"{what}'s {name}")
    for name in lists:
        given = values.get(name)
        if given is None:
            continue
        if not isinstance(given, list) or len(given) > 100:
            raise ValueError(f"its {what}'s {name} is not a list of at most 100 texts")
        for element in given:
            _bounded_text(element, f"{what}'s {name}")


def _bounded_text(value: Any, what: str) -> None:
    if value is not None and (not isinstance(value, str) or len(value) > MAX_TRIGGER_TEXT):
        raise ValueError(f"its {what} is not a text of at most {MAX_TRIGGER_TEXT} characters")


def name_field(value: Any, what: str) -> str | None:
    """A member's name (an author, who rejected it) or None."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_NAME:
        raise ValueError(f"its {what} is not a name")
    return value


def time_field(value: Any, what: str) -> str | None:
    """A first or last seen time: canonical text, or None (also when the text is not a time)."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TIME:
        raise ValueError(f"its {what} is not a time")
    return normalize_timestamp(value)


def reason_field(value: Any) -> str | None:
    """A maintainer's reason for a rejection: a text (cut to MAX_ITEM_TEXT characters) or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("its rejection's reason is not a text")
    return value[:MAX_ITEM_TEXT]


def _json_type(value: Any) -> str:
    """The JSON type of a value psycopg read (jsonb_typeof's words)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    return "value that cannot be read" if isinstance(value, Unreadable) else type(value).__name__
