"""The parser of `lessonloop lessons`: review and curate lessons (list, show, approve, reject, edit,
archive, restore, forget) and move them between stores and into CLAUDE.md / AGENTS.md (export,
import); its handlers are in handlers/lessons.py."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from lessonloop.apply.instruction_files import instruction_files
from lessonloop.cli.command_parser import describe_later
from lessonloop.cli.common import common_options, project_option, time_options
from lessonloop.core.agent_names import store_agent
from lessonloop.core.arg_types import fraction, positive
from lessonloop.store.lessons.statuses import status_values

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

LIST_STATUSES = "active,pending"
_KINDS = ("usage", "correction", "finding", "workflow", "manual")
_TIERS = ("candidate", "active", "core")
_ORDERS = ("status", "confidence", "signature", "recent", "id")
_PROJECT_HELP = "only lessons of this project (a folder, or part of its path), and global ones"
LESSONS_SHOWN = 30  # rows of `lessons list` without -n or --all (--json lists every one)


def register(commands: Commands) -> None:
    """Add `lessons` and its subcommands to the command line."""
    lessons = commands.add_parser(
        "lessons",
        help="review and curate lessons: list, show, approve, reject, edit, archive, restore, forget, export, import",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Review and curate the lessons learned from the stored sessions. Without a\n"
            "subcommand, the active and pending lessons are listed.\n\n"
            "A lesson is named by its id (12 or #12) or a unique prefix of its signature.\n"
            "People's decisions are kept when lessons are learned again: a rejected lesson\n"
            "stays rejected, an edited one keeps its text."
        ),
    )
    common_options(lessons)
    lessons.set_defaults(
        handler="lessonloop.cli.handlers.lessons:cmd_list",
        status=LIST_STATUSES,
        tier=None,
        project=None,
        kind=None,
        query=None,
        limit=None,
        all=False,
        order="status",
        since=None,
        until=None,
    )
    sub = lessons.add_subparsers(
        dest="lessons_command", metavar="SUBCOMMAND", title="subcommands", help="what to do (default: list)"
    )
    _list_command(sub)
    _show_command(sub)
    _status_commands(sub)
    _edit_command(sub)
    _forget_command(sub)
    _export_command(sub)
    _import_command(sub)


def _project(parser: argparse.ArgumentParser) -> None:
    """-p/--project, with a help text about lessons rather than sessions."""
    project_option(parser)
    parser._option_string_actions["--project"].help = _PROJECT_HELP


def _status_list(text: str) -> str:
    """Check a --status value: one status, several joined by commas, or all."""
    try:
        status_values(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _refs(parser: argparse.ArgumentParser, many: bool = True) -> None:
    """The REF argument(s) naming lessons."""
    parser.add_argument(
        "refs" if many else "ref",
        nargs="+" if many else None,
        metavar="REF",
        help="a lesson: its id (12 or #12), or a unique prefix of its signature",
    )


def _list_command(sub: Commands) -> None:
    """`lessons list`."""
    parser = sub.add_parser(
        "list",
        help="the lessons as a table: id, tier, status, confidence, seen, severity, scope, title",
        description=(
            "List lessons: active and pending ones unless --status says otherwise, active first, "
            "then pending; most confident first. SEEN is failing sessions / sessions with the trigger "
            "and without the prevention."
        ),
    )
    parser.add_argument(
        "--status",
        type=_status_list,
        default=LIST_STATUSES,
        metavar="S",
        help="active, pending, rejected, archived, several joined by commas, or all (default active,pending)",
    )
    parser.add_argument("--tier", choices=_TIERS, help="only lessons of this tier")
    _project(parser)
    parser.add_argument("--kind", choices=_KINDS, help="only lessons of this kind")
    parser.add_argument("-q", "--query", metavar="TEXT", help="only lessons whose text has all these words")
    parser.add_argument(
        "--order", choices=_ORDERS, default="status", help="sort by status (default), confidence, signature, recent, id"
    )
    parser.add_argument(
        "-n",
        "--limit",
        type=positive,
        metavar="N",
        help=f"at most N lessons (default {LESSONS_SHOWN} in the table; --json lists all)",
    )
    parser.add_argument("--all", action="store_true", help="every lesson in the table, not only the first")
    time_options(parser, "lessons last seen")
    common_options(parser)
    parser.set_defaults(handler="lessonloop.cli.handlers.lessons:cmd_list")


def _show_command(sub: Commands) -> None:
    """`lessons show`."""
    parser = sub.add_parser(
        "show",
        help="one lesson: its text, why it exists (the evidence), its confidence explained, its history",
        description=(
            "Show everything about one lesson: its text and trigger; the evidence it was learned from "
            "(each failing call with its error, the fix, successes without the prevention, people's "
            "corrections); its confidence worked out from the counts; and what happened to it."
        ),
    )
    _refs(parser, many=False)
    common_options(parser)
    parser.set_defaults(handler="lessonloop.cli.handlers.lessons:cmd_show")


def _status_commands(sub: Commands) -> None:
    """`lessons approve`, `reject`, `archive` and `restore`: status changes."""
    specs = (
        ("approve", "make pending lessons active (given to agents)", "Approve lessons: pending -> active."),
        (
            "reject",
            "reject lessons: never given to agents, and learning keeps them rejected",
            "Reject lessons (pending, active or archived -> rejected). Learning keeps them rejected.",
        ),
        (
            "archive",
            "put lessons out of use, keeping them and their evidence",
            "Archive lessons (active or pending -> archived): out of use, kept with their evidence.",
        ),
        (
            "restore",
            "bring archived or rejected lessons back into use",
            "Restore lessons (archived or rejected -> active). Learning archives a lesson again when "
            "its confidence stays below the archive floor.",
        ),
    )
    for name, help_text, description in specs:
        parser = sub.add_parser(name, help=help_text, description=description)
        _refs(parser)
        if name == "reject":
            parser.add_argument("--reason", metavar="TEXT", help="why, kept in the lesson's history")
        common_options(parser)
        parser.set_defaults(handler="lessonloop.cli.handlers.lessons:cmd_change_status", action=name)


def _edit_command(sub: Commands) -> None:
    """`lessons edit`."""
    parser = sub.add_parser(
        "edit",
        help="change a lesson's title, body, prevention, scope or severity (learning keeps your text)",
        description=(
            "Edit a lesson. The lesson is marked edited: learning it again updates its counts but "
            "keeps your text. Give at least one option; an empty --prevention clears it."
        ),
    )
    _refs(parser, many=False)
    parser.add_argument("--title", metavar="T", help="one line: what goes wrong")
    parser.add_argument("--body", metavar="B", help="the mistake in more words")
    parser.add_argument("--prevention", metavar="P", help="what to do instead")
    parser.add_argument("--scope", choices=("project", "global"), help="its own project only, or everywhere")
    parser.add_argument("--severity", choices=("low", "medium", "high", "critical"), help="how bad the mistake is")
    common_options(parser)
    parser.set_defaults(handler="lessonloop.cli.handlers.lessons:cmd_edit")


def _forget_command(sub: Commands) -> None:
    """`lessons forget`."""
    parser = sub.add_parser(
        "forget",
        help="delete lessons for good, with their evidence (asks first)",
        description=(
            "Delete lessons for good: their rows, evidence, aliases and search index entries; their "
            "history keeps only that an id and signature were forgotten. Asks for confirmation on a "
            "terminal; elsewhere --yes is required. The sessions they were learned from stay stored, "
            "so learning may find them again: `reject` keeps a lesson from coming back."
        ),
    )
    _refs(parser)
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    common_options(parser)
    parser.set_defaults(handler="lessonloop.cli.handlers.lessons:cmd_forget")


def _export_command(sub: Commands) -> None:
    """`lessons export`."""
    parser = sub.add_parser(
        "export",
        help="write lessons as JSONL (to share or back up) or into the rules file an agent reads (CLAUDE.md, AGENTS.md, Cursor, Copilot, ...)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    describe_later(parser, EXPORT_FIRST_LINE, _export_description)
    parser.add_argument("--format", choices=("jsonl", "md"), help="jsonl (default) or md (the default with --agent)")
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="export the lessons as they are, without waiting for the background worker's learning (a note says how far they trail)",
    )
    parser.add_argument(
        "--agent",
        metavar="A",
        type=store_agent,
        help="write the md section to the rules file agent A reads (the table above), or all of them",
    )
    parser.add_argument(
        "--status",
        type=_status_list,
        metavar="S",
        help="statuses to export, joined by commas, or all (default: active,pending for jsonl, active for md)",
    )
    _project(parser)
    parser.add_argument("--min-confidence", type=fraction, metavar="X", help="only lessons at least this confident")
    parser.add_argument("--to", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument(
        "--dry-run", action="store_true", help="with --to or --agent: say what would change, write nothing"
    )
    common_options(parser)
    parser._option_string_actions["--json"].help = "with --to or --agent, print what was written as JSON"
    parser.set_defaults(handler="lessonloop.cli.handlers.lessons:cmd_export")


def _import_command(sub: Commands) -> None:
    """`lessons import`."""
    parser = sub.add_parser(
        "import",
        help="read lessons exported as JSONL (new ones wait for review as pending)",
        description=(
            "Import lessons from a JSONL export. A lesson the store does not have is added with origin "
            "imported and status pending (review it with `lessons list`, then approve it). One it has "
            "keeps its counts, status and text; the import only fills text it lacks. Bad lines are "
            "reported (file:line) and skipped; the others are imported. Exit status 1 only when lines "
            "were bad and none could be imported."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="a JSONL file written by `lessonloop lessons export`")
    parser.add_argument(
        "--status", choices=("pending", "active"), default="pending", help="status of new lessons (default pending)"
    )
    common_options(parser)
    parser.set_defaults(handler="lessonloop.cli.handlers.lessons:cmd_import")


EXPORT_FIRST_LINE = "Export lessons, every text redacted again."


def _export_description() -> str:
    """`lessons export`'s description, with the table of the agents' rules files (their specs')."""
    return (
        EXPORT_FIRST_LINE + "\n\n"
        "jsonl (default): one object per lesson, keys sorted, ordered by signature; no\n"
        "evidence or embeddings. `lessonloop lessons import` reads it.\n\n"
        "md: a section for an agent's rules file, one bullet per lesson (active ones by\n"
        "default), most confident first. With --to, the section between\n"
        "<!-- lessonloop:begin --> and <!-- lessonloop:end --> is written or refreshed and the\n"
        "rest of the file is left exactly as it was (the file is created when missing; with\n"
        "--agent, only when there is a lesson to put in it).\n\n"
        "--agent A writes the section into the file that agent reads, in the current folder\n"
        "(or --to FILE):\n" + _rules_files_table() + "\n"
        "A new file gets the front matter its agent needs; afterwards only the section changes.\n"
        "It holds the lessons of that folder's project (placed as the hooks place a folder) and\n"
        "the global ones; -p names another project. The lessons are the same for every agent:\n"
        "what one agent got wrong in a project warns the others."
    )


def _rules_files_table() -> str:
    """One line (wrapped) per rules file: its first agent, its path, what else to know of it."""
    files = instruction_files()
    width = max(len(agent) for file in files for agent in file.agents[:1]) + 2
    lines: list[str] = []
    for file in files:
        notes = []
        if len(file.agents) > 1:
            others = [f"{agent}'s" for agent in file.agents[1:]]
            notes.append("also " + (", ".join(others[:-1]) + " and " + others[-1] if len(others) > 1 else others[0]))
        if file.form.activation:
            notes.append(f"front matter {file.form.activation}")
        if file.form.max_chars:
            notes.append(
                f"the most confident lessons that fit {file.form.agent_name}'s {file.form.max_chars} characters"
            )
        if file.folder_may_be_file:
            notes.append(f"into {PurePosixPath(file.name).parts[0]} itself when it is one file")
        notes += [
            f"or --to a *{ending} file: front matter {form.activation}"
            for ending, form in file.endings
            if form != file.form
        ]
        if file.hint:
            notes.append("a step of yours first: the export names it")
        if not file.reads_transcripts:
            notes.append("lessonloop does not read this agent's sessions: it only gets the lessons")
        text = file.name + (f" ({'; '.join(notes)})" if notes else "")
        lines += textwrap.wrap(
            text, 86, initial_indent="  " + file.agents[0].ljust(width), subsequent_indent=" " * (width + 2)
        )
    lines.append("  " + "all".ljust(width) + "every file above.")
    return "\n".join(lines)
