"""The spec of every kind of declaration a wing makes (core/wings.py): the shape of its value and
the signature of the code it names, as typing Protocols (pluggy's hookspecs, in the standard
library's terms). tests/test_wing_specs.py checks every wing's every declaration against them: a
declaration of no kind here, a value of another shape, a function whose parameters cannot take the
call the core makes, a module without a member the core uses, all fail there.

Shapes: "text" (a string), "texts" (a tuple of strings), "function" ("module:function"),
"functions" (a tuple of them), "function_map" ({key: "module:function"}), "module" ("module"),
"modules" (a tuple of them), "module_map" ({module: (command, ...)}), "object_map" ({key:
"module:NAME"}, an object).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

if TYPE_CHECKING:
    import argparse
    import sqlite3
    from collections.abc import Callable, Collection, Iterable


# The functions, by what the core calls them with (positional, in this order).
class EntryPoint(Protocol):
    def __call__(self, arguments: list[str], /) -> int: ...


class AfterEdit(Protocol):
    def __call__(
        self, conn: sqlite3.Connection, session_id: str, target: str, cwd: str | None, /
    ) -> tuple[str, str] | None: ...


class IngestStep(Protocol):
    def __call__(self, conn: sqlite3.Connection, request: Any, report: Any, /) -> Iterable[str] | None: ...


class DashboardPanel(Protocol):
    def __call__(self, conn: sqlite3.Connection, project: str | None, agent: str | None, /) -> Any: ...


class FeedbackCommand(Protocol):
    def __call__(self, args: argparse.Namespace, /) -> int: ...


class TimelineSection(Protocol):
    def __call__(self, conn: sqlite3.Connection, session_id: str, /) -> list[Any]: ...


class UndoneSessions(Protocol):
    def __call__(self, conn: sqlite3.Connection, /) -> dict[str, Any]: ...


class ProjectFolders(Protocol):
    def __call__(self, conn: sqlite3.Connection, /) -> Iterable[str]: ...


class CommandSummaries(Protocol):
    def __call__(self, conn: sqlite3.Connection, /) -> Iterable[dict[str, Any]]: ...


# The modules, by the members the core uses.
@runtime_checkable
class CommandsModule(Protocol):
    def register(self, commands: Any, /) -> None: ...


@runtime_checkable
class MigrationsModule(Protocol):
    MIGRATIONS: list[Any]


@runtime_checkable
class WebModule(Protocol):
    PAGES: list[Any]
    API: list[Any]


@runtime_checkable
class RetentionModule(Protocol):
    def add_options(self, parser: argparse.ArgumentParser, /) -> None: ...

    def cleanup(
        self, conn: sqlite3.Connection | None, args: argparse.Namespace, config: Callable[[], Any], /
    ) -> Any: ...


@runtime_checkable
class IngestMode(Protocol):
    def add_options(self, parser: argparse.ArgumentParser, /) -> None: ...

    def chosen(self, args: argparse.Namespace, /) -> bool: ...

    def run(self, args: argparse.Namespace, /) -> int: ...


@runtime_checkable
class SessionRetention(Protocol):
    def models(self, conn: sqlite3.Connection, /) -> set[str]: ...

    def sessions_needed(self, conn: sqlite3.Connection, sessions: list[str], /) -> dict[str, list[str]]: ...

    def has_old(self, conn: sqlite3.Connection, cutoff: str, /) -> bool: ...

    def delete_old(self, conn: sqlite3.Connection, cutoff: str, include_needed: bool, /) -> tuple[int, Any]: ...


@runtime_checkable
class ForgetPart(Protocol):
    STEPS: tuple[tuple[str, str], ...]
    TEMP_TABLES: tuple[str, ...]

    def project_rows(self, conn: sqlite3.Connection, project: str, /) -> int: ...

    def collect(self, conn: sqlite3.Connection, project: str | None, /) -> str | None: ...

    def after(self, conn: sqlite3.Connection, project: str, /) -> dict[str, int]: ...

    def sessions_deleted(self, conn: sqlite3.Connection, models: Collection[str] | None, /) -> dict[str, int]: ...


@runtime_checkable
class StoredTexts(Protocol):
    TEXT_COLUMNS: tuple[tuple[str, str, str], ...]
    KEPT_COLUMNS: dict[str, str]
    CLEARED_AFTER_PASS: tuple[str, ...]
    # optional: merge_same(conn, table, rowid, changes) -> bool


@runtime_checkable
class SearchPlaces(Protocol):
    SESSION_SQL: str
    TS_SQL: str

    def place_at(self, conn: sqlite3.Connection, session_id: str, at: str, /) -> str | None: ...


class Spec(NamedTuple):
    """A kind of declaration: the shape of its value, and the Protocol its code follows (None: no
    code, or an object checked by its own class: EXPORT_KINDS' ExportKind)."""

    shape: str
    protocol: type | None = None


SPECS: dict[str, Spec] = {
    "ENTRY_POINTS": Spec("function_map", EntryPoint),
    "COMMANDS": Spec("module_map", CommandsModule),
    "MIGRATIONS": Spec("module", MigrationsModule),
    "LATEST_MIGRATION": Spec("text"),
    "AFTER_EDIT": Spec("functions", AfterEdit),
    "BEFORE_ANALYSIS": Spec("functions", IngestStep),
    "AFTER_INGEST": Spec("functions", IngestStep),
    "WEB": Spec("module", WebModule),
    "DASHBOARD": Spec("function_map", DashboardPanel),
    "FEEDBACK": Spec("function_map", FeedbackCommand),
    "RETENTION": Spec("module", RetentionModule),
    "INGEST_MODES": Spec("modules", IngestMode),
    "EXPORT_KINDS": Spec("object_map"),
    "TIMELINE": Spec("function_map", TimelineSection),
    "UNDONE_SESSIONS": Spec("functions", UndoneSessions),
    "SESSION_RETENTION": Spec("module", SessionRetention),
    "FORGET": Spec("module", ForgetPart),
    "PROJECTS": Spec("texts"),
    "PROJECT_FOLDERS": Spec("function", ProjectFolders),
    "COMMAND_SUMMARIES": Spec("function", CommandSummaries),
    "STORED_TEXTS": Spec("module", StoredTexts),
    "SEARCH_PLACES": Spec("module", SearchPlaces),
}
