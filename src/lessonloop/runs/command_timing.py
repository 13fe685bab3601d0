"""What a command's past runs say about running it again: the limits to give `lessonloop run`
(`suggest`), the runs that were far from usual (`anomalies`), and how well each pattern told a
failure (`pattern_effectiveness`).

Pure functions over plain records: the runs and pattern uses the store reads back
(runner/run_record.py's RunRecord and PatternUse, below the store and learning both).
docs/runner-learning.md gives the formulas, thresholds and the reasons for them.

`suggest` runs before a command with `lessonloop run --auto`, so it uses the standard library's
statistics (quantiles) and imports nothing heavy; `anomalies` uses scipy, imported when called.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.core.durations import format_duration
from lessonloop.core.rates import rounded
from lessonloop.lesson_model.confidence import wilson_lower_bound
from lessonloop.runs.runner.result import (
    EXIT,
    FIRST_OUTPUT_TIMEOUT,
    IDLE_TIMEOUT,
    NOT_EXECUTABLE,
    NOT_FOUND,
    SUCCESS,
    TIMEOUT,
)
from lessonloop.runs.runner.run_record import PatternUse, RunRecord

# Suggested limits.
MIN_SUCCESSFUL_RUNS = 5  # fewer successful runs say too little about a command's usual time
PERCENTILE = 95.0  # the usual worst case ...
PERCENTILE_MARGIN = 1.5  # ... times this
MAX_MARGIN = 1.25  # and never less than the longest successful run times this
FLOORS = {"timeout": 10.0, "idle_timeout": 10.0, "first_output_timeout": 5.0}  # seconds
LIMITS = ("timeout", "idle_timeout", "first_output_timeout")
RUN_FLAGS = {"timeout": "--timeout", "idle_timeout": "--idle-timeout", "first_output_timeout": "--first-output-timeout"}
PATTERN_FLAGS = {"error": "--error", "success": "--success"}
_LIMIT_REASONS = {"timeout": TIMEOUT, "idle_timeout": IDLE_TIMEOUT, "first_output_timeout": FIRST_OUTPUT_TIMEOUT}
_WHAT = {
    "timeout": "duration",
    "idle_timeout": "longest silence after the first output",
    "first_output_timeout": "time to the first output",
}

# Suggested patterns.
MAX_FALSE_ALARM_SHARE = 0.2  # of a pattern's judged matches, at most this share false alarms
PRECISION_Z = 1.96  # a two-sided 95% Wilson interval

# Anomalies (Iglewicz and Hoaglin).
MIN_ANOMALY_RUNS = 8
MODIFIED_Z = 0.6745  # the 0.75 quantile of the standard normal: MAD / 0.6745 estimates sigma
MODIFIED_Z_THRESHOLD = 3.5
MEAN_AD_FACTOR = 1.253314  # sqrt(pi / 2): mean absolute deviation * this estimates sigma
MIN_RELATIVE_CHANGE = 0.5  # and at least 50% away from the median ...
MIN_ABSOLUTE_CHANGE = {"duration": 1.0, "output_lines": 10.0}  # ... and at least this much
_NEVER_STARTED = frozenset({NOT_FOUND, NOT_EXECUTABLE})


def is_successful(run: RunRecord) -> bool:
    """A run that ended by itself with status 0, or that was stopped on a success pattern."""
    return (run.reason == EXIT and run.exit_status == 0) or run.reason == SUCCESS


# --- suggest -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LimitSuggestion:
    """One suggested limit (`timeout`, `idle_timeout` or `first_output_timeout`) and its evidence."""

    name: str
    seconds: float | None  # None: no suggestion (`reason` says why)
    samples: int  # successful runs it was computed from
    percentile: float
    percentile_value: float | None  # that percentile of the samples, seconds
    max_observed: float | None  # the largest sample
    too_short: float | None  # the largest limit feedback said was too short (should_have_waited)
    margin: float
    max_margin: float
    floor: float
    reason: str

    @property
    def flag(self) -> str:
        return RUN_FLAGS[self.name]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "flag": self.flag,
            "seconds": self.seconds,
            "value": None if self.seconds is None else format_duration(self.seconds),
            "samples": self.samples,
            "percentile": self.percentile,
            "percentile_value": rounded(self.percentile_value, 3),
            "max_observed": rounded(self.max_observed, 3),
            "too_short": rounded(self.too_short, 3),
            "margin": self.margin,
            "max_margin": self.max_margin,
            "floor": self.floor,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PatternSuggestion:
    """An error or success pattern to watch for: from this command's history (with its score) or
    the built-in profile for the program."""

    kind: str  # error | success | profile
    pattern: str  # the pattern; for kind "profile", the profile's name
    source: str  # history | profile
    reason: str
    score: PatternScore | None = None

    def options(self) -> list[str]:
        if self.kind == "profile":
            return ["--profile", self.pattern]
        return [PATTERN_FLAGS[self.kind], self.pattern]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "pattern": self.pattern,
            "source": self.source,
            "reason": self.reason,
            "score": None if self.score is None else self.score.to_json(),
        }


@dataclass(frozen=True)
class Suggestion:
    """What to give `lessonloop run` for one normalized command, with the evidence."""

    command_norm: str
    runs: int
    successful: int
    failed: int  # ended by themselves with a non-zero status (an error pattern matched or not)
    stopped: int  # stopped by lessonloop (patterns, limits, a stuck loop)
    limits: tuple[LimitSuggestion, ...]
    patterns: tuple[PatternSuggestion, ...]
    pattern_reason: str

    def limit(self, name: str) -> LimitSuggestion:
        return next(item for item in self.limits if item.name == name)

    def seconds(self) -> dict[str, float]:
        """The suggested limits in seconds, by RunOptions name (only those there is one for)."""
        return {item.name: item.seconds for item in self.limits if item.seconds is not None}

    def run_options(self) -> list[str]:
        """The options of `lessonloop run` this suggests, as argv words."""
        words: list[str] = []
        for item in self.limits:
            if item.seconds is not None:
                words += [item.flag, format_duration(item.seconds)]
        for pattern in self.patterns:
            words += pattern.options()
        return words

    def to_json(self) -> dict[str, Any]:
        return {
            "command_norm": self.command_norm,
            "runs": self.runs,
            "successful": self.successful,
            "failed": self.failed,
            "stopped": self.stopped,
            "options": self.run_options(),
            "limits": {item.name: item.to_json() for item in self.limits},
            "patterns": [p.to_json() for p in self.patterns],
            "pattern_reason": self.pattern_reason,
        }


def suggest(
    history: Sequence[RunRecord],
    uses: Iterable[PatternUse] = (),
    *,
    command_norm: str = "",
    argv: Sequence[str] | None = None,
) -> Suggestion:
    """The limits and patterns to run a command with, from its past runs (`history`, one
    normalized command's) and the patterns those runs watched for (`uses`).

    Each limit is computed from the successful runs (`is_successful`): the 95th percentile of
    what it limits times 1.5, never below the longest observed value times 1.25 (so no
    successful run would have been cut short), never below the limit feedback called too short,
    at least the floor, rounded up to a readable value. What a limit measures: `timeout` the
    duration; `idle_timeout` the longest silence after the first output (0 without output);
    `first_output_timeout` the time to the first output (the whole duration without output).
    No limit with fewer than MIN_SUCCESSFUL_RUNS successful runs.

    Patterns: those of `uses` that told real outcomes with few false alarms
    (`pattern_effectiveness`, at most MAX_FALSE_ALARM_SHARE); else the built-in profile for
    `argv`'s program, when the profiles module has one.
    """
    successful = [run for run in history if is_successful(run)]
    # Ended by themselves with a non-zero status: also when an error pattern had matched and the
    # command ended inside the after-window before lessonloop stopped it (reason "error", not stopped).
    failed = sum(
        1 for run in history if not run.stopped and run.exit_status not in (0, None) and not is_successful(run)
    )
    stopped = sum(1 for run in history if run.stopped)
    limits = tuple(_limit(name, successful, history) for name in LIMITS)
    patterns, pattern_reason = _patterns(list(uses), argv)
    return Suggestion(
        command_norm=command_norm,
        runs=len(history),
        successful=len(successful),
        failed=failed,
        stopped=stopped,
        limits=limits,
        patterns=tuple(patterns),
        pattern_reason=pattern_reason,
    )


def observed(name: str, run: RunRecord) -> float:
    """What limit `name` measures in `run`, in seconds (see `suggest`)."""
    if name == "timeout":
        return run.duration
    if name == "idle_timeout":
        return run.longest_idle or 0.0
    return run.duration if run.first_output is None else run.first_output


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (a whole number 1..99) of `values`, linear between order statistics
    (statistics.quantiles "inclusive", as numpy.percentile's default); the value for a single one."""
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def readable_ceiling(seconds: float) -> float:
    """`seconds` rounded up to a value people write: 5 s steps below a minute, 30 s steps below
    ten minutes, whole minutes below an hour, 5 minutes below a day, then whole hours."""
    for limit, step in ((60.0, 5.0), (600.0, 30.0), (3600.0, 60.0), (86400.0, 300.0)):
        if seconds <= limit:
            return max(step, math.ceil(seconds / step - 1e-9) * step)
    return math.ceil(seconds / 3600.0 - 1e-9) * 3600.0


def _limit(name: str, successful: Sequence[RunRecord], history: Sequence[RunRecord]) -> LimitSuggestion:
    floor = FLOORS[name]
    values = [observed(name, run) for run in successful]
    too_short = _too_short(name, history)
    longest = max(values) if values else None
    high: float | None = None
    seconds: float | None = None
    if len(values) < MIN_SUCCESSFUL_RUNS or longest is None:
        have = f"{len(values)} successful run" + ("" if len(values) == 1 else "s")
        reason = f"none: {have}, at least {MIN_SUCCESSFUL_RUNS} are needed"
    else:
        high = percentile(values, PERCENTILE)
        bounds = {
            f"p{PERCENTILE:g} {format_duration(high)} x {PERCENTILE_MARGIN:g}": high * PERCENTILE_MARGIN,
            f"longest {format_duration(longest)} x {MAX_MARGIN:g}": longest * MAX_MARGIN,
            f"the floor {format_duration(floor)}": floor,
        }
        if too_short is not None:
            bounds[f"{format_duration(too_short)} (called too short) x {MAX_MARGIN:g}"] = too_short * MAX_MARGIN
        rule, raw = max(bounds.items(), key=lambda item: item[1])
        seconds = readable_ceiling(raw)
        reason = (
            f"{format_duration(seconds)}: {rule}, the largest bound, rounded up "
            f"({_WHAT[name]} of {len(values)} successful runs)"
        )
    return LimitSuggestion(
        name=name,
        seconds=seconds,
        samples=len(values),
        percentile=PERCENTILE,
        percentile_value=high,
        max_observed=longest,
        too_short=too_short,
        margin=PERCENTILE_MARGIN,
        max_margin=MAX_MARGIN,
        floor=floor,
        reason=reason,
    )


def _too_short(name: str, history: Sequence[RunRecord]) -> float | None:
    """The largest limit `name` that stopped a run people said should have been waited for."""
    reason = _LIMIT_REASONS[name]
    found: list[float] = []
    for run in history:
        if run.reason != reason or run.verdict != "should_have_waited":
            continue
        limit = getattr(run, name)
        found.append(float(limit) if limit is not None else observed(name, run))
    return max(found) if found else None


def _patterns(uses: list[PatternUse], argv: Sequence[str] | None) -> tuple[list[PatternSuggestion], str]:
    scores = [score for score in pattern_effectiveness(uses) if score.kind in PATTERN_FLAGS]
    kept = [score for score in scores if _worth_keeping(score)]
    if kept:
        kept.sort(key=lambda s: (s.kind != "error", -s.real, s.false_alarms, s.pattern))
        found = [
            PatternSuggestion(
                kind=score.kind,
                pattern=score.pattern,
                source="history",
                reason=f"matched {score.matched} of {score.runs} runs: {score.real} real, "
                f"{score.false_alarms} false alarm(s), {score.misses} missed",
                score=score,
            )
            for score in kept
        ]
        return found, f"{len(found)} pattern(s) from this command's runs told real outcomes with few false alarms"
    profile = _profile_name(argv)
    why = (
        "no pattern of this command's runs told a real outcome with few false alarms"
        if scores
        else "this command's runs watched for no pattern"
    )
    if profile is not None:
        return [
            PatternSuggestion(
                kind="profile", pattern=profile, source="profile", reason=f"the built-in {profile} profile"
            )
        ], f"{why}: the built-in profile for the program"
    return [], f"{why}, and there is no built-in profile for the program"


def _worth_keeping(score: PatternScore) -> bool:
    judged = score.real + score.false_alarms
    return score.real >= 1 and score.false_alarms <= MAX_FALSE_ALARM_SHARE * judged


def _profile_name(argv: Sequence[str] | None) -> str | None:
    """The name of the built-in profile for `argv`'s program; None when there is none (or the
    profiles module is not there)."""
    if not argv:
        return None
    try:  # the profiles are optional here: no profile suggestion without them
        from lessonloop.runs.runner.profiles import PROFILES, profile_for
    except ImportError:
        return None
    try:
        found = profile_for(list(argv))
    except Exception:  # a profile lookup that fails must not stop a suggestion
        return None
    if found is None:
        return None
    return next((name for name, profile in PROFILES.items() if profile is found), found.name)


# --- anomalies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Anomaly:
    """A run far from the command's usual duration or output volume."""

    run_id: int
    started_at: str
    metric: str  # duration | output_lines
    value: float
    median: float
    spread: float  # MAD, or the mean absolute deviation when the MAD is 0
    spread_kind: str  # mad | mean_ad
    score: float  # the modified z-score
    direction: str  # high | low
    reason: str  # how the run ended

    def describe(self) -> str:
        if self.metric == "duration":
            value, median = format_duration(self.value), format_duration(self.median)
            what = "took"
        else:
            value, median = f"{self.value:g} lines", f"{self.median:g}"
            what = "printed"
        return f"run {self.run_id} {what} {value} (usual {median}; modified z {self.score:+.1f}), ended: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "metric": self.metric,
            "value": rounded(self.value, 3),
            "median": rounded(self.median, 3),
            "spread": rounded(self.spread, 3),
            "spread_kind": self.spread_kind,
            "score": round(self.score, 2),
            "direction": self.direction,
            "reason": self.reason,
            "text": self.describe(),
        }


