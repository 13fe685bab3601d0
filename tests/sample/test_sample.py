"""The bundled sample (src/lessonloop/sample/claude-code), ingested through the real CLI entry point.

The sample is written by scripts/make_sample.py. Every figure pinned here is counted from that
script's session design (which tool calls it writes, which of them fail, which output_tokens each
response ends with), not read back from lessonloop: a disagreement is an importer bug, or the
sample was regenerated with a different design and this file must follow.

Design, per session:
- A (worktree stats-json, 2026-11-03, claude-opus-4-6): 4 typed prompts; Read 4, Edit 6 (1 error:
  not read yet), Write 1, Bash 9 (4 errors: pytest, rejected rm -rf, pre-commit hook, git push
  without upstream), Task 1; plus its Explore subagent (claude-haiku-4-5): Grep 1, Glob 1, Read 1.
  Output tokens: opus 3756, haiku 427. One <synthetic> line, an interrupt, an auto compaction.
- B (/home/dev/lessonloop, 2026-11-10, claude-opus-4-6): 2 typed prompts; Read 6 (3 errors: too
  large, does not exist, sibling), Grep 1, Glob 1, Edit 2 (1 error: string not found), Write 1,
  Bash 7 (3 errors: command not found, pre-commit hook, git push without upstream), Skill 1.
  Output tokens: 2820. A /compact, a queued task notification, a skill expansion.
- C (/home/dev/lessonloop, 2026-11-17, claude-sonnet-4-5): 1 typed prompt; Grep 1, Glob 1,
  WebFetch 1. Output tokens: 526. A custom title and a summary line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.sample import sample_transcripts
from tests.conftest import cli

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
GENERATOR = REPO_ROOT / "scripts" / "make_sample.py"

# The fake key pasted in session A's third prompt (and copied into an Edit and a compaction summary).
SECRET = "sk-ant-api03-JyUFYc5qboYpxozoimB8LsUnEuttsuNNt5UEKtGi"

SESSION_A = "13128c20-5634-4f45-968e-0f7676938120"
SESSION_B = "1e34e784-4c9e-4933-96ec-341ff2770f16"
SESSION_C = "9adbb034-ff49-4246-bb1c-b40b15be7cdd"
AGENT_A = "ad65090"
TASK_TOOL_USE_ID = "toolu_01VXQ2rJiW1fOLn4ZLG8RFAQ"

OPUS = "claude-opus-4-6"
SONNET = "claude-sonnet-4-5-20250929"
HAIKU = "claude-haiku-4-5-20251001"

EXPECTED_TOOLS = {
    "Bash": {"calls": 16, "errors": 7},  # A 9/4, B 7/3
    "Read": {"calls": 11, "errors": 3},  # A 4/0, A's subagent 1/0, B 6/3
    "Edit": {"calls": 8, "errors": 2},  # A 6/1, B 2/1
    "Glob": {"calls": 3, "errors": 0},  # A's subagent, B, C
    "Grep": {"calls": 3, "errors": 0},  # A's subagent, B, C
    "Write": {"calls": 2, "errors": 0},  # A, B (both create a file)
    "Skill": {"calls": 1, "errors": 0},  # B
    "Task": {"calls": 1, "errors": 0},  # A
    "WebFetch": {"calls": 1, "errors": 0},  # C
}

# Output tokens of each response (the largest of its lines), summed per model.
EXPECTED_OUTPUT_TOKENS = {OPUS: 3756 + 2820, SONNET: 526, HAIKU: 427}

# All four token figures per model, one response counted once (from the generator's own tally).
EXPECTED_TOKENS = {
    OPUS: {"input": 61, "output": 6576, "cache_creation": 79404, "cache_read": 1419123, "reasoning": 0},
    SONNET: {"input": 5, "output": 526, "cache_creation": 14428, "cache_read": 62988, "reasoning": 0},
    HAIKU: {"input": 5, "output": 427, "cache_creation": 3472, "cache_read": 51712, "reasoning": 0},
}

# User-side texts by kind, from the design: typed prompts, then everything that is not one.
EXPECTED_MESSAGE_KINDS = {
    "prompt": 7,  # A 4, B 2, C 1
    "task_prompt": 1,  # A's subagent's first line
    "interrupt": 1,  # A: [Request interrupted by user]
    "rejection": 1,  # A: "don't delete dist, only clean build/"
    "compaction_summary": 2,  # A (auto), B (/compact)
    "compact_boundary": 2,
    "command": 1,  # B: <command-name>/compact
    "command_output": 1,  # B: <local-command-stdout>
    "meta": 2,  # B: the command caveat and the skill expansion
    "task_notification": 1,  # B
    "assistant": 27,  # the model's text responses (one per response, several blocks joined)
    "synthetic": 1,  # A: the harness's own "No response requested." after the interrupt
}

SAMPLE_FILES = {
    f"-home-dev-lessonloop-worktrees-stats-json/{SESSION_A}.jsonl": 93,
    f"-home-dev-lessonloop-worktrees-stats-json/{SESSION_A}/subagents/agent-{AGENT_A}.jsonl": 9,
    f"-home-dev-lessonloop/{SESSION_B}.jsonl": 72,
    f"-home-dev-lessonloop/{SESSION_C}.jsonl": 16,
}


def invoke(*args: str) -> Any:
    """Run `lessonloop ARGS` through the real entry point (`lessonloop.cli.main`); parse its JSON."""
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The sample ingested once into a fresh store: (db path, the ingest's JSON summary)."""
    db = tmp_path_factory.mktemp("sample") / "lessonloop.db"
    summary = invoke("ingest", "--db", str(db), "--json", str(sample_transcripts()))
    return db, summary


