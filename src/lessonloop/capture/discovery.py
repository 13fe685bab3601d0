"""Discovery: which files to ingest, and in which format each is thought to be.

With paths, the default agent's transcripts under them (Claude Code's) (other files, those any adapter `may_hold`,
are read only when their content is a format an adapter reads); without, every adapter's own
places (capture/agents.py), else the bundled sample. Reading and storing them is the pipeline's
(pipeline/ingest.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.agents import DEFAULT, adapters
from lessonloop.core.records import Problem
from lessonloop.sample import is_sample_path, sample_transcripts


@dataclass(slots=True)
class SourceRef:
    """A file to ingest. `format` None: recognized by its content when first read (a *.jsonl
    of no other agent is the default agent's transcript: capture/agents.py DEFAULT)."""

    path: str
    agent: str = DEFAULT.agent
    is_sample: bool = False
    sniff_only: bool = False  # not a *.jsonl: read only when its content is a format an adapter reads
    format: str | None = None


def find_sources(
    paths: Iterable[str | os.PathLike[str]] | None,
    environ: Mapping[str, str] | None = None,
    *,
    known_folders: Iterable[str] = (),
    configured: Iterable[str] = (),
) -> Discovery:
    """The files to ingest: under `paths` when given, else where every agent keeps its files
    (capture/agents.py; Aider's histories in `known_folders` and `configured`), else the sample."""
    found_sources = Discovery()
    problems = found_sources.problems
    given = [Path(p) for p in paths] if paths else []
    others: list[str] = []
    refs: list[SourceRef] = []
    if given:
        found_sources.searched = [str(p) for p in given]
        every = adapters()
        found = DEFAULT.files_under(
            given, problems, others=others, other_agents_file=lambda name: any(a.may_hold(name) for a in every)
        )
        refs = [SourceRef(path, DEFAULT.agent, is_sample_path(path)) for path in found]
        refs.extend(SourceRef(path, DEFAULT.agent, sniff_only=True) for path in others)
    else:
        context = _context(environ, known_folders, configured, problems, _current_folder())
        seen: set[str] = set()
        for adapter in adapters():
            found_sources.searched.extend(adapter.searched(context))
            for item in adapter.discover(context):
                if item.path not in seen:
                    seen.add(item.path)
                    refs.append(SourceRef(item.path, adapter.agent, format=item.format))
        if not refs:
            found_sources.used_sample = True
            found = DEFAULT.files_under([sample_transcripts()], problems)
            refs = [SourceRef(path, DEFAULT.agent, is_sample_path(path)) for path in found]
    found_sources.sources = refs
    return found_sources


def searched_places(
    environ: Mapping[str, str] | None = None, *, known_folders: Iterable[str] = (), configured: Iterable[str] = ()
) -> list[str]:
    """The places every adapter looks in for the known folders and configured paths, as
    `find_sources` without paths does, but not the current folder (a read's check for new files
    watches these: pipeline/refresh.py)."""
    context = _context(environ, known_folders, configured, [], "")
    return [str(place) for adapter in adapters() for place in adapter.searched(context)]


def _context(
    environ: Mapping[str, str] | None,
    known_folders: Iterable[str],
    configured: Iterable[str],
    problems: list[Problem],
    cwd: str,
) -> DiscoveryContext:
    env = os.environ if environ is None else environ
    return DiscoveryContext(
        environ=env,
        home=env.get("HOME") or str(Path.home()),
        known_folders=tuple(known_folders),
        configured=tuple(configured),
        problems=problems,
        cwd=cwd,
    )


def _current_folder() -> str:
    try:
        return os.getcwd()
    except OSError:  # the folder was deleted under the process
        return ""


@dataclass(slots=True)
class Discovery:
    """What discovery found: the files, the places searched, whether the sample stands in for
    transcripts not found, and the folders or files that could not be searched."""

    sources: list[SourceRef] = field(default_factory=list)
    searched: list[str] = field(default_factory=list)
    used_sample: bool = False
    problems: list[Problem] = field(default_factory=list)
