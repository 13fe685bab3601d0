"""Which sessions made a commit, and which later commit undid it: pure rules over stored texts.

Evidence that a session made a commit (docs/git.md, "Links"), strongest first:
- `agent_commit`: a shell call of the session whose command commits (`git commit`, `git revert`,
  `git cherry-pick`, `git merge`) and whose result text names the commit's hash, short or full
  (`[main 1a2b3c4] subject`); strength 1.
- `aider_commit`: Aider's "> Commit <sha> <message>" line (the Aider adapter stores it as a call
  `commit` whose input holds the sha); strength 1.
- `edit_window`: the session's edits (edit and write calls) touched the commit's files within
  `EDIT_WINDOW` before the commit's time, and no earlier commit took those edits (each edit goes
  to the first commit after it that changes its file); strength 0.5 x the share of the commit's
  files the session edited, so at most 0.5.

A commit is undone (the session's "changes rolled back") by a later commit whose message says
"This reverts commit <sha>" (what `git revert` writes), or whose hunks are the inverse of some of
its hunks: a hunk of the later commit, on the same file, removes exactly the lines the earlier
hunk added and adds back exactly those it removed (context lines ignored; hunks changing blank
lines only are left out).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from lessonloop.analyze.commands import git_subcommand, split_commands

EDIT_WINDOW = timedelta(minutes=60)
EDIT_WINDOW_STRENGTH = 0.5
COMMITTING_SUBCOMMANDS = frozenset({"commit", "revert", "cherry-pick", "merge"})

_HASH = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{7,40}(?![0-9A-Za-z])")
_REVERTS = re.compile(r"This reverts commit ([0-9a-f]{7,40})")


def commits_in_command(command: str | None) -> bool:
    """Whether a shell command line makes a commit (one of its git commands commits)."""
    if not command or "git" not in command:
        return False
    return any(
        words[0] == "git" and git_subcommand(words) in COMMITTING_SUBCOMMANDS for words in split_commands(command)
    )


def named_hashes(text: str | None) -> list[str]:
    """The words of `text` that may be commit hashes (7 to 40 lower-case hex digits), in order,
    once each. The store decides which are: a word counts only if a stored commit starts with it."""
    if not text:
        return []
    return list(dict.fromkeys(_HASH.findall(text)))


def reverted_hashes(message: str) -> list[str]:
    """The hashes a commit message says it reverts ("This reverts commit <sha>.")."""
    return list(dict.fromkeys(_REVERTS.findall(message)))


HunkChange = tuple[str, tuple[str, ...], tuple[str, ...]]  # (path, removed lines, added lines)


def hunk_change(path: str, text: str) -> HunkChange | None:
    """A hunk's change on its file: the lines it removes and those it adds, in order; None for a
    hunk that changes blank lines only (too common to say anything)."""
    removed: list[str] = []
    added: list[str] = []
    for line in text.split("\n"):
        if line.startswith("-"):
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
    if not any(line.strip() for line in (*removed, *added)):
        return None
    return (path, tuple(removed), tuple(added))


def inverse(change: HunkChange) -> HunkChange:
    path, removed, added = change
    return (path, added, removed)


def undone_hunks(earlier: Sequence[HunkChange], later: Iterable[HunkChange]) -> int:
    """How many of the earlier commit's hunks the later commit's hunks undo."""
    undoing = set(later)
    return sum(1 for change in earlier if inverse(change) in undoing)


@dataclass(frozen=True, slots=True)
class Edit:
    """A session's edit of a file of the repository: when (canonical UTC text), which file
    (relative to the repository's root), which main session, which call."""

    ts: str
    path: str
    session_id: str
    call_id: str


@dataclass(frozen=True, slots=True)
class CommitFiles:
    hash: str
    committed_at: str  # canonical UTC text
    paths: frozenset[str]  # new and old paths of its files
    file_count: int


@dataclass(frozen=True, slots=True)
class WindowLink:
    hash: str
    session_id: str
    strength: float
    call_id: str  # the session's last edit the commit took
    files: int  # the commit's files the session edited


def edit_window_links(
    commits: Sequence[CommitFiles], edits: Iterable[Edit], window_start: str, window_of: dict[str, str]
) -> list[WindowLink]:
    """The edit-window links of the commits in `commits` whose time is at or after
    `window_start`. `commits` must hold every commit of the repository that an edit could go to
    (those from EDIT_WINDOW before the first edit on), in time order; `window_of` maps each
    commit's hash to the earliest time an edit may have to be taken by it (its time less
    EDIT_WINDOW)."""
    by_path: dict[str, list[int]] = {}
    for index, commit in enumerate(commits):
        for path in commit.paths:
            by_path.setdefault(path, []).append(index)
    taken: dict[tuple[int, str], dict[str, Edit]] = {}  # (commit, session) -> path -> its last edit
    for edit in edits:
        for index in by_path.get(edit.path, ()):
            commit = commits[index]
            if commit.committed_at < edit.ts:
                continue
            if edit.ts >= window_of[commit.hash]:
                kept = taken.setdefault((index, edit.session_id), {})
                if edit.path not in kept or kept[edit.path].ts <= edit.ts:
                    kept[edit.path] = edit
            break  # the first commit after the edit that changes its file takes it (or it is too old)
    links: list[WindowLink] = []
    for (index, session_id), files in sorted(taken.items()):
        commit = commits[index]
        if commit.committed_at < window_start:
            continue
        last = max(files.values(), key=lambda e: (e.ts, e.call_id))
        share = len(files) / max(1, commit.file_count)
        links.append(
            WindowLink(
                commit.hash, session_id, round(EDIT_WINDOW_STRENGTH * min(1.0, share), 4), last.call_id, len(files)
            )
        )
    return links
