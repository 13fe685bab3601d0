"""The command line: parse arguments, call one library function, print. No logic lives here."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from lessonloop import __version__

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])

DB_HELP = (
    "The store (a SQLite file). Default: $LESSONLOOP_DB, else "
    "$XDG_DATA_HOME/lessonloop/lessonloop.db (~/.local/share when unset)."
)


def db_option(func: F) -> F:
    return click.option("--db", "db", metavar="PATH", default=None, help=DB_HELP)(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(func)


def _console() -> Console:
    from rich.console import Console

    # Piped output is read in files and pagers: do not wrap it at 80 columns.
    width = None if sys.stdout.isatty() else 160
    return Console(highlight=False, soft_wrap=False, width=width)


@contextmanager
def _store(db: str | None, *, must_exist: bool = False) -> Iterator[sqlite3.Connection]:
    """Open the store, turning its failures into one clear message and exit status 1."""
    from lessonloop.store import StoreError, open_store, resolve_db_path
    from lessonloop.store.connection import ENV_BUSY_TIMEOUT, busy_timeout_ms

    path = resolve_db_path(db)
    if must_exist and not path.exists():
        raise click.ClickException(f"no store at {path} yet: run `lessonloop ingest` first (or pass --db)")
    try:
        conn = open_store(path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        yield conn
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise click.ClickException(
                f"the store {path} is locked by another process (waited {busy_timeout_ms() / 1000:g} s; "
                f"${ENV_BUSY_TIMEOUT} sets the wait); what was stored so far is kept"
            ) from exc
        raise click.ClickException(f"the store {path} failed: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"the store {path} is damaged or not a lessonloop store: {exc}") from exc
    finally:
        conn.close()


def _emit_json(data: Any) -> None:
    from lessonloop.report.render import render_json

    click.echo(render_json(data))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="lessonloop")
def main() -> None:
    """lessonloop: learn from coding agents' mistakes.

    Reads agent transcripts into a local store, finds what goes wrong, and gives the lessons
    back to the agent. Start with `lessonloop ingest`.
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@db_option
@json_option
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar (it is shown only on a terminal anyway).")
def ingest(paths: tuple[str, ...], db: str | None, as_json: bool, no_progress: bool) -> None:
    """Read agent transcripts into the store (only what is new since the last run).

    PATHS are transcript files or folders to search for *.jsonl. Without PATHS, Claude Code's
    folders are searched (~/.claude/projects, $CLAUDE_CONFIG_DIR/projects,
    ~/.config/claude/projects); when they hold no transcripts, a bundled sample is ingested so
    you can try lessonloop.

    Exit status: 0, unless nothing at all could be read.
    """
    from lessonloop.capture.ingest import discover
    from lessonloop.capture.ingest import ingest as run_ingest

    sources, summary = discover(list(paths) or None)
    with _store(db) as conn:
        progress = None
        if not no_progress and sys.stderr.isatty():
            from lessonloop.report.progress import TerminalProgress

            progress = TerminalProgress()
        run_ingest(conn, sources, summary, progress=progress)
        stats_data = None
        if summary.used_sample:
            from lessonloop.report.queries import stats

            stats_data = stats(conn)
    if as_json:
        data = summary.to_json()
        if stats_data is not None:
            data["stats"] = stats_data
        _emit_json(data)
    else:
        from lessonloop.report.render import render_ingest_summary, render_stats

        console = _console()
        render_ingest_summary(console, summary)
        if stats_data is not None:
            console.print()
            render_stats(console, stats_data)
            console.print(
                "\nNext: [bold]lessonloop sessions[/] lists the sessions, "
                "[bold]lessonloop show ID[/] shows one, [bold]lessonloop stats[/] sums them up."
            )
    if summary.nothing_readable:
        if not as_json:
            where = ", ".join(summary.searched) or "the given paths"
            click.echo(f"Error: nothing could be read from {where}.", err=True)
        sys.exit(1)


@main.command()
@click.option("--project", "-p", metavar="P", help="Only sessions of this project (a folder, or part of its path).")
@click.option("--limit", "-n", type=click.IntRange(min=0), metavar="N", help="Only the N most recent sessions.")
@db_option
@json_option
def sessions(project: str | None, limit: int | None, db: str | None, as_json: bool) -> None:
    """List sessions, oldest first: start, project, model, prompts, tool calls, errors, tokens.

    A subagent's tool calls and tokens count in its parent session.
    """
    from lessonloop.report.queries import list_sessions

    with _store(db) as conn:
        rows = list_sessions(conn, project, limit)
    if as_json:
        _emit_json([row.to_json() for row in rows])
    else:
        from lessonloop.report.render import render_sessions

        render_sessions(_console(), rows)


@main.command()
@click.argument("session_id")
@click.option(
    "--all", "show_all", is_flag=True, help="Also show system texts (reminders, notifications, command output)."
)
@db_option
@json_option
def show(session_id: str, show_all: bool, db: str | None, as_json: bool) -> None:
    """Show one session's timeline: prompts, tool calls and their results, corrections, subagents.

    SESSION_ID may be a unique prefix; subagents are named PARENT_ID/AGENT_ID.
    """
    from lessonloop.report.queries import SessionNotFound, resolve_session, session_timeline

    with _store(db) as conn:
        try:
            timeline = session_timeline(conn, resolve_session(conn, session_id))
        except SessionNotFound as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        _emit_json(timeline.to_json())
    else:
        from lessonloop.report.render import render_timeline

        render_timeline(_console(), timeline, show_all=show_all)


@main.command()
@click.option("--project", "-p", metavar="P", help="Only sessions of this project (a folder, or part of its path).")
@db_option
@json_option
def stats(project: str | None, db: str | None, as_json: bool) -> None:
    """Totals: sessions, tool calls and errors per tool, tokens per model.

    "sessions" counts main sessions; subagents' tool calls and tokens are included.
    """
    from lessonloop.report.queries import stats as compute_stats

    with _store(db) as conn:
        data = compute_stats(conn, project)
    if as_json:
        _emit_json(data)
    else:
        from lessonloop.report.render import render_stats

        render_stats(_console(), data)
