"""What a capture adapter is: one folder per agent under capture/, each with the same few files.

    capture/<agent>/
      __init__.py   AGENT (its id: "codex") and ADAPTER (an `Adapter`: its name, the formats it
                    reads and how), importing nothing heavy
      paths.py      where the agent keeps its files and which environment variables move them:
                    `discover(context) -> list[Found]`, `searched(context)` (the folders it
                    looks in, for the summary), and optionally `claims(path) -> format` (a file
                    recognized by its path alone, never opened to be sniffed)
      parser.py     raw records -> normalized records (lessonloop.records), for one file:
                    `open_parser(path, format, pending_calls=..., state=...) -> LineParser` for
                    formats read line by line, `units(format, paths, problems) -> list[Unit]` for
                    formats read whole

Incremental reading is ingest's (pipeline/ingest.py), the same for every adapter:
- "lines" formats (JSONL, Markdown that only grows): each file remembers how far it was read;
  an appended file is read from there, a truncated or rewritten one again from the start with its
  old records replaced. A parser may leave a JSON-able `state()` for the next read (the session a
  Codex rollout is, its model) and a `restart_line` (a later read parses again from that line, and
  the batch then holds those sessions whole: it names them in `Batch.replaced_sessions`).
- "units" formats (a JSON document rewritten on every update, a database): the adapter names its
  units (a file, or a part of one as "<file>#<part>", say a session in a database), each with a
  size and mtime stamp; a unit whose stamp changed is read whole and replaces what it stored.

Adapters know formats and nothing else: no analysis, no learning, no SQL beyond reading the
agent's own database. They redact secrets (secrets/redaction.py) in every text they return.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from lessonloop.records import Batch, Problem

Mode = Literal["lines", "units"]


class LineParser(Protocol):
    """Parses the lines of one file, chunk after chunk, keeping what it learned across chunks.

    Optional members (looked up with getattr): `state() -> dict | None`, what the next
    incremental read needs (given back to `open_parser` as `state`; ids, model names and counters
    only, never free text: it is stored as it is); `restart_line: int | None`,
    the first line a later read must parse again (its sessions are then whole in that read).
    """

    def parse(self, lines: Sequence[bytes], first_lineno: int) -> Batch: ...

    def notices(self) -> list[Problem]: ...


@dataclass(frozen=True, slots=True)
class PendingCall:
    """A call read earlier whose result has not come yet: what its result needs to know."""

    tool: str
    input: Any


@dataclass(frozen=True, slots=True)
class Unit:
    """Something an adapter reads whole: a file, or a part of one ("<file>#<part>")."""

    path: str  # as stored in source_files
    size: int  # with mtime_ns, the stamp: a unit whose stamp changed is read again
    mtime_ns: int
    read: Callable[[], Batch]  # every record of the unit; bad input is Problems (UnreadableUnit: none at all)


class UnreadableUnit(Exception):
    """Raised by a unit's `read` when the unit cannot be read at all this time (a compressed file
    refused: not valid, or over the decompression cap): `problem` says why. Ingest counts the
    file as failed and writes nothing for it, so what it stored before stays."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.detail)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Found:
    """A file discovery found: its format when discovery knows it, else None (sniffed)."""

    path: str
    format: str | None = None


@dataclass(frozen=True, slots=True)
class DiscoveryContext:
    """What discovery without arguments may look at."""

    environ: Mapping[str, str]
    home: str
    known_folders: tuple[str, ...] = ()  # the project folders the store knows (Aider's histories are there)
    configured: tuple[str, ...] = ()  # paths the person listed in the config ([capture] paths)
    problems: list[Problem] = field(default_factory=list)
    cwd: str = ""  # the folder ingest runs in ("": none; Aider's history may be there)


@dataclass(frozen=True)
class Adapter:
    """One agent's adapter: its formats and the package whose paths.py and parser.py read them."""

    agent: str  # "codex"
    name: str  # "Codex CLI"
    package: str  # "lessonloop.capture.codex"
    formats: Mapping[str, Mode]  # capture/formats.py names this adapter reads, and how
    # False: the agent writes no time per call (Aider dates only each session's start); its records'
    # times are the session's start spread in line order: right for the day, not for the minute.
    call_times: bool = True

    def _module(self, name: str) -> Any:
        # sys.modules first: ingest asks every adapter's paths.py about each file it has not read
        # (claims), and import_module costs microseconds even for a module already imported.
        full = f"{self.package}.{name}"
        module = sys.modules.get(full)
        return module if module is not None else importlib.import_module(full)

    def discover(self, context: DiscoveryContext) -> list[Found]:
        """The agent's files where it keeps them (no arguments given to ingest)."""
        found: list[Found] = self._module("paths").discover(context)
        return found

    def searched(self, context: DiscoveryContext) -> list[str]:
        """The folders `discover` looks in, for the ingest summary."""
        searched = getattr(self._module("paths"), "searched", None)
        return [str(p) for p in searched(context)] if searched is not None else []

    def claims(self, path: str) -> str | None:
        """The format of a file known by its path alone, else None."""
        claims = getattr(self._module("paths"), "claims", None)
        return claims(path) if claims is not None else None

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        parser: LineParser = self._module("parser").open_parser(path, format, pending_calls=pending_calls, state=state)
        return parser

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        units: list[Unit] = self._module("parser").units(format, paths, problems)
        return units
