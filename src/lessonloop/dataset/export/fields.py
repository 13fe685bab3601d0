"""The columns of the dataset's own kinds of export (records, chats, sessions, lessons; the wings'
kinds declare theirs: report/record_fields.py), and the redaction of a row on the way out and its
flat columns, which every kind's writers follow."""

from __future__ import annotations

from typing import Any

from lessonloop.report.record_fields import Field, flag, moment, number, struct, structs, text, texts, whole
from lessonloop.secrets.redaction import redact_shown as redact  # what is shown, exported or sent: the rules alone

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
