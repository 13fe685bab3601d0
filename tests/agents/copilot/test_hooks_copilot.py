"""GitHub Copilot CLI's hooks end to end: the entry run as a `.github/hooks/*.json` command hook
runs it (the command install writes, `--agent=copilot EVENT`), payloads shaped as Copilot CLI
sends them (tests/agents/copilot/data/hook_payloads/), a real store and a real git repository. What
Copilot reads of each answer: docs/agents/copilot.md."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.copilot import hooks as copilot
from lessonloop.agents.copilot.reader.outputs import shell_exit
from lessonloop.core.agent_specs import hook_events, installed_events
from tests.agent_hooks import run_agent_hook
from tests.agents.cursor.test_hooks_cursor import certain_push_lesson
from tests.conftest import cli
from tests.hook_helpers import HookRun, hook_env

HOOK_EVENTS = hook_events()
INSTALLED = installed_events()

PAYLOADS = Path(__file__).parent / "data" / "hook_payloads"
DOCUMENTED = {"permissionDecision", "permissionDecisionReason"}  # preToolUse's decision


def run_copilot(event: str, payload: dict[str, Any] | bytes, db: Path, *options: str) -> HookRun:
    """The hook as Copilot CLI runs it (the command install writes): one process, the payload on stdin."""
    return run_agent_hook("copilot", event, payload, hook_env(db), *options)


def copilot_payload(event: str, repo: Path, session: str | None = None, **fields: Any) -> dict[str, Any]:
    """The recorded payload of `event` in `repo`; `session`: the sessionId newer versions send."""
    payload: dict[str, Any] = json.loads((PAYLOADS / f"{event}.json").read_text())
    payload["cwd"] = str(repo)
    if session is not None:
        payload["sessionId"] = session
    payload.update(fields)
    return payload


@pytest.mark.slow
def test_calls_captured_after_they_run_teach_the_lesson_and_a_deny_carries_it_to_the_model(
    repo: Path, tmp_path: Path
) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    for session in ("s-1", "s-1b"):  # two sessions: a lesson of one failing session is a silent candidate
        failed = run_copilot("postToolUseFailure", copilot_payload("postToolUseFailure", repo, session), db)
        fixed = run_copilot("postToolUse", copilot_payload("postToolUse", repo, session), db)
        assert (failed.returncode, failed.stdout, fixed.returncode, fixed.stdout) == (0, "", 0, ""), failed.stderr
    with sqlite3.connect(db) as conn:
        calls = conn.execute(
            "SELECT session_id, tool, ok, status, error_class, command FROM live_calls WHERE session_id = 's-1' "
            "ORDER BY seq"
        ).fetchall()
        lessons = conn.execute("SELECT title, trigger_text, failed_sessions, tier FROM lessons").fetchall()
    assert calls == [
        ("s-1", "Bash", 0, "error", "MISSING_PREREQUISITE", "git push"),
        ("s-1", "Bash", 1, "ok", None, "git push --set-upstream origin feature-x"),
    ]
    assert len(lessons) == 1 and "--set-upstream" in str(lessons[0][1]) and lessons[0][2:] == (2, "active")

    # A warning that neither denies nor asks (`--warn-only`) reaches the model as top-level
    # additionalContext (Copilot CLI 1.0.102 hands it over after the call's result).
    pre = run_copilot("preToolUse", copilot_payload("preToolUse", repo, "s-2"), db, "--warn-only")
    said = json.loads(pre.stdout)
    assert set(said) == {"additionalContext"} and "--set-upstream" in said["additionalContext"]
    # Below the block threshold `--block` does not deny (as for Claude Code): the same warning.
    pre = run_copilot("preToolUse", copilot_payload("preToolUse", repo, "s-2"), db, "--warn-only", "--block")
    assert set(json.loads(pre.stdout)) == {"additionalContext"}
    with sqlite3.connect(db) as conn:
        decisions = conn.execute(
            "SELECT event, action, json_extract(detail, '$.undelivered') FROM hook_decisions WHERE session_id = 's-2'"
        ).fetchall()
        warnings = conn.execute("SELECT sum(warnings) FROM lessons").fetchone()[0]
    assert decisions == [("PreToolUse", "warn", None), ("PreToolUse", "warn", None)]
    assert warnings == 2
    ended = run_copilot("sessionEnd", copilot_payload("sessionEnd", repo, "s-2"), db)
    assert (ended.returncode, ended.stdout) == (0, "")
    assert not (db.parent / "hook-failures.log").exists()


@pytest.mark.parametrize(
    ("option", "decision"), [("--block", "deny"), ("--ask", "ask"), (None, "deny"), ("--warn-only", None)]
)
def test_a_certain_lesson_denies_with_block_asks_with_ask(
    repo: Path, tmp_path: Path, option: str | None, decision: str | None
) -> None:
    """The classic payload (no sessionId), a store whose `git push` lesson is this person's own
    and certain: `--block` denies with the lesson as the reason the model reads, `--ask` asks, and
    by default the call is stopped once (the same call sent again runs); `--warn-only` warns."""
    db = tmp_path / "store" / "lessonloop.db"
    certain_push_lesson(repo, db)
    pre = run_copilot("preToolUse", copilot_payload("preToolUse", repo), db, *([option] if option else []))
    assert pre.returncode == 0, pre.stderr
    if decision is None:  # a warning: the model reads it after the call (top-level additionalContext)
        assert set(json.loads(pre.stdout)) == {"additionalContext"}
        return
    out = json.loads(pre.stdout)
    assert set(out) == DOCUMENTED and out["permissionDecision"] == decision
    assert "git push -u origin" in out["permissionDecisionReason"]
    if option is None:  # stopped once: the reason says how to go on, and the same call sent again runs
        assert "send it again unchanged" in out["permissionDecisionReason"]
        again = run_copilot("preToolUse", copilot_payload("preToolUse", repo), db)
        assert (again.returncode, again.stdout) == (0, ""), again.stderr
        with sqlite3.connect(db) as conn:
            actions = [a for (a,) in conn.execute("SELECT action FROM hook_decisions ORDER BY id")]
        assert actions == ["stop", "override"]
        listed = cli("lessons", "list", "--db", db, "--json")
        (lesson_id,) = [lesson["id"] for lesson in json.loads(listed.output)]
        shown = json.loads(cli("lessons", "show", str(lesson_id), "--db", db, "--json").output)
        # counted, and shown: sent again, its result not known yet (neither for nor against the stop)
        assert (shown["stops"], shown["resent"], shown["overrides"], shown["confirmed"]) == (1, 1, 0, 0)
        assert (
            "Stopped 1 call(s) before they ran; 1 sent again and run: 0 then worked"
            in cli("lessons", "show", str(lesson_id), "--db", db).output
        )


def test_a_failed_shell_command_sent_as_a_success_is_stored_as_the_failure_its_exit_code_says(
    repo: Path, tmp_path: Path
) -> None:
    """Copilot CLI 1.0.102 sends a command that exits 128 as postToolUse with resultType success;
    the exit code is only in the text's last line."""
    db = tmp_path / "store" / "lessonloop.db"
    text = (
        "fatal: The current branch feat has no upstream branch.\nTo push the current branch and set the remote as "
        "upstream, use\n\n    git push --set-upstream origin feat\n\n<shellId: 0 completed with exit code 128>"
    )
    failed = copilot_payload(
        "postToolUse",
        repo,
        "s-9",
        toolArgs={"command": "git push", "description": "Push"},
        toolResult={"resultType": "success", "textResultForLlm": text},
    )
    done = run_copilot("postToolUse", failed, db)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    with sqlite3.connect(db) as conn:
        calls = conn.execute("SELECT tool, ok, status, error_class, command FROM live_calls").fetchall()
    assert calls == [("Bash", 0, "error", "MISSING_PREREQUISITE", "git push")]
    assert shell_exit("ok\n<shellId: 3 completed with exit code 0>") == (0, "ok")
    assert shell_exit("no such line") == (None, "no such line")


