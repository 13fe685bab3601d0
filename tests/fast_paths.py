"""The fast paths, run for real, and what each imports (`-X importtime` of its process):

- every hook event as Claude Code runs it (a shell command that fails and one that passes, a file
  edit, a failure with a secret in it, a call while another process holds the store's write lock)
  and every recorded payload of the other agents' hooks (tests/agents/<agent>/data/hook_payloads: Codex, Gemini
  CLI, Cursor, Copilot CLI), as installed: their workers in the background;
- `lessonloop recall` (its own reader of its line), with and without --json;
- `lessonloop run`: a command that passes, one that fails, --json;
- the reads of figures issue 43 made cheap (stats, sessions, report, search, search --agent);
- an ingest with nothing new.

tests/test_fast_paths.py holds the start-up tricks to these paths.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from tests.agent_data import every_hook_payload
from tests.import_census import command_imports as _command
from tests.import_census import hook_imports as _hook
from tests.transcript_builder import TranscriptBuilder


def census(folder: Path) -> dict[str, set[str]]:
    """Each fast path's imported modules, run against a store made in `folder`."""
    transcripts = folder / "transcripts"
    for n in range(2):
        t = TranscriptBuilder(cwd=str(folder / "project"))
        t.prompt(f"push the branch {n}")
        t.bash("git push", "fatal: The current branch feature has no upstream branch.", exit_code=128)
        t.bash("git push --set-upstream origin feature", "done")
        t.write(transcripts / f"{t.session_id}.jsonl")
    db = str(folder / "store" / "lessonloop.db")
    env = {
        **os.environ,
        "HOME": str(folder / "home"),
        "LESSONLOOP_CONFIG": str(folder / "none.toml"),
        "LESSONLOOP_DB": db,
        "LESSONLOOP_EMBEDDINGS": "off",
    }
    for name in ("PYTHONDONTWRITEBYTECODE", "LESSONLOOP_HOOK_FOREGROUND"):  # as installed: workers in the background
        env.pop(name, None)
    (folder / "project").mkdir(exist_ok=True)
    found: dict[str, set[str]] = {}
    _command(env, "ingest", "--wait", "--db", db, "--no-bandit", str(transcripts))  # learned: nothing trails
    found["ingest, nothing new"] = _command(env, "ingest", "--db", db, "--no-bandit", str(transcripts))
    with contextlib.ExitStack() as held:
        for lock in ("ingest.lock", "learn.lock"):  # a worker "running": the hooks queue their work, start none
            handle = held.enter_context(open(Path(db).parent / lock, "a"))
            fcntl.flock(handle, fcntl.LOCK_EX)
        found.update(_hooks(folder, env))
    found["recall"] = _command(env, "recall", "--db", db, "git push")
    found["recall --json"] = _command(env, "recall", "--db", db, "--json", "git push")
    found["run"] = _command(env, "run", "--db", db, "--", sys.executable, "-c", "pass")
    failing = "import sys; print('error: the build failed'); sys.exit(3)"
    found["run, failing"] = _command(env, "run", "--db", db, "--", sys.executable, "-c", failing, status=3)
    found["run --json"] = _command(env, "run", "--db", db, "--json", "--", sys.executable, "-c", "pass")
    reads = (("stats",), ("stats", "--by", "day"), ("sessions",), ("report",), ("search", "push"))
    for words in (*reads, ("search", "push", "--agent", "claude-code")):
        found[" ".join(words)] = _command(env, *words, "--db", db)
    return found


def _hooks(folder: Path, env: dict[str, str]) -> dict[str, set[str]]:
    """Claude Code's hooks (a shell command that fails and one that passes, a file edit, a failure
    with a secret), then every recorded payload of the other agents'."""
    found: dict[str, set[str]] = {}
    session = {"session_id": "fast-paths-1", "transcript_path": str(folder / "t.jsonl"), "cwd": str(folder / "project")}
    bash = {"tool_name": "Bash", "tool_input": {"command": "git push"}, "tool_use_id": "toolu_fast_1"}
    target = str(folder / "project" / "app.py")
    edit = {
        "tool_name": "Edit",
        "tool_input": {"file_path": target, "old_string": "a = 1", "new_string": "a = 2"},
        "tool_use_id": "toolu_fast_3",
    }
    secret = "curl -H 'Authorization: Bearer ghp_0123456789abcdefghijABCDEFGHIJ012345' https://api.github.com"
    failed = {**bash, "tool_input": {"command": secret}, "tool_use_id": "toolu_fast_4", "error": "401"}
    hooks: list[tuple[str, dict[str, Any]]] = [
        ("SessionStart", {"source": "startup", "model": "claude-test"}),
        ("UserPromptSubmit", {"prompt": "push the branch"}),
        ("PreToolUse", bash),
        ("PostToolUseFailure", {**bash, "error": "fatal: no upstream branch", "is_interrupt": False}),
        ("PostToolUse", {**bash, "tool_use_id": "toolu_fast_2", "tool_response": {"stdout": "ok", "stderr": ""}}),
        ("PreToolUse", edit),
        ("PostToolUse", {**edit, "tool_response": {"filePath": target, "oldString": "a = 1", "newString": "a = 2"}}),
        ("PostToolUseFailure", {**failed, "is_interrupt": False}),
        ("Stop", {"stop_hook_active": False}),
        ("SessionEnd", {"reason": "exit"}),
    ]
    for event, fields in hooks:
        payload = {**session, "hook_event_name": event, **fields}
        found.setdefault(f"hook {event}", set()).update(_hook(event, payload, env))
    busy = sqlite3.connect(env["LESSONLOOP_DB"], isolation_level=None)
    try:  # the store's write lock held elsewhere: the hook keeps its write aside (the spool)
        busy.execute("BEGIN IMMEDIATE")
        payload = {**session, "hook_event_name": "PostToolUse", **bash, "tool_use_id": "toolu_fast_5"}
        payload["tool_response"] = {"stdout": "ok", "stderr": ""}
        found["hook PostToolUse, the store busy"] = _hook(
            "PostToolUse", payload, {**env, "LESSONLOOP_BUSY_TIMEOUT_MS": "50"}
        )
    finally:
        busy.execute("ROLLBACK")
        busy.close()
    for agent, recorded in every_hook_payload():  # the other agents' hooks, as they send them
        event = recorded.stem
        payload = {**json.loads(recorded.read_text(encoding="utf-8")), "cwd": str(folder / "project")}
        payload["transcript_path"] = str(folder / "t.jsonl")
        found.setdefault(f"hook {event} ({agent})", set()).update(_hook(event, payload, env, agent=agent))
    return found
