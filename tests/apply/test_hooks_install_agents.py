"""`lessonloop hooks install|uninstall|status --agent A` for every agent, as a person runs them: a
real git project in a temporary folder, an empty HOME, the command line in a subprocess. Each
agent's own hook file in the shape its documentation gives (written out here, independently of
the code that writes it), the commands it names answering `--check`, a second install changing
nothing, uninstall giving back every byte, the agents found on this machine (a folder in HOME or
a command on PATH, faked here) each named."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply.hooks.command import site_paths
from lessonloop.core.agent_specs import hook_agents, hook_events, installed_events

AGENTS = hook_agents()
HOOK_EVENTS = hook_events()
INSTALLED = installed_events()


RUN = "from lessonloop.apply.hooks.client import run; run()"
TOOL_HANDLERS = {"PreToolUse", "PostToolUse", "PostToolUseFailure"}
LONG_HANDLERS = {"Stop", "SessionEnd"}  # 60 s; the others 10 s

# The file each agent's hooks go to, by scope: (folder: "project" or "home", path inside it).
FILES = {
    "claude": {"project": ("project", ".claude/settings.local.json"), "user": ("home", ".claude/settings.json")},
    "codex": {"project": ("project", ".codex/hooks.json"), "user": ("home", ".codex/hooks.json")},
    "gemini": {"project": ("project", ".gemini/settings.json"), "user": ("home", ".gemini/settings.json")},
    "cursor": {"project": ("project", ".cursor/hooks.json"), "user": ("home", ".cursor/hooks.json")},
    "copilot": {
        "project": ("project", ".github/hooks/lessonloop.json"),
        "user": ("home", ".copilot/hooks/lessonloop.json"),
    },
    "qwen": {"project": ("project", ".qwen/settings.json"), "user": ("home", ".qwen/settings.json")},
    "droid": {"project": ("project", ".factory/settings.json"), "user": ("home", ".factory/settings.json")},
    "kimi": {"user": ("home", ".kimi-code/config.toml")},  # TOML, the user's only: test_kimi_* below
    "vibe": {"project": ("project", ".vibe/hooks.toml"), "user": ("home", ".vibe/hooks.toml")},  # TOML: test_vibe_*
    "opencode": {  # a JavaScript plugin of lessonloop's own: tests/agents/opencode/test_hooks_opencode.py reads it
        "project": ("project", ".opencode/plugin/lessonloop.js"),
        "user": ("home", ".config/opencode/plugin/lessonloop.js"),
    },
    "kilo": {  # the same plugin in Kilo Code's folders: tests/agents/kilo/test_hooks_kilo.py reads it
        "project": ("project", ".kilo/plugin/lessonloop.js"),
        "user": ("home", ".config/kilo/plugin/lessonloop.js"),
    },
}
# The agents whose hook file is JSON (OpenCode's and Kilo Code's is a plugin: tests/agents/opencode/test_hooks_opencode.py,
# test_hooks_kilo.py; Kimi Code's a config.toml in HOME, Mistral Vibe's a hooks.toml: the test_kimi_* and
# test_vibe_* tests here).
JSON_AGENTS = tuple(agent for agent in AGENTS if agent not in ("opencode", "kilo", "kimi", "vibe"))
PROJECT_AGENTS = tuple(agent for agent in AGENTS if agent != "kimi")

# A file of the agent's that another tool wrote first, in an unusual style, with hooks of its own.
EXISTING = {
    "claude": (
        ".claude/settings.local.json",
        b'{\n    "permissions": {"allow": ["Bash(ls:*)"]},\n    "hooks": {\n        "PreToolUse": [\n'
        b'            {"matcher": "Bash", "hooks": [{"type": "command", "command": "other-tool check"}]}\n'
        b'        ]\n    },\n    "model": "opus"\n}',
    ),
    "codex": (
        ".codex/hooks.json",
        b'{\n    "hooks": {\n        "PreToolUse": [\n            {"matcher": "^Bash$", "hooks": '
        b'[{"type": "command", "command": "python3 /tmp/pre.py", "timeout": 5, "statusMessage": "checking"}]}\n'
        b"        ]\n    }\n}",
    ),
    "gemini": (
        ".gemini/settings.json",
        b'{\r\n\t"model": {"name": "gemini-2.5-pro"},\r\n\t"hooksConfig": {"notifications": false},\r\n'
        b'\t"hooks": {\r\n\t\t"disabled": ["secret-scanner"],\r\n\t\t"BeforeTool": [{"matcher": "write_file", '
        b'"hooks": [{"name": "secret-scanner", "type": "command", "command": "./scan.sh", "timeout": 5000}]}]\r\n'
        b"\t}\r\n}\r\n",
    ),
    "cursor": (
        ".cursor/hooks.json",
        b'{"version":1,"hooks":{"afterFileEdit":[{"command":"./format.sh"}],"stop":[{"command":"./audit.sh"}]}}',
    ),
    "qwen": (  # Qwen Code's own `$version`, and its hooks settings (`disabled`) beside the events
        ".qwen/settings.json",
        b'{\n    "$version": 4,\n    "model": {"name": "qwen3-coder-plus"},\n    "hooks": {\n        "disabled": ["audit"],\n'
        b'        "PreToolUse": [{"matcher": "write_file", "hooks": [{"name": "audit", "type": "command", '
        b'"command": "./audit.sh", "timeout": 5}]}]\n    }\n}\n',
    ),
    "droid": (  # Droid's own `hooksDisabled` beside the events, its other settings
        ".factory/settings.json",
        b'{\n  "model": "custom:Harness-0",\n  "hooks": {\n    "hooksDisabled": false,\n    "PostToolUse": [{"matcher": '
        b'"Create|Edit", "hooks": [{"type": "command", "command": "./format.sh", "timeout": 5}]}]\n  }\n}\n',
    ),
    "copilot": (
        ".github/hooks/security.json",
        b'{\n  "version": 1,\n  "hooks": {"preToolUse": [{"type": "command", "bash": "./scan.sh", "timeoutSec": 5}]}\n}\n',
    ),
}


@pytest.fixture
def machine(tmp_path: Path) -> dict[str, Any]:
    """An empty HOME, a PATH with git only, a store, and a git project: what each test runs in."""
    home = tmp_path / "home"
    home.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    git = shutil.which("git")
    assert git, "the tests need git"
    (bin_dir / "git").symlink_to(git)
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    db = tmp_path / "data" / "lessonloop.db"
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("CODEX_HOME", "COPILOT_HOME", "QWEN_HOME", "KIMI_CODE_HOME", "FACTORY_HOME_OVERRIDE", "LESSONLOOP_DB")
    }
    env.update(HOME=str(home), PATH=str(bin_dir), LESSONLOOP_DB=str(db))
    return {"home": home, "bin": bin_dir, "project": project, "env": env, "db": db}


def lessonloop(machine: dict[str, Any], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`lessonloop ARGS` as a person runs it, in the project."""
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", *args],
        cwd=cwd or machine["project"],
        env=machine["env"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ok(machine: dict[str, Any], *args: str) -> Any:
    done = lessonloop(machine, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if "--json" in args else done.stdout


def hook_file(machine: dict[str, Any], agent: str, scope: str = "project") -> Path:
    where, inside = FILES[agent].get(scope) or next(iter(FILES[agent].values()))  # Kimi Code: the user's only
    base: Path = machine["project"] if where == "project" else machine["home"]
    return base / inside


def command(agent: str, event: str) -> str:
    """The command line the agent's docs and the issue say each hook runs: without site, the
    folders it would add named (tests/apply/test_hook_command.py checks them), when this interpreter can."""
    named = "" if agent == "claude" else f" --agent={agent}"
    paths = site_paths(sys.executable)
    if paths is None:
        return f"{shlex.quote(sys.executable)} -I -c {shlex.quote(RUN)}{named} {event}"
    code = f"import sys; sys.path += {json.dumps(list(paths))}; {RUN}"
    return f"{shlex.quote(sys.executable)} -I -S -c {shlex.quote(code)}{named} {event}"


def expected_hooks(agent: str) -> dict[str, Any]:
    """Each installed event's list, in the agent's documented shape (a file with nothing else)."""
    hooks: dict[str, Any] = {}
    for event in INSTALLED[agent]:
        handler = HOOK_EVENTS[agent][event]
        seconds = 60 if handler in LONG_HANDLERS else 10
        line = command(agent, event)
        if agent == "cursor":
            hooks[event] = [{"command": line, "timeout": seconds}]
        elif agent == "copilot":
            hooks[event] = [{"type": "command", "bash": line, "timeoutSec": seconds}]
        else:
            entry: dict[str, Any] = {"type": "command", "command": line, "timeout": seconds}
            if agent == "gemini":  # milliseconds, and a name for `/hooks disable`
                entry = {"name": f"lessonloop-{event}", **entry, "timeout": seconds * 1000}
            if agent == "qwen":  # seconds, and a name (`/hooks` disables a hook by its name)
                entry = {"name": f"lessonloop-{event}", **entry}
            group: dict[str, Any] = {"matcher": "*"} if handler in TOOL_HANDLERS else {}
            hooks[event] = [{**group, "hooks": [entry]}]
    return hooks


def expected_file(agent: str) -> dict[str, Any]:
    if agent in ("cursor", "copilot"):
        return {"version": 1, "hooks": expected_hooks(agent)}
    if agent == "qwen":  # what Qwen Code writes into a settings file without it (it leaves the file alone then)
        return {"$version": 4, "hooks": expected_hooks(agent)}
    return {"hooks": expected_hooks(agent)}


def commands_in(data: dict[str, Any]) -> list[str]:
    found = []
    for items in data["hooks"].values():
        for item in items if isinstance(items, list) else []:
            for entry in item.get("hooks", [item]) if isinstance(item, dict) else []:
                line = entry.get("command") or entry.get("bash")
                if line and "lessonloop.apply.hooks.client" in line:
                    found.append(line)
    return found


def make_store(db: Path) -> None:
    from lessonloop.store import open_store

    open_store(db).close()


@pytest.mark.parametrize("agent", JSON_AGENTS)
def test_install_writes_the_agents_own_file_whose_commands_run(machine: dict[str, Any], agent: str) -> None:
    make_store(machine["db"])
    result = ok(machine, "hooks", "install", "--agent", agent, "--json")
    path = hook_file(machine, agent)
    assert result["file"] == str(path) and result["agent"] == agent and result["changed"] is True
    assert result["scope"] == ("local" if agent == "claude" else "project")
    assert result["events"] == list(INSTALLED[agent]) and [c["agent"] for c in result["changes"]] == [agent]
    data = json.loads(path.read_bytes())
    assert data == expected_file(agent)
    # Every command written there is one the agent can run: the entry point answers --check.
    lines = commands_in(data)
    assert len(lines) == len(INSTALLED[agent])
    for line in lines:
        done = subprocess.run(
            [*shlex.split(line), "--check"], env=machine["env"], capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, done.stderr
        answer = json.loads(done.stdout)
        assert answer["ok"] is True and answer["db"] == str(machine["db"]), answer
    # Only that agent's file: no other agent's, nothing in HOME.
    others = [hook_file(machine, other) for other in AGENTS if other != agent]
    assert not any(p.exists() for p in others) and list(machine["home"].iterdir()) == []


@pytest.mark.parametrize("agent", JSON_AGENTS)
def test_install_again_changes_nothing_and_uninstall_gives_every_byte_back(machine: dict[str, Any], agent: str) -> None:
    inside, original = EXISTING[agent]
    existing = machine["project"] / inside
    existing.parent.mkdir(parents=True)
    existing.write_bytes(original)
    before = sorted(
        str(p.relative_to(machine["project"])) for p in machine["project"].rglob("*") if ".git/" not in str(p)
    )
    path = hook_file(machine, agent)
    ok(machine, "hooks", "install", "--agent", agent)
    installed = path.read_bytes()
    data = json.loads(installed)
    if path == existing:  # the other tool's hooks and keys are still there, first, in their order
        first = json.loads(original)
        assert list(data)[: len(first)] == list(first)
        for event, items in first["hooks"].items():
            if isinstance(items, list):  # (Droid's hooksDisabled beside the events)
                assert data["hooks"][event][: len(items)] == items
            else:
                assert data["hooks"][event] == items
        assert existing.with_name(existing.name + ".lessonloop-backup").read_bytes() == original
    else:  # Copilot CLI: lessonloop's own file beside the other tool's, which is left alone
        assert existing.read_bytes() == original and data == expected_file(agent)
    assert sorted(commands_in(data)) == sorted(commands_in(expected_file(agent)))

    again = ok(machine, "hooks", "install", "--agent", agent, "--json")
    assert again["changed"] is False and path.read_bytes() == installed

    gone = lessonloop(machine, "hooks", "uninstall", "--agent", agent)
    assert gone.returncode == 0, gone.stderr
    assert existing.read_bytes() == original
    after = sorted(
        str(p.relative_to(machine["project"])) for p in machine["project"].rglob("*") if ".git/" not in str(p)
    )
    assert after == before, "uninstall left a file (or removed one) it should not have"


@pytest.mark.parametrize("agent", JSON_AGENTS)
def test_user_scope_writes_under_home_and_uninstall_removes_what_it_created(
    machine: dict[str, Any], agent: str
) -> None:
    result = ok(machine, "hooks", "install", "--agent", agent, "--scope", "user", "--json")
    path = hook_file(machine, agent, "user")
    assert result["file"] == str(path) and result["scope"] == "user"
    assert json.loads(path.read_bytes()) == expected_file(agent)
    assert not hook_file(machine, agent).exists()
    status = ok(machine, "hooks", "status", "--agent", agent, "--json")
    user = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "user")
    assert [h["event"] for h in user["events"]] == list(INSTALLED[agent])
    ok(machine, "hooks", "uninstall", "--agent", agent, "--scope", "user")
    assert list(machine["home"].iterdir()) == []  # the file and every folder install made for it


def test_without_agent_every_agent_found_is_installed_and_named(machine: dict[str, Any]) -> None:
    # Nothing found: Claude Code, as `hooks install` always did.
    alone = ok(machine, "hooks", "install", "--json")
    assert [c["agent"] for c in alone["changes"]] == ["claude"] and alone["found"] == []
    ok(machine, "hooks", "uninstall")
    # Codex by its folder in HOME, Gemini CLI by a command on PATH.
    (machine["home"] / ".codex").mkdir()
    gemini = machine["bin"] / "gemini"
    gemini.write_text("#!/bin/sh\nexit 0\n")
    gemini.chmod(0o755)
    text = ok(machine, "hooks", "install")
    assert "Found on this machine: Codex CLI" in text and "Gemini CLI (`gemini` is on PATH" in text
    assert "Claude Code" not in text and "Cursor" not in text and "Copilot" not in text
    assert hook_file(machine, "codex").exists() and hook_file(machine, "gemini").exists()
    assert not hook_file(machine, "claude").exists() and not hook_file(machine, "cursor").exists()
    data = ok(machine, "hooks", "install", "--json")
    assert [(f["agent"], f["how"]) for f in data["found"]] == [
        ("codex", f"{machine['home'] / '.codex'} exists"),
        ("gemini", f"`gemini` is on PATH ({gemini})"),
    ]
    assert [c["changed"] for c in data["changes"]] == [False, False]
    # uninstall without --agent: every agent whose files hold lessonloop's hooks
    gone = ok(machine, "hooks", "uninstall", "--json")
    assert [c["agent"] for c in gone["changes"]] == ["codex", "gemini"]
    assert all(c["restored"] for c in gone["changes"])
    assert not (machine["project"] / ".codex").exists() and not (machine["project"] / ".gemini").exists()


@pytest.mark.parametrize("agent", PROJECT_AGENTS)
def test_status_json_shows_each_agents_hooks(machine: dict[str, Any], agent: str) -> None:
    make_store(machine["db"])
    ok(machine, "hooks", "install", "--agent", agent, "--ask")
    data = ok(machine, "hooks", "status", "--agent", agent, "--json")
    (shown,) = data["agents"]
    assert shown["agent"] == agent and shown["found"] is None
    scopes = {s["scope"]: s for s in shown["scopes"]}
    assert list(scopes) == (["user", "project", "local"] if agent == "claude" else ["user", "project"])
    mine = scopes["local" if agent == "claude" else "project"]
    assert mine["file"] == str(hook_file(machine, agent)) and mine["exists"] and mine["error"] is None
    assert [h["event"] for h in mine["events"]] == list(INSTALLED[agent])
    assert all(h["agent"] == agent and h["python"] == sys.executable and h["python_ok"] for h in mine["events"])
    asks = [h["event"] for h in mine["events"] if h["options"] == ["--ask"]]
    assert asks == [e for e in INSTALLED[agent] if HOOK_EVENTS[agent][e] == "PreToolUse"]
    assert scopes["user"]["exists"] is False and data["scopes"] == shown["scopes"]
    assert data["entry_point"]["ok"] is True and data["failure_log"]["count"] == 0
    every = ok(machine, "hooks", "status", "--json")
    assert [a["agent"] for a in every["agents"]] == list(AGENTS)
    text = " ".join(ok(machine, "hooks", "status").split())
    assert f"{shown['label']} (not found on this machine)" in text and "Entry point: works" in text


def test_codex_hooks_in_config_toml_count_as_installed(machine: dict[str, Any]) -> None:
    """Codex reads `[hooks]` tables of config.toml as well as hooks.json: hooks found there are
    not installed a second time, and status shows them."""
    config = machine["project"] / ".codex" / "config.toml"
    config.parent.mkdir()
    line = command("codex", "PreToolUse")
    toml = f'model = "o3"\n\n[[hooks.PreToolUse]]\nmatcher = "*"\n\n[[hooks.PreToolUse.hooks]]\ntype = "command"\ncommand = "{line.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"\n\n[hooks.state."x"]\nenabled = true\n'
    config.write_text(toml)
    result = ok(machine, "hooks", "install", "--agent", "codex", "--json")
    assert result["changed"] is False and not hook_file(machine, "codex").exists()
    assert any(str(config) in note for note in result["notes"])
    status = ok(machine, "hooks", "status", "--agent", "codex", "--json")
    project = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "project")
    (other,) = project["other_files"]
    assert other["file"] == str(config) and [h["event"] for h in other["events"]] == ["PreToolUse"]
    config.write_text("[hooks\n")
    broken = lessonloop(machine, "hooks", "install", "--agent", "codex")
    assert broken.returncode == 1 and str(config) in broken.stderr and "TOML" in broken.stderr
    assert not hook_file(machine, "codex").exists()


def test_gemini_hooks_turned_off_are_said(machine: dict[str, Any]) -> None:
    settings = machine["project"] / ".gemini" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"hooksConfig": {"enabled": false}}\n')
    result = ok(machine, "hooks", "install", "--agent", "gemini", "--json")
    assert any("hooksConfig.enabled is false" in note for note in result["notes"])
    status = ok(machine, "hooks", "status", "--agent", "gemini", "--json")
    project = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "project")
    assert project["notes"] == ["hooks are turned off in this file: hooksConfig.enabled is false"]


