"""The one layer every value a request gives passes through: query values, path values and a
write's fields. Each is checked (a whole number in its range, a real day, one of its choices, a
text no longer than its limit) or refused with a 400 whose message names the parameter, what it
accepts and what was given (cut when long): never a failure further down (an integer SQLite
cannot hold, a 5,000-digit number Python will not read, a day that does not exist, a 5 MB title)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from starlette.exceptions import HTTPException

from lessonloop.web.quoting import shown

Values = Mapping[str, str]

MAX_ID = 2**63 - 1  # the largest integer SQLite holds: an id is 1 to this
MAX_PAGE = 1_000_000
MAX_LIMIT = 100_000
QUERY_TEXT = 500  # a query value's characters at most, unless QUERY_LIMITS says otherwise
QUERY_LIMITS = {"q": 2000, "command": 2000, "project": 1000, "agent": 100, "model": 300, "status": 200}
PATH_LIMITS = {"ref": 200, "session_id": 1000, "action": 20}
# A write's fields (a form or the API's JSON object), in characters: a lesson's title, its texts,
# a reason; the others (token, next page, confirm) are short. Learned lessons stay far below.
FIELD_LIMITS = {
    "title": 500,
    "body": 8000,
    "prevention": 8000,
    "reason": 2000,
    "scope": 20,
    "severity": 20,
    "confirm": 10,
    "token": 200,
    "next": 2000,
}
OTHER_FIELD = 2000  # a field no write reads
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def bad(message: str) -> HTTPException:
    """The 400 a bad value gets."""
    return HTTPException(400, message)


def text(values: Values, name: str, *, limit: int | None = None, label: str | None = None) -> str | None:
    """A value, stripped; None when absent or empty; a 400 when longer than `limit` characters."""
    raw = values.get(name)
    if raw is None:
        return None
    most = limit if limit is not None else QUERY_LIMITS.get(name, QUERY_TEXT)
    if len(raw) > most:
        raise bad(f"{label or name} is too long: {len(raw):,} characters, at most {most:,}")
    return raw.strip() or None


def whole_number(values: Values, name: str, default: int, *, low: int = 1, high: int, label: str | None = None) -> int:
    """A whole number from `low` to `high` (`default` when absent); a 400 otherwise."""
    given = values.get(name)
    found = number(given, low, high) if given is not None and given.strip() else default
    if found is None:
        raise bad(f"{label or name} must be a whole number from {low} to {high}, not {shown(str(given))}")
    return found


def number(given: str, low: int, high: int) -> int | None:
    """`given` as a whole number from `low` to `high`, or None (not one, or outside)."""
    text = given.strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(high)):
        return None  # read no more digits than the highest has: int() refuses thousands
    value = int(text)
    return value if low <= value <= high else None


def day(values: Values, name: str) -> str | None:
    """A day of the calendar as YYYY-MM-DD; None when absent; a 400 otherwise."""
    given = text(values, name, limit=40)
    if given is None:
        return None
    if not _DAY.match(given):
        raise bad(f"{name} must be a day as YYYY-MM-DD, not {shown(given)}")
    try:
        date.fromisoformat(given)
    except ValueError:
        raise bad(f"{name} must be a day of the calendar (YYYY-MM-DD), not {shown(given)}: no such day") from None
    return given


def flag(values: Values, name: str) -> bool:
    """A yes/no value: 1, true, yes, on (or absent or empty: no; 0, false, no, off); a 400 otherwise."""
    given = text(values, name, limit=10)
    if given is None or given.lower() in _FALSE:
        return False
    if given.lower() in _TRUE:
        return True
    raise bad(f"{name} must be 1 or 0 (true/false, yes/no, on/off), not {shown(given)}")


def choice(values: Values, name: str, choices: Sequence[str], default: str | None = None) -> str | None:
    """One of `choices` (`default` when absent or empty); a 400 naming them otherwise."""
    given = (values.get(name) or "").strip()
    if not given:
        return default
    if given not in choices:
        raise bad(f"{name} must be one of {', '.join(choices)}, not {shown(given)}")
    return given


def write_fields(fields: Values) -> dict[str, str]:
    """A write's fields, each within its limit (FIELD_LIMITS); a 400 naming the first too long."""
    for name, value in fields.items():
        most = FIELD_LIMITS.get(name, OTHER_FIELD)
        if len(name) > OTHER_FIELD:
            raise bad(f"a field name is too long: {len(name):,} characters")
        if len(value) > most:
            raise bad(f"the field {shown(name)} is too long: {len(value):,} characters, at most {most:,}")
    return dict(fields)
