"""What `lessonloop cleanup` says, as text and as --json: the wings' parts first (core/wing.py's
retention: the runs), the sessions and commits deleted, what was kept because something learned still
needs it (store/removal/needs.py, history/session_retention.py), and every kind of row deleted, one line per table with its
count, the runs' tables with the others. A dry run says the same of what it would do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.report.render import local_time

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Protocol

    from lessonloop.store.removal.retention import HistoryCleanupResult

    class Part(Protocol):
        """A wing's part of cleanup (core/wing.py's retention)."""

        @property
        def deleted(self) -> dict[str, int]: ...

        def to_json(self) -> dict[str, Any]: ...

        def text(self) -> str: ...


INCLUDE_NEEDED_HINT = (
    "--include-needed deletes what is kept too, with the lessons it holds the last evidence of, and "
    "drops the file models that learned from it (learned again from what is left at the next `files predict`)."
)


def deleted_rows(parts: Sequence[Part], history: HistoryCleanupResult) -> dict[str, int]:
    """Every table cleanup deletes rows of (or would), with the count, those with none left out."""
    rows: dict[str, int] = {}
    for deleted in [*(part.deleted for part in parts), history.deleted]:
        for table, n in deleted.items():
            if n:
                rows[table] = rows.get(table, 0) + n
    return dict(sorted(rows.items()))


def cleanup_json(parts: Sequence[Part], history: HistoryCleanupResult, older_than: tuple[str, str]) -> dict[str, Any]:
    """--json: the wings' parts at the top (the runs' counts, as `runs cleanup` gives them), then
    the sessions and commits, and `deleted`: the rows per table, the parts' included."""
    data: dict[str, Any] = {}
    for part in parts:
        data.update(part.to_json())
    data.update(history.to_json())
    data["sessions"]["older_than"] = older_than[0]
    data["commits"]["older_than"] = older_than[1]
    data["deleted"] = deleted_rows(parts, history)
    return data


def history_text(result: HistoryCleanupResult, sessions_older_than: str, commits_older_than: str) -> list[str]:
    """The sessions and the commits deleted, and those kept though older than their retention."""
    verb = "Would delete" if result.dry_run else "Deleted"
    since = f" (last active before {local_time(result.sessions_cutoff)})" if result.sessions_cutoff else ""
    count = len(result.sessions)
    if count:
        lines = [f"{verb} {count:,} session(s) older than {sessions_older_than}{since}:"]
        lines.extend(f"  {session_id}" for session_id in result.sessions[:10])
        if count > 10:
            lines.append(f"  ... and {count - 10:,} more")
        if not result.dry_run:
            lines.append("(`lessonloop ingest --reread` brings them back from their files, while those exist.)")
    elif result.sessions_kept or result.sessions_kept_for_lessons:
        lines = [f"No sessions older than {sessions_older_than}{since} to delete."]
    else:
        lines = [f"No sessions older than {sessions_older_than}{since}: nothing to delete."]
    if result.sessions_kept:
        roots = sorted({root for roots in result.sessions_kept.values() for root in roots})
        lines.append(
            f"Kept {len(result.sessions_kept):,} session(s) older than {sessions_older_than}: the file "
            f"model{'s' if len(roots) > 1 else ''} of {', '.join(roots)} may have learned from them."
        )
    if result.sessions_kept_for_lessons:
        lessons = {lesson for ids in result.sessions_kept_for_lessons.values() for lesson in ids}
        lines.append(
            f"Kept {len(result.sessions_kept_for_lessons):,} session(s) older than {sessions_older_than}: "
            f"they hold the last evidence of {len(lessons):,} learned lesson(s), which would be deleted "
            "with them (and not learned again)."
        )
    since = f" (committed before {local_time(result.commits_cutoff)})" if result.commits_cutoff else ""
    kept = result.commits_kept
    if result.commits:
        lines.append(f"{verb} {result.commits:,} commit(s) older than {commits_older_than}{since}.")
    elif kept.count:
        lines.append(f"No commits older than {commits_older_than}{since} to delete.")
    else:
        lines.append(f"No commits older than {commits_older_than}{since}: nothing to delete.")
    if kept.count:
        reasons = [f"{n:,} learned by the file model of {root}" for root, n in kept.by_models.items()]
        if kept.by_links:
            reasons.append(f"{kept.by_links:,} linked to sessions that stay")
        lines.append(f"Kept {kept.count:,} commit(s) older than {commits_older_than}: {'; '.join(reasons)}.")
    if result.sessions_kept or result.sessions_kept_for_lessons or kept.count:
        lines.append(INCLUDE_NEEDED_HINT)
    if result.file_models_dropped:
        lines.append(
            ("Would drop" if result.dry_run else "Dropped")
            + f" the file model of {', '.join(result.file_models_dropped)}: it learned from what "
            + ("would be" if result.dry_run else "was")
            + " deleted (learned again from what is left at the next `files predict`)."
        )
    return lines


def cleanup_report(parts: Sequence[Part], history: HistoryCleanupResult, older_than: tuple[str, str]) -> str:
    """The whole text: the wings' parts (the runs' line), the sessions and commits, every table's rows."""
    texts = [part.text() for part in parts]
    lines = [*texts, *history_text(history, older_than[0], older_than[1])]
    rows = deleted_rows(parts, history)
    if rows:
        width = max(len(table) for table in rows)
        lines.append("Rows " + ("that would be deleted:" if history.dry_run else "deleted:"))
        lines.extend(f"  {table:<{width}}  {n:>9,}" for table, n in rows.items())
    if history.lessons_forgotten:
        lines.append(
            f"{history.lessons_forgotten:,} learned lesson(s) had no other evidence and "
            + ("would be deleted." if history.dry_run else "were deleted.")
        )
    if history.dry_run and rows and not any("Dry run: nothing was deleted." in text for text in texts):
        lines.append("Dry run: nothing was deleted.")
    return "\n".join(lines)
