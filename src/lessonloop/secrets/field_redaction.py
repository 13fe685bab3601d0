"""Redacting JSON-like values field by field: what leaves the store goes through the redactor again.

Every text lessonloop gives out (`--json` output, exports, MCP answers) and every text column the
re-redaction of an old store rewrites passes through `redact_fields`, with the current rules and
the scope its field calls for: a command line is redacted as a command, an edit's text as code, a
tool's result as output, anything else as prose (which also catches the command-line forms). A
field's scope holds for everything under it (`"matches": [{"text": ...}]` is output), a tool
input (`input`, or `input_json` as stored) is redacted key by key (`redaction.redact_tool_input`),
and a string holding a JSON document (a stored `detail`) is parsed, redacted the same way and
written back only when something changed.

A string under a secret-named key (`"password": "hunter2"`) is also shown to the redactor as the
assignment it stands for (`password=hunter2`), so the keyword rules apply to it as they would in
a config file.
"""

from __future__ import annotations

from lessonloop.core import json_depth
from lessonloop.secrets.private_key_parts import redact_key_items
from lessonloop.secrets.redaction import Scope, learned_now, redact, redact_tool_input, shown

# typing.TYPE_CHECKING without importing typing (`lessonloop recall --json` prints through this).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

COMMAND_FIELDS = frozenset({"command", "command_norm", "prevention_command", "commands", "cmd", "argv", "run_line"})
CODE_FIELDS = frozenset(
    {"diff", "old_string", "new_string", "content", "new_source", "patch", "code", "originalfile", "structuredpatch"}
)
OUTPUT_FIELDS = frozenset(
    {
        "result",
        "result_text",
        "error",
        "error_text",
        "stdout",
        "stderr",
        "output",
        "matches",
        "before",
        "after",
        "lines",
        "tool_response",
    }
)
TOOL_INPUT_FIELDS = frozenset({"input", "tool_input", "input_json"})
# The agents' and the store's identifiers (a call's, a session's, a message's, a lesson's
# signature): keys the store keeps as the agents wrote them, never a text's content. An id-shaped
# value under one (no space, at most ID_CHARS) is given out as it is: a random call id is no secret,
# and a person needs it to find the call (issue 80: `replay --json` showed `[REDACTED:random-token]`).
ID_FIELDS = frozenset(
    {"tool_use_id", "tool_call_id", "call_id", "session_id", "main_session_id", "context_id", "message_uuid",
     "signature", "lesson_signature"}
)  # fmt: skip
ID_CHARS = 128
# Deeper containers are redacted string by string without recursion (the stack must hold), and
# a JSON document nested deeper is redacted as text.
MAX_DEPTH = 64
# A key holding one of these names a secret: its string value is also redacted as `key=value`.
SECRET_KEY_WORDS = (
    "pass",  # password, passwd, passphrase, SSHPASS (assignments.py leaves bypass, compass, ...)
    "psk",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "access_key",
    "private_key",
    "credential",
    "auth",
)


_SECRET_NAMES: dict[str, bool] = {}  # a key (lower case) -> whether it names a secret: keys come again and again


def _names_a_secret(lowered: str) -> bool:
    """Whether the key `lowered` holds one of SECRET_KEY_WORDS."""
    known = _SECRET_NAMES.get(lowered)
    if known is None:
        if len(_SECRET_NAMES) >= _REMEMBERED_TEXTS:
            _SECRET_NAMES.clear()
        known = _SECRET_NAMES[lowered] = any(word in lowered for word in SECRET_KEY_WORDS)
    return known


def field_scope(key: str, inherited: Scope) -> Scope:
    """The scope of the value under `key`, inside a value of scope `inherited`."""
    lowered = key.lower()
    if lowered in COMMAND_FIELDS:
        return "command"
    if lowered in CODE_FIELDS:
        return "code"
    if lowered in OUTPUT_FIELDS:
        return "output"
    return inherited


def redact_fields(value: Any, scope: Scope = "prose", incoming: bool = False) -> tuple[Any, int]:
    """`value` with every string redacted in its field's scope, and the number of secrets
    replaced. Containers are copied only when something in them changed; non-JSON values
    (numbers, paths, times) are kept as they are, dataclasses are walked as their fields. What
    nests deeper than MAX_DEPTH has every string redacted in the scope reached (no recursion).
    What leaves the store is redacted by the rules alone (redaction.shown); `incoming` (lessons
    imported from a file) with the learned pass too, as everything stored."""
    if incoming:
        return _walk(value, scope, 0)
    with shown():
        return _walk(value, scope, 0)