def anomalies(history: Sequence[RunRecord]) -> list[Anomaly]:
    """The runs far outside the command's usual duration or output lines (stdout + stderr), by
    the modified z-score of Iglewicz and Hoaglin: M = 0.6745 (x - median) / MAD, flagged when
    |M| > 3.5. When the MAD is 0 (more than half the runs alike), M = (x - median) /
    (1.253314 * mean absolute deviation); when that is 0 too, nothing is flagged. A run is
    flagged only when it is also at least 50% and a minimal amount (1 s, 10 lines) from the
    median: on a very steady command a tiny change has a large score and means nothing.
    Runs that never started are left out; fewer than MIN_ANOMALY_RUNS runs give nothing."""
    runs = [run for run in history if run.reason not in _NEVER_STARTED]
    if len(runs) < MIN_ANOMALY_RUNS:
        return []
    found: list[Anomaly] = []
    metrics = {
        "duration": [float(run.duration) for run in runs],
        "output_lines": [float(run.stdout_lines + run.stderr_lines) for run in runs],
    }
    for metric, values in metrics.items():
        for index, score, median, spread, kind in _outliers(metric, values):
            run = runs[index]
            found.append(
                Anomaly(
                    run_id=run.id,
                    started_at=run.started_at,
                    metric=metric,
                    value=values[index],
                    median=median,
                    spread=spread,
                    spread_kind=kind,
                    score=score,
                    direction="high" if score > 0 else "low",
                    reason=run.reason,
                )
            )
    found.sort(key=lambda a: (-abs(a.score), a.run_id, a.metric))
    return found


