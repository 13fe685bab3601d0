"""A learning run over the store (`learn_store`): skipped when nothing learning reads changed, else
one run (stream.py) on from the stored state or from scratch, tried again when an ingest changed
the history meanwhile, its lessons with the batch lessons (batch.py) kept with the run's record
and the state in one transaction (store/lessons/writer.save_learned). Learning embeds nothing: the
readers of lesson vectors give the lessons without one a vector when they load the embedding
model anyway (apply/vector_recall.py)."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lessonloop.core.quick_hash import blake2b_hex
from lessonloop.learning.engine import policy as learner_policy
from lessonloop.learning.engine.policy import Policy
from lessonloop.store.counts import lessons as lesson_count

if TYPE_CHECKING:
    from collections.abc import Callable

    from lessonloop.learning.runs.stream import Outcome
    from lessonloop.lesson_model.lesson import Lesson
    from lessonloop.store.lessons.writer import SaveResult

# What a run that learns imports (the learner, the analyzers its lessons use, the store's reads and
# writer) is imported in the functions: a run skipped because nothing changed (every `lessonloop
# ingest` with nothing new) imports only the version's parts and the marks' reads.

LEARN_ATTEMPTS = 3  # learning runs again when the history changed under it; the last attempt saves anyway
# bump when extraction, counting, texts or the inputs' digests change: the store is learned again
# (8: tool output quoted; 9: item_hash no longer hashes each text's repr; 10: a rejection's lesson
# is its project's, its words quoted; 13: "instead" only from a fix of the same intent
# (learning/engine/instead.py), Windows backslashes kept; 14: a checkpoint kept from a run's starting state
# no longer shares the counts the run went on to learn: learner_state._lesson_from copies;
# 15: one rejection naming several checks is a failure of each check's lesson; 16: a setup
# failure's missing declaration (learning/engine/declared_lessons.py), reads' and searches' results read)
LEARNER_VERSION = "16"


@dataclass(slots=True)
class LearnRun:
    """What one learning run did."""

    skipped: bool = False
    tool_calls: int = 0  # calls learned by this run (on from the stored state: only those after its boundary)
    lessons: int = 0
    new: int = 0
    updated: int = 0
    archived: int = 0
    seconds: float = 0.0
    mode: str = "skipped"  # skipped | incremental | full
    relearned_because: str | None = None  # a full relearn: why learning on from the state would differ
    # incremental: the boundary it went on from; `late`: a checkpoint before the state's (something
    # arrived late, learned again from there)
    learned_from: str | None = None
    late: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "skipped": self.skipped,
            "mode": self.mode,
            "relearned_because": self.relearned_because,
            "learned_from": self.learned_from,
            "late": self.late,
            "tool_calls": self.tool_calls,
            "lessons": self.lessons,
            "new": self.new,
            "updated": self.updated,
            "archived": self.archived,
            "seconds": round(self.seconds, 3),
        }


def configured_policy(review: bool | None = None) -> Policy:
    """The learning policy the person's configuration asks for: `lessons.review` keeps new lessons
    pending until approved (docs/privacy.md). `review` given: that instead of the file's."""
    if review is None:
        from lessonloop.settings.config import load_config

        review = load_config().lessons.review
    return Policy(review=review)


def learn_version(policy: Policy | None) -> str:
    """What the stored state was learned with: the learner's, the analyzer's and the state's
    versions and the policy. Another value: everything is learned again."""
    from lessonloop.pipeline.analysis_check import ANALYZER_VERSION

    p = policy or Policy()
    parts = (
        LEARNER_VERSION,
        ANALYZER_VERSION,
        str(learner_policy.STATE_FORMAT),
        repr((sorted(p.warn_tiers), p.ask_at, p.block, p.block_at, p.review, p.near_duplicate, p.stop)),
    )
    return blake2b_hex("\x1f".join(parts).encode("utf-8", "replace"), 10)  # learning/engine/signatures.digest's hash


# What the hooks write on every call (their decisions): learned at the next run, but no sign that
# the captured history trails (the hooks learn their own calls live, learning/live/in_session.py).
HOOKS_OWN = ("hook_decisions",)


def learning_is_current(conn: sqlite3.Connection, policy: Policy | None = None) -> bool:
    """Whether the stored state was learned by this learner with this policy from the history as
    it is: the marks `learn_store` compares, but the hooks' own decisions (HOOKS_OWN)."""
    from lessonloop.learning.store.state import read_marks, read_state

    stored = read_state(conn, learner=False)
    if stored is None:
        return False
    if stored.version != learn_version(policy or configured_policy()):
        return False
    now = read_marks(conn)
    return all(stored.marks.get(table) == mark for table, mark in now.items() if table not in HOOKS_OWN)


