"""A lesson learned from a person's rejection does not warn against what the person asked for in
this session's prompt (issue 15, item 3; lesson_model/prompt_match.py, Learner.prompts,
learning/store/reader.load_prompts)."""

from __future__ import annotations

import json
from pathlib import Path

from lessonloop.learning.engine.engine import prompts_before
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.history import CorrectionEvent
from lessonloop.learning.engine.replay import replay
from lessonloop.lesson_model.prompt_match import asked_in
from lessonloop.lesson_model.triggers import Trigger
from tests.learning_helpers import Script, history, replay_cli


def asked_for(trigger: Trigger, call: CallEvent, prompts: dict[str, list[tuple[str, str]]]) -> bool:
    """Whether the call's session asked for the trigger's call in its prompts up to the call, as
    the one decision reads them (lesson_model/decision.py)."""
    return asked_in(trigger, prompts_before(prompts, call))


def rejected_server(script: Script) -> tuple[list[CallEvent], list[CorrectionEvent]]:
    """The person rejects the server's start in sessions s1 and s2: a lesson that speaks (one
    session's rejection is a silent candidate)."""
    events: list[CallEvent] = []
    corrections: list[CorrectionEvent] = []
    for sid in ("s1", "s2"):
        s = script.session(sid)
        rejected = s.bash("mix phx.server 2>&1 | head -80", status="rejected", error="The user doesn't want to proceed")
        events.append(rejected)
        corrections.append(CorrectionEvent(sid, s.project, f"m-{sid}", script.tick(), "rejection", "", [rejected]))
    return events, corrections


def test_the_rejection_does_not_warn_against_what_the_session_asked_for() -> None:
    script = Script()
    events, corrections = rejected_server(script)
    s3, s4 = script.session("s3"), script.session("s4")
    asked_ts = script.tick()
    events += [s3.bash("mix phx.server"), s4.bash("mix phx.server")]
    data = history(events, corrections)
    data.prompts = {"s3": [(asked_ts, "Please run the phx.server in the background")]}
    report = replay(data)
    assert report.lessons_learned == 1
    assert report.false_alarms == 1  # s4 did not ask for it: still stopped
    assert [a["session_id"] for a in report.alarms] == ["s4"]


def test_a_prompt_after_the_call_does_not_count() -> None:
    script = Script()
    s = script.session("s2")
    call = s.bash("mix phx.server")
    later = script.tick()
    trigger = Trigger("shell", ("mix", "phx.server"))
    assert not asked_for(trigger, call, {"s2": [(later, "start phx.server")]})
    assert asked_for(trigger, call, {"s2": [("", "start the server")]})  # an untimed prompt counts


def test_the_program_alone_is_not_asking_for_the_command() -> None:
    script = Script()
    call = script.session("s2").bash("mix phx.server")
    trigger = Trigger("shell", ("mix", "phx.server"))
    assert not asked_for(trigger, call, {"s2": [("", "run mix test please")]})
    path = Trigger("edit", path="config/prod.exs")
    edit = script.session("s2").edit("config/prod.exs")
    assert asked_for(path, edit, {"s2": [("", "fix the host in prod.exs")]})
    assert not asked_for(path, edit, {"s2": [("", "fix the host in dev.exs")]})


def test_replay_reads_the_prompts_from_the_store(tmp_path: Path) -> None:
    """`lessonloop replay PATH` (a real subprocess on real-format transcripts) loads each session's
    prompts: after the command's rejection in two sessions, a session asking for it gets no warning."""
    folder = tmp_path / "projects" / "-home-dev-app"
    folder.mkdir(parents=True)
    _transcript(folder / "s1.jsonl", "s1", "start the app", "mix phx.server 2>&1 | head -80", rejected=True, minute=0)
    _transcript(folder / "s2.jsonl", "s2", "start the app", "mix phx.server 2>&1 | head -80", rejected=True, minute=3)
    _transcript(folder / "s3.jsonl", "s3", "start phx.server in the background", "mix phx.server", minute=5)
    _transcript(folder / "s4.jsonl", "s4", "list the files", "mix phx.server", minute=9)
    done = replay_cli(tmp_path, str(folder), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [a["session_id"] for a in data["false_alarm_calls"]] == ["s4"]


def _transcript(path: Path, session: str, prompt: str, command: str, *, minute: int, rejected: bool = False) -> None:
    base = {"sessionId": session, "cwd": "/home/dev/app", "gitBranch": "main", "version": "2.1.38"}
    stamp = f"2026-03-02T09:{minute:02d}:0"
    result = (
        "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file "
        "edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to "
        "tell you how to proceed."
        if rejected
        else "Server running"
    )
    lines = [
        {**base, "type": "user", "uuid": f"{session}p", "timestamp": f"{stamp}0.000Z",
         "message": {"role": "user", "content": prompt}},
        {**base, "type": "assistant", "uuid": f"{session}a", "parentUuid": f"{session}p", "timestamp": f"{stamp}1.000Z",
         "message": {"role": "assistant", "content": [
             {"type": "tool_use", "id": f"toolu_{session}", "name": "Bash", "input": {"command": command}}]}},
        {**base, "type": "user", "uuid": f"{session}r", "parentUuid": f"{session}a", "timestamp": f"{stamp}2.000Z",
         "message": {"role": "user", "content": [
             {"type": "tool_result", "tool_use_id": f"toolu_{session}", "content": result, "is_error": rejected}]},
         # Claude Code's own mark of the person's answer (2.1.38): what makes the result a rejection
         **({"toolUseResult": "User rejected tool use"} if rejected else {})},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")


def test_the_pre_tool_use_hook_does_not_warn_against_what_the_prompt_asked_for(tmp_path: Path) -> None:
    """The real PreToolUse hook process, a real store holding the lesson of a rejection in two
    sessions: silent when the session's transcript holds a prompt asking for the command, else
    speaking (its confidence decays with the days since the script's dates: a warning, or a stop)."""
    from lessonloop.learning.engine.engine import Learner
    from lessonloop.store import open_store
    from lessonloop.store.lessons.writer import save_learned
    from tests.hook_helpers import HookSession, hook_env, run_hook

    project = tmp_path / "app"
    project.mkdir()
    script = Script()
    learner = Learner()
    for sid in ("s1", "s2"):
        s = script.session(sid, project=str(project), cwd=str(project))
        rejected = s.bash("mix phx.server 2>&1 | head -80", status="rejected", error="The user doesn't want to proceed")
        learner.correction(sid, str(project), f"m-{sid}", script.tick(), "rejection", "", [rejected])
    (lesson,) = learner.lessons.values()
    assert (lesson.failed_sessions, lesson.tier) == (2, "active")
    db = tmp_path / "store" / "lessonloop.db"
    conn = open_store(db)
    try:
        save_learned(conn, learner.lessons.values(), {}, script.tick())
    finally:
        conn.close()
    env = hook_env(db)
    for prompt, warned in (("start the phx.server in the background", False), ("list the files", True)):
        session = HookSession(project, env, transcript=tmp_path / f"{warned}.jsonl")
        line = {"type": "user", "sessionId": session.session_id, "message": {"role": "user", "content": prompt}}
        Path(session.transcript).write_text(json.dumps(line) + "\n")
        payload = session.payload("PreToolUse", tool_name="Bash", tool_input={"command": "mix phx.server"})
        payload["tool_use_id"] = f"toolu_{warned}"
        out = run_hook("PreToolUse", payload, env)
        assert out.returncode == 0, out.stderr
        assert ("rejected `mix phx.server" in out.context) is warned, (prompt, out.stdout)
