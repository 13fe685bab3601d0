"""Continue CLI's sessions, as the real CLI (1.5.47) wrote one against the harness's model server
(tests/agents/continue_cli/data/continue_1_5_47/home/.continue/sessions/: `git push` failing with exit 128, then `git
push --set-upstream origin feature`; the server, OpenAI-compatible, reported input 1017/1034/1051,
cached 64/128/0, output 23/26/29). Continue stores the server's usage as it came: prompt_tokens
includes the cached input (and its session total of cached tokens stays 0: not read).

Before its reader existed, a session was read line by line as a Claude Code transcript: 151
problems."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from lessonloop.agents.continue_cli.reader import paths
from lessonloop.agents.continue_cli.reader.parser import read_session
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.sniffer import sniff
from tests.agents.gemini.test_gemini_adapter import ingest, rows

HOME = Path(__file__).parent / "data" / "continue_1_5_47" / "home"
SESSION = HOME / ".continue" / "sessions" / "0001ce3e-3608-4600-a307-3085dc4cbd7e.json"


def test_ingest_with_no_path_reads_the_session_exactly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(HOME, home)
    db = tmp_path / "s.db"
    ingest(db, env={**os.environ, "HOME": str(home)})
    assert rows(db, "SELECT id, agent, cwd, model, started_at FROM sessions") == [
        (SESSION.stem, "continue", "/tmp/agents64r2/continue/project", "harness-model", "2026-11-28T13:50:25.082Z")
    ]
    assert rows(db, "SELECT kind, text FROM messages ORDER BY seq") == [
        ("prompt", "push this branch"),
        ("assistant", "Done: the branch is pushed."),
    ]
    calls = rows(db, "SELECT command, ok, status, exit_code, error_text, result_text FROM tool_calls ORDER BY seq")
    assert calls[0][:4] == ("git push", 0, "error", 128)
    assert calls[0][4].startswith("fatal: The current branch feature has no upstream branch.")
    assert calls[1][:4] == ("git push --set-upstream origin feature", 1, "ok", None)
    assert rows(db, "SELECT input_tokens, cache_read_tokens, output_tokens FROM token_usage ORDER BY message_id") == [
        (1017, 64, 23),
        (1034, 128, 26),
        (1051, 0, 29),
    ]


def test_it_is_recognized_and_found_as_continues() -> None:
    assert sniff(str(SESSION), SESSION.read_bytes()[:65536]) == "continue-session"
    index = SESSION.parent / "sessions.json"
    assert sniff(str(index), index.read_bytes()[:65536]) == "continue-index"
    found = paths.discover(DiscoveryContext(environ={}, home=str(HOME)))
    assert [f.path for f in found] == [str(SESSION)]  # not sessions.json


def test_a_session_cut_short_is_a_problem_and_a_canceled_call_an_interruption(tmp_path: Path) -> None:
    cut = tmp_path / "cut.json"
    cut.write_bytes(SESSION.read_bytes()[:500])
    batch = read_session(str(cut))
    assert [p.code for p in batch.problems] == ["truncated-file"] and not batch.sessions
    document = json.loads(SESSION.read_text())
    document["history"][1]["toolCallStates"][0]["status"] = "canceled"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    batch = read_session(str(changed))
    assert batch.tool_results[0].status == "interrupted" and not batch.tool_results[0].ok
