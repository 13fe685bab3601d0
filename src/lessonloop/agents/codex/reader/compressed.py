"""Codex rollouts compressed with zstd (`rollout-*.jsonl.zst`, codex-rs/rollout compression.rs:
cold archived rollouts are compressed, the plain `.jsonl` winning when both exist).

Decoded with the `zstandard` library (python-zstandard, a dependency), as a stream (every frame
of the file, whether or not a frame records its size), and never past a cap: a few kilobytes of
zstd can expand to gigabytes (a "zstd bomb"), so a rollout that would decode to more than
`max_decompressed_bytes()` (1 GiB, far above any real rollout; `$LESSONLOOP_MAX_DECOMPRESSED_MB`
sets another) is refused before it is held in memory. A frame that declares a larger size is
refused without decoding anything. Not valid zstd data and a rollout over the cap are an
`UnreadableCompressed` error naming the cause, which the reader turns into a problem of the file:
the file counts as failed and what it stored before stays.
"""

from __future__ import annotations

import os

SUFFIX = ".zst"
ENV_MAX_MB = "LESSONLOOP_MAX_DECOMPRESSED_MB"
DEFAULT_MAX_MB = 1024
_READ_BYTES = 1 << 20


class UnreadableCompressed(OSError):
    """A compressed rollout that is not decoded: not valid zstd, or larger than the cap."""


def max_decompressed_bytes() -> int:
    """The cap on a compressed rollout's decoded size: $LESSONLOOP_MAX_DECOMPRESSED_MB (a whole
    number of MiB, at least 1) or 1 GiB; ValueError naming the variable for a value that is none."""
    text = os.environ.get(ENV_MAX_MB, "").strip()
    if not text:
        return DEFAULT_MAX_MB << 20
    try:
        megabytes = int(text)
    except ValueError:
        megabytes = 0
    if megabytes < 1:
        raise ValueError(f"${ENV_MAX_MB} must be a whole number of MiB, at least 1, not {text!r}")
    return megabytes << 20


def decompress(path: str, limit: int | None = None) -> bytes:
    """The rollout's lines, decoded; OSError when the file cannot be read, UnreadableCompressed
    when it is not zstd or decodes to more than `limit` bytes (default: `max_decompressed_bytes()`)."""
    import zstandard  # only when a compressed rollout is read

    cap = max_decompressed_bytes() if limit is None else limit
    with open(path, "rb") as handle:
        header = handle.read(18)  # a frame header is at most 18 bytes
        try:
            declared = zstandard.frame_content_size(header)
        except zstandard.ZstdError:
            declared = -1  # not a frame header: the decoder below says why
        if declared > cap:
            raise UnreadableCompressed(_too_large(declared, cap, declared=True))
        handle.seek(0)
        out = bytearray()
        try:
            with zstandard.ZstdDecompressor().stream_reader(handle, read_across_frames=True, closefd=False) as reader:
                while True:
                    block = reader.read(_READ_BYTES)
                    if not block:
                        break
                    out += block
                    if len(out) > cap:
                        raise UnreadableCompressed(_too_large(len(out), cap, declared=False))
        except zstandard.ZstdError as exc:
            raise UnreadableCompressed(f"not valid zstd data ({exc})") from exc
    return bytes(out)


def _too_large(size: int, cap: int, *, declared: bool) -> str:
    said = f"its frame declares {size:,} bytes" if declared else f"it expands past {cap:,} bytes"
    return (
        f"refused: {said} once decompressed, over the cap of {cap >> 20:,} MiB (a zstd bomb, or a rollout larger "
        f"than any real one; ${ENV_MAX_MB} raises the cap)"
    )
