"""The real spotter corpus (../shared/corpus): exact figures, and a second ingest changes none."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import cli, dump_store

EXPECTED_TOOLS = {
    "Bash": (459, 41),
    "Read": (267, 13),
    "Edit": (206, 2),
    "Glob": (59, 1),
    "Grep": (53, 0),
    "Write": (44, 0),
    "Task": (7, 0),
    "TaskOutput": (8, 1),
    "Skill": (2, 1),
}
EXPECTED_OUTPUT_TOKENS = {
    "claude-opus-4-6": 165663,
    "claude-haiku-4-5-20251001": 29985,
    "claude-sonnet-4-5-20250929": 146,
}


def _stats(db: Path) -> dict[str, object]:
    result = cli("stats", "--db", db, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert isinstance(data, dict)
    return data


def _check_figures(data: dict[str, object]) -> None:
    assert data["sessions"] == 9
    tools = data["tools"]
    assert isinstance(tools, dict)
    for tool, (calls, errors) in EXPECTED_TOOLS.items():
        assert tools[tool] == {"calls": calls, "errors": errors}, tool
    tokens = data["tokens"]
    assert isinstance(tokens, dict)
    assert {model: figures["output"] for model, figures in tokens.items()} == EXPECTED_OUTPUT_TOKENS


@pytest.mark.slow
def test_corpus_stats_are_exact_and_a_second_ingest_changes_nothing(corpus_dir: Path, db_path: Path) -> None:
    first = cli("ingest", "--db", db_path, "--json", corpus_dir)
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    assert summary["problems"] == []
    assert summary["files"]["read"] == 21
    _check_figures(_stats(db_path))
    before = dump_store(db_path)
    second = cli("ingest", "--db", db_path, "--json", corpus_dir)
    assert second.exit_code == 0, second.output
    again = json.loads(second.output)
    assert (again["files"]["read"], again["files"]["unchanged"], again["bytes_read"]) == (0, 21, 0)
    _check_figures(_stats(db_path))
    assert dump_store(db_path) == before


def test_corpus_is_read_completely_and_consistently(corpus_dir: Path, db_path: Path) -> None:
    assert cli("ingest", "--db", db_path, corpus_dir).exit_code == 0
    conn = sqlite3.connect(db_path)
    try:
        # Every call got its result; every error kept its text.
        assert conn.execute("SELECT count(*) FROM tool_calls WHERE ok IS NULL").fetchone() == (0,)
        assert conn.execute(
            "SELECT count(*) FROM tool_calls WHERE ok = 0 AND coalesce(error_text, '') = ''"
        ).fetchone() == (0,)
        statuses = dict(conn.execute("SELECT status, count(*) FROM tool_calls GROUP BY status").fetchall())
        assert statuses == {"ok": 1077, "error": 56, "rejected": 3}  # 3 "User rejected tool use" results
        assert conn.execute("SELECT count(*) FROM tool_calls WHERE exit_code = 128").fetchone() == (
            5,
        )  # 4 pushes without upstream, 1 pathspec
        # Edits carry the diff they applied.
        assert conn.execute(
            "SELECT count(*) FROM tool_calls WHERE tool IN ('Edit', 'Write') AND ok = 1 AND diff IS NULL"
        ).fetchone() == (0,)
        # Typed prompts only: no compaction summary, slash command, reminder or subagent task prompt.
        prompts = [row[0] for row in conn.execute("SELECT text FROM messages WHERE kind = 'prompt'")]
        assert len(prompts) == 13
        assert not any(
            p.startswith(("<", "[Request", "This session is being continued", "Your task is")) for p in prompts
        )
        assert conn.execute("SELECT count(*) FROM messages WHERE kind = 'compaction_summary'").fetchone() == (5,)
        # Subagents: 12 contexts, each under a main session; the 6 explorer agents whose parent
        # file holds the Task call are linked to it; the orphan's parent file is empty.
        subs = conn.execute(
            """SELECT s.id, s.kind, (SELECT c.id FROM tool_calls c WHERE c.session_id = s.parent_id
                                      AND c.subagent_id = s.agent_id) FROM sessions s WHERE parent_id IS NOT NULL"""
        ).fetchall()
        assert len(subs) == 12
        assert sum(1 for _, kind, _ in subs if kind == "compaction") == 5
        linked = {sid.split("/")[1] for sid, kind, task in subs if kind == "subagent" and task}
        assert linked == {"a881341", "a2898e3", "a7be2f0", "aac57f5", "a93ccab", "aa84377"}
        assert conn.execute(
            "SELECT placeholder FROM sessions WHERE id = '6c2214d7-b87e-4432-8e41-22ba294ea584'"
        ).fetchone() == (1,)
        # The subagent.jsonl session started agent afb92ff whose transcript is not in the corpus.
        assert conn.execute("SELECT count(*) FROM tool_calls WHERE subagent_id = 'afb92ff'").fetchone() == (1,)
    finally:
        conn.close()
