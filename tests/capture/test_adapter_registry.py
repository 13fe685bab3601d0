"""The adapter registry (capture/agents.py) is the one list of agents: discovery, sniffing,
ingest, --agent, ingest's help and the instructions files all come from it. The worked example of
docs/adding-an-agent.md "A whole small agent": a fake agent's reader (tests/fake_agent/reader/), added
to this process (`agents.register(fake_agent.ADAPTER)`), is discovered, recognized, read into a
real store, listed and described with nothing else changed."""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessonloop.apply import instruction_files
from lessonloop.capture import agents, sniffer
from lessonloop.capture.adapters import Adapter
from lessonloop.pipeline.ingest import discover, ingest
from lessonloop.store import open_store
from tests.conftest import REPO_ROOT, cli
from tests.fake_agent import reader as fake_agent

AGENTS = REPO_ROOT / "src" / "lessonloop" / "agents"

LOG = [
    {"fake": 1, "event": "start", "session": "s1", "cwd": "/work/app", "at": "2025-01-02T03:04:05Z"},
    {"fake": 1, "event": "prompt", "text": "run the tests", "at": "2025-01-02T03:04:06Z"},
    {
        "fake": 1,
        "event": "shell",
        "call": "c1",
        "command": "pytest -q",
        "exit": 1,
        "output": "1 failed",
        "at": "2025-01-02T03:04:07Z",
    },
    {
        "fake": 1,
        "event": "shell",
        "call": "c2",
        "command": "pytest -q",
        "exit": 0,
        "output": "3 passed",
        "at": "2025-01-02T03:04:09Z",
    },
]


@pytest.fixture
def registered() -> Iterator[Adapter]:
    """The one registry line of the example (a real agent's is a line in agents.ADAPTERS)."""
    agents.register(fake_agent.ADAPTER)
    try:
        yield fake_agent.ADAPTER
    finally:
        agents.unregister(fake_agent.ADAPTER)


def write_log(folder: Path, name: str = "s1.fakelog") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(json.dumps(record) + "\n" for record in LOG), encoding="utf-8")
    return path


def ingest_help() -> str:
    result = cli("ingest", "--help")
    assert result.exit_code == 0, result.stderr
    return " ".join(result.output.split())


# --------------------------------------------------------------------------- the built-in registry


def test_the_agents_contract_keeps_every_agent_apart() -> None:
    """pyproject.toml's `agents` contract (no agent imports another) names them all by a wildcard:
    a new folder is under it with no line added."""
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "agents")
    assert contract["type"] == "independence" and contract["modules"] == ["lessonloop.agents.*"]
    assert all(adapter.package.startswith("lessonloop.agents.") for adapter in agents.ADAPTERS)


def test_every_agent_folder_is_registered_once() -> None:
    folders = {
        f"lessonloop.agents.{path.parent.parent.name}.reader"
        for path in [*AGENTS.glob("*/reader/__init__.py"), *AGENTS.glob("*/reader/adapter.py")]
        if re.search(r"^ADAPTER = ", path.read_text(encoding="utf-8"), re.MULTILINE)
    }
    packages = [adapter.package for adapter in agents.ADAPTERS]
    assert sorted(packages) == sorted(folders)
    assert len({adapter.agent for adapter in agents.ADAPTERS}) == len(agents.ADAPTERS)
    formats_named = [f.name for adapter in agents.ADAPTERS for f in adapter.file_formats]
    assert len(formats_named) == len(set(formats_named))


def test_each_adapter_reads_its_formats_in_the_way_it_says() -> None:
    """A "lines" format has a parser and a "units" one has units: the base class's methods that
    refuse are overridden where a format needs them."""
    for adapter in (*agents.ADAPTERS, fake_agent.ADAPTER):
        own = type(adapter).__dict__
        for mode in adapter.formats.values():
            assert ("open_parser" if mode == "lines" else "units") in own, (adapter.agent, mode)


