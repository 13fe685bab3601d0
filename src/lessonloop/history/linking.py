"""Commits tied to the sessions that made them, and commits undone later (issue 14, item 2).

Run after `ingest` and `ingest --git` (docs/git.md, "Links"). Incremental and idempotent:
- commit calls (an agent's `git commit` naming the hash, Aider's commit lines) are few: every
  pass looks at all of them and stores the links not stored yet;
- edit-window links are computed again only around what is new: for each repository, the time
  span of the commits stored since the last pass and of the edit calls stored since then
  (extended by the window), and replaced there as a whole;
- rollbacks: the revert messages of new commits, and the hunks of each new commit against the
  linked commits before it, and of each newly linked commit against the commits after it.
A store without commits is left as it is (nothing to link, no state written).
"""

from __future__ import annotations

import posixpath
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lessonloop.analyze.paths import normalize_path
from lessonloop.capture.agents import agents_without_call_times
from lessonloop.core import json_codec
from lessonloop.core.agent_specs import specs
from lessonloop.core.timestamps import format_timestamp, parse_timestamp
from lessonloop.history.commit_evidence import (
    EDIT_WINDOW,
    Edit,
    HunkChange,
    commits_in_command,
    edit_window_links,
    named_hashes,
    reverted_hashes,
    undone_hunks,
)
from lessonloop.history.store import links as store


@dataclass(slots=True)
class LinkSummary:
    """What one linking pass did."""

    commits_seen: int = 0  # new commits since the last pass
    calls_seen: int = 0  # commit calls looked at
    links_added: dict[str, int] = field(default_factory=dict)  # commit-call links not stored before, by evidence
    window_spans: int = 0  # repository time spans whose edit-window links were computed again
    window_links: int = 0  # the edit-window links of those spans
    rollbacks_added: int = 0
    orphans_removed: int = 0
    skipped: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "new_commits": self.commits_seen,
            "commit_calls": self.calls_seen,
            "links_added": dict(sorted(self.links_added.items())),
            "window_spans": self.window_spans,
            "window_links": self.window_links,
            "rollbacks_added": self.rollbacks_added,
            "orphans_removed": self.orphans_removed,
            "skipped": self.skipped,
        }

    def text(self) -> str:
        """One line for the ingest summary; empty when nothing was linked or undone."""
        parts = [f"{n} by {evidence.replace('_', ' ')}" for evidence, n in sorted(self.links_added.items())]
        if self.window_links:
            parts.append(f"{self.window_links} by edits shortly before (recomputed)")
        if not parts and not self.rollbacks_added:
            return ""
        text = "Commits linked to sessions: " + (", ".join(parts) if parts else "none new")
        if self.rollbacks_added:
            text += f"; {self.rollbacks_added} commit(s) found undone by a later commit"
        return text + "."

    # As a section of the ingest's report (pipeline/ingest_job.IngestReport.sections).

    def section_json(self) -> dict[str, Any] | None:
        """`links` of `ingest --json`, unless the pass was skipped (no commits stored)."""
        return self.to_json() if self.skipped is None else None

    def section_text(self) -> str:
        return self.text() if self.skipped is None else ""

    def quiet_text(self) -> str:
        """Said even when nothing new was read: links or rollbacks found among older rows."""
        return self.text() if self.skipped is None and (self.links_added or self.rollbacks_added) else ""


def before_analysis(conn: sqlite3.Connection, _request: object, report: Any) -> None:
    """The ingest job's step (core/wing.py's before_analysis): the commits tied to the sessions
    that made them before those are analyzed; the pass's figures are the report's `links`."""
    report.sections["links"] = link_commits(conn)


