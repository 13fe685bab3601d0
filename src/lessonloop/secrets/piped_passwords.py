"""Passwords given to a program on its standard input, written on the command line that feeds it:
`echo PW | sudo -S cmd`, `echo 'user:PW' | chpasswd`, `printf 'PW\\nPW\\n' | smbpasswd -s`,
`echo PW | passwd --stdin user`, `echo PW | kinit`, `echo PW | docker login --password-stdin`,
`cmd <<< 'PW'`, and `chpasswd` reading `user:PW` lines from a here-document.

A rule is anchored at the program that reads the password (redaction.py finds it); the finder
reads the rest of its line: the `echo`/`printf` piped into it, or a here-string or here-document
given to it. Expansions (`echo "$PW" | ...`) hold no password. What chpasswd reads is
`user:password` lines: the part after the colon is the secret.
"""

from __future__ import annotations

import re

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.format_rule import FormatRule, rule

# Programs (as written on the command line) that read a password from their standard input.
_READERS = (
    "sudo -S", "sudo --stdin", "chpasswd", "passwd --stdin", "smbpasswd", "kinit", "--password-stdin",
    "--passphrase-stdin", "cryptsetup", "htpasswd -i", "vncpasswd", "--passphrase-fd", "-passin stdin",
    "ldappasswd", "pdbedit", "--pass-stdin", "--stdin-password",
)  # fmt: skip
# The command piped into the reader: echo or printf and its arguments, up to the pipe.
_FEEDER = LazyRegex(
    r"(?<![\w./])(?<!\w-)(?P<program>echo|printf)(?:[ \t]+-[neE]+)*[ \t]+"  # a diff's `-echo ...` too
    r"(?P<arguments>(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s|;&\"']+)(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s|;&\"']+))*)"
    r"[ \t]*\|[ \t]*(?:(?:sudo|doas|env)(?:[ \t]+-[\w-]+(?:[ \t]+(?!-)[\w.@-]+)?)*[ \t]+|[\w./-]+=\S*[ \t]+)*$",
)
_WORD = LazyRegex(r"\"([^\"\n]*)\"|'([^'\n]*)'|([^\s\"']+)")
_HERE_STRING = LazyRegex(r"<<<[ \t]*(?:\"([^\"\n]*)\"|'([^'\n]*)'|([^\s;&|]+))")
_HERE_DOCUMENT = LazyRegex(r"<<-?[ \t]*[\"']?(\w+)[\"']?")
_ESCAPES = LazyRegex(r"\\[nrt]")
_NOT_SECRET = LazyRegex(r"[$`%]|\*{3}|(?i:x{3,})$|\d+$|-{1,2}\w*$")
MIN_LENGTH = 4
MAX_LINES = 200  # the most lines of a here-document read for chpasswd


def _piped(text: str, at: int) -> list[tuple[int, int, str]]:
    """The password the reader at text[at:] is given on its line."""
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    if line_end < 0:
        line_end = len(text)
    pairs = text.startswith("chpasswd", at)  # user:password lines
    spans: list[tuple[int, int, str]] = []
    feeder = _FEEDER.search(text, line_start, at)
    if feeder is not None:
        begin = feeder.start("arguments")
        arguments = text[begin : feeder.end("arguments")]
        words = list(_WORD.finditer(arguments))
        if feeder.group("program") == "printf" and words and "%" in _word(words[0]):
            words = words[1:]  # printf '%s\n' PW: the format, then the data
        elif feeder.group("program") == "printf":
            words = words[:1]
        for word in words:
            group = next(g for g in (1, 2, 3) if word.group(g) is not None)
            spans += _pieces(text, begin + word.start(group), begin + word.end(group), pairs)
    here = _HERE_STRING.search(text, at, line_end)
    if here is not None:
        group = next(g for g in (1, 2, 3) if here.group(g) is not None)
        spans += _pieces(text, here.start(group), here.end(group), pairs)
    if pairs and here is None:
        document = _HERE_DOCUMENT.search(text, line_start, line_end)
        if document is not None:
            spans += _document_pairs(text, line_end, document.group(1))
    return spans


def _word(found: re.Match[str]) -> str:
    return next(g for g in found.groups() if g is not None)


def _pieces(text: str, begin: int, end: int, pairs: bool) -> list[tuple[int, int, str]]:
    """The passwords in an echoed string: each line of it (`\\n` escapes split it), after its
    `user:` when the reader takes user:password pairs."""
    out: list[tuple[int, int, str]] = []
    cursor = begin
    for escape in [*_ESCAPES.finditer(text, begin, end), None]:
        stop = escape.start() if escape is not None else end
        start = cursor
        if pairs:
            colon = text.find(":", start, stop)
            start = colon + 1 if colon >= 0 else stop
        if stop - start >= MIN_LENGTH:
            piece = text[start:stop]
            if _NOT_SECRET.match(piece) is None and not piece.startswith("[REDACTED"):
                out.append((start, stop, "piped-password"))
        if escape is not None:
            cursor = escape.end()
    return out


def _document_pairs(text: str, body: int, terminator: str) -> list[tuple[int, int, str]]:
    """chpasswd's user:password lines of a here-document starting after text[body] (a newline)."""
    out: list[tuple[int, int, str]] = []
    position = body + 1
    for _ in range(MAX_LINES):
        if position >= len(text):
            break
        end = text.find("\n", position)
        if end < 0:
            end = len(text)
        line = text[position:end]
        if line.strip() == terminator:
            break
        colon = line.find(":")
        if colon > 0:
            out += _pieces(text, position + colon + 1, end, False)
        position = end + 1
    return out


PIPED_PASSWORD_RULES: tuple[FormatRule, ...] = (rule("piped-password", _READERS, "", exact=True, finder=_piped),)
