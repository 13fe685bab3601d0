"""`lessons export`: lessons as JSONL or as the Markdown section, to standard output, a file, or
the rules file(s) each agent reads (apply/instruction_files.py, apply/rules_file_text.py).

Every file is planned before any is written: a file whose markers are broken, or that cannot take
a lesson under its agent's size limit, stops the export with nothing written.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from lessonloop.apply import instruction_files
from lessonloop.apply.rules_file_text import RulesFileError, read_existing, rules_text, write_rules_file
from lessonloop.cli.background_notes import wait_for_lessons
from lessonloop.cli.common import CommandError, UsageError, emit_json, open_cli_store, shown
from lessonloop.learning.engine import exchange
from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.environment import folder_shells, holds_in
from lessonloop.secrets.pii import own_home_kept
from lessonloop.settings.config import privacy_settings
from lessonloop.store.lessons.reader import list_lessons
from lessonloop.store.location import resolve_db_path_text

if TYPE_CHECKING:
    from lessonloop.apply.instruction_files import InstructionFile, RulesForm
    from lessonloop.store.lessons.reader import LessonRow

ALL = "all"


@dataclass(frozen=True, slots=True)
class _Planned:
    """One file to write: where, what, and what to say about it."""

    given: Path  # the path asked for (the agent's file, or --to)
    path: Path  # where it is written: `given`, or the single rules file standing for its folder
    described: InstructionFile | None
    form: RulesForm | None  # None: JSONL
    text: str
    lessons: int
    left_out: int = 0
    created: bool = False
    front_matter_missing: bool = False
    not_written: bool = False  # no lesson to put in a file that does not exist: left alone
    other_shell: int = 0  # lessons of a shell its agents do not run commands in there, left out


def _deliveries(args: argparse.Namespace) -> list[InstructionFile]:
    """The instructions files --agent names (none without it); usage errors for a bad value."""
    if args.agent is None:
        return []
    if args.format == "jsonl":
        raise UsageError("--agent writes the Markdown section: give --format md or leave --format out")
    if args.agent == ALL:
        if args.to:
            raise UsageError("--agent all writes each agent's own file in this folder; --to names one file")
        return list(instruction_files.instruction_files())
    delivery = instruction_files.for_agent(args.agent)
    if delivery is None:
        known = ", ".join([*instruction_files.delivery_agents(), ALL])
        raise UsageError(f"no instructions file is known for agent {args.agent!r}; known: {known}")
    return [delivery]


def _rows(args: argparse.Namespace, status: str, project_dir: Path | None) -> tuple[list[LessonRow], str | None]:
    """The lessons to export, and the project of `project_dir` whose lessons (and the global ones)
    a project's own rules file holds (None: no such filter)."""
    folder_project = None
    with open_cli_store(args.db, reading=True) as conn:
        # the lessons are the answer: current ones (the worker waited for), unless --no-wait
        wait_for_lessons(conn, resolve_db_path_text(args.db), wait=not args.no_wait, progress=sys.stderr.isatty())
        if project_dir is not None and args.project is None:
            # A project's own instructions file: that project's lessons and the global ones, not
            # every project's (a lesson about one repository would land in another's AGENTS.md).
            from lessonloop.apply.mcp_tools import scope_project as place_folder

            folder_project = place_folder(conn, str(project_dir))
        rows = list_lessons(
            conn, status=status, project=args.project, min_confidence=args.min_confidence, order="signature"
        )
    if folder_project is not None:
        rows = [row for row in rows if row.scope == "global" or row.project == folder_project]
    return rows, folder_project


def _in_their_shell(
    rows: list[LessonRow], records: list[dict[str, Any]], given: Path, described: InstructionFile | None
) -> tuple[list[dict[str, Any]], int]:
    """The records of the lessons that hold in the shell the file's agents run commands in, in the
    project folder it goes to (lesson_model/environment.py: a PowerShell lesson never reaches the
    AGENTS.md of a Linux project), and how many were left out."""
    agents = described.agents if described is not None else (None,)
    shells = folder_shells(agents, str(instruction_files.project_folder(given, described)))
    kept = [
        record
        for row, record in zip(rows, records, strict=True)
        if holds_in(row.parsed_trigger.shell if row.parsed_trigger is not None else None, shells)
    ]
    return kept, len(records) - len(kept)


