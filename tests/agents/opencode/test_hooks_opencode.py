"""OpenCode's hooks: lessonloop's own plugin (`hooks install --agent opencode`), installed, checked and
removed in a temporary HOME and project; the adapter (agents/opencode/hooks.py) turning what
the plugin sends (tests/agents/opencode/data/hook_payloads/: recorded from OpenCode 1.18.33 running the
plugin) into Claude Code's payloads and the handlers' answers into what the plugin reads; the entry
run as the plugin runs it (the installed command, the payload on stdin); and the plugin itself run
under node against the real entry, failing open. What OpenCode does with each answer:
docs/agents/opencode.md."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.opencode import hooks as opencode
from lessonloop.agents.opencode import install
from lessonloop.apply.hooks.command import hook_command
from lessonloop.apply.hooks.kit import plugin_hooks
from lessonloop.apply.hooks.kit.answers import AFTER_THE_CALL
from lessonloop.core.agent_specs import hook_agents, hook_events, installed_events
from lessonloop.hook_server import stop_installed
from tests.agent_hooks import run_agent_hook
from tests.agents.cursor.test_hooks_cursor import certain_push_lesson
from tests.hook_helpers import HookRun, hook_env

AGENTS = hook_agents()
HOOK_EVENTS = hook_events()
INSTALLED = installed_events()

PAYLOADS = Path(__file__).parent / "data" / "hook_payloads"
DRIVER = PAYLOADS / "drive_plugin.mjs"
RECORDED_FOLDER = "/home/dev/project"
ADVICE = "git push -u origin"  # certain_push_lesson's prevention
NODE = shutil.which("node")


def recorded(name: str, project: Path | None = None, session: str | None = None) -> dict[str, Any]:
    """What the plugin sent for `name` (its file in PAYLOADS), in `project`, for `session`."""
    text = (PAYLOADS / f"{name}.json").read_text(encoding="utf-8")
    if project is not None:
        text = text.replace(RECORDED_FOLDER, str(project))
    data: dict[str, Any] = json.loads(text)
    if session is not None:
        for part in (data["input"], data["output"], data["output"].get("message"), data["output"].get("properties")):
            if isinstance(part, dict) and "sessionID" in part:
                part["sessionID"] = session
    return data


def run_opencode(event: str, payload: dict[str, Any], db: Path, *options: str, **env: str) -> HookRun:
    """The hook as the plugin runs it: the installed command, one process, the payload on stdin."""
    return run_agent_hook("opencode", event, payload, hook_env(db, **env), *options)


# --- the adapter ------------------------------------------------------------------------------------


def test_registered_everywhere_an_agent_is() -> None:
    assert "opencode" in AGENTS and set(INSTALLED["opencode"]) == set(HOOK_EVENTS["opencode"])
    assert HOOK_EVENTS["opencode"] == {
        "session.start": "SessionStart",
        "chat.message": "UserPromptSubmit",
        "tool.execute.before": "PreToolUse",
        "tool.execute.after": "PostToolUse",
        "session.idle": "Stop",
    }
    source = install.source()
    for event in INSTALLED["opencode"]:  # every event installed is one the plugin calls
        assert f'"{event}"' in source, event


def test_recorded_payloads_become_claude_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = "ses_de7233849ffeD2SJUdmsKSC7SZ"
    start = opencode.payload("session.start", recorded("session.start"))
    assert start == {
        "session_id": session,
        "cwd": RECORDED_FOLDER,
        "transcript_path": None,
        "hook_event_name": "SessionStart",
        "source": "startup",
    }
    prompt = opencode.payload("chat.message", recorded("chat.message"))
    assert prompt is not None and prompt["hook_event_name"] == "UserPromptSubmit"
    assert prompt["prompt"] == "push my branch\n" and prompt["session_id"] == session
    before = opencode.payload("tool.execute.before", recorded("tool.execute.before"))
    assert before == {
        "session_id": session,
        "cwd": RECORDED_FOLDER,
        "transcript_path": None,
        "tool_name": "Bash",
        "tool_input": {"command": "git push"},
        "tool_use_id": "call_091158b0000002",
        "hook_event_name": "PreToolUse",
    }
    failed = opencode.payload("tool.execute.after", recorded("tool.execute.after.failed"))
    assert failed is not None and failed["hook_event_name"] == "PostToolUseFailure"
    assert failed["tool_use_id"] == "call_091158b0000002" and failed["tool_input"] == {"command": "git push"}
    assert str(failed["error"]).startswith("Exit code 128\nfatal: The current branch feat has no upstream branch.")
    done = opencode.payload("tool.execute.after", recorded("tool.execute.after"))
    assert done is not None and done["hook_event_name"] == "PostToolUse"
    assert done["tool_input"] == {"command": "git push --set-upstream origin feat"}
    assert done["tool_response"] == {"stdout": recorded("tool.execute.after")["output"]["output"], "stderr": ""}

    # Stop: OpenCode's database as the transcript to ingest, when there is one
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("OPENCODE_DB", raising=False)
    stop = opencode.payload("session.idle", recorded("session.idle"))
    assert stop is not None and stop["hook_event_name"] == "Stop" and stop["session_id"] == session
    assert stop["transcript_path"] is None
    db = tmp_path / "opencode" / "opencode.db"
    db.parent.mkdir()
    db.write_bytes(b"")
    assert opencode.payload("session.idle", recorded("session.idle"))["transcript_path"] == str(db)  # type: ignore[index]
    (tmp_path / "opencode" / "other.db").write_bytes(b"")
    monkeypatch.setenv("OPENCODE_DB", "other.db")  # relative to the data folder, as OpenCode reads it
    assert opencode.payload("session.idle", recorded("session.idle"))["transcript_path"] == str(  # type: ignore[index]
        tmp_path / "opencode" / "other.db"
    )
    # nothing lessonloop reads: no session, an unknown event
    assert opencode.payload("chat.message", {"input": {}, "output": {}}) is None
    assert opencode.payload("tool.execute.before", {"input": {"sessionID": "s"}, "output": {}}) is None


def test_a_synthetic_part_is_not_the_persons_prompt() -> None:
    parts = [
        {"type": "text", "text": "fix the build"},
        {"type": "text", "text": "Lessons ...", "synthetic": True},
        {"type": "file", "url": "file:///x"},
    ]
    assert plugin_hooks.prompt_of(parts) == "fix the build"


@pytest.mark.parametrize(
    ("tool", "args", "name", "tool_input"),
    [
        (
            "bash",
            {"command": "ls", "description": "list", "timeout": 5},
            "Bash",
            {"command": "ls", "description": "list"},
        ),
        ("read", {"filePath": "/p/a.py", "offset": 3}, "Read", {"file_path": "/p/a.py"}),
        (
            "write",
            {"filePath": "/p/a.py", "content": "x = 1\n"},
            "Write",
            {"file_path": "/p/a.py", "content": "x = 1\n"},
        ),
        (
            "edit",
            {"filePath": "/p/a.py", "oldString": "1", "newString": "2", "replaceAll": False},
            "Edit",
            {"file_path": "/p/a.py", "old_string": "1", "new_string": "2"},
        ),
        ("multiedit", {"filePath": "/p/a.py", "edits": []}, "Edit", {"file_path": "/p/a.py"}),
        (
            "grep",
            {"pattern": "TODO", "path": "/p", "include": "*.py"},
            "Grep",
            {"pattern": "TODO", "path": "/p", "glob": "*.py"},
        ),
        ("glob", {"pattern": "**/*.md"}, "Glob", {"pattern": "**/*.md"}),
        ("webfetch", {"url": "https://x"}, "WebFetch", {"url": "https://x"}),
        ("mcp_server_tool", {"q": 1}, "mcp_server_tool", {"q": 1}),
    ],
)
def test_tools_become_claude_codes(tool: str, args: dict[str, Any], name: str, tool_input: dict[str, Any]) -> None:
    assert opencode.tool_call(tool, args) == (name, tool_input)


def test_a_non_bash_result_is_text_and_its_exit_is_not_read() -> None:
    raw: dict[str, object] = {
        "input": {"tool": "read", "sessionID": "s", "callID": "c1", "args": {"filePath": "/p/a.py"}},
        "output": {"title": "a.py", "output": "1: x = 1", "metadata": {"exit": 1}},
    }
    out = opencode.payload("tool.execute.after", raw)
    assert out is not None and out["hook_event_name"] == "PostToolUse" and out["tool_response"] == "1: x = 1"


def test_answers_as_the_plugin_reads_them() -> None:
    said: dict[str, object] = {
        "hookSpecificOutput": {"hookEventName": "UserPromptSubmit", "additionalContext": "lessons"}
    }
    assert opencode.answer("chat.message", said) == ('{"context": "lessons"}', 0)
    assert opencode.answer("session.start", said) == ('{"context": "lessons"}', 0)
    assert opencode.answer("chat.message", None) == (None, 0)
    assert opencode.answer("session.idle", said) == (None, 0)
    deny: dict[str, object] = {"hookSpecificOutput": {"permissionDecision": "deny", "permissionDecisionReason": "no"}}
    assert opencode.answer("tool.execute.before", deny) == ('{"deny": "no"}', 0)
    assert opencode.answer("tool.execute.before", None) == (None, 0)


# --- the entry, run as the plugin runs it --------------------------------------------------------------


@pytest.mark.parametrize(("option", "denied"), [("--block", True), ("--warn-only", False)])
def test_a_certain_lesson_denies_with_block_else_reaches_the_model_after_the_call(
    repo: Path, tmp_path: Path, option: str | None, denied: bool
) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    certain_push_lesson(repo, db)
    options = [option] if option else []
    pre = run_opencode("tool.execute.before", recorded("tool.execute.before", repo, "ses-1"), db, *options)
    assert pre.returncode == 0, pre.stderr
    after = run_opencode("tool.execute.after", recorded("tool.execute.after.failed", repo, "ses-1"), db)
    assert after.returncode == 0, after.stderr
    if denied:
        answer = json.loads(pre.stdout)
        assert set(answer) == {"deny"} and ADVICE in answer["deny"]
        assert not after.stdout or AFTER_THE_CALL not in after.stdout  # nothing kept for a denied call
    else:
        assert pre.stdout == ""  # a warning: kept for the call's result
        context = json.loads(after.stdout)["context"]
        assert context.startswith(AFTER_THE_CALL) and ADVICE in context
    with sqlite3.connect(db) as conn:
        decisions = conn.execute("SELECT event, action FROM hook_decisions WHERE session_id = 'ses-1'").fetchall()
        calls = conn.execute("SELECT tool, ok, command FROM live_calls WHERE session_id = 'ses-1'").fetchall()
    assert decisions == [("PreToolUse", "block" if denied else "warn")]
    assert calls == [("Bash", 0, "git push")]  # exit 128: stored as the failure it is
    assert not (db.parent / "hook-failures.log").exists()


def test_ask_denies_once_then_the_same_call_runs(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    certain_push_lesson(repo, db)
    first = run_opencode("tool.execute.before", recorded("tool.execute.before", repo, "ses-2"), db, "--ask")
    assert "--ask" in json.loads(first.stdout)["deny"] and ADVICE in json.loads(first.stdout)["deny"]
    again = run_opencode("tool.execute.before", recorded("tool.execute.before", repo, "ses-2"), db, "--ask")
    assert again.returncode == 0 and again.stdout == ""


def test_session_start_and_prompt_give_the_lessons_and_idle_ingests_opencode_db(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    certain_push_lesson(repo, db)
    start = run_opencode("session.start", recorded("session.start", repo, "ses-3"), db)
    assert start.returncode == 0, start.stderr
    assert ADVICE in json.loads(start.stdout)["context"]
    prompt = run_opencode("chat.message", recorded("chat.message", repo, "ses-3"), db)
    assert prompt.returncode == 0 and (prompt.stdout == "" or "context" in json.loads(prompt.stdout))
    # Stop with no OpenCode database: the stop is recorded, nothing queued
    data = tmp_path / "xdg-data"
    idle = run_opencode("session.idle", recorded("session.idle", repo, "ses-3"), db, XDG_DATA_HOME=str(data))
    assert (idle.returncode, idle.stdout) == (0, "")
    assert not (db.parent / "hook-failures.log").exists()
    with sqlite3.connect(db) as conn:
        ended = conn.execute("SELECT count(*) FROM hook_sessions WHERE session_id = 'ses-3'").fetchone()[0]
    assert ended == 1


# --- install, status, uninstall ------------------------------------------------------------------------


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[dict[str, Any]]:
    home = tmp_path / "home"
    home.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    db = tmp_path / "data" / "lessonloop.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "LESSONLOOP_", "OPENCODE_"))}
    env.update(HOME=str(home), LESSONLOOP_DB=str(db), LESSONLOOP_HOOK_FOREGROUND="1")
    yield {"home": home, "project": project, "env": env, "db": db}
    stop_installed(env)  # the hooks as installed start the hook server: none left behind


def lessonloop(machine: dict[str, Any], *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", *args],
        cwd=machine["project"],
        env=machine["env"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout) if "--json" in args else done.stdout


def tree(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder)) + ("/" if p.is_dir() else "") for p in folder.rglob("*") if ".git" not in p.parts
    )


def plugin_config(path: Path) -> dict[str, Any]:
    found = re.search(r"^const CONFIG = (.*)$", path.read_text(encoding="utf-8"), re.M)
    assert found is not None
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def test_project_install_writes_the_plugin_and_what_spares_the_npm_install(machine: dict[str, Any]) -> None:
    project = machine["project"]
    result = lessonloop(machine, "hooks", "install", "--agent", "opencode", "--block", "--json")
    plugin = project / ".opencode" / "plugin" / "lessonloop.js"
    assert result["file"] == str(plugin) and result["scope"] == "project" and result["changed"] is True
    assert result["events"] == list(INSTALLED["opencode"])
    assert tree(project) == [
        ".opencode/",
        ".opencode/node_modules/",
        ".opencode/package-lock.json",
        ".opencode/plugin/",
        ".opencode/plugin/lessonloop.js",
    ]
    assert list(machine["home"].iterdir()) == []
    lock = json.loads((project / ".opencode" / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == {"@opencode-ai/plugin": "1.18.33"}
    notes = " ".join(result["notes"])
    assert "npm" in notes and "node_modules/ and package-lock.json" in notes and "out of git" in notes
    config = plugin_config(plugin)
    for event in INSTALLED["opencode"]:  # the command every agent's hooks run, --agent=opencode EVENT
        options = ("--block",) if HOOK_EVENTS["opencode"][event] == "PreToolUse" else ()
        timeout = 60 if event == "session.idle" else 10
        assert config["hooks"][event] == [
            {"command": hook_command(event, options, agent="opencode"), "timeout": timeout}
        ]
    assert config["created"] == {"folders": 2, "lock": True, "node_modules": True}
    if NODE:
        assert subprocess.run([NODE, "--check", str(plugin)], capture_output=True, check=False).returncode == 0
    # the command written answers --check
    line = config["hooks"]["chat.message"][0]["command"]
    checked = subprocess.run([*shlex.split(line), "--check"], env=machine["env"], capture_output=True, text=True)
    assert json.loads(checked.stdout)["db"] == str(machine["db"])

    installed = plugin.read_bytes()
    again = lessonloop(machine, "hooks", "install", "--agent", "opencode", "--block", "--json")
    assert again["changed"] is False and plugin.read_bytes() == installed
    status = lessonloop(machine, "hooks", "status", "--agent", "opencode", "--json")
    scopes = {s["scope"]: s for s in status["agents"][0]["scopes"]}
    mine = scopes["project"]
    assert [h["event"] for h in mine["events"]] == list(INSTALLED["opencode"])
    assert all(h["agent"] == "opencode" and h["python"] == sys.executable and h["python_ok"] for h in mine["events"])
    assert [h["options"] for h in mine["events"]] == [[], [], ["--block"], [], []]
    assert mine["agent_runs_them"]["why"] == [] and scopes["user"]["exists"] is False

    gone = lessonloop(machine, "hooks", "uninstall", "--agent", "opencode", "--json")
    assert gone["restored"] is True and gone["changed"] is True
    assert tree(project) == []


def test_user_scope_and_uninstall_removes_only_what_install_made(machine: dict[str, Any]) -> None:
    home = machine["home"]
    result = lessonloop(machine, "hooks", "install", "--agent", "opencode", "--scope", "user", "--json")
    plugin = home / ".config" / "opencode" / "plugin" / "lessonloop.js"
    assert result["file"] == str(plugin) and plugin.is_file()
    assert (home / ".config" / "opencode" / "node_modules").is_dir()
    assert not (machine["project"] / ".opencode").exists()
    status = lessonloop(machine, "hooks", "status", "--agent", "opencode", "--json")
    user = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "user")
    assert [h["event"] for h in user["events"]] == list(INSTALLED["opencode"])
    lessonloop(machine, "hooks", "uninstall", "--agent", "opencode", "--scope", "user")
    assert list(home.iterdir()) == []  # the plugin, the lock, node_modules/ and every folder made for them

    # $XDG_CONFIG_HOME moves it; what was there before install stays after uninstall
    config = home / "xdg"
    opencode_dir = config / "opencode"
    (opencode_dir / "node_modules" / "some-package").mkdir(parents=True)
    lock = b'{"lockfileVersion": 3, "packages": {"": {"dependencies": {"@opencode-ai/plugin": "1.18.33", "x": "1"}}}}'
    (opencode_dir / "package-lock.json").write_bytes(lock)
    (opencode_dir / "opencode.json").write_text("{}")
    before = tree(config)
    machine["env"]["XDG_CONFIG_HOME"] = str(config)
    result = lessonloop(machine, "hooks", "install", "--agent", "opencode", "--scope", "user", "--json")
    assert result["file"] == str(opencode_dir / "plugin" / "lessonloop.js")
    assert not any("npm" in note for note in result["notes"])  # nothing needed: OpenCode's own are there
    assert plugin_config(opencode_dir / "plugin" / "lessonloop.js")["created"] == {"folders": 1}
    lessonloop(machine, "hooks", "uninstall", "--agent", "opencode", "--scope", "user")
    assert tree(config) == before and (opencode_dir / "package-lock.json").read_bytes() == lock


def test_a_lock_that_does_not_list_the_package_is_left_and_said(machine: dict[str, Any]) -> None:
    folder = machine["project"] / ".opencode"
    folder.mkdir()
    (folder / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": {"": {}}}')
    (folder / "node_modules").mkdir()
    result = lessonloop(machine, "hooks", "install", "--agent", "opencode", "--json")
    assert any("does not list @opencode-ai/plugin" in note for note in result["notes"])
    status = lessonloop(machine, "hooks", "status", "--agent", "opencode", "--json")
    mine = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "project")
    assert any("npm" in why for why in mine["agent_runs_them"]["why"])
    lessonloop(machine, "hooks", "uninstall", "--agent", "opencode")
    assert tree(machine["project"]) == [".opencode/", ".opencode/node_modules/", ".opencode/package-lock.json"]


def test_dry_run_writes_nothing_and_shows_every_file(machine: dict[str, Any]) -> None:
    text = lessonloop(machine, "hooks", "install", "--agent", "opencode", "--dry-run")
    assert "+++ " + str(machine["project"] / ".opencode" / "plugin" / "lessonloop.js") in text
    assert "+++ " + str(machine["project"] / ".opencode" / "package-lock.json") in text
    assert "# creates the folder " + str(machine["project"] / ".opencode" / "node_modules") in text
    assert "(dry run: nothing was written)" in text and tree(machine["project"]) == []


def test_a_plugin_file_that_is_not_lessonloops_is_left_alone(machine: dict[str, Any]) -> None:
    plugin = machine["project"] / ".opencode" / "plugin" / "lessonloop.js"
    plugin.parent.mkdir(parents=True)
    plugin.write_text("export const Mine = async () => ({})\n")
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "hooks", "install", "--agent", "opencode"],
        cwd=machine["project"],
        env=machine["env"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0 and "not lessonloop's OpenCode plugin" in done.stderr
    assert plugin.read_text() == "export const Mine = async () => ({})\n"
    assert tree(machine["project"]) == [".opencode/", ".opencode/plugin/", ".opencode/plugin/lessonloop.js"]


# --- the plugin under node --------------------------------------------------------------------------------


def opencode_steps(project: Path, session: str) -> list[dict[str, Any]]:
    """What OpenCode hands the plugin's hooks for one prompt (the recorded calls, untrimmed)."""
    chat = recorded("chat.message", project, session)
    part = {**chat["output"]["parts"][0], "messageID": chat["output"]["message"]["id"], "sessionID": session}
    part.pop("synthetic")
    message = {**chat["output"]["message"], "role": "user", "agent": "build"}
    before = recorded("tool.execute.before", project, session)
    after = recorded("tool.execute.after.failed", project, session)
    after["output"]["metadata"]["output"] = after["output"]["output"]
    idle = recorded("session.idle", project, session)
    return [
        {"hook": "chat.message", "input": chat["input"], "output": {"message": message, "parts": [part]}},
        {"hook": "tool.execute.before", "input": before["input"], "output": before["output"]},
        {"hook": "tool.execute.after", "input": after["input"], "output": after["output"]},
        {"hook": "event", "output": {"id": "evt_1", **idle["output"]}},
    ]


