"""Codex rollouts compressed with zstd (`rollout-*.jsonl.zst`, codex-rs/rollout compression.rs:
cold archived rollouts are compressed, the plain `.jsonl` winning when both exist).

Decoded with the `zstandard` library (python-zstandard, a dependency), whole: a frame that does
not record its size is decoded as a stream. Not valid zstd data is an OSError naming the cause,
which ingest reports as a `compressed-rollout` problem of the file.
"""

from __future__ import annotations

SUFFIX = ".zst"


def decompress(path: str) -> bytes:
    """The rollout's lines; OSError when it cannot be read or decoded."""
    import zstandard  # only when a compressed rollout is read

    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return zstandard.ZstdDecompressor().decompressobj().decompress(data)
    except zstandard.ZstdError as exc:
        raise OSError(f"not valid zstd data ({exc})") from exc