def modified_z_scores(values: Sequence[float]) -> tuple[list[float], float, float, str]:
    """(the modified z-score of each value, the median, the spread, "mad" or "mean_ad"); the
    scores are all 0 when the values do not vary."""
    import numpy as np
    from scipy.stats import median_abs_deviation

    data = np.asarray(values, dtype=float)
    median = float(np.median(data))
    mad = float(median_abs_deviation(data))
    if mad > 0:
        return [float(x) for x in MODIFIED_Z * (data - median) / mad], median, mad, "mad"
    mean_ad = float(np.mean(np.abs(data - median)))
    if mean_ad > 0:
        return [float(x) for x in (data - median) / (MEAN_AD_FACTOR * mean_ad)], median, mean_ad, "mean_ad"
    return [0.0] * len(values), median, 0.0, "mad"


def _outliers(metric: str, values: list[float]) -> list[tuple[int, float, float, float, str]]:
    scores, median, spread, kind = modified_z_scores(values)
    minimum = MIN_ABSOLUTE_CHANGE[metric]
    out = []
    for index, (value, score) in enumerate(zip(values, scores, strict=True)):
        change = abs(value - median)
        if abs(score) > MODIFIED_Z_THRESHOLD and change >= minimum and change >= MIN_RELATIVE_CHANGE * median:
            out.append((index, score, median, spread, kind))
    return out


