"""lessonloop's entries in an agent's hook lists: merged in, taken out, listed.

Two shapes cover the five agents' files. Grouped (Claude Code, Codex CLI, Gemini CLI):
`hooks.<event>` is a list of matcher groups `{"matcher"?, "hooks": [entry, ...]}`. Flat (Cursor,
Copilot CLI): `hooks.<event>` is a list of entries. An entry is lessonloop's when its command
(`command`, or Copilot's `bash`) names the hook entry point (command.MARKER). Everything else in
the file (other tools' entries, other keys, their order) is kept.
"""

from __future__ import annotations

import copy
import os
import shlex
from dataclasses import dataclass
from typing import Any

from lessonloop.apply.hooks.command import MARKER, is_lessonloop_command
from lessonloop.apply.hooks.install.files import HookFileError, Json


@dataclass(frozen=True)
class Shape:
    """How one agent's file holds its hooks."""

    grouped: bool  # matcher groups holding entries, or entries directly
    command_key: str = "command"  # the entry's command line
    timeout_key: str = "timeout"  # the entry's time limit
    strict: bool = True  # every value under "hooks" must be a list (Gemini keeps other settings there)
    base: tuple[tuple[str, Any], ...] = ()  # the keys a file lessonloop creates starts with


def check(data: Json, path: str, shape: Shape, events: tuple[str, ...]) -> Json:
    """`data` when its hooks can be merged into: raises HookFileError naming the file otherwise."""
    hooks = data.get("hooks")
    if hooks is not None and not isinstance(hooks, dict):
        raise HookFileError(f'{path}: "hooks" is not a JSON object; nothing was changed')
    for event, groups in (hooks or {}).items():
        if not isinstance(groups, list) and (shape.strict or event in events):
            raise HookFileError(f'{path}: "hooks.{event}" is not a list; nothing was changed')
    return data


def ours(entry: object, shape: Shape) -> bool:
    """Whether a hook entry is one lessonloop installed."""
    return isinstance(entry, dict) and is_lessonloop_command(entry.get(shape.command_key))


def _without_ours(items: list[Any], shape: Shape) -> tuple[list[Any], bool]:
    """An event's list without lessonloop's entries (a group left without entries goes), and
    whether it held any."""
    kept: list[Any] = []
    touched = False
    for item in items:
        if not shape.grouped:
            if ours(item, shape):
                touched = True
                continue
        else:
            entries = item.get("hooks") if isinstance(item, dict) else None
            if isinstance(entries, list) and any(ours(h, shape) for h in entries):
                touched = True
                others = [h for h in entries if not ours(h, shape)]
                if not others:
                    continue
                item = {**item, "hooks": others}
        kept.append(item)
    return kept, touched


def merge(data: Json, wanted: dict[str, Json], shape: Shape) -> Json:
    """`data` with lessonloop's item (a group, or an entry) for every event of `wanted`: an
    existing lessonloop item is replaced where it is, else the item is appended; lessonloop's
    entries under events not wanted any more are taken out. Everything else is kept, in order."""
    out = copy.deepcopy(data)
    if not out:
        out.update(copy.deepcopy(dict(shape.base)))
    hooks = out.setdefault("hooks", {})
    for event in list(hooks):
        if event not in wanted and isinstance(hooks[event], list):
            kept, touched = _without_ours(hooks[event], shape)
            if touched:
                if kept:
                    hooks[event] = kept
                else:
                    del hooks[event]
    for event, item in wanted.items():
        kept = []
        placed = False
        for existing in hooks.get(event, []):
            if shape.grouped:
                entries = existing.get("hooks") if isinstance(existing, dict) else None
                if isinstance(entries, list) and any(ours(h, shape) for h in entries):
                    others = [h for h in entries if not ours(h, shape)]
                    if not others:  # a lessonloop group: the first one is replaced, duplicates dropped
                        if not placed:
                            kept.append(item)
                            placed = True
                        continue
                    existing = {**existing, "hooks": others}  # a mixed group: only lessonloop's entry goes
            elif ours(existing, shape):
                if not placed:
                    kept.append(item)
                    placed = True
                continue
            kept.append(existing)
        if not placed:
            kept.append(item)
        hooks[event] = kept
    return out


def unmerge(data: Json, original: Json | None, shape: Shape) -> Json:
    """`data` without lessonloop's hooks. An event list (and the "hooks" object, and the keys a
    created file started with) emptied by that is removed when `original` (the file before
    install; None: unknown) did not have it."""
    out = copy.deepcopy(data)
    hooks = out.get("hooks")
    if not isinstance(hooks, dict):
        return out
    before = original.get("hooks") if original is not None else None
    had = before if isinstance(before, dict) else {}
    removed_event = False
    for event in list(hooks):
        if not isinstance(hooks[event], list):
            continue
        kept, touched = _without_ours(hooks[event], shape)
        if not touched:
            continue
        if kept or event in had:
            hooks[event] = kept
        else:
            del hooks[event]
            removed_event = True
    if removed_event and not hooks and (original is None or "hooks" not in original):
        del out["hooks"]
        base = dict(shape.base)
        if (
            original is not None
            and out
            and all(k in base and v == base[k] and k not in original for k, v in out.items())
        ):
            out.clear()  # only what install put in a file it created is left
    return out


def _entries(data: Json, shape: Shape) -> list[tuple[str, Json | None, Json]]:
    """(event, group or None, entry) for every hook entry in `data`."""
    found: list[tuple[str, Json | None, Json]] = []
    hooks = data.get("hooks")
    for event, items in (hooks if isinstance(hooks, dict) else {}).items():
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            if not shape.grouped:
                found.append((event, None, item))
                continue
            entries = item.get("hooks")
            found += [(event, item, h) for h in entries if isinstance(h, dict)] if isinstance(entries, list) else []
    return found


def describe(command: str) -> Json:
    """What an installed command runs: the interpreter, the agent (`--agent=`, claude without it),
    the event and the options after it."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    # the words after the module (`-m MARKER`) or the code (`-c "...MARKER..."`): [--agent=A] EVENT, options
    at = next((i for i, word in enumerate(words) if MARKER in word), None)
    after = words[at + 1 :] if at is not None else []
    agent = next((w.split("=", 1)[1] for w in after if w.startswith("--agent=")), "claude")
    names = [w for w in after if not w.startswith("--")]
    options = [w for w in after if w.startswith("--") and not w.startswith("--agent=")]
    return {
        "python": words[0] if words else "",
        "agent": agent,
        "event": names[0] if names else None,
        "options": options,
    }


def installed(data: Json, shape: Shape) -> list[Json]:
    """lessonloop's hooks in `data`: event, matcher, options, timeout, the interpreter and whether
    it exists and is executable, the agent its command names."""
    out: list[Json] = []
    for event, group, entry in _entries(data, shape):
        if not ours(entry, shape):
            continue
        said = describe(str(entry[shape.command_key]))
        python = said["python"]
        out.append(
            {
                "event": event,
                "matcher": (group if group is not None else entry).get("matcher"),
                "options": said["options"],
                "timeout": entry.get(shape.timeout_key),
                "python": python,
                "python_ok": os.path.isfile(python) and os.access(python, os.X_OK),
                "agent": said["agent"],
            }
        )
    return out


def other_hooks(data: Json, shape: Shape) -> int:
    """How many hook entries in `data` are not lessonloop's."""
    return sum(1 for _event, _group, entry in _entries(data, shape) if not ours(entry, shape))
