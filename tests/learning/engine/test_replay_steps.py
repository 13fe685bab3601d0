"""Replay against labels, step by step (issue 24): every labelled call gets exactly one step
(warned, not seen as a failure, not seen as a repeat, no lesson, lesson silent: why), a label of a
call that is not a failure in replay's eyes is reported rather than dropped, and a labels file's
parts split every figure (false alarms over the successful calls of the part's sessions)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from lessonloop.learning.engine.engine import Policy
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.replay import replay
from lessonloop.learning.engine.replay_audit import (
    BELOW,
    NO_LESSON,
    NO_MATCH,
    NOT_FAILURE,
    NOT_REPEAT,
    SILENT,
    UNLESS,
    WARNED,
)
from lessonloop.learning.engine.replay_labels import (
    NO_RESULT,
    NOT_STORED,
    SUCCESS,
    Label,
    LabelError,
    Labels,
    read_labels,
    score_labels,
)
from tests.learning_helpers import PRE_COMMIT, Script, format_episode, history, push_failure, replay_cli
from tests.transcript_builder import write_push_sessions

FAILING_TEST = "Exit code 2\n1 test, 1 failure"


def _label(event: CallEvent, by_line: bool = False) -> Label:
    if by_line:
        return Label(event.session_id, None, event.call.seq)
    return Label(event.session_id, event.call.id, None)


def _steps_history() -> tuple[list[CallEvent], dict[str, CallEvent]]:
    """One call meeting each step, by name."""
    script = Script()
    sessions = ("s1", "s1a", "s1b", "s2", "s3", "s4", "s5")
    s1, s1a, s1b, s2, s3, s4, s5 = (script.session(sid, branch=f"b{sid}") for sid in sessions)
    calls: dict[str, CallEvent] = {}
    events = [push_failure(s1), s1.bash("git push -u origin bs1")]
    events.append(s1.bash("mix test", error=FAILING_TEST, error_class="CHECK_FAILED"))
    events.append(s1a.bash("git push"))  # the upstream was there: the lesson failed in one session of two
    # a candidate of one failing session in two: below a one-off's note (confidence.ONE_OFF_AT)
    calls["below threshold"] = push_failure(s1b)
    events.append(s1b.bash("git push -u origin bs1b"))
    calls["warned"] = push_failure(s2)  # it failed in two
    calls["no lesson"] = s2.bash("mix test", error=FAILING_TEST, error_class="CHECK_FAILED")
    calls["trigger did not match"] = push_failure(s3, "git push --set-upstream origin bs3")
    calls["not a repeat"] = s3.bash("ls nothing", error="ls: nothing: No such file or directory", error_class="X")
    calls["no result"] = s3.bash("npm test")
    calls["no result"].call.status = None  # the call's result was never recorded
    calls["success"] = s3.bash("make")
    events += [*calls.values()]
    events += format_episode(s4)
    events += [s5.edit("lib/b.ex"), s5.bash("mix format")]
    calls["unless satisfied"] = s5.bash("git commit -m y", error=PRE_COMMIT, error_class="WORKFLOW_SEQUENCE")
    events.append(calls["unless satisfied"])
    return events, calls


def test_every_labelled_repeat_gets_the_step_it_reached() -> None:
    events, calls = _steps_history()
    report = replay(history(events))
    repeats = [_label(event, by_line=name == "no lesson") for name, event in calls.items()]
    repeats.append(Label("s3", "toolu_nowhere", None))
    data = score_labels(report, history(events).events, Labels(repeats, [])).to_json()
    got = {item["tool_use_id"]: (item["step"], item["why"]) for item in data["labelled_calls"]}
    assert got == {
        calls["below threshold"].call.id: (SILENT, f"{SILENT}: {BELOW} (active/candidate)"),
        calls["warned"].call.id: (WARNED, None),
        calls["no lesson"].call.id: (NO_LESSON, NO_LESSON),
        calls["trigger did not match"].call.id: (SILENT, f"{SILENT}: {NO_MATCH}"),
        calls["not a repeat"].call.id: (NOT_REPEAT, None),
        calls["no result"].call.id: (NOT_FAILURE, f"{NOT_FAILURE}: {NO_RESULT}"),
        calls["success"].call.id: (NOT_FAILURE, f"{NOT_FAILURE}: {SUCCESS}"),
        calls["unless satisfied"].call.id: (SILENT, f"{SILENT}: {UNLESS}"),
        "toolu_nowhere": (NOT_FAILURE, f"{NOT_FAILURE}: {NOT_STORED}"),
    }
    assert data["labelled_repeats"] == 9
    assert data["steps"] == {WARNED: 1, NOT_FAILURE: 3, NOT_REPEAT: 1, NO_LESSON: 1, SILENT: 3}
    assert data["step_reasons"] == {
        NOT_FAILURE: {NO_RESULT: 1, NOT_STORED: 1, SUCCESS: 1},
        SILENT: {BELOW: 1, NO_MATCH: 1, UNLESS: 1},
    }
    assert data["labels_not_found"] == [{"label": "repeat", "session": "s3", "tool_use_id": "toolu_nowhere"}]
    assert len(data["missed_labelled_repeats"]) == 8


def test_a_lesson_below_the_policy_is_silent_below_threshold() -> None:
    script = Script()
    s1, s2 = script.session("s1", branch="feat-a"), script.session("s2", branch="feat-b")
    events = [push_failure(s1), s1.bash("git push -u origin feat-a"), push_failure(s2)]
    report = replay(history(events), Policy(review=True))
    data = score_labels(report, history(events).events, Labels([_label(events[-1])], [])).to_json()
    assert data["steps"][SILENT] == 1
    assert data["step_reasons"] == {SILENT: {BELOW: 1}}
    assert data["labelled_calls"][0]["why"].startswith(f"{SILENT}: {BELOW} (pending/")


def test_replay_own_repeats_are_counted_by_step_with_the_same_words() -> None:
    events, _ = _steps_history()
    own = replay(history(events)).to_json()["repeat_steps"]
    assert own["repeats"] == 5
    assert own["steps"] == {WARNED: 1, NOT_FAILURE: 0, NOT_REPEAT: 0, NO_LESSON: 1, SILENT: 3}
    assert own["step_reasons"] == {SILENT: {BELOW: 1, NO_MATCH: 1, UNLESS: 1}}


def test_a_labelled_not_repeat_that_is_not_a_failure_is_reported() -> None:
    events, calls = _steps_history()
    report = replay(history(events))
    labels = Labels([], [_label(calls["success"]), _label(calls["no lesson"])])
    data = score_labels(report, history(events).events, labels).to_json()
    assert data["labelled_not_repeats"] == 2
    assert data["labelled_not_repeats_not_seen_as_failures"] == 1
    assert data["labelled_not_repeats_replay_counts_as_repeats"] == 1
    assert [item["step"] for item in data["labelled_calls"]] == [NOT_FAILURE, NO_LESSON]


# ----------------------------------------------------------------------------- parts


def test_parts_split_every_figure() -> None:
    script = Script()
    s1, s1b, s2, s3 = (script.session(sid, branch=f"b{sid}") for sid in ("s1", "s1b", "s2", "s3"))
    first = push_failure(s1)
    missed = s1.bash("mix test", error=FAILING_TEST, error_class="CHECK_FAILED")
    events = [first, s1.bash("git push -u origin bs1"), s1.bash("ls"), missed]
    events += [push_failure(s1b), s1b.bash("git push -u origin bs1b")]  # unlabelled: the push lesson's second session
    warned = push_failure(s2)
    events += [warned, s2.bash("git push -u origin bs2")]
    again = s3.bash("mix test", error=FAILING_TEST, error_class="CHECK_FAILED")
    alarm = s3.bash("git push")  # worked: the push lesson fired on a success
    events += [again, alarm, s3.bash("ls")]
    report = replay(history(events))
    labels = Labels(
        [_label(warned), _label(again)],
        [_label(first), _label(missed)],
        {"tune": ["s1", "s1b", "s2"], "report": ["s3", "s9"]},
    )
    data = score_labels(report, history(events).events, labels).to_json()
    tune, rep = data["parts"]["tune"], data["parts"]["report"]
    assert (data["labelled_repeats"], data["warned_labelled_repeats"]) == (2, 1)
    assert (tune["labelled_repeats"], tune["warned_labelled_repeats"], tune["recall"]) == (1, 1, 1.0)
    assert (rep["labelled_repeats"], rep["warned_labelled_repeats"], rep["recall"]) == (1, 0, 0.0)
    assert rep["steps"][NO_LESSON] == 1 and tune["steps"][WARNED] == 1
    assert (tune["labelled_not_repeats"], rep["labelled_not_repeats"]) == (2, 0)
    ok = Counter(e.session_id for e in events if e.call.ok)
    assert (tune["successful_calls"], rep["successful_calls"]) == (ok["s1"] + ok["s1b"] + ok["s2"], ok["s3"])
    assert data["successful_calls"] == tune["successful_calls"] + rep["successful_calls"]
    assert (data["false_alarms"], tune["false_alarms"], rep["false_alarms"]) == (1, 0, 1)
    assert rep["false_alarm_rate"] == pytest.approx(1 / ok["s3"], abs=1e-4)
    assert (tune["sessions"], rep["sessions"]) == (3, 1)
    # the push lesson warned the labelled repeat in "tune"; in "report" it fired on a success only
    assert (tune["lessons_fired"], tune["lessons_that_warned_labelled_repeats"]) == (1, 1)
    assert (rep["lessons_fired"], rep["lessons_with_false_alarms_only"]) == (1, 1)
    assert (data["lessons_that_warned_labelled_repeats"], data["lessons_with_false_alarms_only"]) == (1, 0)
    assert data["part_sessions_not_found"] == {"report": ["s9"]}
    assert data["labels_outside_the_parts"] == []


def test_a_labels_file_without_parts_has_one_figure(tmp_path: Path) -> None:
    events, calls = _steps_history()
    report = replay(history(events))
    data = score_labels(report, history(events).events, Labels([_label(calls["warned"])], [])).to_json()
    assert "parts" not in data and data["recall"] == 1.0


def test_read_labels_reads_and_checks_parts(tmp_path: Path) -> None:
    path = tmp_path / "labels.json"
    base = {"corpus": "../shared/corpus/codex/zo-qore", "repeats": [{"session": "a", "line": 3}]}
    path.write_text(json.dumps({**base, "parts": {"tune": ["a"], "report": ["b", "c"]}}))
    labels = read_labels(path)
    assert labels.parts == {"tune": ["a"], "report": ["b", "c"]}
    assert labels.corpus == "../shared/corpus/codex/zo-qore"
    bad: list[object] = [[], {"tune": "a"}, {"tune": [1]}, {"tune": ["a"], "report": ["a"]}, {"all": ["a"]}]
    for parts in bad:
        path.write_text(json.dumps({**base, "parts": parts}))
        with pytest.raises(LabelError):
            read_labels(path)


# ----------------------------------------------------------------------------- the command, on real-format transcripts


@pytest.mark.slow
def test_cli_names_each_labelled_repeats_step_per_part(tmp_path: Path) -> None:
    folder = tmp_path / "projects" / "-home-dev-app"
    s1, s2, s3 = write_push_sessions(folder)
    first_push = next(r for r in s1.records if r["type"] == "assistant")["message"]["content"][0]["id"]
    second_push = next(r for r in s2.records if r["type"] == "assistant")["message"]["content"][0]["id"]
    third_push = next(r for r in s3.records if r["type"] == "assistant")["message"]["content"][0]["id"]
    labels = tmp_path / "labels.json"
    labels.write_text(
        json.dumps(
            {
                "repeats": [
                    {"session": s2.session_id, "tool_use_id": second_push},
                    {"session": s3.session_id, "tool_use_id": third_push},
                    {"session": s3.session_id, "tool_use_id": "toolu_no_result"},
                    {"session": s3.session_id, "line": 999},
                ],
                "not_repeats": [{"session": s1.session_id, "tool_use_id": first_push}],
                "parts": {"tune": [s1.session_id, s2.session_id], "report": [s3.session_id]},
            }
        )
    )
    done = replay_cli(tmp_path, str(folder), "--labels", str(labels), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)["labels"]
    # the second push is warned (its lesson failed in one session: a one-off's note), the third too
    assert data["steps"] == {WARNED: 2, NOT_FAILURE: 2, NOT_REPEAT: 0, NO_LESSON: 0, SILENT: 0}
    assert data["step_reasons"] == {NOT_FAILURE: {NO_RESULT: 1, NOT_STORED: 1}}
    assert data["parts"]["tune"]["steps"][WARNED] == 1 and data["parts"]["tune"]["labelled_repeats"] == 1
    assert data["parts"]["report"]["steps"][WARNED] == 1
    assert data["parts"]["report"]["labelled_repeats"] == 3
    assert data["labels_not_found"] == [{"label": "repeat", "session": s3.session_id, "line": 999}]
    text = replay_cli(tmp_path, str(folder), "--labels", str(labels))
    assert text.returncode == 0, text.stderr
    out = text.stdout
    assert (
        "labelled repeats: 4; warned 2; not seen as a failure 2 (no result 1, not in the store 1); "
        "not seen as a repeat 0; no lesson 0; lesson silent 0" in out
    ), out
    assert "tune (2 sessions): labelled repeats: 1; warned 1;" in out, out
    assert "report (1 session): labelled repeats: 3; warned 1;" in out, out
    assert f"missed {s2.session_id[:8]}:2" not in out, out  # the second push: the one-off's note
    assert f"missed {s3.session_id[:8]}:999 [report]: not seen as a failure: not in the store" in out, out
    assert f"missed {s3.session_id[:8]}:6 [report] npm test: not seen as a failure: no result" in out, out
