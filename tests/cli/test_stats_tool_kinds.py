"""`stats` counts tools by kind (issue 42, item 4): Codex's shell_command and exec_command, Claude
Code's Bash and Aider's /run are one "shell", each kind with the agents' own names beside it
(core/tool_kinds.py's kinds, the ones analysis and the hooks use). On copies of real transcripts
of codex/zo-qore, claude-code/spotter and gemini/codemie (skipped without ../shared), the kinds
are checked against the files' own tool names, read here."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS, cli

CODEX = SHARED_CORPUS / "codex" / "zo-qore" / "sessions"
SPOTTER = SHARED_CORPUS / "claude-code" / "spotter" / "tool_heavy.jsonl"
GEMINI = SHARED_CORPUS / "gemini" / "codemie"


def _codex_calls(path: Path) -> Counter[str]:
    """A rollout's tool calls by name, read from its response items."""
    names: Counter[str] = Counter()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            payload = json.loads(line).get("payload") or {}
            if payload.get("type") in ("function_call", "custom_tool_call"):
                names[str(payload.get("name"))] += 1
    return names


def _claude_calls(path: Path) -> Counter[str]:
    names: Counter[str] = Counter()
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            content = (json.loads(line).get("message") or {}).get("content")
            for block in content if isinstance(content, list) else []:
                if isinstance(block, dict) and block.get("type") == "tool_use" and block.get("id") not in seen:
                    seen.add(block["id"])
                    names[block["name"]] += 1
    return names


@pytest.fixture
def mixed_store(tmp_path: Path) -> tuple[Path, Counter[str], Counter[str]]:
    for needed in (CODEX, SPOTTER, GEMINI):
        if not needed.exists():
            pytest.skip(f"real-data corpus not found at {needed} (the ../shared folder is absent)")
    rollout = next(
        p
        for p in sorted(CODEX.rglob("rollout-*.jsonl"), key=lambda p: (p.stat().st_size, p.name))
        if {"shell_command", "apply_patch"} <= set(_codex_calls(p))
    )
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy2(rollout, source / rollout.name)
    shutil.copy2(SPOTTER, source / SPOTTER.name)
    for chat in GEMINI.glob("session-*.json"):
        shutil.copy2(chat, source / chat.name)
    db = tmp_path / "store.db"
    assert cli("ingest", "--db", db, "--no-analyze", "--no-progress", source).exit_code == 0
    return db, _codex_calls(rollout), _claude_calls(SPOTTER)


def test_stats_json_gives_each_kind_with_the_agents_names(mixed_store: tuple[Path, Counter[str], Counter[str]]) -> None:
    db, codex_calls, claude_calls = mixed_store
    data = cli("stats", "--db", db, "--json").json()
    kinds = data["kinds"]
    assert sum(k["calls"] for k in kinds.values()) == data["tool_calls"]
    assert sum(k["errors"] for k in kinds.values()) == data["tool_errors"]
    for figures in kinds.values():
        assert figures["calls"] == sum(t["calls"] for t in figures["tools"])
        assert figures["errors"] == sum(t["errors"] for t in figures["tools"])
    shell = {(t["agent"], t["tool"]): t["calls"] for t in kinds["shell"]["tools"]}
    assert ("codex", "shell_command") in shell and ("claude-code", "Bash") in shell
    assert shell[("claude-code", "Bash")] == claude_calls["Bash"]
    # a tool name counts its calls under every kind they had (apply_patch: edit, or write when it only adds files)
    patches = sum(t["calls"] for k in kinds.values() for t in k["tools"] if t["tool"] == "apply_patch")
    assert patches == codex_calls["apply_patch"] == data["tools"]["apply_patch"]["calls"]
    assert ("gemini", "replace") in {(t["agent"], t["tool"]) for t in kinds["edit"]["tools"]}
    fetches = {(t["agent"], t["tool"]): t["calls"] for t in kinds["fetch"]["tools"]}
    assert fetches == {
        ("claude-code", "WebSearch"): claude_calls["WebSearch"],
        ("claude-code", "WebFetch"): claude_calls["WebFetch"],
    }
    reads = {(t["agent"], t["tool"]) for t in kinds["read"]["tools"]}
    assert ("claude-code", "Read") in reads and ("gemini", "read_file") in reads
    assert list(kinds) == sorted(kinds, key=lambda k: -kinds[k]["calls"])  # the most calls first


def test_stats_prints_one_row_per_kind(mixed_store: tuple[Path, Counter[str], Counter[str]]) -> None:
    db, _codex, _claude = mixed_store
    kinds = cli("stats", "--db", db, "--json").json()["kinds"]
    text = cli("stats", "--db", db).output
    rows = {line.split()[0]: line for line in text.splitlines() if line.split() and line.split()[0] in kinds}
    assert set(rows) == set(kinds)
    assert (
        "shell_command" in rows["shell"] and "Bash" in rows["shell"] and f"{kinds['shell']['calls']:,}" in rows["shell"]
    )
    heads = [line.split()[0] for line in text.splitlines() if line.split()]
    assert "shell_command" not in heads and "Bash" not in heads  # an agent's name is never a row of its own
