"""Where Gemini CLI keeps its chats, and which project folder each belongs to.

Gemini CLI's home is `~/.gemini`, or `$GEMINI_CLI_HOME/.gemini` (packages/core/src/utils/paths.ts:
`homedir()` returns $GEMINI_CLI_HOME when set; storage.ts joins ".gemini" to it). Chats are in
`tmp/<project>/chats/`: `session-*.json` (older, one JSON document) and `session-*.jsonl`
(newer); a sub-agent's chat is `chats/<parentSessionId>/<sessionId>.jsonl`. The project folder
was named by the sha256 of the project root; newer versions name it by a short slug, with
`projects.json` ({"projects": {root: slug}}) and a `.project_root` file in the folder naming the
root. A resumed `.json` chat is copied whole into a `.jsonl` of the same name: then only the
`.jsonl` is read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from lessonloop.capture.adapters import DiscoveryContext, Found
from lessonloop.core import json_codec

CHAT = "gemini-chat"
CHAT_JSONL = "gemini-chat-jsonl"
_ROOT_MARKER = ".project_root"
_REGISTRY_BYTES = 4_000_000


def gemini_home(environ: Mapping[str, str], home: str) -> Path:
    """Gemini CLI's folder: $GEMINI_CLI_HOME/.gemini, else ~/.gemini."""
    base = environ.get("GEMINI_CLI_HOME") or home
    return Path(base).expanduser() / ".gemini"


def searched(context: DiscoveryContext) -> list[Path]:
    return [gemini_home(context.environ, context.home) / "tmp"]


def discover(context: DiscoveryContext) -> list[Found]:
    """Every chat under <gemini>/tmp/*/chats/, sub-agents' folders included."""
    found: list[Found] = []
    for tmp in searched(context):
        try:
            projects = sorted(entry.path for entry in os.scandir(tmp) if entry.is_dir())
        except OSError:
            continue  # no Gemini CLI here
        for project in projects:
            found.extend(_chats(os.path.join(project, "chats")))
    return found


def _chats(folder: str) -> list[Found]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    names = {entry.name for entry in entries}
    found: list[Found] = []
    for entry in entries:
        try:
            if entry.is_dir():
                found.extend(item for item in _chats(entry.path) if item.format == CHAT_JSONL)
            elif entry.name.endswith(".jsonl"):
                found.append(Found(entry.path, CHAT_JSONL))
            elif entry.name.startswith("session-") and entry.name.endswith(".json") and entry.name + "l" not in names:
                found.append(Found(entry.path, CHAT))  # (a resumed chat's .jsonl holds all of it)
        except OSError:
            continue
    return found


def claims(path: str) -> str | None:
    """The format of a chat where Gemini CLI keeps them (.../tmp/<project>/chats/[<parent>/]),
    known by its path without being sniffed; None elsewhere."""
    name = os.path.basename(path)
    if chat_location(path) is None:
        return None
    if name.endswith(".jsonl"):
        return CHAT_JSONL
    return CHAT if name.startswith("session-") and name.endswith(".json") else None


def superseded(path: str) -> bool:
    """A legacy `.json` chat copied into the `.jsonl` beside it when it was resumed."""
    return path.endswith(".json") and os.path.exists(path + "l")


def chat_location(path: str) -> tuple[str, str, str | None] | None:
    """(gemini folder, project folder name, parent session folder or None) of a chat under
    <gemini>/tmp/<project>/chats/[<parent>/], else None."""
    parts = os.path.abspath(path).split(os.sep)
    for index in range(len(parts) - 2, 1, -1):
        if parts[index] == "chats" and parts[index - 2] == "tmp":
            parent = parts[index + 1] if index + 2 < len(parts) else None
            return os.sep.join(parts[: index - 2]) or os.sep, parts[index - 1], parent
    return None


def project_hash(root: str) -> str:
    """The folder name older Gemini CLI versions gave a project root (sha256 of the path)."""
    return hashlib.sha256(root.encode("utf-8")).hexdigest()


class ProjectRoots:
    """The project root of each Gemini CLI project folder, from projects.json, the folders'
    `.project_root` files and the sha256 of every root known (older hash-named folders)."""

    def __init__(self) -> None:
        self._by_home: dict[str, tuple[dict[str, str], dict[str, str]]] = {}

    def root_of(self, path: str, hash_in_file: str | None) -> tuple[str | None, str | None]:
        """(project root or None, project folder name or None) of the chat at `path`."""
        location = chat_location(path)
        if location is None:
            return None, None
        home, folder, _ = location
        by_name, by_hash = self._known(home)
        root = by_name.get(folder) or by_hash.get(folder)
        if root is None and hash_in_file:
            root = by_hash.get(hash_in_file)
        return root, folder

    def _known(self, home: str) -> tuple[dict[str, str], dict[str, str]]:
        known = self._by_home.get(home)
        if known is None:
            by_name = _registry(os.path.join(home, "projects.json"))
            tmp = os.path.join(home, "tmp")
            try:
                folders = [entry.name for entry in os.scandir(tmp) if entry.is_dir()]
            except OSError:
                folders = []
            for folder in folders:
                marker = _read_marker(os.path.join(tmp, folder, _ROOT_MARKER))
                if marker:
                    by_name[folder] = marker
            by_hash = {project_hash(root): root for root in by_name.values()}
            known = self._by_home[home] = (by_name, by_hash)
        return known


def _registry(path: str) -> dict[str, str]:
    """projects.json as {slug: root}; nothing when absent or unreadable."""
    try:
        with open(path, "rb") as handle:
            data = json_codec.loads(handle.read(_REGISTRY_BYTES))
    except (OSError, ValueError):
        return {}
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, dict):
        return {}
    return {slug: root for root, slug in projects.items() if isinstance(slug, str) and isinstance(root, str)}


def _read_marker(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(10_000).strip()
    except OSError:
        return None
    return text or None
