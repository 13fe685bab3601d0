"""What chooses the places discovery looks in, apart from the adapters: the environment variables
the agents' path modules read (each agent's spec names its own), and the configured capture paths. A digest
of them tells a read's check for new files (pipeline/refresh.py) that the places it watches are
still the ones discovery would look in. tests/pipeline/test_read_refresh.py holds the names equal to those
the path modules read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lessonloop.core.agent_specs import specs
from lessonloop.core.quick_hash import blake2b_hex

# HOME and XDG_DATA_HOME move every agent's default folders; each agent's spec names its own.
DISCOVERY_ENV = tuple(sorted({"HOME", "XDG_DATA_HOME", *(name for spec in specs() for name in spec.environment)}))


def places_digest(environ: Mapping[str, str], configured: Iterable[str] = (), known: Iterable[str] = ()) -> str:
    """A short text naming what chose the places: the variables' values, the configured paths and
    the folders the store knows (Aider's histories are looked for there)."""
    parts = [f"{name}={environ.get(name, '')}" for name in DISCOVERY_ENV]
    parts.append("configured=" + "\x1f".join(sorted(configured)))
    parts.append("known=" + "\x1f".join(sorted(known)))
    text = "\x1e".join(parts)
    return blake2b_hex(text.encode("utf-8", "surrogateescape"), 12)
