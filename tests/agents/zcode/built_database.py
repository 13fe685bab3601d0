"""A ZCode database BUILT by the tests, not written by ZCode: no real `db.sqlite` (or a dump of one)
under a licence that allows keeping it was found in public repositories. Its shape is taken from:

- ccusage 20's ZCode adapter (MIT; ccusage/ccusage rust/adapters/zcode/src/loader.rs@02a2b34f,
  parser.rs@358a3f66, README.md): `model_usage` (id, session_id, started_at in ms, model_id,
  status, input_tokens counting the cached input, output_tokens, reasoning_tokens,
  cache_creation_input_tokens, cache_read_input_tokens, computed_total_tokens = input + output)
  joined with `session` (id, directory);
- the rows quoted in ccusage#1595 (ZCode.app 3.7.5 macOS, 3.7.6 Windows: id
  `usage_model_main_turn_msg_…_0`, provider `builtin:zai-coding-plan`, input 70443 with cache read
  70144, output 680, total 71123) and junhoyeo/tokscale#825 (computed total = input + output on
  every row; cache read and write inside input; reasoning inside output);
- the session, message and part columns third-party readers list as measured on ZCode 0.16.x
  databases (kenn-io/agentsview#1003, xiufengsun/TokenTracker#554, and public test fixtures that
  state their DDL was copied from a real database): OpenCode's tables (`data` JSON) plus
  `task_type`, `time_archived`, `sequence`, ...; message data with `role`, `modelID`,
  `semantics {kind, origin}`; tool parts `{type: "tool", tool: "Bash", callID, state {status,
  input, output | error, time}}`.

Every id, path, text and count here is invented.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

T0 = 1_786_000_000_000  # ms, 2026-08-06

DDL = (
    """CREATE TABLE session (id text PRIMARY KEY, project_id text NOT NULL, workspace_id text, parent_id text,
       slug text NOT NULL, directory text NOT NULL, path text, title text NOT NULL, version text NOT NULL,
       share_url text, revert text, permission text, time_created integer NOT NULL,
       time_updated integer NOT NULL, time_compacting integer, time_archived integer,
       task_type text NOT NULL DEFAULT 'interactive', title_source text NOT NULL DEFAULT 'first_input',
       trace_id text)""",
    """CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, time_created integer NOT NULL,
       time_updated integer NOT NULL, data text NOT NULL, sequence integer)""",
    """CREATE TABLE part (id text PRIMARY KEY, message_id text NOT NULL, session_id text NOT NULL,
       time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL, sequence integer)""",
    """CREATE TABLE model_usage (id text PRIMARY KEY, logical_request_id text NOT NULL,
       attempt_index integer NOT NULL DEFAULT 0, session_id text NOT NULL, turn_id text,
       assistant_message_id text, query_source text NOT NULL, provider_id text NOT NULL,
       model_id text NOT NULL, variant text, agent text, mode text,
       status text NOT NULL CHECK (status IN ('running', 'completed', 'error', 'cancelled')),
       started_at integer NOT NULL, completed_at integer, duration_ms integer,
       time_to_first_token_ms integer, input_tokens integer NOT NULL DEFAULT 0,
       output_tokens integer NOT NULL DEFAULT 0, reasoning_tokens integer NOT NULL DEFAULT 0,
       cache_creation_input_tokens integer NOT NULL DEFAULT 0,
       cache_read_input_tokens integer NOT NULL DEFAULT 0, computed_total_tokens integer NOT NULL DEFAULT 0,
       raw_usage_json text)""",
    """CREATE TABLE turn_usage (session_id text NOT NULL, turn_id text NOT NULL, user_message_id text,
       status text NOT NULL, started_at integer NOT NULL, completed_at integer,
       input_tokens integer NOT NULL DEFAULT 0, output_tokens integer NOT NULL DEFAULT 0,
       computed_total_tokens integer NOT NULL DEFAULT 0, PRIMARY KEY (session_id, turn_id))""",
    """CREATE TABLE tool_usage (id text PRIMARY KEY, session_id text NOT NULL, turn_id text,
       tool_call_id text NOT NULL, tool_name text NOT NULL, status text NOT NULL,
       started_at integer NOT NULL, completed_at integer, exit_code integer)""",
)

MAIN = "sess_built_main_0001"
CHILD = "sess_subagent_agent_built_0002"
OTHER = "sess_built_other_0003"
PROJECT = "/work/built-project"
MODEL = "GLM-5.2"


def message(conn: sqlite3.Connection, session: str, message_id: str, at: int, data: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?)",
        (message_id, session, at, at, json.dumps({"time": {"created": at}, **data})),
    )


def part(conn: sqlite3.Connection, session: str, message_id: str, part_id: str, at: int, data: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?, ?)",
        (part_id, message_id, session, at, at, json.dumps(data)),
    )


def usage(
    conn: sqlite3.Connection,
    usage_id: str,
    session: str,
    at: int,
    tokens: tuple[int, int, int, int],
    *,
    status: str = "completed",
    model: str = MODEL,
    reasoning: int = 0,
    source: str = "main_turn",
) -> None:
    """A model_usage row; `tokens`: (input with the cache in it, cache read, cache write, output)."""
    total_input, read, write, output = tokens
    raw = {"inputTokens": total_input, "outputTokens": output, "totalTokens": total_input + output}
    conn.execute(
        """INSERT INTO model_usage (id, logical_request_id, session_id, turn_id, query_source, provider_id,
           model_id, agent, mode, status, started_at, completed_at, input_tokens, output_tokens,
           reasoning_tokens, cache_creation_input_tokens, cache_read_input_tokens, computed_total_tokens,
           raw_usage_json)
           VALUES (?, ?, ?, 'turn_1', ?, 'builtin:zai-coding-plan', ?, 'zcode-agent', 'yolo', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            usage_id,
            usage_id.removeprefix("usage_model_main_turn_"),
            session,
            source,
            model,
            status,
            at,
            at + 900,
            total_input,
            output,
            reasoning,
            write,
            read,
            total_input + output,
            json.dumps(raw),
        ),
    )


