"""Lessons keep the shell they were learned in (issue 42, item 1; lesson_model/environment.py,
Trigger.shell): a PowerShell lesson never fires in bash, in replay as in every agent's PreToolUse
hook, and a lesson seen failing in two shells holds in every shell."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.events import CallEvent
from lessonloop.lesson_model.environment import CMD, POSIX, POWERSHELL, call_shell, shell_program, windows_path
from lessonloop.lesson_model.triggers import Trigger
from tests.agent_hooks import AgentSession
from tests.hook_helpers import hook_env, run_hook
from tests.learning_helpers import Script, play

# PowerShell's words for a program it does not know (Codex on Windows)
PS_SED = (
    "Exit code: 1\nsed : The term 'sed' is not recognized as the name of a cmdlet, function, script file, "
    "or operable program."
)
WINDOWS = "G:\\work\\tool"
LINUX = "/home/someone/app"


@pytest.mark.parametrize(
    ("agent", "tool_input", "cwd", "shell"),
    [
        ("codex", {"command": ["powershell.exe", "-Command", "sed -n 1p a"]}, "/Users/x/p", POWERSHELL),
        ("codex", {"command": ["C:\\Program Files\\Git\\bin\\bash.EXE", "-lc", "ls"]}, WINDOWS, POSIX),
        ("codex", {"command": "Get-Content a"}, WINDOWS, POWERSHELL),
        ("codex", {"command": "ls"}, "g:/work/tool", POWERSHELL),
        ("gemini", {"command": "dir"}, "\\\\server\\share\\p", POWERSHELL),
        ("claude-code", {"command": "ls"}, WINDOWS, POSIX),  # Git Bash
        ("claude", {"command": "ls"}, WINDOWS, POSIX),  # the hook's name for it
        ("aider", {"command": "dir"}, WINDOWS, CMD),
        ("codex", {"command": "ls"}, LINUX, POSIX),
        ("claude-code", {"command": "ls"}, None, None),
        ("some-new-agent", {"command": "ls"}, WINDOWS, None),
    ],
)
def test_the_shell_a_command_ran_in(agent: str, tool_input: dict[str, object], cwd: str | None, shell: str) -> None:
    assert call_shell(agent, tool_input, cwd) == shell


def test_shell_programs_and_windows_paths() -> None:
    assert shell_program("/usr/bin/zsh") == POSIX and shell_program("pwsh") == POWERSHELL
    assert shell_program("cmd.exe") == CMD and shell_program("python") is None and shell_program(None) is None
    assert windows_path("c:\\x") and windows_path("D:/x") and windows_path("\\\\srv\\x")
    assert not windows_path("/c/x") and not windows_path("c:") and not windows_path("relative\\x")


def _codex(event: CallEvent) -> CallEvent:
    event.agent = "codex"
    return event


def _fired(learner: Learner, event: CallEvent) -> bool:
    return bool(play(learner, event).fired)


def _powershell_sed_lesson(learner: Learner, script: Script, session_id: str = "ps") -> None:
    s = script.session(session_id, project=WINDOWS, cwd=WINDOWS)
    play(learner, _codex(s.bash("sed -n '1,20p' app.py", error=PS_SED, error_class="MISSING_PREREQUISITE")))
    learner.end_session(session_id)


def test_a_lesson_learned_in_powershell_does_not_fire_in_bash() -> None:
    learner = Learner()
    script = Script()
    _powershell_sed_lesson(learner, script)
    (lesson,) = learner.lessons.values()
    # one failing session: a candidate of its project, given to no agent (confidence.MIN_FAILED_SESSIONS)
    assert lesson.tier == "candidate" and lesson.scope == "project"
    _powershell_sed_lesson(learner, script, "ps-again")
    (lesson,) = learner.lessons.values()
    assert lesson.tier == "active" and lesson.scope == "global"
    assert lesson.trigger is not None and lesson.trigger.shell == POWERSHELL and lesson.machine_wide
    assert "in PowerShell" in lesson.trigger.describe()
    assert Trigger.from_json(json.loads(json.dumps(lesson.trigger.to_json()))).shell == POWERSHELL
    # the same machine's PowerShell, another project: warned (the program is missing there too)
    other = script.session("ps2", project="G:\\work\\other", cwd="G:\\work\\other")
    assert _fired(learner, _codex(other.bash("sed -n '5,9p' b.txt")))
    # bash, on Linux, by Codex or Claude Code: `sed` is there, nothing to say
    linux = script.session("sh", project=LINUX, cwd=LINUX)
    assert not _fired(learner, _codex(linux.bash("sed -n '1,20p' app.py")))
    assert not _fired(learner, linux.bash("head -5 app.py | sed -n 1,3p"))
    # Claude Code on the Windows machine runs Git Bash: not PowerShell either
    git_bash = script.session("gb", project=WINDOWS, cwd=WINDOWS)
    event = git_bash.bash("sed -n '1,20p' app.py")
    event.agent = "claude-code"
    assert not _fired(learner, event)


def test_a_lesson_seen_failing_in_two_shells_holds_in_every_shell() -> None:
    learner = Learner()
    script = Script()
    _powershell_sed_lesson(learner, script)
    missing = "Exit code 127\nbash: line 1: sed: command not found"
    linux = script.session("sh", project=LINUX, cwd=LINUX)
    play(learner, _codex(linux.bash("sed -n '1,20p' app.py", error=missing, error_class="MISSING_PREREQUISITE")))
    learner.end_session("sh")
    # each shell's own error is its own lesson; a lesson whose error comes back in another shell widens
    for lesson in learner.lessons.values():
        assert lesson.trigger is not None and lesson.trigger.shell in (POWERSHELL, POSIX)
    push = "Exit code 1\nfatal: The current branch feat has no upstream branch."
    for name, cwd in (("a", WINDOWS), ("b", LINUX)):
        s = script.session(name, project=cwd, cwd=cwd)
        play(learner, _codex(s.bash("git push", error=push, error_class="INCORRECT_PARAMETER")))
        learner.end_session(name)
    pushes = [
        lesson for lesson in learner.lessons.values() if lesson.trigger and lesson.trigger.words == ("git", "push")
    ]
    assert pushes and all(lesson.trigger is not None and lesson.trigger.shell is None for lesson in pushes)


def _store_with_powershell_lesson(tmp_path: Path) -> Path:
    """A real store holding one global lesson learned in PowerShell (`sed` is not a cmdlet)."""
    from lessonloop.store import open_store
    from lessonloop.store.lessons.writer import save_learned

    learner = Learner()
    script = Script(datetime.now(UTC) - timedelta(minutes=5))
    _powershell_sed_lesson(learner, script)
    (lesson,) = learner.lessons.values()
    lesson.session_failed = {f"s{i}": True for i in range(20)}
    lesson.projects.add("G:\\work\\other")  # seen in two projects: global
    lesson.recount()
    db = tmp_path / "store" / "lessonloop.db"
    conn = open_store(db)
    try:
        save_learned(conn, [lesson], {}, script.tick())
    finally:
        conn.close()
    return db


@pytest.mark.slow
def test_the_hooks_keep_a_powershell_lesson_in_powershell(tmp_path: Path) -> None:
    """A real store holding a PowerShell lesson: Claude Code's PreToolUse hook in a Linux project
    says nothing of it, Codex's hook on a Windows folder warns."""
    db = _store_with_powershell_lesson(tmp_path)
    env = hook_env(db)
    project = tmp_path / "app"
    project.mkdir()
    payload = {
        "session_id": "linux-session",
        "hook_event_name": "PreToolUse",
        "cwd": str(project),
        "tool_name": "Bash",
        "tool_input": {"command": "sed -n '1,20p' app.py"},
        "tool_use_id": "toolu_1",
    }
    quiet = run_hook("PreToolUse", payload, env)
    assert quiet.returncode == 0 and quiet.stdout == "", quiet.stderr
    windows = AgentSession("codex", Path(WINDOWS), env)
    warned = windows.run("PreToolUse", tool_input={"command": "sed -n '1,20p' app.py"}, tool_use_id="call_1")
    assert warned.returncode == 0 and "sed" in warned.stdout, warned.stderr
    assert not (db.parent / "hook-failures.log").exists()