def _plan_markdown(
    given: Path, described: InstructionFile | None, records: list[dict[str, Any]], scrub: bool, agent_file: bool
) -> _Planned:
    """The new text of one rules file (CommandError when it cannot take the section); an agent's
    file (`agent_file`: named by --agent) is not created without a lesson to put in it."""
    path = instruction_files.single_file_instead(given, described) or given
    for folder in (path.parent, *path.parent.parents):
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"cannot write {path}: {folder} is a file, not a folder")
    form = instruction_files.rules_form(str(path))
    try:
        existing = read_existing(path)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if existing is None and agent_file and not records:
        return _Planned(given, path, described, form, "", 0, not_written=True)
    try:
        # the person's own agents read it on this machine: a path in their home keeps its user name,
        # so a remedy's path still works (team pushes and dataset exports scrub it: docs/privacy.md)
        with own_home_kept(Path.home().name):
            planned = rules_text(existing, records, form, scrub_pii=scrub)
    except (exchange.SectionError, RulesFileError) as exc:
        raise CommandError(f"{path}: {exc}") from exc
    return _Planned(
        given,
        path,
        described,
        form,
        planned.text,
        planned.kept,
        left_out=planned.left_out,
        created=existing is None,
        front_matter_missing=planned.front_matter_missing,
    )


def export(args: argparse.Namespace, list_statuses: str) -> int:
    """Export lessons as JSONL or a Markdown section, to stdout, a file or the agents' files."""
    deliveries = _deliveries(args)
    fmt = args.format or ("md" if deliveries else "jsonl")
    markdown = fmt == "md"
    status = args.status or ("active" if markdown else list_statuses)
    targets: list[tuple[Path, InstructionFile | None]] = []
    if deliveries:
        targets = [(Path(args.to) if args.to else Path(file.name), file) for file in deliveries]
    elif args.to:
        targets = [(Path(args.to), instruction_files.for_path(args.to) if markdown else None)]
    project_dir = instruction_files.project_folder(*targets[0]) if deliveries else None
    rows, folder_project = _rows(args, status, project_dir)
    unreadable = [row for row in rows if row.unreadable is not None]
    if markdown:  # an agent reads the section: never a lesson whose stored trigger or fields cannot be read
        rows = [row for row in rows if row.unreadable is None]
    if unreadable:
        what = "left out of the section" if markdown else "exported as stored (`lessons import` refuses them)"
        first = f"#{unreadable[0].id}: {unreadable[0].unreadable}" + (" ..." if len(unreadable) > 1 else "")
        print(shown(f"Note: {len(unreadable)} lesson(s) cannot be read ({first}): {what}."), file=sys.stderr)
    silent = 0
    if markdown:  # a lesson that says only that a call failed before is given to no agent (lesson_model/checks.py)
        silent = sum(1 for row in rows if row.remedy is None)
        rows = [row for row in rows if row.remedy is not None]
    if silent and not args.json:
        print(
            f"{silent} lesson(s) left out: they name no remedy, rule or check (only that a call failed before).",
            file=sys.stderr,
        )
    candidates = 0
    if markdown:  # an instruction to agents: a candidate (a one-off: one failing session) is not one yet
        candidates = sum(1 for row in rows if row.tier == "candidate")
        rows = [row for row in rows if row.tier != "candidate"]
    held = 0
    if markdown and targets:
        # A rules file (CLAUDE.md, AGENTS.md, ...) is read by agents: only active lessons go there,
        # whatever --status says; a pending lesson waits for `lessons approve` (lessons.review).
        held = sum(1 for row in rows if row.status != "active")
        rows = [row for row in rows if row.status == "active"]
    records = [row.to_json() for row in rows]
    scrub = privacy_settings().scrub_pii_exports  # personal data leaves no export (docs/privacy.md)
    if candidates and not args.json:
        print(
            f"{candidates} candidate lesson(s) left out: a lesson goes into a rules file once it failed in "
            f"{conf.MIN_FAILED_SESSIONS} sessions (one failing session may be a one-off).",
            file=sys.stderr,
        )
    if not targets:
        sys.stdout.write(
            exchange.markdown_section(records, scrub_pii=scrub) + "\n"
            if markdown
            else exchange.export_jsonl(records, scrub_pii=scrub)
        )
        return 0
    if markdown:
        plans = []
        for given, described in targets:
            kept, other_shell = _in_their_shell(rows, records, given, described)
            plan = _plan_markdown(given, described, kept, scrub, bool(deliveries))
            plans.append(replace(plan, other_shell=other_shell) if other_shell else plan)
    else:
        given = targets[0][0]
        plans = [_Planned(given, given, None, None, exchange.export_jsonl(records, scrub_pii=scrub), len(records))]
    results = [_write(plan, args.dry_run) for plan in plans]
    whose = folder_project or args.project or "this folder's project"
    if args.json:
        reports = [
            _json_report(fmt, plan, changed, held, folder_project) for plan, changed in zip(plans, results, strict=True)
        ]
        for report in reports:
            if candidates:
                report["candidates_left_out"] = candidates
            if silent:
                report["without_remedy_left_out"] = silent
        emit_json(reports[0] if len(reports) == 1 and args.agent != ALL else {"format": fmt, "files": reports})
        return 0
    for plan, changed in zip(plans, results, strict=True):
        _print_report(fmt, plan, changed, whose, args.dry_run)
    if folder_project is not None and any(not plan.not_written for plan in plans):
        print(f"The lessons of {folder_project} and the global ones (-p names another project).")
    if held:
        print(
            f"{held} lesson(s) not active left out: a rules file holds active lessons only "
            "(`lessonloop lessons approve` a pending one first)."
        )
    return 0


