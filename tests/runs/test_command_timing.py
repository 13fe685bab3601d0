"""Suggested limits, anomalies and pattern effectiveness, computed from plain run records."""

from __future__ import annotations

import random
import sys
import types
from dataclasses import replace

import numpy as np
import pytest

from lessonloop.core.durations import format_duration, parse_duration
from lessonloop.lesson_model.confidence import wilson_lower_bound
from lessonloop.runs.command_timing import (
    FLOORS,
    MAX_MARGIN,
    MIN_ANOMALY_RUNS,
    MIN_SUCCESSFUL_RUNS,
    PERCENTILE_MARGIN,
    anomalies,
    is_successful,
    modified_z_scores,
    observed,
    pattern_effectiveness,
    percentile,
    readable_ceiling,
    suggest,
)
from lessonloop.runs.runner.run_record import PatternUse, RunRecord


def ok(duration: float, *, first: float | None = 0.5, idle: float | None = 1.0, lines: int = 100, **kw) -> RunRecord:
    return RunRecord(duration=duration, first_output=first, longest_idle=idle, stdout_lines=lines, **kw)


def numbered(runs: list[RunRecord]) -> list[RunRecord]:
    return [replace(run, id=i, started_at=f"2026-11-01T10:{i:02d}:00.000Z") for i, run in enumerate(runs, 1)]


# --- percentiles and rounding ----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_percentile_is_numpys_linear_percentile(seed: int) -> None:
    rng = random.Random(seed)
    values = [rng.uniform(1, 100) for _ in range(rng.randint(2, 40))]
    for q in (50, 90, 95, 99):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))
    assert percentile([7.0], 95) == 7.0


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.3, 5.0),
        (5.0, 5.0),
        (12.1, 15.0),
        (60.0, 60.0),
        (61.0, 90.0),
        (601.0, 660.0),
        (3601.0, 3900.0),
        (86401.0, 90000.0),
    ],
)
def test_limits_are_rounded_up_to_readable_values(seconds: float, expected: float) -> None:
    rounded = readable_ceiling(seconds)
    assert rounded == expected
    assert parse_duration(format_duration(rounded)) == rounded  # `lessonloop run` reads it back


# --- suggest ---------------------------------------------------------------------------------


def test_successful_runs_end_by_themselves_with_status_0_or_on_a_success_pattern() -> None:
    assert is_successful(ok(10))
    assert is_successful(ok(10, reason="success", stopped=True, child_status=-15))
    assert not is_successful(ok(10, exit_status=1, child_status=1))
    assert not is_successful(ok(10, reason="error", exit_status=1, stopped=True))
    assert not is_successful(ok(10, reason="timeout", exit_status=124, stopped=True))


def test_no_limits_without_enough_successful_runs() -> None:
    runs = [ok(30)] * (MIN_SUCCESSFUL_RUNS - 1) + [ok(30, exit_status=1, child_status=1)] * 5
    suggestion = suggest(runs)
    for item in suggestion.limits:
        assert item.seconds is None
        assert f"{MIN_SUCCESSFUL_RUNS - 1} successful runs" in item.reason
        assert f"at least {MIN_SUCCESSFUL_RUNS}" in item.reason
    assert suggestion.seconds() == {}
    assert suggestion.run_options() == []
    assert (suggestion.runs, suggestion.successful, suggestion.failed) == (9, 4, 5)


def test_the_timeout_is_the_95th_percentile_times_the_margin_rounded_up() -> None:
    durations = [60.0 + i for i in range(20)]  # 60..79 s: p95 78.05, longest 79
    suggestion = suggest([ok(d) for d in durations])
    limit = suggestion.limit("timeout")
    p95 = float(np.percentile(durations, 95))
    assert limit.percentile_value == pytest.approx(p95)
    assert limit.max_observed == 79.0
    assert limit.seconds == readable_ceiling(p95 * PERCENTILE_MARGIN)  # 117.1 s -> 2m
    assert limit.seconds == 120.0
    assert limit.samples == 20
    assert "p95" in limit.reason


