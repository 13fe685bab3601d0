"""The compact price table (analyze/price_data.jsonl, written by scripts/price_table.py) prices every
model and day as genai-prices itself does, without importing it (issue 43: 0.13 s of every ingest
that prices a model and day for the first time)."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from lessonloop.analyze import pricing
from lessonloop.analyze.price_lookup import SOURCE, providers
from tests.import_census import modules_imported_by

REPO = Path(__file__).resolve().parent.parent.parent
TABLE = REPO / "src" / "lessonloop" / "analyze" / "price_data.jsonl"
PROVIDERS = providers()


def test_the_table_is_written_from_the_genai_prices_installed() -> None:
    """pyproject.toml pins genai-prices; after a new version, scripts/price_table.py writes the table again."""
    assert pricing.price_table() == SOURCE
    spec = importlib.util.spec_from_file_location("price_table", REPO / "scripts" / "price_table.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.rendered() == TABLE.read_text(encoding="utf-8")


def _days(periods: Any) -> list[str]:
    """Days around each period's start, and one long before and today."""
    days = {"2023-01-01", date.today().isoformat()}
    for start, _rates in periods:
        if start:
            first = date.fromisoformat(start)
            days |= {start, (first - timedelta(days=1)).isoformat()}
    return sorted(days)


def _same(table: Any, genai: Any) -> bool:
    if isinstance(table, list) and isinstance(genai, list):
        return [(s, tuple(r)) for s, r in table] == [(s, tuple(r)) for s, r in genai]
    return bool(table == genai)


def test_every_model_of_the_table_is_priced_as_genai_prices_prices_it() -> None:
    checked = 0
    for provider in PROVIDERS:
        models: Any = provider[4]
        for model_id, _match, periods in models:
            for day in _days(periods):
                table, genai = pricing.model_day_rates(model_id, day), pricing.genai_model_day_rates(model_id, day)
                assert _same(table, genai), (provider[0], model_id, day, table, genai)
                checked += 1
    assert checked > 2000


# Names as agents write them: dated, routed, a cloud's ids, upper case, without "-preview", unknown.
_NAMES = (
    "claude-opus-4-6",
    "claude-haiku-4-5-20251001",
    "claude-sonnet-4-5-20250929",
    "CLAUDE-3-5-SONNET-20241022",
    "openrouter/anthropic/claude-opus-4-6",
    "anthropic/claude-3-7-sonnet-latest",
    "us.anthropic.claude-sonnet-4-20250514-v1:0",
    "jp.anthropic.claude-haiku-4-5-20251001-v1:0",
    "eu.amazon.nova-pro-v1:0",
    "gpt-5-codex",
    "gpt-5.2-20251211",
    "openai/gpt-4o-2024-08-06",
    "o3-mini",
    "gemini-3-pro",
    "gemini-2.5-pro",
    "google/gemini-3-flash",
    "gemini-3-pro-image-preview",
    "gemini-2.5-flash-image",
    "deepseek-chat",
    "deepseek-reasoner",
    "grok-4",
    "mistral-large-latest",
    "qwen3-coder",
    "kimi-k2",
    "glm-4.6",
    "<synthetic>",
    "no-such-model-anywhere",
    "",
)


@pytest.mark.parametrize("name", _NAMES)
def test_names_as_agents_write_them_are_priced_alike(name: str) -> None:
    for day in ("2024-03-01", "2025-06-15", "2025-12-31", "2026-02-10", date.today().isoformat()):
        table, genai = pricing.model_day_rates(name, day), pricing.genai_model_day_rates(name, day)
        assert _same(table, genai), (name, day, table, genai)


def test_pricing_a_known_model_and_day_imports_no_genai_prices() -> None:
    names = modules_imported_by(
        "from lessonloop.analyze.pricing import call_cost\n"
        "assert call_cost('claude-opus-4-6', '2026-02-10T09:00:00Z', 10, 20, 30, 40) > 0\n"
        "assert call_cost('no-such-model', '2026-02-10T09:00:00Z', 10, 20) is None\n"
    )
    assert "lessonloop.analyze.price_lookup" in names  # the compact table priced it
    heavy = sorted(name for name in names if name.split(".")[0] in ("genai_prices", "pydantic", "httpx"))
    assert heavy == [], heavy
