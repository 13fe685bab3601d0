"""Fuzz: mutated copies of a real Aider chat history never crash ingest, and every bad line is reported.

Source: sessions of the aider-dev history (../shared/corpus/aider/aider-dev/chat-history.md,
the aider author's own .aider.chat.history.md), chosen deterministically so that every construct
is there (edit blocks applied and failed, /run, /test, /git, /undo, lint runs, commits, token
lines, interrupts), written into a few history files. A seeded random generator mutates lines of
some sessions: cut, invalid UTF-8, stray and unterminated SEARCH/REPLACE markers, headings in odd
places (mid-session, inside a block, without a time, the same time again, cut), bare and doubled
carriage returns, lines joined by a CR, huge lines (one over line_reader.MAX_LINE_BYTES), "> Tokens:"
lines with garbage numbers, odd "#### " inputs and "> " outcome lines, control characters, lines
removed, repeated or swapped.

An Aider history is Markdown: nothing in it is malformed but its bytes. The oracle (independent of
the adapter): a line with invalid UTF-8 is reported "invalid-utf8" at its line, a line over
MAX_LINE_BYTES "line-too-long" at its line, and nothing else is reported. What could be read is
stored: every session that no mutation touched (nor its neighbours: a mutation may join lines
across a heading, or change the heading time counted for the next one's id) is stored exactly as
a clean ingest of the untouched history stores it (file key, line numbers and folder aside). A
second ingest changes nothing; the same files written in parts, each part ingested, end as a
clean ingest of the whole files. Lines over the limit get tests of their own (their line numbers,
the restart point of the session after them).

Not fuzzed: two headings of one file with the same text apart from each other (the same second,
or an odd time repeated). A session's id is its file and heading time, with an ordinal only among
equal headings in a row (docs/agents/aider.md), so such sessions share an id and what is stored of
them depends on how the file was read: a known limit, left out here (odd heading times are made
unique).
"""

from __future__ import annotations

import random
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.aider.reader.parser import HEADING, AiderHistoryParser
from lessonloop.capture.line_reader import MAX_LINE_BYTES
from lessonloop.core.records import Problem
from lessonloop.pipeline.ingest import IngestSummary, discover, ingest
from lessonloop.store import open_store
from tests import corpus_copies as copies
from tests.conftest import Dump, dump_store, store_differences

SEED = 20260312
FILES = 8
SESSIONS = 480  # taken from the corpus, spread over the files
PER_FEATURE = 12  # sessions taken for each construct, the rest at random
MUTATED_SESSIONS = 0.25
HISTORY = copies.AIDER_HISTORY

# --------------------------------------------------------------------------- the source sessions

FEATURES: dict[str, re.Pattern[bytes]] = {
    "edit-block": re.compile(rb"^<{7} SEARCH", re.M),
    "applied": re.compile(rb"^> Applied edit to ", re.M),
    "no-match": re.compile(rb"^> ## SearchReplaceNoExactMatch", re.M),
    "not-conform": re.compile(rb"^> The LLM did not conform", re.M),
    "run": re.compile(rb"^#### (?:/run |!)", re.M),
    "test": re.compile(rb"^#### /test ", re.M),
    "git": re.compile(rb"^#### /git ", re.M),
    "undo": re.compile(rb"^#### /undo", re.M),
    "lint": re.compile(rb"^> ## Running: ", re.M),
    "commit": re.compile(rb"^> Commit [0-9a-f]{7}", re.M),
    "tokens": re.compile(rb"^> Tokens: ", re.M),
    "interrupt": re.compile(rb"^> \^C KeyboardInterrupt", re.M),
    "ask": re.compile(rb"^#### /ask ", re.M),
    "question": re.compile(rb"^#### # Question: ", re.M),
}


@lru_cache(maxsize=1)
def corpus_sessions() -> tuple[tuple[bytes, ...], ...]:
    """The corpus's sessions (from each heading), as lines without their newline."""
    if not copies.AIDER_CORPUS.is_file():
        return ()
    data = copies.AIDER_CORPUS.read_bytes()
    starts = [m.start() for m in re.finditer(rb"^" + re.escape(HEADING), data, re.M)]
    return tuple(
        tuple(data[start:end].rstrip(b"\n").split(b"\n"))
        for start, end in zip(starts, [*starts[1:], len(data)], strict=True)
    )


