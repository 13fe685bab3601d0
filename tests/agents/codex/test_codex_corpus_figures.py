"""Codex figures on the real corpora equal the rollouts' own (issue 26): per session, prompts,
tool calls, failed calls and tokens as `lessonloop ingest` stores them, against
tests/counting/codex_raw_figures.py, which reads the raw JSONL by itself. A sample (each CLI
version's smallest rollout of codex/zo-qore, all of codex/parking-lot and codex/codemie's
sessions) in the quick test; all of codex/zo-qore in one slow test."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS
from tests.counting.codex_raw_figures import per_session
from tests.shared_stores import every_corpus_store, under

ZO_QORE = SHARED_CORPUS / "codex" / "zo-qore" / "sessions"
PARKING_LOT = SHARED_CORPUS / "codex" / "parking-lot" / "sessions"
CODEMIE = SHARED_CORPUS / "codex" / "codemie" / "sessions"

STORED = """
SELECT s.id,
       (SELECT count(*) FROM messages m WHERE m.session_id = s.id AND m.kind = 'prompt'),
       (SELECT count(*) FROM tool_calls t WHERE t.session_id = s.id),
       (SELECT count(*) FROM tool_calls t WHERE t.session_id = s.id AND t.status IS NOT NULL AND t.status != 'ok'),
       (SELECT coalesce(sum(input_tokens), 0) FROM token_usage u WHERE u.session_id = s.id),
       (SELECT coalesce(sum(cache_read_tokens), 0) FROM token_usage u WHERE u.session_id = s.id),
       (SELECT coalesce(sum(output_tokens), 0) FROM token_usage u WHERE u.session_id = s.id),
       (SELECT coalesce(sum(reasoning_tokens), 0) FROM token_usage u WHERE u.session_id = s.id)
FROM sessions s WHERE s.agent = 'codex' AND s.placeholder = 0
"""
FIELDS = ("prompts", "calls", "failed", "input", "cached", "output", "reasoning")


def _need(*folders: Path) -> None:
    for folder in folders:
        if not folder.is_dir():
            pytest.skip(f"real-data corpus not found at {folder} (the ../shared folder is absent)")


def _version_of(path: Path) -> str:
    """The CLI version a rollout names in its first line (the legacy first line has none)."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        first = json.loads(handle.readline() or "{}")
    payload = first.get("payload") if isinstance(first, dict) else None
    version = payload.get("cli_version") if isinstance(payload, dict) else None
    return version if isinstance(version, str) else "before the envelope"


def _smallest_of_each_version(folder: Path) -> list[Path]:
    chosen: dict[str, Path] = {}
    for path in sorted(folder.rglob("rollout-*.jsonl")):
        version = _version_of(path)
        if version not in chosen or path.stat().st_size < chosen[version].stat().st_size:
            chosen[version] = path
    return sorted(chosen.values())


def _ingest(db: Path, folder: Path) -> dict[str, dict[str, int]]:
    subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", str(folder), "--db", str(db), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return _stored(db)


def _stored(db: Path, folder: Path | None = None) -> dict[str, dict[str, int]]:
    """The stored figures of each Codex session, of those read from files in `folder` when given."""
    query = STORED
    args: tuple[object, ...] = ()
    if folder is not None:
        test, args = under("path", folder)
        query += f" AND s.source_file_id IN (SELECT id FROM source_files WHERE {test})"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {row[0]: dict(zip(FIELDS, row[1:], strict=True)) for row in conn.execute(query, args)}
    finally:
        conn.close()


def _differences(expected: dict[str, dict[str, int]], stored: dict[str, dict[str, int]]) -> list[str]:
    found = []
    for sid in sorted(expected.keys() | stored.keys()):
        want, have = expected.get(sid), stored.get(sid)
        if want != have:
            found.append(f"{sid}: rollout {want} != stored {have}")
    return found


@pytest.mark.slow
@pytest.mark.corpus
def test_a_sample_of_every_cli_version_is_stored_as_its_rollouts_say(tmp_path: Path) -> None:
    _need(ZO_QORE, PARKING_LOT, CODEMIE)
    sample = tmp_path / "sessions"
    picked = _smallest_of_each_version(ZO_QORE)
    assert len(picked) >= 15  # versions from before the envelope to 0.104
    for path in picked:
        target = sample / "zo-qore" / path.relative_to(ZO_QORE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    shutil.copytree(PARKING_LOT, sample / "parking-lot")
    shutil.copytree(CODEMIE, sample / "codemie")
    expected = per_session([str(sample)])
    stored = _ingest(tmp_path / "store.db", sample)
    assert _differences(expected, stored) == []
    # The rules of issue 26 have something to check here: injected context and prompts repeated
    # as items exist in the sample, and so do failed calls and token counts.
    assert sum(f["prompts"] for f in expected.values()) > 0
    assert sum(f["failed"] for f in expected.values()) > 20
    assert sum(f["output"] for f in expected.values()) > 0


@pytest.mark.corpus
@pytest.mark.slow
def test_all_of_zo_qore_is_stored_as_its_rollouts_say(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Read from the run's store of every corpus (tests/shared_stores.py), its sessions of zo-qore."""
    _need(ZO_QORE)
    expected = per_session([str(ZO_QORE)])
    stored = _stored(every_corpus_store(tmp_path_factory), ZO_QORE)
    assert _differences(expected, stored) == []
    totals = {name: sum(f[name] for f in expected.values()) for name in FIELDS}
    assert totals["prompts"] < sum(1 for _ in ZO_QORE.rglob("rollout-*.jsonl")) * 50  # sanity, not a pin
    assert totals["calls"] > 10_000 and totals["failed"] > 1_000
