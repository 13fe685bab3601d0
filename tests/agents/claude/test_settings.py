"""`lessonloop hooks install|uninstall|status`: merging into Claude Code settings files and taking
lessonloop's hooks out again, byte for byte; real files, the real CLI, the real entry point."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.agents.claude.install import SHAPE
from lessonloop.apply.hooks import entry_check, failures
from lessonloop.apply.hooks.command import EVENTS, is_lessonloop_command
from lessonloop.apply.hooks.install import hook_lists, plan
from tests.conftest import REPO_ROOT, cli

# Another tool's settings: 4-space indent, an unusual key order, compact inner objects, no final newline.
OTHER_TOOL = (
    b'{\n    "permissions": {"deny": ["Read(./.env)"], "allow": ["Bash(ls:*)"]},\n'
    b'    "hooks": {\n        "PreToolUse": [\n'
    b'            {"matcher": "Bash", "hooks": [{"type": "command", "command": "other-tool check"}]}\n'
    b"        ]\n    },\n"
    b'    "env": {"Z_LAST": "1", "A_FIRST": "2"},\n    "model": "opus"\n}'
)


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("LESSONLOOP_DB", str(tmp_path / "data" / "lessonloop.db"))
    monkeypatch.chdir(tmp_path)
    return home


def _project(tmp_path: Path, content: bytes | None = None, name: str = "settings.json") -> Path:
    path = tmp_path / "proj" / ".claude" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if content is not None:
        path.write_bytes(content)
    return path


def _hooks(path: Path) -> dict[str, list[dict[str, object]]]:
    hooks: dict[str, list[dict[str, object]]] = json.loads(path.read_bytes())["hooks"]
    return hooks


def _ours(path: Path) -> dict[str, str]:
    """Each event's lessonloop command in the file."""
    return {
        event: hook["command"]
        for event, groups in _hooks(path).items()
        for group in groups
        for hook in group["hooks"]  # type: ignore[attr-defined]
        if is_lessonloop_command(hook["command"])
    }


