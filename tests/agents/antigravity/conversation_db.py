"""Antigravity conversation databases BUILT here, not written by Antigravity: no real
`conversations/<uuid>.db` was available. Their tables are those of agy 1.2.0 as pond's notes give
them (docs/agents/not-read-yet/cursor-and-antigravity.md, 3.2), and their protobuf blobs are built
at the field numbers ccusage's Antigravity adapter reads, as its own tests build them
(ccusage/ccusage rust/adapters/antigravity/src/parser.rs `test_support` and loader.rs tests, commit
0a67b461419e4e412a640a5e337b27423f0342b0): ModelUsageStats (model id 1, input 2, output 3,
cache write 4, cache read 5, provider 6, message_id 7, thinking 9, visible output 10,
response_id 11, provider_assigned_message_id 12); step metadata (time 8, usage 9, model info 24:
id 1, provider 7, name 12; retries 28 -> 2); gen_metadata (1 -> ChatModelMetadata: model id 3,
usage 4, generation info 9 -> 4 time, retries 17 -> 2, model name 19); trajectory_metadata_blob
(created_at 2). A Timestamp is seconds 1, nanos 2.

`agy_usage_home` lays out a HOME with the real capture's transcripts and databases beside them;
EXPECTED is what ccusage 20.0.24 reports for it (`ccusage antigravity session --json --offline`,
checked in tests/cli/test_costs_ccusage.py), per conversation."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from lessonloop.agents.antigravity.reader.protobuf_wire import bytes_field, varint_field
from tests.agents.antigravity.test_antigravity_adapter import CHILD, TOOLS, agy_home

FORKED = "9a0e5c1d-47b2-4c33-9e11-2f6d8b7a5c40"  # a fork of TOOLS: one response copied, one its own
ALONE = "5d0c2b7e-8f13-4a6e-b2d9-71c4e0f9a3b8"  # a database with no transcript: tokens only
LANE = Path(".gemini") / "antigravity-cli"
T0 = 1_789_053_255  # 2026-09-10T15:14:15Z, when the capture's TOOLS conversation began


@dataclass(frozen=True)
class Tokens:
    model_id: int | None = None
    input: int = 0
    output: int = 0  # field 3: thinking included
    cache_write: int = 0
    cache_read: int = 0
    thinking: int = 0
    visible: int = 0
    provider: int | None = None
    message_id: str | None = None
    response_id: str | None = None
    provider_message_id: str | None = None

    def blob(self) -> bytes:
        out = varint_field(1, self.model_id) if self.model_id else b""
        for number, value in ((2, self.input), (3, self.output), (4, self.cache_write), (5, self.cache_read),
                              (9, self.thinking), (10, self.visible)):  # fmt: skip
            if value:
                out += varint_field(number, value)
        if self.provider:
            out += varint_field(6, self.provider)
        for number, text in ((7, self.message_id), (11, self.response_id), (12, self.provider_message_id)):
            if text:
                out += bytes_field(number, text)
        return out


def timestamp(seconds: int, nanos: int = 0) -> bytes:
    return varint_field(1, seconds) + (varint_field(2, nanos) if nanos else b"")


def retry(usage: Tokens) -> bytes:
    return bytes_field(2, usage.blob())


def step_metadata(
    seconds: int | None = None,
    usage: Tokens | None = None,
    model: str | None = None,
    provider: int | None = None,
    retries: tuple[Tokens, ...] = (),
) -> bytes:
    out = bytes_field(8, timestamp(seconds)) if seconds else b""
    if usage is not None:
        out += bytes_field(9, usage.blob())
    if model is not None or provider is not None:
        info = varint_field(7, provider) if provider else b""
        info += bytes_field(12, model) if model else b""
        out += bytes_field(24, info)
    for one in retries:
        out += bytes_field(28, retry(one))
    return out


def generation(
    usage: Tokens | None = None,
    model: str | None = None,
    seconds: int | None = None,
    retries: tuple[Tokens, ...] = (),
) -> bytes:
    chat = b""
    if usage is not None:
        chat += (varint_field(3, usage.model_id) if usage.model_id else b"") + bytes_field(4, usage.blob())
    if seconds:
        chat += bytes_field(9, bytes_field(4, timestamp(seconds, 250_000_000)))
    for one in retries:
        chat += bytes_field(17, retry(one))
    if model is not None:
        chat += bytes_field(19, model)
    return bytes_field(1, chat)


def trajectory(workspace: str, seconds: int) -> bytes:
    return bytes_field(1, bytes_field(1, workspace)) + bytes_field(2, timestamp(seconds))


SCHEMA = """
PRAGMA journal_mode = WAL;
PRAGMA user_version = 1;
CREATE TABLE steps (idx INTEGER PRIMARY KEY, step_type INTEGER, status INTEGER, has_subtrajectory INTEGER,
    step_format INTEGER, metadata BLOB, error_details BLOB, permissions BLOB, task_details BLOB,
    render_info BLOB, step_payload BLOB);
