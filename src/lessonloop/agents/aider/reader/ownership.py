"""Whether an Aider history found in a project folder shows this person's own use of Aider.

A history's `#### ` lines are read as the person's prompts and corrections, which become lessons
given to their agents. A history someone else wrote (a cloned repository's, a project downloaded as
an archive) would plant their words as the person's (issues 25 and 39). So `ingest` without paths
reads a history it finds only where the repository shows the person's own work, in what a copied
repository cannot bring with it:

- the history is in a git repository (a folder without one, an archive's, is nobody's we can tell);
- the repository's reflog of HEAD (`.git/logs/HEAD`: git writes it on this machine, and neither
  clone nor fetch copies it; a clone's starts with "clone: from ...") holds a commit made here
  ("commit", "commit (initial)", "commit (amend)", "commit (merge)"; Aider's own commits too) by
  the person's git identity: their user.email (else user.name) from their own git configuration,
  never the repository's (.git/config comes with a copied repository), or from GIT_COMMITTER_EMAIL
  / GIT_AUTHOR_EMAIL. An author name is not evidence: anyone can commit as anyone;
- the history is untracked, as Aider leaves it (it adds `.aider*` to .gitignore): a clone brings
  only tracked files. A tracked history is read only when every commit that touched it is one of
  those commits made here;
- it was written since git made the repository here (issue 60): a template copied without its
  .git, whose .gitignore ignores `.aider*`, brings its author's history untracked, and the person's
  `git init` and commit pass every rule above (1,134 sessions and 7 active lessons of the aider-dev
  history were read as theirs). Its change time (ctime) is older than the oldest of the git
  folder's own files (repository_birth.py): nothing wrote it since. ctime is the file system's,
  set by every write and by nothing else (cp -p, tar, unzip, rsync -a copy the mtime: a template
  can be dated at will, its ctime cannot). Aider itself writes on after it runs `git init` in a
  new folder ("Git repository created in ...") and on every session;
- the commits it names are this repository's (named_commits.py): Aider commits every edit and
  writes `> Commit <sha> <message>`. The sessions written before the repository was made here
  (those before the last session that began before it: that one may be Aider's own, which made
  the repository) name commits only a repository that came from where they were made holds (a
  moved or restored project, a fresh clone of the person's own): none of them held, the history
  was begun in another repository (a template, or one copied after `git init`, or continued by the
  person's Aider: that appends to the author's history). Nor is a history read of whose latest 50
  commits the repository holds none.

Weighed and not taken: reading only the sessions that began after the repository (their headings
are the history's own text, dated at will; the cut would move as the file grows, and a person who
used Aider in the folder before `git init` would lose the start of their history all the same);
the history's mtime (an archive sets it); a margin of time around the repository's first commit
(Aider's first commit in a new project may come long after its session began). A history is read
or left whole, and the notice says how to read it.

Anything else is not read, with a notice saying why and how to read it anyway (`lessonloop ingest
FILE`, or the file or its folder in capture.paths: the person's choice). What is left out that is
the person's: a history not written since its folder became a repository (Aider used before `git
init`; a project moved to another disk or restored from a backup, until Aider writes to it again:
the copy made both anew, in no set order), or whose early commits are gone (`rm -rf .git; git
init`). What still passes: a template's history that names no commit of its author's (or only
in its last session) and is written to here (the person's Aider continuing it, `touch`, `chmod`),
and a repository copied whole with its .git (an archive of someone's working copy, reflog
included) whose reflog names the person: nothing inside a folder proves who wrote it; such a
history's lessons are still quoted and scoped like every other (docs/security.md).

git is asked with a short timeout, without the caller's GIT_DIR and the like (git_query.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime

from lessonloop.agents.aider.reader.git_query import GitMissing, run_git
from lessonloop.agents.aider.reader.named_commits import held, named_commits
from lessonloop.agents.aider.reader.repository_birth import last_written_ns, made_here_ns

_OWN_SCOPES = frozenset({"global", "system", "command"})  # not "local"/"worktree": the repository's own files
_LOCAL_COMMITS = ("commit:", "commit (")  # reflog subjects of commits made here: "commit: ...", "commit (amend): ..."
_COPIED = "a template or a project copied without its .git"
_SHOWN = 3  # commits named in a notice


def not_yours(path: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Why the history at `path` does not show this person's own use of Aider (for the notice), or
    None when it does (see the module's rules)."""
    env = os.environ if environ is None else environ
    folder, name = os.path.split(os.path.abspath(path))
    try:
        where = run_git(folder, env, "rev-parse", "--show-toplevel", "--absolute-git-dir")
        if where.returncode != 0:
            return (
                "it is in no git repository, so nothing shows it is yours (a project downloaded as an archive "
                "brings its author's history)"
            )
        emails, names = _identity(folder, env)
        if not emails and not names:
            return (
                "you have no git identity (user.email in your git configuration) to find among the commits "
                "made in this repository"
            )
        mine = _commits_made_here(folder, env, emails, names)
        tracked = run_git(folder, env, "ls-files", "--error-unmatch", "--", name).returncode == 0
        if tracked:
            log = run_git(folder, env, "log", "--format=%H%x00%an <%ae>", "--", name)
            touched = [line.split("\0", 1) for line in log.stdout.splitlines() if "\0" in line]
            foreign = [author for sha, author in touched if sha not in mine]
            if foreign:
                return (
                    f"it is committed to the repository (by {foreign[0]}) and not by a commit made here (git's "
                    "reflog), so its prompts are not yours: a cloned repository's history is its authors'"
                )
        if not mine:
            who = ", ".join(sorted(emails or names))
            return (
                f"this repository shows no commit made here by you ({who}; git's reflog of HEAD), so nothing shows "
                "the history is yours (a repository copied or downloaded whole brings its author's history)"
            )
        return _written_elsewhere(path, folder, where.stdout.splitlines()[-1:], env)
    except GitMissing:
        return "git could not be run to check that the repository is yours"


