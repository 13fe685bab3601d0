"""Claude Code's real corpora: the counting script (tests/counting/claude_code_count.py, written
from the format description alone) and `lessonloop stats --json --agent claude-code` agree
exactly: sessions, prompts, calls and failed calls per tool, tokens per model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS, cli
from tests.counting.claude_code_count import count

TOKEN_KEYS = ("input", "output", "cache_creation", "cache_read")


CORPORA = {
    "spotter": SHARED_CORPUS / "claude-code" / "spotter",
    "codemie": SHARED_CORPUS / "claude-code" / "codemie",
}


@pytest.mark.corpus
@pytest.mark.parametrize("source", sorted(CORPORA))
def test_the_counting_script_agrees_with_stats(source: str, tmp_path: Path) -> None:
    corpus = CORPORA[source]
    if not corpus.is_dir():
        pytest.skip(f"real-data corpus not found at {corpus}")
    folder = tmp_path / source
    shutil.copytree(corpus, folder)
    db = tmp_path / "s.db"
    ingested = cli("ingest", "--db", db, "--no-learn", "--json", folder)
    assert ingested.exit_code == 0, ingested.stderr
    result = cli("stats", "--db", db, "--json", "--agent", "claude-code")
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.output)
    expected = count([str(folder)])
    assert expected["sessions"] > 0 and expected["tools"], "the script read nothing: is the corpus there?"
    assert stats["sessions"] == expected["sessions"]
    assert stats["messages"].get("prompt", 0) == expected["prompts"]
    assert stats["tools"] == expected["tools"]
    assert {m: {k: t[k] for k in TOKEN_KEYS} for m, t in stats["tokens"].items()} == expected["tokens"]
