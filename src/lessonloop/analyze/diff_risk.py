"""Diff risk: built-in rules run on the lines an agent's edit added, and a 0..1 risk per edit.

Only added lines are read ('+' lines of the applied diff), so a risk an edit removes or merely
keeps in context is never blamed on it. Each rule is a handful of regular expressions over one
line, limited to the file types it makes sense for (from the extension of the call's target
path), behind a keyword pre-check: one Aho-Corasick pass over the lowered added text of an
edit finds the lines holding a rule's keywords, and only those lines meet its regexes (the
~250 edits of a real project, 7,000 added lines, scan in about 10 ms).
Lines longer than MAX_LINE characters (minified or generated code) are not read. Rules are
line-local: a construct split over several lines (a multi-line call, an SQL heredoc)
is seen only as far as one line shows it; bandit (scanners.bandit_scan), when installed, reads
whole Python statements.

The built-in rules and what each is after: analyze/risk_rules.py.

Risk of one edit (``diff_risk``)::

    risk = 1 - prod(1 - w(severity) for each finding)
    w: info 0.05, low 0.15, medium 0.35, high 0.6, critical 0.85

Read it as "the chance that at least one finding is real", each finding independently real
with probability w. It is 0 with no findings, lies in [0, 1), and is monotone: adding a
finding, or raising any finding's severity, never lowers it (every factor 1 - w is in (0, 1]
and shrinks as w grows). It approaches 1 as findings pile up (floating point may round it to
1.0 after very many). An unknown severity counts as info.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from lessonloop.analyze.diff_files import file_diffs
from lessonloop.analyze.inputs import CHANGE_KINDS, Call
from lessonloop.analyze.risk_rules import (
    BUILTIN_RULES,
    ELIXIR,
    JAVASCRIPT,
    MAX_LINE,
    MAX_TEXT,
    PROSE_EXTENSIONS,
    PYTHON,
    RUBY,
    SEVERITIES,
    SEVERITY_WEIGHTS,
    RiskRule,
    file_extension,
    rules_for_path,
)
from lessonloop.core.records import FindingRecord

__all__ = [
    "BUILTIN_RULES", "ELIXIR", "JAVASCRIPT", "MAX_LINE", "MAX_TEXT", "PROSE_EXTENSIONS", "PYTHON", "RUBY",
    "SCANNED_KINDS", "SEVERITIES", "SEVERITY_WEIGHTS", "RiskFinding", "RiskRule", "added_lines", "diff_risk",
    "file_extension", "rules_for_path", "scan_call", "scan_lines", "scan_session_calls", "scannable",
]  # fmt: skip

SCANNED_KINDS = CHANGE_KINDS  # edits and writes of every agent


@dataclass(frozen=True, slots=True)
class RiskFinding:
    """One risky added line, from a built-in rule or bandit, tied to the edit that added it."""

    rule: str
    severity: str
    title: str
    path: str | None
    line: int  # line number in the new file
    text: str  # the added line, stripped, at most MAX_TEXT characters
    tool_use_id: str
    context_id: str
    seq: int
    source: str  # builtin | bandit | sarif:<tool> (imported)
    fix: str
    imported: bool = False  # stored by its import (`findings.import_id`), not by the analysis

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "title": self.title,
            "path": self.path,
            "line": self.line,
            "text": self.text,
            "tool_use_id": self.tool_use_id,
            "session_id": self.context_id,
            "seq": self.seq,
            "source": self.source,
            "fix": self.fix,
        }

    def to_record(self, ts: str | None = None) -> FindingRecord:
        """As a stored finding (kind "risk") of the edit's agent context."""
        return FindingRecord(
            source=self.source,
            kind="risk",
            rule=self.rule,
            severity=self.severity,
            path=self.path,
            line=self.line,
            message=f"{self.title}: {self.text}",
            ts=ts,
            session_id=self.context_id,
            tool_use_id=self.tool_use_id,
        )


# Both start with a literal "\n" so the regex engine can jump between candidates.
_HUNK_HEADER = re.compile(r"\n@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@[^\n]*")
_ADDED_RUN = re.compile(r"\n\+[^\n]*(?:\n\+[^\n]*)*")  # consecutive '+' lines, each after its "\n"


def added_lines(diff: str) -> list[tuple[int, str]]:
    """(new-file line number, text) of every '+' line of the diff's hunks.

    Each "@@ -a,b +c,d @@" header starts the new-file counter at c; context lines advance it,
    '-' lines do not. A hunk ends when its b old and d new lines are used up, so file headers
    ("---", "+++", "diff --git") before or between hunks are never taken for content.
    """
    out: list[tuple[int, str]] = []
    for line_no, run in _added_runs(diff):
        out.extend(enumerate(run[1:].split("\n+"), line_no))
    return out


