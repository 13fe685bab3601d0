"""The bundled sample: small transcripts to try lessonloop on before it has your own."""

from __future__ import annotations

from pathlib import Path

from lessonloop.core.agent_specs import default_spec

SAMPLE_ROOT = Path(__file__).resolve().parent


def sample_transcripts() -> Path:
    """The folder of the bundled sample transcripts: the default agent's (core/agent_spec.py), in
    a folder named by its id."""
    return SAMPLE_ROOT / default_spec().id


def is_sample_path(path: str) -> bool:
    """Whether `path` lies inside the bundled sample."""
    root = str(SAMPLE_ROOT)
    return path == root or path.startswith(root + "/")
