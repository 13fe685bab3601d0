"""A SessionState (lesson_model/triggers.py) as JSON text and back, exactly: what the pre-tool hook
keeps between calls so that each call replays only the session's new calls (apply/hooks/pre_tool.py).

JSON holds no tuples and no tuple keys: each dict is a list of [key, value] pairs in its order,
each tuple a list, the frozenset a sorted list; `load` rebuilds each field with its own shape (the
slots are listed here, and a test checks the list against SessionState's). Pure functions.
"""

from __future__ import annotations

import json

from lessonloop.lesson_model.triggers import SessionState

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from typing import Any

VERSION = 11  # bumped when SessionState's fields or their meaning change: older states are rebuilt

# The fields, by their shape: a number; {str: number}; {tuple: number}; {(tuple, str): number};
# {tuple: tuple}; {str: tuple}; a frozenset of str; {str: str}; {str: a set of str}.
_NUMBERS = ("clock", "changed_any", "rewritten_any", "hook_run", "acted")
_BY_TEXT = ("changed", "known", "rewritten", "edited", "looked")
_BY_TUPLE = ("done", "worked")
_BY_PAIR = ("done_flag", "failed_with")
_TUPLES_BY_TUPLE = ("failed", "resent")
_TUPLES_BY_TEXT = ("stale", "unsure", "absent")
_SETS = ("hook_failed",)
_TEXTS_BY_TEXT = ("endings", "encodings")
_SETS_BY_TEXT = ("garbled",)
FIELDS = frozenset(
    _NUMBERS
    + _BY_TEXT
    + _BY_TUPLE
    + _BY_PAIR
    + _TUPLES_BY_TUPLE
    + _TUPLES_BY_TEXT
    + _SETS
    + _TEXTS_BY_TEXT
    + _SETS_BY_TEXT
)


def dump(state: SessionState) -> str:
    """The state as JSON text (`load` gives it back equal, field for field, in order)."""
    out: dict[str, Any] = {"version": VERSION}
    for name in _NUMBERS:
        out[name] = getattr(state, name)
    for name in _BY_TEXT + _BY_TUPLE + _TUPLES_BY_TUPLE + _TUPLES_BY_TEXT + _TEXTS_BY_TEXT:
        out[name] = list(getattr(state, name).items())
    for name in _BY_PAIR:
        out[name] = [[list(key), value] for key, value in getattr(state, name).items()]
    for name in _SETS:
        out[name] = sorted(getattr(state, name))
    for name in _SETS_BY_TEXT:
        out[name] = [[key, sorted(values)] for key, values in getattr(state, name).items()]
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


class OtherVersion(ValueError):
    """A state another version of lessonloop kept: rebuilt, as expected after an update."""


class DamagedState(ValueError):
    """A state that cannot be read: not JSON, nested past what Python can parse (RecursionError),
    or a field of the wrong shape."""


def load(text: str) -> SessionState:
    """The state `dump` wrote; OtherVersion for another version's, DamagedState when the text is
    not one (both ValueError)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError, MemoryError) as exc:  # RecursionError: nested thousands deep
        raise DamagedState(f"a damaged session state: {type(exc).__name__}: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise DamagedState(f"a damaged session state: a JSON {type(data).__name__}, not an object")
    if data.get("version") != VERSION:
        raise OtherVersion("not a session state of this version")
    try:
        state = SessionState()
        for name in _NUMBERS:
            value = data[name]
            if type(value) is not int:
                raise DamagedState(f"a damaged session state: {name} is not a number")
            setattr(state, name, value)
        for name in _BY_TEXT:
            setattr(state, name, {str(key): int(value) for key, value in data[name]})
        for name in _BY_TUPLE:
            setattr(state, name, {tuple(key): int(value) for key, value in data[name]})
        for name in _BY_PAIR:
            setattr(state, name, {(tuple(key[0]), str(key[1])): int(value) for key, value in data[name]})
        for name in _TUPLES_BY_TUPLE:
            setattr(state, name, {tuple(key): tuple(value) for key, value in data[name]})
        for name in _TUPLES_BY_TEXT:
            setattr(state, name, {str(key): tuple(value) for key, value in data[name]})
        for name in _SETS:
            setattr(state, name, frozenset(str(item) for item in data[name]))
        for name in _TEXTS_BY_TEXT:
            setattr(state, name, {str(key): str(value) for key, value in data[name]})
        for name in _SETS_BY_TEXT:
            setattr(state, name, {str(key): {str(item) for item in values} for key, values in data[name]})
    except DamagedState:
        raise
    except (KeyError, TypeError, IndexError, ValueError, OverflowError, RecursionError) as exc:
        raise DamagedState(f"a damaged session state: {type(exc).__name__}: {str(exc)[:200]}") from None
    return state