def _added_runs(diff: str) -> list[tuple[int, str]]:
    """Runs of consecutive added lines: (new-file line number of the first, the run's '+' lines
    joined by "\n"). A well-formed hunk is cut into runs by regex and str.count (no loop over
    its lines in Python); one whose lines do not add up to its counts is read line by line."""
    text = "\n" + diff  # every line, the first too, now follows a "\n"
    runs: list[tuple[int, str]] = []
    headers = list(_HUNK_HEADER.finditer(text))
    for index, header in enumerate(headers):
        begin = header.end()  # the body: the lines starting after each "\n" in text[begin:end]
        if index + 1 < len(headers):
            end = headers[index + 1].start()
        else:
            end = len(text) - 1 if text.endswith("\n") else len(text)
        if end <= begin:
            continue
        old_count, start, new_count = header.groups()
        old = 1 if old_count is None else int(old_count)
        new = 1 if new_count is None else int(new_count)
        mark = len(runs)
        if not _runs_of_hunk(text, begin, end, int(start), old, new, runs):
            del runs[mark:]
            _runs_by_counts(text[begin + 1 : end].split("\n"), int(start), old, new, runs)
    return runs


def _runs_of_hunk(
    text: str, begin: int, end: int, line_no: int, old: int, new: int, runs: list[tuple[int, str]]
) -> bool:
    """Append the runs of the hunk body text[begin:end]; the lines between runs are only
    counted. False when the body's lines do not add up to the hunk's counts exactly (file
    headers or trailing text in it) or it has carriage returns."""
    if text.find("\r", begin, end) != -1:
        return False
    has_notes = text.find("\n\\", begin, end) != -1  # "\ No newline at end of file"
    context = removed = added = 0
    done = begin  # the lines starting after a "\n" in [begin, done) are counted
    for match in _ADDED_RUN.finditer(text, begin, end):
        kept, minus = _count_between(text, done, match.start(), has_notes)
        context += kept
        removed += minus
        line_no += kept
        run = text[match.start() + 1 : match.end()]
        size = run.count("\n") + 1
        runs.append((line_no, run))
        line_no += size
        added += size
        done = match.end()
    kept, minus = _count_between(text, done, end, has_notes)
    context += kept
    removed += minus
    return context + removed == old and context + added == new


def _count_between(text: str, begin: int, end: int, has_notes: bool) -> tuple[int, int]:
    """(context lines, removed lines) starting after a "\n" in text[begin:end], where no line is added."""
    removed = text.count("\n-", begin, end)
    notes = text.count("\n\\", begin, end) if has_notes else 0
    return text.count("\n", begin, end) - removed - notes, removed


def _runs_by_counts(lines: list[str], line_no: int, old: int, new: int, runs: list[tuple[int, str]]) -> None:
    """Append the added lines (one run each) of a hunk body read line by line until its counts
    are used up."""
    for raw in lines:
        if old <= 0 and new <= 0:
            return  # past the hunk: file headers or trailing text
        first = raw[:1]
        if first == "+":
            runs.append((line_no, raw.rstrip("\r")))
            line_no += 1
            new -= 1
        elif first == "-":
            old -= 1
        elif first != "\\":  # context (a blank one may have lost its space); skip "\ No newline"
            line_no += 1
            old -= 1
            new -= 1


@dataclass(frozen=True, slots=True)
class _AddedText:
    """An edit's added lines as one block ("\n"-joined) and where each run of them starts:
    (offset in the block, new-file line number)."""

    block: str
    offsets: list[int]
    line_numbers: list[int]

    @classmethod
    def from_runs(cls, runs: Sequence[tuple[int, str]]) -> _AddedText:
        pieces = [run[1:].replace("\n+", "\n") for _, run in runs]
        offsets: list[int] = []
        offset = 0
        for piece in pieces:
            offsets.append(offset)
            offset += len(piece) + 1
        return cls("\n".join(pieces), offsets, [line_no for line_no, _ in runs])

    @classmethod
    def from_lines(cls, lines: Sequence[tuple[int, str]]) -> _AddedText:
        return cls.from_runs([(line_no, "+" + text) for line_no, text in lines])

    def line_at(self, start: int) -> tuple[int, str]:
        """(new-file line number, text) of the block line starting at offset `start`."""
        run = bisect_right(self.offsets, start) - 1
        line_no = self.line_numbers[run] + self.block.count("\n", self.offsets[run], start)
        stop = self.block.find("\n", start)
        return line_no, self.block[start:] if stop == -1 else self.block[start:stop]


def _lowered(block: str) -> str:
    """block.lower(), keeping every offset (a few characters lower to two; those stay as is)."""
    lowered = block.lower()
    if len(lowered) == len(block):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in block)


class _KeywordIndex:
    """All keywords of a rule list in one Aho-Corasick automaton: one pass over an edit's
    lowered added text tells which rules may match on which lines."""

    def __init__(self, rules: Sequence[RiskRule]) -> None:
        self.rules = tuple(rules)
        by_keyword: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            for keyword in rule.keywords:
                by_keyword.setdefault(keyword, []).append(index)
        self.keyword_rules = tuple(tuple(indexes) for indexes in by_keyword.values())
        self.empty = not by_keyword
        self.automaton: Any = None if self.empty else ahocorasick_rs.AhoCorasick(list(by_keyword))
        self._reads: dict[str, bool] = {}

    def reads(self, extension: str) -> bool:
        """Whether any rule reads files with this extension (path exclusions aside)."""
        known = self._reads.get(extension)
        if known is None:
            known = self._reads[extension] = any(r.applies_to(extension, None) for r in self.rules)
        return known

    def candidates(self, lowered: str) -> dict[int, set[int]]:
        """Rule index -> offsets of the lines of `lowered` that hold one of its keywords."""
        found: dict[int, set[int]] = {}
        if self.empty:
            return found
        for keyword, start, _end in self.automaton.find_matches_as_indexes(lowered, overlapping=True):
            line_start = lowered.rfind("\n", 0, start) + 1
            for index in self.keyword_rules[keyword]:
                found.setdefault(index, set()).add(line_start)
        return found


