"""Whether a text file is UTF-8, as far as a session shows it (issue 61, item 2: causes diagnosed
from what the failure and the file say). A tool that reads files as UTF-8 fails on one that is not
(Codex's apply_patch: "stream did not contain valid UTF-8"); on Windows such files come from the
agent's own writes: Windows PowerShell's `>` and Out-File write UTF-16, Set-Content and Add-Content
the ANSI code page, unless given `-Encoding utf8` (PowerShell 7 writes UTF-8 by default: which one
ran is learned from the failures, not assumed).

A file's encoding, as the session state keeps it: UTF8 (a file tool wrote or edited it, a write
with `-Encoding utf8`), OTHER (a tool said it is not UTF-8; the file on disk is not), DEFAULT (a
PowerShell write without `-Encoding` put it there: UTF-8 or not as the PowerShell that ran decides).

Pure and light (the hooks import it), but for `utf8_on_disk`, which reads a file.
"""

from __future__ import annotations

import codecs  # (loaded with the interpreter: importing it costs nothing)
import re

from lessonloop.analyze.powershell_files import WRITERS
from lessonloop.core.lazy_regex import LazyRegex

UTF8 = "utf8"
OTHER = "other"
DEFAULT = "default"
SAMPLE_BYTES = 1_048_576  # the start of a file decoded to tell

_NOT_UTF8 = LazyRegex(
    r"(?:did not contain|is not|not) valid UTF-?8|invalid UTF-?8|'utf-?8' codec can't decode|"
    r"stream did not contain valid UTF-?8|Invalid byte sequence for encoding \"?UTF-?8",
    re.IGNORECASE,
)
# PowerShell's cmdlets that write text files (analyze/powershell_files.py's, and `sc`, Windows
# PowerShell's alias of Set-Content), and the `-Encoding` values that are UTF-8
TEXT_WRITERS = WRITERS | {"sc"}
_UTF8_NAMES = frozenset({"utf8", "utf-8", "utf8nobom", "utf8bom", "ascii"})  # (ASCII is UTF-8's subset)


def not_utf8(error_text: str | None) -> bool:
    """Whether a failure's output says the file it read is not UTF-8."""
    return error_text is not None and _NOT_UTF8.search(error_text[:4000]) is not None


def written_encoding(words: tuple[str, ...] | list[str], command: str | None) -> str | None:
    """The encoding a PowerShell write (a simple command: Set-Content, Add-Content, Out-File)
    gives its file: UTF8 with `-Encoding utf8` (or ASCII), OTHER with another, DEFAULT without
    one: Out-File always (UTF-16 in Windows PowerShell), Set-Content and Add-Content when the
    command line holds text beyond ASCII (`command`: the ANSI code page writes ASCII text as
    UTF-8 has it, and other letters as bytes UTF-8 does not read). None for any other command."""
    if not words or words[0].lower() not in TEXT_WRITERS:
        return None
    for at, word in enumerate(words):
        lowered = word.lower()
        if len(lowered) > 3 and "-encoding".startswith(lowered.split(":", 1)[0]):
            value = (
                lowered.split(":", 1)[1] if ":" in lowered else (words[at + 1].lower() if at + 1 < len(words) else "")
            )
            return UTF8 if value.strip("'\"") in _UTF8_NAMES else OTHER
    if words[0].lower() == "out-file":
        return DEFAULT
    return DEFAULT if command is not None and not command.isascii() else None


# what only PowerShell writes: a here-string (@' or @" ending its line), a cmdlet's Verb-Noun name
_POWERSHELL_LINE = LazyRegex(r"@['\"]\r?\n|(?:^|[\s;|(])[A-Z][a-z]+-[A-Z][A-Za-z]+\b")


def command_encoding(
    segments: list[tuple[str, ...]] | list[list[str]], command: str | None, tokens: frozenset[str]
) -> str | None:
    """The encoding a PowerShell command line gives the files it writes: its first write's
    (written_encoding), else DEFAULT when a line that is PowerShell's (a here-string, a cmdlet)
    writes with `>` or `>>` (`tokens`: its operators; Out-File's default), else None. Read from
    the command alone: the hooks and replay decide it the same."""
    for words in segments:
        found = written_encoding(words, command)
        if found is not None:
            return found
    if (">" in tokens or ">>" in tokens) and command and _POWERSHELL_LINE.search(command):
        return DEFAULT
    return None


def utf8_on_disk(path: str) -> str | None:
    """UTF8 or OTHER for the file at `path` from its start (SAMPLE_BYTES; a UTF-16 byte order
    mark is OTHER); None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(SAMPLE_BYTES)
    except OSError:
        return None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return OTHER
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=len(data) < SAMPLE_BYTES)
    except UnicodeDecodeError:
        return OTHER
    return UTF8
