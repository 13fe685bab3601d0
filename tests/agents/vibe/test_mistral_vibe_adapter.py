"""Mistral Vibe's sessions, as the real CLI (3.0.2) wrote them against the harness's model server
(tests/agents/vibe/data/mistral_vibe_3_0_2/home/.vibe/: `git push` failing with exit 128, then `git push
--set-upstream origin feature`; the server, an OpenAI Chat Completions one, reported input
1017/1034/1051, cached 64/128/0, output 23/26/29 in the first session, then 1068/1085/1102,
64/128/0, 32/35/38 in the second). In the second session a pre_tool hook denied the first push;
the first was then resumed with a second prompt (input 1119, cached 64, output 41), after which Vibe
had deleted that session's first journal segment: the store's current generation is what lasts."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.vibe.reader import paths
from lessonloop.agents.vibe.reader.parser import read_session
from lessonloop.agents.vibe.reader.tools import model_name
from lessonloop.capture import agents
from lessonloop.capture.adapters import DiscoveryContext, UnreadableUnit
from lessonloop.capture.sniffer import sniff
from tests.agents.gemini.test_gemini_adapter import cli, ingest, rows
from tests.conftest import cli as conftest_cli

HOME = Path(__file__).parent / "data" / "mistral_vibe_3_0_2" / "home"
UNIFIED = HOME / ".vibe" / "logs" / "session" / "unified"
RESUMED = UNIFIED / "1e62c188-1968-e50d-f9a2-07f78d255ec2"
DENIED = UNIFIED / "c9e4a774-97fc-7901-aff0-b5ab8d0976f9"


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(HOME, home)
    return home


def _ingest_in_process(db: Path, path: Path) -> dict[str, Any]:
    """ingest in this process: an adapter taken out of the registry stays out."""
    result = conftest_cli("ingest", "--db", db, "--no-progress", "--json", path)
    report: dict[str, Any] = json.loads(result.output)
    return report


def test_ingest_with_no_path_reads_each_session_exactly(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    report = ingest(db, env={**os.environ, "HOME": str(_home(tmp_path))})
    assert report["problems"] == [] and report["notices"] == []
    assert rows(db, "SELECT id, agent, cwd, model FROM sessions ORDER BY started_at") == [
        (RESUMED.name, "mistral-vibe", "/tmp/vibe64/project", "harness-model"),
        (DENIED.name, "mistral-vibe", "/tmp/vibe64/project", "harness-model"),
    ]
    assert rows(db, "SELECT session_id, kind, text FROM messages ORDER BY session_id, seq") == [
        (RESUMED.name, "prompt", "push this branch"),
        (RESUMED.name, "assistant", "Done: the branch is pushed."),
        (RESUMED.name, "prompt", "anything else?"),
        (RESUMED.name, "assistant", "Done: the branch is pushed."),
        (DENIED.name, "prompt", "push this branch"),
        (DENIED.name, "assistant", "Done: the branch is pushed."),
    ]
    # the sessions' totals (the only token figures the store keeps): input without cached input,
    # as the server said, the resumed turn's request included
    assert rows(
        db, "SELECT session_id, input_tokens, cache_read_tokens, output_tokens FROM token_usage ORDER BY session_id"
    ) == [
        (RESUMED.name, 1017 + 1034 + 1051 + 1119, 64 + 128 + 0 + 64, 23 + 26 + 29 + 41),
        (DENIED.name, 1068 + 1085 + 1102, 64 + 128, 32 + 35 + 38),
    ]


def test_a_failed_push_and_a_denied_one_under_the_models_call_ids(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ingest(db, env={**os.environ, "HOME": str(_home(tmp_path))})
    calls = rows(
        db,
        "SELECT session_id, id, tool, kind, command, ok, status, exit_code, error_text FROM tool_calls"
        " ORDER BY session_id, seq",
    )
    assert [c[1:8] for c in calls] == [
        ("call_b5970647000001", "bash", "shell", "git push", 0, "error", 128),
        ("call_b5970647000002", "bash", "shell", "git push --set-upstream origin feature", 1, "ok", 0),
        # denied by the pre_tool hook: the store keeps neither its name nor its input, the model's
        # context does (the call id the hook was given)
        ("call_b5970647000004", "bash", "shell", "git push", 0, "rejected", None),
        ("call_b5970647000005", "bash", "shell", "git push --set-upstream origin feature", 1, "ok", 0),
    ]
    assert calls[0][8].startswith("fatal: The current branch feature has no upstream branch.")
    assert calls[2][8] == "Denied by a test hook: set the upstream first."


def test_sessions_by_either_name(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    env = {**os.environ, "HOME": str(_home(tmp_path))}
    ingest(db, env=env)
    for name in ("mistral-vibe", "vibe"):
        listed = cli("sessions", "--db", str(db), "--agent", name, "--json", env=env)
        assert sorted(s["id"] for s in listed) == sorted([RESUMED.name, DENIED.name]), name


def test_found_where_vibe_keeps_them_and_where_its_settings_move_them(tmp_path: Path) -> None:
    home = _home(tmp_path)
    found = paths.discover(DiscoveryContext(environ={}, home=str(home)))
    assert sorted(Path(f.path).parent.name for f in found) == sorted([RESUMED.name, DENIED.name])
    assert {f.format for f in found} == {"mistral-vibe-session"}
    # $VIBE_HOME moves the whole folder
    moved = tmp_path / "vibe-home"
    shutil.move(home / ".vibe", moved)
    assert len(paths.discover(DiscoveryContext(environ={"VIBE_HOME": str(moved)}, home=str(home)))) == 2
    # [session_logging].save_dir in its config.toml, and the variable over it
    logs = tmp_path / "elsewhere"
    shutil.move(moved / "logs" / "session", logs)
    config = moved / "config.toml"
    config.write_text(config.read_text() + f'\n[session_logging]\nsave_dir = "{logs}"\n')
    assert len(paths.discover(DiscoveryContext(environ={"VIBE_HOME": str(moved)}, home=str(home)))) == 2
    environ = {"VIBE_HOME": str(moved), "VIBE_SESSION_LOGGING__SAVE_DIR": str(tmp_path / "none")}
    assert paths.discover(DiscoveryContext(environ=environ, home=str(home))) == []


def test_sniffed_and_claimed() -> None:
    meta = RESUMED / "meta.json"
    assert sniff(str(meta), meta.read_bytes()) == "mistral-vibe-session"
    assert paths.claims(str(meta)) == "mistral-vibe-session"
    journal = next((RESUMED / "journal").glob("*.jsonl"))
    assert paths.claims(str(journal)) == "mistral-vibe-journal"
    segment = next((DENIED / "journal").glob("*1.jsonl"))
    assert sniff(str(segment), segment.read_bytes()[:65536]) == "mistral-vibe-journal"


def test_runtime_names_are_the_models() -> None:
    assert model_name("file_system.bash") == "bash"
    assert model_name("file_system.search_replace") == "edit"
    assert model_name("vibe.todo") == "todo"
    assert model_name("github.create_issue") == "github.create_issue"  # an MCP tool keeps its group


def test_a_folder_given_to_ingest_reads_the_session_and_names_its_journal(tmp_path: Path) -> None:
    """Given a session's folder, ingest reads it through its meta.json; its journal is named as
    Vibe's, read through the session, and no other agent's reader takes it. Before Vibe's reader
    existed, nothing of it was stored."""
    folder = tmp_path / "copied" / DENIED.name
    shutil.copytree(DENIED, folder)
    adapter = agents.by_agent("mistral-vibe")
    assert adapter is not None
    agents.unregister(adapter)
    try:
        before = _ingest_in_process(tmp_path / "before.db", folder)
        assert (before["sessions"], before["messages"], before["tool_calls"]) == (0, 0, 0)
        assert rows(tmp_path / "before.db", "SELECT count(*) FROM sessions") == [(0,)]
    finally:
        agents._reset((*agents.adapters(), adapter))
    db = tmp_path / "s.db"
    report = _ingest_in_process(db, folder)
    assert report["sessions"] == 1 and report["tool_calls"] == 2 and report["problems"] == []
    assert rows(db, "SELECT agent, count(*) FROM sessions") == [("mistral-vibe", 1)]


def test_bad_input_is_named_and_what_was_stored_stays(tmp_path: Path) -> None:
    home = _home(tmp_path)
    db = tmp_path / "s.db"
    env = {**os.environ, "HOME": str(home)}
    ingest(db, env=env)
    session = home / ".vibe" / "logs" / "session" / "unified" / DENIED.name
    # a meta.json cut short: named with its file, the session's records stored before stay
    meta = session / "meta.json"
    meta.write_bytes(meta.read_bytes()[:100])
    report = ingest(db, env=env)
    assert {p["path"] for p in report["problems"]} == {str(meta)}
    damaged = next(p for p in report["problems"] if p["code"] == "damaged-file")
    assert "not a whole JSON document" in damaged["detail"] and "is kept" in damaged["detail"]
    assert rows(db, "SELECT count(*) FROM tool_calls WHERE session_id = ?", DENIED.name) == [(2,)]


def test_a_store_missing_a_file_it_names_is_unreadable_not_emptied(tmp_path: Path) -> None:
    folder = tmp_path / "unified" / RESUMED.name
    shutil.copytree(RESUMED, folder)
    assert len(read_session(str(folder / "meta.json")).tool_calls) == 2
    for chunk in (folder / "chunks").iterdir():
        chunk.unlink()
    with pytest.raises(UnreadableUnit) as refused:
        read_session(str(folder / "meta.json"))
    assert "chunks" in refused.value.problem.detail


def test_a_session_without_a_store_yet_and_unknown_entries(tmp_path: Path) -> None:
    folder = tmp_path / "unified" / "s1"
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text(json.dumps({"session_id": "s1", "environment": {"working_directory": "/w"}}))
    batch = read_session(str(folder / "meta.json"))
    assert [s.cwd for s in batch.sessions.values()] == ["/w"] and batch.problems == []
    # an entry type of a later Vibe: a notice; the rest read
    shutil.rmtree(folder)
    shutil.copytree(DENIED, folder)
    current = json.loads((folder / "CURRENT").read_text())
    manifest = json.loads((folder / "generations" / current["generation"] / "manifest.json").read_text())
    chunk = folder / "chunks" / (manifest["projection_state"]["chunks"][0] + ".json")
    entries = json.loads(chunk.read_text())
    chunk.write_text(json.dumps([{"type": "plan", "id": "x"}, *entries]))
    batch = read_session(str(folder / "meta.json"))
    assert len(batch.tool_calls) == 2
    assert [(p.code, p.severity) for p in batch.problems] == [("unknown-record-type", "notice")]


def test_a_session_of_vibes_former_layout_is_named_not_taken_for_a_new_one(tmp_path: Path) -> None:
    folder = tmp_path / "logs" / "session" / "session_20260401_120000_abcd1234"
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text(json.dumps({"session_id": "abcd1234", "environment": {}, "child_sessions": []}))
    (folder / "messages.jsonl").write_text(json.dumps({"role": "user", "content": "hi"}) + "\n")
    assert paths.claims(str(folder / "meta.json")) == "mistral-vibe-legacy-session"
    assert paths.claims(str(folder / "messages.jsonl")) == "mistral-vibe-legacy-session"
    report = _ingest_in_process(tmp_path / "s.db", tmp_path / "logs")
    assert report["sessions"] == 0 and report["files"]["read"] == 0
    assert {o["format"] for o in report["other_formats"]} == {"mistral-vibe-legacy-session"}


def test_a_call_whose_arguments_the_store_renamed_keeps_the_models_id(tmp_path: Path) -> None:
    """The store keeps an edit's arguments under other names than the model sent: the call is
    still found by its name; a run that failed with no output is an error."""
    folder = tmp_path / "unified" / DENIED.name
    shutil.copytree(DENIED, folder)
    current = json.loads((folder / "CURRENT").read_text())
    manifest = json.loads((folder / "generations" / current["generation"] / "manifest.json").read_text())
    chunk = folder / "chunks" / (manifest["projection_state"]["chunks"][0] + ".json")
    entries = json.loads(chunk.read_text())
    last = next(e for e in reversed(entries) if e["type"] == "effect")
    last["detail"]["input"] = {"command": "git push --set-upstream origin feature", "timeout": 120}
    last["state"] = {"status": "failed", "reason": "the process server went away"}
    chunk.write_text(json.dumps(entries))
    batch = read_session(str(folder / "meta.json"))
    assert [c.id for c in batch.tool_calls] == ["call_b5970647000004", "call_b5970647000005"]
    failed = batch.tool_results[-1]
    assert (failed.ok, failed.status, failed.error_text) == (False, "error", "the process server went away")