_BUILTIN_INDEX: list[_KeywordIndex] = []  # built on first use


def _keyword_index(rules: Sequence[RiskRule]) -> _KeywordIndex:
    if rules is not BUILTIN_RULES:
        return _KeywordIndex(rules)
    if not _BUILTIN_INDEX:
        _BUILTIN_INDEX.append(_KeywordIndex(BUILTIN_RULES))
    return _BUILTIN_INDEX[0]


def _scan(call: Call, added: _AddedText, index: _KeywordIndex, path: str | None = None) -> list[RiskFinding]:
    """Findings of the index's rules on the call's added text, in line order.

    `path` is the file the text was added to (the call's target unless a patch of several files
    says otherwise). The rules' keywords are found in one pass over the lowered text; a rule's
    regexes run only on the lines one of its keywords occurs in.
    """
    candidates = index.candidates(_lowered(added.block))
    if not candidates:
        return []
    path = path or call.target_path
    extension = file_extension(path)
    found: list[tuple[int, int, RiskFinding]] = []
    for rule_index in sorted(candidates):
        rule = index.rules[rule_index]
        if not rule.applies_to(extension, path):
            continue
        patterns = rule.patterns_for(extension)
        for start in sorted(candidates[rule_index]):
            line_no, text = added.line_at(start)
            if len(text) <= MAX_LINE and rule.matches(text, patterns):
                found.append((line_no, rule_index, _finding(rule, call, line_no, text, path)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [finding for _, _, finding in found]


def _finding(rule: RiskRule, call: Call, line_no: int, text: str, path: str | None) -> RiskFinding:
    return RiskFinding(
        rule=rule.id,
        severity=rule.severity,
        title=rule.title,
        path=path,
        line=line_no,
        text=text.strip()[:MAX_TEXT],
        tool_use_id=call.id,
        context_id=call.context_id,
        seq=call.seq,
        source="builtin",
        fix=rule.fix,
    )


def scannable(call: Call) -> bool:
    """A file edit or write that succeeded and has its applied diff."""
    return call.kind in SCANNED_KINDS and call.status == "ok" and bool(call.diff)


def scan_lines(
    call: Call, lines: Sequence[tuple[int, str]], rules: Sequence[RiskRule] = BUILTIN_RULES
) -> list[RiskFinding]:
    """Run `rules` over numbered added lines of the call's file (whatever the call's tool)."""
    if not lines or not rules_for_path(call.target_path, rules):
        return []
    return _scan(call, _AddedText.from_lines(lines), _keyword_index(rules))


def scan_call(call: Call, rules: Sequence[RiskRule] = BUILTIN_RULES) -> list[RiskFinding]:
    """Built-in rule findings on the lines a successful edit added; [] for anything else."""
    return _scan_call(call, _keyword_index(rules))


def _scan_call(call: Call, index: _KeywordIndex) -> list[RiskFinding]:
    if not scannable(call) or call.diff is None:
        return []
    if call.paths or "\n+++ " in call.diff or "*** " in call.diff:  # a patch may name its files
        parts = [part for part in file_diffs(call.diff) if part.path is not None]
        if parts:
            found: list[RiskFinding] = []
            for part in parts:
                if index.reads(file_extension(part.path)):
                    runs = _added_runs(part.diff)
                    if runs:
                        found.extend(_scan(call, _AddedText.from_runs(runs), index, part.path))
            return found
    if not index.reads(file_extension(call.target_path)):
        return []
    runs = _added_runs(call.diff)
    if not runs:
        return []
    return _scan(call, _AddedText.from_runs(runs), index)


def scan_session_calls(
    calls: Iterable[Call], rules: Sequence[RiskRule] = BUILTIN_RULES
) -> dict[str, list[RiskFinding]]:
    """Findings per tool_use_id, for the calls that have any."""
    index = _keyword_index(rules)
    out: dict[str, list[RiskFinding]] = {}
    for call in calls:
        findings = _scan_call(call, index)
        if findings:
            out.setdefault(call.id, []).extend(findings)
    return out


def diff_risk(findings: Sequence[RiskFinding]) -> float:
    """1 - prod(1 - w(severity)): 0 with no findings, monotone in count and severity."""
    keep = 1.0
    for finding in findings:
        keep *= 1.0 - SEVERITY_WEIGHTS.get(finding.severity, SEVERITY_WEIGHTS["info"])
    return 1.0 - keep