# ------------------------------------------------------------------ the sample itself


def test_sample_files_are_laid_out_like_claude_codes_projects_folder() -> None:
    sample = sample_transcripts()
    found = {str(p.relative_to(sample)): p for p in sample.rglob("*") if p.is_file()}
    meta_name = f"-home-dev-lessonloop-worktrees-stats-json/{SESSION_A}/subagents/agent-{AGENT_A}.meta.json"
    assert set(found) == set(SAMPLE_FILES) | {meta_name}
    assert json.loads(found[meta_name].read_text(encoding="utf-8")) == {
        "agentType": "Explore",
        "description": "Find print() calls in src",
        "toolUseId": TASK_TOOL_USE_ID,
    }
    total = 0
    for name, lines in SAMPLE_FILES.items():
        raw = found[name].read_bytes()
        assert raw.endswith(b"\n")
        records = [json.loads(line) for line in raw.decode("utf-8").split("\n")[:-1]]
        assert len(records) == lines, name
        total += len(raw)
    assert total < 300_000
    # The secret is really in the sample (else the redaction test below proves nothing).
    assert SECRET.encode() in found[f"-home-dev-lessonloop-worktrees-stats-json/{SESSION_A}.jsonl"].read_bytes()


def test_sample_matches_its_generator(tmp_path: Path) -> None:
    if not GENERATOR.is_file():
        pytest.skip("scripts/make_sample.py is not shipped here")
    done = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


# ------------------------------------------------------------------ ingest and stats


@pytest.mark.slow
def test_ingest_reads_the_whole_sample_without_problems(store: tuple[Path, dict[str, Any]]) -> None:
    _db, summary = store
    assert summary["problems"] == []
    assert summary["files"] == {
        "found": 4,
        "read": 4,
        "unchanged": 0,
        "replaced": 0,
        "failed": 0,
        "nothing_read": 0,
        "other_format": 0,
        "read_whole": [],
    }
    assert summary["lines"] == sum(SAMPLE_FILES.values()) == 190
    assert summary["pending_lines"] == []
    assert summary["sessions"] == 3
    assert summary["subagent_sessions"] == 1
    assert summary["prompts"] == 7
    assert summary["tool_calls"] == 46
    assert summary["tool_results"] == 46
    assert summary["tool_errors"] == 12
    assert summary["secrets_redacted"] >= 1