def redact_text(text: str, scope: Scope = "prose") -> tuple[str, int]:
    """One text: a JSON object or list in it is redacted field by field (and written back only
    when something changed), any other text as a whole."""
    return _text(text, scope, 0)


def redact_field(key: str, item: Any, scope: Scope = "prose") -> tuple[Any, int]:
    """The value of the field `key` inside a value of scope `scope` (a stored column is such a
    field too): a tool input key by key, else in the field's scope."""
    return _field(key, item, scope, 0)


def redact_tool_input_fields(tool_input: dict[str, Any]) -> tuple[Any, int]:
    """A tool call's input: each key in its own scope (`redaction.redact_tool_input`), then what
    that leaves under secret-named keys, and JSON documents held in strings, field by field."""
    return _tool_input(tool_input, 0)


# What holds no text: kept as it is without a look (most of a report's values are figures).
_PLAIN = (int, float, bool, type(None))


def _walk(value: Any, scope: Scope, depth: int) -> tuple[Any, int]:
    if isinstance(value, str):
        return _text(value, scope, depth)
    if depth >= MAX_DEPTH and isinstance(value, dict | list | tuple):
        return _flat(value, scope)
    if isinstance(value, dict):
        total = 0
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(item, _PLAIN):
                out[key], count = item, 0
            elif isinstance(key, str) and isinstance(item, str) and key in ID_FIELDS and _id_shaped(item):
                out[key], count = item, 0  # an identifier, as the store keeps it
            elif isinstance(key, str):
                known = _PLAIN_KEYS.get((key, scope)) if isinstance(item, str) else None
                if known is None and isinstance(item, str):
                    known = _plain_key(key, scope)
                if known is not None and known[0]:  # a text under a plain key: to the redactor in its scope
                    out[key], count = _text(item, known[1], depth + 1)
                else:
                    out[key], count = _field(key, item, scope, depth + 1)
            else:
                out[key], count = _walk(item, scope, depth + 1)
            total += count
        return (out, total) if total else (value, 0)
    if isinstance(value, list | tuple):
        total = 0
        items: list[Any] = []
        for item in value:
            cleaned, count = (item, 0) if isinstance(item, _PLAIN) else _walk(item, scope, depth + 1)
            items.append(cleaned)
            total += count
        if total:
            total += redact_key_items(items)  # a private key written one line per item
        return (items, total) if total else (value, 0)
    if hasattr(type(value), "__dataclass_fields__") and not isinstance(value, type):
        import dataclasses  # loaded already: a dataclass's instance was made by it

        fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
        cleaned, count = _walk(fields, scope, depth + 1)
        return (cleaned, count) if count else (value, 0)
    return value, 0


# (key, scope) -> whether `key` is plain (neither a tool input nor secret-named: `_field` hands a
# text under it to `_text`), and the scope it gives: keys come again and again (every row of a
# listing has the same ones), and a text under them is the most common value.
_PLAIN_KEYS: dict[tuple[str, Scope], tuple[bool, Scope]] = {}


def _id_shaped(text: str) -> bool:
    """Whether a text looks like an identifier: no whitespace, at most ID_CHARS characters."""
    return 0 < len(text) <= ID_CHARS and not any(c.isspace() for c in text)


def _plain_key(key: str, scope: Scope) -> tuple[bool, Scope]:
    lowered = key.lower()
    known = (lowered not in TOOL_INPUT_FIELDS and not _names_a_secret(lowered), field_scope(key, scope))
    if len(_PLAIN_KEYS) >= _REMEMBERED_TEXTS:
        _PLAIN_KEYS.clear()
    _PLAIN_KEYS[(key, scope)] = known
    return known


def _flat(value: Any, scope: Scope) -> tuple[Any, int]:
    """A value nested too deep to walk field by field: every string in it redacted in `scope`,
    with an explicit stack instead of recursion (json_depth.map_leaves)."""
    total = 0

    def cleaned(item: Any) -> Any:
        nonlocal total
        if not isinstance(item, str):
            return item
        text, count = redact(item, scope)
        total += count
        return text if count else item

    copy = json_depth.map_leaves(value, cleaned)
    return (copy, total) if total else (value, 0)