def session_row(conn: sqlite3.Connection, session: str, at: int, *, parent: str | None = None) -> None:
    conn.execute(
        """INSERT INTO session (id, project_id, parent_id, slug, directory, path, title, version, time_created,
           time_updated, task_type) VALUES (?, 'proj_built', ?, 'built-slug', ?, ?, 'a built session', '0.16.5',
           ?, ?, ?)""",
        (session, parent, PROJECT, PROJECT, at, at + 60_000, "subagent_child" if parent else "interactive"),
    )


def _child(conn: sqlite3.Connection, user: dict[str, Any]) -> None:
    """The session of the main session's `Agent` call."""
    session_row(conn, CHILD, T0 + 430, parent=MAIN)
    message(conn, CHILD, "msg_c_u", T0 + 440, {**user, "semantics": {"kind": "user_prompt", "origin": "agent_runtime"}})
    part(conn, CHILD, "msg_c_u", "prt_c_u", T0 + 440, {"type": "text", "text": "list the files"})
    message(conn, CHILD, "msg_c_a", T0 + 450, {"role": "assistant", "modelID": "GLM-5-Turbo", "agent": "zcode-Explore"})
    part(
        conn,
        CHILD,
        "msg_c_a",
        "prt_c_a",
        T0 + 460,
        {
            "type": "tool",
            "tool": "Glob",
            "callID": "call_glob_1",
            "state": {
                "status": "completed",
                "input": {"pattern": "*"},
                "output": "README.md",
                "time": {"start": T0 + 460, "end": T0 + 470},
            },
        },
    )
    usage(
        conn,
        "usage_model_subagent_msg_c_a_0",
        CHILD,
        T0 + 450,
        (5_000, 4_000, 0, 200),
        model="GLM-5-Turbo",
        source="subagent",
    )