def test_the_timeout_never_cuts_the_longest_successful_run_short() -> None:
    durations = [10.0] * 30 + [200.0]  # one slow run: p95 stays at 10 s
    limit = suggest([ok(d) for d in durations]).limit("timeout")
    assert limit.percentile_value == pytest.approx(10.0)
    assert limit.seconds == readable_ceiling(200.0 * MAX_MARGIN)
    assert limit.seconds is not None and limit.seconds >= 200.0
    assert "longest" in limit.reason


@pytest.mark.parametrize("seed", range(20))
def test_no_limit_would_have_stopped_any_successful_run(seed: int) -> None:
    rng = random.Random(seed)
    runs = []
    for _ in range(rng.randint(MIN_SUCCESSFUL_RUNS, 60)):
        duration = rng.lognormvariate(3, 1)
        first = None if rng.random() < 0.1 else rng.uniform(0, min(duration, 20))
        runs.append(ok(duration, first=first, idle=None if first is None else rng.uniform(0, duration / 2)))
    runs += [ok(rng.uniform(0, 1000), exit_status=2, child_status=2) for _ in range(5)]  # failures do not count
    suggestion = suggest(runs)
    for item in suggestion.limits:
        assert item.seconds is not None
        assert item.seconds >= FLOORS[item.name]
        for run in runs:
            if is_successful(run):
                assert item.seconds >= observed(item.name, run)


def test_tiny_commands_get_the_floors() -> None:
    suggestion = suggest([ok(0.2, first=0.01, idle=0.05) for _ in range(10)])
    assert suggestion.seconds() == FLOORS
    assert "floor" in suggestion.limit("timeout").reason


def test_a_silent_run_bounds_the_first_output_limit_by_its_duration() -> None:
    runs = [ok(40, first=0.5) for _ in range(9)] + [ok(40, first=None, idle=None)]
    suggestion = suggest(runs)
    assert suggestion.limit("first_output_timeout").max_observed == 40.0
    assert suggestion.seconds()["first_output_timeout"] >= 40.0
    assert suggestion.limit("idle_timeout").max_observed == 1.0  # no output: no silence after it


def test_runs_stopped_on_a_success_pattern_count_as_successful() -> None:
    runs = [ok(5, reason="success", stopped=True, child_status=-15, idle=30.0) for _ in range(5)]
    suggestion = suggest(runs)
    assert suggestion.successful == 5
    assert suggestion.seconds()["idle_timeout"] == readable_ceiling(30.0 * PERCENTILE_MARGIN)


def test_a_limit_called_too_short_is_exceeded() -> None:
    runs = [ok(20, idle=2.0) for _ in range(10)]
    stopped = RunRecord(
        duration=50,
        reason="idle_timeout",
        exit_status=124,
        child_status=-15,
        stopped=True,
        idle_timeout=40.0,
        verdict="should_have_waited",
    )
    suggestion = suggest([*runs, stopped])
    limit = suggestion.limit("idle_timeout")
    assert limit.too_short == 40.0
    assert limit.seconds is not None and limit.seconds > 40.0
    assert "too short" in limit.reason
    assert suggestion.limit("timeout").too_short is None  # not this limit's stop


def test_suggestion_json_and_run_options() -> None:
    suggestion = suggest([ok(100.0 + i, first=2.0, idle=8.0) for i in range(10)], command_norm="make check")
    data = suggestion.to_json()
    assert data["command_norm"] == "make check"
    assert set(data["limits"]) == {"timeout", "idle_timeout", "first_output_timeout"}
    timeout = data["limits"]["timeout"]
    assert set(timeout) >= {"seconds", "value", "samples", "percentile", "percentile_value", "max_observed", "margin"}
    assert timeout["flag"] == "--timeout"
    assert data["options"] == suggestion.run_options()
    assert suggestion.run_options()[:2] == ["--timeout", timeout["value"]]
    assert "--idle-timeout" in data["options"] and "--first-output-timeout" in data["options"]


# --- patterns in suggestions -----------------------------------------------------------------


def use(
    run_id: int,
    pattern: str = "FAILED",
    *,
    kind: str = "error",
    matches: int = 1,
    reason: str = "exit",
    exit_status: int = 0,
    child_status: int | None = 0,
    stopped: bool = False,
    rating: int | None = None,
    verdict: str | None = None,
    command_norm: str = "pytest <path>",
) -> PatternUse:
    return PatternUse(
        run_id, command_norm, kind, pattern, matches, reason, exit_status, child_status, stopped, rating, verdict
    )


