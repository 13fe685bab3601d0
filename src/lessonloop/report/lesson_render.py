"""Terminal rendering of lessons: the `lessons list` table and everything `lessons show` says
about one lesson (why it exists, how sure it is, what happened to it). JSON does not come here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from lessonloop.core.terminal_text import printable
from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.provenance import may_deny, short
from lessonloop.report.render import local_time, one_line, short_path, short_session
from lessonloop.secrets.redaction import redact_shown as redact  # what is shown, exported or sent: the rules alone

if TYPE_CHECKING:
    from rich.console import Console

    from lessonloop.report.prevention_queries import LessonPrevention
    from lessonloop.store.lessons.reader import ConfidenceExplained, EventRow, EvidenceRow, LessonDetail, LessonRow

TITLE_WIDTH = 70
SHOWN_PER_ROLE = 10  # evidence rows printed per role (--json has them all)
_STATUS_STYLE = {"active": "green", "pending": "yellow", "rejected": "red", "archived": "dim"}


def scope_text(lesson: LessonRow) -> str:
    """The scope in a word: "global", or the project's folder name."""
    if lesson.scope == "global" or not lesson.project:
        return "global"
    return lesson.project.rstrip("/").rsplit("/", 1)[-1] or lesson.project


LIST_NAMES = ("ID", "TIER", "STATUS", "CONF", "SEEN", "SEVERITY", "SCOPE", "FROM")
_RIGHT = frozenset({"ID", "CONF", "SEEN"})
_GAP = 2  # spaces between two columns


def render_lesson_list(console: Console, lessons: Sequence[LessonRow], statuses: Sequence[str] | None) -> None:
    """The lessons as a table: id, tier, status, confidence, seen, severity, scope, where it came from, title.

    Each short column is as wide as its widest cell; the title gives way on a narrow terminal. The
    lines are laid out here, cell by cell (rich's Table measured and rendered every cell of
    thousands of rows: 6.5 s for 10,000 pending lessons), and written as styled segments; a
    terminal too narrow for the title's 8 columns gets rich's Table, which squeezes the others.
    Every text is redacted again and cleaned of escape sequences (the cells bypass the console's
    own cleaning)."""
    if not lessons:
        shown = "any status" if not statuses else "status " + ", ".join(statuses)
        console.print(f"No lessons with {shown} match. `lessonloop learn` learns them from the stored sessions.")
        return
    from rich.cells import cell_len

    rows = [_list_cells(lesson) for lesson in lessons]
    widths = [max(len(name), *(cell_len(row[i]) for row in rows)) for i, name in enumerate(LIST_NAMES)]
    room = console.width - sum(widths) - _GAP * len(LIST_NAMES)
    if room < 8:
        _rich_table(console, lessons, rows, widths, room)
    else:
        _laid_out(console, lessons, rows, widths, room)
    console.print(
        f"[dim]{len(lessons)} lesson(s). CONF: confidence when last learned (recall shows it decayed to today); "
        "SEEN: sessions where it failed / sessions with its trigger. `lessonloop lessons show ID` says why one "
        "exists, `lessonloop glossary` what tiers and statuses mean.[/]"
    )


def _clean(text: str) -> str:
    """A cell's text as it may be shown: redacted again, no escape sequence or control character."""
    return printable(redact(text)[0], layout=False) if text else text


def _list_cells(lesson: LessonRow) -> list[str]:
    """The list's cells of one lesson, the title last (not yet cut to its column)."""
    title = lesson.title
    if lesson.unreadable is not None:
        what = "trigger" if lesson.unreadable.startswith("trigger:") else "fields"
        title = f"(unreadable {what}) {title}"
    return [
        str(lesson.id),
        _clean(lesson.tier),
        _clean(lesson.status),
        f"{lesson.confidence:.2f}",
        f"{lesson.failed_sessions}/{lesson.sessions}",
        _clean(lesson.severity),
        one_line(_clean(scope_text(lesson)), 16),
        one_line(_clean(short(lesson.origin, lesson.author)), 14),
        one_line(_clean(title), TITLE_WIDTH),
    ]


