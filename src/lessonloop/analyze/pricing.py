"""What a model call costs at list prices (docs/costs.md): computed once per call, when the store
settles its totals (store/sessions/totals.py), and stored with the call; every figure is a sum of
stored costs. A newer price table (or a change of the rules below, PRICING_RULES) prices every call
again at the next settle that has calls to price.

Prices come from genai-prices (pydantic's maintained table, bundled with the package: nothing is
fetched). Each call is priced on its own at the price in force on its day (the table keeps a
model's price history), with its own tiers (a long-context request costs more per token), cache
writes (Anthropic's five-minute and one-hour ones apart), cache reads and cached input (OpenAI) at
their own rates. A cost an agent reported for a call (Aider, OpenCode, Gemini CLI may) is taken as
it is, as ccusage's default mode does, but for a $0 the table has a price for (Aider reports $0 for
a model it has no price for). A call whose model the table does not know, with no reported cost,
is unpriced (None, never $0). A call with no tokens costs nothing. A Gemini name without
"-preview" the table does not know is looked up with it (Gemini CLI's "gemini-3-pro"); a Google
model the table gives no cached-input price takes OpenRouter's listing of it from the same table.

genai-prices (pydantic, httpx) costs about 0.1 s of imports: it is imported only when a call is
priced, never by a command that reads figures.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

__all__ = [
    "CALC",
    "PRICING_RULES",
    "ModelRates",
    "call_cost",
    "genai_model_day_rates",
    "model_day_rates",
    "price_table",
    "priced_model",
    "seller_model_rates",
]

# The version of the rules of this module (the names looked up, the fallbacks): a change that
# prices a call differently bumps it, and every stored call is priced again.
PRICING_RULES = "1"


def price_table() -> str:
    """The table that prices the calls, the genai-prices installed: "genai-prices 0.0.40" (read
    from the compact table written from that version, price_data.jsonl, when it is that one)."""
    return f"genai-prices {_installed_version()}"


@lru_cache(maxsize=1)
def _compact_table_holds() -> bool:
    """Whether the compact table (price_data.jsonl, read by price_lookup.py) was written from the
    genai-prices installed: it then prices every call of a known day, and genai-prices is imported
    only for a price that is not linear or a call with no day."""
    from lessonloop.analyze.price_lookup import SOURCE

    return price_table() == SOURCE


def _installed_version() -> str:
    """genai-prices' version, from the METADATA of its one dist-info folder beside the package,
    as importlib.metadata reads it without looking through every distribution on sys.path (28 ms,
    on every settle of new calls); importlib.metadata where that folder is not found."""
    import importlib.util

    spec = importlib.util.find_spec("genai_prices")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        folder = os.path.dirname(location)
        try:
            found = [n for n in os.listdir(folder) if n.startswith("genai_prices-") and n.endswith(".dist-info")]
            if len(found) == 1:
                with open(os.path.join(folder, found[0], "METADATA"), encoding="utf-8") as metadata:
                    for line in metadata:
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
                        if not line.strip():
                            break  # the headers end: no version among them
        except OSError:
            pass
    from importlib.metadata import version

    return version("genai-prices")


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_PREVIEWLESS = re.compile(r"gemini-(?!.*preview)[\w.-]+$")  # a Gemini name with no "preview" in it


def _candidates(model: str) -> list[tuple[str, str | None]]:
    """The (name, provider) pairs to look a stored model name up by, in order: itself (the provider
    found from the name); without a routing prefix ("openrouter/anthropic/claude-..." ->
    "claude-..."); a cloud's id with its region and vendor ("jp.anthropic.claude-haiku-4-5-v1:0":
    Amazon Bedrock's, priced as Bedrock prices it, regional endpoints included), then without them."""
    names: list[tuple[str, str | None]] = [(model, None)]
    last = model.rsplit("/", 1)[-1]
    names.append((last, None))
    pieces = last.split(".")
    if len(pieces) > 1 and pieces[0].isalpha():
        names.append((last, "aws"))
        while len(pieces) > 1 and pieces[0].isalpha():
            pieces = pieces[1:]
        names.append((".".join(pieces), None))
    # Gemini CLI may name a model without its "-preview" ("gemini-3-pro"), the only name Google
    # prices it under while it is in preview ("gemini-3-pro-preview"): tried last
    names += [(name + "-preview", provider) for name, provider in names if _PREVIEWLESS.match(name)]
    return list(dict.fromkeys(pair for pair in names if pair[0]))


