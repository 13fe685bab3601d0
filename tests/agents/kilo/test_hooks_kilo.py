"""Kilo Code's hooks: lessonloop's OpenCode plugin in Kilo's folders (`hooks install --agent kilo`),
installed, checked and removed in a temporary HOME and project; the adapter (agents/kilo/hooks.py)
turning what the plugin sends (tests/agents/kilo/data/hook_payloads/: recorded from Kilo Code CLI 7.7.7
running the plugin against the harness's model server) into Claude Code's payloads, a turn's end
naming Kilo's kilo.db for ingest; the entry run as the plugin runs it, failing open on a corrupt
store; and the plugin under node with Kilo's recorded hook calls. What Kilo does with each answer:
docs/agents/kilo.md."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.kilo import hooks as kilo
from lessonloop.agents.kilo import install
from lessonloop.apply.hooks.command import hook_command
from lessonloop.apply.hooks.install import plan
from lessonloop.apply.hooks.install.plugin_file import PLACEHOLDER, render, source
from lessonloop.apply.hooks.kit.answers import AFTER_THE_CALL
from lessonloop.core.agent_specs import hook_agents, hook_events, installed_events
from lessonloop.hook_server import stop_installed
from tests.agent_hooks import run_agent_hook
from tests.agents.cursor.test_hooks_cursor import certain_push_lesson
from tests.agents.opencode.test_hooks_opencode import NODE, drive, plugin_config, tree
from tests.hook_helpers import HookRun, hook_env

AGENTS = hook_agents()
HOOK_EVENTS = hook_events()
INSTALLED = installed_events()

PAYLOADS = Path(__file__).parent / "data" / "hook_payloads"
RECORDED_FOLDER = "/home/dev/project"
RECORDED_SESSION = "ses_ddcdc57bfffeM06LmNZUmqJ6bI"
ADVICE = "git push -u origin"  # certain_push_lesson's prevention
# A real kilo.db (Kilo Code 7.7.9, tests/agents/kilo/test_kilo_adapter.py): one session, a failed push
KILO_DB = Path(__file__).parent / "data" / "kilo_7_7_9" / "home" / ".local" / "share" / "kilo" / "kilo.db"


def recorded(name: str, project: Path | None = None, session: str | None = None) -> dict[str, Any]:
    """What the plugin sent for `name` (its file in PAYLOADS), in `project`, for `session`."""
    text = (PAYLOADS / f"{name}.json").read_text(encoding="utf-8")
    if project is not None:
        text = text.replace(RECORDED_FOLDER, str(project))
    if session is not None:
        text = text.replace(RECORDED_SESSION, session)
    data: dict[str, Any] = json.loads(text)
    return data


def run_kilo(event: str, payload: dict[str, Any], db: Path, *options: str, **env: str) -> HookRun:
    """The hook as the plugin runs it: the installed command, one process, the payload on stdin."""
    return run_agent_hook("kilo", event, payload, hook_env(db, **env), *options)


# --- the adapter ------------------------------------------------------------------------------------


def test_registered_with_opencodes_events() -> None:
    assert "kilo" in AGENTS and set(INSTALLED["kilo"]) == set(HOOK_EVENTS["kilo"])
    assert HOOK_EVENTS["kilo"] == HOOK_EVENTS["opencode"]  # the same plugin calls the same events
    assert plan.spec("kilo").label == "Kilo Code" and plan.spec("kilo").executables == ("kilo", "kilocode")
    for event in INSTALLED["kilo"]:
        assert f'"{event}"' in source(), event


def test_recorded_payloads_become_claude_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    start = kilo.payload("session.start", recorded("session.start"))
    assert start == {
        "session_id": RECORDED_SESSION,
        "cwd": RECORDED_FOLDER,
        "transcript_path": None,
        "hook_event_name": "SessionStart",
        "source": "startup",
    }
    prompt = kilo.payload("chat.message", recorded("chat.message"))
    assert prompt is not None and prompt["hook_event_name"] == "UserPromptSubmit"
    assert prompt["prompt"] == "push my branch\n" and prompt["session_id"] == RECORDED_SESSION
    before = kilo.payload("tool.execute.before", recorded("tool.execute.before"))
    assert before == {
        "session_id": RECORDED_SESSION,
        "cwd": RECORDED_FOLDER,
        "transcript_path": None,
        "tool_name": "Bash",
        "tool_input": {"command": "git push"},
        "tool_use_id": "call_46a8fa08000001",
        "hook_event_name": "PreToolUse",
    }
    failed = kilo.payload("tool.execute.after", recorded("tool.execute.after.failed"))
    assert failed is not None and failed["hook_event_name"] == "PostToolUseFailure"
    assert failed["tool_use_id"] == "call_46a8fa08000001" and failed["tool_input"] == {"command": "git push"}
    assert str(failed["error"]).startswith("Exit code 128\nfatal: The current branch feat has no upstream branch.")
    done = kilo.payload("tool.execute.after", recorded("tool.execute.after"))
    assert done is not None and done["hook_event_name"] == "PostToolUse"
    assert done["tool_input"] == {"command": "git push --set-upstream origin feat"}
    assert done["tool_response"] == {"stdout": recorded("tool.execute.after")["output"]["output"], "stderr": ""}
    # Kilo's own tools keep their names and arguments, as MCP tools do
    own = {"input": {"tool": "kilo_local_recall", "sessionID": "s", "callID": "c"}, "output": {"args": {"q": "x"}}}
    assert kilo.payload("tool.execute.before", own) == {
        "session_id": "s",
        "cwd": None,
        "transcript_path": None,
        "tool_name": "kilo_local_recall",
        "tool_input": {"q": "x"},
        "tool_use_id": "c",
        "hook_event_name": "PreToolUse",
    }
    assert kilo.payload("chat.message", {"input": {}, "output": {}}) is None


def test_a_turns_end_names_kilo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """session.idle's transcript is Kilo's database: kilo.db in $XDG_DATA_HOME/kilo, or the file $KILO_DB
    names (absolute, or in that folder) when the ingest knows it as Kilo's (its name); never OpenCode's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("KILO_DB", raising=False)
    monkeypatch.delenv("OPENCODE_DB", raising=False)

    def transcript() -> object:
        stop = kilo.payload("session.idle", recorded("session.idle"))
        assert stop is not None and stop["hook_event_name"] == "Stop" and stop["session_id"] == RECORDED_SESSION
        return stop["transcript_path"]

    assert transcript() is None  # Kilo has not run here: nothing to ingest
    (tmp_path / "opencode").mkdir()
    (tmp_path / "opencode" / "opencode.db").write_bytes(b"")
    assert transcript() is None  # OpenCode's database is not Kilo's
    db = tmp_path / "kilo" / "kilo.db"
    db.parent.mkdir()
    db.write_bytes(b"")
    assert transcript() == str(db)
    (tmp_path / "kilo" / "work").mkdir()
    (tmp_path / "kilo" / "work" / "kilo.db").write_bytes(b"")
    monkeypatch.setenv("KILO_DB", "work/kilo.db")  # relative to the data folder, as Kilo reads it
    assert transcript() == str(tmp_path / "kilo" / "work" / "kilo.db")
    elsewhere = tmp_path / "elsewhere" / "kilo.db"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"")
    monkeypatch.setenv("KILO_DB", str(elsewhere))
    assert transcript() == str(elsewhere)
    (tmp_path / "other.db").write_bytes(b"")
    monkeypatch.setenv("KILO_DB", str(tmp_path / "other.db"))
    assert transcript() is None  # the ingest would take it for OpenCode's: left to `lessonloop ingest`
    monkeypatch.setenv("KILO_DB", ":memory:")
    assert transcript() == str(db)


