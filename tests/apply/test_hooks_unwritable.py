"""Hooks next to a store whose folder cannot be written (read-only, or its disk full): each
failure is still logged, in a fallback log ($XDG_STATE_HOME/lessonloop/) that `lessonloop hooks
status` reads too, nothing is left behind (no `hook-config-cache.json.<pid>`), and every hook
exits 0.

The folder is made unwritable for real: chmod for an ordinary user; for root (whom chmod does
not stop) a read-only bind mount, and for "full" a small tmpfs filled up, each in a mount
namespace of the test's own (tests/hook_helpers.mount_namespace), skipped where the system
allows none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply.hooks import failures
from lessonloop.apply.hooks.command import hook_command
from tests.hook_helpers import HookSession, hook_env, mount_namespace, no_upstream, run_hook

EVENTS = ("PostToolUse", "PostToolUseFailure", "PreToolUse", "UserPromptSubmit", "SessionStart", "Stop")

# Runs inside the mount namespace: FOLDER made read-only (or a full tmpfs), then each hook
# event of argv[3] (JSON: [[event, payload], ...]) through the installed command; prints what
# the hooks answered and the folder's files.
INSIDE = r"""
import json, os, shlex, subprocess, sys
folder, mode, events = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
hook = shlex.split(sys.argv[4])
if mode == "read-only":
    subprocess.run(["mount", "--bind", folder, folder], check=True)
    subprocess.run(["mount", "-o", "remount,bind,ro", folder, folder], check=True)
