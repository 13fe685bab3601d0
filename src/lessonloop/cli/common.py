"""What every command shares: the store, errors, JSON and table output, common options."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from lessonloop.cli.help_words import AGENT_IDS
from lessonloop.core.arg_types import non_negative as non_negative

# typing.TYPE_CHECKING without importing typing or argparse: `lessonloop recall` imports this
# module without them (recall_commands.run_recall).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

    from rich.console import Console

    from lessonloop.secrets.redaction import Scope
    from lessonloop.settings.config import Config

DB_HELP = (
    "the store, a SQLite file (default: $LESSONLOOP_DB, else "
    "$XDG_DATA_HOME/lessonloop/lessonloop.db, ~/.local/share when XDG_DATA_HOME is unset)"
)
JSON_HELP = "print JSON instead of a table"


class CommandError(Exception):
    """A failure to report as `Error: ...` with exit status 1."""


class UsageError(CommandError):
    """An option's value that names nothing known (an --agent no one has): `Error: ...` with exit
    status 2, as argparse's usage errors and an unknown --project."""


def console() -> Console:
    """The terminal output of tables and texts: every string printed or put in a table is
    redacted again (prose scope) and cleaned of escape sequences before rich renders it, so widths
    are measured on what is shown. It writes to the terminal itself (terminal_output.py: rich's
    own styling is not taken out)."""
    from lessonloop.cli.redacting_console import RedactingConsole
    from lessonloop.cli.terminal_output import unfiltered

    # Piped output is read in files and pagers: do not wrap it at 80 columns.
    width = None if sys.stdout.isatty() else 160
    return RedactingConsole(highlight=False, soft_wrap=False, width=width, file=unfiltered(sys.stdout))


def shown(text: str, scope: Scope = "prose") -> str:
    """`text` as it may leave the store for a person: redacted again with the current rules, and
    without escape sequences or control characters (core/terminal_text.py; newlines and tabs kept)."""
    from lessonloop.core.terminal_text import printable
    from lessonloop.secrets.redaction import redact_shown

    return printable(redact_shown(text, scope)[0]) if text else text


def emit_json(data: Any) -> None:
    """Print `data` as JSON, every text in it redacted again in its field's scope
    (secrets/field_redaction.py): the one way `--json` output leaves the store. Control characters
    are written as JSON escapes (core/json_output.py), never raw. Indented on a terminal, on one
    line for a program reading it (a pipe, a file), as GitHub's CLI does: a long listing is written
    several times faster so."""
    from lessonloop.core.json_output import dumps_output
    from lessonloop.secrets.field_redaction import redact_fields
    from lessonloop.secrets.redaction import shown

    with shown():
        cleaned = redact_fields(data)[0]
    sys.stdout.write(dumps_output(cleaned, indent=sys.stdout.isatty()) + "\n")


