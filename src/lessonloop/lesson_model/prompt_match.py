"""Whether the person asked for a call in the session's prompts: a lesson learned from a person's
rejection (kind "correction") must not warn against what the person asked for this time (issue 15,
item 3; the spotter corpus had one warn against `mix phx.server` in a session asked to start it).

Read from the words: a shell trigger's command is asked for when a prompt of the session, up to the
call, names it (the whole command, or one of its distinctive words: `phx.server`, `server`, not the
program `mix`); a file trigger's when a prompt names the file. Light: the one decision (lesson_model/decision.py) uses it in the PreToolUse hook.
"""

from __future__ import annotations

import posixpath
import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Iterable

    from lessonloop.lesson_model.triggers import Trigger

_WORD = re.compile(r"[a-z0-9][a-z0-9._/-]*")
_PARTS = re.compile(r"[._/-]+")
MIN_WORD = 3


def asked_in(trigger: Trigger, prompts: Iterable[str]) -> bool:
    """Whether one of `prompts` names what `trigger` matches."""
    words: set[str] = set()
    for text in prompts:
        for word in _WORD.findall(text.lower()):
            words.add(word.strip("./-"))
            words.update(part for part in _PARTS.split(word) if part)
    return bool(words) and not words.isdisjoint(_names(trigger))


def _names(trigger: Trigger) -> set[str]:
    """The words that name a trigger's call: a command's subcommand and its parts, or a file."""
    if trigger.path:
        base = posixpath.basename(trigger.path.rstrip("/")).lower()
        return {base, posixpath.splitext(base)[0]} - {""}
    command = [w.lower() for w in (*(trigger.words or ()), *(trigger.operands or ()))]  # operands: issue 24
    distinctive = command[1:] if len(command) > 1 else command
    names = set(distinctive)
    for word in distinctive:
        names.update(part for part in _PARTS.split(word) if len(part) >= MIN_WORD)
    return {name for name in names if len(name) >= MIN_WORD}