def test_a_scope_the_agent_does_not_have_is_an_error(machine: dict[str, Any]) -> None:
    done = lessonloop(machine, "hooks", "install", "--agent", "cursor", "--scope", "local")
    assert done.returncode == 1 and "Cursor has no local scope" in done.stderr
    assert not (machine["project"] / ".cursor").exists()


@pytest.mark.parametrize("agent", ["codex", "gemini", "cursor", "copilot", "qwen", "droid"])
def test_invalid_json_is_an_error_naming_the_file(machine: dict[str, Any], agent: str) -> None:
    path = hook_file(machine, agent)
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{\n  "hooks": {,}\n}\n')
    done = lessonloop(machine, "hooks", "install", "--agent", agent)
    assert done.returncode == 1 and str(path) in done.stderr and "line 2" in done.stderr
    assert path.read_bytes() == b'{\n  "hooks": {,}\n}\n' and sorted(os.listdir(path.parent)) == [path.name]


def test_lessonloops_entries_under_events_no_longer_installed_are_taken_out(machine: dict[str, Any]) -> None:
    """When INSTALLED stops naming an event, installing again takes lessonloop's entry under it out
    (the agent would otherwise run the hook twice for one call), and keeps the other tools' ones."""
    gone = next(e for e in ("afterAgentThought", "afterShellExecution", "subagentStop") if e not in INSTALLED["cursor"])
    path = hook_file(machine, "cursor")
    path.parent.mkdir(parents=True)
    old = {"command": command("cursor", gone), "timeout": 10}
    path.write_text(json.dumps({"version": 1, "hooks": {gone: [{"command": "./log.sh"}, old]}}))
    ok(machine, "hooks", "install", "--agent", "cursor")
    hooks = json.loads(path.read_bytes())["hooks"]
    assert hooks[gone] == [{"command": "./log.sh"}]
    assert {event: items for event, items in hooks.items() if event != gone} == expected_hooks("cursor")


