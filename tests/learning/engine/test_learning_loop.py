"""The learning loop is written once (learning/engine/learning_loop.py): batch learning over a History,
learning over the store's rows (learning/runs/stream.py) and replay run it, so over the same
history they end with the same lessons, counts and evidence. Replay leaves the hooks' real
warnings out unless asked (`hook_warnings`); the store and a History take them in."""

from __future__ import annotations

import ast
import shutil
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from lessonloop.core import json_codec
from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.history import CorrectionEvent
from lessonloop.learning.engine.learning_loop import LoopPlug, learn_history, run_loop
from lessonloop.learning.engine.replay import replay
from lessonloop.learning.runs import learn_version, load_replay_history
from lessonloop.learning.runs.source import read_everything
from lessonloop.learning.runs.stream import learn_everything
from lessonloop.learning.store.state import read_marks
from lessonloop.pipeline.live_ingest import ingest_transcripts
from lessonloop.store import open_store
from tests.conftest import CORPUS, REPO_ROOT
from tests.learning_helpers import Script, format_episode, history, push_episode

NOW = "2026-11-23T00:00:00.000Z"
# The Learner's methods that make up the loop: only learning/engine/learning_loop.py may call them in src/.
LOOP_METHODS = {"observe", "warned", "correction", "end_session", "end_all_sessions"}


def lessons_of(learner: Learner) -> dict[str, Any]:
    """Every lesson's fields, counts and evidence, and the aliases. A lesson's model is left out:
    a History's calls carry their session's model, the store's get it when the lessons are saved."""
    out: dict[str, Any] = {"aliases": dict(learner.aliases)}
    for signature, lesson in learner.lessons.items():
        fields = asdict(lesson)
        fields.pop("model")
        fields["trigger"] = lesson.trigger.to_json() if lesson.trigger else None
        out[signature] = fields
    return out


def scripted() -> tuple[Script, list[Any], list[CorrectionEvent]]:
    """Three sessions: a push failure fixed twice, a format episode, a clean push, a rejection."""
    script = Script()
    s1, s2, s3 = (script.session(sid, branch=f"b{sid}") for sid in ("s1", "s2", "s3"))
    events = [*push_episode(s1), *format_episode(s1)]
    rejected = s2.bash("mix phx.server", status="rejected", error="The user doesn't want to proceed")
    corrections = [CorrectionEvent("s2", s2.project, "m1", script.tick(), "rejection", "", [rejected])]
    events += [rejected, *push_episode(s2), s2.bash("mix phx.server")]
    events += [s3.bash("git push"), *format_episode(s3)]
    return script, events, corrections


def test_replay_and_batch_learning_end_with_the_same_lessons() -> None:
    _, events, corrections = scripted()
    batch = learn_history(history(events, corrections))
    report = replay(history(events, corrections))
    assert report.learner is not None
    assert len(batch.lessons) >= 3  # push, format and the rejection
    assert lessons_of(report.learner) == lessons_of(batch)
    assert report.lessons_learned == len(batch.lessons)


def test_a_hooks_warning_counts_in_batch_learning_and_in_replay_only_when_asked() -> None:
    """A hook warned on a `git push` with the push lesson; the next call sets the upstream: a
    success after prevention for that lesson, taken in by batch learning and by replay with
    hook_warnings (the same count), not by replay as it has always run (one fewer)."""
    script = Script()
    s1, s2 = script.session("s1", branch="b1"), script.session("s2", branch="b2")
    first = push_episode(s1)
    (signature,) = learn_history(history(first)).lessons
    warned = s2.bash("git status")
    events = [*first, warned, s2.bash("git push -u origin b2")]
    data = history(events)
    data.warnings = {warned.call.id: [signature]}
    batch = learn_history(data)
    asked = replay(data, hook_warnings=True).learner
    plain = replay(data).learner
    assert asked is not None and plain is not None
    assert lessons_of(asked) == lessons_of(batch)
    assert batch.lessons[signature].prevented == plain.lessons[signature].prevented + 1
    (after,) = [e for e in batch.lessons[signature].evidence if e.detail and "after_warning" in e.detail]
    assert after.detail == {"after_warning": warned.call.id}


