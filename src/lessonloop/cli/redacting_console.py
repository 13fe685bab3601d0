"""The rich console every command prints tables and texts with: what it shows is redacted again,
and made safe for a terminal (core/terminal_text.py: no escape sequence or control character of a
stored text reaches it; rich's own styling is added after).

Strings (printed, or put in table cells) are redacted and cleaned before rich parses and measures
them, so column widths fit what is shown; `Text` objects are when rendered (a changed one loses
its inner styles, keeping its base style).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.errors import MarkupError
from rich.segment import Segment
from rich.text import Text

from lessonloop.core.terminal_text import printable
from lessonloop.secrets.redaction import redact, shown


class RedactingConsole(Console):
    """A rich Console that redacts (prose scope) and cleans every string and Text it renders."""

    def render_str(self, text: str, **options: Any) -> Text:
        with shown():  # the rules again (the learned pass read the store's texts on the way in)
            cleaned = printable(redact(text)[0]) if text else text
        try:
            return super().render_str(cleaned, **options)
        except MarkupError:  # a text of the store's read as a tag it is not ("[/x]" in a path): shown as it is
            return super().render_str(cleaned, **{**options, "markup": False})

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        if isinstance(renderable, Text):
            renderable = redacted_text(renderable)
        return super().render(renderable, options)


def redacted_text(text: Text) -> Text:
    """`text` with its secrets redacted and its escape sequences and control characters taken out:
    itself when it holds none."""
    with shown():
        redacted, count = redact(text.plain)
    cleaned = printable(redacted)
    if not count and cleaned == text.plain:
        return text
    return Text(
        cleaned, style=text.style, justify=text.justify, overflow=text.overflow, no_wrap=text.no_wrap, end=text.end
    )
