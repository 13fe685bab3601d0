"""Text a tool printed, or a person's words, as they appear inside a lesson: quoted and labelled as data.

A learned lesson says what happened (a command, its error) and what worked; the error is whatever
the tool printed, and a tool prints what its input makes it print: a file in a cloned repository,
a web page, a test's output. So that text is never the lesson's own words: it is shown as
`tool output “…”`, on one line, cut short, with its own quotation marks changed so that it cannot
close the quotation and continue as if lessonloop were speaking. The heading of every block of
lessons given to an agent (apply/context_block.py) says what the quotation marks mean. A person's
words when rejecting a call (`person_words`) are quoted the same way: the lesson reports what was
said, and the words reach an agent as data, never as lessonloop's own instruction.

Standard library only: the hooks import this.
"""

from __future__ import annotations

import re

OPEN, CLOSE = "\u201c", "\u201d"  # “ ”
LABEL = "tool output"
SAID = "the person's words"
MAX_QUOTED = 200  # characters of the printed text kept
_QUOTES = re.compile('["\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
_SPACE = re.compile(r"\s+")


def quoted(text: str | None, limit: int = MAX_QUOTED) -> str:
    """`text` as a quotation: one line (control and direction characters as spaces), its double
    quotation marks made single, at most `limit` characters (an ellipsis says it was cut)."""
    line = _SPACE.sub(" ", _CONTROL.sub(" ", text or "")).strip()
    line = _QUOTES.sub("'", line)
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "\u2026"
    return f"{OPEN}{line}{CLOSE}"


def tool_output(text: str | None, limit: int = MAX_QUOTED) -> str:
    """What a tool printed, labelled and quoted: `tool output “…”` (`no error text` when empty)."""
    if not (text or "").strip():
        return "no error text"
    return f"{LABEL} {quoted(text, limit)}"


def person_words(text: str, limit: int = MAX_QUOTED) -> str:
    """What a person said when rejecting a call, labelled and quoted as tool output is: `the
    person's words “…”`, what was said, never the lesson's own instruction."""
    return f"{SAID} {quoted(text, limit)}"


def unlabelled(text: str) -> str:
    """`text` without the label of the tool output it quotes (for comparing lessons' words: the
    label is lessonloop's, the same in every title, not a word of the lesson)."""
    return text.replace(f"{LABEL} {OPEN}", OPEN).replace(f"{SAID} {OPEN}", OPEN)
