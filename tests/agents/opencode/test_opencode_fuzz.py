"""Fuzz: mutated copies of real OpenCode sessions never crash ingest, and every bad input is reported.

Source: the codemie storage sample (../shared/corpus/opencode/codemie: a session, its messages
and their parts as OpenCode wrote them under storage/), copied many times with distinct ids
(tests/corpus_copies.py). Half the copies are written as a legacy storage/ tree, half as rows of
an opencode.db (the data columns hold the same JSON without the ids, as OpenCode 1.2 writes).
A seeded random generator then mutates storage files and database rows: cut, bytes flipped,
invalid UTF-8, wrong types, fields removed, unknown part types and roles, deep nesting, long
strings, JSON that is not an object; files and rows removed; and whole databases: a table
missing, a file that is not a database, a database cut in half.

An oracle independent of the adapter decides what must be reported for each file or row
(orjson, the project's codec, is the reference for what is JSON):
- not JSON: "invalid-json" or "truncated-json" (the file, or the row's unit and part/message);
- invalid UTF-8 that is JSON once the bytes are replaced: "invalid-utf8", and the value is read;
- JSON that is not an object: "not-an-object";
- an object nesting deeper than json_depth.MAX_DEPTH: "nested-too-deep" (orjson reads at most
  1024 levels: deeper is "invalid-json" or "nested-too-deep");
- an object: nothing, but "malformed-record" is allowed where its fields have unexpected types.
What could be read is stored: every session none of whose inputs was touched is stored exactly
as a clean ingest of the untouched copies stores it, and in a touched session every untouched
message with all its parts gives the records it gives there. A second ingest changes nothing.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from lessonloop.agents.opencode.reader.paths import DATABASE
from lessonloop.capture.discovery import SourceRef
from lessonloop.capture.opencode_format.parser import PART_TYPES, units
from lessonloop.core.json_depth import MAX_DEPTH
from lessonloop.core.records import Problem
from lessonloop.pipeline.ingest import IngestSummary, discover, ingest
from lessonloop.store import open_store
from tests import corpus_copies as copies
from tests.conftest import Dump, dump_store, store_differences
from tests.json_nesting import nests_deeper

pytestmark = pytest.mark.corpus  # every test mutates the corpus sample (skipped without it)

SEED = 20260311
STORAGE_SESSIONS = 300
DB_SESSIONS = 300
MUTATED_SHARE = 0.15  # of the files and rows (a session has 8): about a quarter of the sessions stay untouched
BAD_JSON = frozenset({"invalid-json", "truncated-json"})
ALLOWED_EXTRA = frozenset({"malformed-record"})
UNKNOWN_TYPE = "fuzz-unknown-part"

Json = Any
Message = tuple[dict[str, Any], list[dict[str, Any]]]
Session = tuple[dict[str, Any], list[Message]]


# --------------------------------------------------------------------------- the oracle

_TOO_DEEP_TO_READ = "too-deep-to-read"


def expected_codes(raw: bytes) -> tuple[set[str], Json]:
    """What must be reported for one file or data value, and what is read of it (None: nothing).
    "bad-json" stands for invalid-json or truncated-json."""
    codes: set[str] = set()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        codes.add("invalid-utf8")
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if str(exc).startswith("depth limit exceeded"):
            return {_TOO_DEEP_TO_READ}, None
        return {"bad-json"}, None
    if "invalid-utf8" in codes and _loads_bytes(raw):
        codes.discard("invalid-utf8")  # orjson read the bytes as they are: nothing was replaced
    if not isinstance(value, dict):
        codes.add("not-an-object")
        return codes, None
    if nests_deeper(value, MAX_DEPTH):
        codes.add("nested-too-deep")
    return codes, value


def _loads_bytes(raw: bytes) -> bool:
    try:
        orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    return True


def codes_match(expected: set[str], reported: list[str]) -> bool:
    errors = {"bad-json" if code in BAD_JSON else code for code in reported if code not in ALLOWED_EXTRA}
    if _TOO_DEEP_TO_READ in expected:
        return errors in ({"bad-json"}, {"nested-too-deep"})
    return errors == expected


# --------------------------------------------------------------------------- mutations

RETYPE_VALUES: tuple[Json, ...] = (
    0,
    -1,
    2**63 - 1,
    2**64,
    3.5,
    1e300,
    True,
    None,
    "",
    "x",
    "12",
    "2026-13-45T99:99:99Z",
    [],
    [1, "a", None],
    {},
    {"a": 1},
)
# Fields the adapter reads ("*": any index).
NAMED_PATHS: tuple[tuple[str, ...], ...] = (
    ("id",),
    ("type",),
    ("role",),
    ("text",),
    ("synthetic",),
    ("tool",),
    ("callID",),
    ("state",),
    ("state", "status"),
    ("state", "input"),
    ("state", "input", "filePath"),
    ("state", "input", "content"),
    ("state", "output"),
    ("state", "metadata"),
    ("state", "error"),
    ("tokens",),
    ("tokens", "input"),
    ("tokens", "output"),
    ("tokens", "cache"),
    ("tokens", "cache", "read"),
    ("cost",),
    ("time",),
    ("time", "created"),
    ("time", "updated"),
    ("modelID",),
    ("directory",),
    ("parentID",),
    ("title",),
    ("version",),
    ("error",),
)
# Values the adapter must take apart with care, put where it reads them.
TARGETED: tuple[tuple[tuple[str, ...], Json], ...] = (
    (("tokens", "output"), 2**63 - 1),
    (("tokens", "reasoning"), 2**63 - 1),
    (("tokens", "input"), 2**63 - 1),
    (("tokens", "input"), -5),
    (("tokens", "cache", "write"), "100"),
    (("cost",), 1e308),
    (("cost",), True),
    (("state", "status"), "error"),
    (("state", "status"), "pending"),
    (("state", "error"), {"name": "x"}),
    (("state", "metadata"), {"exit": 2**70, "diff": 5}),
    (("state", "metadata"), {"exit": 1, "interrupted": "yes"}),
    (("state", "metadata"), {"diff": "@@ -1 +1 @@\n-a\n+b\n", "sessionId": 7}),
    (("state", "input"), {"filePath": ["a", "b"], "oldString": 5, "newString": None}),
    (("state", "input"), {"patchText": "*** Begin Patch\n*** Update File: x\n@@\n-a\n+b\n*** End Patch"}),
    (("error",), {"name": "MessageAbortedError", "data": "x"}),
    (("error",), {"name": 5, "data": {"message": ["x"]}}),
    (("time",), {"created": "yesterday", "updated": -1e300}),
    (("time", "start"), 2**64),
    (("synthetic",), "true"),
    (("ignored",), True),
)
UNKNOWN_PART_TYPES: tuple[Json, ...] = (UNKNOWN_TYPE, "", "TEXT", 42, None, ["text"], {"t": 1})
BAD_UTF8: tuple[bytes, ...] = (b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80")
NON_OBJECTS: tuple[bytes, ...] = (b"[]", b"[1, 2]", b"42", b'"text"', b"null", b"true", b"", b"   ")
DEEP_DEPTHS = (MAX_DEPTH + 1, 254, 990, 1023, 1025, 3000)


def _resolve(value: Json, path: tuple[str, ...]) -> bool:
    for key in path[:-1]:
        if not isinstance(value, dict) or not isinstance(value.get(key), dict):
            return False
        value = value[key]
    return isinstance(value, dict)


def _set(value: Json, path: tuple[str, ...], new: Json) -> None:
    for key in path[:-1]:
        value = value[key]
    value[path[-1]] = new


def _present(record: dict[str, Any], rng: random.Random) -> tuple[str, ...] | None:
    paths = [p for p in NAMED_PATHS if _resolve(record, p) and _get(record, p) is not _ABSENT]
    return rng.choice(paths) if paths else None


_ABSENT = object()


def _get(value: Json, path: tuple[str, ...]) -> Json:
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return _ABSENT
        value = value[key]
    return value


def _dumps(value: Json) -> bytes:
    """JSON text (the standard library's writer: it writes integers beyond 64 bits, as OpenCode's JavaScript may not)."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def remove_field(rng: random.Random, record: dict[str, Any]) -> bytes:
    path = _present(record, rng)
    if path is not None:
        parent = record
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
    return _dumps(record)


