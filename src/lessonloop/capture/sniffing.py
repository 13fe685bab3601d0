"""The rules an adapter's files are recognized by (`Adapter.sniffing()`, in capture/<agent>/sniff.py):
capture/sniffer.py reads a file's head and tries every registered adapter's rules of its kind.
Imported only when a file must be sniffed (not by the registry: ingest of files already read
never needs it).

Sniffing tries every adapter's rules of one kind together, by `rank`, lowest first: a record may
fit more than one agent's rule (a Claude Code record with a Gemini-like `type`), so which comes
first is part of the answer. The built-in ranks are tens apart; a new agent's rules take ranks
after theirs unless its records need to be told apart before them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class NameRule:
    """A file recognized by its name alone, before its content is looked at ("opencode.db")."""

    rank: int
    decide: Callable[[str], str | None]  # the file's name -> a format, or None


@dataclass(frozen=True, slots=True)
class RecordRule:
    """A JSON record (a line of a JSONL file, or the start of a first line too long for the head)."""

    rank: int
    decide: Callable[[Mapping[str, Any]], str | None]  # the record's fields -> a format, or None


@dataclass(frozen=True, slots=True)
class DocumentRule:
    """A JSON document (*.json), by its top-level keys, or its first element's for an array."""

    rank: int
    shape: Literal["object", "array"]
    decide: Callable[[str, Collection[str]], str | None]  # (path, keys) -> a format, or None
    # True: once the rule holds, more keys cannot make it fail, so when it is the first rule of its
    # shape, sniffing stops reading the document there (a Gemini chat's head is mostly messages).
    final: bool = False


class CannotTell(enum.Enum):
    """A text rule's answer for a file it alone may judge but cannot: sniffing returns None."""

    CANNOT_TELL = "cannot tell"


CANNOT_TELL = CannotTell.CANNOT_TELL


@dataclass(frozen=True, slots=True)
class TextRule:
    """A file that starts with neither a JSON object nor an array (Markdown, a prompt history)."""

    rank: int
    decide: Callable[[str, bytes], str | CannotTell | None]  # (name, head) -> a format, CANNOT_TELL or None


@dataclass(frozen=True, slots=True)
class Sniffing:
    """How capture/sniffer.py recognizes one agent's files from their name and first bytes."""

    names: tuple[NameRule, ...] = ()
    records: tuple[RecordRule, ...] = ()
    documents: tuple[DocumentRule, ...] = ()
    texts: tuple[TextRule, ...] = ()