@lru_cache(maxsize=1024)
def priced_model(model: str) -> tuple[str, str | None] | None:
    """The name (and provider, when the name alone does not say it) under which the price table
    knows `model`: the first of its candidates it finds; None when it has no price for it."""
    from genai_prices import data_snapshot

    snapshot = data_snapshot.get_snapshot()
    for name, provider in _candidates(model.strip()):
        try:
            snapshot.find_provider_model(name, None, provider, None)
        except LookupError:
            continue
        return name, provider
    return None


def _when(day: str | None) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC) if day else datetime.now(tz=UTC)


@lru_cache(maxsize=4096)
def _table_cost(
    model: str, day: str | None, input_: int, output: int, cache_creation: int, cache_read: int, hour_writes: int
) -> float | None:
    """The table's price of one call, worked out by genai-prices (about 0.1 ms)."""
    price = _model_price(model, day)
    if price is None:
        return None
    from genai_prices import Usage

    usage = Usage(
        input_tokens=input_ + cache_creation + cache_read,  # the table's input is all input, cached parts included
        cache_write_tokens=cache_creation,
        cache_write_1h_tokens=min(hour_writes, cache_creation),  # part of the cache writes
        cache_read_tokens=cache_read,
        output_tokens=output,  # reasoning is part of output, billed as output
    )
    try:
        return float(price.calc_price(usage)["total_price"])
    except (LookupError, ValueError):
        return None


Rates = tuple[float, float, float, float, float]  # USD per token: input, output, cache read, cache write 5m, 1h


@lru_cache(maxsize=4096)
def _model_price(model: str, day: str | None) -> Any:
    """The table's price set (genai-prices' ModelPrice) of `model` on `day`, or None. A Google model
    the table gives no cache-read price takes the one OpenRouter lists for it (_google_cache_read)."""
    found = priced_model(model)
    if found is None:
        return None
    from genai_prices import data_snapshot

    name, provider = found
    snapshot = data_snapshot.get_snapshot()
    seller, info = snapshot.find_provider_model(name, None, provider, None)
    return _seller_price(snapshot, seller, info, _when(day))


def _seller_price(snapshot: Any, seller: Any, info: Any, when: datetime) -> Any:
    price = info.get_prices(when)
    if seller.id == "google" and getattr(price, "cache_read_mtok", None) is None:
        return _google_cache_read(snapshot, info.id, price, when)
    return price


def _google_cache_read(snapshot: Any, model_id: str, price: Any, when: datetime) -> Any:
    """`price` (Google's, with no cache-read rate: Gemini 3 Pro Image, Gemini 2.5 Flash Image) with
    the cache-read rate the same table lists for the model at OpenRouter, which passes Google's
    prices on (taken only when its input price is Google's). Gemini CLI reports the cached part of
    these models' prompts; without a rate of their own it would be priced as fresh input."""
    from genai_prices.types import ModelPrice

    try:
        _, routed = snapshot.find_provider_model(f"google/{model_id}", None, "openrouter", None)
    except LookupError:
        return price
    listed = routed.get_prices(when)
    rate = getattr(listed, "cache_read_mtok", None)
    if rate is None or getattr(listed, "input_mtok", None) != getattr(price, "input_mtok", None):
        return price
    return ModelPrice(**{**vars(price), "cache_read_mtok": rate})


_BANDS: dict[int, tuple[Any, list[tuple[int, Rates]] | None]] = {}


def _bands(price: Any) -> list[tuple[int, Rates]] | None:
    """A price set's rates per band of total input: [(start, rates)], a band holding from its start
    (exclusive; 0 for the first) to the next one's. Measured through genai-prices itself: within a
    band its price is linear in each kind of token (a tier applies to all the tokens of a call whose
    input passes its start), so a call is priced by five products. None when the price is not
    linear (a price per request): each call is then worked out whole."""
    kept = _BANDS.get(id(price))
    if kept is not None and kept[0] is price:
        return kept[1]
    from genai_prices import Usage
    from genai_prices.types import TieredPrices

    def cost(**counts: int) -> float:
        return float(price.calc_price(Usage(**counts))["total_price"])

    starts = sorted(
        {tier.start for value in vars(price).values() if isinstance(value, TieredPrices) for tier in value.tiers}
    )
    bands: list[tuple[int, Rates]] | None = []
    if cost(input_tokens=0):
        bands = None
    for start in [0, *starts]:
        if bands is None:
            break
        n = start + 1  # a total input inside the band (a tier applies past its start)
        base = cost(input_tokens=n)
        rates = (
            base / n,
            (cost(input_tokens=n, output_tokens=n) - base) / n,
            cost(input_tokens=n, cache_read_tokens=n) / n,
            cost(input_tokens=n, cache_write_tokens=n) / n,
            cost(input_tokens=n, cache_write_tokens=n, cache_write_1h_tokens=n) / n,
        )
        bands.append((start, rates))
    _BANDS[id(price)] = (price, bands)
    return bands


