"""Learning over the store: read the history (calls, errors, corrections) in time order, run the
learner over it, and keep the lessons it finds (pipeline side: reads and writes SQLite)."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from lessonloop import json_codec
from lessonloop.learn.engine import Learner, Policy
from lessonloop.learn.events import CallEvent
from lessonloop.learn.history import CorrectionEvent, History
from lessonloop.learn.signatures import digest
from lessonloop.store.lesson_writer import SaveResult, save_learned
from lessonloop.store.session_reader import CALL_COLUMNS, call_from_row
from lessonloop.timestamps import utc_now

_T_COLUMNS = ", ".join(f"t.{name.strip()}" for name in CALL_COLUMNS.split(","))


def load_history(conn: sqlite3.Connection, project: str | None = None, agent: str | None = None) -> History:
    """Every tool call of the store (or of one project, of one agent's sessions) with its main
    session's project, branch and agent, its error class from analysis, and the people's
    corrections; in time order."""
    models = _session_models(conn)
    # every query's conditions: (? IS NULL OR m.project = ?) AND (? IS NULL OR m.agent = ?)
    only = (project, project, agent, agent)
    history = History()
    by_id: dict[str, CallEvent] = {}
    unclassified: list[CallEvent] = []
    rows = conn.execute(
        f"""SELECT {_T_COLUMNS}, m.id, m.project, m.git_branch, m.cwd, m.agent, e.class, coalesce(s.started_at, m.started_at)
            FROM tool_calls t
            JOIN sessions s ON s.id = t.session_id
            JOIN sessions m ON m.id = coalesce(s.parent_id, s.id)
            LEFT JOIN call_errors e ON e.tool_use_id = t.id
            WHERE (? IS NULL OR m.project = ?) AND (? IS NULL OR m.agent = ?)""",
        only,
    )
    width = len(CALL_COLUMNS.split(","))
    for row in rows:
        call = call_from_row(row[:width])
        root, proj, branch, cwd, agent, error_class, started_at = row[width:]
        event = CallEvent(call, root, proj, branch, cwd, error_class, agent, models.get(root), started_at)
        if call.status == "error" and error_class is None:
            unclassified.append(event)
        history.events.append(event)
        by_id[call.id] = event
        when = event.ts
        if when and (root not in history.session_starts or when < history.session_starts[root]):
            history.session_starts[root] = when
    if unclassified:
        _classify(unclassified)
    history.events.sort(key=lambda e: (e.ts, e.call.context_id, e.call.seq))
    history.corrections = _corrections(conn, by_id, only)
    history.warnings = _hook_warnings(conn, by_id)
    return history


def _hook_warnings(conn: sqlite3.Connection, by_id: dict[str, CallEvent]) -> dict[str, list[str]]:
    """tool_use_id -> signatures of the lessons the PreToolUse hook warned about on that call."""
    signatures = dict(conn.execute("SELECT id, signature FROM lessons"))
    out: dict[str, list[str]] = {}
    for tool_use_id, lessons in conn.execute(
        """SELECT tool_use_id, lessons FROM hook_decisions
           WHERE event = 'PreToolUse' AND action != 'none' AND tool_use_id IS NOT NULL AND lessons IS NOT NULL"""
    ):
        if tool_use_id not in by_id:
            continue
        found = [signatures[i] for i in json_codec.loads(lessons) if i in signatures]
        if found:
            out.setdefault(tool_use_id, []).extend(found)
    return out


def _classify(events: list[CallEvent]) -> None:
    """Classify failures analysis has not seen yet (a store ingested with --no-analyze)."""
    from lessonloop.analyze.error_classes import classify_call

    for event in events:
        found = classify_call(event.call)
        if found is not None:
            event.error_class = found.label
            # the signature does not depend on the class; nothing else to redo


def _session_models(conn: sqlite3.Connection) -> dict[str, str]:
    """Each main session's most used model."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for root, model, n in conn.execute(
        """SELECT coalesce(s.parent_id, s.id), u.model, count(*)
           FROM token_usage u JOIN sessions s ON s.id = u.session_id
           WHERE u.model NOT LIKE '<%' GROUP BY 1, 2"""
    ):
        counts[root][model] += n
    return {root: c.most_common(1)[0][0] for root, c in counts.items() if c}


def _corrections(
    conn: sqlite3.Connection, by_id: dict[str, CallEvent], only: tuple[str | None, ...]
) -> list[CorrectionEvent]:
    found: list[CorrectionEvent] = []
    for session_id, message_uuid, label, detail, proj, started_at in conn.execute(
        """SELECT a.session_id, a.message_uuid, a.label, a.detail, m.project, m.started_at
            FROM analysis_signals a JOIN sessions m ON m.id = a.session_id
            WHERE a.kind = 'correction' AND (? IS NULL OR m.project = ?) AND (? IS NULL OR m.agent = ?)""",
        only,
    ):
        try:
            data = json_codec.loads(detail) if detail else {}
        except ValueError:
            data = {}
        corrected = [by_id[i] for i in data.get("corrected_tool_use_ids") or () if i in by_id]
        found.append(
            CorrectionEvent(
                session_id=session_id,
                project=proj,
                message_uuid=message_uuid or "",
                ts=data.get("ts") or started_at,  # an agent that writes no times: the session's start
                kind=label or str(data.get("kind") or ""),
                text=str(data.get("text") or ""),
                corrected=corrected,
            )
        )
    found.sort(key=lambda c: (c.ts or "", c.message_uuid))
    return found


LEARN_ATTEMPTS = 3  # learning runs again when the history changed under it; the last attempt saves anyway
LEARNER_VERSION = "4"  # bump when extraction or counting changes: the store is learned again


