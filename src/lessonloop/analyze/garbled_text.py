"""Text garbled by a read in the wrong encoding (issue 83, "the same mis-escaped patch context line
failing twice"): a file's UTF-8 text read as the ANSI code page (Windows PowerShell's
`Get-Content` without `-Encoding utf8`, a console in code page 1252) shows each non-ASCII
character as two to four others (`“` as `â€œ`, `•` as `â€¢`, an emoji as four), or as the
replacement character `�` once a byte was lost. An edit whose old text (a patch's context lines)
was copied from such a read does not find it in the file, however often it is sent.

`garbled_run` finds such a run: a UTF-8 lead byte's character (U+00C2 to U+00F4 as Latin-1 shows
it) followed by the continuation bytes it needs, as Windows-1252 or Latin-1 shows them, that
decode as UTF-8 to one character; or a replacement character. Decoding is the test, not a list of
known pairs: text in any language that is not garbled does not decode so (`é` alone, `São`, `Äß`).

Pure, standard library only (the hooks import it).
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex

REPLACEMENT = "\ufffd"
# Windows-1252's characters for bytes 0x80 to 0x9f (the five it leaves undefined are shown as
# Latin-1's control characters, also accepted below)
_CP1252 = "".join(bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in range(0x80, 0xA0))
_BYTE = {char: 0x80 + index for index, char in enumerate(_CP1252)}
_CONTINUATION = "[" + "".join(sorted(set(_CP1252))) + "\u0080-\u009f\u00a0-\u00bf]"
# a lead byte (two-, three- and four-byte sequences) and one to three continuation bytes
_RUN = LazyRegex(f"[\u00c2-\u00f4]{_CONTINUATION}{{1,3}}")


def _as_byte(char: str) -> int | None:
    code = ord(char)
    if code < 0x100:
        return code
    return _BYTE.get(char)


def _decodes(run: str) -> str | None:
    """The part of `run` (a lead character and what follows it) that decodes as one UTF-8
    character, read back as the bytes the code page showed; None when none does."""
    lead = ord(run[0])
    size = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    if len(run) < size:
        return None
    raw = [_as_byte(char) for char in run[:size]]
    if any(value is None for value in raw):
        return None
    try:
        bytes(value for value in raw if value is not None).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return run[:size]


def garbled_run(text: object) -> str | None:
    """The first run of `text` that is a character garbled by a read in the wrong encoding, or a
    replacement character (a character lost); None when there is none (or `text` is no text)."""
    if not isinstance(text, str) or text.isascii():
        return None
    for found in _RUN.finditer(text):
        run = _decodes(found.group(0))
        if run is not None:
            return run
    return REPLACEMENT if REPLACEMENT in text else None


def garbled_lines(text: object) -> list[str]:
    """The lines of `text` that hold a garbled run (see garbled_run)."""
    if not isinstance(text, str) or text.isascii():
        return []
    return [line for line in text.splitlines() if garbled_run(line) is not None]