def _text(text: str, scope: Scope, depth: int) -> tuple[str, int]:
    if text[:1] in ("{", "[") and text[-1:] in ("}", "]"):
        from lessonloop.core import json_codec  # only for a text that may be JSON: orjson's import is not light

        try:
            parsed = json_codec.loads(text)
        except json_codec.JSONDecodeError:
            parsed = None
        if isinstance(parsed, dict | list) and not _deeper_than(parsed, MAX_DEPTH - depth):
            cleaned, count = _walk(parsed, scope, depth + 1)
            return (_dumped(cleaned), count) if count else (text, 0)
    if len(text) > _REMEMBERED_LENGTH:
        return redact(text, scope)
    key = (text, scope, learned_now())
    known = _REMEMBERED.get(key)
    if known is None:
        if len(_REMEMBERED) >= _REMEMBERED_TEXTS:
            _REMEMBERED.clear()
        known = _REMEMBERED[key] = redact(text, scope)
    return known


# Short texts come again and again in what leaves the store (a model's, an agent's, a project's
# name in every row of a report): each is redacted once per process (redact is a pure function of
# the text, its scope and whether the learned pass runs: redaction.learned_now).
_REMEMBERED_LENGTH = 200
_REMEMBERED_TEXTS = 4096
_REMEMBERED: dict[tuple[str, Scope, bool], tuple[str, int]] = {}


def _dumped(value: Any) -> str:
    from lessonloop.core import json_codec

    return value if isinstance(value, str) else json_codec.dumps(value)


def _field(key: str, item: Any, scope: Scope, depth: int) -> tuple[Any, int]:
    lowered = key.lower()
    if lowered in TOOL_INPUT_FIELDS and depth < MAX_DEPTH:
        if isinstance(item, str) and item.startswith("{"):
            from lessonloop.core import json_codec

            try:
                parsed = json_codec.loads(item)
            except json_codec.JSONDecodeError:
                parsed = None
            if isinstance(parsed, dict) and not _deeper_than(parsed, MAX_DEPTH - depth):
                cleaned, count = _tool_input(parsed, depth + 1)
                return (_dumped(cleaned), count) if count else (item, 0)
        if isinstance(item, dict):
            return _tool_input(item, depth)
    inner = field_scope(key, scope)
    if isinstance(item, str) and item and _names_a_secret(lowered):
        return _keyed(key, item, inner, depth)
    return _walk(item, inner, depth)


def _tool_input(tool_input: dict[str, Any], depth: int) -> tuple[Any, int]:
    if _deeper_than(tool_input, MAX_DEPTH - depth):
        return _flat(tool_input, "prose")
    cleaned, total = redact_tool_input(tool_input)
    out: dict[str, Any] = {}
    for key, item in cleaned.items():
        lowered = key.lower()
        if isinstance(item, str) and item and _names_a_secret(lowered):
            out[key], count = _keyed(key, item, "prose", depth + 1)
        elif isinstance(item, dict | list):
            out[key], count = _walk(item, field_scope(key, "prose"), depth + 1)
        else:
            out[key], count = item, 0
        total += count
    return (out, total) if total else (tool_input, 0)


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest more than `limit` levels inside `value` (json_depth counts `value`
    itself as level 1; without recursion)."""
    return json_depth.too_deep(value, max(limit, 0) + 1) is not None


def _keyed(key: str, text: str, scope: Scope, depth: int) -> tuple[str, int]:
    """A string under a secret-named key: as `key=text` (the key names the secret), else redacted
    on its own, then as `key=text`."""
    prefix = f"{key}="
    whole, found = redact(prefix + text, "prose")
    if found == 1 and whole.startswith(prefix + "[REDACTED:") and whole.endswith("]") and "\n" not in text:
        return whole[len(prefix) :], 1
    cleaned, count = _text(text, scope, depth)
    if cleaned.startswith("[REDACTED"):
        return cleaned, count
    assigned, found = redact(prefix + cleaned, "prose")
    if found and assigned.startswith(prefix):
        return assigned[len(prefix) :], count + found
    return cleaned, count
