"""`lessonloop lessons` and its subcommands: list, show, approve, reject, archive, restore, edit,
forget, export (cli/lessons_export.py) and import."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lessonloop.cli.background_notes import note_if_behind
from lessonloop.cli.common import CommandError, UsageError, console, emit_json, open_cli_store, shown
from lessonloop.cli.confirmation import answered_yes
from lessonloop.cli.empty_results import no_lessons_text
from lessonloop.cli.lessons_export import export
from lessonloop.cli.review_commands import LESSONS_SHOWN, LIST_STATUSES
from lessonloop.learning.engine.exchange import read_import_file
from lessonloop.report.prevention_queries import lesson_prevention
from lessonloop.report.render import one_line
from lessonloop.store.lessons.curation import CurationError, change_status, edit, forget, import_records, refusal_of
from lessonloop.store.lessons.reader import LessonNotFound, find_lesson, lesson_detail, list_lessons
from lessonloop.store.lessons.statuses import status_values
from lessonloop.store.location import resolve_db_path_text

if TYPE_CHECKING:
    import sqlite3

    from lessonloop.learning.engine.exchange import ParsedImport
    from lessonloop.store.lessons.curation import Outcome
    from lessonloop.store.lessons.reader import LessonRow


MAX_LISTED_PROBLEMS = 20


def _resolve(conn: sqlite3.Connection, refs: Sequence[str]) -> list[LessonRow]:
    """The lessons `refs` name, each once, in the order given; a bad reference stops everything."""
    found: dict[int, LessonRow] = {}
    for ref in refs:
        try:
            lesson = find_lesson(conn, ref)
        except LessonNotFound as exc:
            raise UsageError(str(exc)) from exc
        found.setdefault(lesson.id, lesson)
    return list(found.values())


def cmd_list(args: argparse.Namespace) -> int:
    """List lessons as a table or JSON."""
    with open_cli_store(args.db, reading=True) as conn:
        _note_if_behind(conn, args)
        rows = list_lessons(
            conn,
            status=args.status,
            tier=args.tier,
            project=args.project,
            kind=args.kind,
            query=args.query,
            limit=args.limit,
            order=args.order,
            since=args.since,
            until=args.until,
        )
        left_out = 0
        if not args.json and args.limit is None and not args.all and len(rows) > LESSONS_SHOWN:
            left_out, rows = len(rows) - LESSONS_SHOWN, rows[:LESSONS_SHOWN]  # a screenful: the first
        empty = None
        if not rows and not args.json:
            filters = [("--status", args.status), ("--tier", args.tier), ("--project", args.project)]
            filters += [("--kind", args.kind), ("--query", args.query), ("-n", args.limit)]
            filters += [("--since", args.since), ("--until", args.until)]
            empty = no_lessons_text(conn, filters, resolve_db_path_text(args.db))
    if args.json:
        emit_json([row.to_json() for row in rows])
    elif empty is not None:
        print(empty)
    else:
        from lessonloop.report.lesson_render import render_lesson_list

        render_lesson_list(console(), rows, status_values(args.status))
        if left_out:
            more = f"{left_out:,} more lesson{'' if left_out == 1 else 's'}"
            print(f"{more} not shown: `lessons list -n N` shows the first N, `lessons list --all` every one.")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Show one lesson."""
    with open_cli_store(args.db, reading=True) as conn:
        _note_if_behind(conn, args)
        try:
            detail = lesson_detail(conn, args.ref)
        except LessonNotFound as exc:
            raise UsageError(str(exc)) from exc
        prevented = lesson_prevention(conn, detail.lesson.id)  # stops, what worked after, repeat rates
    if args.json:
        emit_json({**detail.to_json(), "prevention": prevented.to_json()})
    else:
        from lessonloop.report.lesson_render import render_lesson_detail

        render_lesson_detail(console(), detail, prevented)
    return 0


def _print_outcomes(args: argparse.Namespace, outcomes: Sequence[Outcome]) -> None:
    """One line per lesson, or the resulting rows as JSON."""
    if args.json:
        emit_json([outcome.to_json() for outcome in outcomes])
        return
    for outcome in outcomes:
        title = f": {one_line(outcome.lesson.title, 80)}" if outcome.lesson else f" ({outcome.signature})"
        print(shown(f"#{outcome.lesson_id} {outcome.message}{title}"))


