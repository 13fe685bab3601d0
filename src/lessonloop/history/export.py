"""Commits as a kind of `lessonloop dataset export` (core/wing.py's EXPORT_KINDS; `lessonloop
ingest --git`, docs/git.md): the message, a diff summary
(one line per file: status, path, lines added and removed), the files with their changes, the
author's hour and weekday in their own time zone, the conventional type and scope, and the
sessions linked to the commit (docs/git.md, "Links": the session ids strongest first, and each
link's evidence and strength) and the later commits that undid it. The author's name is not
exported: `author_key` (a keyed hash of the address, per store) groups one author's commits."""

from __future__ import annotations

import sqlite3
from typing import Any

from lessonloop.history import export_queries as queries
from lessonloop.history.export_queries import has_commits
from lessonloop.history.store.link_reader import commit_sessions, has_links
from lessonloop.report.record_fields import ExportKind, flag, moment, number, structs, text, texts, whole
from lessonloop.report.record_filter import ExportFilter, weight

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def commit_rows(conn: sqlite3.Connection, keep: ExportFilter) -> list[dict[str, Any]]:
    """The commits `keep` keeps (by repository, the project a session in it has, and author
    time), oldest first (author time, repository, hash). Commits carry no rating."""
    if not has_commits(conn):
        return []
    files: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for repository, commit, path, old_path, status, added, removed, binary in queries.commit_files(conn):
        files.setdefault((repository, commit), []).append(
            {
                "path": path,
                "old_path": old_path,
                "status": status,
                "insertions": added,
                "deletions": removed,
                "binary": bool(binary),
            }
        )
    links = commit_sessions(conn) if has_links(conn) else {}
    rows: list[dict[str, Any]] = []
    for values in queries.commits(conn):
        (repository, root, commit, parents, merge, branch, author, authored, hour, weekday) = values[:10]
        subject, message, cc_type, cc_scope, breaking, added, removed = values[10:]
        if not keep.keeps(root, authored, None):
            continue
        changes = files.get((repository, commit), [])
        linked = links.get((root, commit), [])
        rows.append(
            {
                "id": commit,
                "repository": root,
                "timestamp": authored,
                "hour_of_day": hour,
                "day_of_week": WEEKDAYS[weekday] if 0 <= weekday < 7 else None,
                "branch": branch,
                "is_merge": bool(merge),
                "parents": parents.split(),
                "author_key": author,
                "subject": subject,
                "message": message,
                "type": cc_type,
                "scope": cc_scope,
                "breaking": bool(breaking),
                "files": [change["path"] for change in changes],
                "insertions": added,
                "deletions": removed,
                "diff_summary": diff_summary(changes),
                "file_changes": changes,
                "sessions": list(dict.fromkeys(link.session_id for link in linked)),
                "session_links": [
                    {"session_id": link.session_id, "evidence": link.evidence, "strength": link.strength}
                    for link in linked
                ],
                "rolled_back_by": [undone["hash"] for undone in linked[0].undone_by] if linked else [],
                "weight": weight(None),
            }
        )
    return rows


def diff_summary(changes: list[dict[str, Any]]) -> str:
    """One line per file, as `git diff --numstat` with the status: `M +3 -1 src/a.py`, a rename
    `R +0 -0 old.py -> new.py`, a binary file `M bin logo.png`."""
    lines = []
    for change in changes:
        counts = "bin" if change["binary"] else f"+{change['insertions'] or 0} -{change['deletions'] or 0}"
        path = f"{change['old_path']} -> {change['path']}" if change["old_path"] else change["path"]
        lines.append(f"{change['status']} {counts} {path}")
    return "\n".join(lines)


KIND = ExportKind(
    fields=(
        text("id"),
        text("repository"),
        moment("timestamp"),
        whole("hour_of_day"),
        text("day_of_week"),
        text("branch"),
        flag("is_merge"),
        texts("parents"),
        text("author_key"),
        text("subject"),
        text("message"),
        text("type"),
        text("scope"),
        flag("breaking"),
        texts("files"),
        whole("insertions"),
        whole("deletions"),
        text("diff_summary"),
        structs(
            "file_changes",
            text("path"),
            text("old_path"),
            text("status"),
            whole("insertions"),
            whole("deletions"),
            flag("binary"),
        ),
        texts("sessions"),
        structs("session_links", text("session_id"), text("evidence"), number("strength")),
        texts("rolled_back_by"),
        number("weight"),
    ),
    rows=commit_rows,
    description=(
        "Git commits: message, conventional type and scope, a diff summary, the files changed with their "
        "line counts, the author's hour and weekday in their own time zone, and the sessions linked to them."
    ),
)
