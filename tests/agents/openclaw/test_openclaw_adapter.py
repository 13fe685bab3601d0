"""OpenClaw's sessions (pi's format) where OpenClaw keeps them: a real session
(tests/agents/openclaw/data/clawdbot/, PROVENANCE.md) found in a temporary HOME with no path, read
exactly; its tokens against ccusage 20's: tests/cli/test_costs_ccusage.py."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from lessonloop.agents.openclaw.reader import paths
from lessonloop.capture.adapters import DiscoveryContext
from tests.agents.gemini.test_gemini_adapter import ingest, rows

DATA = Path(__file__).parent / "data" / "clawdbot"
[SESSION_FILE] = sorted(DATA.glob("*.jsonl"))
SESSION = SESSION_FILE.stem


def openclaw_home(tmp_path: Path, state: str = ".openclaw") -> Path:
    """A HOME where OpenClaw left this session (its `main` agent's)."""
    home = tmp_path / "home"
    sessions = home / state / "agents" / "main" / "sessions"
    sessions.mkdir(parents=True)
    shutil.copy(SESSION_FILE, sessions / SESSION_FILE.name)
    return home


def test_ingest_with_no_path_reads_the_session_exactly(tmp_path: Path) -> None:
    home = openclaw_home(tmp_path)
    db = tmp_path / "s.db"
    ingest(db, env={**os.environ, "HOME": str(home)})
    assert rows(db, "SELECT id, agent, kind, cwd FROM sessions") == [
        (SESSION, "openclaw", "main", "C:\\Users\\downl\\Desktop\\clawdbot-main3\\clawdbot-main")
    ]
    # the ten billed turns of gpt-5.4 (the ollama turns failed before any token), cost as OpenClaw worked it out
    assert rows(
        db,
        """SELECT count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens),
                  round(sum(cost_usd), 7), min(model), max(model) FROM token_usage""",
    ) == [(10, 82040, 1620, 0, 123904, 0.1879332, "gpt-5.4", "gpt-5.4")]
    # three reads of files that are not there: failures, though OpenClaw says isError false
    failed = rows(db, "SELECT tool, kind, error_text FROM tool_calls WHERE status = 'error' ORDER BY seq")
    assert [(tool, kind) for tool, kind, _ in failed] == [("read", "read")] * 3
    assert all(text.startswith("ENOENT: no such file or directory") for _, _, text in failed)
    assert rows(db, "SELECT count(*) FROM tool_calls WHERE status = 'ok'") == [(3,)]
    assert rows(
        db, "SELECT kind, count(*) FROM messages WHERE kind IN ('prompt', 'api_error') GROUP BY 1 ORDER BY 1"
    ) == [
        ("api_error", 32),
        ("prompt", 16),
    ]


def test_found_where_openclaw_and_its_former_names_keep_sessions(tmp_path: Path) -> None:
    home = openclaw_home(tmp_path, ".clawdbot")
    sessions = home / ".clawdbot" / "agents" / "main" / "sessions"
    (sessions / f"{SESSION}.checkpoint.0f1e.jsonl").write_text("{}\n")  # a copy of what the session holds
    (sessions / f"{SESSION}.jsonl.reset.2026-03-09").write_text("{}\n")  # an archive
    found = paths.discover(DiscoveryContext(environ={}, home=str(home)))
    assert [Path(f.path) for f in found] == [sessions / SESSION_FILE.name]
    assert paths.claims(str(sessions / SESSION_FILE.name)) == "openclaw-session"
    assert paths.claims(str(sessions / f"{SESSION}.checkpoint.0f1e.jsonl")) is None
    assert paths.claims(str(tmp_path / "elsewhere" / "agents" / "main" / "sessions" / SESSION_FILE.name)) is None
    moved = tmp_path / "state"
    shutil.move(str(home / ".clawdbot"), moved)
    assert paths.discover(DiscoveryContext(environ={}, home=str(home))) == []
    found = paths.discover(DiscoveryContext(environ={"OPENCLAW_STATE_DIR": str(moved)}, home=str(home)))
    assert len(found) == 1


def test_a_session_file_named_alone_is_read_as_the_pi_agents(tmp_path: Path) -> None:
    """Away from OpenClaw's folders its file is pi's format and read as the pi coding agent's (one
    format, two agents: docs/agents/openclaw.md)."""
    copy = tmp_path / "files" / SESSION_FILE.name
    copy.parent.mkdir()
    shutil.copy(SESSION_FILE, copy)
    db = tmp_path / "s.db"
    ingest(db, copy)
    assert rows(db, "SELECT agent FROM sessions") == [("pi-agent",)]
