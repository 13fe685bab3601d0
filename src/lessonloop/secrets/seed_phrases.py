"""BIP-39 seed phrases: twelve or more consecutive words of the BIP-39 English list (the 2048 words
a wallet's recovery phrase is drawn from; secrets/bip39_words.py), separated by single spaces.

A phrase restores every key of a wallet. A run of twelve or more list words is one when:

- its words (or a window of 12, 15, 18, 21 or 24 of them) carry a valid BIP-39 checksum (the
  first bits of the SHA-256 of the entropy the words encode), and no more than half of them are
  common English words; or
- at most a quarter of its words are common English words (_COMMON: pronouns, prepositions and the
  words of technical prose that are in the list): English sentences made only of list words are
  rare (`the`, `a`, `to`, `of`, `and`, `is`, `it` are not in the list) and full of these, while
  a phrase's words are drawn at random from 2048.

unanchored.py finds the stretches of lower-case letters and spaces long enough to hold one.

A phrase written as a list (a word a line, numbered `1. fitness 2. sudden`, in a grid, between
commas: listed_spans) is one only when its words, all of the list, carry a valid checksum: its
layout no longer tells it from prose, the checksum does (a chance of 1 in 16 for twelve words
drawn from the list, 1 in 256 for twenty-four).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

MIN_WORDS = 12
STANDARD_LENGTHS = (12, 15, 18, 21, 24)
KIND = "bip39-seed-phrase"
# List words that are common in English prose (a phrase has few of them; a sentence many).
_COMMON_WORDS = """about above across add again all almost alone already also always among any around ask away because become
    before begin behind below best better between beyond build call can change check close code come copy day easy
    either else empty end enough error few field file find first fix give good hard have help hour include input
    into issue just keep know left like list local make message method minute model more move much must name need
    never next nothing now number off often old once one only open option other output over own page path people
    person please problem process program project public put rather real remove report result return review right
    run same second simple since soon start state step still such sure system task team tell test text that then
    there they thing this time together tool toward true try type under until update upon use used useful version
    very want way what when where will wish word work write year you"""
_COMMON = frozenset(_COMMON_WORDS.split())
_INDEX: dict[str, int] = {}


def _index() -> dict[str, int]:
    """The list's words and their 11-bit values (loaded the first time a stretch may hold a phrase)."""
    if not _INDEX:
        from lessonloop.secrets.bip39_words import WORDS

        _INDEX.update((word, value) for value, word in enumerate(WORDS))
    return _INDEX


def seed_spans(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The seed phrases in text[start:end], a stretch of lower-case letters and spaces."""
    out: list[tuple[int, int, str]] = []
    for run in _runs(text, _words(text, start, end)):
        if len(run) >= MIN_WORDS:
            out += _phrase(text, run)
    return out


def _runs(text: str, words: Iterable[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
    """The runs of consecutive list words among `words` ((start, end) in `text`), each a list of
    its words' spans; any other word ends a run."""
    index = _index()
    run: list[tuple[int, int]] = []
    for begin, finish in words:
        if text[begin:finish] in index:
            run.append((begin, finish))
            continue
        if run:
            yield run
        run = []
    if run:
        yield run


def _words(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The words of text[start:end]; a word glued to the letters, digits or underscore around
    the stretch is not one of its own, and two spaces end a run (an empty word)."""
    position = start
    while position <= end:
        space = text.find(" ", position, end)
        stop = end if space < 0 else space
        glued = (position == start and start > 0 and _glue(text[start - 1])) or (
            stop == end and end < len(text) and _glue(text[end])
        )
        yield (position, position) if glued else (position, stop)
        position = stop + 1


def listed_spans(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The seed phrases in text[start:end], a stretch of lower-case words with newlines, numbers
    and punctuation between them: runs of list words whose first or last 12 to 24 carry a
    valid checksum."""
    import re

    words = ((start + found.start(), start + found.end()) for found in re.finditer(r"[a-z]+", text[start:end]))
    return [
        (run[0][0], run[-1][1], KIND)
        for run in _runs(text, words)
        if len(run) >= MIN_WORDS and _has_checksum([text[begin:finish] for begin, finish in run])
    ]


def _glue(char: str) -> bool:
    return char.isalnum() or char == "_"


def _phrase(text: str, run: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    words = [text[begin:end] for begin, end in run]
    common = sum(word in _COMMON for word in words)
    if common * 4 <= len(words) or (common * 2 <= len(words) and _has_checksum(words)):
        return [(run[0][0], run[-1][1], KIND)]
    return []


def _has_checksum(words: list[str]) -> bool:
    """A window of a standard length at either end of the run carries a valid checksum."""
    for length in STANDARD_LENGTHS:
        if length > len(words):
            break
        for window in {tuple(words[:length]), tuple(words[-length:])}:
            if valid_checksum(window):
                return True
    return False


def valid_checksum(words: tuple[str, ...] | list[str]) -> bool:
    """The BIP-39 checksum of a phrase: its words' 11-bit values, entropy then checksum bits."""
    index = _index()
    if len(words) not in STANDARD_LENGTHS or any(word not in index for word in words):
        return False
    number = 0
    for word in words:
        number = number << 11 | index[word]
    import hashlib  # here: the hooks import this module, and hashlib costs them milliseconds

    checksum_bits = len(words) * 11 // 33
    entropy = (number >> checksum_bits).to_bytes(checksum_bits * 4, "big")
    return hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits) == number & ((1 << checksum_bits) - 1)
