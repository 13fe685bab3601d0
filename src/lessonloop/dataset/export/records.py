"""The origin design's training records (its "Training Record Format": type, timestamp, input,
output, context with files and tools used), made of the chats and the commits. A chat: the prompt
is the input, the assistant's reply the output, the files read and changed and the tools used the
context. A commit: its message is the input, its diff summary the output, its files the context.
Each record also carries its project (a commit's: its repository), its rating (a chat's, else its
session's; commits have none) and its weight."""

from __future__ import annotations

import sqlite3
from typing import Any

from lessonloop.dataset.export.wing_kinds import wing_kinds
from lessonloop.report.chats import chat_rows
from lessonloop.report.record_filter import ExportFilter


def training_records(conn: sqlite3.Connection, keep: ExportFilter) -> list[dict[str, Any]]:
    """The records `keep` keeps, oldest first (time, type, id)."""
    records = []
    for chat in chat_rows(conn, keep):
        records.append(
            {
                "type": "chat",
                "id": chat["id"],
                "timestamp": chat["timestamp"],
                "input": chat["prompt"],
                "output": chat["response"],
                "context": {
                    "files": sorted({*chat["files_referenced"], *chat["files_modified"]}),
                    "tools_used": chat["tools_used"],
                },
                "project": chat["project"],
                "rating": chat["feedback"]["rating"],
                "weight": chat["weight"],
            }
        )
    commits = wing_kinds().get("commits")  # the history wing's (none without it)
    for commit in commits.rows(conn, keep) if commits is not None else []:
        records.append(
            {
                "type": "commit",
                "id": commit["id"],
                "timestamp": commit["timestamp"],
                "input": commit["message"],
                "output": commit["diff_summary"],
                "context": {"files": commit["files"], "tools_used": []},
                "project": commit["repository"],
                "rating": None,
                "weight": commit["weight"],
            }
        )
    records.sort(key=lambda record: (record["timestamp"] or "", record["type"], record["id"]))
    return records