class _Places:
    """Which repository a folder or file is in, and which main session a session belongs to."""

    def __init__(self, repositories: dict[int, str], sessions: dict[str, tuple[str | None, str | None, str | None]]):
        self.roots = sorted(repositories.items(), key=lambda item: -len(item[1]))  # deepest first
        self.sessions = sessions

    def repository_of(self, path: str | None) -> tuple[int, str] | None:
        if not path:
            return None
        for repository_id, root in self.roots:
            if path == root or path.startswith(root.rstrip("/") + "/"):
                return repository_id, root
        return None

    def main_session(self, session_id: str) -> str:
        seen = {session_id}
        current = session_id
        while True:
            parent = self.sessions.get(current, (None, None, None))[0]
            if not parent or parent in seen:
                return current
            seen.add(parent)
            current = parent

    def session_repositories(self, session_id: str, call_cwd: str | None) -> set[int]:
        _, cwd, project = self.sessions.get(session_id, (None, None, None))
        main = self.sessions.get(self.main_session(session_id), (None, None, None))
        found = set()
        for folder in (call_cwd, cwd, project, main[1], main[2]):
            place = self.repository_of(folder)
            if place is not None:
                found.add(place[0])
        return found


def link_commits(conn: sqlite3.Connection) -> LinkSummary:
    """One linking pass over what was stored since the last (see the module docstring)."""
    summary = LinkSummary()
    top_commit, top_call = store.top_rowids(conn)
    if top_commit == 0:
        summary.skipped = "no commits stored (`lessonloop ingest --git` reads them)"
        return summary
    commits_mark, calls_mark = store.link_state(conn)
    if top_commit < commits_mark or top_call < calls_mark:
        commits_mark = calls_mark = 0  # rows renumbered (a VACUUM after deletions): everything is looked at again
    places = _Places(store.repositories(conn), store.sessions(conn))
    summary.orphans_removed = store.drop_orphans(conn)
    linked_before = store.linked_commits(conn)
    _link_commit_calls(conn, places, summary)
    new = store.new_commits(conn, commits_mark)
    summary.commits_seen = len(new)
    untimed = agents_without_call_times()
    _link_edit_windows(conn, places, new, store.new_edit_calls(conn, calls_mark, untimed), summary, untimed)
    newly_linked = store.linked_commits(conn) - linked_before
    summary.rollbacks_added = _find_rollbacks(conn, new, newly_linked)
    store.save_link_state(conn, top_commit, top_call)
    return summary


def _link_commit_calls(conn: sqlite3.Connection, places: _Places, summary: LinkSummary) -> None:
    links: list[store.Link] = []
    own = {spec.id: spec.commit_tool for spec in specs() if spec.commit_tool}
    for call in store.commit_calls(conn, sorted(own.items())):
        if call.tool == own.get(call.agent or ""):
            evidence = "aider_commit"
            data = json_codec.loads(call.input_json) if call.input_json else {}
            sha = data.get("sha") if isinstance(data, dict) else None
            hashes = [sha] if isinstance(sha, str) else []
        elif call.kind == "shell" and commits_in_command(call.command):
            evidence = "agent_commit"
            hashes = named_hashes(call.result_text)
        else:
            continue
        summary.calls_seen += 1
        candidates = places.session_repositories(call.session_id, call.cwd)
        for prefix in hashes:
            found = store.resolve_hash(conn, prefix.lower(), candidates or None)
            if len(found) != 1:
                continue  # not stored, or a short hash several commits start with
            repository_id, hash_ = found[0]
            links.append(store.Link(repository_id, hash_, places.main_session(call.session_id), evidence, 1.0, call.id))
    for evidence in ("agent_commit", "aider_commit"):
        added = store.insert_links(conn, [k for k in links if k.evidence == evidence])
        if added:
            summary.links_added[evidence] = added


def _edit_paths(edit: store.EditCall, places: _Places) -> Iterable[tuple[int, str, str]]:
    """(repository, root, path relative to the root) of each file the edit names inside a repository."""
    paths: list[str] = []
    if edit.paths_json:
        value = json_codec.loads(edit.paths_json)
        if isinstance(value, list):
            paths = [p for p in value if isinstance(p, str)]
    if not paths and edit.target_path:
        paths = [edit.target_path]
    for path in dict.fromkeys(paths):
        absolute = normalize_path(path, edit.cwd, None)
        place = places.repository_of(absolute)
        if place is not None:
            repository_id, root = place
            yield repository_id, root, posixpath.relpath(absolute, root)


def _shift(ts: str, sign: int) -> str:
    return format_timestamp(parse_timestamp(ts) + sign * EDIT_WINDOW)


