"""Write the compact price table the store prices calls with (src/lessonloop/analyze/price_data.jsonl,
package data read by analyze/price_lookup.py) from genai-prices' bundled snapshot, where importing
genai-prices (pydantic, its data as pydantic objects) takes about 0.13 s of every ingest that prices
a model and day it has not priced before (issue 43). It was a module of literals until issue 84
(data out of Python modules): now JSON Lines, each provider's models on a line of their own, parsed
only when a name finds that provider (an ingest reads one or two of its 47 lines: about 1 ms).

The file: line 1, {"generated": a note, "source": "genai-prices VERSION", "providers": [...]}, each
provider, in genai-prices' order, as [its id, how a model name finds it (`model_match`), how a
provider id finds it (`provider_match`), the providers it falls back to for a model it does not
list]; then line n + 2, the models of provider n, in order, each [id, how a name matches it, its
prices as periods], a period [from day (UTC; "" for the first), rates]: the rates per band of input
([[start, [five rates]], ...]) that analyze/pricing.py's `_bands` measures through genai-prices
itself (a call's cost is then five products), "calc" for a price that is not linear (a price per
request: that model is still priced by genai-prices), or null.
A period begins at every start date of the model's prices (and, for Google's models without a
cache-read price, of OpenRouter's listing that pricing.py takes it from). A price set for a time
of day (off-peak) is taken as it is at midnight, as pricing.py prices every call of a day.

A clause: ["starts_with" | "ends_with" | "contains" | "equals" | "regex", text] or ["or" | "and",
clauses], as genai-prices' Clause classes.

Run: `python scripts/price_table.py` (writes the file), `--check` (exit 1 when it differs from
what the installed genai-prices gives). tests/analyze/test_price_table.py compares the lookups.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_module import write_or_check  # noqa: E402  (scripts/: run as a file)

TARGET = REPO / "src" / "lessonloop" / "analyze" / "price_data.jsonl"

NOTE = (
    "Written by scripts/price_table.py from genai-prices' bundled snapshot (MIT): do not edit; run the script "
    "again after changing genai-prices' version (pyproject.toml pins it). Line 1: the providers, each [id, "
    "model_match, provider_match, fallback providers]; line n + 2: provider n's models, each [id, match, "
    'periods]; a period: [from day, rates per band of input | "calc" | null]. See the script.'
)


FIRST = date(1970, 1, 1)


def clause(logic: Any) -> tuple[Any, ...] | None:
    """genai-prices' match logic as nested tuples."""
    from genai_prices import types

    if logic is None:
        return None
    if isinstance(logic, types.ClauseOr):
        return ("or", tuple(clause(each) for each in logic.or_))
    if isinstance(logic, types.ClauseAnd):
        return ("and", tuple(clause(each) for each in logic.and_))
    for kind, name in (
        (types.ClauseStartsWith, "starts_with"),
        (types.ClauseEndsWith, "ends_with"),
        (types.ClauseContains, "contains"),
        (types.ClauseRegex, "regex"),
        (types.ClauseEquals, "equals"),
    ):
        if isinstance(logic, kind):
            return (name, getattr(logic, name))
    raise SystemExit(f"a match clause this script does not know: {type(logic).__name__}")


def start_dates(info: Any) -> set[date]:
    from genai_prices import types

    found: set[date] = set()
    if not isinstance(info.prices, types.ModelPrice):
        for conditional in info.prices:
            if isinstance(conditional.constraint, types.StartDateConstraint):
                found.add(conditional.constraint.start_date)
    return found


def periods(snapshot: Any, seller: Any, info: Any) -> tuple[tuple[str, Any], ...]:
    """The model's rates from each day its prices may change on, equal neighbours merged."""
    from lessonloop.analyze import pricing

    days = {FIRST} | start_dates(info)
    if seller.id == "google":
        try:
            _, routed = snapshot.find_provider_model(f"google/{info.id}", None, "openrouter", None)
            days |= start_dates(routed)
        except LookupError:
            pass
    out: list[tuple[str, Any]] = []
    for day in sorted(days):
        rates = pricing.seller_model_rates(snapshot, seller, info, datetime(day.year, day.month, day.day, tzinfo=UTC))
        if out and out[-1][1] == rates:
            continue
        out.append(("" if day == FIRST else day.isoformat(), _frozen(rates)))
    return tuple(out)


def _frozen(rates: Any) -> Any:
    if isinstance(rates, list):
        return tuple((start, tuple(band)) for start, band in rates)
    return rates


def convert() -> dict[str, Any]:
    from genai_prices import data_snapshot

    from lessonloop.analyze import pricing

    snapshot = data_snapshot.get_snapshot()
    providers = []
    for seller in snapshot.providers:
        models = tuple((info.id, clause(info.match), periods(snapshot, seller, info)) for info in seller.models)
        fallbacks = tuple(seller.fallback_model_providers or ())
        if seller.id == "google":  # the one rule that depends on the seller: its models' own periods hold it
            for provider_id in fallbacks:
                owner = next(p for p in snapshot.providers if p.id == provider_id)
                for info in owner.models:
                    if periods(snapshot, seller, info) != periods(snapshot, owner, info):
                        raise SystemExit(
                            f"{seller.id} prices {owner.id}'s {info.id} otherwise: the table cannot say so"
                        )
        providers.append((seller.id, clause(seller.model_match), clause(seller.provider_match), fallbacks, models))
    return {"source": pricing.price_table(), "providers": providers}


def rendered() -> str:
    """The file's text (JSON Lines: the providers, then each one's models on a line). json.dumps
    writes a float as its repr, which every JSON parser reads back to the same float, and a line
    break inside a string as an escape."""
    data = convert()
    head = {"generated": NOTE, "source": data["source"], "providers": [provider[:4] for provider in data["providers"]]}
    lines = [head, *(provider[4] for provider in data["providers"])]
    return "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)


def main(argv: list[str]) -> int:
    text = rendered()
    stale = "is not what the installed genai-prices gives: run scripts/price_table.py"
    written = f"{text.count(chr(10)) - 1} providers, {len(text.encode()) // 1024} KiB"
    return write_or_check(argv, TARGET, text, stale, written)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
