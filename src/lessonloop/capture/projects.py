"""Projects of folders that no longer exist, inferred from the paths of all sessions
(`infer_projects`), and the folders a `--project` value names (`projects_for_folder`).

The resolver every part uses (mappings, git roots read from `.git`, the store's placements) is
lessonloop.capture.project_resolver; its mapping and git functions are importable from here too.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from lessonloop.capture.project_resolver import FolderMapping as FolderMapping
from lessonloop.capture.project_resolver import compile_mappings as compile_mappings
from lessonloop.capture.project_resolver import expand_path as _expand
from lessonloop.capture.project_resolver import git_root as git_root
from lessonloop.capture.project_resolver import home_key as _home_key
from lessonloop.capture.project_resolver import home_relative as home_relative
from lessonloop.capture.project_resolver import linked_gitdir as linked_gitdir
from lessonloop.capture.project_resolver import mapped_project as mapped_project
from lessonloop.capture.project_resolver import path_parts as _posix_parts
from lessonloop.capture.project_resolver import project_for_cwd as project_for_cwd
from lessonloop.core.agent_specs import specs

# --- Folders that no longer exist -------------------------------------------------------------
#
# Heuristics: a transcript records only the folder a session ran in. When that folder is gone
# (a removed worktree, another machine, a redacted user name) its git repository cannot be
# read, so the project is inferred from the shapes of the paths. See docs/projects.md.

_TEMP_ROOTS = frozenset({"/tmp", "/var/tmp", "/private/tmp", "/private/var/tmp", "/dev/shm"})
_SIBLING_CONTAINER = re.compile(r"(.+)[-._]worktrees", re.IGNORECASE)  # spotter-worktrees, spotter.worktrees
_SIBLING_SEPARATORS = "-_."
# Worktree folders kept inside the repository: (the folders between root and worktree, needs
# evidence beyond the branch). The agents' own (their specs' `worktrees`: Claude Code's --worktree
# makes .claude/worktrees/<name> on branch worktree-<name>); .worktrees/ and worktrees/: a common
# convention (git-worktree helper scripts, agent skills). A plain `worktrees/` folder is too common
# a name to trust on a branch alone.
_NESTED_LAYOUTS: tuple[tuple[tuple[str, ...], bool], ...] = (
    *((tuple(folder.split("/")), True) for spec in specs() for folder in spec.worktrees),
    ((".worktrees",), True),
    (("worktrees",), False),
)


def infer_projects(
    cwds: Iterable[str],
    *,
    known_roots: Iterable[str] = (),
    mappings: Iterable[tuple[str, str]] = (),
    branches: Mapping[str, str | None] | None = None,
    home: str | None = None,
) -> dict[str, str]:
    """The project of every folder in `cwds`, which must be folders that do NOT exist here.

    `cwds` holds one entry per session (repeats count: they break ties between spellings).
    `known_roots` are project roots that do exist (git roots of other sessions' folders);
    `mappings` are the `[projects]` entries of the configuration, (folder pattern, project);
    `branches` maps a folder to the git branch its sessions recorded; `home` is this machine's
    home folder (expands `~`, and is a home folder like /home/<user> and /Users/<user>).
    Returns each cwd as given -> its project. Pure: reads no file and no environment, except
    that `~` in a mapping is expanded with os.path.expanduser when `home` is None.

    The rules, first match wins (docs/projects.md explains them with examples):

    a. A mapping whose folder pattern matches the folder or one of its parents: its project.
    b. A worktree layout: `<p>/<name>-worktrees/<x>` (also `.worktrees`, `_worktrees`) is
       `<p>/<name>`; `<root>/.claude/worktrees/<x>`, `<root>/.worktrees/<x>` and
       `<root>/worktrees/<x>` are `<root>` when `<root>` is a project root of another session
       (the first two also when the branch names `<x>`, e.g. Claude Code's `worktree-<x>`);
       `<p>/<name>-<x>` is `<p>/<name>` when that is a project root and the branch names `<x>`.
       Folders below a worktree belong to the same project.
    c. A folder below another project root (real, mapped, a worktree's, or the folder of
       another session that recorded a git branch) belongs to the outermost such project; home
       folders, temporary folders and top-level folders never swallow the folders below them.
    d. Paths equal below a home folder (`/home/a/x`, `/home/b/x`, `/Users/a/x`) are one project:
       the store is one person's, and user names differ between machines or are redacted. Its
       spelling: a mapping's project, else one that exists here, else one under `home`, else
       the one of the most sessions, else the smallest.

    A folder that no rule places is its own project. A folder that no longer exists counts as a
    project root (for b and c) only when a session in it recorded a git branch: without
    `branches` only real roots, mapped projects and worktree layouts do.
    """
    given = [c for c in cwds if c]
    folders = Counter(normal_folder(c) for c in given)
    known = {normal_folder(r) for r in known_roots if r}
    branch_of = {normal_folder(k): v for k, v in (branches or {}).items() if v}
    globs = compile_mappings(mappings, home)

    mapped = {f: t for f in folders if (t := mapped_project(f, globs, home)) is not None}
    final_keys = {_key(p, home) for p in known} | {_key(t, home) for t in mapped.values()}
    evidence = set(final_keys)
    evidence.update(_key(f, home) for f in folders if f in branch_of)
    roots: dict[str, str] = {}
    for folder in folders:
        if folder in mapped:
            continue
        root = _sibling_container_root(folder)
        if root is not None:
            roots[folder] = root
            evidence.add(_key(root, home))
    for folder in folders:
        if folder not in mapped and folder not in roots:
            root = _nested_root(folder, branch_of.get(folder), evidence, home)
            if root is None:
                root = _sibling_root(folder, branch_of.get(folder), evidence, home)
            if root is not None:
                roots[folder] = root

    containers = {k for k in evidence | {_key(r, home) for r in roots.values()} if not _too_general(k)}
    projects = {f: mapped.get(f) or _climb(roots.get(f, f), containers, final_keys, home) for f in folders}
    spelling = _canonical_spellings(projects, folders, known, set(mapped.values()), home)
    return {c: spelling[_key(projects[normal_folder(c)], home)] for c in dict.fromkeys(given)}  # each folder once


# A Windows folder's root, as Windows writes it: a drive ("G:\\") or a share ("\\\\host\\share\\").
_WINDOWS_ROOT = re.compile(r"(?:[A-Za-z]:|\\\\[^\\/]+\\[^\\/]+)(?:[\\/]|\Z)")
_WINDOWS_SEPARATORS = re.compile(r"[\\/]+")


def _windows_root(path: str) -> str | None:
    """The root of a folder written as Windows writes one (`G:\\`, `\\\\host\\share\\`), with one
    backslash after it; None for any other path."""
    found = _WINDOWS_ROOT.match(path)
    if found is None:
        return None
    return found.group(0).rstrip("\\/") + "\\"


def windows_folder(path: str) -> bool:
    """Whether `path` is a folder written as Windows writes one (a drive letter, a share)."""
    return _windows_root(path) is not None


def normal_folder(path: str) -> str:
    """A folder's path in one spelling: a POSIX path normalized (os.path.normpath), a Windows
    folder (`G:\\x`, `\\\\host\\share\\x`) kept as Windows writes it, its separators backslashes, never
    given a leading slash."""
    if _windows_root(path) is None:
        return os.path.normpath(path)
    return _join(_parts(path))


def _parts(path: str) -> list[str]:
    """The components of a home key or an absolute path ("~/a/b" -> ["~", "a", "b"]); a Windows
    folder's first component is its root with its backslash ("G:\\a\\b" -> ["G:\\", "a", "b"])."""
    root = _windows_root(path)
    if root is None:
        return _posix_parts(path)
    return [root, *(part for part in _WINDOWS_SEPARATORS.split(path[len(root) :]) if part)]


def _join(parts: Sequence[str]) -> str:
    """The path of `_parts`' components."""
    if parts and parts[0] == "~":
        return "/".join(parts)
    if parts and parts[0].endswith("\\") and _windows_root(parts[0]) == parts[0]:
        return parts[0] + "\\".join(parts[1:])
    return "/" + "/".join(parts)


def _key(path: str, home: str | None) -> str:
    """The key equal folders share: a home folder written `~` (rule d); a Windows folder in lower
    case (its names ignore case: `g:\\x` and `G:\\X` are one folder)."""
    if _windows_root(path) is None:
        return _home_key(path, home)
    return _join(_parts(path)).lower()


def _sibling_container_root(folder: str) -> str | None:
    """Rule b, `<p>/<name>-worktrees/<x>[/...]` -> `<p>/<name>`: the outermost such folder."""
    parts = _parts(folder)
    for i, part in enumerate(parts[:-1]):
        match = _SIBLING_CONTAINER.fullmatch(part)
        if match:
            return _join([*parts[:i], match.group(1)])
    return None


def _nested_root(folder: str, branch: str | None, evidence: set[str], home: str | None) -> str | None:
    """Rule b, `<root>/.claude/worktrees/<x>[/...]` and the like -> `<root>`, with evidence."""
    parts = _parts(folder)
    for i in range(1, len(parts)):
        for between, branch_suffices in _NESTED_LAYOUTS:
            end = i + len(between)
            if end >= len(parts) or tuple(parts[i:end]) != between:
                continue
            root = _join(parts[:i])
            named = branch_suffices and branch is not None and _branch_names(branch, parts[end])
            if named or _key(root, home) in evidence:
                return root
    return None


def _sibling_root(folder: str, branch: str | None, evidence: set[str], home: str | None) -> str | None:
    """Rule b, `<p>/<name>-<x>[/...]` -> `<p>/<name>` when that is a project root and the
    branch names `<x>` (`git worktree add ../<repo>-<branch>`)."""
    if branch is None:
        return None
    parts = _parts(folder)
    for i in range(len(parts) - 1, 0, -1):
        name = parts[i]
        for cut, char in enumerate(name):
            if char in _SIBLING_SEPARATORS and 0 < cut < len(name) - 1 and _branch_names(branch, name[cut + 1 :]):
                root = _join([*parts[:i], name[:cut]])
                if _key(root, home) in evidence:
                    return root
    return None


def _branch_names(branch: str, name: str) -> bool:
    """Does git branch `branch` name a worktree folder `name`? (`x`, `feat/x`, `feat-x`, `worktree-x`)"""
    return name in (branch, branch.rsplit("/", 1)[-1], branch.replace("/", "-"), branch.removeprefix("worktree-"))


def _too_general(key: str) -> bool:
    """Folders that hold many unrelated projects: never a project root for rule c."""
    if _windows_root(key) is not None:
        return len(_parts(key)) < 3  # a drive or share, or a folder right under it
    return key == "~" or key in _TEMP_ROOTS or (key.startswith("/") and len(_parts(key)) < 2)


def _climb(folder: str, containers: set[str], final_keys: set[str], home: str | None) -> str:
    """Rule c: from `folder` up through the project roots that contain it, stopping at a real
    or mapped root; the spelling stays `folder`'s own."""
    parts = _parts(folder)
    key_parts = _parts(_key(folder, home))
    offset = len(parts) - len(key_parts)  # "/home/u/a" has one component more than "~/a"
    current = len(key_parts)
    if _join(key_parts) in final_keys:
        return folder
    for depth in range(current - 1, 0, -1):
        key = _join(key_parts[:depth])
        if key in containers:
            current = depth
            if key in final_keys:
                break
    return _join(parts[: current + offset])


def _canonical_spellings(
    projects: Mapping[str, str], sessions: Mapping[str, int], known: set[str], targets: set[str], home: str | None
) -> dict[str, str]:
    """Rule d: one spelling per home key, chosen among the projects found, the real roots and
    the mapped projects: mapped, existing, under `home`, most sessions, smallest."""
    count: Counter[str] = Counter()
    for folder, project in projects.items():
        count[project] += sessions[folder]
    candidates: dict[str, set[str]] = {}
    for spelling in {*projects.values(), *known, *targets}:
        candidates.setdefault(_key(spelling, home), set()).add(spelling)
    local = os.path.normpath(home) if home and os.path.isabs(home) else None

    def rank(spelling: str) -> tuple[bool, bool, bool, int, str]:
        under_home = local is not None and (spelling == local or spelling.startswith(local + "/"))
        return (spelling not in targets, spelling not in known, not under_home, -count[spelling], spelling)

    return {key: min(spellings, key=rank) for key, spellings in candidates.items()}


def projects_for_folder(folder: str, sessions: Iterable[tuple[str, str | None]], home: str | None = None) -> set[str]:
    """The projects among `sessions` ((project, cwd) pairs) that a folder given as a filter
    names: the folder is the project, inside it or inside one of its sessions' folders, or
    holds the project. Home folders compare as in rule d, so `~/x` finds `/home/USER/x`."""
    wanted = _key(folder if _windows_root(folder) else _expand(folder, home), home)
    found: set[str] = set()
    for project, cwd in sessions:
        root = _key(normal_folder(project), home)
        if (
            _within(wanted, root)
            or _within(root, wanted)
            or (cwd is not None and _within(wanted, _key(normal_folder(cwd), home)))
        ):
            found.add(project)
    return found


def _within(inner: str, outer: str) -> bool:
    """Is `inner` the folder `outer` or below it? (both home keys or absolute paths)"""
    separator = "\\" if _windows_root(outer) is not None else "/"
    return inner == outer or inner.startswith(outer.rstrip(separator) + separator)