def test_qwen_hooks_turned_off_or_an_untrusted_folder_are_said(machine: dict[str, Any]) -> None:
    """Qwen Code runs no hook with `disableAllHooks`, and with folder trust on reads a project's
    .qwen/settings.json only in a trusted folder (~/.qwen/trustedFolders.json): install and status
    say so; trusting the folder as Qwen Code does makes status say they run."""
    project, home = machine["project"], machine["home"]
    settings = project / ".qwen" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"disableAllHooks": true}\n')
    result = ok(machine, "hooks", "install", "--agent", "qwen", "--json")
    assert any("disableAllHooks is true" in note for note in result["notes"])

    def runs_them() -> dict[str, Any]:
        status = ok(machine, "hooks", "status", "--agent", "qwen", "--json")
        found: dict[str, Any] = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "project")
        return dict(found["agent_runs_them"])

    said = runs_them()
    assert said["will_run"] is False and any("disableAllHooks is true" in why for why in said["why"])
    data = json.loads(settings.read_text())
    del data["disableAllHooks"]
    settings.write_text(json.dumps(data))
    assert runs_them() == {"will_run": True, "why": [], "hooks": []}  # folder trust is off by default
    (home / ".qwen").mkdir()
    (home / ".qwen" / "settings.json").write_text('{"security": {"folderTrust": {"enabled": true}}}')
    said = runs_them()
    assert said["will_run"] is False and "is not trusted" in said["why"][0] and str(project) in said["why"][0]
    trusted = home / ".qwen" / "trustedFolders.json"
    trusted.write_text(json.dumps({str(project): "TRUST_FOLDER"}))
    assert runs_them()["will_run"] is True
    trusted.write_text(json.dumps({str(project.parent): "TRUST_FOLDER", str(project): "DO_NOT_TRUST"}))
    assert runs_them()["will_run"] is False  # the deepest rule wins
    trusted.write_text(json.dumps({str(project / "README.md"): "TRUST_PARENT"}))
    assert runs_them()["will_run"] is True


