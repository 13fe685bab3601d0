"""Fuzz: mutated copies of real Claude Code lines never crash the importer, and every bad line is reported.

The source lines are real transcript lines (the spotter corpus when ../shared is present, else the
bundled sample), chosen deterministically to cover every record shape. Each is mutated with a
seeded random generator: cut, bytes flipped, invalid UTF-8 inserted, fields removed or retyped,
unknown types and fields, deep nesting, long strings, blank lines, non-object JSON, duplicates.

An oracle independent of the importer decides what must be reported for each line:
- a line of JSON whitespace only: nothing;
- invalid UTF-8: "invalid-utf8" (and the line kept if it parses once the bytes are replaced);
- otherwise not JSON (orjson, the project's codec, is the reference): "invalid-json" or "truncated-line";
- JSON that is not an object: "not-an-object";
- JSON nested deeper than orjson reads (1024 levels), or an object holding a list or object deeper
  than json_depth.MAX_DEPTH levels (the object itself level 1): "nested-too-deep";
- an object: nothing, except "malformed-record" when its fields have unexpected types.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import sqlite3
import stat
import subprocess
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import pytest

from lessonloop.agents.claude.reader.parser import ClaudeCodeParser
from lessonloop.agents.claude.reader.record_types import READ_TYPES
from lessonloop.capture.line_reader import MAX_LINE_BYTES, ReadState, read_chunks
from lessonloop.cli import main as cli_main
from lessonloop.core.json_depth import MAX_DEPTH
from lessonloop.core.records import Problem
from lessonloop.pipeline.ingest import IngestSummary, discover, ingest
from lessonloop.store import open_store
from tests.json_nesting import nests_deeper

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = Path(os.environ.get("LESSONLOOP_CORPUS", REPO_ROOT.parent / "shared" / "corpus" / "claude-code" / "spotter"))

SEED = 20260214
FILE_COUNT = 8
ENTRIES_PER_FILE = 180  # after a few original lines; most of them mutated
MIN_MUTATED_LINES = 1_000
PER_CATEGORY = 5  # source lines taken per record shape
MAX_SOURCE_BYTES = 12_000  # prefer short lines: the fuzz stays fast

BAD_JSON = frozenset({"invalid-json", "truncated-line"})
JSON_WHITESPACE = b" \t\r"
UNKNOWN_TYPE_PREFIX = "fuzz-unknown-type-"
UNKNOWN_FIELD_PREFIX = "fuzz_unknown_field_"

Key = str | int
JsonPath = tuple[Key, ...]


# --------------------------------------------------------------------------- source lines


@dataclass(frozen=True, slots=True)
class Source:
    """A real transcript line (without its newline) and the shape it stands for."""

    raw: bytes
    category: str
    origin: str  # file:line, for failure messages


def _category(record: dict[str, Any]) -> str:
    kind = record.get("type")
    message = record.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if kind in ("user", "assistant"):
        if isinstance(content, str):
            return f"{kind}:string"
        if isinstance(content, list):
            blocks = [b for b in content if isinstance(b, dict)]
            tools = sorted({str(b.get("name")) for b in blocks if b.get("type") == "tool_use"})
            if tools:
                return f"{kind}:tool_use:{'+'.join(tools)}"
            return f"{kind}:{'+'.join(sorted({str(b.get('type')) for b in blocks}))}"
        return f"{kind}:{type(content).__name__}"
    if kind == "progress":
        data = record.get("data")
        return f"progress:{data.get('type') if isinstance(data, dict) else None}"
    if kind == "system":
        return f"system:{record.get('subtype')}"
    return str(kind)


def _tool_ids(record: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(tool_use ids, tool_result ids) in a record."""
    message = record.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    uses: list[str] = []
    results: list[str] = []
    if isinstance(content, list):
        for block in content:
            if isinstance(block, dict):
                if block.get("type") == "tool_use" and isinstance(block.get("id"), str):
                    uses.append(block["id"])
                elif block.get("type") == "tool_result" and isinstance(block.get("tool_use_id"), str):
                    results.append(block["tool_use_id"])
    return uses, results


def _source_files() -> tuple[list[Path], str]:
    if CORPUS.is_dir():
        files = sorted(CORPUS.rglob("*.jsonl"))
        if files:
            return files, f"corpus {CORPUS}"
    try:
        from lessonloop.sample import sample_transcripts
    except ImportError:
        return [], "no lessonloop.sample module"
    sample = Path(sample_transcripts())
    return (sorted(sample.rglob("*.jsonl")) if sample.is_dir() else []), f"sample {sample}"


