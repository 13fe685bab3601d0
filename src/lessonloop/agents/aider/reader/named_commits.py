"""The commits an Aider history names, and which of them the repository it lies in holds.

Aider commits every edit it makes and writes `> Commit <short sha> <message>` in its history (the
corpus history: 668 such lines in 1,134 sessions). A history written in this repository names this
repository's commits; one begun in another repository (a template's, a project copied without its
.git) names commits this repository never had: its `git init` made a new history.

What is compared (ownership.py):
- `before`: the commits named by the sessions that precede, in the file, the last session that
  started before the repository was made here. That last one may be the session in which Aider
  itself made the repository (it writes the session's heading, then asks "No git repo found,
  create one?" and runs `git init`): it is left out. Every session before it was written before
  the repository existed here, so its commits can be here only if the repository came from where
  they were made (a moved or restored project, a fresh clone of the person's own project);
- `recent`: the last RECENT commits the history names, wherever they are.

A session's start is its heading's time, local time without a zone (Aider's), compared with the
local time of the repository's making. File order is write order (Aider only appends), so a
heading's time is trusted only to find that last session.
"""

from __future__ import annotations

import itertools
import mmap
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from lessonloop.agents.aider.reader.git_query import run_git

RECENT = 50  # the latest named commits looked up (a person's own history names recent commits of theirs)
_MARK = rb"(?:# aider chat started at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)|> Commit ([0-9a-f]{7,40})\b)"
_FIRST_LINE = re.compile(_MARK)
_LINE = re.compile(rb"\n" + _MARK)  # a literal first: 4x faster than ^ with re.M (25 ms for the corpus's 4 MB)


@dataclass(frozen=True, slots=True)
class NamedCommits:
    """The short shas a history names (see the module)."""

    before: tuple[str, ...]  # named by the sessions written before the repository was made here
    recent: tuple[str, ...]  # the last RECENT named in the whole history


def named_commits(path: str, made: datetime) -> NamedCommits:
    """The commits the history at `path` names (`made`: when the repository was made here, local
    time). Raises OSError when the file cannot be read."""
    sessions: list[list[str]] = [[]]  # the lines before the first heading: a session of their own
    started_before = [True]
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return NamedCommits((), ())
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            first = _FIRST_LINE.match(data)
            for mark in itertools.chain([first] if first else [], _LINE.finditer(data)):
                heading, sha = mark.group(1), mark.group(2)
                if sha is not None:
                    sessions[-1].append(sha.decode("ascii"))
                    continue
                sessions.append([])
                started_before.append(_started(heading) < made)
    last_before = max(index for index, before in enumerate(started_before) if before)
    before = [sha for shas in sessions[:last_before] for sha in shas]
    named = [sha for shas in sessions for sha in shas]
    return NamedCommits(tuple(dict.fromkeys(before)), tuple(dict.fromkeys(reversed(named)))[:RECENT])


def held(folder: str, environ: Mapping[str, str], shas: Iterable[str]) -> set[str] | None:
    """Which of the short `shas` name a commit of the repository `folder` is in (an ambiguous one
    counts as held); None when git could not answer."""
    asked = list(dict.fromkeys(shas))
    if not asked:
        return set()
    answer = run_git(
        folder,
        environ,
        "cat-file",
        "--batch-check=%(objectname)",
        stdin="".join(f"{sha}^{{commit}}\n" for sha in asked),
    )
    lines = answer.stdout.splitlines()
    if answer.returncode != 0 or len(lines) != len(asked):
        return None
    return {sha for sha, line in zip(asked, lines, strict=True) if not line.endswith(" missing")}


def _started(heading: bytes) -> datetime:
    try:
        return datetime.fromisoformat(heading.decode("ascii"))
    except ValueError:  # digits that are no date (month 13): no start known, taken as a late one
        return datetime.max