def _written_elsewhere(path: str, folder: str, git_dir: list[str], env: Mapping[str, str]) -> str | None:
    """Why the history was not written in this repository since it was made here (its files' change
    times; the commits the history names), or None."""
    made = made_here_ns(git_dir[0]) if git_dir else None
    written = last_written_ns(path)
    if made is None or written is None:
        return None
    if written <= made:
        last, began = _when(written, made), _when(made, written)
        return (
            f"it was last written {last}, before git made this repository here ({began}), and not since: it "
            f"came with the folder ({_COPIED}), so its prompts are not yours"
        )
    try:
        named = named_commits(path, datetime.fromtimestamp(made / 1e9))
    except (OSError, ValueError):  # unreadable: the read that follows says so
        return None
    here = held(folder, env, (*named.before, *named.recent))
    if here is None:
        return None
    if named.before and not here.intersection(named.before):
        return (
            f"its sessions from before git made this repository here ({_when(made)}) name {_commits(named.before)} "
            f"that this repository does not hold: it was begun in another repository ({_COPIED}), so its prompts "
            "are not yours"
        )
    if named.recent and not here.intersection(named.recent):
        return (
            f"this repository holds none of the commits it names (the latest: {_commits(named.recent)}): it was "
            f"written in another repository ({_COPIED}), so its prompts are not yours"
        )
    return None


def _when(ns: int, other: int | None = None) -> str:
    """A local time to the second; to the millisecond when `other` falls in the same second."""
    moment = datetime.fromtimestamp(ns / 1e9)
    if other is not None and ns // 10**9 == other // 10**9:
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _commits(shas: tuple[str, ...]) -> str:
    shown = ", ".join(shas[:_SHOWN])
    return f"{len(shas)} commit{'s' if len(shas) != 1 else ''} ({shown}{', ...' if len(shas) > _SHOWN else ''})"


def _identity(folder: str, env: Mapping[str, str]) -> tuple[set[str], set[str]]:
    """The person's git e-mails and names: from their own configuration (global, system, the
    command line; never the repository's) and the committer/author variables."""
    emails: set[str] = set()
    names: set[str] = set()
    found = run_git(folder, env, "config", "--show-scope", "--get-regexp", r"^user\.(email|name)$")
    for line in found.stdout.splitlines():
        scope, _, rest = line.partition("\t")
        key, _, value = rest.partition(" ")
        if scope not in _OWN_SCOPES or not value.strip():
            continue
        (emails if key == "user.email" else names).add(value.strip().lower())
    for variable in ("GIT_COMMITTER_EMAIL", "GIT_AUTHOR_EMAIL"):
        if env.get(variable, "").strip():
            emails.add(env[variable].strip().lower())
    return emails, names


def _commits_made_here(folder: str, env: Mapping[str, str], emails: set[str], names: set[str]) -> set[str]:
    """The commits HEAD's reflog says were made here by the person (an e-mail of theirs; their
    name, Aider's "NAME (aider)" included, when they have no e-mail)."""
    log = run_git(folder, env, "log", "--walk-reflogs", "--format=%H%x00%gs%x00%ge%x00%gn", "HEAD", "--")
    made: set[str] = set()
    for line in log.stdout.splitlines():
        parts = line.split("\0")
        if len(parts) != 4 or not parts[1].startswith(_LOCAL_COMMITS):
            continue
        sha, _subject, email, name = parts
        name = name.strip().lower().removesuffix(" (aider)")
        if email.strip().lower() in emails or (not emails and name in names):
            made.add(sha)
    return made