# --- pattern effectiveness -----------------------------------------------------------------


@dataclass(frozen=True)
class PatternScore:
    """How well one pattern (of one kind) told the outcome of the runs that watched for it.

    See `pattern_effectiveness` for the definitions."""

    kind: str
    pattern: str
    runs: int
    matched: int
    real: int
    false_alarms: int
    unknown: int
    misses: int
    commands: tuple[str, ...] = field(default=())

    @property
    def judged(self) -> int:
        return self.real + self.false_alarms

    @property
    def precision(self) -> float | None:
        return self.real / self.judged if self.judged else None

    def precision_interval(self) -> tuple[float, float] | None:
        """The two-sided 95% Wilson score interval of the precision; None with nothing judged."""
        n = self.judged
        if not n:
            return None
        low = wilson_lower_bound(self.real, n, PRECISION_Z)
        high = 1.0 - wilson_lower_bound(n - self.real, n, PRECISION_Z)
        return low, high

    def to_json(self) -> dict[str, Any]:
        interval = self.precision_interval()
        return {
            "kind": self.kind,
            "pattern": self.pattern,
            "runs": self.runs,
            "matched": self.matched,
            "real": self.real,
            "false_alarms": self.false_alarms,
            "unknown": self.unknown,
            "misses": self.misses,
            "precision": None if self.precision is None else round(self.precision, 4),
            "precision_low": None if interval is None else round(interval[0], 4),
            "precision_high": None if interval is None else round(interval[1], 4),
            "commands": list(self.commands),
        }


