"""Gemini CLI's costs on its real sessions (../shared/corpus/gemini/codemie; docs/costs.md, "Gemini
CLI"): each model's cost against the figure worked out here from the session files' own token
counts and the published price per token, not from lessonloop's output.

Prices per million tokens, for prompts of at most 200k tokens (every call of these files):
- gemini-3-pro, priced as Gemini 3 Pro Preview (Google's Gemini API pricing page: the only price
  Gemini 3 Pro has): $2.00 input, $12.00 output (thinking included), $0.20 cached input.
- gemini-3-pro-image-preview (Google's page: $2.00 input, $12.00 text and thinking output; it lists
  no cached-input price, OpenRouter's listing of the model gives $0.20): the same three rates.
A Gemini CLI `tokens` record: `input` is the whole prompt (cached part included), `cached` its
cached part, `thoughts` thinking billed as output, `tool` tool-use prompt billed as input.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from tests.conftest import cli
from tests.corpus_copies import GEMINI_CORPUS

pytestmark = pytest.mark.corpus

PRICES = {  # USD per million tokens: fresh input, output with thinking, cached input
    "gemini-3-pro": (2.00, 12.00, 0.20),
    "gemini-3-pro-image-preview": (2.00, 12.00, 0.20),
}
LONG_CONTEXT = 200_000  # past this prompt size Gemini 3 Pro costs more per token; none of these calls is


def _calls() -> list[dict[str, Any]]:
    """Every model reply's `model` and `tokens` in the corpus's session files."""
    calls = []
    for path in sorted(GEMINI_CORPUS.glob("*session*.json")):
        for message in json.loads(path.read_text())["messages"]:
            if message.get("type") == "gemini" and isinstance(message.get("tokens"), dict):
                calls.append({"model": message.get("model"), **message["tokens"]})
    return calls


def _expected(model: str, calls: list[dict[str, Any]]) -> float:
    fresh_rate, output_rate, cached_rate = PRICES[model]
    total = 0.0
    for call in calls:
        prompt, cached = call.get("input", 0), call.get("cached", 0)
        assert prompt + call.get("tool", 0) <= LONG_CONTEXT, "a long-context call: its price is another"
        fresh = prompt - cached + call.get("tool", 0)
        output = call.get("output", 0) + call.get("thoughts", 0)
        total += (fresh * fresh_rate + output * output_rate + cached * cached_rate) / 1e6
    return total


@pytest.fixture(scope="module")
def stats(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not GEMINI_CORPUS.is_dir():
        pytest.skip(f"Gemini corpus not found at {GEMINI_CORPUS} (the ../shared folder is absent)")
    work = tmp_path_factory.mktemp("gemini-costs")
    chats = work / "chats"
    shutil.copytree(GEMINI_CORPUS, chats)
    chats.chmod(0o755)
    for path in chats.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    db = work / "store.db"
    assert cli("ingest", "--db", db, "--no-analyze", chats).exit_code == 0
    done = cli("stats", "--db", db, "--json")
    assert done.exit_code == 0, done.stderr
    return dict(json.loads(done.output))


@pytest.mark.parametrize("model", sorted(PRICES))
def test_each_gemini_model_costs_its_published_price(stats: dict[str, Any], model: str) -> None:
    calls = [call for call in _calls() if call["model"] == model]
    assert calls, f"no call of {model} in {GEMINI_CORPUS}"
    row = stats["tokens"][model]
    assert row["unpriced_calls"] == 0
    assert row["cost_usd"] == pytest.approx(_expected(model, calls), abs=2e-6)  # JSON rounds to 6 decimals


def test_a_reply_that_names_no_model_stays_unpriced(stats: dict[str, Any]) -> None:
    unnamed = [call for call in _calls() if not call["model"]]
    assert len(unnamed) == 1  # timestamp-mismatch-session.json's one reply
    row = stats["tokens"]["unknown"]
    assert row["cost_usd"] is None and row["unpriced_calls"] == 1
    assert stats["unpriced_calls"] == 1
    priced = sum(_expected(model, [call for call in _calls() if call["model"] == model]) for model in PRICES)
    assert stats["cost_usd"] == pytest.approx(priced, abs=5e-6)