@dataclass(slots=True)
class LearnRun:
    """What one learning run did."""

    skipped: bool = False
    tool_calls: int = 0
    lessons: int = 0
    new: int = 0
    updated: int = 0
    archived: int = 0
    embedded: int = 0  # lessons given a vector (the embeddings extra installed and enabled)
    problem: str | None = None  # the embedding model failed to load: lexical recall only
    seconds: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "skipped": self.skipped,
            "tool_calls": self.tool_calls,
            "lessons": self.lessons,
            "new": self.new,
            "updated": self.updated,
            "archived": self.archived,
            "embedded": self.embedded,
            "problem": self.problem,
            "seconds": round(self.seconds, 3),
        }


def history_fingerprint(conn: sqlite3.Connection) -> str:
    """What learning read, in one aggregate: calls, errors, corrections, projects, the version."""
    calls = conn.execute(
        "SELECT count(*), coalesce(max(rowid), 0), coalesce(sum(length(status)), 0) FROM tool_calls"
    ).fetchone()
    errors = conn.execute("SELECT count(*), coalesce(group_concat(class, ''), '') FROM call_errors").fetchone()
    signals = conn.execute("SELECT count(*) FROM analysis_signals WHERE kind = 'correction'").fetchone()
    projects = conn.execute(
        "SELECT coalesce(group_concat(id || '=' || coalesce(project, ''), ','), '') FROM sessions"
    ).fetchone()
    warned = conn.execute("SELECT count(*), coalesce(max(id), 0) FROM hook_decisions WHERE action != 'none'").fetchone()
    return digest(
        LEARNER_VERSION,
        repr(calls),
        str(errors[0]),
        digest(errors[1]),
        repr(signals),
        digest(projects[0]),
        repr(warned),
    )


def learn_store(
    conn: sqlite3.Connection, policy: Policy | None = None, *, force: bool = False, now: str | None = None
) -> LearnRun:
    """Learn lessons from the whole history in the store and keep them (see lesson_writer).

    Skipped when nothing learning reads has changed since the last run (unless `force`)."""
    started = time.perf_counter()
    run = LearnRun()
    fingerprint = history_fingerprint(conn)
    last = conn.execute("SELECT fingerprint FROM learn_runs ORDER BY id DESC LIMIT 1").fetchone()
    if last is not None and last[0] == fingerprint and not force:
        run.skipped = True
        run.lessons = conn.execute("SELECT count(*) FROM lessons").fetchone()[0]
        run.embedded, run.problem = embed_lessons(conn)
        run.seconds = time.perf_counter() - started
        return run
    from lessonloop.capture.privacy import without_excluded_categories  # [lessons] exclude_categories
    from lessonloop.pipeline.batch_learning import batch_lessons

    moment = now or utc_now()
    for attempt in range(LEARN_ATTEMPTS):
        history = load_history(conn)
        learner = learn_history(history, policy)
        lessons = without_excluded_categories([*learner.lessons.values(), *batch_lessons(conn)])
        read = fingerprint

        def record(saved: SaveResult, read: str = read, calls: int = len(history.events)) -> None:
            run.lessons = conn.execute("SELECT count(*) FROM lessons").fetchone()[0]
            conn.execute(
                """INSERT INTO learn_runs (ts, fingerprint, tool_calls, lessons, new_lessons, archived)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (moment, read, calls, run.lessons, saved.new, saved.archived),
            )

        # Another process may ingest while this one learns: its lessons are saved only if the
        # history is still the one they were learned from (else learn again, from the new one).
        last_try = attempt == LEARN_ATTEMPTS - 1
        current = None if last_try else (lambda read=read: history_fingerprint(conn) == read)
        saved = save_learned(conn, lessons, learner.aliases, moment, still_current=current, finish=record)
        if saved is not None:
            break
        fingerprint = history_fingerprint(conn)
    assert saved is not None
    run.tool_calls = len(history.events)
    run.new, run.updated, run.archived = saved.new, saved.updated, saved.archived
    run.embedded, run.problem = embed_lessons(conn)
    run.seconds = time.perf_counter() - started
    return run


def embed_lessons(conn: sqlite3.Connection) -> tuple[int, str | None]:
    """Give lessons without a vector one, when the embeddings extra is installed and enabled
    ($LESSONLOOP_EMBEDDINGS). The model is loaded only when some lesson needs a vector: loading
    it takes seconds, and this is the heavy work the hooks must never do. Returns (how many were
    embedded, the problem when the model failed to load)."""
    from lessonloop.apply import embeddings

    if not embeddings.available():
        return 0, None
    if conn.execute("SELECT 1 FROM lessons WHERE embedding IS NULL LIMIT 1").fetchone() is None:
        return 0, None
    try:
        embedder = embeddings.load_embedder()
    except embeddings.EmbeddingError as exc:
        return 0, str(exc)
    if embedder is None:
        return 0, None
    from lessonloop.apply.lesson_vectors import embed_missing

    return embed_missing(conn, embedder), None


def learn_history(history: History, policy: Policy | None = None) -> Learner:
    """Run the learner over a whole history (every session ends at its last call)."""
    learner = Learner(policy)
    last_call = {event.session_id: event.call.id for event in history.events}
    for item in history.stream():
        if isinstance(item, CorrectionEvent):
            learner.correction(
                item.session_id, item.project, item.message_uuid, item.ts, item.kind, item.text, item.corrected
            )
        else:
            warned = history.warnings.get(item.call.id)
            if warned:
                learner.warned(item, warned)
            learner.observe(item, learner.decide(item))
            if last_call.get(item.session_id) == item.call.id:
                learner.end_session(item.session_id)
    learner.end_all_sessions()
    return learner
