"""What the model learns from and is tested on: a task's text and the files it changed, in time
order (a commit: its message; a session's chat: its prompt)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_FILES = 30  # commits touching more (sweeps, mass renames) are no test case and teach no co-change


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str
    status: str = "M"  # A M D R C (git's letters)
    old_path: str | None = None

    @property
    def before(self) -> str:
        """The file as it was named before the change (a rename's old path): the file touched."""
        return self.old_path if self.status.startswith("R") and self.old_path else self.path


@dataclass(frozen=True, slots=True)
class Example:
    key: str  # a commit's hash, a chat's id
    time: str  # UTC text; examples are taken in this order
    text: str  # what the model reads: a commit's message, a prompt (and a commit's prompts)
    files: tuple[FileChange, ...]
    author: str = ""
    is_merge: bool = False
    kind: str = "commit"  # commit | chat
    query: str | None = None  # the text to predict from when it is not `text` (a commit's prompts)
    subject: str = field(default="")
    prompts: str = ""  # more text to learn from, never to predict from: the prompts of the sessions linked to a commit
    symbols: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (path, the names its change defines or works inside)
    code: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (path, the words of the code its change touched)

    @property
    def learned_text(self) -> str:
        """What is learned as the task's words: its text and the linked sessions' prompts."""
        return f"{self.text}\n{self.prompts}" if self.prompts else self.text

    @property
    def touched(self) -> list[str]:
        """The files as they were before (a rename's old path), in the commit's order, once each."""
        return list(dict.fromkeys(change.before for change in self.files))

    @property
    def title(self) -> str:
        return (self.subject or self.text.strip().split("\n", 1)[0])[:120]


_BOT_AUTHOR = re.compile(
    r"\[bot\]|\bbot\b|-bot\b|dependabot|renovate|github-actions|semantic-release|pre-commit-ci", re.I
)
_AUTOMATED_SUBJECT = re.compile(
    r"^(chore\(release\)|chore: release|release:|bump:|bump version|build\(deps(-dev)?\)|chore\(deps(-dev)?\)"
    r"|\[pre-commit\.ci\]|\[bot\]|update changelog|merge (pull request|branch))"
    r"|^v?\d+\.\d+(\.\d+)?([-.\w]*)?\s*$"  # a bare version: "1.2.3", "v2.0.0-rc.1"
    r"|^(release|version|bump)\b.*\bv?\d+\.\d+"  # "Release v1.2.0", "bump to 2.1"
    r"|\bversion bump\b|\bbump (the )?version\b|\[skip ci\]",
    re.I,
)


def automated(author: str, text: str) -> bool:
    """A commit made by a bot or a release tool (release notes, version bumps), by its author's
    name and its subject; the others are counted as written by people."""
    subject = text.strip().split("\n", 1)[0].strip()
    return bool(_BOT_AUTHOR.search(author)) or bool(_AUTOMATED_SUBJECT.search(subject))
