"""What a capture adapter is: one folder per agent under capture/, each with the same few files,
and one typed object, its `Adapter`, that the registry (capture/agents.py) lists.

    capture/<agent>/
      __init__.py   AGENT (its id: "codex") and ADAPTER, an instance of a small subclass of
                    `Adapter`: the agent's name, its formats (`FileFormat`), where it keeps its
                    files in words (ingest's help), its instructions file; its methods import
                    paths.py, parser.py and sniff.py when first called, so that the registry
                    imports nothing heavy
      paths.py      where the agent keeps its files and which environment variables move them:
                    `discover(context) -> list[Found]`, `searched(context)` (the folders it
                    looks in, for the summary), and optionally `claims(path) -> format` (a file
                    recognized by its path alone, never opened to be sniffed)
      parser.py     raw records -> normalized records (lessonloop.core.records), for one file:
                    `open_parser(path, format, pending_calls=..., state=...) -> LineParser` for
                    formats read line by line, `units(format, paths, problems) -> list[Unit]` for
                    formats read whole
      sniff.py      the rules capture/sniffer.py recognizes its files by (capture/sniffing.py)

Incremental reading is ingest's (pipeline/ingest.py), the same for every adapter:
- "lines" formats (JSONL, Markdown that only grows): each file remembers how far it was read;
  an appended file is read from there, a truncated or rewritten one again from the start with its
  old records replaced; but one of a format that only grows (`FileFormat.grows_only`: an Aider
  history) is damaged, and keeps the sessions stored from it (pipeline/damaged_files.py). A parser may leave a JSON-able `state()` for the next read (the session a
  Codex rollout is, its model) and a `restart_line` (a later read parses again from that line, and
  the batch then holds those sessions whole: it names them in `Batch.replaced_sessions`).
- "units" formats (a JSON document rewritten on every update, a database): the adapter names its
  units (a file, or a part of one as "<file>#<part>", say a session in a database), each with a
  size and mtime stamp; a unit whose stamp changed is read whole and replaces what it stored.

Adapters know formats and nothing else: no analysis, no learning, no SQL beyond reading the
agent's own database. They redact secrets (secrets/redaction.py) in every text they return.
"""

from __future__ import annotations

import os
from abc import ABC
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from lessonloop.core.records import Batch, Problem

if TYPE_CHECKING:
    from pathlib import Path

    from lessonloop.capture.sniffing import Sniffing

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


@dataclass(frozen=True, slots=True)
class FileFormat:
    """A format of an agent's files: one ingest reads (`mode`), or one only recognized (None)."""

    name: str  # "codex-rollout": what sniffing answers and source_files.format stores
    what: str  # the file, in words: "a Codex CLI rollout"
    mode: Mode | None  # how ingest reads it; None: recognized, not read (ingest says so)
    transcript: bool = True  # False: a prompt log or history, no sessions in it
    # True: the agent only appends to it, one session after another; a file shorter than what was
    # read, or whose bytes read changed, is damaged: what was read of it is kept (pipeline/damaged_files.py)
    grows_only: bool = False


class AgentPaths(Protocol):
    """An agent's paths.py, the module: where the agent keeps its files. `searched`: the folders
    `discover` looks in (for the ingest summary); `claims`: the format of a file known by its path
    alone, else None."""

    def discover(self, context: DiscoveryContext) -> list[Found]: ...

    def searched(self, context: DiscoveryContext) -> Sequence[str | os.PathLike[str]]: ...

    def claims(self, path: str) -> str | None: ...


class Adapter(ABC):
    """One agent's adapter. Each agent's folder subclasses it in its __init__.py, fills in the
    class attributes and the methods its formats need, and makes one instance, its ADAPTER; the
    methods import the folder's modules when first called (tests/capture/test_adapter_registry.py has a
    whole small one, tests/fake_agent/)."""

    agent: ClassVar[str]  # its id: "codex"
    name: ClassVar[str]  # as people know it: "Codex CLI"
    file_formats: ClassVar[tuple[FileFormat, ...]]  # every format of its files sniffing knows
    # Where `discover` looks, in words, for ingest's help: "~/.gemini/tmp/*/chats".
    places: ClassVar[str]
    # True: its files are in the projects' own folders (Aider's histories), not in folders of the
    # agent's: ingest's help names its places after the others'.
    places_in_projects: ClassVar[bool] = False
    # Its name for `lessonloop hooks install --agent` (apply/hooks/kit/) when lessonloop has hooks
    # for it; None: none (a rules file or MCP is how lessons reach it).
    hooks: ClassVar[str | None] = None
    # False: the agent writes no time per call (Aider dates only each session's start); its records'
    # times are the session's start spread in line order: right for the day, not for the minute.
    call_times: ClassVar[bool] = True

    def __init__(self) -> None:
        # The formats ingest reads, and how (a recognized-only format is not here).
        self.formats: Mapping[str, Mode] = {f.name: f.mode for f in self.file_formats if f.mode is not None}
        self.grows_only: frozenset[str] = frozenset(f.name for f in self.file_formats if f.grows_only)

    @property
    def package(self) -> str:
        """The agent's folder as a package: where its subclass is defined ("lessonloop.agents.codex.reader"),
        in the folder's __init__ or its adapter.py (a folder whose __init__ the hooks read keeps only
        names there)."""
        return type(self).__module__.removesuffix(".adapter")

    def paths(self) -> AgentPaths | None:
        """The agent's paths.py, imported when first asked for: `discover`, `searched` and `claims`
        answer from it. None: the subclass overrides those three itself (tests/fake_agent does)."""
        return None

    def discover(self, context: DiscoveryContext) -> list[Found]:
        """The agent's files where it keeps them (no arguments given to ingest)."""
        paths = self.paths()
        if paths is None:
            raise NotImplementedError(f"{type(self).__name__} has neither paths() nor discover()")
        return paths.discover(context)

    def searched(self, context: DiscoveryContext) -> list[str]:
        """The folders `discover` looks in, for the ingest summary."""
        paths = self.paths()
        return [] if paths is None else [str(folder) for folder in paths.searched(context)]

    def claims(self, path: str) -> str | None:
        """The format of a file known by its path alone, else None."""
        paths = self.paths()
        return None if paths is None else paths.claims(path)

    def files_under(
        self,
        folders: list[Path],
        problems: list[Problem],
        *,
        others: list[str] | None = None,
        other_agents_file: Callable[[str], bool] | None = None,
    ) -> list[str]:
        """The files under folders given to ingest, walked by the default agent's reader (its
        spec's `default`: its transcripts, and in `others` the files `other_agents_file` says
        another agent may hold, for sniffing). Other readers are not asked."""
        raise NotImplementedError(f"{type(self).__name__} walks no folder given to ingest: the default agent's does")

    def may_hold(self, name: str) -> bool:
        """Whether a file of this name, under a folder given to ingest, may be one of the agent's:
        it is then sniffed (*.jsonl files are always looked at)."""
        return False

    def sniffing(self) -> Sniffing:
        """The rules its files are recognized by (capture/sniffer.py; capture/sniffing.py)."""
        from lessonloop.capture.sniffing import Sniffing

        return Sniffing()

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        """The parser of one file of a "lines" format."""
        raise ValueError(f"{format} is read whole (units), not line by line")

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        """The units of the files of a "units" format."""
        raise ValueError(f"{format} is read line by line, not whole (units)")
