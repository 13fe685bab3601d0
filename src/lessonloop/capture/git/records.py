"""The records the git reader yields: one commit with its files and their hunks."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class GitHunk:
    """One hunk of a file's diff (redacted in scope "code")."""

    old_start: int
    old_lines: int
    new_start: int
    new_lines: int
    header: str  # what follows the second "@@" (the enclosing function git found), redacted
    text: str  # the hunk's lines, each starting with " ", "+", "-" or "\\"


@dataclass(slots=True)
class GitFile:
    """A file a commit changed: its path (the new one for a rename), the old path of a rename or
    copy, the change (A added, M modified, D deleted, R renamed, C copied, T type changed), lines
    inserted and deleted (None for a binary file), and the hunks kept under the size caps."""

    path: str
    old_path: str | None
    status: str
    insertions: int | None
    deletions: int | None
    binary: bool = False
    hunks: list[GitHunk] = field(default_factory=list)
    hunks_truncated: bool = False  # some of its hunks were left out (the size caps)


@dataclass(slots=True)
class ConventionalSubject:
    """A conventional-commit subject, `type(scope)!: description`."""

    type: str
    scope: str | None
    breaking: bool
    description: str


@dataclass(slots=True)
class GitCommit:
    """One commit of a branch's first-parent history.

    `authored_at` is canonical UTC text; `author_offset_minutes`, `author_hour` and
    `author_weekday` (0 Monday .. 6 Sunday) are in the author's own time zone, as the commit
    records it. `author_email` is as git has it: the store keeps only a keyed hash of it."""

    hash: str
    parents: tuple[str, ...]
    branch: str | None
    author_name: str
    author_email: str
    authored_at: str
    author_offset_minutes: int
    author_hour: int
    author_weekday: int
    committed_at: str
    message: str  # redacted (prose)
    conventional: ConventionalSubject | None
    files: list[GitFile] = field(default_factory=list)
    hunks_truncated: bool = False  # the commit's hunks went over a cap
    message_not_utf8: bool = False  # its message was not valid UTF-8 (undecodable bytes replaced)

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()

    @property
    def insertions(self) -> int:
        return sum(f.insertions or 0 for f in self.files)

    @property
    def deletions(self) -> int:
        return sum(f.deletions or 0 for f in self.files)