def failed_by_itself(run_id: int, pattern: str = "FAILED", **kw) -> PatternUse:
    return use(run_id, pattern, exit_status=1, child_status=1, **kw)


def test_patterns_that_told_real_failures_are_suggested() -> None:
    uses = [failed_by_itself(i) for i in range(1, 4)]
    uses += [failed_by_itself(i, "ERROR") for i in range(1, 3)] + [use(i, "ERROR") for i in range(3, 6)]
    suggestion = suggest([ok(10)] * 5, uses, argv=["pytest"])
    assert [(p.kind, p.pattern, p.source) for p in suggestion.patterns] == [("error", "FAILED", "history")]
    assert suggestion.patterns[0].score is not None and suggestion.patterns[0].score.real == 3
    assert suggestion.run_options()[-2:] == ["--error", "FAILED"]


def test_without_good_patterns_the_profile_is_suggested(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("lessonloop.runs.runner.profiles")
    pytest_profile = types.SimpleNamespace(name="pytest", error=["FAILED"], exclude=[])
    fake.PROFILES = {"pytest": pytest_profile}  # type: ignore[attr-defined]
    fake.profile_for = lambda argv: pytest_profile if argv[0].endswith("pytest") else None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lessonloop.runs.runner.profiles", fake)
    suggestion = suggest([ok(10)] * 5, [use(1, "Error")], argv=["pytest", "-x"])
    assert [(p.kind, p.pattern, p.source) for p in suggestion.patterns] == [("profile", "pytest", "profile")]
    assert suggestion.run_options()[-2:] == ["--profile", "pytest"]
    assert "built-in profile" in suggestion.pattern_reason
    assert suggest([ok(10)] * 5, argv=["make"]).patterns == ()


def test_without_the_profiles_module_there_is_no_profile_suggestion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lessonloop.runs.runner.profiles", None)  # import fails
    suggestion = suggest([ok(10)] * 5, argv=["pytest"])
    assert suggestion.patterns == ()
    assert "no built-in profile" in suggestion.pattern_reason


# --- anomalies -------------------------------------------------------------------------------


def test_modified_z_scores_follow_iglewicz_and_hoaglin() -> None:
    values = [10.0, 11.0, 12.0, 13.0, 14.0, 100.0]
    scores, median, spread, kind = modified_z_scores(values)
    assert (median, kind) == (12.5, "mad")
    mad = float(np.median(np.abs(np.array(values) - 12.5)))
    assert spread == mad
    assert scores[-1] == pytest.approx(0.6745 * (100.0 - 12.5) / mad)


def test_a_run_far_slower_than_usual_is_an_anomaly() -> None:
    runs = numbered([ok(60.0 + (i % 5)) for i in range(12)] + [ok(300.0, reason="timeout", exit_status=124)])
    found = anomalies(runs)
    assert [(a.run_id, a.metric, a.direction) for a in found] == [(13, "duration", "high")]
    assert found[0].score > 3.5
    assert found[0].median == 62.0
    assert "took 5m" in found[0].describe()
    assert found[0].to_json()["reason"] == "timeout"


def test_a_run_that_failed_at_once_is_a_low_anomaly() -> None:
    runs = numbered([ok(60.0 + (i % 5)) for i in range(12)] + [ok(2.0, exit_status=2, child_status=2)])
    found = anomalies(runs)
    assert [(a.run_id, a.direction) for a in found] == [(13, "low")]


def test_output_volume_anomalies() -> None:
    runs = numbered([ok(30.0, lines=200 + i) for i in range(10)] + [ok(30.0, lines=25_000)])
    found = anomalies(runs)
    assert [(a.run_id, a.metric) for a in found] == [(11, "output_lines")]
    assert "printed 25000 lines" in found[0].describe()


def test_with_a_mad_of_0_the_mean_absolute_deviation_is_used() -> None:
    runs = numbered([ok(30.0) for _ in range(9)] + [ok(90.0)])
    found = anomalies(runs)
    assert [(a.run_id, a.spread_kind) for a in found] == [(10, "mean_ad")]
    assert found[0].score == pytest.approx(60.0 / (1.253314 * 6.0))


def test_tiny_changes_of_a_steady_command_are_not_anomalies() -> None:
    assert anomalies(numbered([ok(30.0) for _ in range(9)] + [ok(30.5)])) == []  # MAD 0, half a second
    steady = [ok(30.0 + i * 0.01) for i in range(10)] + [ok(31.5)]  # a huge z, but 5%
    assert anomalies(numbered(steady)) == []
    assert anomalies(numbered([ok(30.0) for _ in range(10)])) == []  # no spread at all


def test_anomalies_need_enough_runs() -> None:
    few = numbered([ok(60.0) for _ in range(MIN_ANOMALY_RUNS - 2)] + [ok(600.0)])
    assert anomalies(few) == []
    never_started = [ok(0.0, reason="not_found", exit_status=127, child_status=None) for _ in range(10)]
    assert anomalies(numbered(few + never_started)) == []


# --- pattern effectiveness -------------------------------------------------------------------


def test_effectiveness_definitions_for_an_error_pattern() -> None:
    uses = [
        failed_by_itself(1),  # real: it failed by itself
        use(2, stopped=True, reason="error", exit_status=1, child_status=-15, rating=5),  # real: feedback
        use(3, stopped=True, reason="error", exit_status=1, child_status=-15, verdict="should_have_stopped"),
        use(4, stopped=True, reason="error", exit_status=1, child_status=-15),  # unknown: stopped, no word
        use(5),  # false alarm: matched, then it succeeded by itself
        use(6, stopped=True, reason="error", exit_status=1, child_status=-15, verdict="should_have_waited"),
        use(7, stopped=True, reason="error", exit_status=1, child_status=-15, rating=1),  # false: rated badly
        use(8, exit_status=1, child_status=1, rating=2),  # feedback decides over the status
        use(9, matches=0, exit_status=1, child_status=1),  # a miss: it failed and the pattern said nothing
        use(10, matches=0),  # not matched, succeeded: nothing
        use(11, matches=0, reason="timeout", exit_status=124, child_status=-15, stopped=True),  # not a miss
    ]
    [score] = pattern_effectiveness(uses)
    assert (score.kind, score.pattern, score.runs, score.matched) == ("error", "FAILED", 11, 8)
    assert (score.real, score.false_alarms, score.unknown, score.misses) == (3, 4, 1, 1)
    assert score.precision == pytest.approx(3 / 7)
    low, high = score.precision_interval() or (0.0, 0.0)
    assert low == pytest.approx(wilson_lower_bound(3, 7, 1.96))
    assert high == pytest.approx(1 - wilson_lower_bound(4, 7, 1.96))
    assert low < 3 / 7 < high
    data = score.to_json()
    assert data["precision"] == round(3 / 7, 4) and data["commands"] == ["pytest <path>"]


def test_effectiveness_of_success_and_exclude_patterns() -> None:
    uses = [
        use(1, "passed", kind="success"),  # real: it did succeed by itself
        use(2, "passed", kind="success", exit_status=1, child_status=1),  # false: it failed
        use(3, "passed", kind="success", reason="success", stopped=True, child_status=-15, rating=4),
        use(4, "passed", kind="success", reason="success", stopped=True, child_status=-15),  # unknown
        use(5, "passed", kind="success", matches=0),  # a miss: succeeded without it matching
        use(1, "xfail", kind="exclude", matches=3),
        use(2, "xfail", kind="exclude", matches=0),
    ]
    success, exclude = pattern_effectiveness(uses)
    assert (success.kind, success.real, success.false_alarms, success.unknown, success.misses) == (
        "success",
        2,
        1,
        1,
        1,
    )
    assert (exclude.kind, exclude.runs, exclude.matched, exclude.real, exclude.precision) == (
        "exclude",
        2,
        1,
        0,
        None,
    )
    assert exclude.precision_interval() is None


def test_effectiveness_groups_by_kind_and_pattern_across_commands() -> None:
    uses = [
        failed_by_itself(1, command_norm="pytest <path>"),
        failed_by_itself(2, command_norm="python -m pytest"),
        use(2, "FAILED", kind="success", matches=0, exit_status=1, child_status=1),
    ]
    scores = pattern_effectiveness(uses)
    assert [(s.kind, s.pattern, s.runs) for s in scores] == [("error", "FAILED", 2), ("success", "FAILED", 1)]
    assert scores[0].commands == ("pytest <path>", "python -m pytest")
