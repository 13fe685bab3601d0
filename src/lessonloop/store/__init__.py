"""The store: one SQLite file, its schema history and its connection."""

from lessonloop.store.connection import StoreError, open_store
from lessonloop.store.location import default_db_path, resolve_db_path

__all__ = ["StoreError", "default_db_path", "open_store", "resolve_db_path"]
