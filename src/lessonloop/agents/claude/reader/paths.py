"""Where Claude Code keeps its transcripts, and finding the transcript files under a path."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from lessonloop.capture.adapters import DiscoveryContext, Found
from lessonloop.core.records import Problem


def searched(context: DiscoveryContext) -> list[Path]:
    return default_roots(context.environ)


def discover(context: DiscoveryContext) -> list[Found]:
    """Claude Code's transcripts in its folders (`default_roots`)."""
    found = find_transcripts(default_roots(context.environ), context.problems, missing_ok=True)
    return [Found(path) for path in found]  # sniffed when new: another agent's file there is told apart


def claims(path: str) -> str | None:
    """None: a Claude Code transcript is told by its records (sniffed), none by its path alone."""
    return None


def default_roots(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The folders Claude Code writes transcripts to, in order, without duplicates.

    `~/.claude/projects`, then `projects` under each folder listed (comma-separated) in
    $CLAUDE_CONFIG_DIR, then `~/.config/claude/projects`.
    """
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or Path.home())
    roots = [home / ".claude" / "projects"]
    for entry in (env.get("CLAUDE_CONFIG_DIR") or "").split(","):
        if entry.strip():
            roots.append(Path(entry.strip()).expanduser() / "projects")
    roots.append(home / ".config" / "claude" / "projects")
    unique: list[Path] = []
    seen: set[str] = set()
    for root in roots:
        key = os.path.realpath(root)
        if key not in seen:
            seen.add(key)
            unique.append(root)
    return unique


def find_transcripts(
    paths: list[Path],
    problems: list[Problem],
    *,
    missing_ok: bool = False,
    others: list[str] | None = None,
    other_agents_file: Callable[[str], bool] | None = None,
) -> list[str]:
    """Transcript files under `paths` (folders are searched for *.jsonl; files are taken as given).

    Folder symlinks are followed once each. Unreadable or missing paths become problems
    (missing ones silently when `missing_ok`). Returns absolute paths, sorted and unique, so a
    session's own file comes before its subagents' files. With `others`, the files in the
    folders whose names `other_agents_file` says may hold another agent's sessions (the other
    adapters' `may_hold`: Gemini CLI's *.json, OpenCode's opencode.db, Aider's *.md, ...) are
    added to it, sorted, for ingest to tell what they are; Claude Code's own `agent-*.meta.json`
    beside subagent transcripts never are.
    """
    found: set[str] = set()
    extra: set[str] | None = set() if others is not None else None
    visited: set[tuple[int, int]] = set()
    for path in paths:
        text = os.path.abspath(os.path.expanduser(str(path)))
        try:
            os.stat(text)
        except FileNotFoundError:
            if not missing_ok:
                problems.append(Problem(text, None, "missing-path", "no such file or folder"))
            continue
        except OSError as exc:
            problems.append(Problem(text, None, "unreadable-path", f"cannot read: {exc.strerror or exc}"))
            continue
        if os.path.isdir(text):
            config_projects = os.path.join(text, "projects")
            if os.path.isdir(config_projects) and (
                os.path.basename(text.rstrip(os.sep)) in (".claude", "claude")
                or os.path.exists(os.path.join(text, "history.jsonl"))
            ):
                text = config_projects  # a Claude config folder: its transcripts are in projects/
            _walk(text, found, visited, problems, extra, other_agents_file)
        else:
            found.add(text)
    if others is not None and extra is not None:
        others.extend(sorted(extra - found))
    return sorted(found)


def _own_metadata(name: str) -> bool:
    """Claude Code's `agent-*.meta.json` beside a subagent's transcript."""
    return name.startswith("agent-") and name.endswith(".meta.json")


def _walk(
    folder: str,
    found: set[str],
    visited: set[tuple[int, int]],
    problems: list[Problem],
    others: set[str] | None = None,
    other_agents_file: Callable[[str], bool] | None = None,
) -> None:
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            info = os.stat(current)
        except OSError as exc:
            problems.append(Problem(current, None, "unreadable-folder", f"cannot read folder: {exc.strerror or exc}"))
            continue
        key = (info.st_dev, info.st_ino)
        if key in visited:
            continue
        visited.add(key)
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir():  # follows symlinks; loops are cut by `visited`
                            stack.append(entry.path)
                        elif entry.name.endswith(".jsonl"):
                            found.add(entry.path)
                        elif (
                            others is not None
                            and other_agents_file is not None
                            and other_agents_file(entry.name)
                            and not _own_metadata(entry.name)
                        ):
                            others.add(entry.path)
                    except OSError as exc:
                        problems.append(
                            Problem(entry.path, None, "unreadable-path", f"cannot read: {exc.strerror or exc}")
                        )
        except OSError as exc:
            problems.append(Problem(current, None, "unreadable-folder", f"cannot read folder: {exc.strerror or exc}"))