def test_stats_per_tool_and_per_model(store: tuple[Path, dict[str, Any]]) -> None:
    db, _summary = store
    stats = invoke("stats", "--db", str(db), "--json")
    assert stats["sessions"] == 3
    assert stats["subagent_sessions"] == 1
    assert stats["ingest_problems"] == 0
    assert stats["tools"] == EXPECTED_TOOLS
    assert stats["tool_calls"] == 46
    assert stats["tool_errors"] == 12
    assert "<synthetic>" not in stats["tokens"]
    assert {model: row["output"] for model, row in stats["tokens"].items()} == EXPECTED_OUTPUT_TOKENS
    costs = ("cost_usd", "unpriced_calls")  # report/costs.py's, tested in test_costs.py
    assert {m: {k: v for k, v in r.items() if k not in costs} for m, r in stats["tokens"].items()} == EXPECTED_TOKENS
    assert all(r["cost_usd"] > 0 and r["unpriced_calls"] == 0 for r in stats["tokens"].values())
    assert stats["messages"] == EXPECTED_MESSAGE_KINDS
    assert stats["first_activity"].startswith("2026-11-03T09:")
    assert stats["last_activity"].startswith("2026-11-17T08:")


def test_sessions_lists_the_three_main_sessions(store: tuple[Path, dict[str, Any]]) -> None:
    db, _summary = store
    rows = invoke("sessions", "--db", str(db), "--json")
    assert len(rows) == 3
    by_id = {row["id"]: row for row in rows}
    assert [row["id"] for row in rows] == [SESSION_A, SESSION_B, SESSION_C]  # oldest first
    expected = {
        # id: (cwd, branch, model, prompts, tool calls, errors, subagents, output tokens)
        SESSION_A: ("/home/dev/lessonloop-worktrees/stats-json", "stats-json", OPUS, 4, 24, 5, 1, 3756 + 427),
        SESSION_B: ("/home/dev/lessonloop", "show-subagents", OPUS, 2, 19, 7, 0, 2820),
        SESSION_C: ("/home/dev/lessonloop", "main", SONNET, 1, 3, 0, 0, 526),
    }
    for session_id, (cwd, branch, model, prompts, calls, errors, subagents, output) in expected.items():
        row = by_id[session_id]
        got = (
            row["cwd"],
            row["git_branch"],
            row["model"],
            row["prompts"],
            row["tool_calls"],
            row["errors"],
            row["subagents"],
            row["tokens"]["output"],
        )
        assert got == (cwd, branch, model, prompts, calls, errors, subagents, output), session_id
    assert by_id[SESSION_A]["first_prompt"].startswith("Add a --json flag to `lessonloop stats`")
    assert by_id[SESSION_C]["title"] == "How user lines are classified"


def test_the_subagent_is_linked_to_its_task_call(store: tuple[Path, dict[str, Any]]) -> None:
    db, _summary = store
    timeline = invoke("show", SESSION_A, "--db", str(db), "--json")
    assert len(timeline["subagents"]) == 1
    sub = timeline["subagents"][0]
    assert sub["agent_id"] == AGENT_A
    assert sub["agent_type"] == "Explore"
    assert sub["description"] == "Find print() calls in src"
    assert sub["spawned_by"] == TASK_TOOL_USE_ID
    assert (sub["tool_calls"], sub["errors"]) == (3, 0)


def test_the_pasted_secret_never_reaches_the_store(store: tuple[Path, dict[str, Any]]) -> None:
    db, _summary = store
    stored = b"".join(
        path.read_bytes()
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))
        if path.exists()
    )
    assert stored
    assert SECRET.encode() not in stored
    assert SECRET.removeprefix("sk-ant-api03-").encode() not in stored  # not even its random part
    assert b"[REDACTED:" in stored


# ------------------------------------------------------------------ plain `lessonloop ingest`


def test_plain_ingest_without_transcripts_falls_back_to_the_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    data = tmp_path / "data"
    home.mkdir()
    data.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("LESSONLOOP_DB", raising=False)
    summary = invoke("ingest", "--json")
    assert summary["used_sample"] is True
    assert summary["problems"] == []
    assert summary["stats"]["sessions"] == 3
    assert summary["stats"]["tools"] == EXPECTED_TOOLS
    assert (data / "lessonloop" / "lessonloop.db").is_file()
