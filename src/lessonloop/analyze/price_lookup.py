"""How the compact price table (price_data.py, written by scripts/price_table.py from genai-prices'
snapshot) prices a model on a day: the lookup genai-prices makes, over literals loaded from a .pyc
instead of pydantic objects (importing genai-prices costs about 0.13 s; this module and its table
a few milliseconds).

A name (lower-cased) finds its provider by the provider's `model_match`, or, when a provider id
is given, by that id or the provider's `provider_match`; then the provider's first model whose
match holds, else the first of the providers it falls back to (one step); else the same with a
compact date in the name written out (`-20251211` -> `-2025-12-11`, a real date only). The model's
rates are those of its last period that began on or before the day.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from lessonloop.analyze import price_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["SOURCE", "table_rates"]

SOURCE = price_data.SOURCE

_PROVIDERS: tuple[tuple[Any, ...], ...] = price_data.PROVIDERS  # (id, model_match, provider_match, fallbacks, models)
_BY_ID = {provider[0]: provider for provider in _PROVIDERS}


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _holds(clause: Any, text: str) -> bool:
    """Whether the clause (as price_data writes it) holds for `text` (lower case)."""
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


def _provider(name: str, provider_id: str | None) -> tuple[Any, ...] | None:
    if provider_id is not None:
        wanted = provider_id.lower().strip()
        found = _BY_ID.get(wanted)
        if found is not None:
            return found
        return next((p for p in _PROVIDERS if p[2] is not None and _holds(p[2], wanted)), None)
    return next((p for p in _PROVIDERS if p[1] is not None and _holds(p[1], name)), None)


def _model(provider: tuple[Any, ...], name: str, fall_back: bool) -> tuple[Any, ...] | None:
    model: tuple[Any, ...]
    for model in provider[4]:
        if _holds(model[1], name):
            return model
    if fall_back:
        for other_id in provider[3]:
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
def find(name: str, provider_id: str | None) -> tuple[Any, ...] | None:
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
    None, "calc" or the bands) for the first candidate the table finds."""
    for name, provider_id in candidates:
        model = find(name, provider_id)
        if model is not None:
            rates = None
            for start, period_rates in model[2]:
                if start <= day:
                    rates = period_rates
            return True, rates
    return False, None
