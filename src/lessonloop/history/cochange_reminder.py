"""The co-change reminder, given after a successful edit or write (PostToolUse's additionalContext):
the history wing's step after an edit (core/wing.py's after_edit; apply/hooks/post_tool.py runs
it and records what it says).

When the stored git history (`lessonloop ingest --git`, the post-commit hook) of the repository
holding the edited file shows partners that change with it strongly enough (history/cochange.py:
support and confidence thresholds) and the session has not changed them, the agent is told which,
once per partner and session. Why after the edit and not at the end of the turn: Claude Code's
Stop hook reaches the model only by blocking the stop (the agent must go on working), too much for
a reminder that is wrong about one time in five; the next UserPromptSubmit comes after the
person has read the turn's answer and may be about something else. PostToolUse's
additionalContext reaches the model while the change is being made, at the edit that calls for it,
and costs one indexed query when it says nothing.

Each reminder is recorded in hook_decisions (event PostToolUse, action remind, no lesson ids, the
(file, partner, support, confidence) list in its detail under "cochange"): that is also how a
partner is named once per session. Partners no longer in the working tree are not named. On the
hook's path: stdlib only (its module is imported only to run the step: its imports at the top,
which the hook server imports once, hook_server.py).
"""

from __future__ import annotations

import os
import sqlite3

from lessonloop.history.cochange import MAX_COMMIT_FILES, MAX_REMINDERS, reminder_text, reminders
from lessonloop.history.store.cochange import (
    absolute_paths,
    cochange_counts,
    relative_to,
    reminded_partners,
    repository_of,
    session_changed_files,
)


def cochange_reminder(
    conn: sqlite3.Connection, session_id: str, target: str, cwd: str | None
) -> tuple[str, dict[str, object]] | None:
    """(the reminder's text, its detail: {"cochange": [file, partner, support, confidence] rows})
    for the file the session just changed, or None when there is nothing to say."""
    path = absolute_paths(cwd, [target])[0]
    repository = repository_of(conn, path)
    if repository is None:
        path = os.path.realpath(path)
        repository = repository_of(conn, path)
        if repository is None:
            return None
    repository_id, root = repository
    file = relative_to(root, path)
    if file is None:
        return None
    counts = cochange_counts(conn, repository_id, [file], MAX_COMMIT_FILES)
    if not counts:
        return None
    changed = {file}
    for other in absolute_paths(cwd, session_changed_files(conn, session_id)):
        relative = relative_to(root, other) or relative_to(root, os.path.realpath(other))
        if relative is not None:
            changed.add(relative)
    already = reminded_partners(conn, session_id, "PostToolUse")
    found = [
        r for r in reminders(counts, changed, already, limit=None) if os.path.exists(os.path.join(root, r.partner))
    ]
    found = found[:MAX_REMINDERS]
    if not found:
        return None
    rows: list[list[object]] = [[r.file, r.partner, r.support, round(r.confidence, 4)] for r in found]
    return reminder_text(found), {"cochange": rows}
