"""Standard output on a terminal, with nothing in it the terminal would obey: every text a command
prints there goes through core/terminal_text.py's `printable` (escape sequences and control
characters out; newlines and tabs kept), whichever command and whichever print wrote it.

The commands' own helpers clean what they print already (`shown`, the rich console, `emit_json`);
this is the one place that also holds for a text printed another way. common.run_handler installs
it while a command's handler runs (every command but `run` and `hook`, `recall` too), only when
standard output is a terminal: output piped to a program or written to a file keeps its bytes. The
rich console writes to the terminal itself (`unfiltered`), after cleaning the texts it is given:
its own styling must reach the terminal.

Standard library level and no `typing` at run time: `lessonloop recall` runs through here.
"""

from __future__ import annotations

import sys

from lessonloop.core.terminal_text import printable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (`lessonloop recall`)
if TYPE_CHECKING:
    from typing import Any, TextIO


class TerminalText:
    """A text stream that writes `printable(text)` to the stream it wraps; anything else (flush,
    fileno, isatty, encoding, buffer) is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self.unfiltered = stream

    def write(self, text: str) -> int:
        self.unfiltered.write(printable(text))
        return len(text)  # what the caller gave was written, as far as it can tell

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unfiltered, name)


def unfiltered(stream: Any) -> Any:
    """The stream a TerminalText wraps, or `stream` itself."""
    return stream.unfiltered if isinstance(stream, TerminalText) else stream


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # a closed or unusual stream
        return False


def install() -> Any:
    """Standard output through TerminalText from now on when it is a terminal; returns what
    `restore` needs (None when nothing was changed)."""
    stream = sys.stdout
    if isinstance(stream, TerminalText) or not _is_terminal(stream):
        return None
    sys.stdout = TerminalText(stream)
    return stream


def restore(previous: Any) -> None:
    """Undo `install`."""
    if previous is not None and isinstance(sys.stdout, TerminalText):
        sys.stdout = previous
