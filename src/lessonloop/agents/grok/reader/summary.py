"""A session's summary.json, beside its updates.jsonl (grok-build's session/persistence.rs, Summary):
what the log does not say of the session. Read once when a parser opens; a file missing, too big or
not JSON is no summary."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from lessonloop.agents.grok.reader.paths import group_cwd, session_folder
from lessonloop.capture.parsing import text_or_none
from lessonloop.core import json_codec

SUMMARY_BYTES = 4_000_000


@dataclass(frozen=True, slots=True)
class Summary:
    """What lessonloop reads of a session's summary.json and its group folder."""

    id: str | None = None  # info.id
    cwd: str | None = None  # info.cwd, else the group's .cwd or its decoded name
    title: str | None = None  # generated_title (a manual /rename too), else session_summary
    model: str | None = None  # current_model_id
    parent: str | None = None  # parent_session_id
    subagent: bool = False  # session_kind "subagent", "subagent_fork", "subagent_resume"
    folder_id: str | None = None  # the session folder's name


def read_summary(path: str) -> Summary:
    """The summary of the session whose updates.jsonl is `path` (an empty one away from its place)."""
    folder = session_folder(path)
    if folder is None:
        return Summary()
    data = _load(os.path.join(folder, "summary.json"))
    info = data.get("info")
    info = info if isinstance(info, dict) else {}
    kind = text_or_none(data.get("session_kind"))
    title = text_or_none(data.get("generated_title")) or text_or_none(data.get("session_summary"))
    return Summary(
        id=text_or_none(info.get("id")),
        cwd=text_or_none(info.get("cwd")) or group_cwd(os.path.dirname(folder)),
        title=title.strip() if title else None,
        model=text_or_none(data.get("current_model_id")),
        parent=text_or_none(data.get("parent_session_id")),
        subagent=kind is not None and kind.startswith("subagent"),
        folder_id=os.path.basename(folder),
    )


def _load(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(SUMMARY_BYTES + 1)
    except OSError:
        return {}
    if len(raw) > SUMMARY_BYTES:
        return {}
    try:
        data = json_codec.loads(raw)
    except (ValueError, json_codec.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