@pytest.mark.slow
def test_session_start_and_rules_files_keep_a_powershell_lesson_in_powershell(tmp_path: Path) -> None:
    """SessionStart gives the PowerShell lesson to Codex on a Windows folder, not to Claude Code
    or Codex in a Linux project; `lessons export --agent codex` leaves it out of a Linux project's
    AGENTS.md and says so."""
    import subprocess
    import sys

    db = _store_with_powershell_lesson(tmp_path)
    env = hook_env(db)
    project = tmp_path / "app"
    project.mkdir()
    start = {"hook_event_name": "SessionStart", "source": "startup", "transcript_path": str(tmp_path / "t.jsonl")}
    given = AgentSession("codex", Path(WINDOWS), env).run("SessionStart", **start)
    assert given.returncode == 0 and "sed" in given.stdout, given.stderr
    quiet = AgentSession("codex", project, env).run("SessionStart", **start)
    assert quiet.returncode == 0 and "sed" not in quiet.stdout, quiet.stderr
    claude = run_hook("SessionStart", {**start, "session_id": "linux-claude", "cwd": str(project)}, env)
    assert claude.returncode == 0 and "sed" not in claude.stdout, claude.stderr
    exported = subprocess.run(
        [sys.executable, "-m", "lessonloop", "lessons", "export", "--agent", "codex", "--json"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert exported.returncode == 0, exported.stderr
    report = json.loads(exported.stdout)
    assert report["lessons"] == 0 and report["other_shell_left_out"] == 1, report
    assert not (project / "AGENTS.md").exists()
    assert not (db.parent / "hook-failures.log").exists()
