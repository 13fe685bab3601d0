"""OpenCode records of newer versions, hand-written from the upstream definitions.

- anomalyco/opencode (formerly sst/opencode) `packages/opencode/src/session/session.sql.ts`: a
  `session_message` table (id, session_id, type, time_created, time_updated, data), the v2
  message log beside message/part. Not read: its rows are counted in a notice, never dropped
  silently.
- `packages/opencode/src/tool/plan.ts`: the `plan_exit` / `plan_enter` tools (plan mode).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.capture.opencode_format import database
from lessonloop.capture.opencode_format.parser import RawSession
from lessonloop.capture.opencode_format.tools import kind_of
from lessonloop.core.records import Batch, Problem
from tests.corpus_copies import write_opencode_db

SESSION = (
    {"id": "ses_a", "directory": "/work/p", "title": "t", "time": {"created": 1_000}},
    [({"id": "msg_a", "role": "user", "time": {"created": 2_000}}, [{"id": "prt_a", "type": "text", "text": "hi"}])],
)


def _read(db: Path) -> dict[str, RawSession]:
    seen: dict[str, RawSession] = {}

    def keep(raw: RawSession) -> Batch:
        seen[raw.info["id"]] = raw
        return Batch()

    problems: list[Problem] = []
    for unit in database.units([str(db)], problems, keep):
        unit.read()
    assert problems == []
    return seen


def test_session_message_rows_are_a_notice_not_lost_silently(tmp_path: Path) -> None:
    db = tmp_path / "opencode.db"
    write_opencode_db(db, [("proj", SESSION)])
    assert [p.code for p in _read(db)["ses_a"].problems] == []  # no session_message table: nothing said
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE session_message (id text PRIMARY KEY, session_id text NOT NULL, type text NOT NULL,"
        " time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL)"
    )
    rows = [("sm1", "user", "{}"), ("sm2", "assistant", "{}"), ("sm3", "assistant", "{}")]
    conn.executemany(
        "INSERT INTO session_message VALUES (?, 'ses_a', ?, 1, 1, ?)",
        rows,
    )
    conn.commit()
    conn.close()
    raw = _read(db)["ses_a"]
    assert [(p.code, p.severity, p.detail) for p in raw.problems] == [
        (
            "session-message-not-read",
            "notice",
            "3 session_message row(s) (assistant 2, user 1): OpenCode's v2 message log, not read",
        )
    ]
    assert [m["id"] for m, _parts in raw.messages] == ["msg_a"]  # the message table is still read


def test_plan_mode_tools_are_plan_calls() -> None:
    assert kind_of("plan_exit") == kind_of("plan_enter") == "plan"
    assert kind_of("question") == kind_of("skill") == "other"


@pytest.mark.slow
def test_a_call_rerouted_to_the_invalid_tool_is_a_failed_call(tmp_path: Path) -> None:
    # tool/invalid.ts: a call of an unknown tool or with arguments that do not validate becomes a
    # call of `invalid` {tool, error} that "completes" with "The arguments provided to the tool are
    # invalid: <error>".
    from tests.agents.opencode.test_opencode_adapter import (
        T0,
        assert_counts_agree,
        assistant,
        ingest,
        rows,
        tool,
        user,
        write_db,
    )

    sid = "ses_invalid"
    info: dict[str, Any] = {"id": sid, "projectID": "prj1", "slug": "s", "directory": "/work/app", "title": "t"}
    info.update(version="1.2.0", time={"created": T0, "updated": T0 + 50})
    error = "Model tried to call unavailable tool 'Write'. Available tools: invalid, bash, read, edit, write."
    messages = [
        user("msg_u1", sid, 1, ("prt_u1", "write the file", {})),
        assistant(
            "msg_a1",
            sid,
            2,
            [
                tool(
                    "prt_t1",
                    "call_1",
                    "invalid",
                    "completed",
                    {"tool": "Write", "error": error},
                    output=f"The arguments provided to the tool are invalid: {error}",
                    title="Invalid Tool",
                    metadata={},
                )
            ],
        ),
    ]
    db = tmp_path / "opencode.db"
    write_db(db, [(info, messages)])
    store = tmp_path / "store.db"
    ingest(store, db)
    assert rows(store, "SELECT tool, status, error_text LIKE 'The arguments provided%' FROM tool_calls") == [
        ("invalid", "error", 1)
    ]
    assert assert_counts_agree(store, db)["tools"] == {"invalid": {"calls": 1, "errors": 1}}


@pytest.mark.slow
def test_the_layout_before_the_first_storage_migration_is_read(tmp_path: Path) -> None:
    # OpenCode before its first storage migration (session/index.ts of mid 2025) wrote
    # storage/session/info/<id>.json, storage/session/message/<id>/<message>.json and
    # storage/session/part/<id>/<message>/<part>.json; its first message format kept the parts
    # inside the message ({role, parts, metadata}).
    import json

    from tests.agents.opencode.test_opencode_adapter import ingest, rows, stats
    from tests.counting.opencode_count import count

    storage = tmp_path / "opencode" / "storage"

    def put(relative: str, value: dict[str, Any]) -> None:
        target = storage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value))

    sid = "ses_old"
    put(
        f"session/info/{sid}.json",
        {"id": sid, "title": "old", "version": "0.3.0", "time": {"created": 1, "updated": 2}},
    )
    put(f"session/message/{sid}/msg_1.json", {"id": "msg_1", "sessionID": sid, "role": "user", "time": {"created": 3}})
    put(f"session/part/{sid}/msg_1/prt_1.json", {"id": "prt_1", "messageID": "msg_1", "type": "text", "text": "fix it"})
    put(
        f"session/message/{sid}/msg_2.json",
        {"id": "msg_2", "sessionID": sid, "role": "assistant", "time": {"created": 4}, "modelID": "m"},
    )
    put(
        f"session/part/{sid}/msg_2/prt_2.json",
        {
            "id": "prt_2",
            "messageID": "msg_2",
            "type": "tool",
            "callID": "call_1",
            "tool": "bash",
            "state": {"status": "completed", "input": {"command": "make"}, "output": "ok", "metadata": {"exit": 0}},
        },
    )
    put(
        f"session/message/{sid}/msg_3.json",
        {"id": "msg_3", "role": "user", "parts": [{"type": "text", "text": "and the docs"}], "metadata": {}},
    )
    db = tmp_path / "s.db"
    ingest(db, storage)
    assert rows(db, "SELECT text FROM messages WHERE kind = 'prompt' ORDER BY text") == [("and the docs",), ("fix it",)]
    assert rows(db, "SELECT tool, status, command FROM tool_calls") == [("bash", "ok", "make")]
    expected = count([str(storage)])
    got = stats(db)
    assert (got["sessions"], got["messages"]["prompt"]) == (expected["sessions"], expected["prompts"]) == (1, 2)
    assert {t: {"calls": v["calls"], "errors": v["errors"]} for t, v in got["tools"].items()} == expected["tools"]
