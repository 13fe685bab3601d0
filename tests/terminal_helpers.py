"""Pseudo-terminals for tests of what a command shows on a terminal: everything the command wrote
to one, read after it ended, and that text without its escape sequences."""

from __future__ import annotations

import os
import re

_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def read_to_end(main: int) -> bytes:
    """Everything left to read on the main side of a pseudo-terminal whose other side is closed;
    the main side is closed after."""
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the other side is closed and everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return b"".join(chunks)


def without_escapes(text: str) -> str:
    """A terminal's text without its control sequences (colours, cursor moves)."""
    return _ESCAPE.sub("", text)
