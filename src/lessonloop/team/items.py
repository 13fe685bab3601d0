"""What travels to the team, and the identity of each thing.

An item's id is derived from its content alone: a lesson's is its kind, project (the normalized
remote URL, '' for a global lesson) and signature (itself a digest of the trigger and the error:
store/lessons/writer.py), a command's the project and its normalized command line. The same lesson
learned on two machines, or pushed twice, is one item. Each member sends their own counts (the
server keeps one row per member and sums them), the texts redacted again, an evidence summary
(rows per role, feedback) and never a transcript, prompt or diff.
"""

from __future__ import annotations

import array
import hashlib
from collections.abc import Mapping
from typing import Any

from lessonloop.core import json_codec
from lessonloop.learning.engine.exchange import portable_record
from lessonloop.secrets.field_redaction import redact_fields
from lessonloop.secrets.pii import scrub_pii as scrub_text
from lessonloop.secrets.pii import scrub_pii_value
from lessonloop.secrets.redaction import redact_shown as redact  # what is shown, exported or sent: the rules alone
from lessonloop.team.server_schema import MAX_SHORT_TEXT, SHORT_TEXTS
from lessonloop.team.store.state import Outgoing

LESSON_TEXTS = (
    "kind", "title", "body", "prevention", "prevention_command", "trigger", "error_signature", "error_class",
    "category", "severity",
)  # fmt: skip
LESSON_COUNTS = ("sessions", "failed_sessions", "observations", "prevented")


def item_id(kind: str, project: str, signature: str) -> str:
    """The content-derived id of an item."""
    return hashlib.sha256(f"{kind}\0{project}\0{signature}".encode()).hexdigest()[:32]


def digest(record: Mapping[str, Any]) -> str:
    """A digest of what an item says (not of when it was sent)."""
    return hashlib.sha256(json_codec.dumps(record, sort_keys=True).encode()).hexdigest()[:32]


def lesson_item(lesson: Mapping[str, Any], project: str, scrub_pii: bool = True) -> Outgoing:
    """An own lesson (store.team_state.own_lessons) as it goes to the team, for remote `project`.
    `scrub_pii` (privacy.scrub_pii_team): personal data scrubbed from every text it carries."""
    record = portable_record(lesson, scrub_pii)  # the portable fields, every text redacted again in its scope
    payload = {name: record.get(name) for name in LESSON_TEXTS}
    trigger_text = redact_fields(lesson.get("trigger_text"))[0] if lesson.get("trigger_text") else None
    if scrub_pii and trigger_text is not None:
        trigger_text = scrub_pii_value(trigger_text)[0]
    payload["trigger_text"] = trigger_text
    payload = _fitted(payload)
    counts = {name: int(lesson.get(name) or 0) for name in LESSON_COUNTS}
    evidence = {"roles": dict(lesson.get("evidence_roles") or {}), "feedback": dict(lesson.get("feedback") or {})}
    signature = str(lesson["signature"])
    identity = item_id("lesson", project, signature)
    body = {
        "payload": payload,
        "counts": counts,
        "evidence": evidence,
        "first_seen": lesson.get("first_seen"),
        "last_seen": lesson.get("last_seen"),
    }
    item: dict[str, Any] = {
        "id": identity,
        "kind": "lesson",
        "project": project,
        "signature": signature,
        **body,
        "digest": digest(body),
        "deleted": False,
    }
    vector = _vector(lesson.get("embedding"))
    if vector is not None:
        item["embedding"] = vector
        item["embedding_model"] = lesson.get("embedding_model")
    return Outgoing(identity, "lesson", signature, item, item["digest"])


def command_item(summary: Mapping[str, Any], project: str, scrub_pii: bool = True) -> Outgoing:
    """A command's run telemetry (a wing's command_summaries: runs/store/reader.command_summaries)
    as it goes to the team;
    `scrub_pii` as for lesson_item."""
    command = redact(str(summary["command"]), "command")[0]
    program = redact(str(summary.get("program") or ""), "command")[0]
    if scrub_pii:
        command, program = scrub_text(command)[0], scrub_text(program)[0]
    signature = hashlib.sha256(command.encode()).hexdigest()[:20]
    payload = _fitted({"command": command, "program": program})
    counts = {
        "runs": int(summary.get("runs") or 0),
        "failures": int(summary.get("failures") or 0),
        "stopped": int(summary.get("stopped") or 0),
        "duration_total": round(float(summary.get("duration_total") or 0.0), 3),
    }
    body = {
        "payload": payload,
        "counts": counts,
        "evidence": {"duration_max": round(float(summary.get("duration_max") or 0.0), 3)},
        "first_seen": summary.get("first_seen"),
        "last_seen": summary.get("last_seen"),
    }
    identity = item_id("command", project, signature)
    item_digest = digest(body)
    item: dict[str, Any] = {
        "id": identity,
        "kind": "command",
        "project": project,
        "signature": signature,
        **body,
        "digest": item_digest,
        "deleted": False,
    }
    return Outgoing(identity, "command", signature, item, item_digest)


def _fitted(payload: dict[str, Any]) -> dict[str, Any]:
    """The texts as the server takes them (server_schema.py check_push): a lesson's kind, category
    and error class and a command's program cut to MAX_SHORT_TEXT characters (a lesson imported
    with a longer one would have the whole push refused, each time), a trigger that is not an
    object left out, any other field that is not a text made one."""
    fitted: dict[str, Any] = {}
    for name, value in payload.items():
        if name == "trigger":
            fitted[name] = value if isinstance(value, dict) else None
        elif value is None or isinstance(value, str):
            fitted[name] = value[:MAX_SHORT_TEXT] if name in SHORT_TEXTS and value else value
        else:
            fitted[name] = str(value)
    return fitted


def withdrawal(identity: str, kind: str, local_key: str) -> Outgoing:
    """A contribution taken back (the lesson was forgotten or rejected here)."""
    item = {"id": identity, "kind": kind, "deleted": True, "digest": "deleted"}
    return Outgoing(identity, kind, local_key, item, "deleted")


def _vector(blob: Any) -> list[float] | None:
    """A stored float32 vector as a list (rounded: it goes as JSON), or None."""
    if not isinstance(blob, bytes | bytearray) or not blob or len(blob) % 4:
        return None

    values = array.array("f")
    values.frombytes(bytes(blob))
    return [round(v, 6) for v in values]
