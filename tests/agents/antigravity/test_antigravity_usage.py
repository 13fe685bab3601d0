"""Antigravity's tokens, from its conversation databases (reader/usage.py, reader/protobuf_wire.py).

No real conversation database was available: the databases here are BUILT
(tests/agents/antigravity/conversation_db.py), their protobuf blobs at the field numbers ccusage's
Antigravity adapter reads and in the shapes its own tests build (ccusage/ccusage
rust/adapters/antigravity/src/parser.rs and loader.rs, commit 0a67b461419e4e412a640a5e337b27423f0342b0),
not files agy wrote. Checked: the tokens of each conversation (ccusage's visible output and its
"extra", the thinking, together in output_tokens); events of one response merged; a conversation
with a transcript and a database one session, one with a database alone a session of tokens only,
a sub-agent's under its parent; damaged or foreign databases problems naming the file. Agreement
with ccusage 20.0.24 itself on the same databases: tests/cli/test_costs_ccusage.py."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from lessonloop.agents.antigravity.reader import paths, usage
from lessonloop.agents.antigravity.reader import protobuf_wire as wire
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.core.records import Problem
from tests.agents.antigravity.conversation_db import (
    ALONE,
    EXPECTED,
    FIRST,
    FIRST_COPY,
    FORKED,
    LANE,
    NO_ID,
    RETRIED,
    SECOND,
    T0,
    Tokens,
    agy_usage_home,
    build,
    generation,
    step_metadata,
)
from tests.agents.antigravity.test_antigravity_adapter import CHILD, MODEL, PARENT, TOOLS, _env
from tests.agents.gemini.test_gemini_adapter import ingest, rows


def _tokens(db: Path) -> dict[str, tuple[int, ...]]:
    found = rows(
        db,
        """SELECT session_id, sum(input_tokens), sum(output_tokens - reasoning_tokens), sum(reasoning_tokens),
                  sum(cache_creation_tokens), sum(cache_read_tokens) FROM token_usage GROUP BY 1""",
    )
    return {row[0]: tuple(row[1:]) for row in found}


def test_tokens_per_conversation_as_ccusage_counts_them(tmp_path: Path) -> None:
    home = agy_usage_home(tmp_path)
    db = tmp_path / "s.db"
    summary = ingest(db, env=_env(home))
    assert summary["problems"] == []
    assert _tokens(db) == EXPECTED
    # output_tokens is the visible output and the thinking; reasoning_tokens the thinking
    assert rows(
        db,
        "SELECT message_id, model, ts, output_tokens, reasoning_tokens FROM token_usage WHERE session_id = ? ORDER BY ts, 1",
        TOOLS,
    ) == [
        ("antigravity:r-1", "gemini-3.8-flash-high", "2026-09-10T15:14:19.250Z", 301, 121),
        ("antigravity:r-retry", "gemini-3.8-flash-high", "2026-09-10T15:14:19.250Z", 40, 0),
        ("antigravity:p-2", "gemini-3.8-flash-high", "2026-09-10T15:14:23.250Z", 50, 0),
        (f"{TOOLS}#step6.0", "gemini-3.8-flash-high", "2026-09-10T15:14:27.000Z", 3, 0),
    ]
    # read again unchanged: nothing read; a row added: its database read again
    again = ingest(db, env=_env(home))
    assert (again["files"]["read"], again["files"]["unchanged"]) == (0, 6)
    conversations = home / LANE / "conversations"
    conn = sqlite3.connect(conversations / f"{ALONE}.db")
    with conn:
        conn.execute(
            "INSERT INTO gen_metadata VALUES (2, ?)", (generation(Tokens(input=5, output=1, response_id="x")),)
        )
    conn.close()
    assert ingest(db, env=_env(home))["files"]["read"] == 1
    assert _tokens(db)[ALONE] == (305, 61, 30, 100, 0)


def test_one_conversation_is_one_session_whichever_files_hold_it(tmp_path: Path) -> None:
    home = agy_usage_home(tmp_path)
    db = tmp_path / "s.db"
    ingest(db, env=_env(home))
    sessions = rows(db, "SELECT id, kind, parent_id, model FROM sessions ORDER BY id")
    assert [s for s in sessions if s[0] in (TOOLS, ALONE, FORKED, CHILD)] == [
        (CHILD, "subagent", PARENT, "gemini-internal-model"),  # named by its parent's subagents/<child>.json
        (TOOLS, "main", None, MODEL),  # the transcript names the model
        (ALONE, "main", None, "gemini-3.7-flash-medium"),  # tokens only
        (FORKED, "main", None, "gemini-3.8-flash-high"),
    ]
    assert rows(db, "SELECT count(*) FROM messages WHERE session_id = ?", TOOLS) != [(0,)]
    assert rows(db, "SELECT count(*) FROM messages WHERE session_id IN (?, ?)", ALONE, FORKED) == [(0,)]
    files = rows(db, "SELECT format, count(*) FROM source_files GROUP BY 1 ORDER BY 1")
    assert files == [("antigravity-db", 4), ("antigravity-transcript", 2)]


def test_events_of_one_response_are_one() -> None:
    """Events sharing any id merge into the first (every counter its largest); an event with no id is
    its own; one with no token is none. A response two databases hold is one row in the store."""
    step = usage.parse_step_metadata(step_metadata(T0, FIRST, "Gemini 3.8 Flash (High)", 24, retries=(RETRIED,)))
    copy = usage.parse_generation(generation(FIRST_COPY, None, T0 - 1))
    same_message = Tokens(input=1300, output=10, visible=10, message_id="m-1", response_id="r-other")
    other = usage.parse_generation(generation(same_message))
    no_id = usage.parse_generation(generation(NO_ID))
    events = usage.events_of([(1, step)], [(1, copy), (2, other), (3, no_id), (4, no_id)], None, 0)
    merged = usage.deduplicated(events)
    assert [(e.message_id, e.input, e.output, e.reasoning, e.total_output) for e in merged] == [
        ("r-1", 1300, 180, 121, 301),  # FIRST, its copy (thinking 121) and r-other (same message_id)
        ("r-retry", 900, 40, 0, 40),
        (None, 10, 3, 0, 3),
        (None, 10, 3, 0, 3),
    ]
    assert merged[0].ms == (T0 - 1) * 1000 + 250  # of two times of the same rank (their rows own), the earlier
    second = usage.deduplicated(
        usage.events_of([(1, usage.parse_step_metadata(step_metadata(usage=SECOND)))], [], 5, 9)
    )
    assert [(e.model, e.ms, e.rank) for e in second] == [("gemini-3.8-flash-high", 5, usage.TRAJECTORY)]


def test_a_response_in_two_databases_is_stored_once(tmp_path: Path) -> None:
    home = agy_usage_home(tmp_path, child=False)
    db = tmp_path / "s.db"
    ingest(db, env=_env(home))
    assert rows(db, "SELECT session_id, count(*) FROM token_usage WHERE message_id = 'antigravity:r-1'") == [(TOOLS, 1)]


def test_models_as_ccusage_names_them() -> None:
    assert usage.model_name("Gemini 3.8 Flash (High)") == "gemini-3.8-flash-high"
    assert usage.model_name("MODEL_PLACEHOLDER_M318") == "gemini-3.8-flash-high"
    assert usage.model_name("Gemini 3 Pro (Preview)") == "gemini-3-pro"
    assert usage.model_name("Gemini 4 Ultra") == "gemini-4-ultra"
    assert usage.model_name("Some Model") == "Some Model"
    assert usage.model_name("  ") is None
    assert usage.model_from_id(246) == "gemini-2.5-pro"
    assert usage.model_from_id(1005) == "model_placeholder_m5"
    assert usage.model_from_id(7) == "antigravity-model-7"


def test_wire_format() -> None:
    blob = wire.varint_field(1, 300) + wire.bytes_field(2, "hé") + b"\x1d\x01\x00\x00\x00" + b"\x21" + bytes(8)
    fields = wire.decode(blob + wire.varint_field(1, 7))
    assert [(f.number, f.wire, f.value) for f in fields] == [
        (1, 0, 300), (2, 2, "hé".encode()), (3, 5, 1), (4, 1, 0), (1, 0, 7),
    ]  # fmt: skip
    assert wire.varint(fields, 1) == 7 and wire.text(fields, 2) == "hé" and wire.first_bytes(fields, 9) is None
    assert wire.read_varint(wire.encode_varint((1 << 64) - 1), 0) == ((1 << 64) - 1, 10)
    for bad in (b"\x08", b"\x12\x05ab", b"\x0b", b"\x00\x01", b"\x08" + b"\xff" * 10, b"\x1d\x01"):
        with pytest.raises(wire.WireError):
            wire.decode(bad)


def _units(path: Path) -> tuple[list[Problem], list[Problem]]:
    """(problems of listing, problems of reading) of one database."""
    problems: list[Problem] = []
    read: list[Problem] = []
    for unit in usage.units([str(path)], problems):
        read.extend(unit.read().problems)
    return problems, read


def test_damaged_or_foreign_databases_are_problems(tmp_path: Path) -> None:
    folder = tmp_path / LANE / "conversations"
    folder.mkdir(parents=True)
    garbage = folder / "0000aaaa-0000-0000-0000-000000000001.db"
    garbage.write_bytes(b"\x0a\x05not a database at all")
    cut = build(folder / "0000aaaa-0000-0000-0000-000000000002.db", "c", [(1, 15, step_metadata(T0, FIRST))], [])
    os.remove(f"{cut}-wal")
    data = cut.read_bytes()
    cut.write_bytes(data[:100] + b"\xff" * (len(data) - 100))
    foreign = folder / "0000aaaa-0000-0000-0000-000000000003.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (id INTEGER)")
    conn.close()
    for path, detail in (
        (garbage, "not a SQLite database"),
        (cut, "cannot read"),
        (foreign, "not a Antigravity database: it has no gen_metadata table"),
    ):
        listed, read = _units(path)
        assert [(p.path, p.code) for p in listed + read] == [(str(path), "unreadable-file")], path
        assert detail in listed[0].detail
    bad_blob = build(
        folder / "0000aaaa-0000-0000-0000-000000000004.db",
        "d",
        [(1, 15, b"\x0b\x00"), (2, 15, step_metadata(T0, FIRST))],
        [(1, b"\x08\x01")],  # protobuf, but no ChatModelMetadata
    )
    problems: list[Problem] = []
    (unit,) = usage.units([str(bad_blob)], problems)
    batch = unit.read()
    assert problems == []
    assert sorted(p.detail.split(":")[0] for p in batch.problems) == ["gen_metadata row 1", "steps row 1"]
    assert [u.input_tokens for u in batch.usage.values()] == [1200]  # the rest read


def test_discovery_reads_conversation_databases_only(tmp_path: Path) -> None:
    home = agy_usage_home(tmp_path)
    conversations = home / LANE / "conversations"
    (conversations / "0000bbbb-0000-0000-0000-000000000000.pb").write_bytes(b"encrypted")
    found = paths.discover(DiscoveryContext(environ={}, home=str(home)))
    databases = sorted(os.path.basename(f.path) for f in found if f.format == paths.DATABASE)
    assert databases == sorted(f"{c}.db" for c in (TOOLS, FORKED, ALONE, CHILD))
    assert paths.claims(str(conversations / f"{TOOLS}.db")) == paths.DATABASE
    assert paths.claims(str(conversations / "conversation_summaries.db")) is None
    assert paths.claims(str(conversations / "0000bbbb-0000-0000-0000-000000000000.pb")) is None
    assert paths.claims(str(tmp_path / "elsewhere" / "conversations" / f"{TOOLS}.db")) is None