def _laid_out(
    console: Console, lessons: Sequence[LessonRow], rows: list[list[str]], widths: list[int], room: int
) -> None:
    """The table as rich's Table draws it (no box, bold header, a status coloured), each line
    made of segments here."""
    from rich.cells import cell_len, set_cell_size
    from rich.segment import Segment
    from rich.style import Style

    title_width = min(max(len("TITLE"), *(cell_len(row[-1]) for row in rows)), room)
    bold, plain = Style(bold=True), Style()
    styles = {status: Style.parse(style) for status, style in _STATUS_STYLE.items()}
    gap = Segment(" " * _GAP)

    def padded(text: str, width: int, right: bool) -> str:
        size = cell_len(text)
        if size > width:  # only the title can be wider than its column: cut with an ellipsis
            return set_cell_size(text, width - 1) + "…"
        return " " * (width - size) + text if right else text + " " * (width - size)

    header: list[Segment] = []
    for i, name in enumerate((*LIST_NAMES, "TITLE")):
        width = widths[i] if i < len(LIST_NAMES) else title_width
        header.append(Segment(padded(name, width, name in _RIGHT) + (" " * _GAP if i < len(LIST_NAMES) else ""), bold))
    lines = [header]
    for lesson, row in zip(lessons, rows, strict=True):
        line: list[Segment] = []
        for i, name in enumerate(LIST_NAMES):
            cell = padded(row[i], widths[i], name in _RIGHT)
            if name == "STATUS":
                line.append(Segment(row[i], styles.get(lesson.status, plain)))
                line.append(Segment(cell[len(row[i]) :]))
            else:
                line.append(Segment(cell))
            line.append(gap)
        line.append(Segment(padded(row[-1], title_width, False)))
        lines.append(line)
    console.print(_Lines(lines), crop=False)