def test_answers_are_opencodes() -> None:
    said: dict[str, object] = {
        "hookSpecificOutput": {"hookEventName": "UserPromptSubmit", "additionalContext": "lessons"}
    }
    assert kilo.answer("chat.message", said) == ('{"context": "lessons"}', 0)
    assert kilo.answer("session.idle", said) == (None, 0)
    deny: dict[str, object] = {"hookSpecificOutput": {"permissionDecision": "deny", "permissionDecisionReason": "no"}}
    assert kilo.answer("tool.execute.before", deny) == ('{"deny": "no"}', 0)


# --- the entry, run as the plugin runs it --------------------------------------------------------------


@pytest.mark.parametrize(("option", "denied"), [("--block", True), (None, True), ("--warn-only", False)])
def test_a_certain_lesson_denies_else_reaches_the_model_after_the_call(
    repo: Path, tmp_path: Path, option: str | None, denied: bool
) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    certain_push_lesson(repo, db)
    options = [option] if option else []
    pre = run_kilo("tool.execute.before", recorded("tool.execute.before", repo, "ses-1"), db, *options)
    assert pre.returncode == 0, pre.stderr
    after = run_kilo("tool.execute.after", recorded("tool.execute.after.failed", repo, "ses-1"), db)
    assert after.returncode == 0, after.stderr
    if denied:
        answer = json.loads(pre.stdout)
        assert set(answer) == {"deny"} and ADVICE in answer["deny"]
    else:
        assert pre.stdout == ""  # a warning: kept for the call's result
        context = json.loads(after.stdout)["context"]
        assert context.startswith(AFTER_THE_CALL) and ADVICE in context
    with sqlite3.connect(db) as conn:
        calls = conn.execute("SELECT tool, ok, command FROM live_calls WHERE session_id = 'ses-1'").fetchall()
    assert calls == [("Bash", 0, "git push")]  # exit 128: stored as the failure it is
    assert not (db.parent / "hook-failures.log").exists()


