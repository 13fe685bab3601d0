"""The columns of each kind of export, with their types and redaction scopes: one description that
the JSONL and CSV writers, the Parquet schema and the redaction on the way out all follow, so every
format of a kind has the same fields in the same order.

A field is a string (with the scope its text is redacted in: prose, command, code or output), a
moment (ISO-8601 text in JSONL and CSV, a UTC timestamp column in Parquet and Hugging Face
datasets), a whole number, a number, a boolean, a list of strings, a struct of fields, or a list of
structs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lessonloop.secrets.redaction import redact

if TYPE_CHECKING:
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


TOKENS = struct("tokens", whole("input"), whole("output"), whole("cache_creation"), whole("cache_read"))
FEEDBACK = struct("feedback", whole("rating"), text("note"), text("source"))

KINDS: dict[str, tuple[Field, ...]] = {
    # The origin design's training records (docs/origins: "Training Record Format").
    "records": (
        text("type"),
        text("id"),
        moment("timestamp"),
        text("input"),
        text("output"),
        struct("context", texts("files"), texts("tools_used")),
        text("project"),
        whole("rating"),
        number("weight"),
    ),
    "chats": (
        text("id"),
        text("session_id"),
        whole("chat"),
        moment("timestamp"),
        text("agent"),
        text("model"),
        text("project"),
        text("prompt"),
        text("response"),
        texts("files_referenced"),
        texts("files_modified"),
        texts("tools_used"),
        whole("tool_calls"),
        whole("tool_errors"),
        TOKENS,
        FEEDBACK,
        number("weight"),
    ),
    "sessions": (
        text("id"),
        text("agent"),
        text("model"),
        text("project"),
        text("git_branch"),
        text("title"),
        text("first_prompt"),
        moment("started_at"),
        moment("ended_at"),
        whole("prompts"),
        whole("tool_calls"),
        whole("tool_errors"),
        whole("subagents"),
        TOKENS,
        struct(
            "outcome",
            flag("analyzed"),
            whole("unresolved_errors"),
            whole("tests_run"),
            flag("tests_failing_at_end"),
            whole("corrections"),
            whole("reverted_changes"),
            whole("blind_edits"),
            number("compliance"),
            number("max_risk"),
        ),
        structs("errors_by_class", text("class"), whole("count")),
        FEEDBACK,
        number("weight"),
    ),
    "lessons": (
        whole("id"),
        text("kind"),
        text("origin"),
        text("title"),
        text("body"),
        text("prevention"),
        text("prevention_command", "command"),
        text("trigger_text"),
        text("error_signature"),
        text("error_class"),
        text("category"),
        text("severity"),
        text("scope"),
        text("project"),
        text("agent"),
        whole("sessions"),
        whole("failed_sessions"),
        whole("observations"),
        whole("prevented"),
        whole("warnings"),
        number("confidence"),
        text("tier"),
        text("status"),
        text("first_seen"),
        moment("last_seen"),
    ),
    "commits": (
        text("id"),
        text("repository"),
        moment("timestamp"),
        whole("hour_of_day"),
        text("day_of_week"),
        text("branch"),
        flag("is_merge"),
        texts("parents"),
        text("author_key"),
        text("subject"),
        text("message"),
        text("type"),
        text("scope"),
        flag("breaking"),
        texts("files"),
        whole("insertions"),
        whole("deletions"),
        text("diff_summary"),
        structs(
            "file_changes",
            text("path"),
            text("old_path"),
            text("status"),
            whole("insertions"),
            whole("deletions"),
            flag("binary"),
        ),
        texts("sessions"),
        structs("session_links", text("session_id"), text("evidence"), number("strength")),
        texts("rolled_back_by"),
        number("weight"),
    ),
    "runs": (
        whole("id"),
        moment("started_at"),
        moment("ended_at"),
        text("command", "command"),
        text("command_norm", "command"),
        text("program"),
        text("project"),
        text("profile"),
        text("reason"),
        whole("exit_status"),
        whole("child_status"),
        flag("stopped"),
        number("duration"),
        number("first_output"),
        number("first_match"),
        whole("match_count"),
        whole("stdout_lines"),
        whole("stderr_lines"),
        texts("matches", "output"),
        struct("feedback", whole("rating"), text("verdict"), text("note")),
        number("weight"),
    ),
}


def redact_row(fields: tuple[Field, ...], row: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """`row` with every string redacted again in its field's scope (identifiers and paths too, in
    prose: nothing leaves unread), and the number of secrets replaced. Keys follow `fields`."""
    out: dict[str, Any] = {}
    total = 0
    for field in fields:
        out[field.name], count = _value(field, row.get(field.name))
        total += count
    return out, total


def _value(field: Field, value: Any) -> tuple[Any, int]:
    if value is None:
        return None, 0
    if field.type in ("string", "time"):  # a moment is text read from a transcript: read too
        return redact(str(value), field.scope) if value else (value, 0)
    if field.type == "strings":
        total = 0
        items = []
        for item in value:
            cleaned, count = redact(str(item), field.scope)
            items.append(cleaned)
            total += count
        return items, total
    if field.type == "struct":
        return redact_row(field.fields, value)
    if field.type == "structs":
        total = 0
        rows = []
        for item in value:
            row, count = redact_row(field.fields, item)
            rows.append(row)
            total += count
        return rows, total
    return value, 0


def columns(fields: tuple[Field, ...], prefix: str = "") -> list[tuple[str, Field]]:
    """The flat columns of a table (CSV): a struct's fields as `parent.child`, every other field
    (lists included) as one column."""
    out: list[tuple[str, Field]] = []
    for field in fields:
        if field.type == "struct":
            out.extend(columns(field.fields, f"{prefix}{field.name}."))
        else:
            out.append((prefix + field.name, field))
    return out