def test_droid_hooks_turned_off_are_said(machine: dict[str, Any]) -> None:
    """Droid runs no hook with `hooks.hooksDisabled` (in the project's settings or the user's):
    install and status say so."""
    settings = machine["project"] / ".factory" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"hooks": {"hooksDisabled": true}}\n')
    result = ok(machine, "hooks", "install", "--agent", "droid", "--json")
    assert any("hooks.hooksDisabled is true" in note for note in result["notes"])
    assert json.loads(settings.read_text())["hooks"]["hooksDisabled"] is True  # lessonloop changes it not

    def runs_them() -> dict[str, Any]:
        status = ok(machine, "hooks", "status", "--agent", "droid", "--json")
        found: dict[str, Any] = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "project")
        return dict(found["agent_runs_them"])

    said = runs_them()
    assert said["will_run"] is False and "hooks.hooksDisabled is true" in said["why"][0]
    settings.write_text(json.dumps({"hooks": {**json.loads(settings.read_text())["hooks"], "hooksDisabled": False}}))
    assert runs_them() == {"will_run": True, "why": [], "hooks": []}
    user = machine["home"] / ".factory" / "settings.json"
    user.parent.mkdir()
    user.write_text('{"hooks": {"hooksDisabled": true}, "customModels": []}')
    assert runs_them()["will_run"] is False


