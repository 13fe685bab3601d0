"""The bundled sample: small transcripts to try lessonloop on before it has your own."""

from __future__ import annotations

from pathlib import Path

SAMPLE_ROOT = Path(__file__).resolve().parent


def claude_code_sample() -> Path:
    """The folder of bundled Claude Code sample transcripts."""
    return SAMPLE_ROOT / "claude-code"


def is_sample_path(path: str) -> bool:
    """Whether `path` lies inside the bundled sample."""
    root = str(SAMPLE_ROOT)
    return path == root or path.startswith(root + "/")
