"""The ingest summary as plain text: a few lines, printed without loading a table library."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.report.render import short_path

if TYPE_CHECKING:
    from lessonloop.pipeline.ingest import IngestSummary

MAX_LISTED_PROBLEMS = 20


def ingest_summary_text(summary: IngestSummary) -> str:
    """The ingest summary as plain text: a few lines, printed without loading a table library."""
    out: list[str] = []
    if summary.used_sample:
        out.append(
            "No agent transcripts found in " + ", ".join(short_path(p, 60) for p in summary.searched) + ".\n"
            "Ingested the bundled sample instead so you can try lessonloop; it is replaced\n"
            "automatically once real transcripts are ingested. Transcripts elsewhere (Aider keeps\n"
            "its history in each project folder): `lessonloop ingest FOLDER`, or list the folders\n"
            "once with `lessonloop config set capture.paths FOLDER ...`.\n"
        )
    removed = summary.sample_removed
    if removed is not None:
        note = f"Real transcripts replace the bundled sample: its {removed.sessions} sessions were removed"
        if removed.lessons_removed:
            note += f", with the {removed.lessons_removed} lesson(s) learned only from them"
        if removed.lessons_recounted:
            note += f"; {removed.lessons_recounted} lesson(s) seen elsewhere too are counted without them"
        out.append(note + ".\n")
    files = f"{summary.files_found} found, {summary.files_read} read, {summary.files_unchanged} unchanged"
    if summary.files_replaced:
        files += f", {summary.files_replaced} re-read (truncated or rewritten)"
    if summary.files_failed:
        files += f", {summary.files_failed} unreadable"
    if summary.files_nothing_read:
        files += f", {summary.files_nothing_read} with no readable record"
    if summary.other_formats:
        files += f", {len(summary.other_formats)} not read (other formats)"
    for unit_group in summary.unit_groups:  # counted as the sessions they hold: say what they were made of
        files += (
            f"; {unit_group.name}: {unit_group.units} session{'' if unit_group.units == 1 else 's'}"
            f" read whole from {unit_group.files} file{'' if unit_group.files == 1 else 's'}"
        )
    rows = [
        ("files", files),
        (
            "sessions",
            f"{len(summary.main_sessions)} with new records (+{len(summary.subagent_sessions)} subagent contexts)",
        ),
        ("records", _records(summary)),
        ("messages", f"{summary.messages:,} ({summary.prompts:,} typed prompts)"),
        ("tool calls", f"{summary.tool_calls:,}"),
        ("errors", f"{summary.tool_errors:,}"),
        ("problems", f"{len(summary.problems):,}"),
    ]
    if summary.redactions:
        rows.append(("secrets", f"{summary.redactions:,} redacted before storing"))
    rows.append(
        ("read", f"{summary.bytes_read / 1e6:.1f} MB in {summary.seconds:.2f} s ({summary.mb_per_second:.1f} MB/s)")
    )
    out.extend(f"{label:<11} {value}" for label, value in rows)
    for title, items in (
        (f"Problems ({len(summary.problems)}; nothing else was affected):", summary.problems),
        (f"Notices ({len(summary.notices)}; nothing lost):", summary.notices),
    ):
        if not items:
            continue
        out.append("")
        out.append(title)
        for problem in items[:MAX_LISTED_PROBLEMS]:
            place = short_path(problem.path, 70) + (f":{problem.line}" if problem.line else "")
            out.append(f"  {place}  {problem.code}  {problem.detail}")
        if len(items) > MAX_LISTED_PROBLEMS:
            out.append(f"  ... and {len(items) - MAX_LISTED_PROBLEMS} more (use --json for all)")
    groups = summary.other_format_groups()
    if groups:
        out.append("")
        out.append(f"Not read ({len(summary.other_formats)} file(s) in formats lessonloop does not read):")
        for group in groups[:MAX_LISTED_PROBLEMS]:
            out.append(f"  {short_path(group.where, 70)}  {group.detail}")
    if summary.pending:
        out.append("")
        out.append(f"{len(summary.pending)} last line(s) not complete yet (no newline); read on a later run:")
        for pending in summary.pending[:MAX_LISTED_PROBLEMS]:
            out.append(f"  {short_path(pending.path, 70)}:{pending.line} ({pending.bytes:,} bytes)")
    return "\n".join(out)


def _records(summary: IngestSummary) -> str:
    """ "N of M lines" where each record is a line (JSONL, Markdown); JSON documents (a Gemini CLI
    chat) and databases (OpenCode) hold records without lines."""
    if summary.records <= summary.lines:
        return f"{summary.records:,} of {summary.lines:,} lines"
    return f"{summary.records:,} (from {summary.lines:,} lines of text, and JSON documents or databases)"
