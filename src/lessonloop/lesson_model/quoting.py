"""Text a tool printed, or a person's words, as they appear inside a lesson: quoted and labelled as data.

A learned lesson says what happened (a command, its error) and what worked; the error is whatever
the tool printed, and a tool prints what its input makes it print: a file in a cloned repository,
a web page, a test's output. So that text is never the lesson's own words: it is shown as
`tool output “…”`, on one line, cut short, with its own quotation marks changed so that it cannot
close the quotation and continue as if lessonloop were speaking (core/outside_text.as_data, the one
quotation every surface uses). The heading of every block of lessons given to an agent
(apply/context_block.py) says what the quotation marks mean. A person's words when rejecting a call
(`person_words`) are quoted the same way: the lesson reports what was said, and the words reach an
agent as data, never as lessonloop's own instruction. A lesson someone else wrote (a teammate's,
a file's, an agent's) is quoted whole wherever it is given (`lesson_texts`).

Standard library only: the hooks import this.
"""

from __future__ import annotations

from lessonloop.core.outside_text import MAX_QUOTED, OPEN, as_data, one_line
from lessonloop.lesson_model.provenance import ORIGINS, describe, may_deny

LABEL = "tool output"
SAID = "the person's words"
MAX_OTHERS = 500  # characters of another's prevention quoted


def tool_output(text: str | None, limit: int = MAX_QUOTED) -> str:
    """What a tool printed, labelled and quoted: `tool output “…”` (`no error text` when empty)."""
    if not (text or "").strip():
        return "no error text"
    return f"{LABEL} {as_data(text, limit)}"


def person_words(text: str, limit: int = MAX_QUOTED) -> str:
    """What a person said when rejecting a call, labelled and quoted as tool output is: `the
    person's words “…”`, what was said, never the lesson's own instruction."""
    return f"{SAID} {as_data(text, limit)}"


def unlabelled(text: str) -> str:
    """`text` without the label of the tool output it quotes (for comparing lessons' words: the
    label is lessonloop's, the same in every title, not a word of the lesson)."""
    return text.replace(f"{LABEL} {OPEN}", OPEN).replace(f"{SAID} {OPEN}", OPEN)


def lesson_texts(
    origin: str | None, title: str, prevention: str | None, command: str | None = None
) -> tuple[str, str | None, str | None]:
    """A lesson's title, prevention and command as a model is given them. This person's own lesson
    (learned, or written by them: provenance.OWN_ORIGINS, or of no known origin) keeps its words,
    each on one line (the outside text in a learned one is quoted inside them already). Another's
    (a teammate's, a file's, an agent's through MCP) is its author's text: quoted whole as data
    and labelled with where it came from, `[from the team] “…”`, its command quoted as its
    prevention when it has none."""
    if origin not in ORIGINS or may_deny(origin):
        return one_line(title), one_line(prevention) or None, one_line(command) or None
    instead = prevention if (prevention or "").strip() else command
    return (
        f"[{describe(origin)}] {as_data(title)}",
        as_data(instead, MAX_OTHERS) if (instead or "").strip() else None,
        None,
    )
