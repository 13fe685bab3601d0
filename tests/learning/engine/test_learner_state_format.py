"""A learner state saved in an older layout is never read: the spotter corpus learned up to half
way, its stored state rewritten as format 2 wrote it (each error signature's first failure a
positional list, before it became learner's FirstFailure record), then the rest ingested: learning
relearns everything and ends equal to a clean learn of the final store. Either way an old state
shows: its version (which digests STATE_FORMAT) differs, or, its version kept, the learner's
own "format" does not match (load_state refuses it)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from lessonloop.learning import runs as learning_runs
from lessonloop.learning.engine import learner_state
from lessonloop.learning.engine import policy as learner_policy
from lessonloop.learning.engine.engine import Policy
from lessonloop.pipeline.live_ingest import ingest_transcripts
from lessonloop.store import open_store
from tests.conftest import CORPUS
from tests.learning.runs.test_incremental_learning import learned, relearned, runs, time_steps, write

pytestmark = pytest.mark.corpus


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", "off")


def as_format_2(conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, *, old_version: bool) -> int:
    """Rewrite the stored learner as format 2 wrote it; returns how many first failures it holds."""
    version, data = conn.execute("SELECT version, learner FROM learn_state WHERE id = 1").fetchone()
    assert version == learning_runs.learn_version(Policy())  # learned with the default policy
    state = json.loads(data)
    assert state["format"] == learner_state.STATE_FORMAT  # 4 since issue 24 (a session's intents)
    state["format"] = 2
    state["first_failed"] = {
        sig: [first["session_id"], first["call_id"], first["fixed_by"], first["past_call"]]
        for sig, first in state["first_failed"].items()
    }
    if old_version:
        with monkeypatch.context() as patched:
            patched.setattr(learner_policy, "STATE_FORMAT", 2)  # learn_version reads it there
            version = learning_runs.learn_version(Policy())
    conn.execute("UPDATE learn_state SET version = ?, learner = ? WHERE id = 1", (version, json.dumps(state)))
    conn.commit()
    return len(state["first_failed"])


@pytest.mark.slow
@pytest.mark.parametrize("old_version", [True, False], ids=["version-of-format-2", "format-2-learner-only"])
def test_a_format_2_state_is_relearned_and_ends_as_a_clean_learn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_version: bool
) -> None:
    if not CORPUS.exists():
        pytest.skip(f"real-data corpus not found at {CORPUS}")
    files = {p.relative_to(CORPUS): p.read_bytes() for p in sorted(CORPUS.rglob("*.jsonl"))}
    seen = runs(monkeypatch)
    folder = tmp_path / "corpus"
    db = tmp_path / "store.db"
    conn = open_store(db)
    try:
        half, whole = time_steps(files, 2)
        write(folder, half)
        ingest_transcripts(conn, [str(folder)], bandit=False)
        assert seen and seen[-1]["mode"] == "full"
        assert as_format_2(conn, monkeypatch, old_version=old_version) > 0  # the record the layout changed
        shutil.rmtree(folder)
        write(folder, whole)
        ingest_transcripts(conn, [str(folder)], bandit=False)
        final = learned(conn)
        state = json.loads(conn.execute("SELECT learner FROM learn_state WHERE id = 1").fetchone()[0])
    finally:
        conn.close()
    last = seen[-1]
    assert last["mode"] == "full", seen
    reason = last["relearned_because"] or ""
    assert ("changed" in reason) if old_version else ("could not be read" in reason and "format 2" in reason), reason
    assert final == relearned(db, tmp_path)
    assert state["format"] == learner_state.STATE_FORMAT
    assert all(
        set(first) == {"session_id", "call_id", "fixed_by", "past_call"} for first in state["first_failed"].values()
    )


def test_a_learner_loaded_from_a_state_leaves_that_state_as_it_was() -> None:
    """Learning on from a stored state keeps that state as a checkpoint when it may (stream.py's
    old boundary): a lesson loaded from it must not share its counts. Shared, every evidence the
    run added was counted in the kept checkpoint too, and a run that later went on from that
    checkpoint stopped keeping evidence early (at MAX_EVIDENCE counted, fewer kept)."""
    from lessonloop.learning.engine.engine import Learner
    from lessonloop.lesson_model.lesson import Evidence, Lesson

    lesson = Lesson("sig", "failure", "a title", "a body", None, "err")
    lesson.add_evidence(Evidence("prevented", "s1", "t1"))
    lesson.session_failed["s1"] = False
    state = learner_state.dump_state(Learner(None, [lesson]))
    before = json.loads(json.dumps(state))
    loaded = learner_state.load_state(state, {})
    again = loaded.lessons["sig"]
    again.add_evidence(Evidence("prevented", "s2", "t2"))
    again.session_failed["s2"] = None
    again.projects.add("/p")
    assert json.loads(json.dumps(state)) == before
    assert again.evidence_counts == {"prevented": 2}
