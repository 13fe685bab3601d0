"""The store: one SQLite file, its schema history and its connection.

The names below are loaded on first use: the hooks import store.location alone, and importing
the connection (pathlib, the migrations) would cost them milliseconds on every tool call.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lessonloop.store.connection import StoreError, open_store
    from lessonloop.store.location import default_db_path, resolve_db_path

__all__ = ["StoreError", "default_db_path", "open_store", "resolve_db_path"]


def __getattr__(name: str) -> object:
    if name in ("StoreError", "open_store"):
        from lessonloop.store import connection

        return getattr(connection, name)
    if name in ("default_db_path", "resolve_db_path"):
        from lessonloop.store import location

        return getattr(location, name)
    raise AttributeError(f"module 'lessonloop.store' has no attribute {name!r}")
