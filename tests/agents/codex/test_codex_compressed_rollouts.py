"""Codex rollouts compressed with zstd (`rollout-*.jsonl.zst`): newer Codex compresses cold archived
rollouts (openai/codex codex-rs/rollout/src/compression.rs: `<name>.jsonl` -> `<name>.jsonl.zst`,
the plain file removed; a plain file beside its compressed copy wins). Compressed here with the
zstandard library, as the zstd program writes a frame (its content size recorded) and as a stream
(no content size)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import zstandard

from tests.agents.codex.test_codex_adapter import ROLLOUT, SID, assert_counts_agree, rows, write
from tests.conftest import dump_store, run_ingest, store_differences

NAME = f"rollout-2026-05-11T11-26-55-{SID}.jsonl"


def _compress(plain: Path, *, streamed: bool = False) -> Path:
    """`plain` compressed beside it and removed, as Codex's archiver leaves it."""
    data = plain.read_bytes()
    compressor = zstandard.ZstdCompressor()
    if streamed:  # no content size in the frame header
        packer = compressor.compressobj()
        packed = packer.compress(data) + packer.flush()
    else:
        packed = compressor.compress(data)
    target = plain.with_name(plain.name + ".zst")
    target.write_bytes(packed)
    plain.unlink()
    return target


def _without_paths(db: Path) -> dict[str, list[Any]]:
    """The store's records without which file they came from (the two stores read different files)."""
    return {
        table: [tuple(item for item in row if item[0] != "source_file_id") for row in rows_]
        for table, rows_ in dump_store(db).items()
        if table not in ("source_files", "file_sessions")
    }


@pytest.mark.parametrize("streamed", [False, True], ids=["sized", "streamed"])
def test_a_compressed_rollout_stores_what_its_plain_lines_store(tmp_path: Path, streamed: bool) -> None:
    plain_db, zst_db = tmp_path / "plain.db", tmp_path / "zst.db"
    plain = write(tmp_path / "plain" / "archived_sessions" / NAME, ROLLOUT)
    assert run_ingest(plain_db, plain.parent).problems == []
    packed = _compress(write(tmp_path / "packed" / "archived_sessions" / NAME, ROLLOUT), streamed=streamed)
    summary = run_ingest(zst_db, packed.parent)
    assert summary.problems == []
    assert rows(zst_db, "SELECT format FROM source_files") == [("codex-rollout-zst",)]
    differences = store_differences(_without_paths(plain_db), _without_paths(zst_db))
    assert differences == [], "\n".join(differences)
    assert_counts_agree(zst_db, [plain.parent])


def test_an_archived_rollout_compressed_after_it_was_read_is_not_stored_twice(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    folder = tmp_path / "archived_sessions"
    plain = write(folder / NAME, ROLLOUT)
    run_ingest(db, folder)
    before = _without_paths(db)
    _compress(plain)
    summary = run_ingest(db, folder)
    assert summary.problems == []
    assert store_differences(before, _without_paths(db)) == []


def test_a_broken_compressed_rollout_is_a_problem(tmp_path: Path) -> None:
    bad = tmp_path / "archived_sessions" / (NAME + ".zst")
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"\x28\xb5\x2f\xfd not really zstd")
    summary = run_ingest(tmp_path / "s.db", bad.parent)
    assert [p.code for p in summary.problems] == ["compressed-rollout"]