@contextmanager
def open_cli_store(
    db: str | None,
    *,
    reading: bool = False,
    refresh: bool = False,
    figures_only: bool = False,
    texts: bool = False,
) -> Iterator[sqlite3.Connection]:
    """Open the store, turning its failures into one clear message naming the file. `reading`:
    the command only reads, so a store it cannot write (a read-only file, folder or file system)
    is opened read-only (store/read_only.py), with a note on stderr. `refresh`: first capture what
    the agents wrote since the last capture (pipeline/refresh.py; a read's `--no-refresh` says
    False); `figures_only`: the read shows no text (`stats`), so a file it reads first is stored
    without its texts, which the store's worker stores (pipeline/ingest.py, "Texts later");
    `texts`: a command whose answer is texts (`dataset export`) stores the texts of such files
    first, refreshing or not (pipeline/texts_later.py)."""
    from lessonloop.store import StoreError, open_store
    from lessonloop.store.location import resolve_db_path_text
    from lessonloop.store.transaction import store_error

    # The path as a str, as Path writes it: pathlib is imported only when a message or the
    # read-only connection needs it (its import costs a reading command milliseconds).
    path = resolve_db_path_text(db)
    existed = _path_is(path, "exists")
    if reading and not existed:  # a mistyped --db or $LESSONLOOP_DB: never a silent empty answer
        raise CommandError(_no_store(_as_path(path), db))
    try:
        # a file this user cannot write (on a read-only file system, too) is never opened for writing
        conn = (
            _open_read_only(_as_path(path))
            if reading and _path_is(path, "file") and not os.access(path, os.W_OK)
            else open_store(path)
        )
    except StoreError as exc:
        if not (reading and exc.cause == "read-only" and _path_is(path, "file")):
            raise CommandError(str(exc)) from exc
        conn = _open_read_only(_as_path(path))  # a folder where the -wal and -shm files cannot be made
    if not existed:  # a mistyped --db or $LESSONLOOP_DB would otherwise go unnoticed
        print(f"Note: no store was at {path}; a new, empty one was made there.", file=sys.stderr)
    try:
        if refresh and existed:
            _refresh(conn, path, texts=not figures_only)
        if texts and existed:
            from lessonloop.pipeline.texts_later import store_texts

            store_texts(conn)
        from lessonloop.store.sessions.totals import settle_for_read

        settle_for_read(conn)  # what a writer left unsettled: the totals every read shows (one query when none)
        yield conn
    except StoreError as exc:  # a write transaction (store/transaction.py): full, read-only, locked, ...
        raise CommandError(str(exc)) from exc
    except sqlite3.DatabaseError as exc:  # a read or a single statement, said the same way
        raise CommandError(str(store_error(exc, path, conn=conn))) from exc
    finally:
        conn.close()


def _refresh(conn: sqlite3.Connection, path: str, *, texts: bool = True) -> None:
    """A read's refresh (pipeline/refresh.py); what it could not do is a note on stderr, never the
    read's failure."""
    from lessonloop.pipeline.refresh import disabled

    if disabled():
        return
    from lessonloop.pipeline.refresh import refresh

    done = refresh(conn, path, texts=texts)
    if done is not None and done.problem:
        print(f"Note: what the agents wrote since the last ingest was not read: {done.problem}", file=sys.stderr)


def refresh_option(parser: argparse.ArgumentParser) -> None:
    """`--no-refresh` of a read that first captures what is new (pipeline/refresh.py)."""
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="answer from the store as it is, without first reading what the agents wrote since the last ingest",
    )


def _as_path(text: str) -> Path:
    from pathlib import Path

    return Path(text)


def _path_is(path: str, what: str) -> bool:
    """Path(path).exists() ("exists") or .is_file() ("file") as pathlib answers them (an error
    other than "no such file" raised, as it raises it), without importing pathlib."""
    if os.sep != "/":  # pathlib's own answer (it ignores Windows errors too)
        return _as_path(path).exists() if what == "exists" else _as_path(path).is_file()
    import errno
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:  # pathlib's _ignore_error
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            raise
        return False
    except ValueError:
        return False
    return what == "exists" or stat.S_ISREG(mode)


def _no_store(path: Path, db: str | None) -> str:
    """Why a reading command has nothing to read, and how to make a store."""
    given = "--db" if db else "$LESSONLOOP_DB" if os.environ.get("LESSONLOOP_DB") else None
    where = f" (from {given}: check its spelling)" if given else ""
    folder = "" if path.parent.is_dir() else f"; its folder {path.parent} does not exist either"
    make = f"lessonloop ingest --db {path}" if given else "lessonloop ingest"
    return f"no store at {path}{where}{folder}. Make one with `{make}` (it reads your agents' sessions)."


def _open_read_only(path: Path) -> sqlite3.Connection:
    from lessonloop.store import StoreError
    from lessonloop.store.connection import busy_timeout_ms
    from lessonloop.store.read_only import open_read_only

    try:
        conn = open_read_only(path, busy_timeout_ms())
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    print(
        f"Note: the store {path} cannot be written; it was opened read-only: nothing new is analyzed or stored.",
        file=sys.stderr,
    )
    return conn


