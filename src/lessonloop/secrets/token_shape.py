"""Whether a word looks like a random token (a key, a password a machine made) rather than a
name, a word, a number or a hash people print: the one test of the structural rules
(secrets/structural.py) for values nobody named by their format.

A random token mixes character classes often (`Qx7Lm2Vb9T`: a class change almost every other
character), where an identifier changes class once a word (`handleUserCallback2`); its
characters are spread (Shannon entropy); and it is long enough not to be a word. A hex string
(0-9a-f only) is a key only when long (32 or more: Rails' master.key, AES keys) and never a
git object id's length alone decides it: callers that see a hash's context pass hex=False.
"""

from __future__ import annotations

import math
import re
from collections import Counter

_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = str.maketrans("", "", "0123456789")
_UPPERS = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWERS = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyz")
_HEX_CHARS = str.maketrans("", "", "0123456789abcdefABCDEF")
# a character's class: digit 0, upper 1, lower 2, other 3 (as one byte each, for changes())
_CLASS = str.maketrans(
    {**dict.fromkeys("0123456789", "0"), **dict.fromkeys("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "1"),
     **dict.fromkeys("abcdefghijklmnopqrstuvwxyz", "2")}
)  # fmt: skip
_RUNS = re.compile(r"0+|1+|2+|[^012]+")  # runs of one class, once translated


def classes(value: str) -> tuple[int, int, int]:
    """How many ASCII digits, upper-case and lower-case letters `value` holds (counted in C)."""
    size = len(value)
    return (
        size - len(value.translate(_DIGITS)),
        size - len(value.translate(_UPPERS)),
        size - len(value.translate(_LOWERS)),
    )


def entropy(value: str) -> float:
    """Shannon entropy in bits per character (the characters counted in C, in the order they first
    occur)."""
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in Counter(value).values())


def is_hex(value: str) -> bool:
    return bool(value) and not value.translate(_HEX_CHARS)


def changes(value: str) -> int:
    """How often the class (digit, upper, lower, other) changes from one character to the next."""
    return len(_RUNS.findall(value.translate(_CLASS))) - 1 if value else 0


def random_token(value: str, minimum: int = 16, hex_ok: bool = True) -> bool:
    """`value` (letters, digits and a few of `+/=_-.~`) looks machine-made."""
    size = len(value)
    if size < minimum or size > 4096:
        return False
    core = value.rstrip("=")
    digits, uppers, lowers = classes(core)
    letters = uppers + lowers
    if letters + digits < len(core) * 0.8:
        return False  # mostly punctuation: a path, a sentence, a version list
    if is_hex(core):
        return hex_ok and len(core) >= 32 and digits >= 4 and letters >= 4 and entropy(core) >= 3.2
    kinds = (digits > 0) + (uppers > 0) + (lowers > 0)
    if kinds < 2 or (digits == 0 and min(uppers, lowers) < 3):
        return False
    if digits == 0 and size < 24:
        return False  # CamelCaseWords
    if changes(core) < len(core) * 0.3:
        return False  # words and numbers: handleUserCallback2024, v1ApiManager
    return entropy(core) >= (3.3 if size < 24 else 3.6)


def unquoted_span(text: str, start: int, end: int) -> tuple[int, int]:
    """text[start:end] without the quotes around it, when it is quoted."""
    if end - start >= 2 and text[start] in "\"'" and text[end - 1] == text[start]:
        return start + 1, end - 1
    return start, end
