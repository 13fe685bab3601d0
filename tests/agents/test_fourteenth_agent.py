"""Adding an agent is its folder and nothing else (issue 84): a copy of the package with one more
folder under agents/ (tests/fake_agent/, an agent of the tests' own: spec, reader, hooks, installer)
and no other file changed. Run from that copy, lessonloop lists the agent among its agents, finds
its logs in its default place with no path given, reads and lists its sessions, installs its hooks
into its hook file, and runs them: a learned lesson stops its call, a failed call is stored; the
lesson goes into its rules file.

Real processes throughout: `python -m lessonloop` from the copy, the hook command `hooks install`
wrote, a real store."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from lessonloop.apply.hooks.command import RUN_CODE
from tests.agents.cursor.test_hooks_cursor import certain_push_lesson

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "lessonloop"
FOLDER = ROOT / "tests" / "fake_agent"
NAME = "fake_agent"  # its folder: its hooks' name
AGENT = "fake-agent"  # its id: the store's name

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """src/ with lessonloop/ copied whole and tests/fake_agent/ added as lessonloop/agents/fake_agent/."""
    src = tmp_path_factory.mktemp("fourteenth") / "src"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(PACKAGE, src / "lessonloop", ignore=ignore)
    shutil.copytree(FOLDER, src / "lessonloop" / "agents" / NAME, ignore=ignore)
    return src


def test_the_copy_differs_by_the_folder_alone(tree: Path) -> None:
    def files(root: Path) -> dict[str, bytes]:
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in root.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }

    copied, original = files(tree / "lessonloop"), files(PACKAGE)
    added = {name for name in copied if name not in original}
    assert added and all(name.startswith(f"agents/{NAME}/") for name in added)
    assert all(copied[name] == data for name, data in original.items())


@pytest.fixture
def env(tree: Path, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LESSONLOOP_", "XDG_", "CODEX_", "CLAUDE_", "GEMINI_", "COPILOT_"))
    }
    environ.update(
        HOME=str(home),
        PYTHONPATH=str(tree),
        LESSONLOOP_DB=str(tmp_path / "store.db"),
        LESSONLOOP_HOOK_SERVER="0",
        LESSONLOOP_HOOK_FOREGROUND="1",
    )
    return environ


def lessonloop(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def write_log(home: Path, session: str, cwd: Path) -> Path:
    folder = home / ".fake-agent" / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    at = "2026-01-02T03:04:0{}Z"
    records = [
        {"fake": 1, "event": "start", "session": session, "cwd": str(cwd), "at": at.format(0)},
        {"fake": 1, "event": "prompt", "text": "push the branch", "at": at.format(1)},
        {
            "fake": 1,
            "event": "shell",
            "call": "c1",
            "command": "git push",
            "exit": 1,
            "output": "rejected",
            "at": at.format(2),
        },
    ]
    log = folder / f"{session}.fakelog"
    log.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return log


def test_the_copy_is_what_runs(env: dict[str, str], tree: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import lessonloop; print(lessonloop.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == str(tree / "lessonloop" / "__init__.py")


def test_its_logs_are_found_read_and_listed(env: dict[str, str], tmp_path: Path) -> None:
    project = tmp_path / "app"
    project.mkdir()
    write_log(Path(env["HOME"]), "fk-1", project)
    helped = lessonloop(env, "ingest", "--help")
    assert "Fake Agent (~/.fake-agent/logs)" in " ".join(helped.stdout.split())
    lessonloop(env, "ingest", "--wait", "--no-bandit")  # no path: discovery finds it where it keeps them
    listed = json.loads(lessonloop(env, "sessions", "--agent", AGENT, "--json").stdout)
    rows = listed
    assert [row["id"] for row in rows] == ["fake-fk-1"]  # its parser names sessions "fake-<its id>"
    assert rows[0]["agent"] == AGENT


def test_its_hooks_install_and_run(env: dict[str, str], repo: Path) -> None:
    assert NAME in lessonloop(env, "hooks", "install", "--help").stdout
    lessonloop(env, "hooks", "install", "--agent", NAME, "--scope", "project", cwd=repo)
    hooks = json.loads((repo / ".fake-agent" / "hooks.json").read_text(encoding="utf-8"))["hooks"]
    assert set(hooks) == {"before_call", "after_call", "turn_end"}
    status = json.loads(lessonloop(env, "hooks", "status", "--agent", NAME, "--json", cwd=repo).stdout)
    assert json.dumps(status).count(".fake-agent") >= 1

    certain_push_lesson(repo, Path(env["LESSONLOOP_DB"]))
    before = hooks["before_call"][0]["command"]
    call: dict[str, object] = {
        "session": "fk-2",
        "cwd": str(repo),
        "tool": "shell",
        "args": {"cmd": "git push"},
        "id": "c9",
    }
    stopped = run(before, call, env, repo)
    assert "deny" in json.loads(stopped), stopped  # the learned lesson stops its call

    after = hooks["after_call"][0]["command"]
    failed = {**call, "id": "c10", "args": {"cmd": "make test"}, "exit": 2, "output": "make: *** [test] Error 2"}
    assert run(after, failed, env, repo) == ""
    conn = sqlite3.connect(env["LESSONLOOP_DB"])
    try:
        stored = conn.execute("SELECT tool, command, ok FROM live_calls WHERE session_id = 'fk-2'").fetchall()
    finally:
        conn.close()
    assert stored == [("Bash", "make test", 0)]  # its tool by Claude Code's name, failed

    # its rules file (its spec's): `lessons export --agent` writes the learned lesson into it
    assert "FAKE.md" in lessonloop(env, "lessons", "export", "--help").stdout
    lessonloop(env, "lessons", "export", "--agent", AGENT, "-p", str(repo), cwd=repo)
    assert "git push" in (repo / "FAKE.md").read_text(encoding="utf-8")


def run(command: str, payload: Mapping[str, object], env: dict[str, str], cwd: Path) -> str:
    """Run the installed hook command's entry point and arguments (`--agent=fake_agent EVENT`) on
    the copy: the command's own import path names the installed package, where the copy is not."""
    words = shlex.split(command)
    arguments = words[words.index("-c") + 2 :]
    assert arguments[0] == f"--agent={NAME}", arguments
    assert words[words.index("-c") + 1].endswith(RUN_CODE)
    code = f"import sys; sys.path.insert(0, {env['PYTHONPATH']!r}); {RUN_CODE}"
    done = subprocess.run(
        [sys.executable, "-I", "-c", code, *arguments],
        input=json.dumps(payload),
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_list_of_agents_has_it(env: dict[str, str]) -> None:
    code = (
        "import json; from lessonloop.capture.discovery_env import DISCOVERY_ENV; "
        "from lessonloop.capture.agents import agents; from lessonloop.core import agent_specs; "
        "from lessonloop.core.agent_names import hooks_agent, store_agent; "
        "print(json.dumps([DISCOVERY_ENV, agents(), agent_specs.hook_agents(), "
        "hooks_agent('fake-agent'), store_agent('fake_agent')]))"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    environment, readers, hooked, hooks_name, store_name = json.loads(done.stdout)
    assert "FAKE_AGENT_HOME" in environment  # a read's check for new files watches it
    assert readers[-1] == AGENT and hooked[-1] == NAME  # its rank: after the others
    assert (hooks_name, store_name) == (NAME, AGENT)