def project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p", "--project", metavar="P", help="only sessions of this project (a folder, or part of its path)"
    )


def agent_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--agent",
        metavar="A",
        help=f"only sessions of this agent (its id: {AGENT_IDS})",
    )


def known_agent(conn: sqlite3.Connection, agent: str | None) -> str | None:
    """The --agent given, checked (store/sessions/agents.py): an agent lessonloop reads or one the
    store holds sessions of; a UsageError naming the known agents otherwise."""
    if agent is None:
        return None
    from lessonloop.store.sessions.agents import UnknownAgent, resolve_agent

    try:
        return resolve_agent(conn, agent)
    except UnknownAgent as exc:
        raise UsageError(str(exc)) from None


def time_options(parser: argparse.ArgumentParser, what: str = "sessions started") -> None:
    """--since and --until, read by arg_types.since_time/until_time (one parser for every command)."""
    from lessonloop.core.arg_types import since_time, until_time

    parser.add_argument(
        "--since",
        type=since_time,
        metavar="WHEN",
        help=f"only {what} from then on: a date (2026-11-01, local time), an ISO time or a duration back from now (7d, 2w, 12h)",
    )
    parser.add_argument(
        "--until",
        type=until_time,
        metavar="WHEN",
        help=f"only {what} before then (a date given is included whole); the same forms as --since",
    )


def listed_help(text: str, listed: bool) -> dict[str, Any]:  # Any: add_parser is typed as taking its options by name
    """add_parser's help for a command: given, it names the command in its parent's list; an old
    name kept only so that it still runs gets none at all (argparse lists a subcommand given any
    help=, even None)."""
    return {"help": text} if listed else {}


def limit_option(parser: argparse.ArgumentParser, help: str, *, default: int | None = None, minimum: int = 1) -> None:
    """ "How many", said one way by every command: `-n N` / `--limit N` (args.limit)."""
    from lessonloop.core.arg_types import non_negative, positive

    kind = positive if minimum >= 1 else non_negative
    parser.add_argument("-n", "--limit", type=kind, default=default, metavar="N", help=help)


def more_hint(count: int, what: str, narrower: str = "") -> str:
    """The line under a listing cut to a screenful by default: how many were left out, and how to
    see them ("1,024 older sessions not shown: -n N shows the N most recent, --all every one.")."""
    how = f"{narrower}, --all every one" if narrower else "--all shows every one"
    return f"{count:,} {what}{'' if count == 1 else 's'} not shown: {how}."


def common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def project_named(conn: sqlite3.Connection, project: str | None, also: Iterable[str] = ()) -> str | None:
    """The stored project a --project value names (store/projects/names.py: exact, else the only
    stored project containing it, letter case ignored); UnknownProject otherwise, which main()
    reports with exit status 2. `also`: more names to match against."""
    from lessonloop.store.projects.names import resolve_project_name

    return resolve_project_name(conn, project, also)


def run_handler(handler: Callable[[Any], int] | str, args: Any) -> int:
    """Run a command's handler with its parsed arguments; its failures become `Error: ...` on
    stderr and the exit status: 2 for a usage error (a value naming nothing known, as argparse's
    own), 1 for any other CommandError, 0 for a closed pipe, 130 for Ctrl-C. While it runs,
    standard output on a terminal is cleaned of escape sequences (terminal_output.py), whatever
    prints there. `handler` is a function, or a "module:function" name (resolve_handler)."""
    from lessonloop.cli import terminal_output
    from lessonloop.store.projects.names import UnknownProject

    run = resolve_handler(handler)
    previous = terminal_output.install()
    try:
        return run(args)
    except UsageError as exc:  # a value naming nothing known (an --agent): a usage error, as for --project
        print_error(exc)
        return 2
    except CommandError as exc:
        print_error(exc)
        return 1
    except UnknownProject as exc:  # a --project value naming no stored project, or several: a usage error
        print_error(exc)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("Interrupted; what was stored so far is kept.", file=sys.stderr)
        return 130
    finally:
        terminal_output.restore(previous)