def learn_store(
    conn: sqlite3.Connection, policy: Policy | None = None, *, force: bool = False, now: str | None = None
) -> LearnRun:
    """Learn lessons from the store's history and keep them (see lesson_writer). `policy`: the
    configuration's (`configured_policy`) when not given.

    Learning goes on from the state the last run stored, over the calls and corrections after its
    boundary, or from the latest checkpoint before something that arrived late
    (stream.py); everything is learned again (through a cursor) when there is
    no state, the learner's or analyzer's version or the policy changed, something before every
    checkpoint changed, or `force`. Skipped when no table learning reads has a row
    added or changed since the last run (rowids and the triggers' log: no scan of the history)."""
    from lessonloop.learning.store.state import read_marks, read_state

    started = time.perf_counter()
    run = LearnRun()
    if policy is None:
        policy = configured_policy()  # a configuration that cannot be read raises ConfigError
    version = learn_version(policy)
    marks = read_marks(conn)
    stored = read_state(conn, learner=False)
    if stored is not None and stored.version == version and stored.marks == marks and not force:
        run.skipped = True
        run.lessons = lesson_count(conn)
        run.seconds = time.perf_counter() - started
        return run
    from lessonloop.core.timestamps import utc_now

    moment = now or utc_now()
    saved: SaveResult | None = None
    for attempt in range(LEARN_ATTEMPTS):
        outcome = _learn_once(conn, policy, version, marks, force, moment)
        # Another process may ingest while this one learns: its lessons are saved only if the
        # history is still the one they were learned from (else learn again, from the new one).
        last_try = attempt == LEARN_ATTEMPTS - 1
        current = None if last_try else (lambda marks=marks: read_marks(conn) == marks)
        saved = _save(conn, outcome, moment, current)
        if saved is not None:
            break
        marks = read_marks(conn)
    assert saved is not None
    run.mode = "full" if outcome.full else "incremental"
    run.relearned_because = outcome.reason
    run.learned_from, run.late = outcome.learned_from, outcome.late
    run.tool_calls = outcome.calls
    run.lessons = lesson_count(conn)
    run.new, run.updated, run.archived = saved.new, saved.updated, saved.archived
    run.seconds = time.perf_counter() - started
    return run


def _learn_once(
    conn: sqlite3.Connection, policy: Policy | None, version: str, marks: dict[str, int], force: bool, now: str
) -> Outcome:
    """One run: on from the stored state when what changed allows it (source.read_changes, then
    stream.choose_start), else everything again. The store is read by source.py before the
    learning, which is pure (stream.py)."""
    from lessonloop.learning.runs import source, stream
    from lessonloop.learning.store.state import read_state

    stored = None if force else read_state(conn)
    reason: str | None
    if force:
        reason = "asked (--force)"
    elif stored is None:
        reason = None
    elif stored.version != version:
        reason = "the learner, the analyzer or the policy changed"
    else:
        changes = source.read_changes(conn, stored, marks)
        if isinstance(changes, str):
            reason = changes
        else:
            start, reason = stream.choose_start(changes, stored)
            if start is not None:
                read = source.read_from(conn, stored, changes, start)
                found = (
                    read
                    if isinstance(read, str)
                    else stream.learn_from(read, policy, stored, changes.checkpoints, marks, now)
                )
                if isinstance(found, stream.Outcome):
                    return found
                reason = found
    return stream.learn_everything(source.read_everything(conn), policy, version, marks, now, reason)


def _save(
    conn: sqlite3.Connection, outcome: Outcome, moment: str, current: Callable[[], bool] | None
) -> SaveResult | None:
    """Save the lessons, the run's record and the state in one transaction. What the lessons need
    besides the learner (the batch lessons' rows, the sessions' models) is read first, at once
    (source.read_saving)."""
    from lessonloop.capture.privacy import without_excluded_categories  # [lessons] exclude_categories
    from lessonloop.learning.engine.signatures import digest
    from lessonloop.learning.runs.batch import batch_lessons
    from lessonloop.learning.runs.source import read_saving
    from lessonloop.learning.store.state import (
        add_run,
        clear_changes,
        drop_checkpoint,
        put_checkpoints,
        put_edit_types,
        put_parts,
        write_state,
    )
    from lessonloop.store.lessons.writer import save_learned

    learned = list(outcome.learner.lessons.values())
    origins = _origins(learned)
    read = read_saving(conn, {s for s in origins.values() if s}, full=outcome.full)
    for lesson in learned:
        origin = origins.get(lesson.signature)
        if origin is not None:
            lesson.model = read.models.get(origin)
    found = outcome.edits_before | outcome.edits_after
    settled = read.settled

    def edit_sessions(project: str | None, ext: str) -> set[str]:
        kept = set() if settled is None else settled[(project, ext)] - outcome.edit_sessions
        return kept | {root for p, e, root in found if p == project and e == ext}

    lessons = without_excluded_categories([*learned, *batch_lessons(read, edit_sessions)])
    state = outcome.state

    def record(saved: SaveResult) -> None:
        total = lesson_count(conn)
        fingerprint = digest(state.version, state.boundary, repr(sorted(state.marks.items())))
        add_run(conn, moment, fingerprint, outcome.calls, total, saved.new, saved.archived)
        after = None if outcome.full else outcome.learned_from
        put_checkpoints(conn, outcome.checkpoints, after=after)
        put_parts(conn, outcome.parts, after=after)
        for boundary, into in outcome.dropped:  # newest first
            drop_checkpoint(conn, boundary, into)
        put_edit_types(
            conn, outcome.edits_before, outcome.edits_after, replace_all=outcome.full, sessions=outcome.edit_sessions
        )
        clear_changes(conn, state.marks["learn_changes"])
        write_state(conn, state, moment)

    return save_learned(conn, lessons, outcome.learner.aliases, moment, still_current=current, finish=record)


def _origins(lessons: list[Lesson]) -> dict[str, str | None]:
    """A learned lesson's model is its first failure's session's most used model, as the store has
    it now (a session's model is known once it is whole: read when saving, not when learning):
    each lesson's (signature's) session."""
    return {
        lesson.signature: lesson.evidence[0].session_id
        for lesson in lessons
        if lesson.kind != "correction" and lesson.evidence and lesson.evidence[0].session_id
    }
