"""A text file's line endings, as far as a session shows them (issue 61, "a wrong cause, then
silence"): an edit whose old text has LF line ends fails on a file with Windows line ends (CRLF)
in an edit tool that compares the text as it is. The cause is the file's form, not that the agent
did not read it: reading it again is no remedy, old text with the file's line ends is.

What a session shows of a file's line ends: a file tool's read of it (its output is the file's
text), an edit of it that worked with CRLF in its old text, a write of it (the text written), a
command that converts it (`dos2unix F`, `sed -i 's/\\r$//' F`, `perl -pi -e 's/\\r\\n/\\n/' F`;
`unix2dos F` the other way), and, in the hooks, the file on disk.

Pure and light (the hooks import it), but for `file_endings`, which reads the start of a file.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Sequence

CRLF_ENDS = "crlf"
LF_ENDS = "lf"
SAMPLE_BYTES = 65_536  # the start of a file read for its line ends

# a sed or perl substitution that deletes carriage returns (`s/\r$//`, `s/\r//g`, `s/\r\n/\n/g`)
_DELETES_CR = LazyRegex(r"s([/|#,])\\r(?:\$|\\n)?\1(?:\\n)?\1g?")
_TO_LF = frozenset({"dos2unix", "fromdos"})
_TO_CRLF = frozenset({"unix2dos", "todos"})


def endings_of(text: str | None) -> str | None:
    """The line ends `text` uses: CRLF_ENDS when most of its line ends are CRLF, LF_ENDS when
    it has line ends and most are bare LF, None when it has none."""
    if not text:
        return None
    lines = text.count("\n")
    if not lines:
        return None
    return CRLF_ENDS if 2 * text.count("\r\n") >= lines else LF_ENDS


def lf_lines(old: object) -> bool:
    """Whether an edit's old text has bare LF line ends (and no CRLF): the text an edit tool that
    compares as it is does not find in a CRLF file."""
    return isinstance(old, str) and "\n" in old and "\r\n" not in old


def converted(words: Sequence[str]) -> tuple[str | None, list[str]]:
    """(the line ends a simple command converts its files to, those files as typed): `dos2unix
    F`, `sed -i 's/\\r$//' F`, `perl -pi -e 's/\\r\\n/\\n/g' F` to LF; `unix2dos F` to CRLF.
    (None, []) for any other command."""
    if not words:
        return None, []
    program = words[0].rsplit("/", 1)[-1].lower()
    if program in _TO_LF or program in _TO_CRLF:
        files = [w for w in words[1:] if not w.startswith("-")]
        return (LF_ENDS if program in _TO_LF else CRLF_ENDS), files
    if program not in ("sed", "gsed", "perl"):
        return None, []
    in_place = any(w.startswith("-i") or (program == "perl" and w.startswith("-") and "i" in w[1:]) for w in words)
    at = next((i for i, w in enumerate(words) if i and _DELETES_CR.fullmatch(w)), None)
    if not in_place or at is None:
        return None, []
    return LF_ENDS, [w for w in words[at + 1 :] if not w.startswith("-")]


def file_endings(path: str) -> str | None:
    """The line ends of the file at `path`, from its start (SAMPLE_BYTES); None when it cannot be
    read, has no line end there, or is not text (a NUL byte: UTF-16 or binary)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(SAMPLE_BYTES)
    except OSError:
        return None
    if b"\x00" in data:
        return None
    return endings_of(data.decode("latin-1"))
