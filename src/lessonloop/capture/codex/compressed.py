"""Codex rollouts compressed with zstd (`rollout-*.jsonl.zst`, codex-rs/rollout compression.rs:
cold archived rollouts are compressed, the plain `.jsonl` winning when both exist).

Decoded with Python's own zstd module where there is one (`compression.zstd`, Python 3.14), else
with the `zstd` program; with neither, a compressed rollout is reported, not read.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
from collections.abc import Callable

SUFFIX = ".zst"
_TIMEOUT_SECONDS = 120


def _stdlib() -> Callable[[bytes], bytes] | None:
    try:
        module = importlib.import_module("compression.zstd")
    except ImportError:
        return None
    decompress: Callable[[bytes], bytes] = module.decompress
    return decompress


def available() -> bool:
    """Whether compressed rollouts can be decoded here."""
    return _stdlib() is not None or shutil.which("zstd") is not None


def decompress(path: str) -> bytes:
    """The rollout's lines; OSError when it cannot be read or decoded."""
    stdlib = _stdlib()
    if stdlib is not None:
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            return stdlib(data)
        except Exception as exc:  # the module's own ZstdError
            raise OSError(f"not valid zstd data ({exc})") from exc
    program = shutil.which("zstd")
    if program is None:
        raise OSError("no zstd decoder here (Python 3.14's compression.zstd or the zstd program)")
    try:
        done = subprocess.run([program, "-dc", "--", path], capture_output=True, check=False, timeout=_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        raise OSError(f"zstd took over {_TIMEOUT_SECONDS} s") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise OSError(f"zstd failed: {reason[-1] if reason else f'exit {done.returncode}'}")
    return done.stdout
