"""The regexes of a repository's rules file (`.lessonloop/workflow.toml`), run guarded (issue 82):
the file is a cloned repository's text, and Python's engine backtracks, so `^(a+)+$` on a
28-character command took 29 s.

- A pattern RE2 takes (google-re2: a DFA, time linear in the text) runs on RE2. RE2 reads a few
  things otherwise than Python (`$` ends the text, not a last line; `\\d` is ASCII digits).
- A pattern RE2 rejects (lookarounds, backreferences, possessive quantifiers) or may read otherwise
  (`{,n}`) runs on the `regex` module (Python's syntax) with MATCH_SECONDS per match. A match past
  its time counts as no match, and the pattern is not run again in this process (`timed_out`):
  a rules file costs at most MATCH_SECONDS per such pattern.

The `regex` module is imported only for a pattern RE2 rejects (about 30 ms).
"""

from __future__ import annotations

from typing import Any

import re2

MATCH_SECONDS = 0.05


class GuardedPattern:
    """A rules file's regex, searched in bounded time (see the module's docstring)."""

    __slots__ = ("_linear", "_timed", "source", "timed_out")

    def __init__(self, source: str) -> None:
        """Compile `source` (ValueError naming the engine's reason when neither engine takes it)."""
        self.source = source
        self.timed_out = False
        self._linear: Any = None
        self._timed: Any = None
        if "{," not in source:
            self._linear = _re2(source)
        if self._linear is None:
            import regex

            try:
                self._timed = regex.compile(source, regex.VERSION0)
            except regex.error as error:
                raise ValueError(str(error)) from None

    @property
    def engine(self) -> str:
        """ "re2" (linear time) or "regex" (time-limited)."""
        return "re2" if self._linear is not None else "regex"

    def search(self, text: str) -> bool:
        """Whether the pattern matches somewhere in `text` (False once it ran out of time)."""
        if self._linear is not None:
            return self._linear.search(text) is not None
        if self.timed_out:
            return False
        try:
            return self._timed.search(text, timeout=MATCH_SECONDS) is not None
        except TimeoutError:
            self.timed_out = True
            return False


def _re2(source: str) -> Any:
    """The pattern compiled by RE2, or None when RE2 rejects it."""
    options = re2.Options()
    options.log_errors = False  # a pattern RE2 rejects goes to the timed engine, silently
    try:
        return re2.compile(source, options)
    except re2.error:
        return None
