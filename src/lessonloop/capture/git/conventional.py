"""Conventional-commit subjects (https://www.conventionalcommits.org): `type(scope)!: text`."""

from __future__ import annotations

import re

from lessonloop.capture.git.records import ConventionalSubject

# A type is a word (feat, fix, chore, build, ci, docs, perf, refactor, revert, style, test, and
# the project's own); the scope anything but parentheses; "!" marks a breaking change.
_SUBJECT = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_-]{0,30})(?:\(([^()\n]{0,80})\))?(!)?:\s+(\S.*)$")
_BREAKING_FOOTER = re.compile(r"^BREAKING[ -]CHANGE:", re.MULTILINE)


def parse_conventional(message: str) -> ConventionalSubject | None:
    """The conventional-commit parts of a commit message's subject line, or None when the subject
    does not follow the convention. Types are lower-cased; a `BREAKING CHANGE:` footer marks the
    commit breaking as `!` does."""
    subject, _, body = message.partition("\n")
    match = _SUBJECT.match(subject)
    if match is None:
        return None
    kind, scope, bang, description = match.groups()
    breaking = bang is not None or _BREAKING_FOOTER.search(body) is not None
    scope = scope.strip() if scope is not None else None
    return ConventionalSubject(kind.lower(), scope or None, breaking, description.strip())
