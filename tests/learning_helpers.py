"""Builders for scripted learning histories: sessions of tool calls as `CallEvent`s, on one clock.

    script = Script()
    s = script.session("s1", branch="feat-x")
    push = s.bash("git push", error=NO_UPSTREAM % "feat-x", error_class="MISSING_PREREQUISITE")
    decision = play(learner, push)  # decide before the result, then observe it

Every call takes the next second of the script's clock, so events of all sessions are in time order
as they are made; `Script.advance(days=...)` jumps ahead (for decay).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lessonloop.agents.claude.reader.tools import kind_of
from lessonloop.analyze.inputs import Call
from lessonloop.core.timestamps import format_timestamp
from lessonloop.learning.engine.engine import Decision, Learner
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.history import CorrectionEvent, History

START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
PROJECT = "/home/dev/app"

NO_UPSTREAM = (
    "Exit code 128\n"
    "fatal: The current branch %s has no upstream branch.\n"
    "To push the current branch and set the remote as upstream, use\n\n"
    "    git push --set-upstream origin %s\n"
)
PRE_COMMIT = "Pre-commit validation failed:\n\n[FORMAT] Code is not formatted.\nRun 'mix format' to fix."
IGNORED = (
    "The following paths are ignored by one of your .gitignore files:\n"
    "priv/static/assets\n"
    "hint: Use -f if you really want to add them.\n"
    'hint: Turn this message off by running\nhint: "git config advice.addIgnoredFile false"'
)


def no_upstream(branch: str) -> str:
    """git's error for `git push` on a branch without an upstream."""
    return NO_UPSTREAM % (branch, branch)


def push_failure(s: ScriptedSession, command: str = "git push") -> CallEvent:
    """`git push` failing on the session's branch for a missing upstream."""
    return s.bash(command, error=no_upstream(s.branch or ""), error_class="MISSING_PREREQUISITE")


def push_episode(s: ScriptedSession) -> list[CallEvent]:
    """`git push` failing for a missing upstream, then the agent setting it."""
    return [push_failure(s), s.bash(f"git push -u origin {s.branch}")]


def format_episode(s: ScriptedSession) -> list[CallEvent]:
    """An edit, a commit the pre-commit hook rejects as unformatted, `mix format`, the commit again."""
    return [
        s.edit("lib/a.ex"),
        s.bash("git commit -m x", error=PRE_COMMIT, error_class="WORKFLOW_SEQUENCE"),
        s.bash("mix format"),
        s.bash("git commit -m x"),
    ]


def replay_cli(tmp_path: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`lessonloop replay ARGS` as a real process, with a store (`replay_db`) and config of its own
    under `tmp_path`."""
    env = {**os.environ, "LESSONLOOP_DB": str(replay_db(tmp_path)), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("LESSONLOOP_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", "replay", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=timeout,
        check=False,
    )


def replay_db(tmp_path: Path) -> Path:
    """The store `replay_cli` gives the command (replay must leave it without lessons)."""
    return tmp_path / "user" / "lessonloop.db"


class Script:
    """A history being written: sessions whose calls share one clock."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start
        self.count = 0

    def tick(self) -> str:
        self.now += timedelta(seconds=1)
        return format_timestamp(self.now)

    def advance(self, days: float = 0.0, seconds: float = 0.0) -> None:
        self.now += timedelta(days=days, seconds=seconds)

    def next_id(self) -> str:
        self.count += 1
        return f"toolu_{self.count:05d}"

    def session(
        self,
        session_id: str,
        project: str | None = PROJECT,
        branch: str | None = "feat-x",
        cwd: str | None = None,
    ) -> ScriptedSession:
        return ScriptedSession(self, session_id, project, branch, cwd if cwd is not None else project)


class ScriptedSession:
    """One main session of a script; every call returns its `CallEvent` (also kept in `events`)."""

    def __init__(
        self, script: Script, session_id: str, project: str | None, branch: str | None, cwd: str | None
    ) -> None:
        self.script = script
        self.session_id = session_id
        self.project = project
        self.branch = branch
        self.cwd = cwd
        self.events: list[CallEvent] = []
        self.seq = 0

    def call(
        self,
        tool: str,
        *,
        command: str | None = None,
        target_path: str | None = None,
        error: str | None = None,
        error_class: str | None = None,
        status: str | None = None,
        context: str | None = None,
        tool_input: dict[str, Any] | None = None,
        result: str = "",
    ) -> CallEvent:
        """A call of `tool`: failed with `error` (status "error") when given, else ok (`result`:
        the start of its output)."""
        self.seq += 1
        ts = self.script.tick()
        if status is None:
            status = "error" if error is not None else "ok"
        data: dict[str, Any] = dict(tool_input or {})
        if command is not None:
            data.setdefault("command", command)
        if target_path is not None:
            data.setdefault("file_path", target_path)
        call = Call(
            id=self.script.next_id(),
            context_id=context or self.session_id,
            seq=self.seq,
            ts=ts,
            tool=tool,
            kind=kind_of(tool),
            input=data,
            target_path=target_path,
            command=command,
            cwd=self.cwd,
            status=status,
            exit_code=(1 if status == "error" else 0) if command is not None else None,
            error_text=error,
            result_text=None if error is not None else result,
            result_seq=self.seq,
            result_ts=ts,
        )
        event = CallEvent(call, self.session_id, self.project, self.branch, self.cwd, error_class)
        self.events.append(event)
        return event

    def bash(
        self, command: str, error: str | None = None, error_class: str | None = None, status: str | None = None
    ) -> CallEvent:
        return self.call("Bash", command=command, error=error, error_class=error_class, status=status)

    def edit(self, path: str, error: str | None = None, error_class: str | None = None) -> CallEvent:
        return self.call("Edit", target_path=self.path(path), error=error, error_class=error_class)

    def write(self, path: str) -> CallEvent:
        return self.call("Write", target_path=self.path(path))

    def read(self, path: str, error: str | None = None, error_class: str | None = None) -> CallEvent:
        return self.call("Read", target_path=self.path(path), error=error, error_class=error_class)

    def path(self, path: str) -> str:
        """`path` made absolute under the session's folder (as agents pass file paths)."""
        if path.startswith("/") or not self.cwd:
            return path
        return f"{self.cwd.rstrip('/')}/{path}"


def play(learner: Learner, event: CallEvent) -> Decision:
    """What a live hook does with one call: decide before its result, then learn from it."""
    decision = learner.decide(event)
    learner.observe(event, decision)
    return decision


def play_all(learner: Learner, events: Iterable[CallEvent]) -> list[Decision]:
    return [play(learner, event) for event in events]


def history(events: Iterable[CallEvent], corrections: Iterable[CorrectionEvent] = ()) -> History:
    """A `History` of scripted events (as learning/runs.load_history builds one from the store)."""
    ordered = sorted(events, key=lambda e: (e.ts, e.call.context_id, e.call.seq))
    starts: dict[str, str] = {}
    for event in ordered:
        starts.setdefault(event.session_id, event.ts)
    return History(ordered, sorted(corrections, key=lambda c: c.ts or ""), starts)
