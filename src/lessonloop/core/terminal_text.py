"""Text made safe to show on a terminal: the escape sequences and control characters a stored text
may hold (a teammate's lesson title, a tool's output, a file name) taken out before it is printed.

A terminal obeys what it is sent: ANSI CSI sequences (`ESC [ ... m` recolours or hides text, moves
the cursor, clears the screen), OSC strings (`ESC ] 0;title BEL` sets the window title; others
write the clipboard or make links), DCS/APC/PM/SOS strings, the 8-bit C1 forms of all of them
(U+009B is a CSI for many terminals), and single controls (a carriage return or backspaces print
over what came before, BEL rings). `printable` removes each sequence whole (its parameters with
it) and every other C0 and C1 control character, DEL, and the bidirectional overrides and
isolates (U+202A..U+202E, U+2066..U+2069: text that reads differently from what it is), keeping
newlines and tabs where the layout allows them. Removing the ESC and C1 introducers alone is what
makes it safe: a sequence cut in two by separate writes loses its introducer in the first part,
and what remains of it is plain text.

`json_safe` is the lossless form for JSON text: the same characters that JSON leaves raw (DEL, C1,
the bidirectional controls) written as `\\uXXXX` escapes, which every JSON reader reads back as
they were.

Standard library only (`re`): the CLI's output layer and the recall command import it.
"""

from __future__ import annotations

import re

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"  # every control kept out (not \t, \n)
_ANY = re.compile(f"[{_CONTROLS}]")
# Every escape sequence a terminal obeys, whole (core/outside_text.py removes them too)
ESCAPE_SEQUENCES = (
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"  # CSI: parameters, intermediates, final
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]"  # any other escape sequence (an unterminated one: its introducer)
)
_SEQUENCE = re.compile(f"{ESCAPE_SEQUENCES}|[{_CONTROLS}]")  # and a lone ESC, any other control character
_LAYOUT = re.compile(r"[\t\n]")
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # what JSON writers leave raw in strings


def printable(text: str, *, layout: bool = True) -> str:
    """`text` without escape sequences and control characters. `layout`: newlines and tabs kept
    (False: each becomes a space, for a table cell or one line)."""
    if _ANY.search(text) is not None:
        text = _SEQUENCE.sub("", text)
    if not layout and ("\n" in text or "\t" in text):
        text = _LAYOUT.sub(" ", text)
    return text


def has_controls(text: str) -> bool:
    """Whether `text` holds anything `printable` removes (newlines and tabs are not)."""
    return _ANY.search(text) is not None


def json_safe(json_text: str) -> str:
    """JSON text with DEL, the C1 controls and the bidirectional controls in its strings written
    as \\u escapes (JSON itself escapes the C0 ones): the same value once read, and nothing a
    terminal obeys when it is printed. Only strings can hold them, so the escapes are valid JSON."""
    if _JSON_RAW.search(json_text) is None:
        return json_text
    return _JSON_RAW.sub(lambda found: f"\\u{ord(found.group()):04x}", json_text)
