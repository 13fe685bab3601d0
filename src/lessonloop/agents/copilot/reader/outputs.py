"""The line Copilot CLI's shell tool ends its result with, `<shellId: N completed with exit code K>`:
the only place a command's exit shows in a hook's payload (postToolUse says `success` whatever the
exit) and a fallback in the session file. Read by the capture adapter (agents/copilot/reader/parser.py)
and the Copilot hook's adapter (agents/copilot/hooks.py) alike. Stdlib only: the hook reads it."""

from __future__ import annotations

import re

# Hooks may append text after it (postToolUse's additionalContext): the last one counts.
_SHELL_EXIT = re.compile(r"\n?<shellId: [^<>\n]{0,100} completed with exit code (-?\d{1,10})>")


def shell_exit(text: str | None) -> tuple[int | None, str | None]:
    """The exit code the result's last status line gives, and the text without that line;
    (None, text) when it has none."""
    if not text:
        return None, text
    matches = list(_SHELL_EXIT.finditer(text))
    if not matches:
        return None, text
    found = matches[-1]
    return int(found.group(1)), (text[: found.start()] + text[found.end() :]).rstrip()
