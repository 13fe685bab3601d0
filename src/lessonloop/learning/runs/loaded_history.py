"""The store's whole history at once, as replay reads it (`lessonloop replay`, the web's and the
HTML report's): every call with its main session's project, branch, agent and model, its error
class from analysis, the people's corrections and the hooks' warnings, in time order; read as
incremental learning reads them (source.py)."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict

from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.history import CorrectionEvent, History
from lessonloop.learning.runs import source
from lessonloop.learning.runs import stored_calls as ev
from lessonloop.learning.store import reader as reads
from lessonloop.store.approved_rules import approvals


def load_history(conn: sqlite3.Connection, project: str | None = None, agent: str | None = None) -> History:
    """Every tool call of the store (or of one project, of one agent's sessions) with its main
    session's project, branch and agent, its error class from analysis, and the people's
    corrections; in time order."""
    models = _session_models(conn)
    history = History()
    by_id: dict[str, CallEvent] = {}
    for event in source.calls_of(conn, project, agent):
        root = event.session_id
        event.model = models.get(root)
        history.events.append(event)
        by_id[event.call.id] = event
        when = event.ts
        if when and (root not in history.session_starts or when < history.session_starts[root]):
            history.session_starts[root] = when
    history.events.sort(key=ev.event_order)
    history.files = source.SessionFiles(conn)  # (what a session showed of a file: read when a lesson needs it)
    history.corrections = _corrections(conn, by_id, project, agent)
    history.warnings = {call_id: found for call_id, found in reads.all_warnings(conn).items() if call_id in by_id}
    return history


def load_replay_history(conn: sqlite3.Connection, project: str | None = None, agent: str | None = None) -> History:
    """load_history with each main session's prompts, so that a lesson learned from a rejection
    does not warn against what the person asked for (lesson_model/prompt_match.py)."""
    history = load_history(conn, project, agent)
    history.prompts = reads.load_prompts(conn, project, agent)
    history.approved_rules = approvals(conn)
    return history


def _session_models(conn: sqlite3.Connection) -> dict[str, str]:
    """Each main session's most used model."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for root, model, n in reads.model_counts(conn):
        counts[root][model] += n
    return {root: c.most_common(1)[0][0] for root, c in counts.items() if c}


def _corrections(
    conn: sqlite3.Connection, by_id: dict[str, CallEvent], project: str | None, agent: str | None
) -> list[CorrectionEvent]:
    found: list[CorrectionEvent] = []
    for item in source.corrections_of(conn, project, agent):
        assert isinstance(item.event, CorrectionEvent)
        item.event.corrected = [by_id[i] for i in item.corrected_ids if i in by_id]
        found.append(item.event)
    return found