def retype_field(rng: random.Random, record: dict[str, Any]) -> bytes:
    path = _present(record, rng)
    if path is not None:
        current = _get(record, path)
        _set(record, path, rng.choice([v for v in RETYPE_VALUES if type(v) is not type(current)]))
    return _dumps(record)


def targeted(rng: random.Random, record: dict[str, Any]) -> bytes:
    options = [(p, v) for p, v in TARGETED if _resolve(record, p)]
    if options:
        path, value = rng.choice(options)
        _set(record, path, value)
    return _dumps(record)


def unknown_type(rng: random.Random, record: dict[str, Any]) -> bytes:
    if "type" in record:
        record["type"] = rng.choice(UNKNOWN_PART_TYPES)
    elif "role" in record:
        record["role"] = rng.choice(["system", "", None, 3])
    return _dumps(record)


def unknown_field(rng: random.Random, record: dict[str, Any]) -> bytes:
    record[f"fuzz_field_{rng.randrange(3)}"] = rng.choice(RETYPE_VALUES)
    return _dumps(record)


def long_string(rng: random.Random, record: dict[str, Any]) -> bytes:
    size = rng.choice([70_000, 400_000, 1_500_000])
    text = ("lorem ipsum ünïcødé ✓ sk-ant-api03-" * (size // 34 + 1))[:size]
    path = _present(record, rng) or ("fuzz_long",)
    _set(record, path, text)
    return _dumps(record)


def deep_nesting(rng: random.Random, record: dict[str, Any]) -> bytes:
    path = _present(record, rng) or ("fuzz_deep",)
    _set(record, path, "__deep__")
    levels = max(1, rng.choice(DEEP_DEPTHS) - len(path))
    deep = b"[" * levels + b"1" + b"]" * levels if rng.random() < 0.5 else b'{"a":' * levels + b"1" + b"}" * levels
    return _dumps(record).replace(b'"__deep__"', deep, 1)


def truncate(rng: random.Random, raw: bytes) -> bytes:
    return raw[: rng.randrange(0, max(1, len(raw)))]


def flip_bytes(rng: random.Random, raw: bytes) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        if data:
            data[rng.randrange(len(data))] = rng.choice(b'{}[]":,\\ 0x\x00\n')
    return bytes(data)


def bad_utf8(rng: random.Random, raw: bytes) -> bytes:
    strings = [i + 1 for i in range(len(raw)) if raw[i : i + 3] == b': "'] or [0]
    at = rng.choice(strings) + 2 if rng.random() < 0.8 else rng.randrange(len(raw) + 1)
    return raw[:at] + rng.choice(BAD_UTF8) + raw[at:]


def non_object(rng: random.Random, raw: bytes) -> bytes:
    return rng.choice([*NON_OBJECTS, b"[" + raw + b"]"])


STRUCTURAL: dict[str, tuple[Callable[[random.Random, dict[str, Any]], bytes], int]] = {
    "remove-field": (remove_field, 10),
    "retype-field": (retype_field, 10),
    "targeted": (targeted, 10),
    "unknown-type": (unknown_type, 6),
    "unknown-field": (unknown_field, 3),
    "long-string": (long_string, 1),
    "deep-nesting": (deep_nesting, 4),
}
BYTES: dict[str, tuple[Callable[[random.Random, bytes], bytes], int]] = {
    "truncate": (truncate, 8),
    "flip-bytes": (flip_bytes, 6),
    "bad-utf8": (bad_utf8, 6),
    "non-object": (non_object, 3),
}


def mutate(rng: random.Random, record: dict[str, Any]) -> tuple[str, bytes]:
    names = [*STRUCTURAL, *BYTES]
    weights = [w for _, w in STRUCTURAL.values()] + [w for _, w in BYTES.values()]
    name = rng.choices(names, weights)[0]
    copy = json.loads(json.dumps(record))
    if name in STRUCTURAL:
        return name, STRUCTURAL[name][0](rng, copy)
    return name, BYTES[name][0](rng, _dumps(copy))


# --------------------------------------------------------------------------- the fuzzed inputs


@dataclass(slots=True)
class Touched:
    """One input changed: where it is reported, what must be reported there."""

    where: str  # the problem path: a storage file, or "<db>#<session> part|message <id>"
    mutation: str  # "unread:..." for a part whose message cannot be read (nothing may be reported)
    raw: bytes | None  # the new bytes (None: the input was removed)
    session: str
    message: str | None  # the message it is or belongs to (None: the session itself)
    unit: str  # the unit the session is read as
    is_message: bool = False  # the message's own file or row

    @property
    def is_part(self) -> bool:
        return self.message is not None and not self.is_message


@dataclass(slots=True)
class FuzzInput:
    folder: Path
    reference: Path  # the same sessions untouched
    touched: list[Touched] = field(default_factory=list)
    units: set[str] = field(default_factory=set)  # every session's unit (path as stored)
    removed_messages: set[str] = field(default_factory=set)  # parts left without their message
    broken_databases: dict[str, set[str]] = field(default_factory=dict)  # path -> acceptable codes
    extra_sources: list[SourceRef] = field(default_factory=list)

    def touched_sessions(self) -> set[str]:
        return {t.session for t in self.touched}

    def touched_messages(self) -> set[str]:
        return {t.message for t in self.touched if t.message is not None}

    def messages_changed(self) -> set[str]:
        """Messages whose own file or row was changed or removed."""
        return {t.message for t in self.touched if t.is_message and t.message is not None}


def _sessions(start: int, count: int) -> list[tuple[str, Session]]:
    if not copies.OPENCODE_CORPUS.is_dir():
        pytest.skip(f"OpenCode corpus not found at {copies.OPENCODE_CORPUS} (the ../shared folder is absent)")
    return copies.opencode_copies(count, first=start)


def build_storage(fuzz: FuzzInput, rng: random.Random) -> None:
    sessions = _sessions(1, STORAGE_SESSIONS)
    copies.write_opencode_storage(fuzz.reference / "storage", sessions)
    storage = fuzz.folder / "storage"
    copies.write_opencode_storage(storage, sessions)
    for project, (info, messages) in sessions:
        sid = info["id"]
        session_file = storage / "session" / project / f"{sid}.json"
        files: list[tuple[Path, dict[str, Any], str | None]] = [(session_file, info, None)]
        for message, parts in messages:
            files.append((storage / "message" / sid / f"{message['id']}.json", message, message["id"]))
            files.extend((storage / "part" / message["id"] / f"{p['id']}.json", p, message["id"]) for p in parts)
        touched: list[Touched] = []
        for path, record, message_id in files:
            if rng.random() >= MUTATED_SHARE:
                continue
            is_message = path.parent.name == sid
            if rng.random() < 0.06:
                path.unlink()
                touched.append(Touched(str(path), "removed", None, sid, message_id, "", is_message))
                if is_message and message_id is not None:
                    fuzz.removed_messages.add(message_id)
                continue
            name, raw = mutate(rng, record)
            path.write_bytes(raw)
            touched.append(Touched(str(path), name, raw, sid, message_id, "", is_message))
        # A session is read under its session file, else under its message folder.
        if session_file.exists():
            unit = str(session_file)
        elif (storage / "message" / sid).is_dir() and any((storage / "message" / sid).iterdir()):
            unit = str(storage / "message" / sid)
        else:
            unit = ""
        if unit:
            fuzz.units.add(unit)
        # The parts of a message whose file cannot be read are not opened: nothing is reported for them.
        unread = {t.message for t in touched if t.is_message and (t.raw is None or expected_codes(t.raw)[1] is None)}
        for t in touched:
            t.unit = unit
            if t.is_part and t.message in unread:
                t.mutation = "unread:" + t.mutation
        fuzz.touched.extend(touched)


# Values put in a session row's columns: wrong types, and text that is not UTF-8.
SESSION_COLUMN_VALUES: tuple[Json, ...] = (5, 2.5, b"blob", "", "yesterday", 2**63 - 1, -1)
BAD_TEXT = b"caf\xe9 \xff"


def build_database(fuzz: FuzzInput, rng: random.Random) -> None:
    sessions = _sessions(1000, DB_SESSIONS)
    (fuzz.reference / "db").mkdir(parents=True)
    copies.write_opencode_db(fuzz.reference / "db" / "opencode.db", sessions)
    (fuzz.folder / "db").mkdir(parents=True)
    db = fuzz.folder / "db" / "opencode.db"
    copies.write_opencode_db(db, sessions)
    conn = sqlite3.connect(db)
    try:
        for _project, (info, messages) in sessions:
            sid = info["id"]
            unit = f"{db}#{sid}"
            if rng.random() < 0.02:
                # The session's row is gone, its messages and parts stay: no unit, nothing to report.
                conn.execute("DELETE FROM session WHERE id = ?", (sid,))
                fuzz.touched.append(Touched(unit, "session-removed", None, sid, None, unit))
                continue
            fuzz.units.add(unit)
            if rng.random() < MUTATED_SHARE / 2:
                column = rng.choice(["directory", "title", "version", "parent_id", "time_created", "time_updated"])
                if rng.random() < 0.3 and column in ("directory", "title", "version"):
                    conn.execute(f"UPDATE session SET {column} = CAST(? AS TEXT) WHERE id = ?", (BAD_TEXT, sid))
                    fuzz.touched.append(Touched(unit, f"session-{column}-utf8", BAD_TEXT, sid, None, unit))
                else:
                    value = rng.choice(SESSION_COLUMN_VALUES)
                    conn.execute(f"UPDATE session SET {column} = ? WHERE id = ?", (value, sid))
                    fuzz.touched.append(Touched(unit, f"session-{column}", None, sid, None, unit))
            for message, parts in messages:
                mid = message["id"]
                rows = [("message", mid, {k: v for k, v in message.items() if k not in ("id", "sessionID")})]
                rows.extend(
                    ("part", p["id"], {k: v for k, v in p.items() if k not in ("id", "sessionID", "messageID")})
                    for p in parts
                )
                for table, row_id, data in rows:
                    if rng.random() >= MUTATED_SHARE:
                        continue
                    where = f"{unit} {table} {row_id}"
                    is_message = table == "message"
                    roll = rng.random()
                    if roll < 0.06:
                        conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
                        fuzz.touched.append(Touched(where, "removed", None, sid, mid, unit, is_message))
                        if is_message:
                            fuzz.removed_messages.add(mid)
                        continue
                    name, raw = mutate(rng, data)
                    if roll < 0.25:
                        # The bytes as a BLOB, or as TEXT whatever they hold (a cast does not check UTF-8).
                        cast = "CAST(? AS TEXT)" if rng.random() < 0.5 else "?"
                        conn.execute(f"UPDATE {table} SET data = {cast} WHERE id = ?", (raw, row_id))
                    else:
                        try:
                            text = raw.decode("utf-8")
                        except UnicodeDecodeError:
                            conn.execute(f"UPDATE {table} SET data = CAST(? AS TEXT) WHERE id = ?", (raw, row_id))
                        else:
                            conn.execute(f"UPDATE {table} SET data = ? WHERE id = ?", (text, row_id))
                    fuzz.touched.append(Touched(where, name, raw, sid, mid, unit, is_message))
        conn.commit()
    finally:
        conn.close()


def build_broken_databases(fuzz: FuzzInput, rng: random.Random) -> None:
    """Whole databases that cannot be read, each alone in its folder."""
    sessions = _sessions(5000, 3)
    good = fuzz.folder / "whole" / "good.db"
    good.parent.mkdir(parents=True)
    copies.write_opencode_db(good, sessions)
    data = good.read_bytes()
    cases: dict[str, tuple[bytes | None, set[str], bool]] = {
        # name -> (bytes, or None for the good database changed below; codes; found by discovery)
        "not-a-database": (b"this is not a database\n" * 40, {"unreadable-file"}, False),
        "empty": (b"", {"unreadable-file", "not-opencode-db"}, False),  # SQLite opens it as an empty database
        "garbage-with-header": (b"SQLite format 3\x00" + rng.randbytes(4000), {"unreadable-file"}, True),
        "cut-in-half": (data[: len(data) // 2], {"unreadable-file"}, True),
        "no-part-table": (None, {"not-opencode-db"}, True),
        "no-data-column": (None, {"not-opencode-db"}, True),
    }
    for name, (raw, codes, discovered) in cases.items():
        path = fuzz.folder / "whole" / name / "opencode.db"
        path.parent.mkdir(parents=True)
        if raw is not None:
            path.write_bytes(raw)
        else:
            path.write_bytes(data)
            conn = sqlite3.connect(path)
            if name == "no-part-table":
                conn.execute("DROP TABLE part")
            else:
                conn.execute("ALTER TABLE message DROP COLUMN data")
            conn.commit()
            conn.close()
        fuzz.broken_databases[str(path)] = codes
        if not discovered:
            # OpenCode's own discovery names its database whatever it holds.
            fuzz.extra_sources.append(SourceRef(str(path), "opencode", format=DATABASE))
    good.unlink()


@pytest.fixture(scope="module")
def fuzz_input(tmp_path_factory: pytest.TempPathFactory) -> FuzzInput:
    root = tmp_path_factory.mktemp("opencode-fuzz")
    fuzz = FuzzInput(root / "in", root / "reference")
    rng = random.Random(SEED)
    build_storage(fuzz, rng)
    build_database(fuzz, rng)
    build_broken_databases(fuzz, rng)
    return fuzz


def _ingest(db: Path, folder: Path, extra: Sequence[SourceRef] = ()) -> IngestSummary:
    sources, summary = discover([str(folder)])
    conn = open_store(db)
    try:
        return ingest(conn, [*sources, *extra], summary)
    finally:
        conn.close()


# --------------------------------------------------------------------------- the tests


@pytest.mark.slow
def test_fuzz_is_deterministic_and_touches_every_kind_of_input(tmp_path: Path) -> None:
    runs = []
    for name in ("a", "b"):
        fuzz = FuzzInput(tmp_path / name / "in", tmp_path / name / "reference")
        rng = random.Random(SEED)
        build_storage(fuzz, rng)
        build_database(fuzz, rng)
        runs.append([(t.where.replace(str(tmp_path / name), ""), t.mutation, t.raw) for t in fuzz.touched])
    assert runs[0] == runs[1]
    mutations = Counter(m.split(":")[-1] for _, m, _ in runs[0])
    assert {*STRUCTURAL, *BYTES, "removed"} <= set(mutations), mutations
    assert any(m.startswith("session-") and m.endswith("-utf8") for m in mutations), mutations
    assert any("/storage/part/" in w for w, _, _ in runs[0]) and any(" part " in w for w, _, _ in runs[0])


@pytest.mark.slow
def test_units_never_raise_and_report_every_bad_file_and_row(fuzz_input: FuzzInput) -> None:
    """The adapter alone: listing and reading every unit raises nothing; the problems are the oracle's."""
    problems: list[Problem] = []
    storage_files = [str(p) for p in (fuzz_input.folder / "storage").rglob("*.json")]
    databases = [str(fuzz_input.folder / "db" / "opencode.db"), *fuzz_input.broken_databases]
    found = units("storage", storage_files, problems, "opencode") + units("database", databases, problems, "opencode")
    failures: list[str] = []
    for unit in found:
        try:
            problems.extend(unit.read().problems)
        except Exception as exc:
            failures.append(f"{unit.path}: {type(exc).__name__}: {exc}")
    assert not [f for f in failures if not _in_broken_database(fuzz_input, f)], "\n".join(failures[:10])
    mismatches = problem_mismatches(fuzz_input, problems)
    assert not mismatches, "problems differ from the oracle:\n" + "\n".join(mismatches[:20])


def _in_broken_database(fuzz: FuzzInput, text: str) -> bool:
    return text.split("#")[0].split(":")[0] in fuzz.broken_databases


def stored_units(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {row[0] for row in conn.execute("SELECT path FROM source_files")}
    finally:
        conn.close()


def problem_mismatches(fuzz: FuzzInput, problems: list[Problem]) -> list[str]:
    """Where the reported problems differ from what the oracle expects."""
    out: list[str] = []
    errors: dict[str, list[str]] = defaultdict(list)
    notices: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.severity == "error":
            errors[problem.path].append(problem.code)
        else:
            notices[problem.path].append(problem)
    by_where = {t.where: t for t in fuzz.touched if t.raw is not None}
    for where, codes in sorted(errors.items()):
        database = where.split("#")[0]
        if database in fuzz.broken_databases:
            if not set(codes) <= fuzz.broken_databases[database]:
                out.append(f"{where}: reported {codes}, expected some of {sorted(fuzz.broken_databases[database])}")
            continue
        touched = by_where.get(where)
        if (touched is None or touched.mutation.startswith("unread:")) and set(codes) - ALLOWED_EXTRA:
            out.append(f"{where}: reported {codes} for an input that was not changed, or not read")
    for touched in fuzz.touched:
        if touched.raw is None or touched.mutation.startswith("unread:"):
            continue
        if touched.mutation.startswith("session-"):
            expected: set[str] = {"invalid-utf8"}
        else:
            expected, _ = expected_codes(touched.raw)
        reported = errors.get(touched.where, [])
        if not codes_match(expected, reported):
            out.append(
                f"{touched.where} [{touched.mutation}] expected {sorted(expected)}, reported {reported}:"
                f" {touched.raw[:160]!r}"
            )
    for database, acceptable in fuzz.broken_databases.items():
        reported = [c for where, found in errors.items() if where.split("#")[0] == database for c in found]
        if not reported or not set(reported) <= acceptable:
            out.append(f"{database}: reported {reported}, expected one of {sorted(acceptable)}")
    # An unknown part type in a message that is read is a notice naming the type, at the unit.
    changed = fuzz.messages_changed()
    for touched in fuzz.touched:
        value = expected_codes(touched.raw)[1] if touched.raw is not None and touched.is_part else None
        if not isinstance(value, dict) or touched.message in changed:
            continue
        kind = value.get("type", "text")
        if isinstance(kind, str) and kind in PART_TYPES:
            continue
        label = kind if isinstance(kind, str) else type(kind).__name__
        if not any(n.code == "unknown-part-type" and repr(label) in n.detail for n in notices.get(touched.unit, [])):
            out.append(f"{touched.where}: no unknown-part-type notice for {label!r} at {touched.unit}")
    return out


def _normalized(dump: Dump, old: str, new: str) -> dict[str, list[tuple[tuple[str, Any], ...]]]:
    """Rows of the captured tables, keyed by what they are; where a row came from and its place
    among the session's records (seq) left out."""
    out: dict[str, list[tuple[tuple[str, Any], ...]]] = {}
    for table in ("sessions", "messages", "tool_calls", "token_usage"):
        rows = []
        for row in dump.get(table, []):
            values = {k: (v.replace(old, new) if isinstance(v, str) else v) for k, v in row}
            for volatile in ("source_file_id", "seq", "result_seq"):
                values.pop(volatile, None)
            rows.append(tuple(sorted(values.items())))
        out[table] = rows
    return out


@pytest.mark.slow
def test_ingest_stores_what_could_be_read_and_a_second_ingest_changes_nothing(
    fuzz_input: FuzzInput, tmp_path: Path
) -> None:
    db = tmp_path / "fuzz.db"
    summary = _ingest(db, fuzz_input.folder, fuzz_input.extra_sources)
    mismatches = problem_mismatches(fuzz_input, summary.problems + summary.notices)
    assert not mismatches, "problems differ from the oracle:\n" + "\n".join(mismatches[:20])
    assert fuzz_input.units <= stored_units(db)  # every session is read, none fails
    # Messages removed while their parts stay: the parts are a notice, never read.
    if fuzz_input.removed_messages:
        assert any(n.code == "part-without-message" for n in summary.notices)

    reference_db = tmp_path / "reference.db"
    reference = _ingest(reference_db, fuzz_input.reference)
    assert reference.problems == [] and reference.files_read == STORAGE_SESSIONS + DB_SESSIONS
    got = _normalized(dump_store(db), str(fuzz_input.folder), "<in>")
    want = _normalized(dump_store(reference_db), str(fuzz_input.reference), "<in>")
    touched_sessions = fuzz_input.touched_sessions()
    touched_messages = fuzz_input.touched_messages()
    missing: list[str] = []
    checked: Counter[str] = Counter()
    for table, rows in want.items():
        have = Counter(got[table])
        for row in rows:
            values = dict(row)
            session = values.get("session_id", values.get("id"))
            message = values.get("message_uuid") or values.get("parent_uuid") or values.get("message_id")
            if session in touched_sessions:
                if table == "sessions" or message is None or message in touched_messages:
                    continue
                if any(t.session == session and t.message is None for t in fuzz_input.touched):
                    continue  # the session's own record changed: its cwd, its id may differ
            checked[table] += 1
            if have[row] == 0:
                missing.append(f"{table}: {values}")
    # Untouched sessions, and untouched messages of touched ones, were there to be found.
    assert checked["sessions"] >= 20 and checked["messages"] >= 100 and checked["tool_calls"] >= 100, checked
    assert not missing, f"{len(missing)} records of untouched inputs not stored as a clean ingest stores them:\n" + (
        "\n".join(m[:300] for m in missing[:10])
    )

    # The stored problems are the reported ones (those of the files read).
    conn = sqlite3.connect(db)
    stored = Counter(conn.execute("SELECT path, line, code FROM ingest_problems").fetchall())
    conn.close()
    read_problems = Counter(
        (p.path, p.line, p.code) for p in summary.problems if p.path not in fuzz_input.broken_databases
    )
    assert stored == read_problems

    # A second ingest reads nothing, changes nothing, and reports only the databases it cannot open.
    before = dump_store(db)
    again = _ingest(db, fuzz_input.folder, fuzz_input.extra_sources)
    assert again.files_read == 0 and again.files_unchanged == len(stored_units(db))
    assert {p.path for p in again.problems} <= set(fuzz_input.broken_databases)
    assert store_differences(before, dump_store(db)) == []

    # Read again after every storage file was touched: the same store.
    for path in (fuzz_input.folder / "storage").rglob("*.json"):
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))
    touched = _ingest(db, fuzz_input.folder, fuzz_input.extra_sources)
    assert touched.files_read == len([u for u in fuzz_input.units if "#" not in u])
    differences = store_differences(before, dump_store(db))
    assert differences == [], "\n".join(differences)
