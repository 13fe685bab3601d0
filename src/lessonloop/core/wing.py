"""What a wing may add to the core: the `Wing` class, one typed method or attribute per kind of
addition, each doing nothing here. A wing's package subclasses it at its door (its `__init__.py`)
and overrides what it adds, importing its code inside the method, so that loading the wings
costs one small module each; core/wings.py finds them (`WING` in each package) and the core calls
the methods, typed as mypy checks them and followed as an IDE follows any call. The code a wing
adds is reached by a direct call, never by a name in a string.

The modules some methods return (a wing's part of cleanup, of forgetting, its web pages, ...) are
typed by the Protocols of core/wing_specs.py, which mypy checks a module against.

No runtime imports: `lessonloop run`, the hooks and the Stop hook's worker load it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import argparse
    import sqlite3
    from collections.abc import Callable, Iterable
    from typing import Any, ClassVar

    from lessonloop.core.wing_specs import (
        ForgetPart,
        IngestMode,
        RetentionModule,
        SearchPlaces,
        SessionRetention,
        StoredTexts,
        WebModule,
    )


class Wing:
    """A wing: each method is a kind of addition (the default: none)."""

    __slots__ = ()

    # {command module: (command, ...)}: modules whose register(commands) adds those commands, each
    # imported when one of its commands runs, as the core's own (cli/entry.py's REGISTERED).
    COMMANDS: ClassVar[dict[str, tuple[str, ...]]] = {}
    # The name of the wing's last migration (its migrations() sequence's), read by a writer that
    # checks the store is current without importing the sequence (store/connection.py).
    LATEST_MIGRATION: ClassVar[str] = ""
    # The wing's tables whose `project` column names a stored project (store/projects/names.py).
    PROJECTS: ClassVar[tuple[str, ...]] = ()
    # The kinds of records `dataset export` writes from the wing (export_kind gives each), named
    # here so that listing them imports nothing.
    EXPORT_KINDS: ClassVar[tuple[str, ...]] = ()
    # The kinds of `lessonloop feedback KIND ID` the wing takes (feedback handles them).
    FEEDBACK_KINDS: ClassVar[tuple[str, ...]] = ()
    # The keys of the sections the wing adds to a main session's timeline (timeline gives them).
    TIMELINE: ClassVar[tuple[str, ...]] = ()

    def entry_point(self, command: str) -> Callable[[list[str]], int] | None:
        """The function that runs `command` from its own arguments (`lessonloop run`: the runner's
        small parser, no argparse), called before anything else of the command line is imported
        (__main__.py, cli/entry.py), or None when `command` is not such a command of the wing."""
        return None

    def migrations(self) -> list[Callable[[sqlite3.Connection], None]]:
        """The wing's migration sequence, applied after the core's (store/migrations.py)."""
        return []

    def ready_for_hooks(self) -> None:
        """Import what the wing's hook steps (after_edit) need: the hook server does it once."""

    def after_edit(
        self, conn: sqlite3.Connection, session_id: str, target: str, cwd: str | None
    ) -> tuple[str, dict[str, object]] | None:
        """A hook step after an agent's successful edit or write of `target`: (text for the agent,
        detail recorded), or None (apply/hooks/post_tool.py; the history's co-change reminder).
        Standard library only: it runs in the hook."""
        return None

    def before_analysis(self, conn: sqlite3.Connection, request: Any, report: Any) -> Iterable[str] | None:
        """An ingest job's step once its files are read and its results imported, before the
        sessions are analyzed (pipeline/ingest_job.py): the sessions whose analysis it changed,
        or None (an ingest of only what it touched analyzes them)."""
        return None

    def after_ingest(self, conn: sqlite3.Connection, request: Any, report: Any) -> None:
        """An ingest's step at its end, once the lessons are current (a team sync)."""

    def web(self) -> WebModule | None:
        """The wing's pages in the web UI (web/wing_pages.py: PAGES, API, ROUTE_DOCS, NAV,
        TEMPLATES)."""
        return None

    def dashboard(self, conn: sqlite3.Connection, project: str | None, agent: str | None) -> dict[str, Any]:
        """The wing's dashboard panels' figures, by panel (report/dashboard_queries.py)."""
        return {}

    def feedback(self, kind: str, args: argparse.Namespace) -> int:
        """`lessonloop feedback KIND ID` for one of FEEDBACK_KINDS: the exit status
        (cli/handlers/feedback.py)."""
        raise NotImplementedError(kind)

    def retention(self) -> RetentionModule | None:
        """The wing's part of `lessonloop cleanup`: add_options(parser) (cli/cleanup_commands.py),
        cleanup(conn or None, args, config) (cli/handlers/cleanup.py)."""
        return None

    def ingest_modes(self) -> list[IngestMode]:
        """Other ways to ingest (`ingest --git`): add_options(parser), chosen(args), run(args) ->
        exit status (cli/session_commands.py, cli/handlers/ingest.py)."""
        return []

    def export_kind(self, name: str) -> Any:
        """The ExportKind (report/record_fields.py) of one of EXPORT_KINDS, its module imported now
        (dataset/export/kinds.py lists them)."""
        raise KeyError(name)

    def timeline(self, conn: sqlite3.Connection, session_id: str) -> dict[str, list[Any]]:
        """The wing's sections (TIMELINE) of a main session's timeline (report/queries.py: `show`,
        the web's session page, MCP)."""
        return {}

    def undone_sessions(self, conn: sqlite3.Connection) -> dict[str, int]:
        """{session: its changes undone later} (report/analysis_queries.py: habits against outcomes)."""
        return {}

    def session_retention(self) -> SessionRetention | None:
        """The wing's part of `lessonloop cleanup` run in the sessions' transaction
        (store/removal/retention.py): models, sessions_needed, has_old, delete_old."""
        return None

    def forget(self) -> ForgetPart | None:
        """The wing's part of forgetting (store/forgetting.py: project_rows, collect, STEPS,
        TEMP_TABLES, after for a project; sessions_deleted with any session)."""
        return None

    def project_folders(self, conn: sqlite3.Connection) -> Iterable[str]:
        """Folders a --project value may name besides the stored projects (`forget project`,
        `dataset export`: the repositories read)."""
        return ()

    def command_summaries(self, conn: sqlite3.Connection) -> Iterable[dict[str, Any]]:
        """A dict per project and command (its runs, failures, stops, durations, first and last
        run): the telemetry a team shares (team/sync.py)."""
        return ()

    def stored_texts(self) -> StoredTexts | None:
        """The wing's stored texts for the store's redaction pass (store/redaction_pass.py):
        TEXT_COLUMNS, KEPT_COLUMNS, CLEARED_AFTER_PASS, and optionally merge_same(conn, table,
        rowid, changes) -> bool; its module's bytes are part of the rules' digest."""
        return None

    def search_places(self) -> SearchPlaces | None:
        """The wing's kind of place in the session search (store/search/reader.py): SESSION_SQL and
        TS_SQL over a place `x`, and place_at(conn, main session id, at) -> the call behind it
        ("" for none), or None when `at` is not one of its places (report/queries.place_of)."""
        return None
