"""Where Aider keeps its chat history: `.aider.chat.history.md` in the folder it ran in.

Aider writes one history per project folder (its `--chat-history-file`, default
`.aider.chat.history.md`, moved by $AIDER_CHAT_HISTORY_FILE; aider/args.py). There is no
central folder, so discovery looks in the project folders the store already knows, in the
paths the person lists in the config ([aider] histories), and at $AIDER_CHAT_HISTORY_FILE.
"""

from __future__ import annotations

import os

from lessonloop.capture.adapters import DiscoveryContext, Found
from lessonloop.capture.aider import FORMAT
from lessonloop.capture.aider.ownership import committed_by_another
from lessonloop.records import Problem

HISTORY_NAME = ".aider.chat.history.md"
ENV_HISTORY = "AIDER_CHAT_HISTORY_FILE"


def claims(path: str) -> str | None:
    """A file named as aider names its history is one (read without sniffing)."""
    return FORMAT if os.path.basename(path) == HISTORY_NAME else None


def searched(context: DiscoveryContext) -> list[str]:
    return [_candidate(path, context.home) for path in _places(context)]


def discover(context: DiscoveryContext) -> list[Found]:
    """The histories that exist among the places aider writes them. One in a known project folder
    that someone else committed (a cloned repository's) is not the person's: it is left out with
    a notice saying how to read it anyway (capture.paths, or `lessonloop ingest FILE`)."""
    found: list[Found] = []
    seen: set[str] = set()
    chosen = {_candidate(p, context.home) for p in _chosen(context)}
    for place in _places(context):
        path = _candidate(place, context.home)
        if path in seen:
            continue
        seen.add(path)
        try:
            if not os.path.isfile(path):
                continue
        except OSError as exc:  # pragma: no cover - isfile swallows most errors
            context.problems.append(Problem(path, None, "unreadable-path", f"cannot read: {exc}"))
            continue
        author = None if path in chosen else committed_by_another(path)
        if author is not None:
            context.problems.append(
                Problem(
                    path,
                    None,
                    "not-your-history",
                    f"not read: this Aider history is committed to the repository by {author}, not by you, so its "
                    "prompts are not yours; to read it anyway, add it to capture.paths or run `lessonloop ingest "
                    f"{path}`",
                    "notice",
                )
            )
            continue
        found.append(Found(path, FORMAT))
    return found


def _chosen(context: DiscoveryContext) -> list[str]:
    """The places the person named (capture.paths, $AIDER_CHAT_HISTORY_FILE): read whoever wrote them."""
    env = context.environ.get(ENV_HISTORY)
    return [p for p in (*context.configured, env) if p]


def _places(context: DiscoveryContext) -> list[str]:
    # A known project may be a bare name (a Gemini CLI chat whose folder is unknown): no folder
    # at all, never one of the current folder.
    places = [*(f for f in context.known_folders if os.path.isabs(f)), *context.configured]
    env = context.environ.get(ENV_HISTORY)
    if env:
        places.append(env)
    return [p for p in places if p]


def _candidate(place: str, home: str) -> str:
    """A folder means the history in it; a file is taken as it is."""
    path = place
    if path == "~" or path.startswith("~/"):
        path = home + path[1:]
    path = os.path.abspath(path)
    if os.path.isdir(path):
        return os.path.join(path, HISTORY_NAME)
    return path
