"""--agent on stats, sessions, report and analyze stats, and the figures per agent and model: a real
store holding Claude Code sessions (ingested from hand-made transcripts) and Codex and Gemini
sessions (written through store.writer as their adapters' batches are)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessonloop.capture.agents import agents
from tests.agent_rows import AgentCall, AgentSession, write_agent_sessions
from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder

CLAUDE_ID = "cccc1111-2222-4333-8444-555555555555"
CODEX_ID = "019a0000-0000-7000-8000-000000000001"
CODEX_CHILD = "019a0000-0000-7000-8000-000000000002"
GEMINI_ID = "9e9e0000-0000-4000-8000-000000000003"


@pytest.fixture
def mixed_store(tmp_path: Path, db_path: Path) -> Path:
    claude = TranscriptBuilder(session_id=CLAUDE_ID, cwd="/home/dev/alpha")
    claude.prompt("fix the failing test")
    claude.bash("pytest -q", "1 failed", exit_code=1)
    claude.bash("pytest -q", "3 passed")
    claude.write(tmp_path / "in" / f"{claude.session_id}.jsonl")
    assert cli("ingest", "--db", db_path, "--no-analyze", tmp_path / "in").exit_code == 0
    write_agent_sessions(
        db_path,
        [
            AgentSession(
                CODEX_ID,
                "codex",
                cwd="/home/dev/beta",
                prompts=["push the branch", "try again"],
                calls=[
                    AgentCall("exec_command", "shell", "git push", ok=False, exit_code=128),
                    AgentCall("apply_patch", "edit", None),
                ],
                usage=[("gpt-5-codex", 100, 40, 900, 25, None), ("gpt-5-codex", 10, 4, 90, 0, None)],
            ),
            AgentSession(
                CODEX_CHILD,
                "codex",
                cwd="/home/dev/beta",
                calls=[AgentCall("exec_command", "shell", "ls")],
                usage=[("gpt-5-mini", 7, 3, 0, 1, None)],
                parent_id=CODEX_ID,
            ),
            AgentSession(
                GEMINI_ID,
                "gemini",
                cwd="/home/dev/alpha",
                prompts=["read the docs"],
                calls=[AgentCall("read_file", "read")],
                usage=[("gemini-2.5-pro", 50, 20, 5, 8, 0.0125)],
            ),
        ],
    )
    return db_path


def test_stats_agent_counts_only_that_agents_sessions_with_their_subagents(mixed_store: Path) -> None:
    codex = cli("stats", "--db", mixed_store, "--json", "--agent", "codex").json()
    assert codex["sessions"] == 1 and codex["subagent_sessions"] == 1
    assert codex["messages"] == {"prompt": 2}
    assert codex["tools"] == {"exec_command": {"calls": 2, "errors": 1}, "apply_patch": {"calls": 1, "errors": 0}}
    assert codex["kinds"] == {  # each kind of tool with the agent's own names for it
        "shell": {
            "calls": 2,
            "errors": 1,
            "tools": [{"tool": "exec_command", "agent": "codex", "calls": 2, "errors": 1}],
        },
        "edit": {
            "calls": 1,
            "errors": 0,
            "tools": [{"tool": "apply_patch", "agent": "codex", "calls": 1, "errors": 0}],
        },
    }
    tokens = {
        m: {k: v for k, v in r.items() if k not in ("cost_usd", "unpriced_calls")} for m, r in codex["tokens"].items()
    }
    assert tokens == {
        "gpt-5-codex": {"input": 110, "output": 44, "cache_creation": 0, "cache_read": 990, "reasoning": 25},
        "gpt-5-mini": {"input": 7, "output": 3, "cache_creation": 0, "cache_read": 0, "reasoning": 1},
    }
    # priced from the table (report/costs.py): gpt-5's $1.25 input, $0.125 cached input, $10 output per MTok
    assert codex["tokens"]["gpt-5-codex"]["cost_usd"] == round((110 * 1.25 + 990 * 0.125 + 44 * 10) / 1e6, 6)
    assert codex["agents"] == {
        "codex": {
            "sessions": 1,
            "subagent_sessions": 1,
            "prompts": 2,
            "tool_calls": 3,
            "tool_errors": 1,
            "cost_usd": codex["cost_usd"],
            "unpriced_calls": 0,
        }
    }
    assert codex["cost_usd"] == round(sum(r["cost_usd"] for r in codex["tokens"].values()), 6)
    gemini = cli("stats", "--db", mixed_store, "--json", "--agent", "gemini").json()
    assert gemini["tokens"] == {
        "gemini-2.5-pro": {
            "input": 50,
            "output": 20,
            "cache_creation": 0,
            "cache_read": 5,
            "reasoning": 8,
            "cost_usd": 0.0125,  # the cost Gemini CLI reported is taken as it is
            "unpriced_calls": 0,
        }
    }
    claude = cli("stats", "--db", mixed_store, "--json", "--agent", "claude-code").json()
    assert claude["sessions"] == 1 and claude["tools"] == {"Bash": {"calls": 2, "errors": 1}}
    assert set(claude["tokens"]) == {"claude-opus-4-6"} and claude["tokens"]["claude-opus-4-6"]["cost_usd"] > 0


def test_stats_of_every_agent_by_agent_and_model(mixed_store: Path) -> None:
    data = cli("stats", "--db", mixed_store, "--json").json()
    assert data["sessions"] == 3 and data["subagent_sessions"] == 1
    assert data["tool_calls"] == 6 and data["tool_errors"] == 2
    assert {agent: figures["sessions"] for agent, figures in data["agents"].items()} == {
        "claude-code": 1,
        "codex": 1,
        "gemini": 1,
    }
    assert sum(f["prompts"] for f in data["agents"].values()) == data["messages"]["prompt"] == 4
    pairs = {(row["agent"], row["model"]): row for row in data["by_agent_model"]}
    assert set(pairs) == {
        ("claude-code", "claude-opus-4-6"),
        ("codex", "gpt-5-codex"),
        ("codex", "gpt-5-mini"),  # the subagent's model, under its main session's agent
        ("gemini", "gemini-2.5-pro"),
    }
    assert pairs[("codex", "gpt-5-codex")]["output"] == 44 and pairs[("gemini", "gemini-2.5-pro")]["cost_usd"] == 0.0125
    text = cli("stats", "--db", mixed_store).output
    assert "Agents" in text and "COST" in text
    assert "REASONING" not in text and "44 (incl. 25 reasoning)" in text  # the output holds its reasoning
    assert "gpt-5-mini" in text and "$0.01" in text


def test_an_unknown_agent_is_an_error_naming_the_known_ones(mixed_store: Path) -> None:
    for command in (["stats"], ["sessions"], ["report"], ["analyze", "stats"]):
        result = cli(*command, "--db", mixed_store, "--agent", "windsurf")
        assert result.exit_code == 2, command  # a usage error, as an unknown --project
        assert "unknown agent 'windsurf'" in result.stderr
        assert "claude-code" in result.stderr and "codex" in result.stderr


def test_sessions_show_their_agent_and_filter_on_it(mixed_store: Path) -> None:
    rows = cli("sessions", "--db", mixed_store, "--json").json()
    assert {row["id"]: row["agent"] for row in rows} == {
        CLAUDE_ID: "claude-code",
        CODEX_ID: "codex",
        GEMINI_ID: "gemini",
    }
    codex = cli("sessions", "--db", mixed_store, "--json", "--agent", "codex").json()
    assert [row["id"] for row in codex] == [CODEX_ID]
    assert codex[0]["tool_calls"] == 3 and codex[0]["subagents"] == 1
    table = cli("sessions", "--db", mixed_store, "--agent", "gemini").output
    assert "gemini" in table and GEMINI_ID[:8] in table and CODEX_ID[:8] not in table
    none = cli("sessions", "--db", mixed_store, "--agent", "gemini", "-p", "beta")
    assert none.output.startswith("No sessions match --project 'beta', --agent 'gemini'; 3 sessions stored")


def test_nothing_matching_names_the_filters_given_and_a_limit_only_where_it_filters(mixed_store: Path) -> None:
    """`sessions -n N` lists the N most recent sessions: a filter, named when nothing matches.
    `report -n N` shows N sessions of each list: not a filter, so not named."""
    listed = cli("sessions", "--db", mixed_store, "--agent", "gemini", "-p", "beta", "-n", "3")
    assert listed.output.startswith("No sessions match --project 'beta', --agent 'gemini', -n 3; 3 sessions stored")
    report = cli("report", "--db", mixed_store, "--agent", "gemini", "-p", "beta", "-n", "3")
    assert report.exit_code == 0, report.stderr
    assert report.output.startswith("No analyzed sessions match --project 'beta', --agent 'gemini'; 3 sessions")


def test_show_names_the_agent(mixed_store: Path) -> None:
    detail = cli("show", "--db", mixed_store, "--json", CODEX_ID[:13]).json()
    assert detail["session"]["agent"] == "codex" and detail["session"]["model"] == "gpt-5-codex"
    text = cli("show", "--db", mixed_store, CODEX_ID[:13]).output
    assert "codex 1.0" in text and "model gpt-5-codex" in text
    assert "claude-code 2.1.39" in cli("show", "--db", mixed_store, CLAUDE_ID[:8]).output


def test_report_and_analyze_stats_filter_on_the_agent(mixed_store: Path) -> None:
    every = cli("report", "--db", mixed_store, "--json", "--no-bandit").json()
    assert {s["session_id"] for s in every["sessions"]} == {CLAUDE_ID, CODEX_ID, GEMINI_ID}
    codex = cli("report", "--db", mixed_store, "--json", "--no-bandit", "--agent", "codex").json()
    assert [(s["session_id"], s["agent"]) for s in codex["sessions"]] == [(CODEX_ID, "codex")]
    stats = cli("analyze", "stats", "--db", mixed_store, "--json", "--no-bandit", "--agent", "gemini").json()
    assert stats["sessions"] == 1
    listed = cli("analyze", "--db", mixed_store, "--json", "--no-bandit", "--agent", "claude-code").json()
    assert [s["session_id"] for s in listed["sessions"]] == [CLAUDE_ID]


def test_replay_of_the_store_replays_only_that_agents_sessions(mixed_store: Path) -> None:
    every = cli("replay", "--db", mixed_store, "--json").json()
    assert every["evaluated_sessions"] == 3 and every["evaluated_calls"] == 6
    codex = cli("replay", "--db", mixed_store, "--json", "--agent", "codex").json()
    assert codex["evaluated_sessions"] == 1 and codex["evaluated_calls"] == 3  # with its subagent's call
    unknown = cli("replay", "--db", mixed_store, "--agent", "windsurf")
    assert unknown.exit_code == 2 and "unknown agent 'windsurf'" in unknown.stderr


def test_replay_of_given_paths_filters_on_the_agent(tmp_path: Path) -> None:
    t = TranscriptBuilder(session_id=CLAUDE_ID, cwd="/home/dev/alpha")
    t.prompt("push it")
    t.bash("git push", "fatal: no upstream", exit_code=128)
    t.bash("git push", "fatal: no upstream", exit_code=128)
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    claude = cli("replay", "--json", "--agent", "claude-code", tmp_path / "in").json()
    assert claude["evaluated_sessions"] == 1 and claude["evaluated_calls"] == 2
    other = cli("replay", "--agent", "codex", tmp_path / "in")
    # an agent lessonloop reads, none of whose sessions were given; else one it does not know
    said = "no tool calls to replay of agent codex" if "codex" in agents() else "unknown agent 'codex'"
    assert other.exit_code == 1 and said in other.stderr
