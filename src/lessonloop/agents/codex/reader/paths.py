"""Where Codex CLI keeps its rollouts, and which environment variable moves them.

`$CODEX_HOME` (default `~/.codex`) holds `sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl` and
`archived_sessions/rollout-*.jsonl` (a rollout moves there when its session is archived). Newer
Codex versions compress cold archived rollouts to `rollout-*.jsonl.zst` (codex-rs/rollout
compression.rs; the plain `.jsonl` wins when both exist): they are read whole (format
`codex-rollout-zst`, agents/codex/reader/compressed.py decodes them; one that does not decode is
reported as a problem of its file). The first, TypeScript
Codex CLI (spring 2025, codex-cli/src/utils/storage/save-rollout.ts) wrote
`sessions/rollout-YYYY-MM-DD-<id>.json`, one JSON document {session, items}: format
`codex-rollout-json`, read whole.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from lessonloop.agents.codex.reader import compressed as zst
from lessonloop.capture.adapters import DiscoveryContext, Found
from lessonloop.core.records import Problem

FORMAT = "codex-rollout"
FORMAT_ZST = "codex-rollout-zst"
FORMAT_JSON = "codex-rollout-json"
# save-rollout.ts: `rollout-${date}-${sessionId}.json` (the date is the timestamp's first 10 characters)
_TS_ROLLOUT = re.compile(r"^rollout-\d{4}-\d\d-\d\d-[0-9A-Za-z-]+\.json$")
_COMPRESSED = zst.SUFFIX


def codex_home(environ: Mapping[str, str], home: str) -> Path:
    """$CODEX_HOME when set, else ~/.codex."""
    configured = (environ.get("CODEX_HOME") or "").strip()
    return Path(configured).expanduser() if configured else Path(home) / ".codex"


def searched(context: DiscoveryContext) -> list[Path]:
    root = codex_home(context.environ, context.home)
    return [root / "sessions", root / "archived_sessions"]


def discover(context: DiscoveryContext) -> list[Found]:
    """Every rollout-*.jsonl under sessions/ and archived_sessions/, sorted."""
    found: set[str] = set()
    compressed: set[str] = set()
    documents: set[str] = set()
    for folder in searched(context):
        _walk(str(folder), found, compressed, documents, context.problems)
    unread = [
        Found(path, FORMAT_ZST)
        for path in sorted(compressed)
        if path.removesuffix(_COMPRESSED) not in found  # else the plain rollout is the same session
    ]
    return [Found(path, FORMAT) for path in sorted(found)] + unread + [Found(p, FORMAT_JSON) for p in sorted(documents)]


def claims(path: str) -> str | None:
    """A compressed rollout (`rollout-*.jsonl.zst`) and the TypeScript CLI's `rollout-<date>-<id>.json`
    by their names; a plain rollout is recognized by its content."""
    name = os.path.basename(path)
    if name.startswith("rollout-") and name.endswith(".jsonl" + _COMPRESSED):
        return FORMAT_ZST
    return FORMAT_JSON if _TS_ROLLOUT.match(name) else None


def _walk(folder: str, found: set[str], compressed: set[str], documents: set[str], problems: list[Problem]) -> None:
    if not os.path.isdir(folder):
        return
    visited: set[tuple[int, int]] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            info = os.stat(current)
            if (info.st_dev, info.st_ino) in visited:
                continue
            visited.add((info.st_dev, info.st_ino))
            with os.scandir(current) as entries:
                for entry in entries:
                    if entry.is_dir():
                        stack.append(entry.path)
                    elif entry.name.startswith("rollout-") and entry.name.endswith(".jsonl"):
                        found.add(os.path.abspath(entry.path))
                    elif entry.name.startswith("rollout-") and entry.name.endswith(".jsonl" + _COMPRESSED):
                        compressed.add(os.path.abspath(entry.path))
                    elif _TS_ROLLOUT.match(entry.name):
                        documents.add(os.path.abspath(entry.path))
        except OSError as exc:
            problems.append(Problem(current, None, "unreadable-folder", f"cannot read folder: {exc.strerror or exc}"))