def chosen_sessions(rng: random.Random) -> list[int]:
    """Indexes of corpus sessions: PER_FEATURE for each construct (the shorter first), the rest
    at random, in corpus order."""
    sessions = corpus_sessions()
    chosen: set[int] = set()
    for pattern in FEATURES.values():
        having = sorted((len(b"\n".join(s)), i) for i, s in enumerate(sessions) if pattern.search(b"\n".join(s)))
        chosen.update(i for _, i in having[: PER_FEATURE * 3 : 3])
    rest = [i for i in range(len(sessions)) if i not in chosen]
    chosen.update(rng.sample(rest, max(0, SESSIONS - len(chosen))))
    return sorted(chosen)


# --------------------------------------------------------------------------- mutations

BAD_UTF8: tuple[bytes, ...] = (
    b"\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
    b"\xf4\x90\x80\x80",
    b"\x80",
)
GARBAGE_NUMBERS: tuple[bytes, ...] = (
    b"1e999",
    b"99999999999999999999999",
    b"-5",
    b"1.2.3k",
    b"NaN",
    b"\xe2\x88\x9e",
    b"12,,345",
    b"9" * 400 + b"M",
    b"0.0000001k",
    b"1,000,000,000,000,000,000,000",
    b"",
    b"2.3kk",
)
TOOL_LINES: tuple[bytes, ...] = (
    b"> Applied edit to ",
    b"> Applied edit to nowhere/at/all.py",
    b"> Skipping edits to ",
    b"> Commit zzzzzzz not a sha",
    b"> Commit 0123456789abcdef0123456789abcdef01234567 " + b"m" * 3000,
    b"> ## SearchReplaceNoExactMatch: ",
    b"> ## SearchReplaceNoExactMatch: This SEARCH block failed to exactly match lines in ",
    b"> ## Running: ",
    b"> Removed: ",
    b"> ^C KeyboardInterrupt",
    b"> The LLM did not conform to the edit format.",
    b"> Added 99999999999999999999 lines of output to the chat.",
    b"> Model: with ",
    b"> Main model: \xe2\x9a\xa1 with diff edit format",
    b">",
    b"> ",
    b">>",
)
USER_LINES: tuple[bytes, ...] = (
    b"####",
    b"#### ",
    b"####x",
    b"#### /run",
    b"#### !",
    b"#### /test",
    b"#### /git",
    b"#### /undo extra words",
    b"#### /ask",
    b"#### <blank>",
    b"#### (Y)es/(N)o [Yes]: y",
    b"#### # Fix any errors below, if possible.",
    b"#### /run " + b"x" * 5000,
)
MARKERS: tuple[bytes, ...] = (
    b"<<<<<<< SEARCH",
    b"<<<<< SEARCH",
    b"<<<<<<<<<< SEARCH",
    b"=======",
    b">>>>>>> REPLACE",
    b">>>>>>> REPLACE   ",
    b"<<<<<<< SEARCH\r",
    b"```",
)
# Heading times as aider never writes them. Each is made unique: a session's id is its file and
# heading time (with an ordinal among equal times in a row), so two sessions of one file whose
# headings repeat the same text apart from each other share an id (see the module's notes).
ODD_TIMES: tuple[bytes, ...] = (b"2024-13-45 99:99:%02d", b"", b"yesterday %d", b"2031-01-01 00:00:%02d", b"\xff\xfe%d")
CONTROL: tuple[bytes, ...] = (b"\x00", b"\x0b", b"\x0c", b"\x1b[31m", b"\x7f", b"\t", b"\r", b"\r\r")


@dataclass(slots=True)
class Line:
    raw: bytes  # without its newline; never holds one
    session: int  # the position in its file of the session it was written in
    mutation: str = ""


def _insert(rng: random.Random, raw: bytes, what: bytes) -> bytes:
    at = rng.randrange(len(raw) + 1)
    return raw[:at] + what + raw[at:]


