"""Reasoning tokens are part of the output, for every agent, and shown as such (issue 42, item 4):
`stats` and `stats --by` print "OUTPUT 12,345 (incl. 3,000 reasoning)", never a REASONING column
beside an output that already holds it, and no total adds them twice.

What the agents write, read from copies of their real files here (skipped without ../shared):
Codex's `reasoning_output_tokens` are inside its `output_tokens` (its total_tokens is input +
output); Gemini CLI's `thoughts` are beside its `output` (its total is input + output + thoughts
+ tool), so the store's output is output + thoughts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_CORPUS, cli

CODEX = SHARED_CORPUS / "codex" / "zo-qore" / "sessions"
GEMINI = SHARED_CORPUS / "gemini" / "codemie"


def _need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"real-data corpus not found at {path} (the ../shared folder is absent)")


def _codex_usages(path: Path) -> list[dict[str, int]]:
    """The last_token_usage of each token_count event whose totals changed (Codex repeats them)."""
    usages, previous = [], None
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            payload = json.loads(line).get("payload") or {}
            info = payload.get("info") if payload.get("type") == "token_count" else None
            if not isinstance(info, dict) or info.get("total_token_usage") == previous:
                continue
            previous = info.get("total_token_usage")
            if isinstance(info.get("last_token_usage"), dict):
                usages.append(info["last_token_usage"])
    return usages


def _models(path: Path) -> set[str]:
    """The models a rollout's turns name."""
    with path.open(encoding="utf-8") as handle:
        return {json.loads(line)["payload"].get("model") for line in handle if '"turn_context"' in line}


def _ingest(tmp_path: Path, *files: Path) -> Path:
    source = tmp_path / "in"
    source.mkdir()
    for path in files:
        shutil.copy2(path, source / path.name)
    db = tmp_path / "store.db"
    assert cli("ingest", "--db", db, "--no-analyze", "--no-progress", source).exit_code == 0
    return db


def _only_model(data: dict[str, Any]) -> dict[str, int]:
    (row,) = data["tokens"].values()
    return {str(key): int(value) for key, value in row.items()}


def test_codex_reasoning_is_inside_its_output(tmp_path: Path) -> None:
    _need(CODEX)
    rollout = next(
        p
        for p in sorted(CODEX.rglob("rollout-*.jsonl"), key=lambda p: (p.stat().st_size, p.name))
        if sum(u.get("reasoning_output_tokens", 0) for u in _codex_usages(p)) > 1000 and len(_models(p)) == 1
    )
    usages = _codex_usages(rollout)
    for usage in usages:  # what Codex writes: total = input + output, and the reasoning is part of the output
        assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
        assert usage["reasoning_output_tokens"] <= usage["output_tokens"]
    output = sum(u["output_tokens"] for u in usages)
    reasoning = sum(u["reasoning_output_tokens"] for u in usages)
    total = sum(u["total_tokens"] for u in usages)

    db = _ingest(tmp_path, rollout)
    row = _only_model(cli("stats", "--db", db, "--json").json())
    assert (row["output"], row["reasoning"]) == (output, reasoning)
    assert row["input"] + row["cache_creation"] + row["cache_read"] + row["output"] == total  # reasoning counted once
    text = cli("stats", "--db", db).output
    assert "REASONING" not in text and f"{output:,} (incl. {reasoning:,} reasoning)" in text
    month = cli("stats", "--db", db, "--by", "month", "--json").json()["totals"]
    assert month["total"] == total and month["output"] == output
    by_month = cli("stats", "--db", db, "--by", "month").output
    assert "REASONING" not in by_month and f"(incl. {reasoning:,} reasoning)" in by_month and f"{total:,}" in by_month


def test_gemini_thoughts_join_its_output(tmp_path: Path) -> None:
    _need(GEMINI)
    chat = next(p for p in sorted(GEMINI.glob("session-*.json")) if "5b959dae" in p.name)
    counts = [m["tokens"] for m in json.loads(chat.read_text(encoding="utf-8"))["messages"] if m.get("tokens")]
    for tokens in counts:  # what Gemini CLI writes: thoughts beside the output, both in the total
        assert tokens["total"] == tokens["input"] + tokens["output"] + tokens["thoughts"] + tokens["tool"]
    thoughts = sum(t["thoughts"] for t in counts)
    output = sum(t["output"] for t in counts) + thoughts
    total = sum(t["total"] for t in counts)
    assert thoughts > 0

    db = _ingest(tmp_path, chat)
    row = _only_model(cli("stats", "--db", db, "--json").json())
    assert (row["output"], row["reasoning"]) == (output, thoughts)
    assert row["input"] + row["cache_creation"] + row["cache_read"] + row["output"] == total
    text = cli("stats", "--db", db).output
    assert "REASONING" not in text and f"{output:,} (incl. {thoughts:,} reasoning)" in text
    assert cli("stats", "--db", db, "--by", "day", "--json").json()["totals"]["total"] == total