def build(path: Path, *, subagent: bool = True) -> Path:
    """<path> as a ZCode database (folders made): a main session with a prompt, an injected
    reminder, a reply, a failing and a passing `Bash` call, an `Edit`, an `Agent` call; its
    sub-agent's session (`subagent`); a third session; model_usage rows completed, cancelled and errored."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        for statement in DDL:
            conn.execute(statement)
        session_row(conn, MAIN, T0)
        user = {
            "role": "user",
            "agent": "zcode-agent",
            "model": {"providerID": "builtin:zai-coding-plan", "modelID": MODEL},
        }
        message(conn, MAIN, "msg_u1", T0 + 100, {**user, "semantics": {"kind": "user_prompt", "origin": "real_user"}})
        part(conn, MAIN, "msg_u1", "prt_u1", T0 + 100, {"type": "text", "text": "push this branch"})
        message(
            conn,
            MAIN,
            "msg_a1",
            T0 + 200,
            {
                "role": "assistant",
                "parentID": "msg_u1",
                "modelID": MODEL,
                "providerID": "builtin:zai-coding-plan",
                "agent": "zcode-agent",
                "path": {"cwd": PROJECT, "root": PROJECT},
                "cost": 0,
                "tokens": {
                    "total": 71123,
                    "input": 70443,
                    "output": 680,
                    "reasoning": 0,
                    "cache": {"read": 70144, "write": 0},
                },
                "semantics": {"kind": "assistant_response", "origin": "agent_runtime"},
            },
        )
        part(conn, MAIN, "msg_a1", "prt_a1_0", T0 + 200, {"type": "step-start"})
        part(conn, MAIN, "msg_a1", "prt_a1_1", T0 + 210, {"type": "reasoning", "text": "thinking"})
        part(
            conn,
            MAIN,
            "msg_a1",
            "prt_a1_2",
            T0 + 220,
            {
                "type": "tool",
                "tool": "Bash",
                "callID": "call_push_1",
                "state": {
                    "status": "error",
                    "input": {"command": "git push", "description": "push"},
                    "error": "fatal: The current branch feature has no upstream branch.",
                    "time": {"start": T0 + 220, "end": T0 + 300},
                },
            },
        )
        part(
            conn,
            MAIN,
            "msg_a1",
            "prt_a1_3",
            T0 + 310,
            {
                "type": "tool",
                "tool": "Bash",
                "callID": "call_push_2",
                "state": {
                    "status": "completed",
                    "input": {"command": "git push --set-upstream origin feature"},
                    "output": "branch 'feature' set up to track 'origin/feature'.\n",
                    "metadata": {"exit": 0},
                    "time": {"start": T0 + 310, "end": T0 + 400},
                },
            },
        )
        part(
            conn,
            MAIN,
            "msg_a1",
            "prt_a1_4",
            T0 + 410,
            {
                "type": "tool",
                "tool": "Edit",
                "callID": "call_edit_1",
                "state": {
                    "status": "completed",
                    "input": {"file_path": f"{PROJECT}/README.md", "old_string": "a", "new_string": "b"},
                    "output": "ok",
                    "time": {"start": T0 + 410, "end": T0 + 420},
                },
            },
        )
        part(
            conn,
            MAIN,
            "msg_a1",
            "prt_a1_5",
            T0 + 430,
            {
                "type": "tool",
                "tool": "Agent",
                "callID": "call_agent_1",
                "state": {
                    "status": "completed",
                    "input": {"description": "look around", "prompt": "list the files", "subagent_type": "Explore"},
                    "output": "done",
                    "time": {"start": T0 + 430, "end": T0 + 900},
                },
            },
        )
        part(conn, MAIN, "msg_a1", "prt_a1_6", T0 + 950, {"type": "text", "text": "Done: the branch is pushed."})
        part(
            conn,
            MAIN,
            "msg_a1",
            "prt_a1_7",
            T0 + 960,
            {
                "type": "step-finish",
                "reason": "stop",
                "cost": 0,
                "tokens": {
                    "total": 71123,
                    "input": 70443,
                    "output": 680,
                    "reasoning": 0,
                    "cache": {"read": 70144, "write": 0},
                },
            },
        )
        message(
            conn,
            MAIN,
            "msg_r1",
            T0 + 1_000,
            {**user, "semantics": {"kind": "todo_reminder", "origin": "agent_runtime"}},
        )
        part(
            conn,
            MAIN,
            "msg_r1",
            "prt_r1",
            T0 + 1_000,
            {"type": "text", "text": "<system-reminder>todo list is empty</system-reminder>"},
        )
        message(
            conn,
            MAIN,
            "msg_t1",
            T0 + 1_100,
            {"role": "assistant", "agent": "zcode-agent", "semantics": {"kind": "timeline_event", "origin": "system"}},
        )
        part(
            conn,
            MAIN,
            "msg_t1",
            "prt_t1",
            T0 + 1_100,
            {"type": "timeline", "timelineType": "model_change", "toModel": {"modelID": MODEL}},
        )
        usage(conn, "usage_model_main_turn_msg_a1_0", MAIN, T0 + 200, (70443, 70144, 0, 680))
        usage(conn, "usage_model_main_turn_msg_a1b_0", MAIN, T0 + 500, (1_000, 200, 100, 300), reasoning=120)
        usage(conn, "usage_model_session_title_built_0", MAIN, T0 + 150, (290, 192, 0, 84), source="session_title")
        usage(conn, "usage_model_main_turn_msg_x_0", MAIN, T0 + 700, (0, 0, 0, 0), status="cancelled")
        usage(conn, "usage_model_main_turn_msg_y_0", MAIN, T0 + 800, (500, 0, 0, 0), status="error")

        if subagent:
            _child(conn, user)
        session_row(conn, OTHER, T0 + 86_400_000)
        message(
            conn,
            OTHER,
            "msg_o_u",
            T0 + 86_400_100,
            {**user, "semantics": {"kind": "user_prompt", "origin": "real_user"}},
        )
        part(conn, OTHER, "msg_o_u", "prt_o_u", T0 + 86_400_100, {"type": "text", "text": "run the tests"})
        usage(conn, "usage_model_main_turn_msg_o_0", OTHER, T0 + 86_400_200, (16_507, 11_712, 0, 59))
        conn.commit()
    finally:
        conn.close()
    return path


def zcode_home(tmp_path: Path, *, subagent: bool = True) -> Path:
    """A home whose ~/.zcode/cli/db/db.sqlite is the built database."""
    home = tmp_path / "home"
    build(home / ".zcode" / "cli" / "db" / "db.sqlite", subagent=subagent)
    return home
