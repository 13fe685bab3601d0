"""`lessonloop hook [EVENT] [--block] [--ask]`: the one entry point of every Claude Code hook.

Claude Code starts this as a new process on every matching event, so it is written for speed:
stdlib only at import (json, sqlite3 through hook_store), each handler imported when its event
comes, no argparse, no dataclasses, no pathlib. It reads the hook JSON on stdin; EVENT (as
Claude Code names it) comes from the command line, else from the payload's `hook_event_name`.

Another agent's hook runs it with `--agent=AGENT EVENT` (EVENT as that agent names it):
agents/<agent>/hooks.py turns its payload into Claude Code's (a post-call payload whose result it
reads as failed becomes PostToolUseFailure) and the handler's answer into the agent's own fields and
exit code (core/agent_parts.py's HookAdapter, docs/agents/).

Every answer (the lessons a hook gives the agent as context, a warning, a reason to ask or deny)
is redacted again before it is written (prose scope).

It fails open: any error (unreadable stdin, a missing or corrupt store, a handler exception, its
time budget spent) ends with exit 0 and no output, i.e. no decision, and the failure is written
to the log `lessonloop hooks status` shows (failures.py). Exit 2 (which would block the agent) is
never used: every agent's adapter answers with exit 0, a deny in JSON. A hook that answers (a
warning, lessons) writes its answer first and records it after (HookContext.after_answer): a
store that is locked (the record waits in the spool: spool.py), full or read-only (the failure is
logged) costs the record, never the answer.

`--check` prints {"ok", "db", "lessons", "problem", "server"} for `lessonloop hooks status`. The ingest
worker of Stop / SessionEnd is a process of its own (pipeline/live_ingest.py, started by
session_end.py).
"""

from __future__ import annotations

import json
import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Callable

# Seconds a handler may take before it gives up (Claude Code's own timeouts are larger: command.py).
BUDGET_SECONDS = {
    "SessionStart": 6.0,
    "UserPromptSubmit": 4.0,
    "PreToolUse": 4.0,
    "PostToolUse": 6.0,
    "PostToolUseFailure": 6.0,
    "Stop": 50.0,
    "SessionEnd": 50.0,
}
MAX_PAYLOAD_BYTES = 16 * 1024 * 1024
# The pid of the process that started the hook (the agent, or its shell): set by the hook server's
# child (server.py), whose own parent is the server; None: this process's parent (`caller_pid`).
CALLER_PID: list[int | None] = [None]
_HANDLERS = {
    "SessionStart": ("session_start", "handle"),
    "UserPromptSubmit": ("prompt", "handle"),
    "PreToolUse": ("pre_tool", "handle"),
    "PostToolUse": ("post_tool", "handle"),
    "PostToolUseFailure": ("post_tool", "handle"),
    "Stop": ("session_end", "handle"),
    "SessionEnd": ("session_end", "handle"),
}


class HookTimeout(Exception):
    """The handler's time budget ran out."""


class HookContext:
    """What every handler gets besides the payload: the event, the store path, the options, and
    the work to do once the answer is out (`after_answer`)."""

    __slots__ = ("after", "agent", "ask", "block", "db", "event", "stop", "unshown")

    def __init__(self, event: str, db: str, options: list[str], agent: str | None = None) -> None:
        self.event = event
        # whose hook this is (`--agent=NAME`: its folder), the shell its commands run in; None: the
        # default agent, whose payloads the handlers read as they are (core/agent_spec.py)
        self.agent = agent
        self.db = db
        self.block = "--block" in options
        self.ask = "--ask" in options
        # a lesson that earned it stops a call once (the default); --warn-only: never
        self.stop = "--warn-only" not in options
        self.after: list[Callable[[], object]] = []
        # the actions the agent shows nobody (an adapter's UNSHOWN_ACTIONS: Copilot CLI reads no
        # plain warning), recorded as not given
        self.unshown: frozenset[str] = frozenset()

    def shell_agent(self, cwd: str | None) -> str | None:
        """The agent whose shell a command run in `cwd` runs in: this hook's; for the default agent
        its folder, its spec read only for a folder that is not a POSIX one (in a POSIX folder every
        agent's shell is; lesson_model/environment.py)."""
        if self.agent is not None or not cwd or cwd.startswith("/"):
            return self.agent
        from lessonloop.core.agent_specs import default_spec

        return default_spec().folder

    @property
    def agent_id(self) -> str | None:
        """The store's id of this hook's agent (its spec, read already); None: the default agent."""
        if self.agent is None:
            return None
        from lessonloop.core.agent_specs import spec_named

        spec = spec_named(self.agent)
        return spec.id if spec is not None else self.agent

    def after_answer(self, work: Callable[[], object]) -> None:
        """Run `work` (recording what was decided) once the answer is written and flushed: the
        answer never waits for the store's write lock, and a failure to record cannot take it."""
        self.after.append(work)


