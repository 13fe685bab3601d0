"""The ingest's text: its figures in a few lines (printed without loading a table library), what
went wrong and was learned, and the next steps (cli/ingest_next_steps.py), at most SCREEN lines
in all; a run that read nothing new says so in a line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.report.render import short_path

if TYPE_CHECKING:
    from collections import Counter

    from lessonloop.pipeline.findings_import import ImportResult
    from lessonloop.pipeline.ingest import IngestSummary
    from lessonloop.pipeline.ingest_job import IngestReport
    from lessonloop.report.ingest_overview_queries import IngestOverview

MAX_LISTED_PROBLEMS = 20
SCREEN = 25  # the most lines an ingest prints (its listings of problems are cut to fit; --json has them all)


def ingest_report_text(report: IngestReport, overview: IngestOverview | None, width: int = 100) -> str:
    """The whole ingest as text: the figures, the projects, the results imported, the wings'
    sections (the commits linked), the analysis and learning, then the next steps; one line when nothing new was read."""
    summary = report.summary
    if summary is not None and _nothing_new(report):
        return "\n".join(_quiet_lines(report, overview))
    fixed = _report_lines(report, overview, width, listed=0)
    room = max(0, SCREEN - len(fixed))
    return "\n".join(_report_lines(report, overview, width, listed=room))


def _report_lines(report: IngestReport, overview: IngestOverview | None, width: int, listed: int) -> list[str]:
    from lessonloop.cli.lesson_commands import learn_run_text
    from lessonloop.report.analysis_render import analysis_run_text

    out: list[str] = []
    if report.summary is not None:
        agents = overview.agents if overview is not None else None
        out.extend(ingest_summary_text(report.summary, agents=agents, listed=listed).split("\n"))
    projects = report.projects.summary_text() if report.projects is not None else None
    if projects:
        out.append(projects)
    out.extend(_import_text(result) for result in report.imports)
    out.extend(text for text in (section.section_text() for section in report.sections.values()) if text)
    done = [analysis_run_text(report.analysis)] if report.analysis is not None else []
    if report.learning is not None:
        done.append(learn_run_text(report.learning))
    if done:
        out.append(" ".join(done))
    if overview is not None:
        from lessonloop.cli.ingest_next_steps import next_steps

        sample = report.summary is not None and report.summary.used_sample
        steps = next_steps(overview, width, sample=sample)
        if steps:
            out.append("")
            out.extend(steps)
    return out


def _nothing_new(report: IngestReport) -> bool:
    """Nothing read, replaced or imported, no problem to report, nothing analyzed or learned."""
    summary = report.summary
    assert summary is not None
    return (
        summary.records == 0
        and not summary.files_read
        and not summary.files_replaced
        and not summary.files_failed
        and not summary.problems
        and not summary.capture_disabled
        and summary.sample_removed is None
        and not report.imports
        and (report.analysis is None or not report.analysis.analyzed)
        and (report.learning is None or report.learning.skipped)
    )


def _quiet_lines(report: IngestReport, overview: IngestOverview | None) -> list[str]:
    """An ingest that found nothing new: a line (two when the store holds only the sample)."""
    summary = report.summary
    assert summary is not None
    unchanged = summary.files_unchanged
    files = f"{unchanged:,} file{'' if unchanged == 1 else 's'} unchanged"
    if summary.other_formats:
        files += f" ({len(summary.other_formats):,} more in formats lessonloop does not read)"
    if summary.pending:
        files += f"; {len(summary.pending):,} last line(s) still being written, read on a later run"
    if summary.notices:
        files += f"; {len(summary.notices):,} notice(s), nothing lost (`lessonloop ingest --json` lists them)"
    held = ""
    if overview is not None:
        held = (
            f"; the store holds {overview.stored_sessions:,} session{'' if overview.stored_sessions == 1 else 's'}"
            f" and {overview.stored_lessons:,} lesson{'' if overview.stored_lessons == 1 else 's'} in use or pending"
        )
    out = [f"Nothing new since the last ingest: {files}{held}."]
    if summary.used_sample:
        out.append(
            "That is the bundled sample: no agent transcripts were found in their usual places. "
            "`lessonloop ingest FOLDER` reads transcripts kept elsewhere."
        )
    out.extend(text for text in (section.quiet_text() for section in report.sections.values()) if text)
    return out


def _import_text(result: ImportResult) -> str:
    text = f"Imported {result.path} ({result.format}): {result.findings} findings, {result.matched} matched to sessions"
    if result.tests is not None:
        text += f"; {result.tests} tests, {result.failures} failed"
    for problem in result.problems:
        text += f"\n  {problem.severity}: {problem.code}: {problem.detail}"
    return text + "."


def ingest_summary_text(
    summary: IngestSummary,
    *,
    agents: Counter[str] | None = None,
    listed: int = MAX_LISTED_PROBLEMS,
) -> str:
    """What an ingest read, in a few lines: the sample's note, the figures (`agents`: the main
    sessions read by agent), then the problems, notices, files not read and last lines pending,
    `listed` lines of them at most in all (the rest counted, `--json` lists them)."""
    out: list[str] = []
    if summary.used_sample:
        out.append(
            "No agent transcripts found in " + ", ".join(short_path(p, 60) for p in summary.searched) + ".\n"
            "Ingested the bundled sample instead so you can try lessonloop; it is replaced\n"
            "automatically once real transcripts are ingested. Transcripts elsewhere"
            + _in_projects()
            + ": `lessonloop ingest FOLDER`, or list the folders\n"
            "once with `lessonloop config set capture.paths FOLDER ...`."
        )
    removed = summary.sample_removed
    if removed is not None:
        note = f"Real transcripts replace the bundled sample: its {removed.sessions} sessions were removed"
        if removed.lessons_removed:
            note += f", with the {removed.lessons_removed} lesson(s) learned only from them"
        if removed.lessons_recounted:
            note += f"; {removed.lessons_recounted} lesson(s) seen elsewhere too are counted without them"
        out.append(note + ".")
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
    sessions = (
        f"{len(summary.main_sessions):,} with new records (+{len(summary.subagent_sessions):,} subagent contexts)"
    )
    if agents:
        sessions += ": " + ", ".join(f"{agent} {n:,}" for agent, n in agents.most_common())
    messages = (
        f"{summary.messages:,} ({summary.prompts:,} typed prompts); tool calls {summary.tool_calls:,}; "
        f"errors {summary.tool_errors:,}; problems {len(summary.problems):,}"
    )
    if summary.redactions:
        messages += f"; secrets {summary.redactions:,} redacted before storing"
    if summary.texts_later:
        many = f"{summary.texts_later:,} file{'' if summary.texts_later == 1 else 's'}"
        messages += f"; the texts of {many} stored next, redacted, in the background"
    rows = [("files", files), ("sessions", sessions), ("messages", messages)]
    rows.append(
        (
            "read",
            f"{summary.bytes_read / 1e6:.1f} MB in {summary.seconds:.2f} s ({summary.mb_per_second:.1f} MB/s): "
            f"records {_records(summary)}",
        )
    )
    out.extend(f"{label:<11} {value}" for label, value in rows)
    room = listed  # lines for the items listed below their headings
    sections: list[tuple[str, list[str]]] = []
    for title, items in (
        (f"Problems ({len(summary.problems)}; nothing else was affected):", summary.problems),
        (f"Notices ({len(summary.notices)}; nothing lost):", summary.notices),
    ):
        lines = [f"  {short_path(p.path, 40)}{f':{p.line}' if p.line else ''}  {p.code}  {p.detail}" for p in items]
        sections.append((title, lines))
    groups = summary.other_format_groups()
    sections.append(
        (
            f"Not read ({len(summary.other_formats)} file(s) in formats lessonloop does not read):",
            [f"  {short_path(group.where, 40)}  {group.detail}" for group in groups],
        )
    )
    sections.append(
        (
            f"{len(summary.pending)} last line(s) not complete yet (no newline); read on a later run:",
            [f"  {short_path(p.path, 70)}:{p.line} ({p.bytes:,} bytes)" for p in summary.pending],
        )
    )
    for title, lines in sections:
        if not lines:
            continue
        shown = (
            lines
            if len(lines) <= min(room, MAX_LISTED_PROBLEMS)
            else lines[: max(0, min(room, MAX_LISTED_PROBLEMS) - 1)]
        )
        if not shown:
            out.append(f"{title} `lessonloop ingest --json` lists them")
            continue
        out.append(title)
        out.extend(shown)  # whole: a problem's detail says what to do
        room -= len(shown)
        if len(lines) > len(shown):
            out.append(f"  ... and {len(lines) - len(shown)} more (use --json for all)")
            room -= 1
    return "\n".join(out)


def _records(summary: IngestSummary) -> str:
    """ "N of M lines" where each record is a line (JSONL, Markdown); JSON documents (a Gemini CLI
    chat) and databases (OpenCode) hold records without lines."""
    if summary.records <= summary.lines:
        return f"{summary.records:,} of {summary.lines:,} lines"
    return f"{summary.records:,} (from {summary.lines:,} lines of text, and JSON documents or databases)"


def _in_projects() -> str:
    """The agents that keep their histories in each project's folder, in the sample's note."""
    from lessonloop.capture.agents import adapters

    names = [adapter.name for adapter in adapters() if adapter.places_in_projects]
    if not names:
        return ""
    keep = "keeps its history" if len(names) == 1 else "keep their histories"
    return f" ({' and '.join(names)} {keep}\nin each project folder)"
