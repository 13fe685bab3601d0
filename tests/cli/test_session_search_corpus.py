"""Session search on real sessions of several agents (issue 44's done-when): a distinctive error
text, a prompt phrase (also in French), a command word and a path each find their session as the
first hit.

The queries are chosen by the procedure below, fixed before any ranking was looked at, from what
the store holds: for each agent and each kind of text, the first place (in the store's order)
whose candidate text occurs, letter case aside, in the texts of one main session only, among
every text the search indexes. Candidates: an error's first line of 3 to 12 words (its words,
as a person pastes them); a prompt's first line of 4 to 12 words; a command's program; a path's
last two parts. The words of an error or prompt are searched without quotes: each word alone may
be in many sessions, and the place must still come first. French: aider-dev's French reply (the
corpora hold no French prompt), and a planted French prompt among the real sessions, both
searched without their accents.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS, cli
from tests.transcript_builder import TranscriptBuilder

SOURCES = (
    "claude-code/spotter",
    "claude-code/codemie",
    "codex/codemie",
    "codex/parking-lot",
    "gemini/codemie",
    "opencode/codemie",
    "aider/aider-dev",
)
TRIES = 60  # candidates tried per agent and kind
_WORD = re.compile(r"[^\W_]+")
_EXIT = re.compile(r"^(exit code \d+|error:?|traceback.*)$", re.I)
FRENCH_PROMPT = "Pourquoi le déploiement échoue-t-il après la mise à jour des dépendances ?"

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    missing = [source for source in SOURCES if not (SHARED_CORPUS / source).exists()]
    if missing:
        pytest.skip(f"corpus not found: {', '.join(missing)} (the ../shared folder is absent)")
    folder = tmp_path_factory.mktemp("corpora")
    for source in SOURCES:
        shutil.copytree(SHARED_CORPUS / source, folder / source.replace("/", "-"))
    planted = TranscriptBuilder(cwd="/home/dev/projet", start=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    planted.prompt(FRENCH_PROMPT)
    planted.bash("npm ci", "added 212 packages")
    planted.write(folder / "planted" / f"{planted.session_id}.jsonl")
    db = folder / "store.db"
    result = cli("ingest", "--db", db, "--no-progress", "--no-analyze", *sorted(folder.iterdir()))
    assert result.exit_code == 0, result.stderr
    yield db, planted.session_id


def _texts(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(main session, text lower-cased) of every text the search indexes."""
    return [
        (str(session), str(text).lower())
        for session, text in conn.execute(
            """SELECT coalesce(s.parent_id, s.id), t.text FROM search_texts t JOIN search_places p ON p.id = t.id
               LEFT JOIN messages m ON m.id = p.message_id LEFT JOIN tool_calls c ON c.id = p.call_id
               JOIN sessions s ON s.id = coalesce(m.session_id, c.session_id)
               WHERE t.text IS NOT NULL"""
        )
    ]


def _sessions_holding(texts: list[tuple[str, str]], needle: str) -> set[str]:
    needle = needle.lower()
    return {session for session, text in texts if needle in text}


def _candidate(kind: str, text: str) -> str | None:
    """The text a person would search for in this place, or None when it has none."""
    if kind == "error":
        for line in text.splitlines():
            line = line.strip()
            if line and not _EXIT.match(line) and 3 <= len(_WORD.findall(line)) <= 12:
                return line
        return None
    if kind == "prompt":
        line = text.strip().splitlines()[0] if text.strip() else ""
        return line if 4 <= len(_WORD.findall(line)) <= 12 else None
    if kind == "command":
        first = text.strip().split()[0] if text.strip() else ""
        program = first.rsplit("/", 1)[-1]
        return program if re.fullmatch(r"[a-z][a-z0-9._-]{2,}", program) else None
    parts = [part for part in text.strip().split("/") if part]
    return "/".join(parts[-2:]) if len(parts) >= 2 else None


_PLACES = {
    "error": "SELECT c.error_text, coalesce(s.parent_id, s.id) FROM tool_calls c JOIN sessions s ON s.id = c.session_id"
    " WHERE s.agent = ? AND coalesce(c.error_text, '') <> '' ORDER BY c.rowid",
    "prompt": "SELECT m.text, coalesce(s.parent_id, s.id) FROM messages m JOIN sessions s ON s.id = m.session_id"
    " WHERE s.agent = ? AND m.kind = 'prompt' AND coalesce(m.text, '') <> '' ORDER BY m.id",
    "command": "SELECT c.command, coalesce(s.parent_id, s.id) FROM tool_calls c JOIN sessions s ON s.id = c.session_id"
    " WHERE s.agent = ? AND coalesce(c.command, '') <> '' ORDER BY c.rowid",
    "path": "SELECT c.target_path, coalesce(s.parent_id, s.id) FROM tool_calls c JOIN sessions s ON s.id = c.session_id"
    " WHERE s.agent = ? AND coalesce(c.target_path, '') <> '' ORDER BY c.rowid",
}


def _chosen(db: Path) -> list[tuple[str, str, str, str]]:
    """(agent, kind, query, its session) for each agent and kind with a distinctive place."""
    conn = sqlite3.connect(db)
    try:
        texts = _texts(conn)
        agents = [str(a) for (a,) in conn.execute("SELECT DISTINCT agent FROM sessions ORDER BY agent")]
        chosen = []
        for agent in agents:
            for kind, sql in _PLACES.items():
                for text, session in conn.execute(sql, (agent,)).fetchmany(TRIES * 20):
                    needle = _candidate(kind, str(text))
                    if needle is None or _sessions_holding(texts, needle) != {str(session)}:
                        continue
                    query = " ".join(_WORD.findall(needle)[:8]) if kind in ("error", "prompt") else needle
                    chosen.append((agent, kind, query, str(session)))
                    break
        return chosen
    finally:
        conn.close()


def _first(db: Path, query: str) -> dict[str, object]:
    result = cli("search", "--db", db, "--json", "-n", "3", query)
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.output)
    assert found, f"nothing found for {query!r}"
    first: dict[str, object] = found[0]
    return first


def test_distinctive_texts_of_every_agent_find_their_session_first(store: tuple[Path, str]) -> None:
    db, _planted = store
    chosen = _chosen(db)
    kinds = {kind for _agent, kind, _query, _session in chosen}
    agents = {agent for agent, _kind, _query, _session in chosen}
    assert kinds == {"error", "prompt", "command", "path"}, chosen
    assert len(agents) >= 4, chosen
    missed = [
        (agent, kind, query, session, _first(db, query)["session"])
        for agent, kind, query, session in chosen
        if _first(db, query)["session"] != session
    ]
    assert not missed, f"{len(missed)} of {len(chosen)} not first: {missed}"


def test_french_finds_its_session_first_without_accents(store: tuple[Path, str]) -> None:
    db, planted = store
    first = _first(db, "pourquoi deploiement echoue mise a jour dependances")
    assert (first["session"], first["kind"]) == (planted, "prompt")
    reply = _first(db, "partage de fichiers que je peux editer")  # aider-dev's French reply
    assert (reply["agent"], reply["kind"]) == ("aider", "reply")
