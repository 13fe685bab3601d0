"""--json output (json_output.dumps_output): valid JSON whatever the floats, as orjson wrote it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from lessonloop.core.json_output import dumps_output


def test_floats_that_are_not_finite_are_null_and_the_document_is_json() -> None:
    value: dict[str, Any] = {
        "ci": [0.0, float("inf")],
        "nested": {"x": [float("nan"), (1.5, float("-inf"))]},
        "p": 2.85e-31,
    }
    text = dumps_output(value)
    assert "Infinity" not in text and "NaN" not in text
    parsed = json.loads(text)
    assert parsed == {"ci": [0.0, None], "nested": {"x": [None, [1.5, None]]}, "p": 2.85e-31}
    assert parsed == orjson.loads(orjson.dumps(value))  # what the orjson codec gave
    assert value["ci"][1] == float("inf")  # the caller's value is left as it was


def test_dataclasses_dates_and_enums_as_orjson_writes_them() -> None:
    import dataclasses
    import enum
    from datetime import UTC, date, datetime

    class Kind(enum.Enum):
        USAGE = "usage"

    @dataclasses.dataclass
    class Row:
        when: datetime
        day: date
        kind: Kind
        tags: list[str]

    value = {"row": Row(datetime(2026, 11, 25, 1, 2, 3, tzinfo=UTC), date(2026, 11, 25), Kind.USAGE, ["a"])}
    assert json.loads(dumps_output(value)) == orjson.loads(orjson.dumps(value))


def test_the_same_document_as_the_orjson_codec_for_ordinary_values() -> None:
    value = {
        "name": "caf\u00e9 \u2713",
        "n": 3,
        "none": None,
        "ok": True,
        "items": [{"a": 1}, []],
        "path": Path("/x/y"),
    }
    assert json.loads(dumps_output(value)) == orjson.loads(orjson.dumps(value, default=str))
    assert dumps_output({"a": [1, {}]}) == orjson.dumps({"a": [1, {}]}, option=orjson.OPT_INDENT_2).decode()


def test_replacing_floats_in_a_deep_document_does_not_recurse() -> None:
    from lessonloop.core.json_output import _finite

    deep: list[object] = [float("inf")]
    for _ in range(5000):  # deeper than the interpreter's recursion limit
        deep = [deep]
    inner = _finite(deep)
    for _ in range(5000):
        inner = inner[0]
    assert inner == [None]
