"""The modules a wing hands the core (core/wing.py's `Wing`: its web pages, its parts of cleanup
and of forgetting, its stored texts, its search places, its commands' modules), by the members
the core uses, as typing Protocols: mypy checks the module a method returns against them, and
tests/test_wing_specs.py checks each at run time (the Protocols are runtime_checkable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import argparse
    import sqlite3
    from collections.abc import Callable, Collection


@runtime_checkable
class CommandsModule(Protocol):
    def register(self, commands: Any, /) -> None: ...


@runtime_checkable
class WebModule(Protocol):
    # optional: ROUTE_DOCS, NAV, TEMPLATES (web/wing_pages.py)
    @property
    def PAGES(self) -> list[Any]: ...

    @property
    def API(self) -> list[Any]: ...


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
    @property
    def STEPS(self) -> tuple[tuple[str, str], ...]: ...

    @property
    def TEMP_TABLES(self) -> tuple[str, ...]: ...

    def project_rows(self, conn: sqlite3.Connection, project: str, /) -> int: ...

    def collect(self, conn: sqlite3.Connection, project: str | None, /) -> str | None: ...

    def after(self, conn: sqlite3.Connection, project: str, /) -> dict[str, int]: ...

    def sessions_deleted(self, conn: sqlite3.Connection, models: Collection[str] | None, /) -> dict[str, int]: ...


@runtime_checkable
class StoredTexts(Protocol):
    # optional: merge_same(conn, table, rowid, changes) -> bool
    @property
    def __file__(self) -> str | None: ...  # its bytes are part of the redaction rules' digest

    @property
    def TEXT_COLUMNS(self) -> tuple[tuple[str, str, Any], ...]: ...  # (table, column, a secrets/redaction.py scope)

    @property
    def KEPT_COLUMNS(self) -> dict[str, str]: ...

    @property
    def CLEARED_AFTER_PASS(self) -> tuple[str, ...]: ...


@runtime_checkable
class SearchPlaces(Protocol):
    @property
    def SESSION_SQL(self) -> str: ...

    @property
    def TS_SQL(self) -> str: ...

    def place_at(self, conn: sqlite3.Connection, session_id: str, at: str, /) -> str | None: ...