# How a model is priced on a day: None (the table has no price for it), its rates per band of total
# input (`_bands`: a call's cost is five products), or CALC (a price that is not linear, a price per
# request: the table works each call out).
CALC = "calc"
ModelRates = list[tuple[int, Rates]] | str | None


def model_day_rates(model: str, day: str | None) -> ModelRates:
    """How the table prices `model` on `day` ('YYYY-MM-DD'; None: today): what a store may keep
    per model and day (store/sessions/totals.py), so that pricing a new call of a model and day
    seen before needs no price table. From the compact table (price_lookup.py) when it was
    written from the genai-prices installed and the day is known, else from genai-prices."""
    if day is not None and _compact_table_holds():
        from lessonloop.analyze.price_lookup import table_rates

        found, rates = table_rates(_candidates(model.strip()), day)
        if not found:
            return None
        return [(start, tuple(band)) for start, band in rates] if isinstance(rates, list) else rates
    return genai_model_day_rates(model, day)


def genai_model_day_rates(model: str, day: str | None) -> ModelRates:
    """model_day_rates as genai-prices itself gives it (what the compact table is written from)."""
    price = _model_price(model, day)
    if price is None:
        return None
    bands = _bands(price)
    return CALC if bands is None else bands


def seller_model_rates(snapshot: Any, seller: Any, info: Any, when: datetime) -> ModelRates:
    """How genai-prices prices the model `info` sold by `seller` at `when` (scripts/price_table.py
    writes the compact table with it)."""
    price = _seller_price(snapshot, seller, info, when)
    bands = _bands(price)
    return CALC if bands is None else bands


def call_cost(
    model: str | None,
    ts: str | None,
    input_tokens: int | None,
    output_tokens: int | None,
    cache_creation_tokens: int | None = 0,
    cache_read_tokens: int | None = 0,
    reported: float | None = None,
    cache_creation_1h_tokens: int | None = 0,
    *,
    rates: Callable[[str, str | None], ModelRates] = model_day_rates,
) -> float | None:
    """One call's cost in USD: the cost its agent reported (but a $0 the table has a price for),
    else the table's price on the call's day (ts, ISO 8601), else None (unpriced). No tokens: 0.
    `cache_creation_1h_tokens`: of the cache writes, those kept for an hour (Anthropic's dearer ones).
    `rates`: how a model is priced on a day (model_day_rates, or what a store kept of it)."""
    if reported is not None and reported != 0:
        return float(reported)
    i, o, cc, cr = (
        max(0, int(n or 0)) for n in (input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens)
    )
    if not (i or o or cc or cr):
        return 0.0
    listed = _listed_cost(model, ts, i, o, cc, cr, cache_creation_1h_tokens, rates) if model else None
    return 0.0 if listed is None and reported is not None else listed


def _listed_cost(
    model: str,
    ts: str | None,
    i: int,
    o: int,
    cc: int,
    cr: int,
    cache_creation_1h_tokens: int | None,
    rates: Callable[[str, str | None], ModelRates],
) -> float | None:
    """The table's price of a call with these tokens (call_cost), None when it has none."""
    day = ts[:10] if ts and _DAY.match(ts) else None
    hour = min(max(0, int(cache_creation_1h_tokens or 0)), cc)
    bands = rates(model, day)
    if bands is None:
        return None
    if isinstance(bands, str):  # CALC
        return _table_cost(model, day, i, o, cc, cr, hour)
    total = i + cc + cr
    band = next(r for start, r in reversed(bands) if total > start or start == 0)
    u_in, u_out, u_read, u_write, u_write_1h = band
    return i * u_in + o * u_out + cr * u_read + (cc - hour) * u_write + hour * u_write_1h
