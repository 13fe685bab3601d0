"""A batch with every text left out, for a capture that stores a file's figures first (issue 62):
its sessions, messages, calls, outcomes and tokens, and none of what was said, run or shown.

The parser ran inside `secrets.redaction.withheld()`, so its texts are as the agent wrote them;
none may reach the store. What is kept is named here, field by field (ids, times, roles, kinds,
tool names, outcomes, counts, models, the session's folder and branch: what the parsers never
redact); every other text field of every record is emptied, so a field a record gains later is
left out until it is named here. The few short texts a list of sessions shows are kept, redacted
here (secrets/redaction.redact_kept): the person's prompts, a session's title and its summaries
(a few hundred characters a session: `sessions` and the web UI's list need no other text, and a
search finds the prompts at once). The batch's problems are not stored either (a problem's detail
may quote a line; store/sessions/writer.py). The file is marked (source_files.texts_withheld) and
read again whole, its texts redacted, by the store's worker or the first read that shows texts.
"""

from __future__ import annotations

from dataclasses import fields

from lessonloop.core.records import (
    Batch,
    MessageRecord,
    SessionRecord,
    SummaryRecord,
    TokenUsageRecord,
    ToolCallRecord,
    ToolResultRecord,
)
from lessonloop.secrets.redaction import redact_kept


def _may_hold_text(annotation: object) -> bool:
    """Whether a field's annotation (a string: the records use postponed annotations) admits a
    str: `str | None`, `tuple[str, ...]`; not `int`, `bool`, `float | None`."""
    return "str" in str(annotation)


# The fields kept, by record type: what is not a text (numbers, flags), and these.
KEPT: dict[type, frozenset[str]] = {
    SessionRecord: frozenset(
        {"id", "agent", "kind", "parent_id", "agent_id", "project", "cwd", "git_branch", "version", "slug",
         "agent_type", "spawn_tool_use_id", "model", "started_at", "ended_at"}
    ),
    MessageRecord: frozenset({"session_id", "uuid", "parent_uuid", "ts", "role", "kind", "tool_use_id"}),
    ToolCallRecord: frozenset({"id", "session_id", "message_uuid", "ts", "tool", "cwd", "kind"}),
    ToolResultRecord: frozenset({"tool_use_id", "ts", "status", "subagent_id"}),
    TokenUsageRecord: frozenset({"message_id", "request_id", "session_id", "model", "ts"}),
}  # fmt: skip
# Per type: the fields emptied (every field not kept that can hold a text).
_EMPTIED: dict[type, tuple[str, ...]] = {
    kind: tuple(f.name for f in fields(kind) if f.name not in kept and _may_hold_text(f.type))
    for kind, kept in KEPT.items()
}


PROMPT = "prompt"  # the kind of message whose text is kept (MessageRecord.kind: what the person typed)


def withhold_texts(batch: Batch) -> None:
    """Empty every text of `batch` in place (see the module's docstring): text fields become None,
    tuples of texts empty; the person's prompts, the sessions' titles and the summaries are kept,
    redacted."""
    for session in batch.sessions.values():
        title = session.title
        _empty(session)
        if title:
            session.title = redact_kept(title)[0]
    for message in batch.messages:
        prompt = message.text if message.kind == PROMPT else None
        _empty(message)
        if prompt:
            message.text = redact_kept(prompt)[0]
    for records in (batch.tool_calls, batch.tool_results):
        for record in records:
            _empty(record)
    for usage in batch.usage.values():
        _empty(usage)
    batch.summaries = [SummaryRecord(s.leaf_uuid, redact_kept(s.summary)[0], s.seq) for s in batch.summaries]


def _empty(record: object) -> None:
    for name in _EMPTIED[type(record)]:
        value = getattr(record, name)
        if isinstance(value, tuple):
            setattr(record, name, ())
        elif value is not None:
            setattr(record, name, None)