class _Lines:
    """Lines of segments, printed as they are (rich measures and wraps nothing)."""

    def __init__(self, lines: list[list[Any]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: Any) -> Any:
        from rich.segment import Segment

        newline = Segment.line()
        for line in self.lines:
            yield from line
            yield newline


def _rich_table(
    console: Console, lessons: Sequence[LessonRow], rows: list[list[str]], widths: list[int], room: int
) -> None:
    """The table through rich's Table, which squeezes columns on a terminal too narrow for them."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for name, width in zip(LIST_NAMES, widths, strict=True):
        table.add_column(name, justify="right" if name in _RIGHT else "left", no_wrap=True, min_width=width)
    table.add_column("TITLE", no_wrap=True, overflow="ellipsis", max_width=max(8, room))
    for lesson, row in zip(lessons, rows, strict=True):
        style = _STATUS_STYLE.get(lesson.status, "")
        status = f"[{style}]{escape(row[2])}[/]" if style else escape(row[2])
        table.add_row(*(escape(cell) for cell in row[:2]), status, *(escape(cell) for cell in row[3:]))
    console.print(table)


def render_lesson_detail(console: Console, detail: LessonDetail, prevented: LessonPrevention | None = None) -> None:
    """One lesson: its text and trigger, the evidence behind it, what its stops did (`prevented`:
    report/prevention_queries.py), its confidence in numbers, and its history."""
    from rich.markup import escape

    lesson = detail.lesson
    console.print(f"[bold]Lesson #{lesson.id}[/]  {escape(lesson.title)}")
    for label, value in _facts(lesson):
        console.print(f"  {label:<12} {escape(value)}")
    if detail.models:
        said = ", ".join(f"{m.model} ({m.sessions} session{'' if m.sessions == 1 else 's'})" for m in detail.models)
        console.print(f"  {'models':<12} {escape(said)}")
    console.print()
    console.print("[bold]What goes wrong[/]")
    console.print("  " + escape(lesson.body))
    if lesson.prevention or lesson.prevention_command:
        console.print("[bold]What to do instead[/]")
        if lesson.prevention:
            console.print("  " + escape(lesson.prevention))
        if lesson.prevention_command:
            console.print(f"  command: {escape(lesson.prevention_command)}")
    console.print()
    _render_evidence(console, lesson, detail.evidence)
    if detail.stops or detail.resent:
        console.print(
            f"Stopped {detail.stops} call(s) before they ran; {detail.resent} sent again and run: "
            f"{detail.overrides} then worked (against its stop: a lesson gone past twice that way only "
            f"warns), {detail.confirmed} failed again (the stop was right)."
        )
    if prevented is not None and (prevented.stops or prevented.sessions_before or prevented.sessions_after):
        console.print(escape(prevention_line(prevented)))
    console.print()
    for line in confidence_lines(detail.confidence):
        console.print(escape(line))
    console.print()
    _render_events(console, detail.events)


def prevention_line(prevented: LessonPrevention) -> str:
    """What the lesson's stops did: the changed calls that then worked, and how often its mistake
    came back in later sessions before and after the hooks."""

    def share(failed: int, sessions: int) -> str:
        return f"{failed} of {sessions} later sessions" if sessions else "no later session"

    return (
        f"After its stops {prevented.worked_after_stop} changed call(s) worked. Its mistake came back in "
        f"{share(prevented.failing_before, prevented.sessions_before)} before the hooks, "
        f"{share(prevented.failing_after, prevented.sessions_after)} since."
    )


def _facts(lesson: LessonRow) -> list[tuple[str, str]]:
    """The label: value lines under the title."""
    facts = [
        ("signature", lesson.signature),
        ("status", f"{lesson.status} ({lesson.tier} tier, {lesson.kind}, {lesson.origin})"),
        (
            "from",
            lesson.provenance + ("" if may_deny(lesson.origin) else ": its text is another's; it never denies a call"),
        ),
        ("severity", lesson.severity),
        ("scope", lesson.scope + (f" ({short_path(lesson.project, 60)})" if lesson.project else "")),
        ("trigger", lesson.trigger_shown),
    ]
    if lesson.unreadable is not None:
        facts.append(("unreadable", f"{lesson.unreadable}: never given to agents; reject, archive or forget it"))
    if lesson.error_signature:
        facts.append(("error", lesson.error_signature + (f" [{lesson.error_class}]" if lesson.error_class else "")))
    if lesson.agent or lesson.model:
        facts.append(("seen with", " ".join(x for x in (lesson.agent, lesson.model) if x)))
    facts.append(("seen", f"{local_time(lesson.first_seen)} .. {local_time(lesson.last_seen)}"))
    if lesson.edited:
        facts.append(("edited", "yes: learning keeps the person's text"))
    return facts


def _session(evidence: EvidenceRow) -> str:
    """The session id, short."""
    return short_session(evidence.session_id) if evidence.session_id else "-"


def _call_line(evidence: EvidenceRow) -> str:
    """Session, time and the call's command or file, on one line."""
    return f"{_session(evidence)}  {local_time(evidence.ts)}  {one_line(evidence.what, 90) or '(call not stored)'}"


def _render_evidence(console: Console, lesson: LessonRow, evidence: Sequence[EvidenceRow]) -> None:
    """Why the lesson exists: the counts, then the evidence grouped by role."""
    by_role: dict[str, list[EvidenceRow]] = {}
    for item in evidence:
        by_role.setdefault(item.role, []).append(item)
    console.print(
        f"[bold]Why it exists[/]: {lesson.failed_sessions} failing session(s) of {lesson.sessions} "
        f"with the trigger and without the prevention; {lesson.observations} failing call(s); "
        f"prevented {lesson.prevented} time(s)."
    )
    if lesson.origin == "team":
        console.print(
            "  A teammate's lesson: counted from the members you trust (lessons.trusted_members); each "
            "other member the team server says reported it counts as one failing session (their own "
            "figures are their claim, which no server can check)."
        )
    if not evidence:
        console.print("  No evidence stored (an imported or manual lesson, or its sessions were re-read).")
        return
    paired, unpaired = pair_fixes(by_role.get("failure", []), by_role.get("fix", []))
    _section(console, "Failures", by_role.get("failure", []), lambda e: _failure_lines(e, paired.get(e.id)))
    _section(console, "Fixes not paired with a failure", unpaired, _plain)
    _section(console, "Successes without the prevention (the trigger did not fail)", by_role.get("success", []), _plain)
    _section(console, "Prevented (the prevention was done first)", by_role.get("prevented", []), _plain)
    _section(console, "Corrections by the person", by_role.get("correction", []), _correction_lines)
    _section(console, "Findings", by_role.get("finding", []), lambda e: [f"{_call_line(e)}  {e.finding or ''}"])
    for role, items in by_role.items():
        if role not in _KNOWN_ROLES:
            _section(console, role.capitalize(), items, _plain)


_KNOWN_ROLES = frozenset({"failure", "fix", "success", "prevented", "correction", "finding"})


def _plain(evidence: EvidenceRow) -> list[str]:
    """An evidence row as its call line alone."""
    return [_call_line(evidence)]


def pair_fixes(
    failures: Sequence[EvidenceRow], fixes: Sequence[EvidenceRow]
) -> tuple[dict[int, EvidenceRow], list[EvidenceRow]]:
    """Each failure's fix: the first fix of its session at or after it that no earlier failure
    took. Returns failure id -> fix, and the fixes left over."""
    left = list(fixes)
    paired: dict[int, EvidenceRow] = {}
    for failure in failures:
        for fix in left:
            if fix.session_id == failure.session_id and (fix.ts or "") >= (failure.ts or ""):
                paired[failure.id] = fix
                left.remove(fix)
                break
    return paired, left


def _failure_lines(failure: EvidenceRow, fix: EvidenceRow | None) -> list[str]:
    """A failure, its error's headline, and the fix that followed it."""
    lines = [_call_line(failure)]
    if failure.error:
        lines.append(f"    error: {one_line(failure.error, 110)}")
    if fix is not None:
        lines.append(f"    fixed by: {one_line(fix.what, 100)}  ({local_time(fix.ts)})")
    return lines


def _correction_lines(evidence: EvidenceRow) -> list[str]:
    """A correction: its kind, the call it was about, and the person's words."""
    kind = (evidence.detail or {}).get("kind") or evidence.message_kind or "correction"
    lines = [f"{_session(evidence)}  {local_time(evidence.ts)}  {kind}"]
    if evidence.what:
        lines.append(f"    on: {one_line(evidence.what, 100)}")
    if evidence.message_text:
        lines.append(f'    the person: "{one_line(evidence.message_text, 200)}"')
    return lines


def _section(
    console: Console, title: str, items: Sequence[EvidenceRow], lines_of: Callable[[EvidenceRow], list[str]]
) -> None:
    """A titled group of evidence, each item as the lines `lines_of` gives; long groups cut."""
    from rich.markup import escape

    if not items:
        return
    console.print(f"  [bold]{title}[/] ({len(items)})")
    for item in list(items)[:SHOWN_PER_ROLE]:
        for line in lines_of(item):
            console.print("    " + escape(line))
    if len(items) > SHOWN_PER_ROLE:
        console.print(f"    ... and {len(items) - SHOWN_PER_ROLE} more (--json lists them all)")


def confidence_lines(explained: ConfidenceExplained) -> list[str]:
    """The confidence explained: counts -> Wilson lower bound -> decay -> tier."""
    out = ["Confidence"]
    if explained.observed:
        out.append(
            f"  {explained.failed_sessions} failing of {explained.sessions} session(s) -> Wilson lower bound "
            f"(one-sided 95%, z={conf.Z}) = {explained.wilson:.3f}"
        )
        decayed = explained.wilson * explained.decay
        out.append(
            f"  unseen {explained.days_unseen:.0f} day(s) -> decay x{explained.decay:.3f} "
            f"({1 - conf.DECAY_RATE:.2f} per {conf.DECAY_PERIOD_DAYS:.0f} days) -> "
            + (
                f"{decayed:.3f}, capped at the stored {explained.stored:.3f} (learning caps it by the precision "
                f"of its warnings) -> {explained.value:.3f} now"
                if explained.capped
                else f"{explained.value:.3f} now"
            )
        )
    else:
        out.append(f"  no sessions counted in this store: {explained.stored:.3f} as given (imported or manual)")
    out.append(
        f"  tier {explained.tier}: candidate -> active at {conf.ACTIVE_AT:.2f} and {conf.MIN_FAILED_SESSIONS} failing "
        f"sessions (back below {conf.ACTIVE_BELOW:.2f}), "
        f"active -> core at {conf.CORE_AT:.2f} (back below {conf.CORE_BELOW:.2f})"
        + (f"; now it would be {explained.tier_now}" if explained.tier_now != explained.tier else "")
    )
    if explained.tier == "candidate":
        out.append(
            f"  a candidate speaks only where the repeat happens (a stop once when it says what to do instead): in "
            f"its project's other sessions while its confidence is {conf.ONE_OFF_AT:.2f} or more, in the session "
            "it failed in while the call keeps failing"
        )
    out.append(
        f"  archived below {conf.ARCHIVE_FLOOR:.2f} when unseen {conf.STALE_DAYS:.0f} days or contradicted "
        f"(at least {conf.CONTRADICTED_MIN} sessions where the trigger did not fail)"
    )
    return out


def _event_text(event: EventRow) -> str:
    """An event's detail on one line."""
    detail = event.detail
    if isinstance(detail, dict):
        parts = []
        for key, value in detail.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k}={one_line(str(v), 60)!r}" for k, v in value.items())
            elif isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            parts.append(f"{key}: {one_line(str(value), 80)}")
        return "; ".join(parts)
    return "" if detail is None else one_line(str(detail), 100)


def _render_events(console: Console, events: Sequence[EventRow]) -> None:
    """The lesson's history, oldest first."""
    from rich.markup import escape

    console.print("[bold]History[/]")
    if not events:
        console.print("  none recorded")
    for event in events:
        console.print(f"  {local_time(event.ts)}  {event.event:<9}  {escape(_event_text(event))}")
