"""Replay (learning/engine/replay.py, `lessonloop replay`): what it counts on scripted histories, that
split mode freezes the lessons, that batch learning runs the same loop, and the figures on the real
corpus, run as a real subprocess that must not touch the user's store."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.history import CorrectionEvent
from lessonloop.learning.engine.learning_loop import learn_history
from lessonloop.learning.engine.replay import replay
from lessonloop.learning.runs import load_history
from lessonloop.store import open_store
from tests.conftest import CORPUS
from tests.learning_helpers import Script, format_episode, history, push_episode, push_failure, replay_cli, replay_db

CORPUS_ROOT = CORPUS  # the spotter sessions, not the whole claude-code folder
PUSH_SIGNATURE = "shell|fatal: The current branch <branch> has no upstream branch."
FORMAT_REJECTION_TS = "2026-02-12T20:34:48.505Z"  # the third: its lesson failed in two sessions before
FIRST_FORMAT_REPEAT_TS = "2026-02-12T16:05:33.627Z"  # the second: its lesson, of one session, a one-off's note
REPORT_KEYS = {
    "repeated_errors",
    "warned_repeated_errors",
    "recall",
    "successful_calls",
    "false_alarms",
    "false_alarm_rate",
}


# ----------------------------------------------------------------------------- scripted histories


def test_online_replay_warns_repeated_errors_and_counts_false_alarms() -> None:
    script = Script()
    s1, s2, s3, s4 = (script.session(sid, branch=f"b{sid}") for sid in ("s1", "s2", "s3", "s4"))
    events = [*push_episode(s1), s1.bash("mix test")]
    events += [*push_episode(s2)]  # repeated, warned: the lesson of one failing session, a one-off's note
    events += [*push_episode(s3)]  # repeated, warned: the lesson failed in two sessions
    events += [s4.bash("git push")]  # worked: a false alarm of an active lesson
    report = replay(history(events))
    assert report.mode == "online"
    assert (report.sessions, report.evaluated_sessions, report.evaluated_calls) == (4, 4, 8)
    assert report.errors == 3
    assert (report.repeated_errors, report.warned_repeated_errors, report.recall) == (2, 2, 1.0)
    assert report.successful_calls == 5
    assert report.false_alarms == 1
    assert report.false_alarm_rate == pytest.approx(0.2)
    assert report.lessons_learned == 1
    data = report.to_json()
    assert data.keys() >= REPORT_KEYS
    assert [w["tool_use_id"] for w in data["warned_repeated"]] == [events[3].call.id, events[5].call.id]
    assert data["missed_repeated"] == []
    assert [a["tool_use_id"] for a in data["false_alarm_calls"]] == [events[7].call.id]
    assert data["lessons_fired"][0]["fired"] == 3
    assert data["lessons_fired"][0]["warned_errors"] == 2


def test_replay_stops_a_call_once_as_the_hook_does() -> None:
    """Issue 80, item 4: the same call sent again after its stop runs and nothing is said (the
    hook's "override"); replay counts the first as stopped and the second as neither stopped nor
    warned. A one-off that names its remedy stops in its project's next session (item 1)."""
    script = Script()
    s1, s2 = script.session("s1", branch="b1"), script.session("s2", branch="b2")
    events = [*push_episode(s1), push_failure(s2), push_failure(s2), s2.bash("git push -u origin b2")]
    report = replay(history(events))
    assert (report.repeated_errors, report.stopped_repeated_errors, report.warned_repeated_errors) == (2, 1, 1)
    stopped, insisted = (f for f in report.failures if f.session_id == "s2")
    assert stopped.stopped and not insisted.stopped
    lesson = next(iter(report.learner.lessons.values())) if report.learner else None
    assert lesson is not None and lesson.overridden == 0  # the resent push failed again: it confirms the lesson


def test_replay_stops_the_same_call_again_after_an_edit() -> None:
    """A stop is once per call until the session changes a file (apply/hooks/pre_tool.py does the
    same): after an edit the call sent again is a new attempt, stopped again, and replay's audit
    names an unchanged resend "sent again after its stop", not a threshold."""
    script = Script()
    s1, s2 = script.session("s1", branch="b1"), script.session("s2", branch="b2")
    events = [*push_episode(s1), push_failure(s2), s2.edit("lib/app.ex"), push_failure(s2), push_failure(s2)]
    report = replay(history(events))
    first, after_edit, insisted = (f for f in report.failures if f.session_id == "s2")
    assert (first.stopped, after_edit.stopped, insisted.stopped) == (True, True, False)
    assert insisted.why == "lesson silent: sent again after its stop"


def test_replay_json_keeps_the_calls_ids(tmp_path: Path) -> None:
    """`replay --json` gives each call's id as the transcript has it (a random id is no secret:
    issue 80), so that a person can find the call; the texts are redacted as ever."""
    from tests.transcript_builder import TranscriptBuilder

    t = TranscriptBuilder(cwd=str(tmp_path / "project"))
    t.prompt("push it")
    error = "Exit code 128\nfatal: The current branch feature has no upstream branch."
    failed = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY"  # 32 random characters, as some agents' call ids are
    for tool_id in (failed, "Zq8Wx2Ec4Rv6Tb8Yn0Um2Ik4Ol6Pa8Sd"):
        t.tool_use("Bash", {"command": "git push", "description": "run"}, tool_id=tool_id)
        t.tool_result(tool_id, error, is_error=True, tool_use_result=f"Error: {error}")
    path = t.write(tmp_path / "transcripts" / f"{t.session_id}.jsonl")
    done = replay_cli(tmp_path, "--json", "--explain", str(path))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    ids = [f["tool_use_id"] for f in data["failures"]]
    assert failed in ids and not any("REDACTED" in (i or "") for i in ids), ids


def test_first_occurrences_and_unwarned_repeats() -> None:
    script = Script()
    s1, s2 = script.session("s1"), script.session("s2")
    failing_test = "Exit code 2\n1 test, 1 failure"
    events = [
        s1.bash("mix test", error=failing_test, error_class="CHECK_FAILED"),
        s1.edit("lib/a.ex"),
        s1.bash("mix test"),
        push_failure(s1),  # a first occurrence: not repeated; a missing prerequisite teaches its command at once
        s2.bash("mix test", error=failing_test, error_class="CHECK_FAILED"),  # repeated, not a usage class
    ]
    report = replay(history(events))
    assert report.errors == 3
    assert report.repeated_errors == 0
    assert report.recall is None
    assert report.repeated_all == 1
    assert report.by_class["CHECK_FAILED"]["repeated"] == 1
    assert report.to_json()["by_class"]["CHECK_FAILED"]["usage"] is False
    # The test failure recurring in another session learns a lesson (issue 15, item 4), without a
    # trigger: recalled, never warned about per call. The push failure taught the general lesson
    # of its command (learning/engine/general_lessons.py).
    assert report.lessons_learned == 2
    assert report.learner is not None
    assert [lesson.trigger for lesson in report.learner.lessons.values()].count(None) == 1
    assert report.warned_repeated_all == 0


def test_a_repeat_warned_by_a_lesson_of_another_error_is_not_warned() -> None:
    script = Script()
    s1, s2 = script.session("s1"), script.session("s2")
    events = [*push_episode(s1)]
    other = "Exit code 1\nerror: failed to push some refs to 'origin'"
    events += [
        # read as UNKNOWN the first time: it teaches nothing at its first occurrence
        s1.bash("git push", error=other, error_class="UNKNOWN"),
        s2.bash("git push", error=other, error_class="INCORRECT_PARAMETER"),  # repeated, the push lesson fires
    ]
    report = replay(history(events))
    assert report.repeated_errors == 1
    assert report.warned_repeated_errors == 0
    assert len(report.missed) == 1


def test_a_prevention_done_means_no_warning() -> None:
    script = Script()
    s1, s2 = script.session("s1"), script.session("s2")
    events = [
        *format_episode(s1),
        s2.edit("lib/b.ex"),
        s2.bash("mix format"),
        s2.bash("git commit -m y"),
    ]
    report = replay(history(events))
    assert report.lessons_learned == 1
    assert report.false_alarms == 0


def test_split_learns_from_the_first_sessions_only() -> None:
    script = Script()
    sessions = [script.session(f"s{i}", branch=f"b{i}") for i in range(4)]
    events = [*push_episode(sessions[0]), *push_episode(sessions[1])]
    events += [*push_episode(sessions[2]), *push_episode(sessions[3])]
    report = replay(history(events), split=0.5)
    assert report.mode == "split"
    assert (report.sessions, report.evaluated_sessions, report.evaluated_calls) == (4, 2, 4)
    assert (report.repeated_errors, report.warned_repeated_errors) == (2, 2)
    assert replay(history(events), split=1.0).evaluated_sessions == 0
    assert replay(history(events), split=0.0).evaluated_sessions == 4


def test_split_does_not_learn_from_evaluated_sessions() -> None:
    script = Script()
    sessions = [script.session(f"s{i}", branch=f"b{i}") for i in range(6)]
    events = [sessions[0].bash("ls"), sessions[1].bash("ls"), sessions[2].bash("ls")]
    events += [*push_episode(sessions[3]), *push_episode(sessions[4]), *push_episode(sessions[5])]
    report = replay(history(events), split=0.5)
    assert report.repeated_errors == 2
    assert report.warned_repeated_errors == 0  # online the third push would have been warned
    assert report.lessons_learned == 0
    assert replay(history(events)).warned_repeated_errors == 2  # (the 2nd: a one-off's note)


def test_split_freezes_lessons_at_the_cutoff() -> None:
    """A session that started before the cutoff and ends after it must not change the lessons."""
    script = Script()
    a1, a2, k1, k2, b, c, d = (script.session(sid) for sid in ("a1", "a2", "k1", "k2", "b", "c", "d"))
    events = [*push_episode(a1), *push_episode(a2)]  # learned: active after two failing sessions
    events += [k1.bash("git push"), k2.bash("git push")]  # two sessions where it worked: 2 of 4, still active
    events.append(b.bash("git push"))  # b: the trigger worked, a trial still open at the cutoff
    events.append(c.bash("ls"))  # c starts: the cutoff (split 0.7 of 7 sessions)
    events.append(b.bash("ls"))  # b ends after the cutoff: counted, 2 of 5 sessions would demote the lesson
    events.append(push_failure(c))  # repeated: the frozen lesson (2 of 4 sessions) warns
    events.append(d.bash("ls"))
    report = replay(history(events), split=0.7)
    assert report.evaluated_sessions == 2
    assert (report.repeated_errors, report.warned_repeated_errors) == (1, 1)


def test_corrections_are_learned_in_replay() -> None:
    script = Script()
    events: list[CallEvent] = []
    corrections: list[CorrectionEvent] = []
    for sid in ("s1", "s2"):  # rejected in two sessions: the lesson speaks from then on
        s = script.session(sid)
        rejected = s.bash("mix phx.server", status="rejected", error="The user doesn't want to proceed")
        events.append(rejected)
        corrections.append(CorrectionEvent(sid, s.project, f"m-{sid}", script.tick(), "rejection", "", [rejected]))
    events.append(script.session("s3").bash("mix phx.server"))
    report = replay(history(events, corrections))
    assert report.lessons_learned == 1
    assert [a["session_id"] for a in report.alarms] == ["s3"]
    assert report.false_alarms == 1


def test_history_stream_puts_corrections_after_the_calls_they_follow() -> None:
    script = Script()
    s = script.session("s1")
    first = s.bash("ls")
    correction = CorrectionEvent("s1", s.project, "m1", script.tick(), "typed", "stop", [])
    second = s.bash("ls")
    early = CorrectionEvent("s1", s.project, "m0", None, "typed", "x", [])
    stream = list(history([second, first], [correction, early]).stream())
    assert stream == [early, first, correction, second]


def test_batch_learning_ends_each_session_at_its_last_call() -> None:
    """learn_history counts a clean session when it ends, as replay does: one failing, two clean,
    then one failing session leaves the lesson a candidate (2 of 4: below promotion), not active."""
    script = Script()
    s1, s2, s3, s4 = (script.session(sid) for sid in ("s1", "s2", "s3", "s4"))
    events = [*push_episode(s1), s2.bash("git push"), s3.bash("git push"), *push_episode(s4)]
    learner = learn_history(history(events))
    (lesson,) = learner.lessons.values()
    assert (lesson.failed_sessions, lesson.sessions) == (2, 4)
    assert lesson.tier == "candidate"


# ----------------------------------------------------------------------------- the real corpus


def run_replay(tmp_path: Path, *args: str) -> tuple[dict[str, Any], Path]:
    done = replay_cli(tmp_path, *args, "--json", str(CORPUS_ROOT))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), replay_db(tmp_path)