def test_install_twice_then_uninstall_gives_the_original_bytes_back(tmp_path: Path) -> None:
    path = _project(tmp_path, OTHER_TOOL)
    proj = tmp_path / "proj"
    first = cli("hooks", "install", "--scope", "project", "--project-dir", proj, "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json()["changed"] is True and first.json()["events"] == list(EVENTS)
    installed = path.read_bytes()
    data = json.loads(installed)
    assert list(data) == ["permissions", "hooks", "env", "model"]
    assert list(data["env"]) == ["Z_LAST", "A_FIRST"]
    assert data["hooks"]["PreToolUse"][0] == {
        "matcher": "Bash",
        "hooks": [{"type": "command", "command": "other-tool check"}],
    }
    assert data["hooks"]["PreToolUse"][1]["matcher"] == "*"
    assert "matcher" not in data["hooks"]["Stop"][0] and "matcher" not in data["hooks"]["SessionStart"][0]
    assert set(_ours(path)) == set(EVENTS)
    assert installed.startswith(b'{\n    "permissions": {\n        "deny"') and not installed.endswith(b"\n")
    assert (path.parent / "settings.json.lessonloop-backup").read_bytes() == OTHER_TOOL

    again = cli("hooks", "install", "--scope", "project", "--project-dir", proj, "--json")
    assert again.exit_code == 0 and again.json()["changed"] is False
    assert path.read_bytes() == installed
    assert (path.parent / "settings.json.lessonloop-backup").read_bytes() == OTHER_TOOL

    gone = cli("hooks", "uninstall", "--project-dir", proj)
    assert gone.exit_code == 0, gone.stderr
    assert "restored byte for byte" in gone.output
    assert path.read_bytes() == OTHER_TOOL
    assert sorted(os.listdir(path.parent)) == ["settings.json"]


def test_reinstalling_with_other_options_keeps_the_first_backup(tmp_path: Path) -> None:
    path = _project(tmp_path, OTHER_TOOL)
    assert cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj").exit_code == 0
    assert cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj", "--ask").exit_code == 0
    assert _ours(path)["PreToolUse"].endswith("PreToolUse --ask")
    assert (path.parent / "settings.json.lessonloop-backup").read_bytes() == OTHER_TOOL
    assert cli("hooks", "uninstall", "--project-dir", tmp_path / "proj").exit_code == 0
    assert path.read_bytes() == OTHER_TOOL


def test_without_a_settings_file_uninstall_removes_what_install_created(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    result = cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj", "--json").json()
    path = tmp_path / "proj" / ".claude" / "settings.json"
    assert result["file"] == str(path) and result["scope"] == "project"
    assert result["backup"] == str(path) + ".lessonloop-backup"
    assert set(_ours(path)) == set(EVENTS) and path.read_bytes().startswith(b'{\n  "hooks"')
    gone = cli("hooks", "uninstall", "--project-dir", tmp_path / "proj", "--json").json()
    assert gone["changed"] is True and gone["restored"] is True and gone["backup"] is None
    assert not (tmp_path / "proj" / ".claude").exists()


def test_project_scope_defaults_to_the_current_folder_outside_git(tmp_path: Path) -> None:
    result = cli("hooks", "install", "--scope", "project", "--json").json()
    assert result["file"] == str(tmp_path / ".claude" / "settings.json")


def test_project_scope_finds_the_git_top_level(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(repo / "sub")
    assert plan.hook_file("claude", "project", plan.resolve_root(None)) == str(
        repo.resolve() / ".claude" / "settings.json"
    )


def test_user_scope_writes_under_home(tmp_path: Path, _home: Path) -> None:
    result = cli("hooks", "install", "--scope", "user", "--json")
    assert result.exit_code == 0, result.stderr
    path = _home / ".claude" / "settings.json"
    assert result.json()["file"] == str(path) and result.json()["scope"] == "user"
    assert set(_ours(path)) == set(EVENTS)
    assert cli("hooks", "uninstall", "--scope", "user").exit_code == 0
    assert not (_home / ".claude").exists()


def test_local_scope_writes_settings_local_json(tmp_path: Path) -> None:
    shared = _project(tmp_path, b'{"model": "opus"}\n')
    result = cli("hooks", "install", "--scope", "local", "--project-dir", tmp_path / "proj", "--json").json()
    local = tmp_path / "proj" / ".claude" / "settings.local.json"
    assert result["file"] == str(local) and set(_ours(local)) == set(EVENTS)
    assert shared.read_bytes() == b'{"model": "opus"}\n'
    assert cli("hooks", "uninstall", "--scope", "local", "--project-dir", tmp_path / "proj").exit_code == 0
    assert not local.exists() and shared.exists()


def test_invalid_json_is_an_error_naming_the_file_and_line(tmp_path: Path) -> None:
    broken = b'{\n  "model": "opus",\n  "hooks": {,}\n}\n'
    path = _project(tmp_path, broken)
    result = cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj")
    assert result.exit_code == 1
    assert str(path) in result.stderr and "line 3" in result.stderr and "column" in result.stderr
    assert path.read_bytes() == broken
    assert sorted(os.listdir(path.parent)) == ["settings.json"]
    assert cli("hooks", "uninstall", "--project-dir", tmp_path / "proj").exit_code == 1


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"[1, 2]", "does not hold a JSON object"), (b'{"hooks": []}', '"hooks" is not a JSON object')],
)
def test_settings_of_the_wrong_shape_are_an_error(tmp_path: Path, content: bytes, says: str) -> None:
    path = _project(tmp_path, content)
    result = cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj")
    assert result.exit_code == 1 and says in result.stderr and str(path) in result.stderr
    assert path.read_bytes() == content


def test_a_settings_path_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    path = _project(tmp_path)
    path.mkdir()
    result = cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj")
    assert result.exit_code == 1 and f"cannot read {path}" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    path = _project(tmp_path, b"{}")
    path.chmod(0)
    result = cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj")
    assert result.exit_code == 1 and f"cannot read {path}" in result.stderr


def test_block_goes_to_pre_tool_use_only(tmp_path: Path) -> None:
    path = _project(tmp_path)
    assert cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj", "--block").exit_code == 0
    commands = _ours(path)
    assert commands["PreToolUse"].endswith("PreToolUse --block")
    assert [event for event, command in commands.items() if "--block" in command] == ["PreToolUse"]
    status = cli("hooks", "status", "--project-dir", tmp_path / "proj", "--json").json()
    project = next(s for s in status["scopes"] if s["scope"] == "project")
    assert {h["event"]: h["options"] for h in project["events"]}["PreToolUse"] == ["--block"]


