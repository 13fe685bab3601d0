"""lessonloop's git post-commit hook: install, uninstall, status.

The hook records each new commit in the background: it starts `lessonloop ingest --git <the
working tree>` as a detached process and returns at once. That process only reads (git log,
rev-parse, for-each-ref, cat-file, with optional locks off): it never commits, never writes to
the repository or its work tree, so a commit can never trigger another one. Capture is paused
with LESSONLOOP_CAPTURE=0 in the committing shell's environment; the ingest itself obeys the
privacy settings ([capture] enabled, exclude_projects, store_diffs).

Where: `git rev-parse --git-path hooks/post-commit`, which honours core.hooksPath and, in a
linked worktree, the common hooks folder. An existing post-commit hook is chained: install
renames it to `post-commit.lessonloop-original` (a rename keeps its bytes, mode and even its
inode; a symlink stays a symlink), and the new hook runs it first with the same arguments and
standard input, and exits with its exit status. Uninstall removes lessonloop's hook and renames
the original back: the file is byte for byte (and mode for mode) what it was.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass

from lessonloop.capture.git.repository import GitError, run_git

HOOK_NAME = "post-commit"
ORIGINAL_SUFFIX = ".lessonloop-original"
MARK = "# lessonloop post-commit hook"


class HookError(Exception):
    """The hook cannot be installed or removed here, in plain words."""


@dataclass(slots=True)
class HookPlace:
    repository: str  # as given
    path: str  # the post-commit hook's path
    hooks_path_configured: bool  # core.hooksPath is set

    @property
    def original(self) -> str:
        return self.path + ORIGINAL_SUFFIX


@dataclass(slots=True)
class HookStatus:
    path: str
    installed: bool  # lessonloop's hook is the post-commit hook
    chained: str | None  # the original hook it runs first
    other_hook: bool  # a post-commit hook that is not lessonloop's
    python: str | None  # the interpreter the installed hook starts
    python_exists: bool
    db: str | None  # the store the installed hook names (None: $LESSONLOOP_DB or the default)
    hooks_path_configured: bool


def hook_place(repository: str) -> HookPlace:
    """Where `repository`'s post-commit hook is (GitError for no repository, git missing)."""
    folder = os.path.abspath(os.path.expanduser(repository))
    if not os.path.isdir(folder):
        raise GitError(repository, "missing-folder", "no such folder")
    try:
        path = run_git(repository, folder, ["rev-parse", "--path-format=absolute", "--git-path", f"hooks/{HOOK_NAME}"])
    except GitError as exc:
        if "not a git repository" in exc.detail:
            raise GitError(repository, "not-a-repository", "not a git repository") from exc
        raise
    try:
        configured = bool(run_git(repository, folder, ["config", "--get", "core.hooksPath"]).strip())
    except GitError:
        configured = False  # unset: `git config --get` exits 1
    return HookPlace(repository, path.strip(), configured)


def hook_script(python: str, db: str | None) -> str:
    """The hook's text: the original hook first (its status kept), then the background read."""
    env = f"LESSONLOOP_DB={shlex.quote(db)} " if db else ""
    unset = "GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_COMMON_DIR GIT_PREFIX GIT_OBJECT_DIRECTORY"
    return f"""#!/bin/sh
{MARK} (installed by `lessonloop git install`).
# It starts a background read of the new commit into lessonloop's store and returns at once;
# the read never commits or touches the work tree. `lessonloop git uninstall` removes this file
# and puts back the hook it replaced. LESSONLOOP_CAPTURE=0 pauses it.
status=0
original="$0{ORIGINAL_SUFFIX}"
if [ -x "$original" ]; then
    "$original" "$@"
    status=$?
fi
python={shlex.quote(python)}
if [ "${{LESSONLOOP_CAPTURE:-1}}" != "0" ] && [ -x "$python" ]; then
    top=$(pwd -P)
    (
        unset {unset}
        {env}exec "$python" -I -m lessonloop ingest --git "$top" --no-progress </dev/null >/dev/null 2>&1
    ) &
fi
exit $status
"""


def _is_ours(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return MARK.encode() in head


def install(repository: str, python: str, db: str | None) -> tuple[HookPlace, bool, bool]:
    """Install the hook; (where, whether an existing hook is chained, whether it was installed
    already and only rewritten). HookError when a hook of another tool sits where the original
    would be kept."""
    place = hook_place(repository)
    os.makedirs(os.path.dirname(place.path), exist_ok=True)
    already = _is_ours(place.path)
    exists = os.path.lexists(place.path)
    if exists and not already:
        if os.path.lexists(place.original):
            raise HookError(
                f"{place.original} exists already: lessonloop keeps the current post-commit hook there; "
                "move it away (or run `lessonloop git uninstall`) first"
            )
        os.rename(place.path, place.original)
    temporary = place.path + ".lessonloop-new"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(hook_script(python, db))
    os.chmod(temporary, 0o755)
    os.replace(temporary, place.path)
    return place, os.path.lexists(place.original), already


def uninstall(repository: str) -> tuple[HookPlace, bool, bool]:
    """Remove lessonloop's hook and put back the original; (where, removed, original restored).
    Nothing changes when the post-commit hook is not lessonloop's."""
    place = hook_place(repository)
    if not _is_ours(place.path):
        return place, False, False
    os.remove(place.path)
    if os.path.lexists(place.original):
        os.rename(place.original, place.path)
        return place, True, True
    return place, True, False


def status(repository: str) -> HookStatus:
    place = hook_place(repository)
    ours = _is_ours(place.path)
    python = db = None
    if ours:
        python, db = _installed_settings(place.path)
    chained = place.original if ours and os.path.lexists(place.original) else None
    return HookStatus(
        path=place.path,
        installed=ours,
        chained=chained,
        other_hook=os.path.lexists(place.path) and not ours,
        python=python,
        python_exists=python is not None and os.path.isfile(python) and os.access(python, os.X_OK),
        db=db,
        hooks_path_configured=place.hooks_path_configured,
    )


def _installed_settings(path: str) -> tuple[str | None, str | None]:
    """The interpreter and store an installed hook names."""
    python = db = None
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            text = line.strip()
            if text.startswith("python="):
                words = shlex.split(text[len("python=") :])
                python = words[0] if words else None
            elif "LESSONLOOP_DB=" in text and text.startswith("LESSONLOOP_DB="):
                words = shlex.split(text)
                db = words[0][len("LESSONLOOP_DB=") :] if words else None
    return python, db