def pattern_effectiveness(uses: Iterable[PatternUse]) -> list[PatternScore]:
    """Per (kind, pattern), over the runs that watched for it:

    - runs: the runs that watched for it; matched: those where it matched at least once.
    - real: matched, and the run was what the pattern says. For an error pattern: the command
      failed by itself (it ended with a status above 0 before lessonloop stopped it), or
      feedback says stopping was right (verdict should_have_stopped, or a rating of 4 or 5).
      For a success pattern: the command succeeded by itself (status 0, not stopped), or a
      rating of 4 or 5.
    - false_alarms: matched, and the run was not. For an error pattern: the command went on to
      succeed by itself (status 0, not stopped), or feedback says it should have been waited for
      (verdict should_have_waited, or a rating of 1 or 2). For a success pattern: the command
      failed by itself, or verdict should_have_waited, or a rating of 1 or 2.
      Feedback, when given, decides over the command's own status.
    - unknown: matched and neither (typically: lessonloop stopped the command and nobody said
      whether that was right).
    - misses: did not match, yet the run was what the pattern is for. An error pattern: the run
      failed (reason "exit", non-zero status). A success pattern: it succeeded by itself.
    - precision: real / (real + false_alarms), with a 95% Wilson interval (`precision_interval`).

    Exclude patterns get runs and matched only. Sorted by kind, then most matched first.
    """
    groups: dict[tuple[str, str], list[PatternUse]] = {}
    for use in uses:
        groups.setdefault((use.kind, use.pattern), []).append(use)
    scores: list[PatternScore] = []
    for (kind, pattern), group in groups.items():
        run_ids = {use.run_id for use in group}
        matched_uses = [use for use in group if use.matches > 0]
        matched_runs = {use.run_id for use in matched_uses}
        real = false = misses = 0
        if kind in PATTERN_FLAGS:
            for use in matched_uses:
                verdict = _judge(kind, use)
                real += verdict is True
                false += verdict is False
            misses = sum(1 for use in group if use.matches == 0 and _missed(kind, use))
        scores.append(
            PatternScore(
                kind=kind,
                pattern=pattern,
                runs=len(run_ids),
                matched=len(matched_runs),
                real=real,
                false_alarms=false,
                unknown=len(matched_uses) - real - false if kind in PATTERN_FLAGS else 0,
                misses=misses,
                commands=tuple(sorted({use.command_norm for use in group})),
            )
        )
    kind_order = {"error": 0, "success": 1}
    scores.sort(key=lambda s: (kind_order.get(s.kind, 2), -s.matched, -s.runs, s.pattern))
    return scores


def _judge(kind: str, use: PatternUse) -> bool | None:
    """True: the match told the truth; False: a false alarm; None: unknown."""
    if use.verdict == "should_have_waited":
        return False
    if use.verdict == "should_have_stopped" and kind == "error":
        return True
    if use.rating is not None and use.rating >= 4:
        return True
    if use.rating is not None and use.rating <= 2:
        return False
    own = None if use.stopped or use.child_status is None else use.child_status
    if own is None or own < 0:
        return None
    if kind == "error":
        return own > 0
    return own == 0


def _missed(kind: str, use: PatternUse) -> bool:
    if use.reason != EXIT:
        return False
    return use.exit_status != 0 if kind == "error" else use.exit_status == 0