def main(argv: list[str] | None = None) -> int:
    """Run one hook; always returns 0 (see the module's docstring)."""
    args = sys.argv[1:] if argv is None else argv
    event: str | None = None
    session_id: str | None = None
    db = ""
    exit_code = 0
    try:
        from lessonloop.store.location import db_path_text

        db = db_path_text()
        options = [a for a in args if a.startswith("--")]
        names = [a for a in args if not a.startswith("--")]
        if "--check" in options:
            return _check(db)
        agent = _agent(options)
        payload = _read_payload()
        event = names[0] if names else None
        if event is None:
            named = payload.get("hook_event_name")
            event = named if isinstance(named, str) else None
        adapter = None
        call = None
        agent_event = event or ""
        if agent is not None:  # another agent: its event and payload in the handlers' (Claude Code's) terms
            from lessonloop.core.agent_specs import hooks_of, spec_named

            spec = spec_named(agent)  # its own spec, read already by _agent
            event = spec.hook_events.get(agent_event) if spec is not None else None
            if spec is None or event is None:
                return 0
            adapter = hooks_of(spec)
            normalized = adapter.payload(agent_event, payload)
            if normalized is None:
                return 0  # nothing lessonloop reads (an event or tool it does not handle)
            call_of = getattr(adapter, "call_of", None)  # the call the answer is about, given to it
            call = call_of(agent_event, payload, normalized) if call_of is not None else None
            payload = normalized
            named = payload.get("hook_event_name")
            if event == "PostToolUse" and named == "PostToolUseFailure":
                event = named  # the adapter read a failure in the agent's result (one post-call event)
        sid = payload.get("session_id")
        session_id = sid if isinstance(sid, str) else None
        target = _HANDLERS.get(event or "")
        if target is None:
            return 0  # an event lessonloop does not handle: nothing to say
        assert event is not None
        _start_budget(BUDGET_SECONDS.get(event, 3.0))
        try:
            module = __import__(f"lessonloop.apply.hooks.{target[0]}", fromlist=[target[1]])
            ctx = HookContext(event, db, options, agent)
            if adapter is not None:
                ctx.unshown = getattr(adapter, "UNSHOWN_ACTIONS", frozenset())
            output = getattr(module, target[1])(payload, ctx)
        finally:
            _stop_budget()
        if output:
            # What the agent is given is redacted again with the current rules (an older store may
            # hold what they catch); only then is the redactor imported: most calls answer nothing.
            from lessonloop.secrets.redaction import redact_value, shown

            with shown():  # the rules alone: what the store holds went through the learned pass
                output = redact_value(output)[0]
        if adapter is not None:  # the answer as the agent takes it: its own fields, its exit code
            text, exit_code = adapter.answer(agent_event, output or None, call)
        else:
            text = json.dumps(output, ensure_ascii=False) if output else None
        if text:
            sys.stdout.write(text)
            sys.stdout.flush()
        if ctx.after:  # the answer is out: now record it, within a budget of its own
            _start_budget(BUDGET_SECONDS.get(event, 3.0))
            try:
                for work in ctx.after:
                    work()
            finally:
                _stop_budget()
        return exit_code
    except BaseException as exc:
        if isinstance(exc, SystemExit) and exc.code in (0, None):
            return 0
        import sqlite3

        from lessonloop.apply.hooks.failures import log_failure
        from lessonloop.store.transaction import cause_of, store_error

        if isinstance(exc, sqlite3.Error) and cause_of(exc) is not None:  # a read's error: in plain words
            exc = store_error(exc, db or None).with_traceback(exc.__traceback__)
        log_failure(db or "lessonloop.db", event, session_id, exc)
    return 0


def caller_pid() -> int:
    """The pid of the process that ran the hook command (an adapter that makes a session's id
    from the running agent reads it here, not from os.getppid: a server's child has the server
    for its parent)."""
    return CALLER_PID[0] or os.getppid()


def _agent(options: list[str]) -> str | None:
    """The agent named by `--agent=NAME`: its folder under agents/ (its spec says which of its
    events run which handler); None for the default agent (no `--agent`, or its own name), whose
    payloads the handlers read as they are. An unknown one is an error (fails open)."""
    for option in options:
        if option.startswith("--agent="):
            name = option[len("--agent=") :]
            from lessonloop.core.agent_specs import spec_named

            spec = spec_named(name)
            if spec is None:
                raise ValueError(f"unknown agent {name!r} in the hook's command line (no agents/{name}/spec.py)")
            return None if spec.default else spec.folder
    return None