def test_a_split_replay_learns_nothing_at_or_after_the_cutoff() -> None:
    _, events, corrections = scripted()
    cut = events[len(events) // 2].ts
    learner = run_loop(Learner(), history(events, corrections).stream(), {}, frozen_from=cut)
    before = run_loop(
        Learner(),
        history([e for e in events if e.ts < cut], [c for c in corrections if (c.ts or "") < cut]).stream(),
        {},
    )
    assert lessons_of(learner) == lessons_of(before)


def test_the_plug_sees_every_call_decided_and_observed_in_order() -> None:
    _, events, corrections = scripted()
    seen: list[tuple[str, str]] = []

    class Recorder(LoopPlug):
        def decided(self, event: Any, decision: Any) -> None:
            seen.append(("decided", event.call.id))

        def observed(self, event: Any) -> None:
            seen.append(("observed", event.call.id))

        def ended(self, session_id: str) -> None:
            seen.append(("ended", session_id))

        def finished(self) -> None:
            seen.append(("finished", ""))

    data = history(events, corrections)
    last = {e.session_id: e.call.id for e in data.events}
    run_loop(Learner(), data.stream(), last, Recorder())
    calls = [e.call.id for e in data.events]
    assert [c for step, c in seen if step == "decided"] == calls
    assert [c for step, c in seen if step == "observed"] == calls
    assert [s for step, s in seen if step == "ended"] == sorted(last, key=lambda s: calls.index(last[s]))
    assert seen[-1] == ("finished", "")


@pytest.mark.slow
def test_only_the_shared_loop_drives_the_learner() -> None:
    """No module of src/ but the loop's own (and the Learner's) calls the loop's Learner methods:
    batch learning, the store's learning, replay and live learning all go through run_loop."""
    src = REPO_ROOT / "src" / "lessonloop"
    engine = src / "learning" / "engine"
    allowed = {engine / "learning_loop.py", engine / "engine.py"}
    callers: list[str] = []
    for path in sorted(src.rglob("*.py")):
        if path in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LOOP_METHODS:
                callers.append(f"{path.relative_to(src)}:{node.lineno} .{node.func.attr}()")
    assert callers == []


@pytest.mark.slow
@pytest.mark.corpus
def test_the_store_batch_learning_and_replay_agree_on_spotter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spotter ingested, then every lesson firing of an online replay stored as a hook's warning:
    learning over the store's rows, learn_history over the store's History and replay with the
    hooks' warnings end with the same lessons; replay without them (as `lessonloop replay` runs)
    learns the same lessons with fewer successes after prevention."""
    if not CORPUS.exists():
        pytest.skip(f"real-data corpus not found at {CORPUS} (the ../shared folder is absent)")
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", "off")
    folder = tmp_path / "spotter"
    shutil.copytree(CORPUS, folder)
    conn = open_store(tmp_path / "store.db")
    try:
        ingest_transcripts(conn, [str(folder)], bandit=False)
        fired = _firings(load_replay_history(conn))
        ids = dict(conn.execute("SELECT signature, id FROM lessons"))
        rows = [(c, [ids[s] for s in sigs if s in ids]) for c, sigs in fired.items()]
        rows = [(c, found) for c, found in rows if found]
        assert rows, "no stored lesson fired in the replay"
        _store_warnings(conn, rows)
        data = load_replay_history(conn)
        assert set(data.warnings) == {c for c, _ in rows}
        stream = learn_everything(read_everything(conn), None, learn_version(None), read_marks(conn), NOW, None).learner
        batch = learn_history(data)
        asked = replay(data, hook_warnings=True).learner
        plain = replay(data).learner
    finally:
        conn.close()
    assert asked is not None and plain is not None
    assert lessons_of(stream) == lessons_of(batch)
    assert lessons_of(asked) == lessons_of(batch)
    after = [
        e for lesson in batch.lessons.values() for e in lesson.evidence if e.detail and "after_warning" in e.detail
    ]
    assert after  # some warning was followed by what its lesson says: the warnings did count
    prevented = sum(lesson.prevented for lesson in batch.lessons.values())
    assert prevented > sum(lesson.prevented for lesson in plain.lessons.values())
    assert lessons_of(plain).keys() == lessons_of(batch).keys()


def _firings(data: Any) -> dict[str, list[str]]:
    """Each call's lessons an online replay fired (what the PreToolUse hook would have warned)."""
    fired: dict[str, list[str]] = {}

    class Firings(LoopPlug):
        def decided(self, event: Any, decision: Any) -> None:
            if decision.fired:
                fired[event.call.id] = [f.lesson.signature for f in decision.fired]

    run_loop(Learner(prompts=data.prompts), data.stream(), {e.session_id: e.call.id for e in data.events}, Firings())
    return fired


def _store_warnings(conn: sqlite3.Connection, rows: list[tuple[str, list[int]]]) -> None:
    conn.executemany(
        """INSERT INTO hook_decisions (session_id, event, tool_use_id, ts, action, lessons)
           VALUES ('s', 'PreToolUse', ?, ?, 'warn', ?)""",
        [(call_id, NOW, json_codec.dumps(found)) for call_id, found in rows],
    )
    conn.commit()
