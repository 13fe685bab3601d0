"""The hook server (hook_server.py) and the installed command's client (client.py): real
hook processes, a real server process forked per call, real stores.

Each test gets a runtime folder of its own (XDG_RUNTIME_DIR, short enough for a socket's path)
and stops its servers at the end; the rest of the suite runs without a server (conftest.py)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from lessonloop import hook_server as server
from lessonloop.apply.hooks import client
from lessonloop.apply.hooks.command import RUN_CODE, check_command, hook_command, server_socket
from lessonloop.apply.hooks.kit.tool_args import stable_id
from tests.agent_data import hook_payloads
from tests.hook_helpers import HookRun, HookSession, hook_env, no_upstream

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the hook server needs fork and Unix sockets")


@pytest.fixture()
def runtime() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="llhs-"))  # /tmp/llhs-XXXX: a socket path under 104 bytes
    try:
        yield folder
    finally:
        for lock in folder.glob("lessonloop-*/*.lock"):
            server.stop(str(lock)[: -len(".lock")])
        shutil.rmtree(folder, ignore_errors=True)


def served_env(db: Path, runtime: Path, **extra: str) -> dict[str, str]:
    return hook_env(db, LESSONLOOP_HOOK_SERVER="1", XDG_RUNTIME_DIR=str(runtime), **extra)


def socket_of(env: dict[str, str], argv: list[str] | None = None) -> str:
    return str(server_socket(env, argv))


def check(env: dict[str, str], argv: list[str] | None = None) -> dict[str, Any]:
    done = subprocess.run(argv or check_command(), capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def started(env: dict[str, str], argv: list[str] | None = None) -> str:
    """Start the server as the hooks do (a call that finds none runs itself and starts one), wait
    until it answers; its socket."""
    path = socket_of(env, argv)
    assert path != "None"
    probe = [*(argv or check_command())[:-1], "PreToolUse"]  # a hook call (a --check starts nothing)
    subprocess.run(probe, input=b"{}", capture_output=True, env=env, timeout=60, check=True)
    assert server.wait_ready(path, timeout=60), "no server came up"
    return path


def _repo(path: Path, branch: str) -> Path:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", branch, str(path)], check=True)
    return path


def push_sessions(repo: Path, env: dict[str, str]) -> list[tuple[int, str]]:
    """Three sessions: the push without an upstream fails and is fixed twice, then is stopped
    (tests/apply/test_hooks_e2e.py's story); every hook's exit code and answer, in order."""
    answers: list[HookRun] = []
    for branch in ("feature-x", "feature-y", "feature-z"):
        subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-B", branch], check=True)
        session = HookSession(repo, env)
        session.session_id = str(uuid.uuid5(uuid.NAMESPACE_URL, branch))  # the same ids in both runs
        answers.append(session.start())
        if branch != "feature-z":
            answers += session.bash("git push", error=no_upstream(branch))
            answers += session.bash(f"git push --set-upstream origin {branch}", stdout="set up")
        else:
            answers.append(session.pre("git push"))
            answers += session.bash(f"git push -u origin {branch}", stdout="ok")
        answers.append(session.stop())
    return [(run.returncode, run.stdout) for run in answers]


def lessons(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT title, trigger_text, sessions, failed_sessions, prevented, warnings, tier, status FROM lessons"
        ).fetchall()


def test_calls_through_the_server_answer_as_calls_in_their_own_process(tmp_path: Path, runtime: Path) -> None:
    alone_db, served_db = tmp_path / "alone" / "lessonloop.db", tmp_path / "served" / "lessonloop.db"
    alone = push_sessions(_repo(tmp_path / "a" / "project", "main"), hook_env(alone_db))
    env = served_env(served_db, runtime)
    path = started(env)
    taken = client.running(path)
    assert taken is not None
    served = push_sessions(_repo(tmp_path / "b" / "project", "main"), env)
    assert [code for code, _ in served] == [code for code, _ in alone]
    # the same answers (the folders' names aside): the stop with the lesson in the third session
    assert [out.replace("/b/", "/a/") for _, out in served] == [out for _, out in alone]
    assert any('"permissionDecision": "deny"' in out for _, out in served)
    assert lessons(served_db) == lessons(alone_db) and lessons(served_db)
    after = client.running(path)
    assert after is not None and after[0] == taken[0]
    assert after[1] - taken[1] == len(served)  # every call went through the server
    assert not (served_db.parent / "hook-failures.log").exists()


def test_each_call_is_answered_with_its_own_environment(tmp_path: Path, runtime: Path) -> None:
    path = started(served_env(tmp_path / "one.db", runtime))
    for name in ("one.db", "two.db", "three.db"):
        answer = check(served_env(tmp_path / name, runtime))
        assert answer["db"] == str(tmp_path / name)
        assert answer["server"]["state"] == "running" and answer["server"]["answered"] is True
        assert answer["server"]["socket"] == path
    with ThreadPoolExecutor(8) as pool:  # at once: a child each
        answers = list(pool.map(lambda n: check(served_env(tmp_path / f"c{n}.db", runtime)), range(16)))
    assert [answer["db"] for answer in answers] == [str(tmp_path / f"c{n}.db") for n in range(16)]
    assert all(answer["server"]["answered"] for answer in answers)


def test_the_caller_is_the_agent_not_the_server(tmp_path: Path, runtime: Path) -> None:
    """Copilot CLI's hooks name a session without an id by the folder and the hook's parent (the
    running Copilot CLI): through the server, the parent is still the caller's."""
    db = tmp_path / "store" / "lessonloop.db"
    env = served_env(db, runtime)
    started(env)
    repo = _repo(tmp_path / "project", "main")
    payload = {
        "cwd": str(repo),
        "toolName": "bash",
        "toolArgs": json.dumps({"command": "echo hi"}),
        "toolResult": {"resultType": "success", "textResultForLlm": "hi\n"},
        "timestamp": 1,
    }
    argv = shlex.split(hook_command("postToolUse", agent="copilot"))
    done = subprocess.run(argv, input=json.dumps(payload).encode(), capture_output=True, env=env, check=True)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        sessions = {row[0] for row in conn.execute("SELECT session_id FROM hook_sessions")}
    assert sessions == {stable_id("copilot-", str(repo), os.getpid())}


def test_a_changed_module_ends_the_server_and_the_call_runs_itself(tmp_path: Path, runtime: Path) -> None:
    import lessonloop

    copy = tmp_path / "src"
    shutil.copytree(Path(lessonloop.__file__).parent, copy / "lessonloop", ignore=shutil.ignore_patterns("__pycache__"))
    argv = check_command()
    at = argv.index("-c") + 1
    argv[at] = f"import sys; sys.path.insert(0, {str(copy)!r}); {argv[at]}"
    env = served_env(tmp_path / "lessonloop.db", runtime)
    path = started(env, argv)
    assert check(env, argv)["server"]["answered"] is True
    handler = copy / "lessonloop" / "apply" / "hooks" / "pre_tool.py"
    handler.write_text(handler.read_text() + "\n# upgraded\n")
    answer = check(env, argv)
    assert answer["db"] == env["LESSONLOOP_DB"] and answer["server"]["answered"] is False  # run by the command itself
    deadline = time.monotonic() + 30
    while client.running(path) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.running(path) is None and not os.path.exists(path)


def test_an_idle_server_leaves_and_a_killed_one_costs_no_call(tmp_path: Path, runtime: Path) -> None:
    env = served_env(tmp_path / "lessonloop.db", runtime, LESSONLOOP_HOOK_SERVER_IDLE="1")
    path = started(env)
    deadline = time.monotonic() + 30
    while client.running(path) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.running(path) is None and not os.path.exists(path)  # gone, its socket with it

    env = served_env(tmp_path / "lessonloop.db", runtime)
    path = started(env)
    seen = client.running(path)
    assert seen is not None
    os.kill(seen[0], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while client.running(path) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.path.exists(path)  # the socket a killed server leaves: nobody listens
    answer = check(env)
    assert answer["db"] == env["LESSONLOOP_DB"] and answer["server"] == {
        "state": "stopped",
        "socket": path,
        "answered": False,
    }


def test_a_folder_others_can_enter_is_never_used(tmp_path: Path, runtime: Path) -> None:
    folder = runtime / f"lessonloop-{os.getuid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    env = served_env(tmp_path / "lessonloop.db", runtime)
    assert socket_of(env) == "None"
    answer = check(env)
    assert answer["db"] == env["LESSONLOOP_DB"] and answer["server"]["state"] == "off"
    session = HookSession(_repo(tmp_path / "project", "main"), env)
    assert session.start().returncode == 0
    assert list(folder.iterdir()) == []  # no server started, no socket made


def test_a_request_for_another_installation_is_refused(tmp_path: Path, runtime: Path) -> None:
    env = served_env(tmp_path / "lessonloop.db", runtime)
    path = started(env)
    before = client.running(path)
    for key in ("another interpreter\n/elsewhere", ""):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(30)
            conn.connect(path)
            body = client.MAGIC + b"\0" + b"\0".join([key.encode(), b"/", b"1", b"18", b"1", b"--check", b"A=b"])
            fds = b"".join(fd.to_bytes(4, sys.byteorder) for fd in (0, 1, 2))
            conn.sendmsg([len(body).to_bytes(4, "big") + body], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
            assert conn.recv(16) == b""  # closed without taking the call: the caller runs it itself
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:  # not a request at all
        conn.settimeout(30)
        conn.connect(path)
        conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert conn.recv(16) == b""
    after = client.running(path)
    assert before is not None and after is not None and after[0] == before[0]  # still serving
    assert check(env)["server"]["answered"] is True


def test_the_server_has_imported_what_hook_calls_import(tmp_path: Path) -> None:
    """A module a call imports that the server did not (server.PRELOAD) costs every call its
    import in the child: the calls of a story that learns and stops a push, in Claude Code's and
    Codex CLI's payloads, import nothing of lessonloop's that the ready server lacks."""
    from tests.import_census import hook_imports

    env = hook_env(tmp_path / "store" / "lessonloop.db")  # each call in its own process: its census
    repo = _repo(tmp_path / "project", "main")
    push_sessions(repo, env)
    env.pop("LESSONLOOP_HOOK_FOREGROUND")  # as installed: learning is the worker's, not the call's
    session = HookSession(repo, env)
    imported: set[str] = set()
    imported |= hook_imports("SessionStart", session.payload("SessionStart", source="startup"), env)
    imported |= hook_imports("UserPromptSubmit", session.payload("UserPromptSubmit", prompt="push it"), env)
    call = {"tool_name": "Bash", "tool_input": {"command": "git push"}, "tool_use_id": "toolu_census_1"}
    imported |= hook_imports("PreToolUse", session.payload("PreToolUse", **call), env)
    failure = {"error": no_upstream("main"), "is_interrupt": False}
    imported |= hook_imports("PostToolUseFailure", session.payload("PostToolUseFailure", **call, **failure), env)
    edit = {"file_path": str(repo / "README.md"), "old_string": "a", "new_string": "b"}
    done = {"tool_name": "Edit", "tool_input": edit, "tool_use_id": "toolu_census_2", "tool_response": {}}
    imported |= hook_imports("PostToolUse", session.payload("PostToolUse", **done), env)
    imported |= hook_imports("Stop", session.payload("Stop", stop_hook_active=False), env)
    recorded = hook_payloads("codex")
    for file in sorted(recorded.glob("*.json")):
        payload = {**json.loads(file.read_text(encoding="utf-8")), "cwd": str(repo)}
        imported |= hook_imports(file.stem, payload, env, agent="codex")
    argv = check_command()
    at = argv.index("-c") + 1
    code = argv[at].replace(RUN_CODE, "") + (
        "import json; from lessonloop import hook_server as server; server.ready(); print(json.dumps(sorted(sys.modules)))"
    )
    ready = set(json.loads(subprocess.run([*argv[:at], code], capture_output=True, text=True, check=True).stdout))
    # (`__import__(wing, fromlist=["_"])` looks for a `_` submodule: a name, not a module)
    ours = {name for name in imported if name.startswith("lessonloop") and not name.endswith("._")}
    assert "lessonloop.apply.hooks.pre_tool" in ours and "lessonloop.agents.codex.hooks" in ours  # the census
    missing = sorted(ours - ready)
    assert missing == [], "\n".join(missing)


SAMPLE = Path(__file__).resolve().parent.parent.parent / "src" / "lessonloop" / "sample" / "claude-code"


def lessonloop(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    return done.returncode, done.stdout, done.stderr


def test_reads_through_the_server_print_what_they_print_alone(tmp_path: Path, runtime: Path) -> None:
    """`stats`, `sessions`, `show`, `report` and `search` (client.SERVED_COMMANDS) are run by the
    server's child when it answers: the same output, errors and exit status as in their own
    process, and only those commands."""
    db = tmp_path / "lessonloop.db"
    home = tmp_path / "home"
    home.mkdir()
    alone = {**os.environ, "HOME": str(home), "LESSONLOOP_HOOK_SERVER": "0", "NO_COLOR": "1", "COLUMNS": "120"}
    assert lessonloop(["ingest", "--wait", "--db", str(db), str(SAMPLE)], alone)[0] == 0
    served = {**alone, "LESSONLOOP_HOOK_SERVER": "1", "XDG_RUNTIME_DIR": str(runtime)}
    code, out, _err = lessonloop(["sessions", "--json", "--db", str(db)], served)  # no server yet: starts one
    assert code == 0
    session = json.loads(out)[0]["id"]
    path = str(server_socket(served))
    assert server.wait_ready(path, 60)
    reads = [
        ["stats", "--json"],
        ["stats", "--by", "day"],
        ["sessions"],
        ["sessions", "--json"],
        ["show", session],
        ["show", session, "--json"],
        ["report", "--json"],
        ["report"],
        ["search", "lessonloop", "--json"],
        ["show", "no-such-session"],  # an error: its message and status
        ["stats", "--by", "nonsense"],  # a usage error: argparse's message, status 2
    ]
    before = client.running(path)
    assert before is not None
    for words in reads:
        by_itself = lessonloop([*words, "--db", str(db)], alone)
        through = lessonloop([*words, "--db", str(db)], served)
        assert through == by_itself, words
    assert any(code != 0 for code, _o, _e in [lessonloop(["show", "no-such-session", "--db", str(db)], alone)])
    after = client.running(path)
    assert after is not None and after[1] - before[1] == len(reads)  # each went through the server
    assert lessonloop(["lessons", "list", "--json", "--db", str(db)], served)[0] == 0
    last = client.running(path)
    assert last is not None and last[1] == after[1]  # any other command runs in its own process


def test_the_server_has_imported_what_reads_import(tmp_path: Path) -> None:
    """server.READ_PRELOAD and the reads' parsers and handlers: what `lessonloop stats`,
    `sessions`, `show`, `report` and `search` import of lessonloop's, the ready server has."""
    from tests.import_census import command_imports

    db = tmp_path / "lessonloop.db"
    shutil.copytree(SAMPLE, tmp_path / ".claude" / "projects")  # the agent's own place: found by discovery
    env = {**os.environ, "HOME": str(tmp_path), "LESSONLOOP_HOOK_SERVER": "0"}
    env.pop("CLAUDE_CONFIG_DIR", None)
    assert lessonloop(["ingest", "--wait", "--db", str(db)], env)[0] == 0
    session = json.loads(lessonloop(["sessions", "--json", "--db", str(db)], env)[1])[0]["id"]
    env["LESSONLOOP_REFRESH"] = "1"  # a read looks for what is new first (here: nothing), as for a person
    imported: set[str] = set()
    for words in (["stats"], ["stats", "--by", "day", "--json"], ["sessions"], ["sessions", "--json"],
                  ["show", session], ["report"], ["report", "--json"], ["search", "lessonloop", "--json"]):  # fmt: skip
        imported |= command_imports(env, *words, "--db", str(db))
    argv = check_command()
    at = argv.index("-c") + 1
    code = argv[at].replace(RUN_CODE, "") + (
        "import json; from lessonloop import hook_server as server; server.ready(); print(json.dumps(sorted(sys.modules)))"
    )
    ready = set(json.loads(subprocess.run([*argv[:at], code], capture_output=True, text=True, check=True).stdout))
    # (a wing's module a read names through core/wings.py is imported when the read needs it)
    wings = ("lessonloop.history", "lessonloop.runs", "lessonloop.dataset", "lessonloop.team")
    ours = {name for name in imported if name.startswith("lessonloop") and not name.startswith(wings)}
    assert "lessonloop.cli.handlers.sessions" in ours  # the census
    missing = sorted(ours - ready)
    assert missing == [], "\n".join(missing)


def test_a_caller_in_another_mount_namespace_runs_its_call_itself(tmp_path: Path, runtime: Path) -> None:
    """A sandbox or a container of its own (here `unshare --mount`) sees other files than the
    server: its call is never run outside it (hook_server.same_world), it runs in its own process."""
    from tests.hook_helpers import mount_namespace

    prefix = mount_namespace()
    if prefix is None:
        pytest.skip("this system gives no mount namespace (unshare) to a test")
    db = tmp_path / "lessonloop.db"
    env = served_env(db, runtime)
    path = started(env)
    before = client.running(path)
    assert before is not None
    done = subprocess.run([*prefix, *check_command()], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["db"] == str(db) and answer["server"]["answered"] is False
    after = client.running(path)
    assert after is not None and after[0] == before[0]  # refused, and still serving the others
    assert check(env)["server"]["answered"] is True


def test_a_server_that_cannot_start_says_why_in_hooks_status(tmp_path: Path, runtime: Path) -> None:
    env = served_env(tmp_path / "lessonloop.db", runtime)
    path = socket_of(env)
    os.makedirs(path + ".lock")  # its lock cannot be opened: the server fails as it starts
    probe = [*check_command()[:-1], "PreToolUse"]
    assert subprocess.run(probe, input=b"{}", capture_output=True, env=env, timeout=60).returncode == 0
    deadline = time.monotonic() + 30
    while not os.path.exists(path + ".log") and time.monotonic() < deadline:
        time.sleep(0.05)
    answer = check(env)
    assert answer["server"]["state"] == "stopped"
    assert "IsADirectoryError" in answer["server"]["last_failure"]
    os.rmdir(path + ".lock")


def test_a_stopped_server_leaves_nothing_behind(tmp_path: Path, runtime: Path) -> None:
    env = served_env(tmp_path / "lessonloop.db", runtime)
    path = started(env)
    assert server.stop(path)
    assert sorted(os.listdir(os.path.dirname(path))) == []  # no socket, lock, stamp nor failure log


def test_the_command_and_the_client_name_the_same_reads() -> None:
    import lessonloop.__main__ as entry_point

    assert set(entry_point.SERVED) == client.SERVED_COMMANDS