def _huge(rng: random.Random) -> bytes:
    size = rng.choice([70_000, 1_500_000])
    return rng.choice([b"", b"#### ", b"> "]) + b"lorem ipsum " * (size // 12)


# A mutation changes the file's lines in place at (or around) the index of a line of the session.
Mutation = Callable[[list[Line], int, random.Random], None]


def cut(lines: list[Line], at: int, rng: random.Random) -> None:
    lines[at].raw = lines[at].raw[: rng.randrange(len(lines[at].raw) + 1)]


def bad_utf8(lines: list[Line], at: int, rng: random.Random) -> None:
    lines[at].raw = _insert(rng, lines[at].raw, rng.choice(BAD_UTF8))


def stray_marker(lines: list[Line], at: int, rng: random.Random) -> None:
    lines.insert(at, Line(rng.choice(MARKERS), lines[at].session))


def unterminated_block(lines: list[Line], at: int, rng: random.Random) -> None:
    block = [
        b"some/file.py",
        b"```python",
        b"<<<<<<< SEARCH",
        b"old line",
        *([b"======="] if rng.random() < 0.5 else []),
    ]
    for offset, raw in enumerate(block):
        lines.insert(at + offset, Line(raw, lines[at].session))


def odd_heading(lines: list[Line], at: int, rng: random.Random) -> None:
    """A heading put where one is not expected: odd times, the session's own time again (two
    headings in a row), a space before it (not a heading), no newline before the next line."""
    session = lines[at].session
    own = next((line.raw for line in lines if line.session == session and line.raw.startswith(HEADING)), HEADING)
    choice = rng.randrange(4)
    if choice == 0:
        raw = own  # the session's heading again, right after it or further in
    elif choice == 1:
        raw = b" " + own
    else:
        pattern = rng.choice(ODD_TIMES)
        unique = rng.getrandbits(40)
        raw = HEADING + (pattern % (unique % 60) + b" %d" % unique if b"%" in pattern else pattern + b"%d" % unique)
    lines.insert(at, Line(raw, session))


def bare_cr(lines: list[Line], at: int, rng: random.Random) -> None:
    choice = rng.randrange(3)
    if choice == 0:
        lines[at].raw += b"\r"
    elif choice == 1:
        lines[at].raw = _insert(rng, lines[at].raw, b"\r")
    elif at + 1 < len(lines):  # two lines joined by a CR where their newline was
        lines[at].raw += b"\r" + lines[at + 1].raw
        del lines[at + 1]


def huge_line(lines: list[Line], at: int, rng: random.Random) -> None:
    lines.insert(at, Line(_huge(rng), lines[at].session))


def garbage_tokens(lines: list[Line], at: int, rng: random.Random) -> None:
    numbers = [rng.choice(GARBAGE_NUMBERS) for _ in range(4)]
    text = b"> Tokens: %s sent, %s cache write, %s received. Cost: $%s message, $1e400 session." % tuple(numbers)
    lines.insert(at, Line(text[: rng.randrange(12, len(text) + 1)], lines[at].session))


def odd_input(lines: list[Line], at: int, rng: random.Random) -> None:
    lines.insert(at, Line(rng.choice(USER_LINES), lines[at].session))


def odd_outcome(lines: list[Line], at: int, rng: random.Random) -> None:
    lines.insert(at, Line(rng.choice(TOOL_LINES), lines[at].session))


def control(lines: list[Line], at: int, rng: random.Random) -> None:
    lines[at].raw = _insert(rng, lines[at].raw, rng.choice(CONTROL))


def shuffle(lines: list[Line], at: int, rng: random.Random) -> None:
    choice = rng.randrange(3)
    if choice == 0:
        del lines[at]
    elif choice == 1:
        lines.insert(at, Line(lines[at].raw, lines[at].session))
    elif at + 1 < len(lines) and lines[at + 1].session == lines[at].session:
        lines[at], lines[at + 1] = lines[at + 1], lines[at]


MUTATIONS: dict[str, tuple[Mutation, int]] = {
    "cut": (cut, 8),
    "bad-utf8": (bad_utf8, 8),
    "stray-marker": (stray_marker, 8),
    "unterminated-block": (unterminated_block, 5),
    "odd-heading": (odd_heading, 5),
    "bare-cr": (bare_cr, 6),
    "huge-line": (huge_line, 2),
    "garbage-tokens": (garbage_tokens, 6),
    "odd-input": (odd_input, 6),
    "odd-outcome": (odd_outcome, 6),
    "control": (control, 4),
    "shuffle": (shuffle, 6),
}


@dataclass(slots=True)
class FuzzFile:
    path: Path
    lines: list[Line]
    reference: bytes  # the same sessions untouched
    sessions: int  # how many
    touched: set[int] = field(default_factory=set)  # sessions (positions in the file) a mutation reached

    @property
    def data(self) -> bytes:
        return b"".join(line.raw + b"\n" for line in self.lines)


def build_files(folder: Path, seed: int = SEED) -> list[FuzzFile]:
    rng = random.Random(seed)
    sessions = corpus_sessions()
    order = chosen_sessions(rng)
    files: list[FuzzFile] = []
    per_file = -(-len(order) // FILES)
    names = list(MUTATIONS)
    weights = [w for _, w in MUTATIONS.values()]
    for number in range(FILES):
        picked = order[number * per_file : (number + 1) * per_file]
        lines = [Line(raw, position) for position, index in enumerate(picked) for raw in sessions[index]]
        reference = b"".join(line.raw + b"\n" for line in lines)
        fuzz = FuzzFile(folder / f"h{number}" / HISTORY, lines, reference, len(picked))
        for position in range(len(picked)):
            if rng.random() >= MUTATED_SESSIONS:
                continue
            for _ in range(rng.randint(1, 4)):
                indexes = [i for i, line in enumerate(fuzz.lines) if line.session == position]
                at = rng.choice(indexes)
                name = rng.choices(names, weights)[0]
                MUTATIONS[name][0](fuzz.lines, at, rng)
                if 0 <= at < len(fuzz.lines):
                    fuzz.lines[at].mutation = name
                # The session, the one before (its last line, the heading time counted for ordinals)
                # and after (a line joined across the heading) may all be changed.
                fuzz.touched.update({position - 1, position, position + 1})
        files.append(fuzz)
    # A line over the limit, then invalid UTF-8 further in the same session: its line numbers must
    # hold. Twice the limit: the reader streams past it (it spans more than one block), never
    # handing it on, rather than blanking it in a block.
    last = files[-1]
    position = max(line.session for line in last.lines)
    indexes = [i for i, line in enumerate(last.lines) if line.session == position]
    last.lines.insert(indexes[1], Line(b"> " + b"x" * (2 * MAX_LINE_BYTES), position, "too-long"))
    last.lines.insert(indexes[1] + 2, Line(b"#### caf\xe9 after the long line", position, "bad-utf8"))
    last.touched.update({position - 1, position})
    for fuzz in files:
        fuzz.path.parent.mkdir(parents=True, exist_ok=True)
        fuzz.path.write_bytes(fuzz.data)
    return files


def expected_problems(fuzz: FuzzFile) -> Counter[tuple[int, str]]:
    """(line, code) the oracle says must be reported for a file."""
    expected: Counter[tuple[int, str]] = Counter()
    for lineno, line in enumerate(fuzz.lines, 1):
        if len(line.raw) > MAX_LINE_BYTES:
            expected[(lineno, "line-too-long")] += 1
            continue
        try:
            line.raw.decode("utf-8")
        except UnicodeDecodeError:
            expected[(lineno, "invalid-utf8")] += 1
    return expected


def mismatches(fuzz: FuzzFile, problems: list[Problem]) -> list[str]:
    path = str(fuzz.path)
    reported = Counter((p.line or 0, p.code) for p in problems if p.path == path and p.severity == "error")
    expected = expected_problems(fuzz)
    out = [f"{path}:{line} {code} not reported" for (line, code) in sorted(expected - reported)]
    for line, code in sorted(reported - expected):
        raw = fuzz.lines[line - 1].raw[:120] if 1 <= line <= len(fuzz.lines) else b"(no such line)"
        out.append(f"{path}:{line} {code} reported, not expected: {raw!r}")
    out.extend(f"problem for another file: {p}" for p in problems if p.path != path)
    return out


@pytest.fixture(scope="module")
def fuzz_files(tmp_path_factory: pytest.TempPathFactory) -> list[FuzzFile]:
    if not corpus_sessions():
        pytest.skip(f"aider corpus not found at {copies.AIDER_CORPUS} (the ../shared folder is absent)")
    return build_files(tmp_path_factory.mktemp("aider-fuzz") / "in")


def _ingest(db: Path, *paths: Path) -> IngestSummary:
    sources, summary = discover([str(p) for p in paths])
    conn = open_store(db)
    try:
        return ingest(conn, sources, summary)
    finally:
        conn.close()


def _differences_from_a_clean_ingest(db: Path, folder: Path, tmp_path: Path) -> list[str]:
    """How the store `db` differs from a clean ingest of `folder` as it is now."""
    clean = tmp_path / "clean.db"
    _ingest(clean, folder)
    return store_differences(dump_store(clean), dump_store(db))


# --------------------------------------------------------------------------- the tests


@pytest.mark.slow
@pytest.mark.corpus
def test_fuzz_is_deterministic_and_uses_every_mutation(tmp_path: Path) -> None:
    if not corpus_sessions():
        pytest.skip(f"aider corpus not found at {copies.AIDER_CORPUS} (the ../shared folder is absent)")
    first, second = build_files(tmp_path / "a"), build_files(tmp_path / "b")
    assert [f.data for f in first] == [f.data for f in second]
    used = Counter(line.mutation for f in first for line in f.lines if line.mutation)
    assert set(MUTATIONS) <= set(used), used
    assert sum(len(f.touched) for f in first) < sum(len({line.session for line in f.lines}) for f in first)


@pytest.mark.slow
@pytest.mark.corpus
def test_parser_never_raises_and_reports_every_bad_line(fuzz_files: list[FuzzFile]) -> None:
    """The parser alone, fed in chunks of random size (a line over the limit comes blank, as the
    reader hands it on): no exception, every line with invalid UTF-8 reported at its line."""
    rng = random.Random(SEED + 1)
    failures: list[str] = []
    for fuzz in fuzz_files:
        parser = AiderHistoryParser(str(fuzz.path))
        problems: list[Problem] = []
        raws = [b"" if len(line.raw) > MAX_LINE_BYTES else line.raw for line in fuzz.lines]
        start = 0
        while start < len(raws):
            size = rng.randint(1, 400)
            try:
                problems.extend(parser.parse(raws[start : start + size], start + 1).problems)
            except Exception as exc:
                failures.append(f"{fuzz.path}: lines {start + 1}-{start + size}: {type(exc).__name__}: {exc}")
                break
            start += size
        long_lines = {
            (lineno, "line-too-long") for lineno, line in enumerate(fuzz.lines, 1) if len(line.raw) > MAX_LINE_BYTES
        }
        problems.extend(Problem(str(fuzz.path), line, code, "") for line, code in long_lines)  # the reader's
        failures.extend(mismatches(fuzz, problems))
    assert not failures, "\n".join(failures[:20])


_VOLATILE = ("source_file_id", "seq", "result_seq")
_SESSION_ID = re.compile(r"aider-[0-9a-f]{16}")
Rows = Counter[tuple[tuple[str, Any], ...]]


def session_aliases(fuzz_files: list[FuzzFile], *folders: Path) -> dict[str, str]:
    """Path-free names of the untouched histories' sessions: an id (a digest of the history's path
    and the session's heading) -> "<history's folder>#<position in the file>", for each history
    as read under each of `folders`."""
    aliases: dict[str, str] = {}
    for fuzz in fuzz_files:
        name = fuzz.path.parent.name
        for folder in folders:
            parser = AiderHistoryParser(str(folder / name / HISTORY))
            batch = parser.parse(fuzz.reference.split(b"\n")[:-1], 1)
            for position, session in enumerate(batch.sessions):
                aliases[session] = f"{name}#{position}"
    return aliases


def normalized_sessions(dump: Dump, folder: str, aliases: dict[str, str]) -> dict[str, Rows]:
    """Per session: its rows of the captured tables, with the line numbers in the file and where
    it was read from left out. Sessions are named by session_aliases() (ids it does not know, of
    sessions whose heading was fuzzed, as they are)."""

    def named(text: str) -> str:
        return _SESSION_ID.sub(lambda m: aliases.get(m.group(0), m.group(0)), text.replace(folder, "<in>"))

    out: dict[str, Rows] = defaultdict(Counter)
    for table in ("sessions", "messages", "tool_calls", "token_usage"):
        for row in dump.get(table, []):
            values = {k: named(v) if isinstance(v, str) else v for k, v in row if k not in _VOLATILE}
            session = values["id"] if table == "sessions" else values["session_id"]
            out[session][(("table", table), *sorted(values.items()))] += 1
    return out


def session_names(fuzz: FuzzFile) -> list[str]:
    """The names (as session_aliases gives them) of the file's sessions in the untouched history,
    by their position in the file."""
    parser = AiderHistoryParser(str(fuzz.path))
    batch = parser.parse(fuzz.reference.split(b"\n")[:-1], 1)
    names = [f"{fuzz.path.parent.name}#{position}" for position, _ in enumerate(batch.sessions)]
    assert len(names) == fuzz.sessions, "two sessions of a file share an id"
    return names


@pytest.mark.slow
@pytest.mark.corpus
def test_ingest_reports_every_bad_line_stores_what_could_be_read_and_changes_nothing_again(
    fuzz_files: list[FuzzFile], tmp_path: Path
) -> None:
    folder = fuzz_files[0].path.parent.parent
    db = tmp_path / "fuzz.db"
    summary = _ingest(db, folder)
    assert (summary.files_read, summary.files_failed) == (len(fuzz_files), 0)
    assert not [p for p in summary.problems if p.code == "reader-failed"]
    failures = [
        m for fuzz in fuzz_files for m in mismatches(fuzz, [p for p in summary.problems if p.path == str(fuzz.path)])
    ]
    assert not failures, "problems differ from the oracle:\n" + "\n".join(failures[:20])
    conn = sqlite3.connect(db)
    stored = Counter(conn.execute("SELECT path, line, code FROM ingest_problems").fetchall())
    conn.close()
    assert stored == Counter((p.path, p.line, p.code) for p in summary.problems)

    # Untouched sessions are stored as a clean ingest of the untouched history stores them.
    reference = tmp_path / "reference"
    for fuzz in fuzz_files:
        path = reference / fuzz.path.parent.name / HISTORY
        path.parent.mkdir(parents=True)
        path.write_bytes(fuzz.reference)
    reference_db = tmp_path / "reference.db"
    assert _ingest(reference_db, reference).problems == []
    aliases = session_aliases(fuzz_files, folder, reference)
    got = normalized_sessions(dump_store(db), str(folder), aliases)
    want = normalized_sessions(dump_store(reference_db), str(reference), aliases)
    checked = 0
    differences: list[str] = []
    for fuzz in fuzz_files:
        for position, name in enumerate(session_names(fuzz)):
            if position in fuzz.touched:
                continue
            checked += 1
            if got.get(name) != want[name]:
                missing = want[name] - got.get(name, Counter())
                extra = got.get(name, Counter()) - want[name]
                differences.append(f"{name} (file {fuzz.path}): missing {list(missing)[:2]}, extra {list(extra)[:2]}")
    assert checked >= SESSIONS // 4, f"only {checked} untouched sessions compared"
    assert not differences, f"{len(differences)} untouched sessions stored differently:\n" + "\n".join(
        d[:800] for d in differences[:5]
    )

    # A second ingest reads nothing and changes nothing.
    before = dump_store(db)
    again = _ingest(db, folder)
    assert again.problems == [] and again.files_unchanged == len(fuzz_files)
    assert store_differences(before, dump_store(db)) == []


@pytest.mark.slow
@pytest.mark.corpus
def test_files_written_in_parts_end_as_a_clean_ingest(fuzz_files: list[FuzzFile], tmp_path: Path) -> None:
    """Each fuzzed file written in parts cut anywhere, an ingest after each: the store of a clean
    ingest of the whole files (the last session is read again from its heading each time)."""
    rng = random.Random(SEED + 2)
    folder = tmp_path / "grown"
    db = tmp_path / "grown.db"
    for fuzz in fuzz_files:
        (folder / fuzz.path.parent.name).mkdir(parents=True)
    datas = {fuzz.path.parent.name: fuzz.data for fuzz in fuzz_files}
    cuts = {name: [*sorted(rng.sample(range(1, len(data)), 3)), len(data)] for name, data in datas.items()}
    for part in range(4):
        for name, data in datas.items():
            start = cuts[name][part - 1] if part else 0
            with open(folder / name / HISTORY, "ab") as handle:
                handle.write(data[start : cuts[name][part]])
        _ingest(db, folder)
    differences = _differences_from_a_clean_ingest(db, folder, tmp_path)
    assert not differences, f"cuts {cuts}:\n" + "\n".join(differences)


# --------------------------------------------------------------------------- a line over the limit


def _history(*lines: bytes) -> bytes:
    return b"".join(line + b"\n" for line in lines)


def _project(tmp_path: Path, history: bytes) -> Path:
    """A project folder whose Aider history is `history`."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / HISTORY).write_bytes(history)
    return folder


def _grown_and_clean(db: Path, folder: Path, more: bytes, tmp_path: Path) -> list[str]:
    """`more` appended to the folder's history and ingested into `db`: how `db` then differs from
    a clean ingest of the whole file."""
    with open(folder / HISTORY, "ab") as handle:
        handle.write(more)
    _ingest(db, folder)
    return _differences_from_a_clean_ingest(db, folder, tmp_path)


@pytest.mark.parametrize("length", [MAX_LINE_BYTES + 10, 2 * MAX_LINE_BYTES])
def test_a_line_over_the_limit_keeps_line_numbers_and_its_session_whole(length: int, tmp_path: Path) -> None:
    """A line longer than the reader takes (blanked in its block, or streamed past when it spans
    several): the lines after it keep their numbers, and lines appended later to its session
    are stored in it, as a clean ingest of the whole file stores them."""
    first = _history(
        b"# aider chat started at 2024-08-05 10:00:00",
        b"",
        b"#### make it faster",
        b"",
        b"> " + b"x" * length,
        b"#### caf\xe9 and then?",
        b"",
        b"Done.",
        b"",
        b"> Tokens: 900 sent, 9 received.",
    )
    more = _history(b"", b"#### one more thing", b"", b"Sure.", b"", b"> Tokens: 1k sent, 20 received.")
    folder = _project(tmp_path, first)
    db = tmp_path / "grown.db"
    summary = _ingest(db, folder)
    assert sorted((p.line, p.code) for p in summary.problems) == [(5, "line-too-long"), (6, "invalid-utf8")]
    conn = sqlite3.connect(db)
    prompts = conn.execute("SELECT seq, text FROM messages WHERE kind = 'prompt' ORDER BY seq").fetchall()
    conn.close()
    assert prompts == [(3, "make it faster"), (6, "caf\ufffd and then?")]
    differences = _grown_and_clean(db, folder, more, tmp_path)
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("length", [MAX_LINE_BYTES + 10, 2 * MAX_LINE_BYTES])
def test_a_session_after_a_line_over_the_limit_grows_as_a_clean_ingest_reads_it(length: int, tmp_path: Path) -> None:
    """The last session begins after a line the reader skipped: a later read must still start
    again from its heading, so that what is appended to it is stored in it."""
    first = _history(
        b"# aider chat started at 2024-08-05 10:00:00",
        b"",
        b"#### print the log",
        b"> " + b"x" * length,
        b"",
        b"# aider chat started at 2024-08-05 11:00:00",
        b"",
        b"#### and now?",
        b"",
        b"Now this.",
    )
    more = _history(b"", b"> Tokens: 1k sent, 20 received.", b"", b"#### one more thing", b"", b"Sure.")
    folder = _project(tmp_path, first)
    db = tmp_path / "grown.db"
    _ingest(db, folder)
    differences = _grown_and_clean(db, folder, more, tmp_path)
    assert not differences, "\n".join(differences)
