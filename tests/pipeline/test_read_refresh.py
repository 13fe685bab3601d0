"""Reads that are fresh by themselves (issue 62, item 1; pipeline/refresh.py): `stats`, `sessions`,
`show`, `report` and `search` first capture what the agents wrote since the last capture; nothing
new costs a look at the watched folders' and known files' times; `--no-refresh`,
$LESSONLOOP_REFRESH=0 and a store the user cannot write are only read. Real processes on a real
store, the transcripts in a temporary home's agent folders."""

from __future__ import annotations

import ast
import json
import os
import re
import sqlite3
from pathlib import Path

import pytest

from lessonloop.capture.discovery_env import DISCOVERY_ENV
from lessonloop.core.agent_specs import specs
from tests.home_processes import home_env, lessonloop, settled
from tests.transcript_builder import TranscriptBuilder

SRC = Path(__file__).resolve().parent.parent.parent / "src" / "lessonloop"


def _env(home: Path) -> dict[str, str]:
    return home_env(home)


def _json(env: dict[str, str], *words: str) -> object:
    return json.loads(lessonloop(env, *words, "--json").stdout)


def _session(folder: Path, command: str, *, start_hour: int = 9) -> tuple[TranscriptBuilder, Path]:
    from datetime import UTC, datetime

    t = TranscriptBuilder(cwd="/home/dev/project", start=datetime(2026, 11, 1, start_hour, tzinfo=UTC))
    t.prompt(f"please run {command}")
    t.bash(command, "ok")
    return t, t.write(folder / f"{t.session_id}.jsonl")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    projects = tmp_path / ".claude" / "projects" / "-home-dev-project"
    projects.mkdir(parents=True)
    _session(projects, "ls")
    return tmp_path


def test_a_read_captures_a_new_turn_and_a_new_session_first(home: Path) -> None:
    env = _env(home)
    lessonloop(env, "ingest", "--wait")
    before = _json(env, "stats")
    assert isinstance(before, dict) and before["sessions"] == 1 and before["tool_calls"] == 1
    # a new turn in the known session: its file grew
    (path,) = (home / ".claude" / "projects" / "-home-dev-project").glob("*.jsonl")
    t = TranscriptBuilder(session_id=path.stem, cwd="/home/dev/project")
    t._clock = t._counter = 100  # after the records already there (new uuids and tool ids)
    t.prompt("and the tests")
    t.bash("pytest -q", "3 passed")
    with path.open("ab") as handle:
        handle.write(b"".join(t.lines()))
    after = _json(env, "stats")
    assert isinstance(after, dict) and (after["sessions"], after["tool_calls"]) == (1, 2)
    settled(env)
    # a new session in a new project folder: found by the folder's time, without an ingest
    other = home / ".claude" / "projects" / "-home-dev-other"
    other.mkdir()
    _session(other, "make", start_hour=11)
    listed = _json(env, "sessions")
    assert isinstance(listed, list) and len(listed) == 2
    settled(env)
    # what followed in the background: the new session analyzed and learned, as an ingest would
    status = _json(env, "status")
    assert isinstance(status, dict)
    assert status["lag"]["behind"] is False and status["worker"]["phase"] == "done"


def test_no_refresh_and_the_environment_switch_read_the_store_as_it_is(home: Path) -> None:
    env = _env(home)
    lessonloop(env, "ingest", "--wait")
    _session(home / ".claude" / "projects" / "-home-dev-project", "git status", start_hour=12)
    assert _json(env, "stats", "--no-refresh")["sessions"] == 1  # type: ignore[index]
    assert (
        _json({**env, "LESSONLOOP_REFRESH": "0"}, "sessions")
        and len(
            _json({**env, "LESSONLOOP_REFRESH": "0"}, "sessions")  # type: ignore[arg-type]
        )
        == 1
    )
    assert _json(env, "stats")["sessions"] == 2  # type: ignore[index]
    settled(env)


def test_nothing_new_reads_nothing_and_starts_no_worker(home: Path) -> None:
    env = _env(home)
    lessonloop(env, "ingest", "--wait")
    db = env["LESSONLOOP_DB"]
    status = Path(db + "-worker.json")
    assert not status.exists()  # --wait did the work in its own process
    with sqlite3.connect(db) as conn:
        read_at = conn.execute("SELECT group_concat(ingested_at) FROM source_files").fetchone()[0]
    for words in (("stats",), ("sessions",), ("report",), ("search", "pytest")):
        lessonloop(env, *words)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT group_concat(ingested_at) FROM source_files").fetchone()[0] == read_at
    assert not status.exists()


def test_a_store_this_user_cannot_write_is_only_read(home: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes a read-only file anyway")
    env = _env(home)
    lessonloop(env, "ingest", "--wait")
    _session(home / ".claude" / "projects" / "-home-dev-project", "git log", start_hour=13)
    db = Path(env["LESSONLOOP_DB"])
    db.chmod(0o444)
    try:
        assert _json(env, "stats")["sessions"] == 1  # type: ignore[index]
    finally:
        db.chmod(0o644)


def test_another_agents_place_named_by_the_environment_is_looked_at(home: Path, tmp_path: Path) -> None:
    env = _env(home)
    lessonloop(env, "ingest", "--wait")
    # the places changed (CLAUDE_CONFIG_DIR names another folder): discovery looks again
    elsewhere = tmp_path / "elsewhere"
    projects = elsewhere / "projects" / "-home-dev-else"
    projects.mkdir(parents=True)
    _session(projects, "cargo build", start_hour=14)
    moved = {**env, "CLAUDE_CONFIG_DIR": str(elsewhere)}
    assert _json(moved, "stats")["sessions"] == 2  # type: ignore[index]
    settled(moved)


def test_the_digest_names_every_variable_the_path_modules_read() -> None:
    """Each agent's paths.py reads only the variables its spec names (and HOME, XDG_DATA_HOME):
    the digest, built from the specs, watches them all."""
    for spec in specs():
        path = SRC / "agents" / spec.folder / "reader" / "paths.py"
        if not path.exists():
            continue
        text = path.read_text()
        read = set(re.findall(r"""(?:environ|env)\.get\(\s*["']([A-Z_]+)["']""", text))
        read.update(re.findall(r"""^ENV_\w+ = ["']([A-Z_]+)["']""", text, re.MULTILINE))
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)
                and node.slice.value.isupper()
            ):
                read.add(node.slice.value)
        assert read <= {*spec.environment, "HOME", "XDG_DATA_HOME"}, (spec.folder, sorted(read))
        assert read <= set(DISCOVERY_ENV)
    assert {name for spec in specs() for name in spec.environment} <= set(DISCOVERY_ENV)


def test_the_look_waits_for_a_last_line_as_long_as_ingest_does() -> None:
    from lessonloop.pipeline import file_parse, refresh

    assert refresh.QUIET_SECONDS == file_parse.QUIET_SECONDS


def test_a_store_another_process_is_writing_is_read_as_it_is_with_a_note(home: Path) -> None:
    env = _env(home)
    lessonloop(env, "ingest", "--wait")
    _session(home / ".claude" / "projects" / "-home-dev-project", "make test", start_hour=15)
    writer = sqlite3.connect(env["LESSONLOOP_DB"], isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process's write transaction, held
        done = lessonloop(env, "stats", "--json")  # (it waits REFRESH_WAIT_MS for the lock, not 10 s)
        assert json.loads(done.stdout)["sessions"] == 1
        assert "what the agents wrote since the last ingest was not read" in done.stderr
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert _json(env, "stats")["sessions"] == 2  # type: ignore[index]
    settled(env)