@lru_cache(maxsize=1)
def source_lines() -> tuple[Source, ...]:
    """A deterministic, varied set of short real lines, tool calls next to their results."""
    files, _ = _source_files()
    candidates: dict[str, list[tuple[int, int, int, Source]]] = defaultdict(list)
    by_use: dict[str, tuple[int, int, Source]] = {}
    by_result: dict[str, tuple[int, int, Source]] = {}
    for file_index, path in enumerate(files):
        with open(path, "rb") as handle:
            for lineno, line in enumerate(handle, 1):
                raw = line.rstrip(b"\n")
                if not raw.strip() or len(raw) > 20 * MAX_SOURCE_BYTES:
                    continue
                try:
                    record = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    continue
                if not isinstance(record, dict):
                    continue
                source = Source(raw, _category(record), f"{path.name}:{lineno}")
                candidates[source.category].append((len(raw), file_index, lineno, source))
                uses, results = _tool_ids(record)
                for tool_id in uses:
                    by_use.setdefault(tool_id, (file_index, lineno, source))
                for tool_id in results:
                    by_result.setdefault(tool_id, (file_index, lineno, source))
    chosen: dict[tuple[int, int], Source] = {}
    for category in sorted(candidates):
        ranked = sorted(candidates[category], key=lambda c: (c[0], c[1], c[2]))
        short = [c for c in ranked if c[0] <= MAX_SOURCE_BYTES] or ranked[:1]
        pool = short[: max(PER_CATEGORY, len(short) // 2)]
        step = max(1, len(pool) // PER_CATEGORY)
        for _, file_index, lineno, source in pool[::step][:PER_CATEGORY]:
            chosen[(file_index, lineno)] = source
    # Tool calls with their results (and results with their calls), so results pair up in the store.
    for source in list(chosen.values()):
        uses, results = _tool_ids(orjson.loads(source.raw))
        for partner in [by_result.get(t) for t in uses] + [by_use.get(t) for t in results]:
            if partner is not None and len(partner[2].raw) <= 4 * MAX_SOURCE_BYTES:
                chosen[(partner[0], partner[1])] = partner[2]
    return tuple(chosen[key] for key in sorted(chosen))


def _source_description() -> str:
    return _source_files()[1]


# --------------------------------------------------------------------------- mutations

RETYPE_VALUES: tuple[Any, ...] = (
    0,
    5,
    -1,
    12345,
    2**31,
    2**63 - 1,
    -(2**63),
    2**64 - 1,
    3.5,
    -0.0,
    1e300,
    True,
    False,
    None,
    "",
    "x",
    "12",
    "yes",
    "2026-13-45T99:99:99Z",
    [],
    [1, "a", None],
    ["x"],
    {},
    {"a": 1},
    {"type": "text"},
)

# Fields whose loss or change matters most to the importer ("*": any index of a list).
NAMED_PATHS: tuple[JsonPath, ...] = (
    ("message",),
    ("message", "content"),
    ("message", "content", "*"),
    ("message", "content", "*", "type"),
    ("message", "content", "*", "id"),
    ("message", "content", "*", "name"),
    ("message", "content", "*", "input"),
    ("message", "content", "*", "input", "command"),
    ("message", "content", "*", "input", "file_path"),
    ("message", "content", "*", "tool_use_id"),
    ("message", "content", "*", "content"),
    ("message", "content", "*", "is_error"),
    ("message", "content", "*", "text"),
    ("message", "usage"),
    ("message", "usage", "output_tokens"),
    ("message", "usage", "input_tokens"),
    ("message", "id"),
    ("message", "model"),
    ("message", "role"),
    ("sessionId",),
    ("uuid",),
    ("parentUuid",),
    ("timestamp",),
    ("type",),
    ("isSidechain",),
    ("agentId",),
    ("cwd",),
    ("requestId",),
    ("toolUseResult",),
    ("toolUseResult", "structuredPatch"),
    ("toolUseResult", "interrupted"),
    ("data",),
    ("data", "type"),
    ("data", "agentId"),
    ("parentToolUseID",),
    ("subtype",),
    ("content",),
    ("compactMetadata",),
    ("snapshot",),
    ("operation",),
    ("slug",),
    ("gitBranch",),
    ("isMeta",),
)

# Retypes named in the requirements, and a few more the importer reads.
TARGETED_RETYPES: tuple[tuple[JsonPath, Any], ...] = (
    (("message", "content"), 5),
    (("message", "content"), "x"),
    (("message", "content"), {"type": "text", "text": "hi"}),
    (("message", "content", "*"), "x"),
    (("message", "content", "*", "input"), "x"),
    (("message", "content", "*", "content"), 7),
    (("message", "content", "*", "is_error"), "true"),
    (("message", "usage", "output_tokens"), "12"),
    (("message", "usage", "output_tokens"), 2**64 - 1),
    (("message", "usage"), [1, 2]),
    (("message",), "hello"),
    (("timestamp",), 12345),
    (("timestamp",), 1e20),
    (("timestamp",), "yesterday"),
    (("isSidechain",), "yes"),
    (("isSidechain",), 1),
    (("sessionId",), 5),
    (("uuid",), {}),
    (("type",), ["user"]),
    (("type",), {"kind": "user"}),
    (("toolUseResult",), "Error: x"),
    (("toolUseResult",), ["x"]),
    (("data",), []),
    (("subtype",), 3),
    (("cwd",), ["/tmp"]),
)

UNKNOWN_TYPES: tuple[Any, ...] = (
    f"{UNKNOWN_TYPE_PREFIX}0",
    f"{UNKNOWN_TYPE_PREFIX}1",
    f"{UNKNOWN_TYPE_PREFIX}2",
    "",
    "USER",
    42,
    1.5,
    True,
    None,
    ["user"],
    {"kind": "user"},
)

BAD_UTF8: tuple[bytes, ...] = (
    b"\xff",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x80",  # a lone continuation byte
    b"\xbf\xbf",
    b"\xc3",  # a lead byte without its continuation
    b"\xe2\x82",
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xc0\xaf",  # overlong
    b"\xf8\x88\x80\x80\x80",
    b"\xf4\x90\x80\x80",  # above U+10FFFF
)

NON_OBJECTS: tuple[bytes, ...] = (
    b"[]",
    b"[1, 2, 3]",
    b"42",
    b"-0.5e3",
    b'"just a string"',
    b"null",
    b"true",
    b"false",
    b" 7 ",
    b"[{}]",
)

BLANKS: tuple[bytes, ...] = (b"", b" ", b"\t", b"   \t  ", b"\r", b" \r")

DEEP_PLACEHOLDER = "__fuzz_deep__"
NOT_NEWLINE = bytes(b for b in range(256) if b != 0x0A)
STRUCTURAL = b'{}[]":,\\ 0'


def _get(value: Any, path: JsonPath) -> Any:
    for key in path:
        value = value[key]
    return value


def _resolve(record: Any, pattern: JsonPath, rng: random.Random) -> JsonPath | None:
    """A concrete path matching `pattern` in `record`, or None when it is not there."""
    node = record
    out: list[Key] = []
    for key in pattern:
        if key == "*":
            if not isinstance(node, list) or not node:
                return None
            key = rng.randrange(len(node))
        elif not isinstance(node, dict) or key not in node:
            return None
        out.append(key)
        node = node[key]
    return tuple(out)


def _all_paths(value: Any, prefix: JsonPath = (), depth: int = 0) -> Iterator[JsonPath]:
    if depth >= 6:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from _all_paths(child, (*prefix, key), depth + 1)
    elif isinstance(value, list):
        for index, child in enumerate(value[:6]):
            yield (*prefix, index)
            yield from _all_paths(child, (*prefix, index), depth + 1)


def _pick_path(record: dict[str, Any], rng: random.Random) -> JsonPath | None:
    if rng.random() < 0.6:
        patterns = list(NAMED_PATHS)
        rng.shuffle(patterns)
        for pattern in patterns:
            path = _resolve(record, pattern, rng)
            if path is not None:
                return path
    paths = list(_all_paths(record))
    return rng.choice(paths) if paths else None


def _set(record: Any, path: JsonPath, value: Any) -> None:
    _get(record, path[:-1])[path[-1]] = value


def _remove_field(rng: random.Random, record: dict[str, Any]) -> bytes:
    path = _pick_path(record, rng)
    if path is not None:
        del _get(record, path[:-1])[path[-1]]
    return orjson.dumps(record)


def _retype_field(rng: random.Random, record: dict[str, Any]) -> bytes:
    path = _pick_path(record, rng)
    if path is None:
        return orjson.dumps(record)
    current = _get(record, path)
    choices = [v for v in RETYPE_VALUES if type(v) is not type(current)]
    _set(record, path, rng.choice(choices))
    return orjson.dumps(record)


def _targeted_retype(rng: random.Random, record: dict[str, Any]) -> bytes:
    options = list(TARGETED_RETYPES)
    rng.shuffle(options)
    for pattern, value in options:
        parent = _resolve(record, pattern[:-1], rng)
        if parent is None:
            continue
        container = _get(record, parent)
        last = pattern[-1]
        if last == "*":
            if not isinstance(container, list) or not container:
                continue
            last = rng.randrange(len(container))
        elif not isinstance(container, dict):
            continue
        _set(record, (*parent, last), value)
        if pattern == ("isSidechain",) and rng.random() < 0.5:
            record["agentId"] = rng.choice([7, None, "afuzz", ["a"]])
        return orjson.dumps(record)
    return _retype_field(rng, record)


def _failed_result(rng: random.Random, record: dict[str, Any]) -> bytes:
    """A tool result turned into an error, with an odd text where the exit code is read."""
    path = _resolve(record, ("message", "content", "*"), rng)
    block = _get(record, path) if path is not None else None
    if not isinstance(block, dict) or block.get("type") != "tool_result":
        return _retype_field(rng, record)
    block["is_error"] = rng.choice([True, True, "true", 1])
    block["content"] = rng.choice(
        [
            "Exit code 99999999999999999999\nboom",
            "Exit code -99999999999999999999",
            "Exit code 9223372036854775808",
            "Exit code 2",
            "Error: Exit code 1\nfailed",
            "<tool_use_error>File has not been read yet</tool_use_error>",
            [{"type": "text", "text": "Exit code 18446744073709551616"}],
            "",
            None,
        ]
    )
    return orjson.dumps(record)


def _unknown_type(rng: random.Random, record: dict[str, Any]) -> bytes:
    record["type"] = rng.choice(UNKNOWN_TYPES)
    return orjson.dumps(record)


def _unknown_field(rng: random.Random, record: dict[str, Any]) -> bytes:
    for _ in range(rng.randint(1, 3)):
        record[f"{UNKNOWN_FIELD_PREFIX}{rng.randrange(4)}"] = rng.choice(RETYPE_VALUES)
    if rng.random() < 0.2:
        record[""] = "empty name"
    return orjson.dumps(record)


# Whole-line depths (the record itself is level 1) around each limit: ours (MAX_DEPTH), orjson's
# writer (254), Python's recursion (about 1000 frames) and orjson's reader (1024 levels).
DEEP_LINE_DEPTHS = (64, MAX_DEPTH, MAX_DEPTH + 1, 254, 256, 900, 990, 995, 1000, 1023, 1024, 1025, 5000)


def deep_value(levels: int, as_object: bool) -> bytes:
    """JSON text of a list (or object) nesting `levels` levels."""
    if as_object:
        return b'{"a":' * levels + b"1" + b"}" * levels
    return b"[" * levels + b'"deep"' + b"]" * levels


def deep_line(record: dict[str, Any], path: JsonPath, line_depth: int, as_object: bool) -> bytes:
    """`record` with the value at `path` replaced so that the whole line nests `line_depth` levels."""
    copy = orjson.loads(orjson.dumps(record))
    _set(copy, path, DEEP_PLACEHOLDER)
    levels = max(1, line_depth - len(path))
    return orjson.dumps(copy).replace(orjson.dumps(DEEP_PLACEHOLDER), deep_value(levels, as_object), 1)


def _deep_nesting(rng: random.Random, record: dict[str, Any]) -> bytes:
    path = _pick_path(record, rng) if rng.random() < 0.8 else None
    if path is None:
        path = (f"{UNKNOWN_FIELD_PREFIX}deep",)
    return deep_line(record, path, rng.choice(DEEP_LINE_DEPTHS), rng.random() < 0.5)


def _long_string(rng: random.Random, record: dict[str, Any]) -> bytes:
    size = rng.choice([70_000, 250_000, 1_500_000])
    text = ("lorem ipsum dolor sit amet, ünïcødé ✓ " * (size // 38 + 1))[:size]
    path = _pick_path(record, rng) if rng.random() < 0.7 else None
    if path is None or rng.random() < 0.2:
        path = (f"{UNKNOWN_FIELD_PREFIX}{'k' * rng.choice([10, 5000])}",)
    _set(record, path, text)
    return orjson.dumps(record)


def _truncate(rng: random.Random, raw: bytes) -> bytes:
    if len(raw) < 2:
        return raw[:0] + b"{"
    cut = rng.randrange(1, len(raw)) if rng.random() < 0.9 else rng.randrange(1, min(len(raw), 8))
    return raw[:cut]


def _flip_bytes(rng: random.Random, raw: bytes) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        if not data:
            break
        pool = STRUCTURAL if rng.random() < 0.3 else NOT_NEWLINE
        data[rng.randrange(len(data))] = rng.choice(pool)
    return bytes(data)


def _string_starts(raw: bytes) -> list[int]:
    """Offsets just inside the opening quote of string values."""
    return [m.end() for m in re.finditer(rb'":\s*"', raw)] or [m.end() for m in re.finditer(rb'"', raw)][:1]


def _insert(raw: bytes, at: int, what: bytes) -> bytes:
    return raw[:at] + what + raw[at:]


def _utf8_in_string(rng: random.Random, raw: bytes) -> bytes:
    starts = _string_starts(raw)
    at = rng.choice(starts) if starts else 0
    return _insert(raw, at, rng.choice(BAD_UTF8))


def _utf8_outside(rng: random.Random, raw: bytes) -> bytes:
    commas = [m.start() + 1 for m in re.finditer(rb'",', raw)] or [len(raw)]
    at = rng.choice([0, len(raw), *commas[:50]])
    return _insert(raw, at, rng.choice(BAD_UTF8))


def _bad_string_content(rng: random.Random, raw: bytes) -> bytes:
    """Raw control characters, a lone surrogate escape, an invalid escape inside a string."""
    starts = _string_starts(raw)
    at = rng.choice(starts) if starts else 0
    return _insert(raw, at, rng.choice([b"\x00", b"\x1f", b"\t", b"\x7f", b"\\ud800", b"\\udc00x", b"\\x41", b"\\"]))


def _garbage_around(rng: random.Random, raw: bytes) -> bytes:
    choice = rng.randrange(7)
    if choice == 0:
        return raw + raw  # two objects on one line
    if choice == 1:
        return b"\xef\xbb\xbf" + raw  # a byte-order mark
    if choice == 2:
        return raw + rng.choice([b"x", b",", b"}", b" {}", b"\x00", b"]"])
    if choice == 3:
        return b"  \t" + raw + b" \t\r"  # JSON whitespace around: still a valid line
    if choice == 4:
        return raw.replace(b"}", b"}}", 1) if rng.random() < 0.5 else raw[:-1] + b"}}"
    if choice == 5:
        return raw.replace(b"1", b"1e400", 1) if b"1" in raw else raw + b"1e400"
    return b"[" + raw + b"]"


def _non_object(rng: random.Random, raw: bytes) -> bytes:
    return rng.choice([*NON_OBJECTS, b"[" + raw + b"]", b"[" + raw + b"," + raw + b"]"])


def _blank(rng: random.Random, raw: bytes) -> bytes:
    return rng.choice(BLANKS)


StructuralMutator = Callable[[random.Random, dict[str, Any]], bytes]
ByteMutator = Callable[[random.Random, bytes], bytes]

STRUCTURAL_MUTATORS: dict[str, tuple[StructuralMutator, int]] = {
    "remove-field": (_remove_field, 14),
    "retype-field": (_retype_field, 13),
    "targeted-retype": (_targeted_retype, 10),
    "failed-result": (_failed_result, 3),
    "unknown-type": (_unknown_type, 4),
    "unknown-field": (_unknown_field, 4),
    "deep-nesting": (_deep_nesting, 4),
    "long-string": (_long_string, 1),
}
BYTE_MUTATORS: dict[str, tuple[ByteMutator, int]] = {
    "truncate": (_truncate, 14),
    "flip-bytes": (_flip_bytes, 12),
    "utf8-in-string": (_utf8_in_string, 7),
    "utf8-outside-string": (_utf8_outside, 3),
    "bad-string-content": (_bad_string_content, 3),
    "garbage-around": (_garbage_around, 3),
    "non-object": (_non_object, 3),
    "blank": (_blank, 3),
}
COMBINED_WEIGHT = 5  # a structural mutation, then a byte mutation


def mutate(rng: random.Random, source: Source) -> tuple[str, bytes]:
    """One mutated copy of a real line, and the name of what was done to it."""
    names = [*STRUCTURAL_MUTATORS, *BYTE_MUTATORS, "combined"]
    weights = [w for _, w in STRUCTURAL_MUTATORS.values()] + [w for _, w in BYTE_MUTATORS.values()] + [COMBINED_WEIGHT]
    name = rng.choices(names, weights)[0]
    if name in STRUCTURAL_MUTATORS:
        raw = STRUCTURAL_MUTATORS[name][0](rng, orjson.loads(source.raw))
    elif name in BYTE_MUTATORS:
        raw = BYTE_MUTATORS[name][0](rng, source.raw)
    else:
        first = rng.choice([n for n in STRUCTURAL_MUTATORS if n not in ("long-string", "deep-nesting")])
        second = rng.choice([n for n in BYTE_MUTATORS if n not in ("blank", "non-object")])
        raw = BYTE_MUTATORS[second][0](rng, STRUCTURAL_MUTATORS[first][0](rng, orjson.loads(source.raw)))
        name = f"{first}+{second}"
    assert b"\n" not in raw, name  # one mutated line stays one line
    return name, raw


# --------------------------------------------------------------------------- fuzzed files


@dataclass(slots=True)
class FuzzLine:
    raw: bytes
    mutation: str  # "original", "duplicate" or the mutation's name
    origin: str
    pristine: bool  # an unchanged real line (or a copy of one): nothing may be reported for it


@dataclass(slots=True)
class FuzzFile:
    path: Path
    lines: list[FuzzLine] = field(default_factory=list)


def _file_names(rng: random.Random) -> list[str]:
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(4)]
    names = [
        f"{ids[0]}.jsonl",
        f"{ids[1]}.jsonl",
        f"{ids[2]}.jsonl",
        f"{ids[2]}/subagents/agent-afuzz01.jsonl",
        f"{ids[3]}/subagents/agent-acompact-fuzz02.jsonl",
        "plain-a.jsonl",
        "nested/deeper/plain-b.jsonl",
        "plain-c.jsonl",
    ]
    return names[:FILE_COUNT]


def build_fuzz_files(folder: Path, sources: tuple[Source, ...], seed: int = SEED) -> list[FuzzFile]:
    """Write FILE_COUNT files of real and mutated lines, each line ending with a newline."""
    rng = random.Random(seed)
    files: list[FuzzFile] = []
    for name in _file_names(rng):
        fuzz = FuzzFile(folder / name)
        for index in sorted(rng.sample(range(len(sources)), min(8, len(sources)))):
            fuzz.lines.append(FuzzLine(sources[index].raw, "original", sources[index].origin, True))
        for _ in range(ENTRIES_PER_FILE):
            roll = rng.random()
            if roll < 0.10:
                source = rng.choice(sources)
                fuzz.lines.append(FuzzLine(source.raw, "original", source.origin, True))
            elif roll < 0.15:
                copy = rng.choice(fuzz.lines)
                fuzz.lines.append(FuzzLine(copy.raw, "duplicate", copy.origin, copy.pristine))
            else:
                source = rng.choice(sources)
                mutation, raw = mutate(rng, source)
                fuzz.lines.append(FuzzLine(raw, mutation, source.origin, raw == source.raw))
        fuzz.path.parent.mkdir(parents=True, exist_ok=True)
        fuzz.path.write_bytes(b"".join(line.raw + b"\n" for line in fuzz.lines))
        files.append(fuzz)
    return files


@dataclass(frozen=True, slots=True)
class FuzzSet:
    folder: Path
    files: list[FuzzFile]

    @property
    def mutated(self) -> int:
        return sum(1 for f in self.files for line in f.lines if line.mutation not in ("original", "duplicate"))


@pytest.fixture(scope="module")
def fuzz_set(tmp_path_factory: pytest.TempPathFactory) -> FuzzSet:
    sources = source_lines()
    if not sources:
        pytest.skip(f"no real Claude Code lines to mutate: neither the corpus at {CORPUS} nor the bundled sample")
    folder = tmp_path_factory.mktemp("fuzz") / "transcripts"
    files = build_fuzz_files(folder, sources)
    fuzz = FuzzSet(folder, files)
    assert fuzz.mutated >= MIN_MUTATED_LINES, f"only {fuzz.mutated} mutated lines from {_source_description()}"
    return fuzz


# --------------------------------------------------------------------------- the oracle

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Expected:
    """What must be reported for one line ("bad-json": invalid-json or truncated-line)."""

    codes: tuple[str, ...]
    value: Any  # the parsed value, _MISSING when the line is skipped
    utf8_replaced: bool

    @property
    def is_record(self) -> bool:
        return isinstance(self.value, dict)


def expected_for(raw: bytes) -> Expected:
    if not raw.strip(JSON_WHITESPACE):
        return Expected((), _MISSING, False)
    if len(raw) > MAX_LINE_BYTES:
        return Expected(("line-too-long",), _MISSING, False)
    try:
        text = raw.decode("utf-8")
        bad_utf8 = False
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        bad_utf8 = True
    too_deep_to_read = False
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        value = _MISSING
        too_deep_to_read = str(exc).startswith("depth limit exceeded")
    # Cross-check the reference: what the standard library rejects must be rejected too.
    try:
        json.loads(text)
        stdlib_ok = True
    except RecursionError:  # too deep for the standard library: no verdict
        stdlib_ok = True
    except ValueError:
        stdlib_ok = False
    assert stdlib_ok or value is _MISSING, f"orjson accepts what json rejects: {raw[:200]!r}"
    codes: list[str] = []
    if bad_utf8:
        codes.append("invalid-utf8")
    elif too_deep_to_read:
        codes.append("nested-too-deep")
    elif value is _MISSING:
        codes.append("bad-json")
    if value is not _MISSING and not isinstance(value, dict):
        codes.append("not-an-object")
    if isinstance(value, dict) and nests_deeper(value, MAX_DEPTH):
        codes.append("nested-too-deep")
    return Expected(tuple(sorted(codes)), value, bad_utf8)


def _normalized(codes: list[str]) -> tuple[str, ...]:
    return tuple(sorted("bad-json" if code in BAD_JSON else code for code in codes if code != "malformed-record"))


def line_mismatches(
    fuzz: FuzzFile, problems: list[Problem], skip_lines: set[int] | None = None, limit: int = 15
) -> list[str]:
    """Where the problems reported for a file differ from what the oracle expects."""
    by_line: dict[int, list[str]] = defaultdict(list)
    out: list[str] = []
    path = str(fuzz.path)
    for problem in problems:
        if problem.path != path or problem.line is None or not 1 <= problem.line <= len(fuzz.lines):
            out.append(f"{path}: problem outside the file's lines: {problem}")
            continue
        if problem.severity != "error":
            out.append(f"{path}:{problem.line}: problem with severity {problem.severity!r}: {problem}")
        by_line[problem.line].append(problem.code)
    for lineno, line in enumerate(fuzz.lines, 1):
        if skip_lines and lineno in skip_lines:
            continue
        expected = expected_for(line.raw)
        actual = by_line.get(lineno, [])
        malformed = "malformed-record" in actual
        wrong = _normalized(actual) != expected.codes
        wrong = wrong or (malformed and (not expected.is_record or line.pristine))
        wrong = wrong or any(code not in _KNOWN_LINE_CODES for code in actual)
        if wrong:
            out.append(
                f"{path}:{lineno} [{line.mutation} of {line.origin}] expected {list(expected.codes)}, "
                f"reported {actual}: {line.raw[:160]!r}"
            )
    return out[:limit]


_KNOWN_LINE_CODES = BAD_JSON | {"invalid-utf8", "not-an-object", "malformed-record", "line-too-long", "nested-too-deep"}


def _lines_raising(files: list[FuzzFile], run: Callable[[FuzzFile, int, FuzzLine], None]) -> list[str]:
    """Run each line alone; the shortest lines that raise, two per kind of exception."""
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for fuzz in files:
        for lineno, line in enumerate(fuzz.lines, 1):
            try:
                run(fuzz, lineno, line)
            except Exception as exc:
                kind = f"{type(exc).__name__}: {str(exc)[:120]}"
                found[kind].append((len(line.raw), f"[{line.mutation} of {line.origin}] {line.raw[:300]!r}"))
    out: list[str] = []
    for kind, examples in sorted(found.items()):
        out.append(f"{kind} ({len(examples)} lines), e.g.:")
        out.extend(f"    {text}" for _, text in sorted(examples)[:2])
    return out


# --------------------------------------------------------------------------- the fuzz tests


def test_parser_never_raises_and_reports_every_bad_line(fuzz_set: FuzzSet) -> None:
    """The parser alone, fed in chunks of random size: no exception, every bad line reported in place."""
    rng = random.Random(SEED + 1)
    crashes: list[str] = []
    mismatches: list[str] = []
    for fuzz in fuzz_set.files:
        parser = ClaudeCodeParser(str(fuzz.path))
        problems: list[Problem] = []
        crashed_lines: set[int] = set()
        start = 0
        while start < len(fuzz.lines):
            size = rng.randint(1, 40)
            chunk = fuzz.lines[start : start + size]
            try:
                batch = parser.parse([line.raw for line in chunk], start + 1)
            except Exception as exc:
                crashed_lines.update(range(start + 1, start + len(chunk) + 1))
                crashes.append(f"{fuzz.path.name} lines {start + 1}-{start + len(chunk)}: {type(exc).__name__}: {exc}")
            else:
                problems.extend(batch.problems)
            start += size
        mismatches.extend(line_mismatches(fuzz, problems, crashed_lines))
    failures: list[str] = []
    if crashes:

        def parse_alone(fuzz: FuzzFile, lineno: int, line: FuzzLine) -> None:
            ClaudeCodeParser(str(fuzz.path)).parse([line.raw], lineno)

        failures.append(f"ClaudeCodeParser.parse raised in {len(crashes)} chunks, e.g. {crashes[0]}")
        failures.append("lines that make it raise on their own:")
        failures.extend(_lines_raising(fuzz_set.files, parse_alone))
    if mismatches:
        failures.append("problems differ from the oracle (lines of chunks that raised are not checked):")
        failures.extend(mismatches)
    assert not failures, "\n".join(failures)


def _table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in sorted(tables)}


_VOLATILE_COLUMNS = frozenset({"ingested_at", "seen_at", "applied_at", "mtime_ns"})


def _table_rows(conn: sqlite3.Connection) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for table in _table_counts(conn):
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in _VOLATILE_COLUMNS]
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        out[table] = sorted(repr(row) for row in rows)
    return out


def _ingest_folder(db: Path, *paths: Path) -> IngestSummary:
    sources, summary = discover(list(paths))
    conn = open_store(db)
    try:
        return ingest(conn, sources, summary)
    finally:
        conn.close()


def _assert_store_consistent(db: Path, fuzz_set: FuzzSet) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table in ("messages", "tool_calls", "token_usage"):
            orphans = conn.execute(
                f"SELECT count(*) FROM {table} WHERE session_id NOT IN (SELECT id FROM sessions)"
            ).fetchone()[0]
            assert orphans == 0, f"{orphans} {table} rows whose session is not in sessions"
        assert (
            conn.execute(
                "SELECT count(*) FROM sessions WHERE parent_id IS NOT NULL AND parent_id NOT IN (SELECT id FROM sessions)"
            ).fetchone()[0]
            == 0
        )
        assert conn.execute("SELECT count(*) FROM tool_calls WHERE (ok IS NULL) != (status IS NULL)").fetchone()[0] == 0
        statuses = {row[0] for row in conn.execute("SELECT DISTINCT status FROM tool_calls WHERE status IS NOT NULL")}
        assert statuses <= {"ok", "error", "rejected", "interrupted"}
        assert conn.execute("SELECT count(*) FROM tool_calls WHERE ok = 1 AND status != 'ok'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM tool_calls WHERE ok = 0 AND status = 'ok'").fetchone()[0] == 0
        line_counts = {str(f.path): len(f.lines) for f in fuzz_set.files}
        sizes = {str(f.path): f.path.stat().st_size for f in fuzz_set.files}
        for path, offset, lines in conn.execute("SELECT path, offset, lines FROM source_files"):
            assert (offset, lines) == (sizes[path], line_counts[path]), path
        for table in ("messages", "tool_calls"):
            for path, seq in conn.execute(
                f"SELECT f.path, t.seq FROM {table} t JOIN source_files f ON f.id = t.source_file_id"
            ):
                assert 1 <= seq <= line_counts[path], (table, path, seq)
    finally:
        conn.close()


def _assert_cli_reads(db: Path) -> None:
    """`lessonloop stats --json` (and `sessions --json`) read the store after the fuzz."""
    for command in (["stats", "--json"], ["sessions", "--json"]):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli_main([*command, "--db", str(db)])
        assert status == 0, (command, err.getvalue())
        json.loads(out.getvalue())


def test_ingest_survives_fuzzed_files_and_reports_every_bad_line(fuzz_set: FuzzSet, tmp_path: Path) -> None:
    """The real ingest into a real store: no exception, every bad line reported, the store consistent."""
    db = tmp_path / "store" / "fuzz.db"
    try:
        summary = _ingest_folder(db, fuzz_set.folder)
    except Exception as exc:
        scratch = tmp_path / "alone"
        conn = open_store(tmp_path / "alone.db")
        counter = iter(range(10**9))

        def ingest_alone(fuzz: FuzzFile, lineno: int, line: FuzzLine) -> None:
            path = scratch / str(next(counter)) / fuzz.path.name
            path.parent.mkdir(parents=True)
            path.write_bytes(line.raw + b"\n")
            ingest(conn, *discover([path]))

        culprits = _lines_raising(fuzz_set.files, ingest_alone)
        conn.close()
        pytest.fail(
            f"ingest raised {type(exc).__name__}: {exc}\n"
            "lines that make it raise on their own (each in a file of its own):\n" + "\n".join(culprits)
        )

    paths = {str(f.path) for f in fuzz_set.files}
    assert summary.files_found == len(fuzz_set.files)
    assert (summary.files_read, summary.files_failed) == (len(fuzz_set.files), 0)
    assert summary.pending == []
    assert summary.lines == sum(len(f.lines) for f in fuzz_set.files)
    expected = {str(f.path): [expected_for(line.raw) for line in f.lines] for f in fuzz_set.files}
    assert summary.records == sum(1 for lines in expected.values() for e in lines if e.is_record)

    # Every bad line is reported with its file and line, and nothing else is.
    assert all(p.path in paths for p in summary.problems), [p for p in summary.problems if p.path not in paths][:5]
    mismatches: list[str] = []
    for fuzz in fuzz_set.files:
        mismatches.extend(line_mismatches(fuzz, [p for p in summary.problems if p.path == str(fuzz.path)]))
    assert not mismatches, "problems differ from the oracle:\n" + "\n".join(mismatches)

    # Unknown record types and fields are notices with their first line and count.
    for fuzz in fuzz_set.files:
        path = str(fuzz.path)
        types: dict[str, list[int]] = defaultdict(list)
        fields: dict[str, list[int]] = defaultdict(list)
        for lineno, e in enumerate(expected[path], 1):
            if e.is_record:
                kind = e.value.get("type")
                if isinstance(kind, str) and kind.startswith(UNKNOWN_TYPE_PREFIX):
                    types[kind].append(lineno)
                # a field is drift only on a record the reader reads (not of a skipped or unknown type)
                for name in e.value if isinstance(kind, str) and kind in READ_TYPES else ():
                    if name.startswith(UNKNOWN_FIELD_PREFIX):
                        fields[name].append(lineno)
        notices = [n for n in summary.notices if n.path == path]
        assert all(n.severity == "notice" for n in notices)
        assert all(n.line is None or 1 <= n.line <= len(fuzz.lines) for n in notices)
        for code, seen in (("unknown-record-type", types), ("unknown-field", fields)):
            for label, lines in seen.items():
                match = [n for n in notices if n.code == code and repr(label) in n.detail]
                assert len(match) == 1, (path, code, label, match)
                assert match[0].line == lines[0], (path, code, label, match[0])
                assert f"({len(lines)} lines)" in match[0].detail, (path, code, label, match[0])

    # The stored problems are the reported ones.
    conn = sqlite3.connect(db)
    try:
        stored = Counter(conn.execute("SELECT path, line, code FROM ingest_problems").fetchall())
    finally:
        conn.close()
    assert stored == Counter((p.path, p.line, p.code) for p in summary.problems)

    _assert_store_consistent(db, fuzz_set)
    _assert_cli_reads(db)

    # A second ingest of the same files changes nothing and reports nothing new ...
    conn = sqlite3.connect(db)
    before_counts, before_rows = _table_counts(conn), _table_rows(conn)
    conn.close()
    again = _ingest_folder(db, fuzz_set.folder)
    assert again.problems == []
    assert again.files_unchanged == len(fuzz_set.files)
    conn = sqlite3.connect(db)
    assert (_table_counts(conn), _table_rows(conn)) == (before_counts, before_rows)
    conn.close()

    # ... nor does one after the files were touched (read again from where the last run stopped).
    for fuzz in fuzz_set.files:
        info = fuzz.path.stat()
        os.utime(fuzz.path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))
    touched = _ingest_folder(db, fuzz_set.folder)
    assert touched.problems == []
    assert touched.files_read == len(fuzz_set.files)
    conn = sqlite3.connect(db)
    assert (_table_counts(conn), _table_rows(conn)) == (before_counts, before_rows)
    conn.close()
    _assert_store_consistent(db, fuzz_set)


# Whole-line depths every field is tried at: just over our limit, where Python's recursion gives
# out (repr, ==, recursive walkers), orjson's deepest (1024) and one deeper.
EVERY_FIELD_DEPTHS = (MAX_DEPTH + 1, 995, 1000, 1024, 1025)


def field_cases(sources: tuple[Source, ...]) -> list[tuple[Source, JsonPath]]:
    """Every field of the source lines, in every position (list indexes count as one), once,
    with a line holding it."""
    seen: dict[tuple[str, ...], tuple[Source, JsonPath]] = {}
    for source in sources:
        for path in _all_paths(orjson.loads(source.raw)):
            seen.setdefault(tuple("*" if isinstance(key, int) else key for key in path), (source, path))
    return [seen[pattern] for pattern in sorted(seen)]


@pytest.mark.slow
def test_deep_nesting_in_every_field(tmp_path: Path) -> None:
    """Each field of real lines (type, message, content blocks, tool input, toolUseResult, ...)
    nested around every depth limit: never an exception, a nested-too-deep problem on each line,
    and the file after it is read."""
    sources = source_lines()
    if not sources:
        pytest.skip("no real Claude Code lines to mutate")
    cases = field_cases(sources)
    assert {("type",), ("message", "content", "*", "input"), ("toolUseResult",)} <= {
        tuple("*" if isinstance(key, int) else key for key in path) for _, path in cases
    }
    folder = tmp_path / "t"
    folder.mkdir()
    fuzz = FuzzFile(folder / "a-deep.jsonl")
    for index, (source, path) in enumerate(cases):
        for depth in EVERY_FIELD_DEPTHS:
            raw = deep_line(orjson.loads(source.raw), path, depth, as_object=(index + depth) % 2 == 0)
            fuzz.lines.append(FuzzLine(raw, f"nesting {depth} levels at {path}", source.origin, False))
    fuzz.path.write_bytes(b"".join(line.raw + b"\n" for line in fuzz.lines))
    (folder / "b-later.jsonl").write_bytes(_message_line("u-later") + b"\n")

    batch = ClaudeCodeParser(str(fuzz.path)).parse([line.raw for line in fuzz.lines], 1)
    assert not line_mismatches(fuzz, batch.problems, limit=20)
    deep = {p.line for p in batch.problems if p.code == "nested-too-deep"}
    assert deep == set(range(1, len(fuzz.lines) + 1))  # every line nests deeper than MAX_DEPTH

    db = tmp_path / "s.db"
    summary = _ingest_folder(db, folder)
    assert (summary.files_read, summary.files_failed) == (2, 0)
    assert "u-later" in _stored_uuids(db)
    assert not line_mismatches(fuzz, [p for p in summary.problems if p.path == str(fuzz.path)], limit=20)
    _assert_cli_reads(db)
    again = _ingest_folder(db, folder)
    assert again.problems == [] and again.files_unchanged == 2


def test_fuzz_is_deterministic(tmp_path: Path) -> None:
    sources = source_lines()
    if not sources:
        pytest.skip("no real Claude Code lines to mutate")
    sources = sources[:20]
    first = build_fuzz_files(tmp_path / "a", sources)
    second = build_fuzz_files(tmp_path / "b", sources)
    assert [[line.raw for line in f.lines] for f in first] == [[line.raw for line in f.lines] for f in second]


# --------------------------------------------------------------------------- explicit edge cases


def _message_line(uuid_text: str, text: str = "hello", session: str = "edge-session") -> bytes:
    return orjson.dumps(
        {
            "type": "user",
            "sessionId": session,
            "uuid": uuid_text,
            "timestamp": "2026-02-12T15:36:09.570Z",
            "message": {"role": "user", "content": text},
        }
    )


def _stored_uuids(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {row[0] for row in conn.execute("SELECT uuid FROM messages")}
    finally:
        conn.close()


def test_empty_file(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "empty.jsonl").write_bytes(b"")
    (folder / "ok.jsonl").write_bytes(_message_line("u-ok") + b"\n")
    db = tmp_path / "s.db"
    summary = _ingest_folder(db, folder)
    assert summary.problems == []
    assert summary.pending == []
    assert (summary.files_found, summary.files_read, summary.files_failed) == (2, 2, 0)
    assert summary.records == 1
    assert _stored_uuids(db) == {"u-ok"}
    # An empty file is counted and listed (a notice: nothing is lost), once.
    assert [(n.path, n.code) for n in summary.notices] == [(str(folder / "empty.jsonl"), "empty-file")]
    again = _ingest_folder(db, folder)
    assert again.problems == [] and again.notices == []


def test_file_of_whitespace_lines(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "blank.jsonl").write_bytes(b"".join(line + b"\n" for line in BLANKS))
    (folder / "ok.jsonl").write_bytes(b"\n \n" + _message_line("u-ok") + b"\n\t\n")
    db = tmp_path / "s.db"
    summary = _ingest_folder(db, folder)
    assert summary.problems == []
    assert summary.pending == []
    assert summary.records == 1
    assert summary.lines == len(BLANKS) + 4
    assert _stored_uuids(db) == {"u-ok"}


def test_line_of_other_ascii_whitespace_is_reported(tmp_path: Path) -> None:
    """Vertical tab and form feed are not JSON whitespace: such a line is not JSON and must be reported."""
    folder = tmp_path / "t"
    folder.mkdir()
    path = folder / "vt.jsonl"
    path.write_bytes(_message_line("u-1") + b"\n\x0b\n \x0c \n" + _message_line("u-2") + b"\n")
    summary = _ingest_folder(tmp_path / "s.db", folder)
    assert sorted((p.line, p.code in BAD_JSON) for p in summary.problems) == [(2, True), (3, True)]


def test_line_over_10_mb(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    path = folder / "long.jsonl"
    huge = _message_line("u-huge", "x" * (11 * 1024 * 1024))
    assert len(huge) > MAX_LINE_BYTES
    with open(path, "wb") as handle:
        handle.write(_message_line("u-1") + b"\n")
        handle.write(huge + b"\n")
        handle.write(_message_line("u-3") + b"\n")
        handle.write(_message_line("u-4") + b"\n")
    del huge
    db = tmp_path / "s.db"
    summary = _ingest_folder(db, folder)
    assert [(p.path, p.line, p.code) for p in summary.problems] == [(str(path), 2, "line-too-long")]
    assert summary.pending == []
    assert summary.lines == 4
    assert summary.records == 3
    assert _stored_uuids(db) == {"u-1", "u-3", "u-4"}
    again = _ingest_folder(db, folder)
    assert again.problems == []
    assert _stored_uuids(db) == {"u-1", "u-3", "u-4"}


def test_reader_streams_past_a_line_longer_than_the_limit(tmp_path: Path) -> None:
    """The reader's own skip (a line longer than the limit spanning blocks) keeps line numbers right."""
    path = tmp_path / "long.jsonl"
    lines = [b'{"a":1}', b'{"b":"' + b"y" * 5000 + b'"}', b'{"c":3}', b"", b'{"d":4}']
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    state = ReadState()
    with open(path, "rb") as handle:
        chunks = list(
            read_chunks(handle, str(path), 0, 0, path.stat().st_size, state, block_bytes=64, max_line_bytes=1000)
        )
    numbered = [(chunk.first_lineno + i, line) for chunk in chunks for i, line in enumerate(chunk.lines)]
    assert [(n, line) for n, line in numbered if line] == [(1, lines[0]), (3, lines[2]), (5, lines[4])]
    assert [(p.line, p.code) for chunk in chunks for p in chunk.problems] == [(2, "line-too-long")]
    assert chunks[-1].end_offset == path.stat().st_size
    assert chunks[-1].end_lineno == len(lines)
    assert state.pending_line is None


def test_reader_drops_a_line_longer_than_the_limit_within_one_block(tmp_path: Path) -> None:
    """A too-long line that arrives whole in one block is dropped by the reader too, numbering kept."""
    path = tmp_path / "long.jsonl"
    lines = [b'{"a":1}', b'{"b":"' + b"y" * 5000 + b'"}', b'{"c":3}']
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    state = ReadState()
    with open(path, "rb") as handle:
        chunks = list(
            read_chunks(handle, str(path), 0, 0, path.stat().st_size, state, block_bytes=1 << 20, max_line_bytes=1000)
        )
    numbered = [(chunk.first_lineno + i, line) for chunk in chunks for i, line in enumerate(chunk.lines)]
    assert [(n, line) for n, line in numbered if line] == [(1, lines[0]), (3, lines[2])]
    assert [(p.line, p.code) for chunk in chunks for p in chunk.problems] == [(2, "line-too-long")]
    assert chunks[-1].end_lineno == len(lines)


def test_unreadable_files_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    (folder / "sub").mkdir(parents=True)
    good = folder / "sub" / "good.jsonl"
    good.write_bytes(_message_line("u-good") + b"\n")
    (folder / "x.jsonl").symlink_to(folder / "does-not-exist.jsonl")  # dangling
    (folder / "loop-a").symlink_to(folder / "loop-b")  # a loop of folder links
    (folder / "loop-b").symlink_to(folder / "loop-a")
    (folder / "self.jsonl").symlink_to(folder / "self.jsonl")
    (folder / "up").symlink_to(folder)  # a cycle: must be walked once, not reported
    os.mkfifo(folder / "fifo.jsonl")  # not a regular file: must not block the run
    bad_paths = {str(folder / name) for name in ("x.jsonl", "loop-a", "loop-b", "self.jsonl", "fifo.jsonl")}
    if os.geteuid() != 0:  # root reads anything: chmod blocks only other users
        locked = folder / "locked"
        locked.mkdir()
        (locked / "hidden.jsonl").write_bytes(_message_line("u-hidden") + b"\n")
        locked.chmod(0)
        bad_paths.add(str(locked))
    missing = tmp_path / "missing.jsonl"
    db = tmp_path / "s.db"
    try:
        summary = _ingest_folder(db, folder, missing)
    finally:
        if os.geteuid() != 0:
            (folder / "locked").chmod(stat.S_IRWXU)
    reported = {p.path for p in summary.problems}
    assert bad_paths | {str(missing)} <= reported, sorted(reported)
    assert all(p.line is None and p.severity == "error" for p in summary.problems)
    assert summary.files_failed == len(summary.problems)
    assert summary.files_read == 1
    assert summary.records == 1
    assert _stored_uuids(db) == {"u-good"}
    conn = sqlite3.connect(db)
    try:
        assert [row[0] for row in conn.execute("SELECT path FROM source_files")] == [str(good)]
    finally:
        conn.close()


def test_a_deeply_nested_line_never_stops_ingest(tmp_path: Path) -> None:
    """The real CLI, twice. A `type` nested 1000 levels deep made the first run end in a
    RecursionError traceback (the file's offset never moved, so every later run failed the same way
    and the file sorted after it was never read); now it is one problem with its file and line."""
    folder = tmp_path / "t"
    folder.mkdir()
    first = folder / "a.jsonl"
    deep = b'{"type":' + deep_value(1000, as_object=False) + b',"sessionId":"edge-session","uuid":"u-deep"}'
    first.write_bytes(_message_line("u-1") + b"\n" + deep + b"\n" + _message_line("u-2") + b"\n")
    (folder / "b.jsonl").write_bytes(_message_line("u-later", session="later-session") + b"\n")
    db = tmp_path / "store" / "s.db"
    env = {**os.environ, "LESSONLOOP_DB": str(tmp_path / "unused.db")}

    def run() -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "lessonloop", "ingest", str(folder), "--db", str(db), "--no-learn", "--json"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        assert isinstance(data, dict)
        return data

    summary = run()
    problems = [(p["path"], p["line"], p["code"]) for p in summary["problems"]]
    assert problems == [(str(first), 2, "nested-too-deep")]
    assert "type[0][0]" in summary["problems"][0]["detail"]
    assert summary["files"]["read"] == 2
    assert _stored_uuids(db) == {"u-1", "u-2", "u-later"}
    again = run()
    assert again["problems"] == []
    assert (again["files"]["read"], again["files"]["unchanged"]) == (0, 2)


def test_a_parser_failure_stops_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser reports bad lines itself; should it ever raise anyway (a defect), the file is
    reported with the lines it was reading, and the files after it are still read."""
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(_message_line("u-a") + b"\n")
    (folder / "b.jsonl").write_bytes(_message_line("u-b", session="b-session") + b"\n")
    real_parse = ClaudeCodeParser.parse

    def parse(self: ClaudeCodeParser, lines: list[bytes], first_lineno: int) -> Any:
        if self.path.endswith("a.jsonl"):
            raise RecursionError("maximum recursion depth exceeded")
        return real_parse(self, lines, first_lineno)

    monkeypatch.setattr(ClaudeCodeParser, "parse", parse)
    db = tmp_path / "s.db"
    for _ in range(2):  # the failed file is tried again, and fails again, without stopping the run
        summary = _ingest_folder(db, folder)
        assert [(p.path, p.line, p.code) for p in summary.problems] == [(str(folder / "a.jsonl"), 1, "reader-failed")]
        assert "RecursionError" in summary.problems[0].detail
        assert summary.files_failed == 1
    assert _stored_uuids(db) == {"u-b"}
