"""A record's fields as the dataset wing exports them, with their types and redaction scopes, and a
kind of records a wing contributes to `lessonloop dataset export` (core/wing.py's EXPORT_KINDS:
the runs', the commits'): one description that the JSONL and CSV writers, the Parquet schema and
the redaction on the way out all follow.

A field is a string (with the scope its text is redacted in: prose, command, code or output), a
moment (ISO-8601 text in JSONL and CSV, a UTC timestamp column in Parquet and Hugging Face
datasets), a whole number, a number, a boolean, a list of strings, a struct of fields, or a list of
structs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lessonloop.report.record_filter import ExportFilter
    from lessonloop.secrets.redaction import Scope


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str  # string | time | int | float | bool | strings | struct | structs
    scope: Scope = "prose"  # how a string (or each string of a list) is redacted
    fields: tuple[Field, ...] = ()  # struct, structs


def text(name: str, scope: Scope = "prose") -> Field:
    return Field(name, "string", scope)


def moment(name: str) -> Field:
    """A point in time: UTC ISO-8601 text, a timestamp in columnar formats."""
    return Field(name, "time")


def whole(name: str) -> Field:
    return Field(name, "int")


def number(name: str) -> Field:
    return Field(name, "float")


def flag(name: str) -> Field:
    return Field(name, "bool")


def texts(name: str, scope: Scope = "prose") -> Field:
    return Field(name, "strings", scope)


def struct(name: str, *fields: Field) -> Field:
    return Field(name, "struct", fields=fields)


def structs(name: str, *fields: Field) -> Field:
    return Field(name, "structs", fields=fields)


@dataclass(frozen=True, slots=True)
class ExportKind:
    """A kind of records a wing exports: its fields, its rows (those a filter keeps, in a fixed
    order), what it is (a dataset card's description) and whether --min-rating applies to it."""

    fields: tuple[Field, ...]
    rows: Callable[[sqlite3.Connection, ExportFilter], list[dict[str, Any]]]
    description: str
    rated: bool = False
