"""How capture/sniffer.py recognizes Continue CLI's files: a session is one JSON object whose first
keys are `sessionId`, `title`, `workspaceDirectory`, `history`; the list of sessions
(`sessions.json`) an array of `{sessionId, title, dateCreated, workspaceDirectory}`."""

from __future__ import annotations

from collections.abc import Collection

from lessonloop.capture.sniffing import DocumentRule, Sniffing


def _session(path: str, keys: Collection[str]) -> str | None:
    return "continue-session" if "sessionId" in keys and ("history" in keys or "workspaceDirectory" in keys) else None


def _index(path: str, keys: Collection[str]) -> str | None:
    return "continue-index" if "sessionId" in keys and "dateCreated" in keys else None


SNIFFING = Sniffing(
    documents=(DocumentRule(5, "object", _session, final=True), DocumentRule(5, "array", _index, final=True))
)