def test_a_corrupt_store_fails_open(repo: Path, tmp_path: Path) -> None:
    """Every event on a store that is not SQLite: exit 0, nothing said, the failure logged."""
    db = tmp_path / "store" / "lessonloop.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a SQLite database" * 100)
    for name, event in [
        ("session.start", "session.start"),
        ("chat.message", "chat.message"),
        ("tool.execute.before", "tool.execute.before"),
        ("tool.execute.after.failed", "tool.execute.after"),
        ("session.idle", "session.idle"),
    ]:
        ran = run_kilo(event, recorded(name, repo, "ses-bad"), db, "--block", XDG_DATA_HOME=str(tmp_path / "data"))
        assert (ran.returncode, ran.stdout.strip()) == (0, ""), (event, ran.stdout, ran.stderr)
    log = db.parent / "hook-failures.log"
    assert log.is_file() and log.read_text().strip()


def test_session_start_gives_the_lessons_and_idle_stores_kilos_sessions(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    certain_push_lesson(repo, db)
    start = run_kilo("session.start", recorded("session.start", repo, "ses-3"), db)
    assert start.returncode == 0, start.stderr
    assert ADVICE in json.loads(start.stdout)["context"]
    # a turn's end: Kilo's database queued, and ingested (the hook waits for its worker in the tests)
    data = tmp_path / "xdg-data"
    (data / "kilo").mkdir(parents=True)
    shutil.copy(KILO_DB, data / "kilo" / "kilo.db")
    idle = run_kilo("session.idle", recorded("session.idle", repo, "ses-3"), db, XDG_DATA_HOME=str(data))
    assert (idle.returncode, idle.stdout) == (0, "")
    assert not (db.parent / "hook-failures.log").exists()
    with sqlite3.connect(db) as conn:
        ended = conn.execute("SELECT count(*) FROM hook_sessions WHERE session_id = 'ses-3'").fetchone()[0]
        stored = conn.execute("SELECT agent, cwd FROM sessions").fetchall()
        formats = conn.execute("SELECT format FROM source_files").fetchall()
    assert ended == 1
    assert stored == [("kilo", "/tmp/agents64r1/kilo/shop")] and formats == [("kilo-db",)]


# --- install, status, uninstall ------------------------------------------------------------------------


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[dict[str, Any]]:
    home = tmp_path / "home"
    home.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    db = tmp_path / "data" / "lessonloop.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "LESSONLOOP_", "KILO_", "OPENCODE_"))}
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


def project_scope(machine: dict[str, Any]) -> dict[str, Any]:
    status = lessonloop(machine, "hooks", "status", "--agent", "kilo", "--json")
    found: dict[str, Any] = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "project")
    return found


