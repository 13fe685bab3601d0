"""json_depth: measuring and cutting nested JSON values without recursion."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from lessonloop.core.json_depth import CUT, MAX_DEPTH, clip, describe, too_deep


def nested_list(levels: int) -> list[Any]:
    """A list nesting `levels` levels, built without recursion (deeper than Python could repr)."""
    value: list[Any] = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_the_limit_is_inclusive() -> None:
    assert too_deep({"a": nested_list(MAX_DEPTH - 1)}) is None  # the object is level 1: MAX_DEPTH in all
    assert too_deep({"a": nested_list(MAX_DEPTH)}) == ("a", *[0] * (MAX_DEPTH - 1))  # the path to level 101
    assert too_deep("text") is None and too_deep(5) is None and too_deep([]) is None


def test_clip_cuts_in_place_and_keeps_the_rest() -> None:
    record = {"type": "user", "deep": nested_list(5_000), "ok": [[1]], "obj": {"k": {"k": "v"}}}
    path = clip(record)
    assert path == ("deep", *[0] * (MAX_DEPTH - 1))
    assert record["type"] == "user" and record["ok"] == [[1]] and record["obj"] == {"k": {"k": "v"}}
    node: Any = record["deep"]
    for _ in range(MAX_DEPTH - 2):
        node = node[0]
    assert node == [CUT]
    assert too_deep(record) is None
    orjson.dumps(record)  # within what the JSON writer takes (254 levels)
    assert clip(record) is None  # nothing left to cut


def test_far_deeper_than_python_can_recurse() -> None:
    value = {"a": nested_list(200_000)}
    with pytest.raises(RecursionError):
        repr(value)
    assert clip(value) is not None
    repr(value)  # cut: Python can walk it now


def test_every_branch_is_cut_the_first_is_reported() -> None:
    record = {"a": [nested_list(200)], "b": {"c": nested_list(300)}}
    path = clip(record)
    assert path is not None and path[0] in ("a", "b")
    assert too_deep(record) is None


def test_describe() -> None:
    assert describe(("message", "content", 0, "input", 0, 0, 0, 0)) == "message.content[0].input[0][0]…"
    assert describe(("type",)) == "type"
    assert describe(()) == "the value"
