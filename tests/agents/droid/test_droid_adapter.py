"""Factory Droid's sessions, as the real CLI (0.215.0) wrote them against the harness's model
server (tests/agents/droid/data/droid_0_215_0/home/.factory/: `git push` failing with exit 128, then `git push
--set-upstream origin feature`; the server, an Anthropic one, reported input 1017/1034/1051, cached
64/128/0, output 23/26/29). In the second session a PreToolUse hook denied the first push.

Before its reader existed, a Droid session was read as a Codex rollout: no session, two notices."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from lessonloop.agents.droid.reader import paths
from lessonloop.agents.droid.reader.parser import read_session
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.sniffer import sniff
from tests.agents.gemini.test_gemini_adapter import ingest, rows

HOME = Path(__file__).parent / "data" / "droid_0_215_0" / "home"
FOLDER = HOME / ".factory" / "sessions" / "-tmp-agents64r2-droid-project"
PLAIN = FOLDER / "56c237b5-85d7-441f-b0f3-236a97eb619e.jsonl"
DENIED = FOLDER / "70682017-935d-4381-a0a0-89ffe4474d7a.jsonl"


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(HOME, home)
    return home


def test_ingest_with_no_path_reads_each_session_exactly(tmp_path: Path) -> None:
    home = _home(tmp_path)
    db = tmp_path / "s.db"
    ingest(db, env={**os.environ, "HOME": str(home)})
    assert (
        rows(db, "SELECT agent, cwd, model, title FROM sessions ORDER BY id")
        == [("droid", "/tmp/agents64r2/droid/project", "harness-model", "push this branch")] * 2
    )
    assert rows(db, "SELECT kind, count(*) FROM messages GROUP BY kind ORDER BY kind") == [
        ("assistant", 2),
        ("instructions", 2),  # the environment Droid adds before the prompt (visibility llm_only)
        ("prompt", 2),
    ]
    # the session's totals from its settings file: input without cached input, as the server said
    assert rows(db, "SELECT sum(input_tokens), sum(cache_read_tokens), sum(output_tokens) FROM token_usage") == [
        (2 * (1017 + 1034 + 1051), 2 * (64 + 128), 2 * (23 + 26 + 29))
    ]


def test_a_failed_push_and_a_denied_one(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ingest(db, _home(tmp_path))
    calls = rows(
        db,
        "SELECT session_id, tool, kind, command, ok, status, exit_code, error_text FROM tool_calls"
        " WHERE ok = 0 ORDER BY session_id",
    )
    failed, denied = calls
    assert failed[1:7] == ("Execute", "shell", "git push", 0, "error", 128)
    assert failed[7].startswith("fatal: The current branch feature has no upstream branch.")
    assert "exit code" not in failed[7] and "Process exited" not in failed[7]
    # the hook's deny, shown to the person only in the session, makes the call a refusal
    assert denied[1:] == ("Execute", "shell", "git push", 0, "rejected", None, "LESSON: always use --set-upstream")
    assert rows(db, "SELECT count(*), min(exit_code) FROM tool_calls WHERE ok = 1") == [(2, 0)]


def test_it_is_sniffed_as_droid_and_found_where_droid_keeps_it() -> None:
    assert sniff(str(PLAIN), PLAIN.read_bytes()[:65536]) == "droid-session"
    assert paths.claims(str(PLAIN)) == "droid-session"
    found = paths.discover(DiscoveryContext(environ={}, home=str(HOME)))
    assert sorted(Path(f.path).name for f in found) == sorted([PLAIN.name, DENIED.name])


def test_without_its_settings_file_the_session_is_read_without_tokens(tmp_path: Path) -> None:
    alone = tmp_path / PLAIN.name
    shutil.copy(PLAIN, alone)
    batch = read_session(str(alone))
    assert len(batch.tool_calls) == 2 and batch.usage == {} and batch.problems == []
    assert next(iter(batch.sessions.values())).model == "custom:Harness-0"  # no settings to name it


def test_bad_lines_are_problems_and_unknown_records_notices(tmp_path: Path) -> None:
    broken = tmp_path / "s.jsonl"
    broken.write_bytes(PLAIN.read_bytes() + b'{"type": "message", "id": \n{"type": "spec_mode", "id": "x"}\n')
    batch = read_session(str(broken))
    assert len(batch.tool_calls) == 2
    assert [(p.code, p.severity) for p in batch.problems] == [
        ("truncated-line", "error"),
        ("unknown-record-type", "notice"),
    ]
