"""Secrets that no anchor announces, found in the bytes the redaction gate reads:

- BIP-39 seed phrases (secrets/seed_phrases.py): twelve or more words of three to eight lower-case
  letters (the list's words' lengths), single spaces between, or written as a list (newlines,
  numbers, commas between them);
- bitcoin WIF private keys (secrets/wallet_keys.py): a word of 51 or 52 base58 characters starting
  with 5, 9, K, L or c;
- Ghost's Admin API keys: `<24 hex>:<64 hex>` (an id, and the secret that signs the admin's tokens).

Speed: this runs on every text of SEARCH_LENGTH characters or more. One regex holds the three
shapes and is searched once over the text's bytes (the gate's `text.encode("ascii", "replace")`:
one byte per character): google-re2's, a DFA, linear in the text; Python's re for a text shorter
than LONG_TEXT until prepare_bulk, as re2's import costs a hook about 3 ms. Only what it finds is
read further: the words of a stretch of lower-case words, a key's checksum.
"""

from __future__ import annotations

import re

from lessonloop.core.lazy_regex import LazyRegex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    # (bytes, from) -> the spans of the groups of the first match ((start, end); (-1, -1) for a
    # group that did not match), or None
    Finder = Callable[[bytes, int], Sequence[tuple[int, int]] | None]

SEARCH_LENGTH = 12 * 3 + 11  # twelve words of three letters, single spaces between
# Group 1: twelve words; 2: a WIF key; 3: a Ghost key's secret; 4: twelve words as a list (numbered:
# re2's matches take no names)
_LISTED = rb"(?:[a-z]{3,8}(?:[ \t]*[\r\n,;|][\s,;|]*|[ \t]+)(?:\d{1,2}[.):]?[ \t]+)?)"
_SHAPES = (
    rb"\b((?:[a-z]{3,8} ){11}[a-z]{3,8})\b"
    rb"|\b([59KLc][1-9A-HJ-NP-Za-km-z]{50,51})\b"
    rb"|\b[0-9a-f]{24}:([0-9a-f]{64})\b"
    rb"|\b(" + _LISTED + rb"{11}[a-z]{3,8})\b"
)
_SEED, _WIF, _GHOST, _LIST = 1, 2, 3, 4
# What every match needs, tested before the regex is compiled or searched (short texts): twelve
# words and their spaces are a stretch of SEARCH_LENGTH or more of [a-z ]; a WIF key (51 or 52)
# and a Ghost key's secret (64 hex digits) are a stretch of 51 or more letters and digits. Each
# translation marks the class's bytes with `x` and every other byte with a newline.
_LOWER = bytes(ord("x") if chr(b) in "abcdefghijklmnopqrstuvwxyz " else ord("\n") for b in range(256))
_WORD = bytes(ord("x") if chr(b).isascii() and chr(b).isalnum() else ord("\n") for b in range(256))
_LOWER_RUN = b"x" * SEARCH_LENGTH
_WORD_RUN = b"x" * 51
_STRETCH = LazyRegex(r"[a-z ]+")  # a seed phrase's stretch: lower-case words and spaces
_LIST_STRETCH = LazyRegex(_LISTED.decode() + r"*[a-z]{3,8}")  # a listed phrase's stretch
LONG_TEXT = 4096  # from this length on, re2 searches (always, after prepare_bulk)
# Finders of the shapes (Finder): Python's re, then re2's (made when first needed).
_FINDERS: list[Finder] = []
_BULK = [False]
_BULK_FINDER: list[Finder] = []  # after prepare_bulk: re2's, for every text


def prepare_bulk() -> None:
    """re2 for every text from now on (ingest: megabytes of prose, where Python's re is slow)."""
    _BULK[0] = True
    if not _BULK_FINDER:
        _BULK_FINDER.append(_finder(True))


def _finder(long: bool) -> Finder:
    """The search: re2's for a long text, Python's re for a short one (the same matches: classes,
    counts, alternatives and word boundaries mean the same in both)."""
    if not _FINDERS:
        search = re.compile(_SHAPES).search

        def by_re(data: bytes, position: int) -> tuple[tuple[int, int], ...] | None:
            found = search(data, position)
            return None if found is None else found.regs

        _FINDERS.append(by_re)
    if not long:
        return _FINDERS[0]
    if len(_FINDERS) == 1:
        _FINDERS.append(_re2_finder())
    return _FINDERS[1]


def _re2_finder(below_wrapper: bool = True) -> Finder:
    """re2's search, called below its Python wrapper when the binding offers it (the wrapper's
    generator and match object cost a microsecond a text: ingest redacts thousands); else, or
    with `below_wrapper` False, through the wrapper."""
    import re2

    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1  # bytes as bytes
    compiled = re2.compile(_SHAPES, options)
    binding = getattr(compiled, "_regexp", None)
    anchor = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
    if below_wrapper and binding is not None and anchor is not None and hasattr(binding, "Match"):
        match = binding.Match

        def by_binding(data: bytes, position: int) -> list[tuple[int, int]] | None:
            spans: list[tuple[int, int]] = match(anchor, data, position, len(data))
            return None if spans[0][0] < 0 else spans

        return by_binding

    def by_wrapper(data: bytes, position: int) -> tuple[tuple[int, int], ...] | None:
        found = compiled.search(data, position)
        return None if found is None else tuple(found.span(group) for group in range(5))

    return by_wrapper


def unanchored_spans(text: str, encoded: bytes) -> list[tuple[int, int, str]]:
    """The seed phrases, WIF keys and Ghost admin keys of `text` (`encoded`: its ASCII bytes, one
    per character, as the gate reads them)."""
    size = len(encoded)
    long = _BULK[0] or size >= LONG_TEXT
    if (
        not long
        and _LOWER_RUN not in encoded.translate(_LOWER)
        and _WORD_RUN not in encoded.translate(_WORD)
        and max(encoded.count(b"\n"), encoded.count(b","), encoded.count(b". ")) < 11
    ):
        return []  # no shape fits: not compiled for nothing (a hook's few short texts)
    find = _BULK_FINDER[0] if _BULK_FINDER else _finder(long)
    found = find(encoded, 0)
    if found is None:  # most texts
        return []
    # What reads a match further: imported the first time a text holds one (the hooks import this module).
    from lessonloop.secrets.seed_phrases import listed_spans, seed_spans
    from lessonloop.secrets.wallet_keys import is_wif

    spans: list[tuple[int, int, str]] = []
    while found is not None:
        if found[_SEED][0] >= 0:
            # The leftmost twelve words: a phrase starts there or later, within the stretch.
            start = found[_SEED][0]
            end = _STRETCH.match(text, start).end()  # type: ignore[union-attr]
            spans += seed_spans(text, start, end)
        elif found[_LIST][0] >= 0:
            start = found[_LIST][0]
            end = _LIST_STRETCH.match(text, start).end()  # type: ignore[union-attr]
            spans += listed_spans(text, start, end)
        elif found[_WIF][0] >= 0:
            start, end = found[_WIF]
            if is_wif(text[start:end]):
                spans.append((start, end, "bitcoin-wif-key"))
        else:
            start, end = found[_GHOST]
            spans.append((start, end, "ghost-admin-key"))
        found = find(encoded, end) if end < size else None
    return spans
