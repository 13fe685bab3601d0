"""Whether the store's analysis is current, answered without loading an analyzer (issue 43): what
`lessonloop report` and `replay` ask before they read the analysis, and what `analyze_store`
(pipeline/analysis.py) checks first.

The marks are what checking every session depends on, read without reading a session: the
analyzer's version, the home folder, each project's workflow rules file, the highest rowid of the
tables a fingerprint reads and the store's change log (updates and deletes, m024/m025). When they
are those the last whole-store check kept, nothing was added or changed since. Standard library
only (BLAKE2b from CPython's own module, core/quick_hash.py: hashlib would load OpenSSL).
"""

from __future__ import annotations

import os
import sqlite3

from lessonloop import __version__
from lessonloop.analyze.declared_rules import RULES_FILE as RULES_FILE  # (re-exported: the rules file's place)
from lessonloop.core.quick_hash import blake2b_hex
from lessonloop.learning.store.changes import changes_seq
from lessonloop.store.analysis import state as analysis_state
from lessonloop.store.sessions.places import main_session_projects

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from lessonloop.analyze.workflow import Rule

__all__ = [
    "ANALYZER_VERSION",
    "RULES_FILE",
    "ProjectRules",
    "analysis_is_current",
    "mark_parts",
    "marks_digest",
    "project_rules_file",
    "sessions_to_check",
    "store_marks",
]

ANALYZER_VERSION = "8"  # bump whenever an analyzer's output changes: every session is analyzed again


class ProjectRules:
    """A project's rules file: its text (None: there is none or it cannot be read) and digest."""

    __slots__ = ("_rules", "digest", "path", "text")

    def __init__(self, path: str | None, text: str | None, digest: str) -> None:
        self.path = path
        self.text = text
        self.digest = digest
        self._rules: Sequence[Rule] | None = None

    def rules(self, problems: list[str]) -> Sequence[Rule]:
        """The file's rules merged with the defaults; the defaults alone when there is no file
        or it cannot be used (the reason goes to `problems`). Parsed on first use only."""
        if self._rules is None:
            from lessonloop.analyze.workflow import DEFAULT_RULES, RulesError, rules_from_file_text

            self._rules = DEFAULT_RULES
            if self.text is not None and self.path is not None:
                try:
                    self._rules = rules_from_file_text(self.text, self.path)
                except RulesError as exc:
                    problems.append(f"{exc}; using the defaults")
        return self._rules


def project_rules_file(project: str | None, problems: list[str]) -> ProjectRules:
    """The project's `.lessonloop/workflow.toml`, read but not parsed: sessions whose inputs and
    rules text did not change are skipped without loading any analyzer."""
    if project:
        path = os.path.join(project, RULES_FILE)
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot read workflow rules ({exc}); using the defaults")
        else:
            return ProjectRules(path, text, blake2b_hex(text.encode(), 8))
    return ProjectRules(None, None, "defaults")


def mark_parts(conn: sqlite3.Connection, home: str, problems: list[str]) -> list[Any]:
    """What checking every session depends on (see the module's docstring), as JSON-ready parts:
    lessonloop's and the analyzer's versions, the home folder, the rowid marks, the change log's
    position, each project's rules digest, and the name of the row at each mark."""
    rules = [[project, project_rules_file(project, problems).digest] for project in main_session_projects(conn)]
    rowids = analysis_state.high_rowids(conn)
    return [
        __version__,
        ANALYZER_VERSION,
        home,
        rowids,
        changes_seq(conn),
        rules,
        analysis_state.mark_keys(conn, rowids),
    ]


def marks_digest(parts: list[Any]) -> str:
    return blake2b_hex(repr(parts).encode("utf-8", "replace"), 16)


def store_marks(conn: sqlite3.Connection, home: str, problems: list[str]) -> str:
    """A digest of what checking every session depends on (see the module's docstring)."""
    return marks_digest(mark_parts(conn, home, problems))


def analysis_is_current(conn: sqlite3.Connection, home: str | None = None) -> bool:
    """Whether nothing was added or changed since the last check of every session's analysis."""
    marks = store_marks(conn, home if home is not None else os.path.expanduser("~"), [])
    return analysis_state.checked_marks(conn) == marks


def sessions_to_check(conn: sqlite3.Connection, kept: str | None, parts: list[Any]) -> set[str] | None:
    """The sessions (ids as stored: main sessions, subagents, and ids no longer stored) whose
    analysis may have changed since the check that kept the marks `kept` (JSON parts), the
    marks being `parts` now: those with rows past its rowid marks or in the change log after
    it, and every main session of a project whose rules changed. None when every session is to
    be checked (no parts kept, another version or home, the change log cleared past them, a row
    at a mark gone or another: its rowid may be given to a new row below the mark)."""
    if kept is None:
        return None
    import json  # only when marks were kept and moved: the hooks' and reads' checks never get here

    try:
        version, analyzer, home, rowids, seq, rules, keys = json.loads(kept)
        marks = [int(mark) for mark in rowids]
        before = dict(rules)
    except (ValueError, TypeError):
        return None
    if [version, analyzer, home] != parts[:3] or not isinstance(seq, int) or seq > parts[4]:
        return None
    if len(marks) != len(parts[3]) or not isinstance(keys, list) or len(keys) != len(marks):
        return None  # marks of other tables than this version marks
    if analysis_state.mark_keys(conn, marks) != keys:
        return None  # a row at or below a mark was deleted and its rowid may be given again (or a VACUUM)
    found = analysis_state.sessions_past(conn, marks, seq, parts[4])
    if found is None:
        return None
    changed = [project for project, digest in parts[5] if before.get(project) != digest]
    if changed:
        found |= analysis_state.main_sessions_of(conn, changed)
    return found
