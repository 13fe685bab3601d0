"""Which agent wrote a file: its format, recognized from its path and first bytes.

`sniff(path, head)` looks at the first records (or the start of a JSON or Markdown document)
and names the format, or returns None when it cannot tell (too little to go on: the file is
then read as a Claude Code transcript, as before). It is pure and agent-neutral: ingest uses it
to skip what it cannot read yet, with one clear message instead of a notice per unknown record
type, and later adapters can route files by it.

The rules are the agents' own (each adapter's `sniffing()`, capture/<agent>/sniff.py, checked
against the real files in ../shared/corpus and the agents' own sources), and so are the formats
(`Adapter.file_formats`); this module reads the head and tries every registered adapter's rules
of the head's kind (a file's name; a JSONL record; a JSON document's keys; text) in rank order.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lessonloop.capture import agents
from lessonloop.core import json_codec

if TYPE_CHECKING:
    from lessonloop.capture.adapters import Adapter
    from lessonloop.capture.sniffing import DocumentRule, NameRule, RecordRule, TextRule

HEAD_BYTES = 64 * 1024  # what sniffing reads: a Codex rollout's first line alone is about 25 KB


@dataclass(frozen=True, slots=True)
class Format:
    """A file format lessonloop recognizes."""

    name: str
    agent: str  # the agent's id, as its adapter names it ("codex")
    agent_name: str  # as people know it ("Codex CLI")
    what: str  # the file, in words: "a Codex CLI rollout"
    transcript: bool = True  # False: a prompt log or history, no sessions in it


UNKNOWN = "unknown"  # records were read, and none looks like any agent's: not a transcript
# Read as an agent's (its first records looked like that agent's), it held no session of it: its
# records were none that agent writes, or no records at all (pipeline/ingest.py).
NO_SESSION = "unknown-no-session"

_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')
_SQLITE = b"SQLite format 3\x00"
_MAX_LINES = 20  # records looked at in a JSONL head
_MAX_TOKENS = 4_000  # tokens looked at in a JSON document's head


class _Rules:
    """Every registered adapter's sniffing rules, each kind in rank order."""

    __slots__ = ("documents", "names", "records", "stops", "texts")

    def __init__(
        self,
        names: tuple[NameRule, ...],
        records: tuple[RecordRule, ...],
        documents: tuple[DocumentRule, ...],
        texts: tuple[TextRule, ...],
    ) -> None:
        self.names = names
        self.records = records
        self.documents = documents
        self.texts = texts
        # The first document rule of each shape, when it is final: reading a document stops once it holds.
        stops: dict[str, Callable[[str, Collection[str]], str | None]] = {}
        for shape in ("object", "array"):
            first = next((rule for rule in documents if rule.shape == shape), None)
            if first is not None and first.final:
                stops[shape] = first.decide
        self.stops: Mapping[str, Callable[[str, Collection[str]], str | None]] = stops


@functools.lru_cache(maxsize=1)
def _rules_of(every: tuple[Adapter, ...]) -> _Rules:
    sniffings = [adapter.sniffing() for adapter in every]
    return _Rules(
        names=tuple(sorted((r for s in sniffings for r in s.names), key=lambda rule: rule.rank)),
        records=tuple(sorted((r for s in sniffings for r in s.records), key=lambda rule: rule.rank)),
        documents=tuple(sorted((r for s in sniffings for r in s.documents), key=lambda rule: rule.rank)),
        texts=tuple(sorted((r for s in sniffings for r in s.texts), key=lambda rule: rule.rank)),
    )


def _rules() -> _Rules:
    return _rules_of(agents.adapters())


@functools.lru_cache(maxsize=1)
def _formats_of(every: tuple[Adapter, ...]) -> dict[str, Format]:
    return {
        f.name: Format(f.name, adapter.agent, adapter.name, f.what, f.transcript)
        for adapter in every
        for f in adapter.file_formats
    }


def known_formats() -> dict[str, Format]:
    """Every format the registered adapters know (`Adapter.file_formats`), by name."""
    return _formats_of(agents.adapters())


def sniff(path: str, head: bytes) -> str | None:
    """The format of the file at `path` whose first bytes are `head` (a name in known_formats(),
    or UNKNOWN when its records are none an agent writes), or None when it cannot tell."""
    from lessonloop.capture.sniffing import CANNOT_TELL

    rules = _rules()
    name = os.path.basename(path)
    for name_rule in rules.names:
        found = name_rule.decide(name)
        if found is not None:
            return found
    if head.startswith(_SQLITE):
        return None
    start = head[:1024].lstrip()[:1]
    if start in (b"{", b"["):
        return _json_document(path, head) if name.endswith(".json") else _json_lines(head)
    for text_rule in rules.texts:
        answer = text_rule.decide(name, head)
        if answer is CANNOT_TELL:
            return None
        if answer is not None:
            return answer
    if not _any_json_line(head):
        return UNKNOWN  # text with no JSON record among its first lines (a README.md): no transcript
    return None