else:  # full: the store copied onto a small tmpfs, the rest of it filled up
    saved = {name: open(os.path.join(folder, name), "rb").read() for name in os.listdir(folder)}
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", folder], check=True)
    for name, data in saved.items():
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(data)
    filler = os.open(os.path.join(folder, "filler"), os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(filler, b"\0" * 4096):
            pass
    except OSError:  # ENOSPC: the disk is full
        pass
    os.close(filler)
answers = []
for event, payload in events:
    done = subprocess.run(hook + [event], input=json.dumps(payload).encode(), capture_output=True, timeout=60)
    answers.append([event, done.returncode, done.stdout.decode(), done.stderr.decode()])
print(json.dumps({"answers": answers, "files": sorted(os.listdir(folder))}))
"""


def _payloads(session: HookSession, n: int) -> list[list[Any]]:
    common = {"tool_name": "Bash", "tool_input": {"command": "git push"}}
    return [
        ["PostToolUse", session.payload("PostToolUse", tool_use_id=f"toolu_ro_{n}a", tool_response={"stdout": ""},
                                        **common)],
        ["PostToolUseFailure", session.payload("PostToolUseFailure", tool_use_id=f"toolu_ro_{n}b",
                                               error=no_upstream("main"), **common)],
        ["PreToolUse", session.payload("PreToolUse", tool_use_id=f"toolu_ro_{n}c", **common)],
        ["UserPromptSubmit", session.payload("UserPromptSubmit", prompt="push the branch")],
        ["SessionStart", session.payload("SessionStart", source="startup")],
        ["Stop", session.payload("Stop", stop_hook_active=False)],
    ]  # fmt: skip


def _prepared(tmp_path: Path, sessions: int = 1) -> tuple[Path, dict[str, str], HookSession]:
    """A store with a lesson learned live from the mistake in `sessions` sessions (one: a
    candidate, given to no agent; two: active), the fallback log in tmp_path/state, the
    configuration changed after the hooks cached it (so the next hook rebuilds the cache: the
    write that used to leave `hook-config-cache.json.<pid>` behind); the last session."""
    db = tmp_path / "store" / "lessonloop.db"
    config = tmp_path / "config.toml"
    config.write_text("[capture]\nenabled = true\n")
    env = hook_env(
        db,
        XDG_STATE_HOME=str(tmp_path / "state"),
        TMPDIR=str(tmp_path / "tmp"),
        LESSONLOOP_CONFIG=str(config),
        LESSONLOOP_HOOK_FOREGROUND="1",
    )
    for _ in range(sessions):
        session = HookSession(tmp_path, env)
        session.bash("git push", error=no_upstream("main"))
        session.bash("git push --set-upstream origin main")  # a lesson learned live
    config.write_text("[capture]\nenabled = true\n# changed\n")
    return db, env, session


def _status(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "hooks", "status", "--json"], capture_output=True, text=True, env=env,
        timeout=120, check=True,
    )  # fmt: skip
    return dict(json.loads(done.stdout))


def _inside(prefix: list[str], folder: Path, mode: str, events: list[list[Any]], env: dict[str, str]) -> Any:
    done = subprocess.run(
        [*prefix, sys.executable, "-c", INSIDE, str(folder), mode, json.dumps(events), hook_command("")],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _check_logged(
    db: Path, env: dict[str, str], answers: list[list[Any]], cause: str, monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, object]]:
    for event, code, _out, err in answers:
        assert (code, err) == (0, ""), event
    monkeypatch.setenv("XDG_STATE_HOME", env["XDG_STATE_HOME"])  # where the hooks' fallback log is
    monkeypatch.setenv("TMPDIR", env["TMPDIR"])
    count, logged = failures.read_failures(str(db), limit=100)
    fallback = str(Path(env["XDG_STATE_HOME"]) / "lessonloop" / "hook-failures.log")
    assert count >= 3 and Path(fallback).is_file()
    assert all(f"the store {db}" in str(entry["error"]) and cause in str(entry["error"]) for entry in logged), logged
    status = _status(env)
    assert status["failure_log"]["count"] == count and fallback in status["failure_log"]["files"]
    return logged


def _read_only(db: Path, events: list[list[Any]], env: dict[str, str]) -> Any:
    """The hook `events` run on the store at `db` made read-only: its file 0444 in a folder 0555
    for an ordinary user, a read-only bind mount of its folder for root."""
    if os.geteuid() != 0:  # chmod stops an ordinary user
        paths = [db.parent, *db.parent.iterdir()]
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            return _inside([], db.parent, "as-is", events, env)
        finally:
            for path in paths:
                path.chmod(0o755 if path.is_dir() else 0o644)
    prefix = mount_namespace()
    if prefix is None:
        pytest.skip("root, and no mount namespace for a read-only bind mount (chmod does not stop root)")
    return _inside(prefix, db.parent, "read-only", events, env)


@pytest.mark.slow
def test_a_read_only_store_folder_logs_every_failure_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db, env, session = _prepared(tmp_path)
    events = _payloads(session, 1)
    before = sorted(os.listdir(db.parent))
    inside = _read_only(db, events, env)
    logged = _check_logged(db, env, inside["answers"], "read-only", monkeypatch)
    assert {entry["event"] for entry in logged} >= {"PostToolUse", "PostToolUseFailure"}
    assert inside["files"] == before  # no hook-config-cache.json.<pid>, nothing else left behind
    assert failures.read_failures(str(tmp_path / "other" / "lessonloop.db"))[0] == 0  # another store's: none


@pytest.mark.slow
def test_a_read_only_store_still_gives_its_lessons_and_logs_what_it_could_not_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/hooks.md: a read-only store costs the record, never the lessons. A new session on the
    read-only store is given the lesson (active: the mistake was made in two sessions) at its
    start, for its prompt and before the call it is about; there the hook warns instead of
    stopping the call (a stop it cannot remember beside the store would stop the agent for good:
    the same call, the folder writable again, is stopped); each event's record fails, and the
    failure is in the log `hooks status` reads."""
    db, env, _ = _prepared(tmp_path, sessions=2)
    later = HookSession(tmp_path, env)
    push = later.payload(
        "PreToolUse", tool_name="Bash", tool_input={"command": "git push"}, tool_use_id="toolu_ro_later"
    )
    events = [
        ["SessionStart", later.payload("SessionStart", source="startup")],
        ["UserPromptSubmit", later.payload("UserPromptSubmit", prompt="push the branch to origin")],
        ["PreToolUse", push],
    ]
    before = sorted(os.listdir(db.parent))
    inside = _read_only(db, events, env)
    for event, code, out, err in inside["answers"]:
        assert (code, err) == (0, ""), event
        given = json.loads(out)["hookSpecificOutput"] if out else {}
        assert "git push --set-upstream origin main" in given.get("additionalContext", ""), (event, out)
        assert "permissionDecision" not in given, (event, out)  # a warning, no stop
    logged = _check_logged(db, env, inside["answers"], "read-only", monkeypatch)
    assert {entry["event"] for entry in logged} == {"SessionStart", "UserPromptSubmit", "PreToolUse"}
    assert all("its lessons are still given" in str(entry["error"]) for entry in logged), logged
    assert inside["files"] == before
    writable = run_hook("PreToolUse", push, env)  # the same call, the folder writable: stopped once
    assert (writable.output or {}).get("hookSpecificOutput", {}).get("permissionDecision") == "deny", writable.stdout


@pytest.mark.slow
def test_a_full_store_folder_logs_every_failure_elsewhere_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = mount_namespace()
    if prefix is None:
        pytest.skip("no mount namespace for a small tmpfs (unshare not allowed here)")
    db, env, session = _prepared(tmp_path)
    inside = _inside(prefix, db.parent, "full", _payloads(session, 2), env)
    logged = _check_logged(db, env, inside["answers"], "is full: ", monkeypatch)
    assert {entry["event"] for entry in logged} >= {"PostToolUse", "PostToolUseFailure"}
    leftovers = [name for name in inside["files"] if name.startswith("hook-config-cache.json.")]
    assert leftovers == []


def test_a_failure_goes_to_the_temporary_folder_when_the_state_folder_cannot_be_written_either(
    tmp_path: Path,
) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    db.parent.mkdir()
    (db.parent / "hook-failures.log").mkdir()  # the log next to the store cannot be appended
    state = tmp_path / "state"
    state.write_text("a file where the state folder should be")
    env = dict(os.environ, XDG_STATE_HOME=str(state), TMPDIR=str(tmp_path / "tmp"))
    done = subprocess.run(
        [sys.executable, "-c", "from lessonloop.apply.hooks import failures; import sys; "
         "print(failures.log_failure(sys.argv[1], 'PreToolUse', 's', 'boom'))", str(db)],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )  # fmt: skip
    written = done.stdout.strip()
    assert written == str(tmp_path / "tmp" / f"lessonloop-{os.getuid()}" / "hook-failures.log")
    status = _status(dict(env, LESSONLOOP_DB=str(db)))
    assert status["failure_log"]["count"] == 1 and status["failure_log"]["last"][0]["error"] == "boom"