def drive(plugin: Path, project: Path, steps: list[dict[str, Any]], env: dict[str, str], tmp: Path) -> list[Any]:
    assert NODE is not None
    module = tmp / "lessonloop.mjs"  # an ES module whatever package.json says
    module.write_bytes(plugin.read_bytes())
    script = tmp / "steps.json"
    script.write_text(json.dumps({"directory": str(project), "worktree": str(project), "steps": steps}))
    done = subprocess.run(
        [NODE, str(DRIVER), str(module), str(script)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    results: list[Any] = json.loads(done.stdout)
    return results


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("block", [True, False])
def test_the_plugin_runs_the_real_entry_and_does_what_opencode_needs(
    machine: dict[str, Any], tmp_path: Path, block: bool
) -> None:
    project = machine["project"]
    certain_push_lesson(project, machine["db"])
    lessonloop(machine, "hooks", "install", "--agent", "opencode", "--block" if block else "--warn-only")
    plugin = project / ".opencode" / "plugin" / "lessonloop.js"
    steps = opencode_steps(project, "ses_node")
    results = drive(plugin, project, steps, machine["env"], tmp_path)
    assert len(results) == 4 and {r["plugin"] for r in results} == {"LessonLoop"}
    chat, before, after, idle = results
    # chat.message: the lessons as a synthetic text part of the person's message
    assert chat["threw"] is None
    first, extra = chat["output"]["parts"]
    assert first["text"] == "push my branch\n" and extra["synthetic"] is True and ADVICE in extra["text"]
    assert extra["id"] == first["id"] + "1" and extra["messageID"] == first["messageID"]
    if block:  # a deny: the hook throws the reason, which the model reads as the call's result
        assert before["threw"] is not None and ADVICE in before["threw"]
    else:  # a warning: nothing thrown, given with the call's result
        assert before["threw"] is None
        assert after["output"]["output"].startswith("fatal: The current branch")
        assert AFTER_THE_CALL in after["output"]["output"] and ADVICE in after["output"]["output"]
        assert after["output"]["metadata"]["output"] == steps[2]["output"]["output"]  # the raw copy untouched
    assert after["threw"] is None and idle["threw"] is None
    with sqlite3.connect(machine["db"]) as conn:
        decisions = conn.execute("SELECT event, action FROM hook_decisions WHERE session_id = 'ses_node'").fetchall()
        stopped = conn.execute("SELECT count(*) FROM hook_sessions WHERE session_id = 'ses_node'").fetchone()[0]
    assert decisions == [("SessionStart", "inject"), ("PreToolUse", "block" if block else "warn")]
    assert stopped == 1
    assert not (machine["db"].parent / "hook-failures.log").exists()


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_plugin_fails_open(machine: dict[str, Any], tmp_path: Path) -> None:
    """A command that fails, hangs past its time limit, answers what is not JSON or JSON that is not an
    object: no hook throws, nothing changes; a deny is the one thing thrown."""
    project = machine["project"]
    source = install.source()
    commands = {
        "session.start": ("exit 3", 10),
        "chat.message": ("echo 'not json'", 10),
        "tool.execute.before": ('sleep 5; echo \'{"deny": "late"}\'', 1),
        "tool.execute.after": ("echo '[\"context\"]'", 10),
        "session.idle": ("cat >/dev/null; echo '{\"context\": 7}'", 10),
    }
    hooks = {e: [{"command": c, "timeout": t}] for e, (c, t) in commands.items()}
    config = {"version": 1, "hooks": hooks}
    plugin = tmp_path / "plugin.js"
    plugin.write_text(source.replace(install.PLACEHOLDER, json.dumps(config)))
    steps = opencode_steps(project, "ses_open")
    results = drive(plugin, project, steps, machine["env"], tmp_path)
    assert [r["threw"] for r in results] == [None, None, None, None]
    assert [r["output"] for r in results] == [s["output"] for s in steps]
    assert results[1]["ms"] < 4000  # the time limit stopped the command
    # the one deliberate throw
    hooks["tool.execute.before"] = [{"command": 'cat >/dev/null; echo \'{"deny": "use -u"}\'', "timeout": 10}]
    plugin.write_text(source.replace(install.PLACEHOLDER, json.dumps(config)))
    results = drive(plugin, project, steps, machine["env"], tmp_path)
    assert [r["threw"] for r in results] == [None, "use -u", None, None]
