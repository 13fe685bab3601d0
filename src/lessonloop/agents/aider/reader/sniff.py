"""How capture/sniffer.py recognizes Aider's files: `.aider.chat.history.md`, Markdown with
`# aider chat started at <time>` headings; `.aider.input.history`, `# <time>` lines followed by
`+<prompt>` lines."""

from __future__ import annotations

import re

from lessonloop.capture.sniffing import CANNOT_TELL, CannotTell, Sniffing, TextRule

_CHAT = re.compile(rb"^# aider chat started at \d{4}-\d\d-\d\d", re.MULTILINE)
_INPUT = re.compile(rb"^# \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?\r?\n\+", re.MULTILINE)


def _input_history(name: str, head: bytes) -> str | CannotTell | None:
    if not name.endswith(".history"):
        return None
    return "aider-input-history" if _INPUT.search(head) else CANNOT_TELL


def _chat_history(name: str, head: bytes) -> str | None:
    return "aider-chat-history" if _CHAT.search(head) else None


SNIFFING = Sniffing(texts=(TextRule(10, _input_history), TextRule(20, _chat_history)))