KIMI_CONFIG = (
    b'# Kimi Code\ndefault_model = "kimi-k2"\n\n[[hooks]]\nevent = "PreToolUse"\nmatcher = "Bash"\n'
    b'command = "./audit.sh"  # the team\'s\ntimeout = 5\n\n[loop_control]\nmax_steps_per_turn = 80\n'
)


def kimi_expected() -> list[dict[str, Any]]:
    """lessonloop's `[[hooks]]` tables, in Kimi Code's HookDefSchema (event, command, timeout; no
    matcher: every call)."""
    return [
        {"event": event, "command": command("kimi", event), "timeout": 60 if event in LONG_HANDLERS else 10}
        for event in INSTALLED["kimi"]
    ]


def test_kimi_hooks_go_to_the_users_config_toml_every_other_setting_kept(machine: dict[str, Any]) -> None:
    import tomllib

    make_store(machine["db"])
    config = hook_file(machine, "kimi", "user")
    config.parent.mkdir()
    config.write_bytes(KIMI_CONFIG)
    result = ok(machine, "hooks", "install", "--agent", "kimi-code", "--ask", "--json")
    assert result["file"] == str(config) and result["scope"] == "user" and result["events"] == list(INSTALLED["kimi"])
    text = config.read_text()
    assert text.startswith(KIMI_CONFIG.decode().split("[loop_control]")[0])  # comments and order kept
    data = tomllib.loads(text)
    assert data["default_model"] == "kimi-k2" and data["loop_control"] == {"max_steps_per_turn": 80}
    theirs = {"event": "PreToolUse", "matcher": "Bash", "command": "./audit.sh", "timeout": 5}
    ours = [{**h, "command": h["command"]} for h in data["hooks"][1:]]
    assert data["hooks"][0] == theirs
    assert [{k: v for k, v in h.items() if k != "command"} for h in ours] == [
        {k: v for k, v in h.items() if k != "command"} for h in kimi_expected()
    ]
    pre = next(h for h in ours if h["event"] == "PreToolUse")
    assert pre["command"] == command("kimi", "PreToolUse") + " --ask"
    for hook in ours:
        done = subprocess.run(
            [*shlex.split(hook["command"]), "--check"], env=machine["env"], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0 and json.loads(done.stdout)["ok"] is True, done.stdout + done.stderr
    assert not hook_file(machine, "droid").exists() and not (machine["project"] / ".kimi-code").exists()

    status = ok(machine, "hooks", "status", "--agent", "kimi", "--json")
    (user,) = status["agents"][0]["scopes"]
    assert user["scope"] == "user" and sorted(h["event"] for h in user["events"]) == sorted(INSTALLED["kimi"])
    assert user["other_hooks"] == 1
    installed = config.read_bytes()
    again = ok(machine, "hooks", "install", "--agent", "kimi", "--ask", "--json")
    assert again["changed"] is False and config.read_bytes() == installed
    ok(machine, "hooks", "uninstall", "--agent", "kimi")
    assert config.read_bytes() == KIMI_CONFIG and not config.with_name("config.toml.lessonloop-backup").exists()


def test_kimi_install_creates_the_file_and_uninstall_removes_it(machine: dict[str, Any]) -> None:
    import tomllib

    config = hook_file(machine, "kimi", "user")
    assert lessonloop(machine, "hooks", "install", "--agent", "kimi", "--scope", "project").returncode != 0
    ok(machine, "hooks", "install", "--agent", "kimi")
    assert tomllib.loads(config.read_text()) == {"hooks": kimi_expected()}
    config.write_text(config.read_text() + "\n[thinking]\nenabled = true\n")  # changed since install
    ok(machine, "hooks", "uninstall", "--agent", "kimi")
    assert tomllib.loads(config.read_text()) == {"thinking": {"enabled": True}}
    config.unlink()
    config.parent.rmdir()
    ok(machine, "hooks", "install", "--agent", "kimi")
    ok(machine, "hooks", "uninstall", "--agent", "kimi")
    assert list(machine["home"].iterdir()) == []  # the file and the folder install made for it
    config.parent.mkdir()
    config.write_text("hooks = 3\n")
    broken = lessonloop(machine, "hooks", "install", "--agent", "kimi")
    assert broken.returncode != 0 and str(config) in broken.stdout + broken.stderr
    assert config.read_text() == "hooks = 3\n"


VIBE_HOOKS = (
    b'# the team\'s hooks\n[[hooks]]\nname = "audit"\ntype = "pre_tool"\ncommand = "./audit.sh"\nmatch = "bash"\n'
    b"timeout = 5.0\n"
)


def vibe_expected() -> list[dict[str, Any]]:
    """lessonloop's `[[hooks]]` tables, in Vibe's HookConfig (name, type, command, timeout; no
    match: every tool)."""
    return [
        {
            "name": f"lessonloop-{event}",
            "type": event,
            "command": command("vibe", event),
            "timeout": 60 if event == "post_agent" else 10,
        }
        for event in INSTALLED["vibe"]
    ]


def test_vibe_hooks_go_to_the_projects_hooks_toml_and_run_once_the_folder_is_trusted(machine: dict[str, Any]) -> None:
    import tomllib

    make_store(machine["db"])
    hooks = hook_file(machine, "vibe")
    hooks.parent.mkdir()
    hooks.write_bytes(VIBE_HOOKS)
    result = ok(machine, "hooks", "install", "--agent", "mistral-vibe", "--json")
    assert result["file"] == str(hooks) and result["scope"] == "project" and result["events"] == list(INSTALLED["vibe"])
    text = hooks.read_text()
    assert text.startswith(VIBE_HOOKS.decode())  # the team's hook and comment first, as they were
    data = tomllib.loads(text)
    assert data["hooks"][0] == {
        "name": "audit",
        "type": "pre_tool",
        "command": "./audit.sh",
        "match": "bash",
        "timeout": 5.0,
    }
    assert data["hooks"][1:] == vibe_expected()
    for hook in data["hooks"][1:]:
        done = subprocess.run(
            [*shlex.split(hook["command"]), "--check"], env=machine["env"], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0 and json.loads(done.stdout)["ok"] is True, done.stdout + done.stderr

    def project_scope() -> dict[str, Any]:
        status = ok(machine, "hooks", "status", "--agent", "vibe", "--json")
        found: dict[str, Any] = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "project")
        return found

    # Vibe reads a project's hooks.toml only in a trusted folder: status says so, then sees the trust
    scope = project_scope()
    assert sorted(h["event"] for h in scope["events"]) == sorted(INSTALLED["vibe"]) and scope["other_hooks"] == 1
    assert scope["agent_runs_them"]["will_run"] is False and "not trusted" in scope["agent_runs_them"]["why"][0]
    trust = machine["home"] / ".vibe" / "trusted_folders.toml"
    trust.parent.mkdir()
    trust.write_text(f'trusted = ["{machine["project"].parent}"]\nuntrusted = []\n')
    assert project_scope()["agent_runs_them"]["will_run"] is True
    trust.write_text(f'trusted = ["{machine["project"].parent}"]\nuntrusted = ["{machine["project"]}"]\n')
    assert project_scope()["agent_runs_them"]["will_run"] is False  # the closest decision wins

    installed = hooks.read_bytes()
    assert ok(machine, "hooks", "install", "--agent", "vibe", "--json")["changed"] is False
    assert hooks.read_bytes() == installed
    ok(machine, "hooks", "uninstall", "--agent", "vibe")
    assert hooks.read_bytes() == VIBE_HOOKS and not hooks.with_name("hooks.toml.lessonloop-backup").exists()


def test_vibe_user_hooks_and_a_broken_file(machine: dict[str, Any]) -> None:
    import tomllib

    hooks = hook_file(machine, "vibe", "user")
    ok(machine, "hooks", "install", "--agent", "vibe", "--scope", "user")
    assert tomllib.loads(hooks.read_text()) == {"hooks": vibe_expected()}
    status = ok(machine, "hooks", "status", "--agent", "vibe", "--json")
    user = next(s for s in status["agents"][0]["scopes"] if s["scope"] == "user")
    assert "agent_runs_them" not in user  # no trust asked of the user's file
    ok(machine, "hooks", "uninstall", "--agent", "vibe")
    assert not hooks.exists()
    project = hook_file(machine, "vibe")
    project.parent.mkdir()
    project.write_text("hooks = 3\n")
    broken = lessonloop(machine, "hooks", "install", "--agent", "vibe")
    assert broken.returncode != 0 and str(project) in broken.stdout + broken.stderr
    assert project.read_text() == "hooks = 3\n"
