"""ZCode's tokens: its `model_usage` table, one row per model request (id, session_id, model_id,
status `running`/`completed`/`error`/`cancelled`, started_at in ms, input_tokens, output_tokens,
reasoning_tokens, cache_read_input_tokens, cache_creation_input_tokens, computed_total_tokens, ...).

Read as ccusage 20 reads it (its ZCode adapter: rust/adapters/zcode/src/{loader,parser}.rs), so
that the two agree: the `completed` rows only (error and cancelled ones record no tokens), a row
without an id or model, or with no start time, skipped; `input_tokens` counts the cached input
(`computed_total_tokens` is input + output), so the cache read and then the cache write are carved
out of it, each at most what is left; `output_tokens` already holds the reasoning
(`reasoning_tokens` is at most output on every row third parties sampled). Tokens of a message or
of its step-finish parts (the same figures, cached input inside input) are not read: the rows are
the request's record. A row is keyed by its id.
"""

from __future__ import annotations

from typing import Any

from lessonloop.capture.opencode_format.database import ExtraTable
from lessonloop.capture.opencode_format.parser import RawSession
from lessonloop.capture.parsing import token_count
from lessonloop.core.records import Batch, Problem, TokenUsageRecord
from lessonloop.core.timestamps import normalize_timestamp

TABLE = "model_usage"
MODEL_USAGE = ExtraTable(
    TABLE,
    needed=(
        "id",
        "model_id",
        "status",
        "started_at",
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
    ),
    optional=("reasoning_tokens",),
    where="status = 'completed'",
    order="started_at, id",
    stamp=(
        "count(*), sum(status = 'completed'), total(input_tokens), total(output_tokens),"
        " total(cache_read_input_tokens), total(cache_creation_input_tokens)"
    ),
)


def add_usage(batch: Batch, raw: RawSession, session_id: str) -> None:
    """The session's completed model_usage rows as token records, and its model when no message
    named one."""
    skipped = 0
    for row in raw.extra.get(TABLE, []):
        record = _record(row, session_id)
        if record is None:
            skipped += 1
        elif record.input_tokens or record.output_tokens or record.cache_read_tokens or record.cache_creation_tokens:
            batch.usage[(record.message_id, "")] = record
            session = batch.sessions.get(session_id)
            if session is not None and session.model is None:
                session.model = record.model
    if skipped:
        batch.problems.append(
            Problem(
                raw.source,
                None,
                "usage-not-read",
                f"{skipped} completed model_usage row(s) without an id, a model or a start time: not read",
                "notice",
            )
        )


def _record(row: dict[str, Any], session_id: str) -> TokenUsageRecord | None:
    usage_id = row.get("id")
    model = row.get("model_id")
    started = row.get("started_at")
    if not isinstance(usage_id, str) or not usage_id or not isinstance(model, str) or not model.strip():
        return None
    if not isinstance(started, int) or isinstance(started, bool) or started <= 0:
        return None
    total_input = token_count(row.get("input_tokens"))
    cache_read = min(token_count(row.get("cache_read_input_tokens")), total_input)
    cache_write = min(token_count(row.get("cache_creation_input_tokens")), total_input - cache_read)
    output = token_count(row.get("output_tokens"))
    return TokenUsageRecord(
        message_id=usage_id,
        request_id="",
        session_id=session_id,
        model=model.strip(),
        ts=normalize_timestamp(started),
        input_tokens=total_input - cache_read - cache_write,
        output_tokens=output,
        cache_creation_tokens=cache_write,
        cache_read_tokens=cache_read,
        reasoning_tokens=min(token_count(row.get("reasoning_tokens")), output),
    )