def _any_json_line(head: bytes) -> bool:
    """Whether a line among the first ones starts a JSON object or array (or the head is blank)."""
    lines = [line.strip() for line in head.split(b"\n", _MAX_LINES)[:_MAX_LINES]]
    lines = [line for line in lines if line]
    return not lines or any(line[:1] in (b"{", b"[") for line in lines)


def is_sqlite(head: bytes) -> bool:
    """Whether a file beginning with `head` is a SQLite database."""
    return head.startswith(_SQLITE)


def label(name: str) -> str:
    """The format in a few words: "Codex CLI rollout", "no known format"."""
    if name in (UNKNOWN, NO_SESSION):
        return "no known format"
    what = known_formats()[name].what
    return what.split(" ", 1)[1] if what.startswith(("a ", "an ")) else what


def describe(name: str) -> str:
    """Why a file of this format is not read, in words."""
    if name == UNKNOWN:
        return "not a transcript of any agent lessonloop knows (its first records match no known format)"
    if name == NO_SESSION:
        return (
            "not a transcript of any agent lessonloop knows (its first records looked like a known"
            " format, but read as it, it held no session: only records that agent does not write)"
        )
    known = known_formats()[name]
    if not known.transcript:
        return f"looks like {known.what}: prompts only, no sessions to read"
    adapter = agents.by_agent(known.agent)
    if adapter is not None and adapter.formats and name not in adapter.formats:  # its others are (Vibe's < 3.0)
        return f"looks like {known.what}; lessonloop does not read this kind of {known.agent_name} file yet"
    return f"looks like {known.what}; lessonloop does not read {known.agent_name} transcripts yet"


# --------------------------------------------------------------------------- JSON lines


def _json_lines(head: bytes) -> str | None:
    records = 0
    for raw in head.split(b"\n", _MAX_LINES)[:_MAX_LINES]:
        if not raw.strip():
            continue
        try:
            value = json_codec.loads(raw)
        except json_codec.JSONDecodeError:
            continue  # a damaged line, or the last one, cut by the head's end
        if isinstance(value, dict):
            records += 1
            found = _record_format(value)
            if found is not None:
                return found
    if records:
        return UNKNOWN
    # No whole record in the head (a first line longer than it): judge the first one by its start.
    shape = _document_start(head)
    if shape is None or shape[0] != "object":
        return None
    found = _record_format(shape[1])
    return found if found is not None else UNKNOWN if len(shape[1]) >= 3 else None


def _record_format(record: dict[str, Any]) -> str | None:
    """The format one JSONL record decides, or None when it could be several."""
    for rule in _rules().records:
        found = rule.decide(record)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- JSON documents


def _json_document(path: str, head: bytes, *, stop_early: bool = True) -> str | None:
    """The format a JSON document's top-level keys decide (its first element's for an array).
    Reading its head stops once the first rule of its shape is final and holds (`stop_early`
    False: the whole head is read, for the tests that check stopping changes no answer)."""
    rules = _rules()

    def decided(shape: str, keys: Collection[str]) -> bool:
        stop = rules.stops.get(shape)
        return stop is not None and stop(path, keys) is not None

    shape = _document_start(head, decided if stop_early and rules.stops else None)
    if shape is None:
        return None
    kind, fields = shape
    keys = fields.keys()
    for rule in rules.documents:
        if rule.shape == kind:
            found = rule.decide(path, keys)
            if found is not None:
                return found
    return None


def _document_start(
    head: bytes, decided: Callable[[str, Collection[str]], bool] | None = None
) -> tuple[str, dict[str, Any]] | None:
    """("object", its top-level fields) or ("array", the fields of its first element) from the
    start of a JSON document or line, which may be cut anywhere: each key seen, with its value
    when that is a string (else None). None when the text starts with neither. With `decided`,
    reading stops at the first key after which decided(kind, keys) holds."""
    text = head.lstrip()
    kind = "object" if text.startswith(b"{") else "array" if text.startswith(b"[") else None
    if kind is None:
        return None
    level = 1 if kind == "object" else 2  # where the keys are
    depth = 0
    fields: dict[str, Any] = {}
    key: str | None = None  # a key whose colon was the last token
    previous = b""
    for count, match in enumerate(_JSON_TOKEN.finditer(text)):
        token = match.group()
        if key is not None:
            if token.startswith(b'"'):
                fields[key] = _string(token)  # a string value: the record's type, say
            key = None
        if token in (b"{", b"["):
            depth += 1
        elif token in (b"}", b"]"):
            depth -= 1
            if depth < level:
                break  # the object (or the array's first element) ended
        elif token == b":" and depth == level and previous.startswith(b'"'):
            key = _string(previous)
            if key is not None:
                fields[key] = None
                if decided is not None and decided(kind, fields.keys()):
                    break
        previous = token
        if count >= _MAX_TOKENS:
            break
    return kind, fields


def _string(token: bytes) -> str | None:
    try:
        value = json_codec.loads(token)
    except json_codec.JSONDecodeError:
        return None
    return value if isinstance(value, str) else None
