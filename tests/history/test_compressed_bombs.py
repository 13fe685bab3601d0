"""A compressed rollout that expands without end (a "zstd bomb": about 100 KB that decode to
3 GiB) is refused, not decoded into memory (issue 25, item 6): agents/codex/reader/compressed.py caps
the decoded size (1 GiB, `$LESSONLOOP_MAX_DECOMPRESSED_MB`). The refusal names the file and the
cause, counts the file as failed, and what the file stored before stays."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import zstandard

from lessonloop.agents.codex.reader import compressed
from tests.agents.codex.test_codex_adapter import ROLLOUT, SID, write
from tests.conftest import cli

NAME = f"rollout-2026-05-11T11-26-55-{SID}.jsonl.zst"
GIB = 1 << 30
ENV_MAX_MB = "LESSONLOOP_MAX_DECOMPRESSED_MB"


def _bomb(path: Path, size: int, *, declared: bool) -> Path:
    """`size` zero bytes, zstd-compressed to `path` (the frame declaring its size, or streamed)."""
    out = io.BytesIO()
    writer = zstandard.ZstdCompressor(level=1).stream_writer(out, size=size if declared else -1, closefd=False)
    block = bytes(4 << 20)
    for _ in range(size // len(block)):
        writer.write(block)
    writer.flush(zstandard.FLUSH_FRAME)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path


def _rollout(path: Path) -> Path:
    plain = write(path.with_suffix(""), ROLLOUT)
    path.write_bytes(zstandard.ZstdCompressor().compress(plain.read_bytes()))
    plain.unlink()
    return path


def _sessions(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT id FROM sessions ORDER BY id")]
    finally:
        conn.close()


def _refused(db: Path, path: Path) -> tuple[int, dict[str, Any], str]:
    result = cli("ingest", "--db", db, path.parent, "--json", "--no-analyze")
    data = result.json()
    problems = [p for p in data["problems"] if p["code"] == "compressed-rollout"]
    assert len(problems) == 1, data["problems"]
    assert problems[0]["path"] == str(path)
    return result.exit_code, data, str(problems[0]["detail"])


def test_a_bomb_declaring_3_gib_is_refused_without_decoding(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "archived_sessions" / NAME, 3 * GIB, declared=True)
    assert bomb.stat().st_size < 200_000
    code, data, detail = _refused(tmp_path / "s.db", bomb)
    assert "3,221,225,472 bytes" in detail and "over the cap of 1,024 MiB" in detail and "zstd bomb" in detail
    assert data["files"]["failed"] == 1
    assert code != 0  # the one file named could not be read
    assert _sessions(tmp_path / "s.db") == []


def test_a_streamed_bomb_is_cut_at_the_cap_and_what_was_stored_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.db"
    path = _rollout(tmp_path / "archived_sessions" / NAME)
    first = cli("ingest", "--db", db, path.parent, "--json", "--no-analyze")
    assert first.exit_code == 0, first.stderr
    assert _sessions(db) == [SID]
    # The same archived rollout replaced by a bomb whose frame names no size: decoded as a stream,
    # stopped at the cap (lowered here so the test stays small).
    monkeypatch.setenv(ENV_MAX_MB, "16")
    _bomb(path, 64 << 20, declared=False)
    code, data, detail = _refused(db, path)
    assert "expands past 16,777,216 bytes" in detail and "over the cap of 16 MiB" in detail
    assert data["files"]["failed"] == 1 and code != 0
    assert _sessions(db) == [SID]  # what the file stored before stays
    # Raised past the bomb's size, the cap lets it through: 64 MiB of zero bytes, no transcript.
    monkeypatch.setenv(ENV_MAX_MB, "128")
    assert compressed.decompress(str(path)) == bytes(64 << 20)


def test_a_cap_that_is_no_number_is_said_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _rollout(tmp_path / "archived_sessions" / NAME)
    monkeypatch.setenv(ENV_MAX_MB, "lots")
    result = cli("ingest", "--db", tmp_path / "s.db", path.parent, "--json", "--no-analyze")
    details = [p["detail"] for p in result.json()["problems"]]
    assert any("$LESSONLOOP_MAX_DECOMPRESSED_MB must be a whole number of MiB" in str(d) for d in details), details
    assert json.dumps(details).count("lots") == 1


@pytest.mark.slow
def test_a_stored_model_that_is_a_zlib_bomb_is_learned_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other compressed input lessonloop reads: file prediction's saved model (zlib, in the
    store). One planted to expand past the cap is no model: learned again and saved over."""
    import os
    import zlib

    from lessonloop.history.file_prediction.job import update_model
    from lessonloop.history.git_ingest import ingest_git
    from lessonloop.history.store import file_models
    from lessonloop.store import open_store
    from tests.history.test_file_prediction import _repository

    repo = os.path.realpath(_repository(tmp_path))
    conn = open_store(tmp_path / "store.db")
    try:
        ingest_git(conn, [repo])
        assert update_model(conn, repo).learned_now == 24
        bomb = zlib.compressobj(9)
        planted = b"".join(bomb.compress(bytes(1 << 20)) for _ in range(64)) + bomb.flush()
        assert len(planted) < 100_000
        conn.execute("UPDATE file_models SET state = ?", (planted,))
        monkeypatch.setattr(file_models, "MAX_STATE_BYTES", 8 << 20, raising=False)  # 64 MiB against a cap of 8
        assert file_models.load_model(conn, repo) is None
        assert update_model(conn, repo).learned_now == 24  # learned again, from the start
        saved = file_models.load_model(conn, repo)
        assert saved is not None and json.loads(saved.state)
    finally:
        conn.close()