def assert_no_lessons_stored(user_db: Path) -> None:
    if not user_db.exists():
        return
    conn = sqlite3.connect(user_db)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "lessons" in tables:
            assert conn.execute("SELECT count(*) FROM lessons").fetchone()[0] == 0
    finally:
        conn.close()


@pytest.fixture(scope="module")
def online(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    if not CORPUS_ROOT.is_dir():
        pytest.skip(f"real-data corpus not found at {CORPUS_ROOT} (the ../shared folder is absent)")
    return run_replay(tmp_path_factory.mktemp("replay"), "--online")


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_replay_recall_and_false_alarms(online: tuple[dict[str, Any], Path], corpus_store: Path) -> None:
    data, user_db = online
    assert data.keys() >= REPORT_KEYS
    assert data["mode"] == "online"
    assert data["repeated_errors"] >= 5
    assert data["recall"] == pytest.approx(data["warned_repeated_errors"] / data["repeated_errors"], abs=1e-4)
    # A lesson speaks once its error failed in two sessions: the first repeat of a mistake (its
    # second occurrence) is not warned, so recall over every repeat is low (4 of 12); over the
    # repeats whose error had failed in two earlier sessions it is 4 of 5.
    assert data["recall"] >= 0.3
    repeats = [(w, True) for w in data["warned_repeated"]] + [(m, False) for m in data["missed_repeated"]]
    assert len(repeats) == data["repeated_errors"]  # every usage repeat listed
    conn = open_store(corpus_store)
    try:
        failures = [e for e in load_history(conn).events if e.call.status == "error" and e.signature]
    finally:
        conn.close()
    earned = [
        warned
        for item, warned in repeats
        if len({e.session_id for e in failures if e.signature == item["signature"] and e.ts < item["ts"]}) >= 2
    ]
    assert len(earned) >= 5 and sum(earned) / len(earned) >= 0.75
    assert data["successful_calls"] > 1000
    assert data["false_alarm_rate"] == pytest.approx(data["false_alarms"] / data["successful_calls"], abs=1e-4)
    assert data["false_alarm_rate"] <= 0.02
    assert data["lessons_learned"] >= 4
    assert_no_lessons_stored(user_db)


@pytest.mark.corpus
def test_corpus_replay_warns_the_later_pushes_without_upstream(
    online: tuple[dict[str, Any], Path], corpus_store: Path
) -> None:
    data, _ = online
    conn = open_store(corpus_store)
    try:
        failures = [e.ts for e in load_history(conn).events if e.signature == PUSH_SIGNATURE]
    finally:
        conn.close()
    assert len(failures) == 4
    warned = [w["ts"] for w in data["warned_repeated"] if w["signature"] == PUSH_SIGNATURE]
    assert warned == failures[1:]  # the 2nd (the lesson of one failing session: a one-off's note), 3rd, 4th
    assert not [m for m in data["missed_repeated"] if m["signature"] == PUSH_SIGNATURE]


@pytest.mark.corpus
def test_corpus_replay_warns_the_repeated_format_rejection(online: tuple[dict[str, Any], Path]) -> None:
    data, _ = online
    found = [w for w in data["warned_repeated"] if w["ts"] == FORMAT_REJECTION_TS]
    assert len(found) == 1
    assert found[0]["error_class"] == "WORKFLOW_SEQUENCE"
    assert found[0]["signature"].startswith("shell|Pre-commit validation failed: [FORMAT]")
    assert any("mix format" in title for title in found[0]["lessons"])
    first = [w for w in data["warned_repeated"] if w["ts"] == FIRST_FORMAT_REPEAT_TS]  # the one-off's note
    assert len(first) == 1 and first[0]["signature"] == found[0]["signature"]


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_replay_split(tmp_path: Path) -> None:
    if not CORPUS_ROOT.is_dir():
        pytest.skip(f"real-data corpus not found at {CORPUS_ROOT} (the ../shared folder is absent)")
    data, user_db = run_replay(tmp_path, "--split", "0.5")
    assert data["mode"] == "split"
    assert data["split"] == 0.5
    assert 0 < data["evaluated_sessions"] < data["sessions"]
    assert 0 < data["evaluated_calls"] < 1136
    assert data.keys() >= REPORT_KEYS
    assert_no_lessons_stored(user_db)


@pytest.mark.corpus
def test_history_of_one_project_holds_only_its_calls_and_corrections(corpus_store: Path, tmp_path: Path) -> None:
    from lessonloop.pipeline.analysis import analyze_store

    copy = tmp_path / "analyzed.db"
    shutil.copy(corpus_store, copy)  # the shared store is not changed
    conn = open_store(copy)
    try:
        analyze_store(conn, bandit=False)  # corrections come from analysis
        everything = load_history(conn)
        with_corrections = sorted({c.project for c in everything.corrections if c.project})
        project = with_corrections[0]
        mine = load_history(conn, project)
        nobody = load_history(conn, "/no/such/project")
    finally:
        conn.close()
    assert mine.events and all(e.project == project for e in mine.events)
    assert len(mine.events) == sum(1 for e in everything.events if e.project == project)
    assert all(c.project == project for c in mine.corrections)
    assert len(mine.corrections) == sum(1 for c in everything.corrections if c.project == project)
    assert everything.corrections  # the corpus has corrections: the filter above was exercised
    assert not nobody.events and not nobody.corrections