def run() -> None:
    """The installed command's entry point: `main()`, then leave at once with os._exit. By then
    the store is committed and closed and stdout is flushed, so the interpreter's teardown
    (freeing every module and object: about 2 ms, paid on every tool call) is skipped."""
    from lessonloop.apply.hooks import hook_store

    hook_store.LEAVE_OPEN[0] = True  # the store's connections are closed by os._exit (hook_store.py)
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            pass
    os._exit(code)


_CALLER_FRAMES = 50
# Fewer brackets than this cannot nest deeper than json_depth.MAX_DEPTH (kept in step by a test).
_DEPTH_CHECK_BRACKETS = 100


def _read_payload() -> dict[str, object]:
    stream = sys.stdin.buffer if sys.stdin is not None else None
    if stream is None:
        raise ValueError("no stdin: a hook reads its event as JSON on stdin")
    raw = stream.read(MAX_PAYLOAD_BYTES + 1)
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"hook input larger than {MAX_PAYLOAD_BYTES} bytes")
    # The payload's nesting counts against the recursion limit on top of the frames that led here
    # (the command's client, or the hook server's child): those frames get room of their own.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + _CALLER_FRAMES)
    try:
        data = json.loads(raw.decode("utf-8", "replace")) if raw.strip() else None
    finally:
        sys.setrecursionlimit(limit)
    if not isinstance(data, dict):
        raise ValueError(f"hook input is not a JSON object (got {type(data).__name__})")
    if raw.count(b"[") + raw.count(b"{") > _DEPTH_CHECK_BRACKETS:
        # Possibly nested deeper than the code after this can walk (redaction, the stored JSON):
        # cut as ingest cuts transcript lines. Counting brackets costs microseconds; the module
        # (typing) is imported only for such payloads.
        from lessonloop.core.json_depth import clip

        clip(data)
    return data


def _on_alarm(_signum: int, _frame: object) -> None:
    raise HookTimeout("the hook's time budget ran out")


def _start_budget(seconds: float) -> None:
    import _signal  # type: ignore[import-not-found]  # the C module: `signal` imports enum (ms per hook)

    if hasattr(_signal, "setitimer"):
        _signal.signal(_signal.SIGALRM, _on_alarm)
        _signal.setitimer(_signal.ITIMER_REAL, seconds)


def _stop_budget() -> None:
    import _signal

    if hasattr(_signal, "setitimer"):
        _signal.setitimer(_signal.ITIMER_REAL, 0)


def _server_state() -> dict[str, object]:
    """The hook server of this command's installation (client.py, hook_server.py): its socket, pid and
    calls taken, whether this call went through it, or why there is none."""
    from lessonloop.apply.hooks import client

    if os.environ.get(client.ENV, "1") == "0":
        return {"state": "off", "why": f"{client.ENV}=0"}
    if not hasattr(os, "fork"):
        return {"state": "off", "why": "this system has no fork"}
    path = client.server_path(client.installation_key())
    if path is None:
        return {"state": "off", "why": "no folder only this user can enter for its socket"}
    seen = client.running(path)
    state: dict[str, object] = {"state": "running" if seen else "stopped", "socket": path}
    if seen:
        state.update(pid=seen[0], calls=seen[1])
    state["answered"] = CALLER_PID[0] is not None  # this check ran in the server's child
    if not seen:
        try:
            with open(path + ".log", encoding="utf-8", errors="replace") as log:
                lines = [line for line in log.read().splitlines() if line.strip()]
            state["last_failure"] = lines[-1][:500] if lines else None  # the exception's own line
        except OSError:
            pass
    return state


def _check(db: str) -> int:
    """Whether the entry point and the store work, as one JSON object on stdout."""
    result: dict[str, object] = {"ok": False, "db": db, "lessons": 0, "problem": None, "server": _server_state()}
    try:
        if not os.path.exists(db):
            result["problem"] = f"no store at {db} yet: run `lessonloop ingest` (the hooks create it too)"
        else:
            from lessonloop.apply.hooks.hook_store import connect
            from lessonloop.store.hooks import check_counts

            conn = connect(db, wait_ms=2000)
            try:
                result["lessons"] = check_counts(conn)
            finally:
                conn.close()
            result["ok"] = True
    except Exception as exc:
        result["problem"] = f"{type(exc).__name__}: {exc}"
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    run()
