"""How the compact price table (price_data.jsonl beside this module, package data written by
scripts/price_table.py from genai-prices' snapshot) prices a model on a day: the lookup genai-prices
makes, over the table's JSON arrays instead of pydantic objects (importing genai-prices costs about
0.13 s). The providers are read when this module is imported, a provider's models only when a name
finds that provider (one line of the file each: an ingest parses one or two of 47, about 1 ms).

A name (lower-cased) finds its provider by the provider's `model_match`, or, when a provider id
is given, by that id or the provider's `provider_match`; then the provider's first model whose
match holds, else the first of the providers it falls back to (one step); else the same with a
compact date in the name written out (`-20251211` -> `-2025-12-11`, a real date only). The model's
rates are those of its last period that began on or before the day.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from functools import cache, lru_cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["SOURCE", "providers", "table_rates"]


def _read() -> tuple[Any, list[bytes]]:
    """The file's first line parsed (the source, the providers), and the lines of models unparsed."""
    with open(os.path.join(os.path.dirname(__file__), "price_data.jsonl"), "rb") as file:
        head, *models = file.read().splitlines()
    return json.loads(head), models


_HEAD, _MODEL_LINES = _read()
SOURCE: str = _HEAD["source"]

_PROVIDERS: list[list[Any]] = _HEAD["providers"]  # [id, model_match, provider_match, fallbacks]
_BY_ID = {provider[0]: at for at, provider in enumerate(_PROVIDERS)}


@cache
def _models(provider: int) -> list[Any]:
    """The models of the provider at that place: [id, match, periods] each."""
    found: list[Any] = json.loads(_MODEL_LINES[provider])
    return found


def providers() -> list[list[Any]]:
    """The whole table, each provider as [id, model_match, provider_match, fallbacks, models]."""
    return [[*provider, _models(at)] for at, provider in enumerate(_PROVIDERS)]


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _holds(clause: Any, text: str) -> bool:
    """Whether the clause (as price_data.jsonl writes it) holds for `text` (lower case)."""
    kind, argument = clause
    if kind in ("or", "and"):
        return (any if kind == "or" else all)(_holds(each, text) for each in argument)
    argument = str(argument)
    if kind == "starts_with":
        return text.startswith(argument.lower())
    if kind == "ends_with":
        return text.endswith(argument.lower())
    if kind == "contains":
        return argument.lower() in text
    if kind == "equals":
        return text == argument.lower()
    if kind == "regex":
        return _regex(argument).search(text) is not None
    raise ValueError(f"a price table clause of an unknown kind: {kind!r}")


def _provider(name: str, provider_id: str | None) -> int | None:
    """The place of the provider that sells `name` (given `provider_id`), or None."""
    if provider_id is not None:
        wanted = provider_id.lower().strip()
        found = _BY_ID.get(wanted)
        if found is not None:
            return found
        return next((at for at, p in enumerate(_PROVIDERS) if p[2] is not None and _holds(p[2], wanted)), None)
    return next((at for at, p in enumerate(_PROVIDERS) if p[1] is not None and _holds(p[1], name)), None)


def _model(provider: int, name: str, fall_back: bool) -> list[Any] | None:
    model: list[Any]
    for model in _models(provider):
        if _holds(model[1], name):
            return model
    if fall_back:
        for other_id in _PROVIDERS[provider][3]:
            other = _BY_ID.get(other_id)
            if other is not None:
                found = _model(other, name, False)
                if found is not None:
                    return found
    return None


_COMPACT_DATE = re.compile(r"-(20\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)")


def _dashed(name: str) -> str:
    """A compact date in a model name written with dashes, when it is a real date."""

    def dashed(match: re.Match[str]) -> str:
        year, month, day = (int(part) for part in match.groups())
        try:
            date(year, month, day)
        except ValueError:
            return match.group(0)
        return f"-{year:04d}-{month:02d}-{day:02d}"

    return _COMPACT_DATE.sub(dashed, name)


@lru_cache(maxsize=1024)
def find(name: str, provider_id: str | None) -> list[Any] | None:
    """The table's model (id, match, periods) that genai-prices' find_provider_model(name, None,
    provider_id, None) finds, or None where it finds none."""
    name = name.lower()
    provider = _provider(name, provider_id)
    if provider is None:
        return None
    found = _model(provider, name, True)
    if found is None:
        dashed = _dashed(name)
        if dashed != name:
            found = _model(provider, dashed, True)
    return found


def table_rates(candidates: list[tuple[str, str | None]], day: str) -> tuple[bool, Any]:
    """(whether a candidate (name, provider id) is priced, its rates on `day` ('YYYY-MM-DD'):
    None, "calc" or the bands, [[start, [five rates]], ...] as the table holds them) for the first
    candidate the table finds."""
    for name, provider_id in candidates:
        model = find(name, provider_id)
        if model is not None:
            rates = None
            for start, period_rates in model[2]:
                if start <= day:
                    rates = period_rates
            return True, rates
    return False, None