def _apply(
    conn: sqlite3.Connection, lessons: Sequence[LessonRow], change: Callable[[sqlite3.Connection, int], Outcome]
) -> list[Outcome]:
    """Apply `change` to each lesson (each its own transaction); refusals become CommandError."""
    outcomes: list[Outcome] = []
    for lesson in lessons:
        try:
            outcomes.append(change(conn, lesson.id))
        except (CurationError, LessonNotFound) as exc:
            raise CommandError(str(exc)) from exc
    return outcomes


def cmd_change_status(args: argparse.Namespace) -> int:
    """approve / reject / archive / restore the lessons named."""
    with open_cli_store(args.db) as conn:
        lessons = _resolve(conn, args.refs)
        for lesson in lessons:  # refuse before changing any, so a list is all or nothing
            why = refusal_of(args.action, lesson)
            if why is not None:
                raise CommandError(f"cannot {args.action} lesson #{lesson.id}: {why}; nothing was changed")
        reason = getattr(args, "reason", None)
        outcomes = _apply(conn, lessons, lambda c, i: change_status(c, i, args.action, reason=reason))
    _print_outcomes(args, outcomes)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    """Edit one lesson."""
    changes = {name: getattr(args, name) for name in ("title", "body", "prevention", "scope", "severity")}
    if all(value is None for value in changes.values()):
        raise CommandError("nothing to change: give at least one of --title, --body, --prevention, --scope, --severity")
    with open_cli_store(args.db) as conn:
        lessons = _resolve(conn, [args.ref])
        outcomes = _apply(conn, lessons, lambda c, i: edit(c, i, **changes))
    _print_outcomes(args, outcomes)
    return 0


def _confirm_forget(lessons: Sequence[LessonRow]) -> None:
    """Ask on the terminal before forgetting; refuse when there is no terminal to ask on."""
    if not sys.stdin.isatty():
        raise CommandError(
            "forget deletes lessons for good and asks first, but standard input is not a terminal; "
            "pass --yes to confirm"
        )
    for lesson in lessons:
        print(shown(f"  #{lesson.id} {one_line(lesson.title, 90)}"), file=sys.stderr)
    if not answered_yes(f"Forget {len(lessons)} lesson(s) for good, with their evidence? [y/N] "):
        raise CommandError("not confirmed; nothing was forgotten")


def cmd_forget(args: argparse.Namespace) -> int:
    """Forget the lessons named, after confirmation."""
    with open_cli_store(args.db) as conn:
        lessons = _resolve(conn, args.refs)
        if not args.yes:
            _confirm_forget(lessons)
        outcomes = _apply(conn, lessons, forget)
    _print_outcomes(args, outcomes)
    if not args.json:
        print(
            "The sessions they were learned from are still stored, so learning may find them again; "
            "`lessonloop lessons reject` keeps a lesson from coming back.",
            file=sys.stderr,
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export lessons as JSONL or a Markdown section, to stdout, a file or the agents' rules files."""
    return export(args, LIST_STATUSES)


def _report_problems(parsed: ParsedImport) -> None:
    """The bad lines of an import, on stderr (the first ones)."""
    for problem in parsed.problems[:MAX_LISTED_PROBLEMS]:
        print(f"Skipped {problem}", file=sys.stderr)
    if len(parsed.problems) > MAX_LISTED_PROBLEMS:
        print(
            f"... and {len(parsed.problems) - MAX_LISTED_PROBLEMS} more bad line(s) (--json lists all)", file=sys.stderr
        )


def cmd_import(args: argparse.Namespace) -> int:
    """Import lessons from a JSONL export."""
    path = Path(args.file)
    try:
        parsed = read_import_file(path)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with open_cli_store(args.db) as conn:
        result = import_records(conn, parsed.records, status=args.status, source=str(path))
    _report_problems(parsed)
    if args.json:
        emit_json(
            {
                "file": str(path),
                "lines": parsed.lines,
                "imported": len(parsed.records),
                **result.to_json(),
                "skipped": len(parsed.problems),
                "problems": [problem.to_json() for problem in parsed.problems],
            }
        )
    else:
        print(
            f"Imported {len(parsed.records)} lesson(s) from {path}: {result.new} new ({args.status}), "
            f"{result.filled} filled in, {result.unchanged} already known"
            + (f"; {len(parsed.problems)} bad line(s) skipped." if parsed.problems else ".")
        )
    return 1 if parsed.problems and not parsed.records else 0


def _note_if_behind(conn: sqlite3.Connection, args: argparse.Namespace) -> None:
    """A note on stderr when the lessons trail the stored sessions (cli/background_notes.py)."""
    note_if_behind(conn, resolve_db_path_text(args.db))
