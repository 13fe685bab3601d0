"""Which project a folder belongs to: the one answer ingest, the hooks, the MCP server and
`lessonloop run` give (docs/projects.md).

For a folder (a session's or a command's working directory), in order:

1. a `[projects]` mapping of the configuration that matches the folder or one of its parents;
2. a folder that exists here (or, when it is under another home folder, the same path under this
   machine's home): the root of its git repository's main working tree (a sub-folder resolves to
   its repository, a worktree to the tree it was made from, read from `.git`), else the folder;
3. a folder that no longer exists: the placement the store already holds. Ingest places every
   stored session together (capture/project_placement.py): a gone folder keeps the repository it was
   read in while it existed, else is placed by inference from the paths of all sessions
   (capture/projects.py, `infer_projects`). The hooks, the MCP server and the runner ask the
   store (store/projects/lookup.py, `project_of_folder`): the project of the sessions that ran in
   that folder, else the project ingest would give a session there now;
4. else the folder itself.

Steps 1, 2 and 4 are here and read no store; step 3 is the store's (store/projects/lookup.py).
Standard library only, and nothing imported before it is needed: the hooks import this module on
a session's first event, with the mappings from their configuration cache (no TOML parsed).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

_HOME_BASES = ("/home/", "/Users/")


# --- [projects] mappings --------------------------------------------------------------------------


class FolderMapping:
    """A `[projects]` entry ready to match: the folder pattern's components (a home folder written
    `~`) as regexes, and the project `~`-expanded."""

    __slots__ = ("parts", "project")

    def __init__(self, parts: tuple[re.Pattern[str], ...], project: str) -> None:
        self.parts = parts
        self.project = project

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FolderMapping) and (self.parts, self.project) == (other.parts, other.project)

    def __hash__(self) -> int:
        return hash((self.parts, self.project))

    def __repr__(self) -> str:
        return f"FolderMapping({[p.pattern for p in self.parts]!r}, {self.project!r})"


def compile_mappings(mappings: Iterable[tuple[str, str]], home: str | None = None) -> tuple[FolderMapping, ...]:
    """`[projects]` entries (folder pattern, project) ready to match, the most specific first: most
    path components, then fewest components with a wildcard, then file order. Patterns and
    projects are `~`-expanded and normalized; a home folder in a pattern matches any home folder
    (docs/projects.md, rule d)."""
    ordered: list[tuple[tuple[int, int, int], FolderMapping]] = []
    for order, (folder, project) in enumerate(mappings):
        parts = path_parts(home_key(expand_path(folder, home), home))
        wild = sum(1 for p in parts if "*" in p or "?" in p)
        compiled = FolderMapping(tuple(_component_regex(p) for p in parts), expand_path(project, home))
        ordered.append(((-len(parts), wild, order), compiled))
    ordered.sort(key=lambda item: item[0])
    return tuple(m for _, m in ordered)


def mapped_project(cwd: str, mappings: Sequence[FolderMapping], home: str | None = None) -> str | None:
    """The project the first entry of `compile_mappings(...)` that matches `cwd` or one of its
    parents gives, or None when none matches (rule a)."""
    if not mappings:
        return None
    parts = path_parts(home_key(os.path.normpath(cwd), home))
    for mapping in mappings:
        if len(mapping.parts) <= len(parts) and all(
            rx.fullmatch(part) for rx, part in zip(mapping.parts, parts, strict=False)
        ):
            return mapping.project
    return None


def _component_regex(component: str) -> re.Pattern[str]:
    """One path component of a pattern: `*` any run of characters, `?` one; nothing else special."""
    text = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in component)
    return re.compile(text, re.DOTALL)


# --- home folders ---------------------------------------------------------------------------------


def home_relative(path: str, home: str | None = None) -> str | None:
    """The part of `path` below a home folder ("" for the home itself), or None when it is not
    under one. Home folders: /home/<user>, /Users/<user> and `home` (this machine's)."""
    if home and home != "/" and os.path.isabs(home):
        home = os.path.normpath(home)
        if path == home:
            return ""
        if path.startswith(home + "/"):
            return path[len(home) + 1 :]
    for base in _HOME_BASES:
        if path.startswith(base):
            user, _, rest = path[len(base) :].partition("/")
            if user:
                return rest
    return None


def home_key(path: str, home: str | None) -> str:
    """`path` with any home folder written `~`: equal keys are one folder (rule d)."""
    rest = home_relative(path, home)
    if rest is None:
        return path
    return f"~/{rest}" if rest else "~"


def expand_path(path: str, home: str | None) -> str:
    """`path` with a leading `~` expanded (to `home` when given), normalized."""
    if path == "~" or path.startswith("~/"):
        base = home if home else os.path.expanduser("~")
        return os.path.normpath(base + path[1:])
    return os.path.normpath(os.path.expanduser(path))


def path_parts(key: str) -> list[str]:
    """The components of a home key or absolute path: "~/a/b" -> ["~", "a", "b"]."""
    if key.startswith("/"):
        return [p for p in key.split("/") if p]
    return key.split("/")


def existing_folder(cwd: str, home: str | None) -> str | None:
    """`cwd` when it exists here; else the same folder under this machine's `home` when `cwd` is
    under another home folder (/home/USER/x -> ~/x) and that exists (rule d); else None."""
    if os.path.isdir(cwd):
        return cwd
    if not home or not os.path.isabs(home):
        return None
    rest = home_relative(os.path.normpath(cwd), home)
    if rest is None:
        return None
    local = os.path.join(home, rest) if rest else home
    return local if local != cwd and os.path.isdir(local) else None


# --- git repositories -----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def project_for_cwd(cwd: str) -> str:
    """The git root of `cwd` when it is inside a repository here, else `cwd` itself (no mapping,
    no store: the project a transcript line gets while it is read; see store/projects/lookup.py's `project_of_folder`)."""
    if not cwd:
        return cwd
    root = git_root(cwd)
    return root if root is not None else os.path.normpath(cwd)


def git_root(folder: str) -> str | None:
    """The root of the main working tree of the repository containing `folder`, or None."""
    try:
        current = os.path.realpath(folder)
    except (OSError, ValueError):
        return None
    if not os.path.isdir(current):
        return None
    while True:
        dot_git = os.path.join(current, ".git")
        if os.path.isdir(dot_git):
            return current
        if os.path.isfile(dot_git):
            main = _main_root_of_linked_tree(dot_git)
            return main if main is not None else current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def linked_gitdir(dot_git_file: str) -> str | None:
    """The git folder a worktree's or submodule's `.git` file ("gitdir: X") points to."""
    try:
        with open(dot_git_file, encoding="utf-8", errors="replace") as handle:
            first = handle.readline().strip()
    except OSError:
        return None
    if not first.startswith("gitdir:"):
        return None
    gitdir = first[len("gitdir:") :].strip()
    return gitdir if os.path.isabs(gitdir) else os.path.join(os.path.dirname(dot_git_file), gitdir)


def _main_root_of_linked_tree(dot_git_file: str) -> str | None:
    """For a worktree or submodule `.git` file ("gitdir: X"), the main working tree's root.

    A worktree's gitdir holds a `commondir` file pointing at the main `.git`; a submodule's
    does not, and the submodule is its own project (None here: its own folder is the root).
    """
    gitdir = linked_gitdir(dot_git_file)
    if gitdir is None:
        return None
    commondir_file = os.path.join(gitdir, "commondir")
    try:
        with open(commondir_file, encoding="utf-8", errors="replace") as handle:
            common = handle.readline().strip()
    except OSError:
        return None
    if not os.path.isabs(common):
        common = os.path.join(gitdir, common)
    common = os.path.realpath(common)
    if os.path.basename(common) != ".git":
        return None  # a bare repository's worktree: no main working tree to name
    return os.path.dirname(common)


def is_repository_root(folder: str) -> bool:
    """Whether `folder` exists here and is the main working tree root of a git repository."""
    return git_root(folder) == os.path.realpath(folder)


# --- the resolver ---------------------------------------------------------------------------------

MAPPED = "mapped"
REPOSITORY = "repository"
FOLDER = "folder"


def project_here(cwd: str, mappings: Sequence[FolderMapping] = (), home: str | None = None) -> tuple[str, str] | None:
    """Steps 1 and 2: (project, how) for a mapped folder ("mapped") or one that exists here (its
    repository, "repository", or itself, "folder"); None for a folder that no longer exists.
    `mappings` compiled with the same `home`."""
    target = mapped_project(cwd, mappings, home)
    if target is not None:
        return target, MAPPED
    here = existing_folder(cwd, home)
    if here is None:
        return None
    root = _cached_git_root(here)
    return (root, REPOSITORY) if root is not None else (os.path.normpath(here), FOLDER)


@lru_cache(maxsize=4096)
def _cached_git_root(folder: str) -> str | None:
    """`git_root`, read once per folder (ingest places thousands of sessions in a few folders)."""
    return git_root(folder)
