"""Driving the real hook entry point: one subprocess per event, the payload on stdin, the way
Claude Code runs an installed hook (command.hook_command)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import uuid
from pathlib import Path
from typing import Any

from lessonloop.apply.hooks.command import hook_command


def hook_env(db: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, LESSONLOOP_DB=str(db), LESSONLOOP_HOOK_FOREGROUND="1")
    env.update(extra)
    return env


class HookRun:
    def __init__(self, completed: subprocess.CompletedProcess[bytes]) -> None:
        self.returncode = completed.returncode
        self.stdout = completed.stdout.decode("utf-8", "replace")
        self.stderr = completed.stderr.decode("utf-8", "replace")

    @property
    def output(self) -> dict[str, Any] | None:
        return json.loads(self.stdout) if self.stdout.strip() else None

    @property
    def context(self) -> str:
        out = self.output or {}
        return str(out.get("hookSpecificOutput", {}).get("additionalContext", ""))


def run_hook(
    event: str | None, payload: dict[str, Any] | bytes, env: dict[str, str], *options: str, timeout: float = 60
) -> HookRun:
    """Run the command `lessonloop hooks install` writes for EVENT (command.hook_command), with
    `payload` on stdin; without EVENT the payload's hook_event_name decides."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    argv = shlex.split(hook_command(event or "", tuple(options)))  # no EVENT: an empty word, dropped
    return HookRun(subprocess.run(argv, input=data, capture_output=True, env=env, timeout=timeout, check=False))


class HookSession:
    """Payloads of one Claude Code session in `cwd`, as Claude Code sends them."""

    def __init__(self, cwd: Path, env: dict[str, str], transcript: Path | None = None) -> None:
        self.session_id = str(uuid.uuid4())
        self.cwd = str(cwd)
        self.env = env
        self.transcript = str(transcript) if transcript else str(cwd / f"{self.session_id}.jsonl")
        self.calls = 0

    def payload(self, event: str, **fields: Any) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "transcript_path": self.transcript,
            "cwd": self.cwd,
            "permission_mode": "default",
            "hook_event_name": event,
            **fields,
        }

    def start(self, source: str = "startup") -> HookRun:
        return run_hook("SessionStart", self.payload("SessionStart", source=source, model="claude-test"), self.env)

    def prompt(self, text: str) -> HookRun:
        return run_hook("UserPromptSubmit", self.payload("UserPromptSubmit", prompt=text), self.env)

    def pre(self, command: str, *options: str) -> HookRun:
        """The PreToolUse of a Bash call alone (a call the hook stops never runs: no PostToolUse)."""
        self.calls += 1
        tool_input = {"command": command, "description": "run it"}
        return run_hook(
            "PreToolUse",
            self.payload("PreToolUse", tool_name="Bash", tool_input=tool_input, tool_use_id=self._call_id()),
            self.env,
            *options,
        )

    def _call_id(self) -> str:
        return f"toolu_{self.session_id[:8]}_{self.calls:04d}"

    def bash(self, command: str, error: str | None = None, stdout: str = "", *options: str) -> tuple[HookRun, HookRun]:
        """PreToolUse, then PostToolUse (or PostToolUseFailure when `error` is given)."""
        pre = self.pre(command, *options)
        tool_use_id = self._call_id()
        tool_input = {"command": command, "description": "run it"}
        if error is None:
            response = {"stdout": stdout, "stderr": "", "interrupted": False, "isImage": False}
            post = run_hook(
                "PostToolUse",
                self.payload(
                    "PostToolUse",
                    tool_name="Bash",
                    tool_input=tool_input,
                    tool_use_id=tool_use_id,
                    tool_response=response,
                ),
                self.env,
            )
        else:
            post = run_hook(
                "PostToolUseFailure",
                self.payload(
                    "PostToolUseFailure",
                    tool_name="Bash",
                    tool_input=tool_input,
                    tool_use_id=tool_use_id,
                    error=error,
                    is_interrupt=False,
                ),
                self.env,
            )
        return pre, post

    def edit(self, path: Path, old: str, new: str, error: str | None = None) -> HookRun:
        """An Edit of `path`: PreToolUse, then PostToolUse (or PostToolUseFailure when `error` is
        given); the PreToolUse's run."""
        self.calls += 1
        tool_input = {"file_path": str(path), "old_string": old, "new_string": new}
        pre = run_hook(
            "PreToolUse",
            self.payload("PreToolUse", tool_name="Edit", tool_input=tool_input, tool_use_id=self._call_id()),
            self.env,
        )
        event = "PostToolUseFailure" if error else "PostToolUse"
        fields = {"error": error, "is_interrupt": False} if error else {"tool_response": {"filePath": str(path)}}
        run_hook(
            event,
            self.payload(event, tool_name="Edit", tool_input=tool_input, tool_use_id=self._call_id(), **fields),
            self.env,
        )
        return pre

    def stop(self) -> HookRun:
        return run_hook("Stop", self.payload("Stop", stop_hook_active=False), self.env)

    def end(self) -> HookRun:
        return run_hook("SessionEnd", self.payload("SessionEnd", reason="exit"), self.env)


def no_upstream(branch: str) -> str:
    return (
        f"Exit code 128\nfatal: The current branch {branch} has no upstream branch.\n"
        "To push the current branch and set the remote as upstream, use\n\n"
        f"    git push --set-upstream origin {branch}\n\n"
        "To have this happen automatically for branches without a tracking\n"
        "upstream, see 'push.autoSetupRemote' in 'git help config'."
    )


def mount_namespace() -> list[str] | None:
    """The command prefix that runs a command in a mount namespace of its own where it may mount
    (a tmpfs, a read-only bind mount) without touching the machine's mounts: `unshare --mount` as
    root, with `--user --map-root-user` otherwise. None when the system allows neither (a
    container without the capability, unprivileged user namespaces turned off)."""
    import shutil
    import tempfile

    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    prefix = [unshare, "--mount"] if os.geteuid() == 0 else [unshare, "--user", "--map-root-user", "--mount"]
    with tempfile.TemporaryDirectory() as probe:
        try:
            done = subprocess.run(
                [*prefix, "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe],
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
    return prefix if done.returncode == 0 else None


def stopped_pushes(repo: Path, env: dict[str, str]) -> None:
    """Three Claude Code sessions in `repo` (a git repository on feature-x) through the real hooks:
    the first fails `git push` without an upstream and fixes it with --set-upstream; the second's
    `git push` is stopped once by that lesson and its changed push works; the third's is stopped
    once, then sent again unchanged, and fails again. The store the prevention figures read."""
    first = HookSession(repo, env)
    first.start()
    first.bash("git push", error=no_upstream("feature-x"))
    first.bash("git push --set-upstream origin feature-x", stdout="branch set up")
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-b", "feature-y"], check=True)
    second = HookSession(repo, env)
    second.start()
    stopped = second.pre("git push")  # a one-off of the project that names its remedy: stopped once
    assert stopped.output is not None and stopped.output["hookSpecificOutput"]["permissionDecision"] == "deny"
    second.bash("git push --set-upstream origin feature-y", stdout="branch set up")  # the changed call works
    third = HookSession(repo, env)
    third.start()
    assert third.pre("git push").output is not None  # stopped once in this session too
    third.bash("git push", error=no_upstream("feature-y"))  # sent again unchanged: it runs, and fails
