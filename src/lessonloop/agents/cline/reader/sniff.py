"""How capture/sniffer.py recognizes Cline CLI's files: a session's messages are one JSON object
`{version, updated_at, agent, sessionId, origin, messages, system_prompt}`; its summary
`{version, session_id, source, pid, started_at, ..., messages_path}`."""

from __future__ import annotations

from collections.abc import Collection

from lessonloop.capture.sniffing import DocumentRule, Sniffing


def _document(path: str, keys: Collection[str]) -> str | None:
    if "sessionId" in keys and "messages" in keys and ("updated_at" in keys or "agent" in keys):
        return "cline-messages"
    if "session_id" in keys and ("messages_path" in keys or ("source" in keys and "pid" in keys)):
        return "cline-summary"
    return None


SNIFFING = Sniffing(documents=(DocumentRule(6, "object", _document),))