def test_lessons_export_help_names_each_agents_instructions_file() -> None:
    """`lessons export`'s description is wrapped by hand (not generated): it must still name the
    file of every built-in agent and delivery-only agent (Cursor, Copilot, ...), on the agent's line."""
    result = cli("lessons", "export", "--help")
    lines = result.output.splitlines()
    for adapter in agents.ADAPTERS:
        assert instruction_files.for_agent(adapter.agent) is not None, adapter.agent
    for file in instruction_files.instruction_files():
        assert any(file.name in line and any(a in line for a in file.agents) for line in lines), file.name


# --------------------------------------------------------------------------- the worked example


def test_a_new_agent_is_recognized_and_listed(registered: Adapter, tmp_path: Path) -> None:
    log = write_log(tmp_path)
    assert sniffer.sniff(str(log), log.read_bytes()[: sniffer.HEAD_BYTES]) == "fake-log"
    assert sniffer.label("fake-log") == "Fake Agent log (*.fakelog)"
    assert agents.for_format("fake-log") is registered and agents.by_agent("fake-agent") is registered
    assert "fake-agent" in agents.agents()
    # Its places in ingest's help, before Aider's (whose files are in the projects' folders).
    assert (
        "OpenCode (opencode.db, read only, and storage/ in ${XDG_DATA_HOME:-~/.local/share}/opencode), "
        in ingest_help()
    )
    assert "Fake Agent (~/.fake-agent/logs) and Aider (.aider.chat.history.md in" in ingest_help()


def test_without_it_nothing_knows_the_agent(tmp_path: Path) -> None:
    log = write_log(tmp_path)
    assert sniffer.sniff(str(log), log.read_bytes()) == sniffer.UNKNOWN
    assert "fake-agent" not in agents.agents() and "Fake Agent" not in ingest_help()
    assert instruction_files.for_agent("fake-agent") is None


def test_a_new_agent_is_discovered_and_ingested(registered: Adapter, tmp_path: Path) -> None:
    home = tmp_path / "home"
    log = write_log(home / ".fake-agent" / "logs")
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "")}
    sources, summary = discover(None, env)
    assert [(s.path, s.agent) for s in sources] == [(str(log), "fake-agent")]
    assert str(home / ".fake-agent" / "logs") in summary.searched
    db = tmp_path / "store.db"
    conn = open_store(db)
    try:
        done = ingest(conn, sources, summary)
        assert done.files_read == 1 and not done.problems
        assert conn.execute("SELECT id, agent, project FROM sessions").fetchall() == [
            ("fake-s1", "fake-agent", "/work/app")
        ]
        calls = conn.execute("SELECT command, ok, error_text FROM tool_calls ORDER BY seq").fetchall()
        assert calls == [("pytest -q", 0, "1 failed"), ("pytest -q", 1, None)]
        assert conn.execute("SELECT agent, format FROM source_files").fetchall() == [("fake-agent", "fake-log")]
        # Read again: nothing new.
        again, summary = discover(None, env)
        assert ingest(conn, again, summary).files_unchanged == 1
    finally:
        conn.close()
    listed = cli("sessions", "--db", db, "--agent", "fake-agent", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert [s["id"] for s in listed.json()] == ["fake-s1"]


def test_a_new_agents_file_under_a_folder_given_is_sniffed_and_read(registered: Adapter, tmp_path: Path) -> None:
    folder = tmp_path / "given"
    log = write_log(folder)
    sources, summary = discover([str(folder)])
    assert [(s.path, s.sniff_only) for s in sources] == [(str(log), True)]
    conn = open_store(tmp_path / "store.db")
    try:
        done = ingest(conn, sources, summary)
        assert done.files_read == 1 and not done.other_formats
        assert conn.execute("SELECT agent FROM sessions").fetchall() == [("fake-agent",)]
    finally:
        conn.close()
