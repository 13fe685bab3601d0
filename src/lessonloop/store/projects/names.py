"""Which stored project a project value names: the one rule the command line, the MCP tools and
the web UI match a project by (docs/projects.md, "Naming a stored project").

The stored names are the projects of sessions, lessons and the wings' tables that name one
(core/wing.py's PROJECTS: the runs'). A value names:

1. the stored project spelled exactly as it is;
2. else the only stored project whose name contains it, letter case ignored;
3. else nothing: UnknownProject, whose message names the candidates (the projects containing
   it when several do, else a few stored projects).

Deleting takes a stricter rule (`forget project`, exact_project): the stored name spelled exactly
(a trailing slash aside), or the last folder of exactly one stored name; a value that is only part
of a name, or the folder of several, names nothing (InexactProject, with the projects it matches).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from lessonloop.core.wings import wings

SHOWN = 8  # candidates named in a message at most
_CORE_TABLES = ("sessions", "lessons")  # the core's tables with a `project` column naming a project


class UnknownProject(LookupError):
    """A project value that names no stored project, or several; `candidates` are the stored
    projects that contain it (empty when none does)."""

    def __init__(self, given: str, candidates: list[str], stored: list[str]) -> None:
        self.given = given
        self.candidates = candidates
        super().__init__(_message(given, candidates, stored))


class InexactProject(UnknownProject):
    """A value that does not name one stored project exactly (exact_project): part of a name, the
    folder of several, or nothing; `candidates`: the projects it matches loosely."""

    def __init__(self, given: str, candidates: list[str], stored: list[str], message: str) -> None:
        super().__init__(given, candidates, stored)
        self.args = (message,)


def stored_projects(conn: sqlite3.Connection) -> list[str]:
    """Every project the store names (sessions', lessons' and the wings' tables'), sorted."""
    tables = [*_CORE_TABLES, *(table for wing in wings() for table in wing.PROJECTS)]
    union = " UNION ".join(f"SELECT project FROM {table} WHERE project IS NOT NULL" for table in tables)
    return sorted(str(row[0]) for row in conn.execute(union))


def project_folders(conn: sqlite3.Connection) -> list[str]:
    """The folders a project value may name besides the stored projects, as the wings give them
    (core/wing.py's project_folders: the repositories `ingest --git` read)."""
    return [folder for wing in wings() for folder in wing.project_folders(conn)]


def match_project(given: str, names: Iterable[str]) -> str:
    """The name of `names` that `given` names (the rule above); UnknownProject otherwise."""
    known = sorted(set(names))
    if given in known:
        return given
    folded = given.casefold()
    found = [name for name in known if folded in name.casefold()]
    if len(found) == 1:
        return found[0]
    raise UnknownProject(given, found, known)


def exact_project(given: str, names: Iterable[str]) -> str:
    """The name of `names` that `given` spells exactly, or whose last folder it is when only one
    name ends so (`spotter` for `/home/USER/projects/spotter`); letter case counts and a trailing
    slash is ignored. InexactProject otherwise, naming the projects `given` matches loosely."""
    known = sorted(set(names))
    value = given.strip()
    trimmed = value.rstrip("/\\") or value
    for candidate in (value, trimmed):
        if candidate in known:
            return candidate
    by_folder = [name for name in known if trimmed and _last_folder(name) == trimmed]
    if len(by_folder) == 1:
        return by_folder[0]
    if by_folder:
        raise InexactProject(
            given,
            by_folder,
            known,
            f"{given!r} is the folder of {len(by_folder)} projects: {_listed(by_folder)}; "
            "give the one to forget by its full name",
        )
    folded = trimmed.casefold()
    loose = [name for name in known if folded and folded in name.casefold()]
    if loose:
        several = len(loose) != 1
        raise InexactProject(
            given,
            loose,
            known,
            f"{given!r} is not the name of a project, only part of "
            + (f"{len(loose)} projects' names: " if several else "the name of ")
            + _listed(loose)
            + "; give "
            + ("the one to forget" if several else "it")
            + " by its full name (or its last folder, when no other project ends with it)",
        )
    raise InexactProject(given, [], known, _message(given, [], known))


def _last_folder(name: str) -> str:
    """The last folder of a project's name (`/home/dev/app` -> `app`; Windows paths too)."""
    return name.rstrip("/\\").replace("\\", "/").rpartition("/")[2]


def resolve_project_name(conn: sqlite3.Connection, given: str | None, also: Iterable[str] = ()) -> str | None:
    """The stored project `given` names (None for no value); `also`: more names to match against
    (projects known elsewhere, such as repositories' folders). UnknownProject when none or several."""
    if given is None or not given.strip():
        return None
    return match_project(given.strip(), [*stored_projects(conn), *also])


def _message(given: str, candidates: list[str], stored: list[str]) -> str:
    if candidates:
        return f"project {given!r} matches {len(candidates)} projects: {_listed(candidates)}; give one of them in full"
    if not stored:
        return f"no project matches {given!r}: the store holds no project yet"
    return f"no project matches {given!r}; the stored projects are: {_listed(stored)}"


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN])
    return shown + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")