def test_project_install_writes_the_plugin_in_dot_kilo_and_uninstall_gives_every_byte_back(
    machine: dict[str, Any],
) -> None:
    project = machine["project"]
    result = lessonloop(machine, "hooks", "install", "--agent", "kilo", "--block", "--json")
    plugin = project / ".kilo" / "plugin" / "lessonloop.js"
    assert result["file"] == str(plugin) and result["scope"] == "project" and result["changed"] is True
    assert result["agent"] == "kilo" and result["events"] == list(INSTALLED["kilo"])
    assert tree(project) == [
        ".kilo/",
        ".kilo/node_modules/",
        ".kilo/package-lock.json",
        ".kilo/plugin/",
        ".kilo/plugin/lessonloop.js",
    ]
    assert list(machine["home"].iterdir()) == []
    lock = json.loads((project / ".kilo" / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == {"@kilocode/plugin": "7.7.7"}  # what Kilo 7.7.7 asks npm for
    notes = " ".join(result["notes"])
    assert "Kilo Code installs @kilocode/plugin with npm" in notes and "about 73 s" in notes
    assert "out of git" in notes and "--agent kilo" in notes
    config = plugin_config(plugin)
    for event in INSTALLED["kilo"]:  # the command every agent's hooks run, --agent=kilo EVENT
        options = ("--block",) if HOOK_EVENTS["kilo"][event] == "PreToolUse" else ()
        timeout = 60 if event == "session.idle" else 10
        assert config["hooks"][event] == [{"command": hook_command(event, options, agent="kilo"), "timeout": timeout}]
        assert "--agent=kilo" in config["hooks"][event][0]["command"]
    assert config["created"] == {"folders": 2, "lock": True, "node_modules": True}
    line = config["hooks"]["tool.execute.before"][0]["command"]
    checked = subprocess.run([*shlex.split(line), "--check"], env=machine["env"], capture_output=True, text=True)
    assert json.loads(checked.stdout)["db"] == str(machine["db"])

    installed = plugin.read_bytes()
    again = lessonloop(machine, "hooks", "install", "--agent", "kilo", "--block", "--json")
    assert again["changed"] is False and plugin.read_bytes() == installed
    mine = project_scope(machine)
    assert [h["event"] for h in mine["events"]] == list(INSTALLED["kilo"])
    assert all(h["agent"] == "kilo" and h["python"] == sys.executable and h["python_ok"] for h in mine["events"])
    assert [h["options"] for h in mine["events"]] == [[], [], ["--block"], [], []]
    assert mine["agent_runs_them"] == {"will_run": True, "why": [], "hooks": []}
    assert not (project / ".opencode").exists()  # Kilo reads no .opencode/

    # Kilo's first start writes its own .gitignore in the folder: it stays, with the folder
    (project / ".kilo" / ".gitignore").write_text("node_modules\npackage.json\npackage-lock.json\n")
    gone = lessonloop(machine, "hooks", "uninstall", "--agent", "kilo", "--json")
    assert gone["restored"] is True and gone["changed"] is True
    assert tree(project) == [".kilo/", ".kilo/.gitignore"]
    (project / ".kilo" / ".gitignore").unlink()
    lessonloop(machine, "hooks", "install", "--agent", "kilo")  # .kilo/ was there before it: it stays
    lessonloop(machine, "hooks", "uninstall", "--agent", "kilo")
    assert tree(project) == [".kilo/"]


def test_user_scope_goes_to_xdg_config_kilo_and_what_was_there_stays(machine: dict[str, Any]) -> None:
    home = machine["home"]
    result = lessonloop(machine, "hooks", "install", "--agent", "kilo", "--scope", "user", "--json")
    plugin = home / ".config" / "kilo" / "plugin" / "lessonloop.js"
    assert result["file"] == str(plugin) and plugin.is_file()
    assert (home / ".config" / "kilo" / "node_modules").is_dir() and not (machine["project"] / ".kilo").exists()
    status = lessonloop(machine, "hooks", "status", "--agent", "kilo", "--json")
    user = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "user")
    assert [h["event"] for h in user["events"]] == list(INSTALLED["kilo"])
    lessonloop(machine, "hooks", "uninstall", "--agent", "kilo", "--scope", "user")
    assert list(home.iterdir()) == []  # the plugin, the lock, node_modules/ and every folder made for them

    # $XDG_CONFIG_HOME moves it; Kilo's own config, lock and packages stay as they were
    config = home / "xdg"
    kilo_dir = config / "kilo"
    (kilo_dir / "node_modules" / "@kilocode" / "plugin").mkdir(parents=True)
    lock = b'{"lockfileVersion": 3, "packages": {"": {"dependencies": {"@kilocode/plugin": "7.7.7"}}}}'
    (kilo_dir / "package-lock.json").write_bytes(lock)
    (kilo_dir / "kilo.json").write_text('{"$schema": "https://app.kilo.ai/config.json"}')
    before = tree(config)
    machine["env"]["XDG_CONFIG_HOME"] = str(config)
    result = lessonloop(machine, "hooks", "install", "--agent", "kilo", "--scope", "user", "--json")
    assert result["file"] == str(kilo_dir / "plugin" / "lessonloop.js")
    assert not any("npm" in note for note in result["notes"])  # nothing needed: Kilo's own are there
    assert plugin_config(kilo_dir / "plugin" / "lessonloop.js")["created"] == {"folders": 1}
    lessonloop(machine, "hooks", "uninstall", "--agent", "kilo", "--scope", "user")
    assert tree(config) == before and (kilo_dir / "package-lock.json").read_bytes() == lock


def test_what_keeps_kilo_from_loading_the_plugin_is_said(machine: dict[str, Any]) -> None:
    """An OpenCode lock (OpenCode's package, not Kilo's) makes Kilo run npm; KILO_PURE loads no plugin,
    KILO_DISABLE_PROJECT_CONFIG no project folder: install and status say each."""
    folder = machine["project"] / ".kilo"
    folder.mkdir()
    (folder / "package-lock.json").write_text(
        '{"lockfileVersion": 3, "packages": {"": {"dependencies": {"@opencode-ai/plugin": "1.18.33"}}}}'
    )
    (folder / "node_modules").mkdir()
    result = lessonloop(machine, "hooks", "install", "--agent", "kilo", "--json")
    assert any("does not list @kilocode/plugin" in note for note in result["notes"])
    said = project_scope(machine)["agent_runs_them"]
    assert said["will_run"] is True and "Kilo Code will run npm at start" in said["why"][0]
    machine["env"]["KILO_PURE"] = "1"
    said = project_scope(machine)["agent_runs_them"]
    assert said["will_run"] is False and any("KILO_PURE is set" in why for why in said["why"])
    del machine["env"]["KILO_PURE"]
    machine["env"]["KILO_DISABLE_PROJECT_CONFIG"] = "1"
    said = project_scope(machine)["agent_runs_them"]
    assert said["will_run"] is False and any("KILO_DISABLE_PROJECT_CONFIG is set" in why for why in said["why"])
    lessonloop(machine, "hooks", "uninstall", "--agent", "kilo")
    assert tree(machine["project"]) == [".kilo/", ".kilo/node_modules/", ".kilo/package-lock.json"]


def test_a_plugin_kilo_also_loads_is_not_installed_twice(machine: dict[str, Any]) -> None:
    """lessonloop's plugin in the older `.kilocode/` folder (Kilo loads it too): install leaves `.kilo/`
    alone and says where it is; another tool's file of that name is none of its business."""
    project = machine["project"]
    lessonloop(machine, "hooks", "install", "--agent", "kilo")
    old = project / ".kilocode" / "plugins" / "lessonloop.js"
    old.parent.mkdir(parents=True)
    shutil.move(project / ".kilo" / "plugin" / "lessonloop.js", old)
    shutil.rmtree(project / ".kilo")
    result = lessonloop(machine, "hooks", "install", "--agent", "kilo", "--json")
    assert result["changed"] is False and any(str(old) in note for note in result["notes"])
    assert not (project / ".kilo").exists()
    old.write_text("export const Mine = async () => ({})\n")
    result = lessonloop(machine, "hooks", "install", "--agent", "kilo", "--json")
    assert result["changed"] is True and (project / ".kilo" / "plugin" / "lessonloop.js").is_file()


def test_a_plugin_file_that_is_not_lessonloops_is_left_alone(machine: dict[str, Any]) -> None:
    plugin = machine["project"] / ".kilo" / "plugin" / "lessonloop.js"
    plugin.parent.mkdir(parents=True)
    plugin.write_text("export const Mine = async () => ({})\n")
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "hooks", "install", "--agent", "kilo"],
        cwd=machine["project"],
        env=machine["env"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0 and "not lessonloop's Kilo Code plugin" in done.stderr
    assert plugin.read_text() == "export const Mine = async () => ({})\n"


def test_found_by_its_data_folder_or_its_command(machine: dict[str, Any], tmp_path: Path) -> None:
    """Without --agent: Kilo is found by its data folder (where its kilo.db goes) or `kilo` on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    git = shutil.which("git")
    assert git, "the tests need git"
    (bin_dir / "git").symlink_to(git)
    machine["env"]["PATH"] = str(bin_dir)  # no other agent's command
    (machine["home"] / ".local" / "share" / "kilo").mkdir(parents=True)
    data = lessonloop(machine, "hooks", "install", "--json")
    assert [(f["agent"], f["how"]) for f in data["found"]] == [
        ("kilo", f"{machine['home'] / '.local' / 'share' / 'kilo'} exists")
    ]
    assert (machine["project"] / ".kilo" / "plugin" / "lessonloop.js").is_file()
    gone = lessonloop(machine, "hooks", "uninstall", "--json")
    assert [c["agent"] for c in gone["changes"]] == ["kilo"] and not (machine["project"] / ".kilo").exists()
    shutil.rmtree(machine["home"] / ".local")
    kilo_command = bin_dir / "kilo"
    kilo_command.write_text("#!/bin/sh\nexit 0\n")
    kilo_command.chmod(0o755)
    data = lessonloop(machine, "hooks", "install", "--json")
    assert [(f["agent"], f["how"]) for f in data["found"]] == [("kilo", f"`kilo` is on PATH ({kilo_command})")]
    lessonloop(machine, "hooks", "uninstall")


# --- the plugin under node, with Kilo's hook calls ---------------------------------------------------------


def kilo_steps(project: Path, session: str) -> list[dict[str, Any]]:
    """What Kilo hands the plugin's hooks for one prompt (the recorded calls, untrimmed)."""
    chat = recorded("chat.message", project, session)
    part = {**chat["output"]["parts"][0], "messageID": chat["output"]["message"]["id"], "sessionID": session}
    part.pop("synthetic")
    message = {**chat["output"]["message"], "role": "user", "agent": "code"}
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


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_installed_plugin_runs_the_real_entry_as_kilo_calls_it(machine: dict[str, Any], tmp_path: Path) -> None:
    project = machine["project"]
    certain_push_lesson(project, machine["db"])
    lessonloop(machine, "hooks", "install", "--agent", "kilo")
    plugin = project / ".kilo" / "plugin" / "lessonloop.js"
    results = drive(plugin, project, kilo_steps(project, "ses_node"), machine["env"], tmp_path)
    chat, before, after, idle = results
    first, extra = chat["output"]["parts"]
    assert first["text"] == "push my branch\n" and extra["synthetic"] is True and ADVICE in extra["text"]
    assert before["threw"] is not None and ADVICE in before["threw"]  # stopped once: Kilo reads the reason
    assert after["threw"] is None and idle["threw"] is None
    with sqlite3.connect(machine["db"]) as conn:
        decisions = conn.execute("SELECT event, action FROM hook_decisions WHERE session_id = 'ses_node'").fetchall()
        stopped = conn.execute("SELECT count(*) FROM hook_sessions WHERE session_id = 'ses_node'").fetchone()[0]
    assert decisions == [("SessionStart", "inject"), ("PreToolUse", "stop")] and stopped == 1
    assert not (machine["db"].parent / "hook-failures.log").exists()


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_plugin_with_a_command_that_fails_changes_nothing(machine: dict[str, Any], tmp_path: Path) -> None:
    project = machine["project"]
    hooks = {event: [{"command": "cat >/dev/null; exit 3", "timeout": 10}] for event in INSTALLED["kilo"]}
    plugin = tmp_path / "plugin.js"
    plugin.write_bytes(render({"version": 1, "hooks": hooks}))
    assert PLACEHOLDER not in plugin.read_text() and install.parse(plugin.read_bytes(), str(plugin))["hooks"] == hooks
    steps = kilo_steps(project, "ses_open")
    results = drive(plugin, project, steps, machine["env"], tmp_path)
    assert [r["threw"] for r in results] == [None, None, None, None]
    assert [r["output"] for r in results] == [s["output"] for s in steps]