def test_an_edit_between_install_and_uninstall_is_kept(tmp_path: Path) -> None:
    path = _project(tmp_path, OTHER_TOOL)
    assert cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj").exit_code == 0
    data = json.loads(path.read_bytes())
    data["model"] = "sonnet"
    path.write_text(json.dumps(data, indent=4))
    result = cli("hooks", "uninstall", "--project-dir", tmp_path / "proj", "--json").json()
    assert result["changed"] is True and result["restored"] is False and result["events"] == []
    assert "changed since" in result["notes"][0]
    after = json.loads(path.read_bytes())
    expected = json.loads(OTHER_TOOL)
    expected["model"] = "sonnet"
    assert after == expected and list(after) == list(expected)
    assert path.read_text().startswith('{\n    "permissions"')
    assert not (path.parent / "settings.json.lessonloop-backup").exists()


def test_a_mixed_group_keeps_the_other_tools_hook(tmp_path: Path) -> None:
    path = _project(tmp_path)
    assert cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj").exit_code == 0
    data = json.loads(path.read_bytes())
    data["hooks"]["Stop"][0]["hooks"].append({"type": "command", "command": "notify-done"})
    path.write_text(json.dumps(data, indent=2) + "\n")
    assert (
        cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj", "--json").json()["changed"]
        is True
    )
    stop = _hooks(path)["Stop"]
    assert stop[0]["hooks"][0]["command"] == "notify-done"  # type: ignore[index]
    assert len(stop) == 2 and is_lessonloop_command(stop[1]["hooks"][0]["command"])  # type: ignore[index]
    assert cli("hooks", "uninstall", "--project-dir", tmp_path / "proj").exit_code == 0
    assert json.loads(path.read_bytes()) == {
        "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "notify-done"}]}]}
    }


def test_dry_run_prints_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    path = _project(tmp_path, OTHER_TOOL)
    result = cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj", "--dry-run")
    assert result.exit_code == 0
    assert f"--- {path}" in result.output and "+            {" in result.output and "SessionEnd" in result.output
    assert path.read_bytes() == OTHER_TOOL and sorted(os.listdir(path.parent)) == ["settings.json"]
    assert cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj").exit_code == 0
    installed = path.read_bytes()
    plan = cli("hooks", "uninstall", "--project-dir", tmp_path / "proj", "--dry-run", "--json").json()
    assert plan["dry_run"] is True and plan["changed"] is True and "-" in plan["diff"]
    assert path.read_bytes() == installed


