"""A transcript read again finds less than it stored: what ingest says, once, naming the file.

Every agent's files but Aider's histories (pipeline/damaged_files.py): what the file stored is kept
(store/sessions/kept_rows.py), and
- a file read line by line (a Claude Code transcript, a Codex rollout, a Copilot CLI events.jsonl)
  that is shorter than what was read of it, or whose bytes read changed, is read again from its
  start: a "damaged-file" problem names it, what was wrong and the rows kept; the problems of its
  lines (invalid JSON or UTF-8, a record of the wrong shape) follow with their line numbers;
- a unit read again whole (a Gemini CLI chat, an OpenCode session, a TypeScript Codex rollout)
  that no longer holds rows it stored: a "damaged-file" problem when the read found damage (its
  first problem is the cause), else a "rows-kept" notice (a chat rewound by a rewrite, a part file
  deleted).
The file's new state is stored with the read, so the next ingest finds it unchanged: said once.
"""

from __future__ import annotations

from lessonloop.core.records import Batch, Problem
from lessonloop.store.sessions.kept_rows import RowCounts

CODE = "damaged-file"
KEPT_CODE = "rows-kept"


def line_file_damage(path: str, reason: str, stored: RowCounts) -> Problem:
    """A file read line by line found damaged (`reason`), read again from its start."""
    kept = f"what it stored before is kept ({stored.words()})" if stored.any else "nothing was stored from it"
    return Problem(path, None, CODE, f"damaged: {reason}; {kept}; the lines that can still be read are read again")


def unit_damage(path: str, batch: Batch, missing: RowCounts) -> Problem | None:
    """A unit read again whole that lacks `missing`, rows it stored: what to say (None: nothing)."""
    if not missing.any:
        return None
    kept = f"what it stored before and no longer holds is kept ({missing.words()})"
    errors = [p for p in batch.problems if p.severity == "error"]
    if not errors:
        return Problem(path, None, KEPT_CODE, f"read again (rewound, parts deleted, or damaged): {kept}", "notice")
    first = errors[0]
    where = "" if first.path == path else f" in {first.path}"
    if first.line is not None:
        where += f" line {first.line:,}"
    more = f" (and {len(errors) - 1:,} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return Problem(
        path, first.line if first.path == path else None, CODE, f"damaged{where}: {first.detail}{more}; {kept}"
    )
