"""How capture/sniffer.py recognizes Mistral Vibe's files: a session's meta.json is one JSON object
`{session_id, parent_session_id, start_time, end_time, environment: {working_directory},
origin_directory, username, child_sessions, config, ...}`; its journal's lines are
`{payload, previous_record_sha256, record_sha256, recovery_journal_record_version, sequence, type}`
(read through the session's meta.json, not on their own)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from lessonloop.capture.sniffing import DocumentRule, RecordRule, Sniffing

SESSION = "mistral-vibe-session"
JOURNAL = "mistral-vibe-journal"


def _document(path: str, keys: Collection[str]) -> str | None:
    if "session_id" in keys and "environment" in keys and ("origin_directory" in keys or "child_sessions" in keys):
        return SESSION
    return None


def _record(record: Mapping[str, Any]) -> str | None:
    if "record_sha256" in record and "recovery_journal_record_version" in record and "payload" in record:
        return JOURNAL
    return None


SNIFFING = Sniffing(documents=(DocumentRule(7, "object", _document),), records=(RecordRule(16, _record),))