def test_permission_bits_and_symlinks_are_kept(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "settings.json"
    real.parent.mkdir()
    real.write_bytes(b'{"model": "opus"}')
    real.chmod(0o600)
    link = _project(tmp_path)
    link.symlink_to(real)
    assert cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj").exit_code == 0
    assert link.is_symlink() and stat.S_IMODE(real.stat().st_mode) == 0o600
    assert set(_ours(real)) == set(EVENTS)
    assert cli("hooks", "uninstall", "--project-dir", tmp_path / "proj").exit_code == 0
    assert link.is_symlink() and real.read_bytes() == b'{"model": "opus"}'


def test_merge_and_unmerge_without_a_backup() -> None:
    original = {"hooks": {"Stop": []}, "x": 1}
    merged = hook_lists.merge(original, plan.wanted("claude", ()), SHAPE)
    assert merged["hooks"]["Stop"][0]["hooks"][0]["timeout"] == 60
    assert hook_lists.merge(merged, plan.wanted("claude", ()), SHAPE) == merged
    assert hook_lists.unmerge(merged, original, SHAPE) == original
    assert hook_lists.unmerge(merged, None, SHAPE) == {"x": 1}  # unknown origin: lists only lessonloop filled go


def test_status_json_lists_events_and_the_failure_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "data" / "lessonloop.db")
    failures.log_failure(db, "PreToolUse", "s1", ValueError("first"))
    failures.log_failure(db, "Stop", "s1", "second")
    _project(tmp_path, OTHER_TOOL)
    assert cli("hooks", "install", "--scope", "project", "--project-dir", tmp_path / "proj", "--ask").exit_code == 0
    # An entry point that fails: status still answers, with the problem.
    monkeypatch.setattr(
        entry_check,
        "check_command",
        lambda: [sys.executable, "-c", "import sys; print('boom', file=sys.stderr); sys.exit(3)"],
    )
    result = cli("hooks", "status", "--project-dir", tmp_path / "proj", "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    scopes = {s["scope"]: s for s in data["scopes"]}
    assert list(scopes) == ["user", "project", "local"]
    assert scopes["user"]["exists"] is False and scopes["user"]["events"] == []
    project = scopes["project"]
    assert project["exists"] is True and project["other_hooks"] == 1 and project["error"] is None
    assert [h["event"] for h in project["events"]] == ["PreToolUse", *[e for e in EVENTS if e != "PreToolUse"]]
    assert all(h["python"] == sys.executable and h["python_ok"] for h in project["events"])
    assert project["events"][0]["options"] == ["--ask"]
    assert data["db"] == db
    assert data["failure_log"]["count"] == 2
    assert [f["error"] for f in data["failure_log"]["last"]] == ["ValueError: first", "second"]
    entry = data["entry_point"]
    assert entry["ok"] is False and "exit status 3" in entry["problem"] and "boom" in entry["problem"]
    text = cli("hooks", "status", "--project-dir", tmp_path / "proj")
    words = " ".join(text.output.split())  # rich wraps long lines
    assert text.exit_code == 0 and "Entry point: not working" in words and "2 failure(s)" in words
    assert "PreToolUse --ask" in words and "ValueError: first" in words


def test_status_reports_an_installed_interpreter_that_is_gone(tmp_path: Path) -> None:
    path = _project(tmp_path)
    gone = "/nonexistent/python -I -m lessonloop.apply.hooks.entry Stop"
    path.write_text(json.dumps({"hooks": {"Stop": [{"hooks": [{"type": "command", "command": gone}]}]}}))
    data = cli("hooks", "status", "--project-dir", tmp_path / "proj", "--json").json()
    project = next(s for s in data["scopes"] if s["scope"] == "project")
    assert project["events"] == [
        {
            "event": "Stop",
            "matcher": None,
            "options": [],
            "timeout": None,
            "python": "/nonexistent/python",
            "python_ok": False,
            "agent": "claude",
        }
    ]
    text = " ".join(cli("hooks", "status", "--project-dir", tmp_path / "proj").output.split())  # unwrapped
    assert "Stop runs /nonexistent/python, which does not exist or is not executable" in text


def test_status_runs_the_real_entry_point(tmp_path: Path) -> None:
    """In a real subprocess, as `lessonloop hooks status` is used: the entry point answers for a store."""
    pytest.importorskip("lessonloop.apply.hooks.entry")
    from lessonloop.store import open_store

    db = tmp_path / "data" / "lessonloop.db"
    open_store(db).close()
    env = {**os.environ, "LESSONLOOP_DB": str(db)}
    proc = subprocess.run(
        [sys.executable, "-m", "lessonloop", "hooks", "status", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    entry = json.loads(proc.stdout)["entry_point"]
    assert entry == {**entry, "ok": True, "db": str(db), "lessons": 0, "problem": None}
    assert REPO_ROOT.is_dir()


def test_status_checks_the_store_given_with_db(tmp_path: Path) -> None:
    """`hooks status --db PATH` checks that store (its entry point answer, failures, spool), not the
    one $LESSONLOOP_DB names."""
    from lessonloop.store import open_store

    other = tmp_path / "other" / "lessonloop.db"
    open_store(other).close()
    failures.log_failure(str(other), "PreToolUse", "s1", "in the other store")
    env = {**os.environ, "LESSONLOOP_DB": str(tmp_path / "default" / "lessonloop.db")}
    proc = subprocess.run(
        [sys.executable, "-m", "lessonloop", "hooks", "status", "--db", str(other), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["db"] == str(other) and data["entry_point"]["db"] == str(other) and data["entry_point"]["ok"]
    assert data["failure_log"]["count"] == 1 and data["failure_log"]["last"][0]["error"] == "in the other store"


def test_install_defaults_to_the_local_file_and_project_scope_says_why_not(tmp_path: Path) -> None:
    """The hook command names this machine's Python: a committed .claude/settings.json would carry it
    to teammates, whose hooks then do nothing. The default is the local (uncommitted) file; the project
    file is written when asked, with a note saying so."""
    proj = tmp_path / "proj"
    proj.mkdir()
    local = cli("hooks", "install", "--project-dir", proj, "--json").json()
    assert local["scope"] == "local" and local["file"] == str(proj / ".claude" / "settings.local.json")
    assert not (proj / ".claude" / "settings.json").exists() and local["notes"] == []
    shared = cli("hooks", "install", "--scope", "project", "--project-dir", proj, "--json").json()
    assert shared["scope"] == "project" and any("teammate" in note for note in shared["notes"]), shared["notes"]
    # uninstall without --scope finds them: the local file first, then the project's
    first = cli("hooks", "uninstall", "--project-dir", proj, "--json").json()
    second = cli("hooks", "uninstall", "--project-dir", proj, "--json").json()
    assert (first["scope"], second["scope"]) == ("local", "project")
    assert not (proj / ".claude" / "settings.local.json").exists() and not (proj / ".claude" / "settings.json").exists()
