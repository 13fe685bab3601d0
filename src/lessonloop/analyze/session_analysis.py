"""Every analyzer over one session, in one pure function: records in, signals out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.analyze.blind_edits import FileSignals, find_file_signals
from lessonloop.analyze.corrections import Correction, engagement, find_corrections, is_correction
from lessonloop.analyze.diff_risk import RiskFinding, diff_risk, scan_session_calls
from lessonloop.analyze.error_classes import USAGE_CLASSES, ErrorClass, classify_session
from lessonloop.analyze.inputs import Call, SessionInput
from lessonloop.analyze.left_open import left_open
from lessonloop.analyze.outcomes import Outcomes, session_outcomes, test_state
from lessonloop.analyze.paths import normalize_path
from lessonloop.analyze.workflow import Rule, RuleResult, compliance, evaluate


@dataclass(slots=True)
class SessionAnalysis:
    """The signals of one main session (its subagents included), each pointing at its evidence."""

    session_id: str
    project: str | None
    started_at: str | None
    ended_at: str | None
    tool_calls: int
    typed_prompts: int
    engagement_rate: float | None
    rules: list[RuleResult]
    compliance: float | None
    files: FileSignals
    errors: list[ErrorClass]
    corrections: list[Correction]
    risk_findings: dict[str, list[RiskFinding]]
    diff_risks: dict[str, float]
    outcomes: Outcomes
    paths: dict[str, str] = field(default_factory=dict)  # tool_use_id -> target path of edits with findings
    left_open: dict[str, Any] = field(default_factory=dict)  # what the next session is told (analyze/left_open.py)

    @property
    def max_risk(self) -> float | None:
        return max(self.diff_risks.values()) if self.diff_risks else None

    @property
    def usage_errors(self) -> int:
        return sum(1 for e in self.errors if e.label in USAGE_CLASSES)

    @property
    def rules_applicable(self) -> int:
        return sum(1 for r in self.rules if r.status != "not_applicable")

    @property
    def rules_satisfied(self) -> int:
        return sum(1 for r in self.rules if r.status == "satisfied")

    def findings(self) -> list[RiskFinding]:
        return [f for found in self.risk_findings.values() for f in found]

    def to_json(self) -> dict[str, Any]:
        by_class: dict[str, int] = {}
        for error in self.errors:
            by_class[error.label] = by_class.get(error.label, 0) + 1
        return {
            "session_id": self.session_id,
            "project": self.project,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "tool_calls": self.tool_calls,
            "typed_prompts": self.typed_prompts,
            "engagement_rate": self.engagement_rate,
            "compliance": self.compliance,
            "rules": [r.to_json() for r in self.rules],
            **self.files.to_json(),
            "errors": [e.to_json() for e in self.errors],
            "errors_by_class": dict(sorted(by_class.items())),
            "corrections": [c.to_json() for c in self.corrections],
            "findings": [f.to_json() for f in self.findings()],
            "diff_risk": [
                {"tool_use_id": call_id, "path": self.paths.get(call_id), "risk": round(risk, 4)}
                for call_id, risk in self.diff_risks.items()
            ],
            "max_risk": None if self.max_risk is None else round(self.max_risk, 4),
            "outcomes": self.outcomes.to_json(),
            "left_open": self.left_open,
        }


def _path_normalizer(session: SessionInput, resolve: Callable[[str], str] | None) -> Callable[[Call], str | None]:
    """Each call's target as an absolute, normalized path, for rules on the same file."""
    cache: dict[tuple[str, str | None], str] = {}

    def normalize(call: Call) -> str | None:
        if not call.target_path:
            return None
        key = (call.target_path, call.cwd)
        if key not in cache:
            cache[key] = normalize_path(call.target_path, call.cwd or session.cwd, session.home, resolve)
        return cache[key]

    return normalize


def first_prompt_corrects(session: SessionInput) -> bool:
    """Whether the session's first typed prompt reads as a correction (of the previous session's work)."""
    main = session.main
    if main is None:
        return False
    first = next((m for m in main.messages if m.kind == "prompt" and m.text), None)
    return first is not None and first.text is not None and is_correction(first.text) is not None


def analyze_session(
    session: SessionInput,
    rules: Sequence[Rule],
    resolve: Callable[[str], str] | None = None,
    scanner_findings: Mapping[str, Sequence[RiskFinding]] | None = None,
    junit_failure_times: Sequence[str | None] = (),
) -> SessionAnalysis:
    """Analyze one session. `scanner_findings` adds external scanners' findings (e.g. bandit)
    per tool_use_id; `junit_failure_times` are imported failed tests matched to the session."""
    prompts, calls, rate = engagement(session)
    results = evaluate(session, rules, _path_normalizer(session, resolve))
    errors = classify_session(session)
    corrections = find_corrections(session)
    found = scan_session_calls(c for ctx in session.contexts for c in ctx.calls)
    for call_id, extra in (scanner_findings or {}).items():
        found.setdefault(call_id, []).extend(extra)
    paths = {c.id: c.target_path or "" for ctx in session.contexts for c in ctx.calls if c.id in found}
    classes = {e.tool_use_id: e.label for e in errors}
    outcomes = session_outcomes(session, classes, len(corrections), first_prompt_corrects(session), junit_failure_times)
    calls_in_order = session.calls()
    last_test = test_state(calls_in_order)[2]
    unresolved = [ref.tool_use_id for ref in outcomes.unresolved_errors if ref.tool_use_id]
    return SessionAnalysis(
        session_id=session.id,
        project=session.project,
        started_at=session.started_at,
        ended_at=session.ended_at,
        tool_calls=calls,
        typed_prompts=prompts,
        engagement_rate=rate,
        rules=results,
        compliance=compliance(results),
        files=find_file_signals(session, resolve),
        errors=errors,
        corrections=corrections,
        risk_findings=found,
        diff_risks={call_id: diff_risk(f) for call_id, f in found.items()},
        outcomes=outcomes,
        paths=paths,
        left_open=left_open(calls_in_order, unresolved, last_test, outcomes.tests_failing_at_end),
    )