def resolve_handler(handler: Callable[[Any], int] | str) -> Callable[[Any], int]:
    """The function a "module:function" name gives (a function is itself): the command line's one
    lazy import. A command's parser names its handler so (`set_defaults(handler="lessonloop.cli.
    handlers.stats:cmd_stats")`): building the parsers, `--help` among them, imports no handler
    module, and a handler module imports what its command needs at its top. tests/cli/test_cli_handlers.py
    resolves every name the parsers give."""
    if not isinstance(handler, str):
        return handler
    module, _, name = handler.partition(":")
    # __import__, as cli/entry._register: -X importtime reports it (tests/cli/test_command_imports.py)
    function: Callable[[Any], int] = getattr(__import__(module, fromlist=[name]), name)
    return function


def print_error(exc: BaseException) -> None:
    """`Error: ...` on stderr, redacted: a message may quote what it failed on (a URL with its
    password, a value given to an option)."""
    print(f"Error: {shown(str(exc), 'command')}", file=sys.stderr)


def bandit_options(parser: argparse.ArgumentParser) -> None:
    """--bandit / --no-bandit: ingest, analyze, analyze stats and report."""
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        "--bandit",
        dest="bandit",
        action="store_const",
        const=True,
        default=None,
        help="run bandit on the Python edits of the sessions analyzed (one process; off by default, "
        "or as `[analysis] bandit` says; needs lessonloop[scanners])",
    )
    choice.add_argument(
        "--no-bandit",
        dest="bandit",
        action="store_const",
        const=False,
        help="do not run bandit even when `[analysis] bandit = true` (sessions bandit scanned keep its findings)",
    )


def include_empty_option(parser: argparse.ArgumentParser) -> None:
    """--include-empty: sessions and report."""
    parser.add_argument(
        "--include-empty",
        action="store_true",
        help="also list sessions with no typed prompt and no tool call (an agent opened and closed): left out by default",
    )


def is_built(parser: argparse.ArgumentParser) -> bool:
    """Whether add_parser built this command's parser: when another command runs, cli/entry.py's
    _OnlyOne gives a stand-in instead (what the help text needs is then not worth computing)."""
    import argparse

    return isinstance(parser, argparse.ArgumentParser)


def subcommands_only(parser: argparse.ArgumentParser) -> None:
    """A command whose work is all in its subcommands (`files`, `dataset`): --db and --json given
    before the subcommand are kept for it (cli.command_parser); alone, it prints its help and
    exits with status 2."""
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--json", action="store_true", help=JSON_HELP)

    def help_only(_args: object) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(handler=help_only)


def user_config() -> Config:
    """The configuration (settings/config.py's load_config): a file that cannot be read or parsed
    is a CommandError naming it and the cause (exit status 1)."""
    from lessonloop.settings.config import ConfigError, load_config

    try:
        return load_config()
    except ConfigError as exc:
        raise CommandError(str(exc)) from exc


# --- values shared by commands (feedback, runs, cleanup, dataset export) ----------------------------


def run_id(text: str) -> int:
    try:
        value = int(text.strip().removeprefix("#"))
    except ValueError:
        raise _argument_type_error(f"not a run id: {text!r}") from None
    if value < 1:
        raise _argument_type_error(f"not a run id: {text!r}")
    return value


def rating(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _argument_type_error(f"a rating is a whole number from 1 to 5, not {text!r}") from None
    if not 1 <= value <= 5:
        raise _argument_type_error(f"a rating is a whole number from 1 to 5, not {value}")
    return value


def existing_store(db: str | None) -> str:
    from lessonloop.store import resolve_db_path

    path = resolve_db_path(db)
    return str(path) if path.is_file() else ""


def _argument_type_error(message: str) -> Exception:
    """argparse's ArgumentTypeError, argparse imported only when a value is refused (recall imports
    this module without it)."""
    import argparse

    return argparse.ArgumentTypeError(message)
