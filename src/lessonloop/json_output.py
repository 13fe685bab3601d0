"""A small JSON document a command prints once (`--json`), written with the standard library's json.

A process imports json in about 2 ms; orjson's import (datetime, uuid, dataclasses, inspect and
json itself) takes about 20, more than most commands' whole answer. The document is indented by
two spaces as `json_codec.dumps(..., indent=True)` writes it; the same JSON, a float written as
Python writes it (1e-05, where orjson writes 1e-5).
"""

from __future__ import annotations

from typing import Any


def dumps_output(value: Any) -> str:
    """`value` as indented JSON text; values JSON has no type for (paths) as their str()."""
    import json

    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
