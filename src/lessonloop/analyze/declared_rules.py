"""Declared rules at the call (issue 80, item 7): the `never` workflow rules in force for a project
(analyze/workflow.py: lessonloop's built-in ones, and the project's `.lessonloop/workflow.toml`),
checked on a call about to run, so that what the person declared acts before the call instead of
being counted after the session.

A built-in rule is lessonloop's own (no force push to main or master, no `--no-verify`): a call
that breaks it is stopped once, the rule as the reason, as a lesson's stop. A rule of the
project's rules file is the repository's text (a cloned repository may hold one): it warns, never
denies (docs/workflow-rules.md), until this person approves the file as it is (`lessonloop rules
approve`: the digest of its bytes, store/approved_rules.py); then its rules stop once too, and a
change to the file makes them warn again until it is approved anew. A project file that turns a
built-in rule off or changes it is followed: the rule is then the file's.

The hooks ask `may_break` first (no lessonloop module imported: the PreToolUse hook holds its own
copy of the test, pre_tool.py); this module and the workflow module (its parser, tomllib,
dataclasses) are imported only when a call may break a built-in rule (a push or commit that
forces or skips the hooks) or the project has a rules file.
"""

from __future__ import annotations

import os
import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from lessonloop.analyze.call import Call

RULES_FILE = os.path.join(".lessonloop", "workflow.toml")
MAX_RULES_BYTES = 256 * 1024  # a rules file larger than this is not read at the call
# The calls the built-in `never` rules can be about: a push or commit that forces (`--force`, `-f`,
# a `+refspec`) or skips the hooks (`--no-verify`); any other call skips the parser. A superset of
# what the rules match (tests/analyze/test_declared_rules.py checks it on their cases).
GATE = r"\bgit\b[^;&|\n]*\b(?:push|commit)\b[^;&|\n]*(?:--no-verify|--force|\s-[A-Za-z]*f|\+)"
_GATE = re.compile(GATE)


def may_break(kind: str, command: str | None, project: str | None, cwd: str | None) -> bool:
    """Whether a call may break a declared rule: a shell command the built-in rules may be about,
    or any call in a project with a rules file."""
    if kind == "shell" and command and _GATE.search(command):
        return True
    return rules_file(project, cwd) is not None


class Declared:
    """A declared rule a call breaks: its id, what it says, whose it is (`builtin`: lessonloop's own
    rule, as shipped or as the project's file left it; else the project file's) and whether this
    person approved the file it is in as it is (`approved`). Either may stop the call."""

    __slots__ = ("approved", "builtin", "description", "rule_id", "severity")

    def __init__(self, rule_id: str, description: str, severity: str, builtin: bool, approved: bool = False) -> None:
        self.rule_id = rule_id
        self.description = description
        self.severity = severity
        self.builtin = builtin
        self.approved = approved


def rules_file(project: str | None, cwd: str | None) -> str | None:
    """The project's rules file, when there is one (the project's folder, else the call's)."""
    for folder in (project, cwd):
        if folder:
            path = os.path.join(folder, RULES_FILE)
            if os.path.isfile(path):
                return path
    return None


def broken_rules(
    call: Call,
    project: str | None = None,
    cwd: str | None = None,
    approved: Callable[[str], str | None] | None = None,
) -> list[Declared]:
    """The `never` rules in force for the project that `call` breaks (about to run: any status).
    `approved`: the digest of a rules file's bytes this person approved, by its path (None: not
    approved; store/approved_rules.py)."""
    path = rules_file(project, cwd)
    command = call.command or ""
    if path is None and not (call.kind == "shell" and _GATE.search(command)):
        return []
    from lessonloop.analyze.workflow import broken_never_rules

    rules, builtin, digest = _rules_in_force(path)
    trusted = (
        path is not None and digest is not None and approved is not None and approved(os.path.realpath(path)) == digest
    )
    return [
        Declared(rule.id, rule.description, rule.severity, (rule.id, rule.when) in builtin, trusted)
        for rule in broken_never_rules(rules, call)
    ]


def file_digest(data: bytes) -> str:
    """The digest an approval of a rules file's bytes records (SHA-256, hex)."""
    from lessonloop.core.quick_hash import sha256_hex

    return sha256_hex(data)


# path -> ((mtime, size) it was read at, its rules, the digest of its bytes): a learning run asks for
# every call of a project, a file is read again only when it changed
_READ: dict[str, tuple[tuple[int, int], tuple[Any, ...], str | None]] = {}


def _rules_in_force(path: str | None) -> tuple[tuple[Any, ...], frozenset[tuple[str, Any]], str | None]:
    """The rules in force (the project's file's, else the built-in ones), the built-in rules as
    shipped, by (id, what it matches), and the digest of the file's bytes (None: no file read)."""
    from lessonloop.analyze.workflow import DEFAULT_RULES, RulesError, rules_from_file_text

    builtin = frozenset((rule.id, rule.when) for rule in DEFAULT_RULES)
    if path is None:
        return DEFAULT_RULES, builtin, None
    try:
        status = os.stat(path)
    except OSError:
        return DEFAULT_RULES, builtin, None
    state = (status.st_mtime_ns, status.st_size)
    known = _READ.get(path)
    if known is not None and known[0] == state:
        return known[1], builtin, known[2]
    rules: tuple[Any, ...] = DEFAULT_RULES
    digest: str | None = None
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_RULES_BYTES + 1)
        if len(data) <= MAX_RULES_BYTES:
            rules = tuple(rules_from_file_text(data.decode("utf-8", "replace"), path))
            digest = file_digest(data)
    except (OSError, RulesError, ValueError):
        rules = DEFAULT_RULES  # (an unreadable or wrong file: `lessonloop analyze` names its problem)
    _READ[path] = (state, rules, digest)
    return rules, builtin, digest
