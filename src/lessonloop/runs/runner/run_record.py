"""A finished run as the store keeps it (RunRecord: a `runs` row) and one pattern a run watched for
with how the run went (PatternUse): the one type the store reads runs back as
(runs/store/reader.py) and the command-timing model reads them as (learning/engine/command_timing.py).

Here, below both, because the store and learning are independent of each other. The runner's
own path (`lessonloop run`) never imports this module: its records are result.py's plain
classes, and the store writes a run from them (runs/store/writer.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from lessonloop.runs.runner.result import EXIT


@dataclass(frozen=True, slots=True, kw_only=True)
class RunRecord:
    """One stored run (a `runs` row; see store/migrations.py m012_runs for every column). Every
    field but `duration` has a default, so that a run can be written with only what matters to
    the reader (the command-timing model's tests)."""

    id: int = 0
    started_at: str = ""
    ended_at: str = ""
    command: str = ""
    command_norm: str = ""
    program: str = ""
    cwd: str | None = None
    project: str | None = None
    profile: str | None = None
    mode: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    timeout: float | None = None
    idle_timeout: float | None = None
    first_output_timeout: float | None = None
    exit_status: int = 0
    child_status: int | None = 0
    reason: str = EXIT
    stopped: bool = False
    duration: float
    first_output: float | None = None
    first_match: float | None = None
    match_count: int = 0
    longest_idle: float | None = None
    idle_count: int = 0
    idle_periods: list[list[float]] = field(default_factory=list)
    stdout_lines: int = 0
    stdout_bytes: int = 0
    stderr_lines: int = 0
    stderr_bytes: int = 0
    rating: int | None = None
    verdict: str | None = None
    feedback_note: str | None = None
    feedback_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in RUN_COLUMNS}


# The `runs` columns a RunRecord holds, in its fields' order (the store selects them so).
RUN_COLUMNS = tuple(f.name for f in fields(RunRecord))


@dataclass(frozen=True, slots=True)
class PatternUse:
    """One pattern watched for by one run, with how that run went: the raw material of pattern
    effectiveness (learning/engine/command_timing.py computes the scores)."""

    run_id: int
    command_norm: str
    kind: str  # error | success | exclude
    pattern: str
    matches: int
    reason: str
    exit_status: int
    child_status: int | None
    stopped: bool
    rating: int | None
    verdict: str | None