def _write(plan: _Planned, dry_run: bool) -> bool:
    """Write a planned file (unless `dry_run`); whether it changes."""
    if plan.not_written:
        return False
    if dry_run:
        try:
            return read_existing(plan.path) != plan.text
        except OSError as exc:
            raise CommandError(f"cannot read {plan.path}: {exc.strerror or exc}") from exc
    try:
        return write_rules_file(plan.path, plan.text)
    except OSError as exc:
        raise CommandError(f"cannot write {plan.path}: {exc.strerror or exc}") from exc


def _hint(plan: _Planned) -> str | None:
    """The step the person must take for the agent to read the file: its agent's hint, given for
    the agent's own file name (a Copilot `*.instructions.md` needs no advice to use one)."""
    described = plan.described
    if described is None or plan.path.name != PurePosixPath(described.name).name:
        return None
    return described.hint


def _json_report(fmt: str, plan: _Planned, changed: bool, held: int, folder_project: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"format": fmt, "to": str(plan.path), "lessons": plan.lessons, "changed": changed}
    if plan.not_written:
        data["not_written"] = True
    if folder_project is not None:
        data["project"] = folder_project
    if plan.path != plan.given:
        data["instead_of"] = str(plan.given)
    if plan.left_out:
        data["left_out_for_size"] = plan.left_out
    if plan.other_shell:
        data["other_shell_left_out"] = plan.other_shell
    if plan.front_matter_missing:
        data["front_matter_missing"] = True
    hint = _hint(plan)
    if hint:
        data["hint"] = hint
    if held:
        data["not_active_left_out"] = held
    return data


def _print_report(fmt: str, plan: _Planned, changed: bool, whose: str, dry_run: bool) -> None:
    if plan.not_written:
        # Nothing to tell the agent: an empty section in a new file would only add a file to the folder.
        print(
            f"No active lessons for {whose} or global ones yet: {plan.path} not written "
            "(`lessonloop lessons list` shows every lesson and its status)."
        )
        return
    if dry_run:
        state = "would be written" if changed else "unchanged, already up to date"
        print(f"Dry run: {plan.lessons} lesson(s) for {plan.path} ({fmt}; {state}); nothing written.")
    else:
        state = "written" if changed else "unchanged, already up to date"
        print(f"Exported {plan.lessons} lesson(s) to {plan.path} ({fmt}; {state}).")
    form = plan.form
    if plan.path != plan.given:
        print(
            f"{plan.path} is a single rules file here, not a folder: the section went into it, between "
            "lessonloop's markers, the rest of it kept as it was."
        )
    if form is not None and plan.created and form.front_matter:
        print(
            f"New file, with {form.agent_name}'s front matter ({form.activation}); a later export changes "
            "only the section between the markers."
        )
    if plan.front_matter_missing:
        print(
            f"{plan.path} has no front matter: its agent may load it only when asked for it; lessonloop "
            "left the file's own lines as they were (a new file gets it)."
        )
    if plan.left_out and form is not None:
        print(
            f"{plan.left_out} less confident lesson(s) left out: {form.agent_name} reads the first "
            f"{form.max_chars} characters of a rules file (the section says so too)."
        )
    if plan.other_shell:
        print(
            f"{plan.other_shell} lesson(s) learned in another shell left out: its agents run commands in "
            "another shell in this folder (a PowerShell lesson is no help in bash)."
        )
    hint = _hint(plan)
    if hint:
        print(hint)
