"""The text a secret hides in, decoded: what the rules read besides the text as stored.

A secret is not always written as itself. A JSON string escapes its quotes and line breaks
(`\\"password\\": \\"...\\"`, an API error quoted in a transcript), a `\\u0067hp_` spells `ghp_`, XML and
HTML write `&amp;` for `&`, a URL writes `%22` for `"`, code
splits a token into literals (`"ghp_" + "..."`, Python's and C's `"a" "b"`, PHP's `'a' . 'b'`,
SQL's `'a' || 'b'`). Each `View` is the text with one such encoding undone, and a map back: a
secret the rules find in the view is replaced in the text over the whole stretch that spells it
(escapes, quotes and `+` included), so the marker stands where the secret was.

Views are made only when the text holds what they undo (a backslash followed by an escape; a
quote, an operator and a quote), so a plain text costs two substring tests.
"""

from __future__ import annotations

from bisect import bisect_right

from lessonloop.core.lazy_regex import LazyRegex

_JSON_ESCAPE = LazyRegex(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([\"\\/bfnrt']))")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\", "/": "/", "'": "'"}
# closing quote, an operator (or none: adjacent literals), maybe a line break, the opening quote,
# between two word characters: "ghp_" + "abc", 'a' . 'b', "a" "b", 'a' || 'b'
# (the lookbehind for the character before the closing quote follows the quote, so that the
# search looks for quotes first)
# A line break between two literals joins them only with an operator on either side, a backslash
# before it, or the next line indented (Python's literals in parentheses): CSV's and JSON Lines'
# rows end and start with a quote and are not one string.
_JOINER = LazyRegex(
    r"([\"'`])(?<=[A-Za-z0-9_\-+/=][\"'`])[ \t]*"
    r"(?:(?:\+|\.|&|\|\||\.\.|<>)[ \t]*(?:\\?\r?\n[ \t]*(?:\+|\.|&|\|\|)?[ \t]*)?"
    r"|\\?\r?\n[ \t]*(?:\+|\.|&|\|\|)[ \t]*|\\\r?\n[ \t]*|\r?\n[ \t]+|)"
    r"\1(?=[A-Za-z0-9_\-+/=])"
)
_ENTITY = LazyRegex(r"&(?:(amp|lt|gt|quot|apos|#39|#34)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "#39": "'", "#34": '"'}
MAX_VIEW = 4 * 1024 * 1024  # texts longer than this are read as stored only


class View:
    """A decoded text and the map from its characters back to the text's."""

    __slots__ = ("_atomic", "_orig", "_starts", "_stops", "text")

    def __init__(self, text: str, starts: list[int], orig: list[int], stops: list[int], atomic: list[bool]) -> None:
        self.text = text
        self._starts = starts  # where each piece starts in the view
        self._orig = orig  # where it starts in the source
        self._stops = stops  # where it ends in the source
        self._atomic = atomic  # a decoded escape: one or more view characters from the whole piece

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The stretch of the source that spells view[start:end]."""
        first = bisect_right(self._starts, start) - 1
        last = bisect_right(self._starts, end - 1) - 1
        begin = self._orig[first] if self._atomic[first] else self._orig[first] + start - self._starts[first]
        finish = self._stops[last] if self._atomic[last] else self._orig[last] + end - self._starts[last]
        return begin, finish

    def then(self, inner: View) -> View:
        """A view of this view, mapped back to this view's source."""
        starts: list[int] = []
        orig: list[int] = []
        stops: list[int] = []
        atomic: list[bool] = []
        for i, begin in enumerate(inner._starts):
            end = inner._starts[i + 1] if i + 1 < len(inner._starts) else len(inner.text)
            if inner._atomic[i]:
                source = self.source_span(inner._orig[i], inner._stops[i])
                starts.append(begin)
                orig.append(source[0])
                stops.append(source[1])
                atomic.append(True)
                continue
            # a copied piece: one piece per piece of self it crosses
            position = begin
            while position < end:
                source_at = inner._orig[i] + position - begin
                outer = bisect_right(self._starts, source_at) - 1
                outer_end = self._starts[outer + 1] if outer + 1 < len(self._starts) else len(self.text)
                take = min(end - position, outer_end - source_at)
                piece = self.source_span(source_at, source_at + take)
                starts.append(position)
                orig.append(piece[0])
                stops.append(piece[1])
                atomic.append(self._atomic[outer])
                position += take
        return View(inner.text, starts, orig, stops, atomic)


def _build(text: str, pieces: list[tuple[int, int, str]]) -> View:
    """The view replacing each (start, end, replacement) of `text`, in order."""
    out: list[str] = []
    starts: list[int] = []
    orig: list[int] = []
    stops: list[int] = []
    atomic: list[bool] = []
    size = 0
    cursor = 0
    for start, end, replacement in pieces:
        if start > cursor:
            starts.append(size)
            orig.append(cursor)
            stops.append(start)
            atomic.append(False)
            out.append(text[cursor:start])
            size += start - cursor
        if replacement:
            starts.append(size)
            orig.append(start)
            stops.append(end)
            atomic.append(True)
            out.append(replacement)
            size += len(replacement)
        cursor = end
    if cursor < len(text):
        starts.append(size)
        orig.append(cursor)
        stops.append(len(text))
        atomic.append(False)
        out.append(text[cursor:])
    return View("".join(out), starts, orig, stops, atomic)


def _unescaped(text: str) -> View | None:
    if "\\" not in text:
        return None
    pieces: list[tuple[int, int, str]] = []
    for found in _JSON_ESCAPE.finditer(text):
        code, byte, simple = found.groups()
        if code is not None:
            value = int(code, 16)
            char = "\ufffd" if 0xD800 <= value <= 0xDFFF else chr(value)
        elif byte is not None:
            char = chr(int(byte, 16))
        else:
            char = _SIMPLE[simple]
        pieces.append((found.start(), found.end(), char))
    return _build(text, pieces) if pieces else None


def _entities(text: str) -> View | None:
    if "&" not in text or ";" not in text:
        return None
    pieces: list[tuple[int, int, str]] = []
    for found in _ENTITY.finditer(text):
        named, decimal, hexadecimal = found.groups()
        try:
            char = _NAMED_ENTITIES[named] if named else chr(int(decimal) if decimal else int(hexadecimal, 16))
        except (ValueError, OverflowError):
            continue
        pieces.append((found.start(), found.end(), char))
    return _build(text, pieces) if pieces else None


_PERCENT = LazyRegex(r"%([2-7][0-9A-Fa-f])")  # a printable ASCII character, URL-encoded


def _percent(text: str) -> View | None:
    """`%22token%22%3A%20%22X%22` read as `"token": "X"` (a URL's query, a form's body, a
    redirect's encoded URL): only with two encoded characters at least (`100%` is a number)."""
    if "%" not in text:
        return None
    pieces = [(found.start(), found.end(), chr(int(found.group(1), 16))) for found in _PERCENT.finditer(text)]
    pieces = [piece for piece in pieces if piece[2] != "\x7f"]
    return _build(text, pieces) if len(pieces) >= 2 else None


def _joined(text: str) -> View | None:
    pieces = [(found.start(), found.end(), "") for found in _JOINER.finditer(text)]
    return _build(text, pieces) if pieces else None


def views(text: str) -> list[View]:
    """The decoded views of `text` worth reading: escapes undone (twice, for a JSON string held
    in a JSON string), entities, URL encoding (twice), literals joined, and all of them."""
    if len(text) > MAX_VIEW:
        return []
    out: list[View] = []
    unescaped = _unescaped(text)
    if unescaped is not None:
        out.append(unescaped)
        twice = _unescaped(unescaped.text)
        if twice is not None:
            unescaped = unescaped.then(twice)
            out.append(unescaped)
    entities = _entities(unescaped.text if unescaped is not None else text)
    if entities is not None:
        unescaped = unescaped.then(entities) if unescaped is not None else entities
        out.append(unescaped)
    for _ in range(2):  # a URL encoded twice (`%253A`)
        encoded = _percent(unescaped.text if unescaped is not None else text)
        if encoded is None:
            break
        unescaped = unescaped.then(encoded) if unescaped is not None else encoded
        out.append(unescaped)
    base = unescaped if unescaped is not None else None
    joined = _joined(base.text if base is not None else text)
    if joined is not None:
        out.append(base.then(joined) if base is not None else joined)
    return out
