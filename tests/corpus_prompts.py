"""The typed prompts of the shared corpora (all in English), read from a store they are ingested
into: the precision check of the rules written for other languages (corrections, instructions)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS, run_ingest

CORPORA = ("claude-code/spotter", "codex/zo-qore", "codex/parking-lot", "gemini/codemie", "aider/aider-dev")


def corpus_prompts(tmp_path: Path) -> list[str]:
    """Every prompt of CORPORA, ingested from a copy in `tmp_path`; the test is skipped when
    ../shared is absent."""
    folders = [SHARED_CORPUS / name for name in CORPORA if (SHARED_CORPUS / name).is_dir()]
    if not folders:
        pytest.skip(f"no shared corpus at {SHARED_CORPUS} (the ../shared folder is absent)")
    for folder in folders:
        shutil.copytree(folder, tmp_path / "corpus" / folder.parent.name / folder.name)
    db = tmp_path / "lessonloop.db"
    run_ingest(db, tmp_path / "corpus")
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT text FROM messages WHERE kind = 'prompt' AND text IS NOT NULL")]
    finally:
        conn.close()