def test_the_lessons_reach_the_model_as_top_level_additional_context_where_copilot_reads_it() -> None:
    said: dict[str, object] = {
        "hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": "Lessons: x"}
    }
    for event in ("sessionStart", "userPromptSubmitted", "postToolUse", "postToolUseFailure", "preToolUse"):
        assert copilot.answer(event, said) == ('{"additionalContext": "Lessons: x"}', 0)
    for event in ("agentStop", "sessionEnd"):
        assert copilot.answer(event, said) == (None, 0)
    stop = copilot.payload("agentStop", json.loads((PAYLOADS / "agentStop.json").read_text()))
    assert stop is not None and stop["hook_event_name"] == "Stop"
    assert str(stop["transcript_path"]).endswith("/events.jsonl")


def test_a_corrupt_store_fails_open_and_is_logged(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a SQLite database" * 100)
    for event in ("preToolUse", "postToolUseFailure"):
        done = run_copilot(event, copilot_payload(event, repo), db, "--block")
        assert (done.returncode, done.stdout) == (0, "")
    assert "PreToolUse" in (db.parent / "hook-failures.log").read_text()


@pytest.mark.parametrize("event", sorted(p.stem for p in PAYLOADS.glob("*.json")))
def test_every_recorded_payload_runs_and_says_nothing_on_an_empty_store(repo: Path, tmp_path: Path, event: str) -> None:
    assert event in HOOK_EVENTS["copilot"]
    db = tmp_path / "store" / "lessonloop.db"
    done = run_copilot(event, copilot_payload(event, repo), db)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert not (db.parent / "hook-failures.log").exists()


@pytest.mark.parametrize(
    "args",
    [
        "not json {",
        "[1, 2, 3]",
        '"a string"',
        "[" * 5000 + "]" * 5000,
        '{"command": ' + "[" * 3000 + "]" * 3000 + "}",
        7,
        None,
    ],
)
def test_tool_args_that_are_not_a_json_object_are_read_as_no_arguments(
    repo: Path, tmp_path: Path, args: object
) -> None:
    shaped = copilot.payload("preToolUse", {"cwd": "/w", "toolName": "bash", "toolArgs": args})
    assert shaped is not None and shaped["tool_name"] == "Bash"
    assert isinstance(shaped["tool_input"], dict)
    db = tmp_path / "store" / "lessonloop.db"
    done = run_copilot("preToolUse", copilot_payload("preToolUse", repo, toolArgs=args), db)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert not (db.parent / "hook-failures.log").exists()


def test_a_session_without_an_id_is_named_by_its_folder_and_copilot_process() -> None:
    one = copilot.payload("preToolUse", {"cwd": "/w", "toolName": "bash", "toolArgs": "{}"})
    two = copilot.payload("postToolUse", {"cwd": "/w", "toolName": "view", "toolArgs": "{}", "timestamp": 2})
    elsewhere = copilot.payload("preToolUse", {"cwd": "/other", "toolName": "bash", "toolArgs": "{}"})
    assert one is not None and two is not None and elsewhere is not None
    assert one["session_id"] == two["session_id"] != elsewhere["session_id"]
    assert str(one["session_id"]).startswith("copilot-")
    assert one["session_id"] == copilot.session_of({}, "/w")
    assert os.getppid() != os.getpid()  # the parent: the process that started this one
    given = copilot.payload("preToolUse", {"sessionId": "714bfd7c", "cwd": "/w", "toolName": "bash", "toolArgs": "{}"})
    assert given is not None and given["session_id"] == "714bfd7c"


def test_tool_calls_are_read_in_claude_codes_names() -> None:
    def shaped(tool: str, args: dict[str, Any]) -> tuple[object, object]:
        out = copilot.payload("preToolUse", {"cwd": "/w", "toolName": tool, "toolArgs": json.dumps(args)})
        assert out is not None
        return out["tool_name"], out["tool_input"]

    assert shaped("bash", {"command": "ls", "description": "list"}) == (
        "Bash",
        {"command": "ls", "description": "list"},
    )
    assert shaped("view", {"path": "/w/a.py"}) == ("Read", {"file_path": "/w/a.py"})
    assert shaped("create", {"path": "/w/b.py", "file_text": "x"}) == (
        "Write",
        {"file_path": "/w/b.py", "content": "x"},
    )
    assert shaped("edit", {"path": "/w/a.py", "old_str": "a", "new_str": "b"}) == (
        "Edit",
        {"file_path": "/w/a.py", "old_string": "a", "new_string": "b"},
    )
    assert shaped("str_replace_editor", {"command": "view", "path": "/w/a.py"}) == ("Read", {"file_path": "/w/a.py"})
    assert shaped("github-mcp-server-get_issue", {"issue": 1}) == ("github-mcp-server-get_issue", {"issue": 1})


def test_results_become_claude_codes_post_tool_payloads() -> None:
    call = {"cwd": "/w", "timestamp": 5, "toolName": "bash", "toolArgs": '{"command": "make"}'}
    ok = copilot.payload("postToolUse", {**call, "toolResult": {"resultType": "success", "textResultForLlm": "built"}})
    assert ok is not None and ok["hook_event_name"] == "PostToolUse"
    assert ok["tool_response"] == {"stdout": "built", "stderr": ""}
    bad = copilot.payload(
        "postToolUse", {**call, "toolResult": {"resultType": "failure", "textResultForLlm": "no rule"}}
    )
    assert bad is not None and (bad["hook_event_name"], bad["error"]) == ("PostToolUseFailure", "no rule")
    denied = copilot.payload("postToolUse", {**call, "toolResult": {"resultType": "denied", "textResultForLlm": "no"}})
    assert denied is not None and denied["error"] == "denied: no"
    again = copilot.payload("postToolUse", {**call, "toolResult": {"resultType": "success", "textResultForLlm": "x"}})
    later = copilot.payload("postToolUse", {**call, "timestamp": 6, "toolResult": {"resultType": "success"}})
    assert again is not None and later is not None
    assert ok["tool_use_id"] == again["tool_use_id"] != later["tool_use_id"]  # the same event: one call
    assert copilot.payload("postToolUse", {**call, "toolResult": "not an object"}) is not None


def test_installed_events_are_mapped_and_only_pre_tool_decides() -> None:
    assert set(INSTALLED["copilot"]) == set(HOOK_EVENTS["copilot"])
    assert {"sessionStart", "userPromptSubmitted", "agentStop"} <= set(HOOK_EVENTS["copilot"])
    warn: dict[str, object] = {"hookSpecificOutput": {"hookEventName": "PreToolUse", "additionalContext": "w"}}
    deny: dict[str, object] = {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "additionalContext": "w",
            "permissionDecision": "deny",
            "permissionDecisionReason": "r",
        }
    }
    assert copilot.answer("preToolUse", warn) == ('{"additionalContext": "w"}', 0)
    assert copilot.answer("preToolUse", deny) == ('{"permissionDecision": "deny", "permissionDecisionReason": "r"}', 0)
    assert copilot.answer("sessionEnd", warn) == (None, 0)


