"""Where Aider keeps its chat history: `.aider.chat.history.md` in the folder it ran in.

Aider writes one history per project (its `--chat-history-file`, default `.aider.chat.history.md`
in the git repository's root, else in the folder it ran in; moved by $AIDER_CHAT_HISTORY_FILE;
aider/args.py). There is no central folder, so discovery looks in the project folders the store
knows and the root of the git repository each is in, in the current folder and its repository's
root, in the paths the person lists in the config (capture.paths), and at $AIDER_CHAT_HISTORY_FILE.
What it found and did not read is said in a notice ("aider-histories"). A file listed in
capture.paths under another name than Aider's is found without a format: ingest recognizes it by
its content (capture/sniffer.py), as a file named to `lessonloop ingest`, so that an OpenCode
database listed there is read as one, not as an Aider history.
"""

from __future__ import annotations

import os

from lessonloop.agents.aider.reader import FORMAT
from lessonloop.agents.aider.reader.ownership import not_yours
from lessonloop.capture.adapters import DiscoveryContext, Found
from lessonloop.core.records import Problem

HISTORY_NAME = ".aider.chat.history.md"
ENV_HISTORY = "AIDER_CHAT_HISTORY_FILE"
MAX_UP = 40  # folders walked up from a project folder to its repository's root


def claims(path: str) -> str | None:
    """A file named as aider names its history is one (read without sniffing)."""
    return FORMAT if os.path.basename(path) == HISTORY_NAME else None


def searched(context: DiscoveryContext) -> list[str]:
    return list(dict.fromkeys(_candidate(path, context.home) for path in _places(context)))


def discover(context: DiscoveryContext) -> list[Found]:
    """The histories that exist among the places aider writes them. One the person did not name
    (capture.paths, $AIDER_CHAT_HISTORY_FILE) is read only where its repository shows their own
    use of Aider (ownership.py: untracked, in a git repository holding commits made here by them,
    written since git made that repository here, the commits it names held by it);
    any other is left out with a notice saying why and how to read it anyway (capture.paths, or
    `lessonloop ingest FILE`)."""
    found: list[Found] = []
    listed_files: list[Found] = []  # listed under another name: not counted as Aider's in the hint
    skipped: list[str] = []
    seen: set[str] = set()
    chosen = {_candidate(p, context.home) for p in _chosen(context)}
    listed = {_candidate(p, context.home) for p in context.configured}
    places = _places(context)
    for place in places:
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
        if path in listed and os.path.basename(path) != HISTORY_NAME:
            # A file the person listed in capture.paths under another name: whatever it is (an
            # OpenCode database, a Codex rollout, a history Aider wrote under --chat-history-file)
            # is recognized by its content when first read, as a file named to `ingest` is.
            listed_files.append(Found(path))
            continue
        why = None if path in chosen else not_yours(path)
        if why is not None:
            skipped.append(path)
            context.problems.append(
                Problem(
                    path,
                    None,
                    "not-your-history",
                    f"not read: {why}; if it is yours, read it with `lessonloop ingest {path}`, or add it to "
                    "capture.paths in your configuration (`lessonloop config get capture.paths`) to read it on "
                    "every ingest",
                    "notice",
                )
            )
            continue
        found.append(Found(path, FORMAT))
    if places and (found or skipped):  # none at all: nothing to say on every ingest of a person without Aider
        context.problems.append(_hint(len(seen), found, skipped))
    return found + listed_files


def _hint(looked: int, found: list[Found], skipped: list[str]) -> Problem:
    """What discovery found of Aider's histories, and where else to look."""
    named = ", ".join(item.path for item in found[:3]) + (" ..." if len(found) > 3 else "")
    text = f"{len(found)} Aider histor{'y' if len(found) == 1 else 'ies'} found ({named or 'none read'})"
    if skipped:
        text += f"; {len(skipped)} found and not read (see the notices above)"
    text += (
        f" in {looked} places: the project folders lessonloop knows and their git repositories' roots, the current "
        "folder and its repository's root, capture.paths; a history elsewhere is read with `lessonloop ingest FILE` "
        "or by adding its folder to capture.paths (`lessonloop config set capture.paths FOLDER`)"
    )
    return Problem(HISTORY_NAME, None, "aider-histories", text, "notice")


def _chosen(context: DiscoveryContext) -> list[str]:
    """The places the person named (capture.paths, $AIDER_CHAT_HISTORY_FILE): read whoever wrote them."""
    env = context.environ.get(ENV_HISTORY)
    return [p for p in (*context.configured, env) if p]


def _places(context: DiscoveryContext) -> list[str]:
    # A known project may be a bare name (a Gemini CLI chat whose folder is unknown): no folder
    # at all, never one of the current folder.
    folders = [f for f in context.known_folders if os.path.isabs(f)]
    if context.cwd and os.path.isabs(context.cwd):
        folders.append(context.cwd)
    places: list[str] = []
    roots: dict[str, str | None] = {}
    for folder in folders:
        places.append(folder)
        root = git_root(folder, roots)
        if root is not None and root != folder:
            places.append(root)
    places += context.configured
    env = context.environ.get(ENV_HISTORY)
    if env:
        places.append(env)
    return list(dict.fromkeys(p for p in places if p))


def git_root(folder: str, known: dict[str, str | None] | None = None) -> str | None:
    """The root of the git repository (or worktree) `folder` is in: the nearest folder, itself
    or above it, holding a `.git` folder or file; None when there is none (or it is too far up).
    `known` keeps the answers of a run (many projects share their roots)."""
    known = known if known is not None else {}
    walked: list[str] = []
    path = os.path.abspath(folder)
    root: str | None = None
    for _ in range(MAX_UP):
        if path in known:
            root = known[path]
            break
        walked.append(path)
        if os.path.exists(os.path.join(path, ".git")):
            root = path
            break
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    for step in walked:
        known[step] = root
    return root


def _candidate(place: str, home: str) -> str:
    """A folder means the history in it; a file is taken as it is."""
    path = place
    if path == "~" or path.startswith("~/"):
        path = home + path[1:]
    path = os.path.abspath(path)
    if os.path.isdir(path):
        return os.path.join(path, HISTORY_NAME)
    return path