def _link_edit_windows(
    conn: sqlite3.Connection,
    places: _Places,
    new: list[store.NewCommit],
    new_edits: list[store.EditCall],
    summary: LinkSummary,
    untimed: list[str],
) -> None:
    spans: dict[int, list[str]] = {}
    for commit in new:
        spans.setdefault(commit.repository_id, []).append(commit.committed_at)
    for edit in new_edits:
        for repository_id, _, _ in _edit_paths(edit, places):
            spans.setdefault(repository_id, []).append(edit.ts)
    for repository_id, times in sorted(spans.items()):
        start, end = min(times), _shift(max(times), 1)
        before = _shift(start, -1)
        edits = []
        for edit in store.edit_calls_between(conn, before, end, untimed):
            for edit_repository, _, path in _edit_paths(edit, places):
                if edit_repository == repository_id:
                    edits.append(Edit(edit.ts, path, places.main_session(edit.session_id), edit.id))
        edits.sort(key=lambda e: (e.ts, e.call_id, e.path))
        found = []
        if edits:  # no edit in the span: its commits have no edit-window link (any stored before go)
            commits = store.commits_between(conn, repository_id, before, end)
            window_of = {c.hash: _shift(c.committed_at, -1) for c in commits}
            found = edit_window_links(commits, edits, start, window_of)
        links = [
            store.Link(repository_id, w.hash, w.session_id, "edit_window", w.strength, w.call_id, w.files)
            for w in found
        ]
        store.replace_window_links(conn, repository_id, start, end, links)
        summary.window_spans += 1
        summary.window_links += len(links)


def _find_rollbacks(conn: sqlite3.Connection, new: list[store.NewCommit], newly_linked: set[tuple[int, str]]) -> int:
    rows: list[tuple[int, str, str, str, int]] = []
    for commit in new:  # revert messages
        for prefix in reverted_hashes(commit.message):
            for repository_id, undone in store.resolve_hash(conn, prefix, [commit.repository_id]):
                if undone != commit.hash:
                    rows.append((repository_id, undone, commit.hash, "revert_message", 0))
    linked = store.linked_commits(conn)
    pairs: set[tuple[int, str, str]] = set()  # (repository, earlier linked commit, later commit)
    by_repository: dict[int, set[str]] = {}
    for repository_id, hash_ in linked:
        by_repository.setdefault(repository_id, set()).add(hash_)
    linked_paths = {
        repository_id: store.commit_paths(conn, repository_id, hashes)
        for repository_id, hashes in by_repository.items()
    }
    times: dict[tuple[int, str], str | None] = {}

    def time_of(repository_id: int, hash_: str) -> str | None:
        key = (repository_id, hash_)
        if key not in times:
            times[key] = store.commit_time(conn, repository_id, hash_)
        return times[key]

    for commit in new:  # a new commit against the linked commits before it
        earlier = linked_paths.get(commit.repository_id)
        if not earlier:
            continue
        own = store.commit_paths(conn, commit.repository_id, [commit.hash]).get(commit.hash, set())
        for hash_, paths in earlier.items():
            if hash_ != commit.hash and paths & own:
                at = time_of(commit.repository_id, hash_)
                if at is not None and at <= commit.committed_at:
                    pairs.add((commit.repository_id, hash_, commit.hash))
    for repository_id, hash_ in newly_linked:  # a newly linked commit against the commits after it
        at = time_of(repository_id, hash_)
        paths = linked_paths.get(repository_id, {}).get(hash_, set())
        if at is None or not paths:
            continue
        for later in store.commits_touching(conn, repository_id, paths, after=at):
            if later != hash_:
                pairs.add((repository_id, hash_, later))
    changes: dict[tuple[int, str], list[HunkChange]] = {}
    for repository_id, earlier_hash, later_hash in sorted(pairs):
        for key in ((repository_id, earlier_hash), (repository_id, later_hash)):
            if key not in changes:
                changes[key] = store.hunk_changes(conn, *key)
        count = undone_hunks(changes[(repository_id, earlier_hash)], changes[(repository_id, later_hash)])
        if count:
            rows.append((repository_id, earlier_hash, later_hash, "inverse_hunks", count))
    return store.insert_rollbacks(conn, rows)
