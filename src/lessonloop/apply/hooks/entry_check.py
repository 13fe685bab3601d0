"""The hook entry point's --check, run as an agent runs a hook (`hooks status`): whether the
command installed for every agent answers, and with which store."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from typing import Any

from lessonloop.apply.hooks.command import check_command

Json = dict[str, Any]


def check_entry(timeout: float = 10.0, db: str | None = None) -> Json:
    """Run the entry point's --check as an agent would run a hook: {"ok", "db", "lessons",
    "problem", "server", "command"} (server: the hook server's state, entry._server_state); a failure to run or to answer is reported, never raised. `db`: the
    store to check (as $LESSONLOOP_DB), else the one the environment gives the hooks."""
    argv = check_command()
    env = None if db is None else {**os.environ, "LESSONLOOP_DB": db}
    result: Json = {
        "ok": False,
        "db": None,
        "lessons": None,
        "problem": None,
        "server": None,
        "command": shlex.join(argv),
    }
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        result["problem"] = f"no answer within {timeout:g} s"
        return result
    except OSError as exc:
        result["problem"] = f"cannot run {argv[0]}: {exc.strerror or exc}"
        return result
    try:
        answer = json.loads(proc.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        said = (proc.stderr.strip().splitlines() or proc.stdout.strip().splitlines() or ["no output"])[-1]
        result["problem"] = f"exit status {proc.returncode}, no JSON answer: {said}"
        return result
    result.update({key: answer.get(key) for key in ("db", "lessons", "problem", "server")})
    result["ok"] = answer.get("ok") is True
    if not result["ok"] and not result["problem"]:
        result["problem"] = "the entry point reported a failure without a reason"
    return result