CREATE TABLE trajectory_meta (trajectory_id TEXT, cascade_id TEXT, trajectory_type INTEGER, source INTEGER);
CREATE TABLE trajectory_metadata_blob (id TEXT PRIMARY KEY, data BLOB);
CREATE TABLE gen_metadata (idx INTEGER PRIMARY KEY, data BLOB);
CREATE TABLE parent_references (idx INTEGER PRIMARY KEY, data BLOB);
"""


def build(
    path: Path,
    conversation: str,
    steps: list[tuple[int, int, bytes | None]],
    generations: list[tuple[int, bytes]],
    created: int | None = None,
) -> Path:
    """A conversation database at `path`: steps (idx, step type, metadata), gen_metadata rows, the
    trajectory's created_at. In WAL mode, its rows still in its -wal (copied while the writer is
    open, as agy leaves it while it runs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    making = path.parent / ".making" / path.name
    making.parent.mkdir(exist_ok=True)
    conn = sqlite3.connect(making)
    conn.executescript(SCHEMA)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    with conn:
        conn.execute("INSERT INTO trajectory_meta VALUES (?, ?, 1, 1)", (f"traj-{conversation[:8]}", conversation))
        if created is not None:
            conn.execute(
                "INSERT INTO trajectory_metadata_blob VALUES ('main', ?)", (trajectory("file:///tmp", created),)
            )
        conn.executemany(
            "INSERT INTO steps (idx, step_type, status, metadata) VALUES (?, ?, 3, ?)",
            steps,
        )
        conn.executemany("INSERT INTO gen_metadata (idx, data) VALUES (?, ?)", generations)
    shutil.copyfile(making, path)
    shutil.copyfile(f"{making}-wal", f"{path}-wal")
    conn.close()
    shutil.rmtree(making.parent)
    return path


# The responses of the conversations (fields as agy's ModelUsageStats).
FIRST = Tokens(input=1200, output=300, cache_read=800, thinking=120, visible=180, provider=24,
               message_id="m-1", response_id="r-1", provider_message_id="p-1")  # fmt: skip
# The same response as gen_metadata holds it, its thinking split one token differently: one event,
# every counter its largest (ccusage's merge).
FIRST_COPY = Tokens(input=1200, output=300, cache_read=800, thinking=121, visible=180, response_id="r-1")
RETRIED = Tokens(input=900, output=40, visible=40, message_id="m-retry", response_id="r-retry")
SECOND = Tokens(model_id=1318, input=2000, output=50, cache_read=1500, provider_message_id="p-2")
NO_ID = Tokens(input=10, cache_write=7, output=3, visible=3)  # no id at all: an event of its own
EMPTY = Tokens(message_id="m-empty")  # no token: no event
FORK_OWN = Tokens(input=500, output=60, thinking=20, visible=40, response_id="r-fork")
ALONE_ONE = Tokens(input=300, output=90, cache_write=100, thinking=30, visible=60, response_id="r-alone")
CHILD_ONE = Tokens(input=70, output=8, visible=8, response_id="r-child")


def agy_usage_home(tmp_path: Path, *, child: bool = True, summaries: bool = True) -> Path:
    """A HOME with the real agy 1.2.0 capture's brain transcripts and, in its lane's conversations/,
    BUILT databases: TOOLS (its transcript is in the capture), FORKED and ALONE (no transcript),
    and CHILD (the sub-agent the capture's PARENT names; `child`); and an empty
    conversation_summaries.db (`summaries`: ccusage 20.0.24 fails on it there)."""
    home = agy_home(tmp_path)
    conversations = home / LANE / "conversations"
    build(
        conversations / f"{TOOLS}.db",
        TOOLS,
        steps=[
            (1, 14, step_metadata(T0)),
            (2, 15, step_metadata(T0 + 5, FIRST, "Gemini 3.8 Flash (High)", 24)),
            (3, 132, step_metadata(T0 + 6, EMPTY)),
            (4, 15, step_metadata(T0 + 9, SECOND)),
            (5, 132, None),
            (6, 15, step_metadata(T0 + 12, NO_ID, "Gemini 3.8 Flash (High)")),
        ],
        generations=[
            (1, generation(FIRST_COPY, "gemini-3.8-flash-high", T0 + 4, retries=(RETRIED,))),
            (2, generation(SECOND, None, T0 + 8)),
        ],
        created=T0 - 2,
    )
    build(
        conversations / f"{FORKED}.db",
        FORKED,
        steps=[
            (2, 15, step_metadata(T0 + 5, FIRST, "Gemini 3.8 Flash (High)", 24)),
            (3, 15, step_metadata(T0 + 60, FORK_OWN, "Gemini 3.8 Flash (High)", 24)),
        ],
        generations=[],
        created=T0 + 50,
    )
    build(
        conversations / f"{ALONE}.db",
        ALONE,
        steps=[],
        generations=[(1, generation(ALONE_ONE, "Gemini 3.7 Flash (Medium)", T0 + 100))],
        created=T0 + 99,
    )
    if child:
        build(conversations / f"{CHILD}.db", CHILD, steps=[(1, 15, step_metadata(T0 + 200, CHILD_ONE))],
              generations=[], created=T0 + 199)  # fmt: skip
    if summaries:
        (conversations / "conversation_summaries.db").write_bytes(b"")  # not a conversation: not read
    return home


# Per conversation: (input, visible output, thinking, cache write, cache read), as ccusage counts
# them. TOOLS: FIRST (its copy merged in: thinking 121, so output 301), RETRIED, SECOND (model id
# 1318), NO_ID. FORKED: its own response only (FIRST is TOOLS's, read first). ALONE, CHILD.
EXPECTED = {
    TOOLS: (1200 + 900 + 2000 + 10, 180 + 40 + 50 + 3, 121, 7, 800 + 1500),
    FORKED: (500, 40, 20, 0, 0),
    ALONE: (300, 60, 30, 100, 0),
    CHILD: (70, 8, 0, 0, 0),
}
