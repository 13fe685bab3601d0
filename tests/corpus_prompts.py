"""The typed prompts of the shared corpora (all in English), read from the run's store of every
corpus (tests/shared_stores.py): the precision check of the rules written for other languages
(corrections, instructions)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import SHARED_CORPUS
from tests.shared_stores import every_corpus_store, under

CORPORA = ("claude-code/spotter", "codex/zo-qore", "codex/parking-lot", "gemini/codemie", "aider/aider-dev")


def corpus_prompts(factory: pytest.TempPathFactory) -> list[str]:
    """Every prompt of CORPORA; the test is skipped when ../shared is absent."""
    folders = [SHARED_CORPUS / name for name in CORPORA if (SHARED_CORPUS / name).is_dir()]
    if not folders:
        pytest.skip(f"no shared corpus at {SHARED_CORPUS} (the ../shared folder is absent)")
    db = every_corpus_store(factory)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        prompts = []
        for folder in folders:
            test, values = under("f.path", folder)
            prompts += [
                row[0]
                for row in conn.execute(
                    "SELECT m.text FROM messages m JOIN sessions s ON s.id = m.session_id"
                    " JOIN source_files f ON f.id = s.source_file_id"
                    f" WHERE m.kind = 'prompt' AND m.text IS NOT NULL AND {test}",
                    values,
                )
            ]
        return prompts
    finally:
        conn.close()
