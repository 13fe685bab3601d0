"""Tie findings (scanner results, failed tests) to the session edit that introduced them.

Pure: `match_findings` reads only its arguments and returns copies of the findings with
`session_id` and `tool_use_id` filled where a match exists.

The rules:

1. Path. A finding's path matches an edit's file when both are equal after `os.path.normpath`. A
   relative finding path (scanners and test runners report paths relative to where they ran) is
   first resolved against each of `project_roots`; when that finds no edit, it matches any edited
   absolute path that ends with it component-wise ("a/x.py" matches "/r/a/x.py", not
   "/r/ba/x.py"). An edit's relative file path is resolved against the edit's cwd.
2. Time. When the finding has a time, only edits made at or before it count (an edit without a
   time cannot be ordered and does not count); the latest of them wins. Without a time, the latest
   matching edit wins.
3. Line. When the finding has a line and one of those edits' diff hunks covers that line of the
   new file ("@@ -a,b +c,d @@" covers c .. c+d-1), the latest such edit wins instead.
4. Session span. A test failure that matches no edit (most have no path, or name a test file the
   agent did not touch) is given to the session whose time span, from `session_spans`, contains
   the finding's time; `tool_use_id` stays None. When spans overlap, the session that started
   last wins.

Findings that already name a session are returned unchanged, and so are unmatched findings.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from lessonloop.analyze.hunks import hunk_headers
from lessonloop.analyze.inputs import CHANGE_KINDS, Call
from lessonloop.core.records import FindingRecord
from lessonloop.core.timestamps import normalize_timestamp


@dataclass(frozen=True, slots=True)
class _Edit:
    """An edit as the matcher needs it: normalized path, session, time, and new-file line ranges."""

    call: Call
    path: str
    session_id: str
    ranges: tuple[tuple[int, int], ...]  # (first, last) new-file lines of each hunk

    @property
    def order(self) -> tuple[str, int]:
        return (self.call.ts or "", self.call.seq)

    def covers(self, line: int) -> bool:
        return any(first <= line <= last for first, last in self.ranges)


def match_findings(
    findings: Sequence[FindingRecord],
    edits: Sequence[Call],
    session_of: Mapping[str, str],
    project_roots: Sequence[str] = (),
    session_spans: Mapping[str, tuple[str, str]] | None = None,
) -> list[FindingRecord]:
    """Copies of `findings` with `session_id`/`tool_use_id` set where an edit (or session) matches.

    `edits` are the successful Edit/MultiEdit/Write/NotebookEdit calls (others are ignored);
    `session_of` maps a call's context id to its main session id (a context missing from it is
    taken as "<session>/<agent>" or as a main session itself); `project_roots` are absolute
    folders that relative finding paths are resolved against first; `session_spans` maps a
    session id to its (first, last) canonical UTC times, for test failures no edit explains.
    """
    index = _index_edits(edits, session_of)
    roots = [os.path.normpath(root) for root in project_roots if root]
    spans = _normalized_spans(session_spans or {})
    return [_match_one(finding, index, roots, spans) for finding in findings]


def _match_one(
    finding: FindingRecord,
    index: Mapping[str, list[_Edit]],
    roots: Sequence[str],
    spans: Sequence[tuple[str, str, str]],
) -> FindingRecord:
    if finding.session_id is not None:
        return replace(finding)
    ts = normalize_timestamp(finding.ts) if finding.ts else None
    edit = _best_edit(finding, ts, index, roots)
    if edit is not None:
        return replace(finding, session_id=edit.session_id, tool_use_id=edit.call.id)
    if finding.kind == "test_failure" and ts is not None:
        session_id = _session_at(ts, spans)
        if session_id is not None:
            return replace(finding, session_id=session_id)
    return replace(finding)


def _best_edit(
    finding: FindingRecord, ts: str | None, index: Mapping[str, list[_Edit]], roots: Sequence[str]
) -> _Edit | None:
    if not finding.path:
        return None
    candidates = _edits_of_path(finding.path, index, roots)
    if ts is not None:
        candidates = [edit for edit in candidates if edit.call.ts is not None and edit.call.ts <= ts]
    if not candidates:
        return None
    if finding.line is not None:
        covering = [edit for edit in candidates if edit.covers(finding.line)]
        if covering:
            return max(covering, key=lambda edit: edit.order)
    return max(candidates, key=lambda edit: edit.order)


# --- paths -------------------------------------------------------------------------------------


def _edits_of_path(path: str, index: Mapping[str, list[_Edit]], roots: Sequence[str]) -> list[_Edit]:
    """The edits of the file `path` names, by the path rule of the module docstring."""
    wanted = os.path.normpath(path)
    same_name = index.get(os.path.basename(wanted), [])
    if os.path.isabs(wanted):
        return [edit for edit in same_name if edit.path == wanted]
    under_roots = {os.path.normpath(os.path.join(root, wanted)) for root in roots}
    exact = [edit for edit in same_name if edit.path in under_roots or edit.path == wanted]
    if exact:
        return exact
    suffix = "/" + wanted
    return [edit for edit in same_name if edit.path.endswith(suffix)]


def _edit_path(call: Call) -> str | None:
    target = call.target_path
    if not target:
        return None
    if not os.path.isabs(target) and call.cwd:
        target = os.path.join(call.cwd, target)
    return os.path.normpath(target)


# --- the edit index ----------------------------------------------------------------------------


def _index_edits(edits: Sequence[Call], session_of: Mapping[str, str]) -> dict[str, list[_Edit]]:
    """Successful file edits by the base name of their file."""
    index: dict[str, list[_Edit]] = defaultdict(list)
    for call in edits:
        if call.kind not in CHANGE_KINDS or not call.ok:
            continue
        path = _edit_path(call)
        if path is None:
            continue
        edit = _Edit(call, path, _session_id(call.context_id, session_of), _hunk_ranges(call.diff))
        index[os.path.basename(path)].append(edit)
    return index


def _session_id(context_id: str, session_of: Mapping[str, str]) -> str:
    known = session_of.get(context_id)
    if known is not None:
        return known
    return context_id.partition("/")[0]  # a subagent context is "<session>/<agentId>"


def _hunk_ranges(diff: str | None) -> tuple[tuple[int, int], ...]:
    """(first, last) new-file lines of each hunk of a unified diff; a pure deletion covers none."""
    if not diff:
        return ()
    return tuple((start, start + count - 1) for _, _, start, count in hunk_headers(diff) if count > 0)


# --- session spans -----------------------------------------------------------------------------


def _normalized_spans(spans: Mapping[str, tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(start, end, session id) with canonical times; spans with an unreadable time are dropped."""
    out: list[tuple[str, str, str]] = []
    for session_id, (first, last) in spans.items():
        start, end = normalize_timestamp(first), normalize_timestamp(last)
        if start is not None and end is not None and start <= end:
            out.append((start, end, session_id))
    return out


def _session_at(ts: str, spans: Sequence[tuple[str, str, str]]) -> str | None:
    """The session whose span contains `ts`; the one that started last when several do."""
    containing = [(start, session_id) for start, end, session_id in spans if start <= ts <= end]
    if not containing:
        return None
    latest_start = max(start for start, _ in containing)
    return min(session_id for start, session_id in containing if start == latest_start)