def test_a_failure_the_classic_post_tool_event_reports_is_stored_as_a_failure(repo: Path, tmp_path: Path) -> None:
    """Older Copilot CLI versions send failures through postToolUse (`resultType: failure`): the
    call is stored failed and classified (post_tool.py reads the failure from the payload)."""
    db = tmp_path / "store" / "lessonloop.db"
    error = json.loads((PAYLOADS / "postToolUseFailure.json").read_text())["error"]
    result = {"resultType": "failure", "textResultForLlm": error}
    payload = copilot_payload("postToolUse", repo, "s-c", toolArgs='{"command": "git push"}', toolResult=result)
    done = run_copilot("postToolUse", payload, db)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    with sqlite3.connect(db) as conn:
        calls = conn.execute("SELECT ok, status, error_class, command FROM live_calls").fetchall()
    assert calls == [(0, "error", "MISSING_PREREQUISITE", "git push")]


def test_status_says_when_copilot_skips_a_project_s_hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Copilot CLI runs a project's hooks only in a trusted folder (`trustedFolders` of its
    config.json, JSON with `//` comment lines; a folder covers those under it): status reads it."""
    from tests.conftest import cli

    home, project = tmp_path / "home", tmp_path / "work" / "shop"
    (home / ".copilot").mkdir(parents=True)
    project.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("COPILOT_HOME", raising=False)
    config = home / ".copilot" / "config.json"

    def ready() -> dict[str, Any]:
        done = cli("hooks", "status", "--agent", "copilot", "--project-dir", str(project), "--json")
        assert done.exit_code == 0, done.stderr
        scopes = json.loads(done.output)["agents"][0]["scopes"]
        return dict(next(scope["agent_runs_them"] for scope in scopes if scope["scope"] == "project"))

    installed = cli("hooks", "install", "--agent", "copilot", "--project-dir", str(project))
    assert installed.exit_code == 0, installed.stderr
    assert "trustedFolders" in " ".join(installed.output.split())  # install says what Copilot needs
    assert ready()["will_run"] is False and "not a trusted folder" in ready()["why"][0]
    config.write_text('// managed\n{"trustedFolders": ["%s"]}' % (tmp_path / "work"))
    assert ready() == {"will_run": True, "why": [], "hooks": []}
    config.write_text("{not json")
    assert ready()["will_run"] is False and "cannot be read" in ready()["why"][0]
