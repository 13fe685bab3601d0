"""Secrets no rule names, told from their context by a model learned from examples (issue 60).

The rules (formats, keys, structural) find a secret by a form someone wrote down; on sets of
secrets written by people who never saw them, 4 to 7% of kinds still leak, each through a form of
its own. This pass reads what the rules left: every word that may be a secret (letters with
digits, a random mix of cases, dashed words, grouped codes; secrets/learned_tokens.candidates) is
described by its shape (length, character classes, entropy, runs, known harmless forms: versions,
dates, addresses, identifiers, file names) and its context (the words before and after it on its
line and on the line above, the table header above it, the key it is given to, the characters
around it), and scored by a logistic model: the sum of the weights of its features.

The weights (secrets/learned_weights.py) are learned by scripts/train_secret_model.py from the
planted secrets and look-alikes of tests/secret_samples*.py (positives: the secrets; negatives:
every other word) and from the words of public agent transcripts (negatives: ids, hashes, paths,
identifiers), and measured on a set and on corpora the model never saw (docs/privacy.md).

Speed: the words are found by one regex, a code in groups by a second one only where a byte
translation shows two groups; a word's shape score is kept per spelling (a transcript repeats its
identifiers), and a word whose shape alone cannot reach the threshold with any usual context
(SHAPE_CUT) is never read in context. The shape weights are loaded by the first text with a
candidate, the context weights (secrets/learned_weights_context.bin, package data: context_weights)
by the first candidate whose shape passes the cut: most short texts a hook redacts never load them.
"""

from __future__ import annotations

import math
import os
import re
import sys
from array import array
from bisect import bisect_right
from itertools import repeat

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.token_shape import entropy, is_hex

KIND = "likely-secret"

# A word: what stands between spaces, quotes, brackets and separators; a candidate is one of 6 to
# 200 characters with a digit, or a lower-case letter before an upper-case one (a random mix of
# cases), or dashed words; or a code in four or more groups.
_W = r"[^\s\"'`()\[\]{}<>,;|]"
_TOKEN = LazyRegex(_W + "{6,}")
_MIXED = LazyRegex(r"\d|[a-z][A-Z]")
_GROUPS = r"(?:[A-Z0-9]{4,8} ){3,}[A-Z0-9]{4,8}|(?:[a-f0-9]{4,8} ){3,}[a-f0-9]{4,8}"
_GROUP_RUN = LazyRegex(rf"(?<![\w-])(?:{_GROUPS})(?![\w-])")
# The gate of the groups' search (Python's re tries it at every character): the text's ASCII bytes
# with upper-case letters, digits and a-f as `x`, a space as itself, the rest `.`; two groups of
# four or more are `xxxx xxxx` there.
_GROUP_BYTES = bytes(
    ord("x") if chr(code) in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef" else code if code == 32 else ord(".")
    for code in range(256)
)
_KEY_VALUE = LazyRegex(r"-{0,2}([A-Za-z_][\w.\-]{0,80})[=:](?!//)")
_TRAIL = ".,;:!?*_"
_LEAD = "*_+-"  # emphasis, a diff's added or removed line
_WORD = LazyRegex(r"[^\W\d_]{2,}")
_PIECE = LazyRegex(r"[A-Z]?[^\W\d_A-Z]+|[A-Z]+(?![^\W\d_A-Z])")
_MARKER = LazyRegex(r"\[REDACTED:[a-z0-9-]+\]")
_HUMP = LazyRegex(r"[a-z][A-Z]|[A-Z][A-Z][a-z]")
_DASHED = LazyRegex(r"[^\W\d_]{2,}(?:-[^\W\d_]{2,}){2,}")
_GROUPED = LazyRegex(_GROUPS)


class _Classes(dict[int, str]):
    """str.translate's table: each character to its class, 9 (digit), A (upper), a (lower or
    another letter), s (anything else)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = "9" if char.isdigit() else ("A" if char.isupper() else "a") if char.isalpha() else "s"
        self[code] = value
        return value


_CLASSES = _Classes()


def classes(word: str) -> str:
    """The word's characters as their classes (`Ab3!` -> `Aa9s`)."""
    return word.translate(_CLASSES)


def _worth(core: str) -> bool:
    """A word that may be a secret: a digit with letters, a random mix of cases, dashed words or
    grouped codes; never a plain word, a number or an identifier with one or two humps."""
    if _GROUPED.fullmatch(core):  # a code in groups, two or more of them with digits
        return sum(any(char.isdigit() for char in group) for group in core.split(" ")) >= 2
    cls = classes(core)
    letters = "a" in cls or "A" in cls
    if "9" in cls:
        return letters
    if "A" in cls and "a" in cls:
        humps = len(_HUMP.findall(core))
        return humps >= 3 or (len(core) >= 16 and humps >= 2)
    return bool(_DASHED.fullmatch(core))


_PUBLIC_BLOCK = LazyRegex(
    r"-----BEGIN ([A-Z0-9 ]*(?:CERTIFICATE|PUBLIC KEY|SIGNATURE|ENCRYPTED FILE|PGP MESSAGE)[A-Z0-9 ]*)-----"
    r".*?(?:-----END \1-----|\Z)",
    re.S,
)


def candidates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, key) of every word of `text` that may be a secret: `key` is the name it is
    given to when the word is `name=value` or `name:value` (the value is the candidate). What a
    certificate, public key or signature block holds is public (an encrypted file or message's
    body is ciphertext; a private key's block is the rules'), and so are a digest named by its
    algorithm (`sha512-...`, `sha256:...`), a publishable key (`pk_live_`, Mapbox's `pk.`), base64
    of plain text (a mail body, `aGVsbG8gd29ybGQ=`) and a filler (`AAAAAAAA`)."""
    out: list[tuple[int, int, str]] = []
    public = [match.span() for match in _PUBLIC_BLOCK.finditer(text)] if "-----BEGIN " in text else []
    found = [match.span() for match in _TOKEN.finditer(text)]
    if b"xxxx xxxx" in text.encode("ascii", "replace").translate(_GROUP_BYTES):
        found += [match.span() for match in _GROUP_RUN.finditer(text)]
        found.sort()
    for start, end in found:
        if end - start > 200 or (public and any(begin <= start < finish for begin, finish in public)):
            continue
        word = text[start:end]
        if not _MIXED.search(word) and not ("-" in word and _DASHED.fullmatch(word.strip(_TRAIL))):
            continue
        if "REDACTED" in word or "://" in word:
            continue
        while end > start and text[end - 1] in _TRAIL:
            end -= 1
        pair = _KEY_VALUE.match(word)
        if pair and start + pair.end() < end:
            # `name=value`: the value given to the name; and the whole word when the name itself
            # is no identifier (`RtKEP3.V=onlgNxp`, a password with `=` in it)
            if not pair.group(1).replace("_", "").replace(".", "").replace("-", "").isalpha():
                _add(text, start, end, "", out)
            _add(text, start + pair.end(), end, pair.group(1), out)
        else:
            _add(text, start, end, "", out)
    return out


def _add(text: str, start: int, end: int, key: str, out: list[tuple[int, int, str]]) -> None:
    while start < end and text[start] in _LEAD:
        start += 1
    if end - start < 6 or text[start] == "/" or text.startswith(("./", "~/"), start):
        return
    word = text[start:end]
    if _HASH_NAMED.search(word) or word.startswith(("pk_", "pk.")) or _FILLER.search(word):
        return
    if not word.isascii() and sum(ord(char) > 127 for char in word) * 2 > len(word):
        return  # a sentence of a script without spaces (the rules read passwords told in it)
    if len(word) >= 16 and _BASE64.fullmatch(word) and _decodes_to_text(word):
        return
    if _worth(word):
        out.append((start, end, key))


def _bucket(value: float, edges: tuple[float, ...]) -> int:
    """The index of the first edge above `value` (the number of edges at or below it)."""
    return bisect_right(edges, value)


_LENGTHS = (8, 10, 12, 14, 16, 20, 24, 32, 40, 48, 64, 80, 128)
_UUID = LazyRegex(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# (name, a character every match holds or "", the form)
_FORMS = (
    ("version", ".", LazyRegex(r"v?\d+(?:\.\d+)+(?:[-+.]\w+)*")),
    ("date", "-", LazyRegex(r"\d{4}-\d{2}-\d{2}.*")),
    ("ip", ".", LazyRegex(r"\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?")),
    ("email", "@", LazyRegex(r"[^@]+@[\w-]+\.[\w.-]+")),
    ("snake", "_", LazyRegex(r"[a-z]+(?:_[a-z0-9]+)+")),
    ("camel", "", LazyRegex(r"[a-z]+(?:[A-Z][a-z0-9]+)+")),
    ("pascal", "", LazyRegex(r"(?:[A-Z][a-z]+){2,}")),
    ("const", "_", LazyRegex(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")),
    ("dotted", ".", LazyRegex(r"[a-z][\w-]*(?:\.[a-z][\w-]*)+")),
    ("wordnum", "", LazyRegex(r"[A-Za-z]+[0-9]{2,4}[^\w]?")),
    ("dashwords", "-", LazyRegex(r"[a-z]+(?:-[a-z]+){2,}")),
)
_YEAR = LazyRegex(r"(?:19|20)\d\d")
_HASH_NAMED = LazyRegex(r"(?i)(?<![a-z0-9])(?:sha(?:1|224|256|384|512)|sha3-\d+|md5|blake2[bs]?)[-:=]")
_DATED = LazyRegex(r"(?:19|20)\d\d[-_./]?[01]\d(?:[-_./]?[0-3]\d)?(?!\d)")
_FILE = LazyRegex(r"\.(?:py|js|ts|md|json|ya?ml|txt|sh|go|rs|html|css|log|toml|lock|cfg|ini|xml|csv)$")
_LETTERS = LazyRegex(r"[A-Za-z]+")
_RUN = LazyRegex(r"(.)\1*")
_BASE64 = LazyRegex(r"[A-Za-z0-9+/_-]+={0,2}")
_REPEATED = LazyRegex(r"(.)\1{3,}")
_FILLER = LazyRegex(r"(.)\1{7,}")


def shape_features(word: str) -> list[str]:
    """What the word looks like, whatever stands around it."""
    n = len(word)
    cls = classes(word)
    digits, upper, symbols, lower = cls.count("9"), cls.count("A"), cls.count("s"), cls.count("a")
    out = [
        f"len{_bucket(n, _LENGTHS)}",
        "cls:" + ("9" if digits else "") + ("A" if upper else "") + ("a" if lower else "") + ("s" if symbols else ""),
        f"nd{_bucket(digits, (1, 2, 3, 4, 5, 8, 12, 20))}",
        f"nu{_bucket(upper, (1, 2, 3, 4, 6, 10))}",
        f"ns{_bucket(symbols, (1, 2, 3, 5))}",
    ]
    if symbols:
        marks = sorted({char for char, kind in zip(word, cls, strict=True) if kind == "s"})[:4]
        out.append("sy:" + "".join(marks))
        out += ["s1:" + mark for mark in marks]
    out.append(f"ent{_bucket(entropy(word) / math.log2(max(n, 2)), (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95))}")
    runs = "".join(_RUN.findall(cls))
    out += [
        f"tr{_bucket(len(runs), (2, 3, 4, 5, 7, 10, 14, 20))}",
        "sh:" + runs[:6] + ("+" if len(runs) > 6 else ""),
        "pre:" + runs[:2],
        "suf:" + runs[-2:],
        f"alpha{_bucket(max(map(len, _LETTERS.findall(word)), default=0), (2, 3, 4, 5, 6, 8, 10, 14))}",
    ]
    if is_hex(word):
        out.append(f"hex{n}" if n in (32, 40, 64, 128) else f"hexb{_bucket(n, (8, 16, 24, 32, 48, 64))}")
    if n == 36 and _UUID.fullmatch(word):
        out.append("uuid")
    out += [name for name, needs, form in _FORMS if (not needs or needs in word) and form.fullmatch(word)]
    if _YEAR.search(word):
        out.append("year")
        if _DATED.search(word):
            out.append("dated")
    if "/" in word:
        out.append("slash")
    if "\\" in word:
        out.append("bslash")
    if _FILE.search(word):
        out.append("fileext")
    if "%" in word or word[0] == "$" or "{" in word:
        out.append("template")
    if " " in word:
        out.append("grouped")
    if _REPEATED.search(word):
        out.append("charrun")  # `AAAA`, `0000`: a filler, a mask, a test value
    return out


def _decodes_to_text(word: str) -> bool:
    """The word is base64 of text (loose_tokens.decoded_text): words between spaces or line
    breaks, or JSON."""
    from lessonloop.secrets.loose_tokens import decoded_text

    text = decoded_text(word.rstrip("="))
    return text is not None and (" " in text or "\n" in text or text[:1] in ("{", "["))


def words(segment: str) -> list[str]:
    """The words of `segment`, lower-cased; camelCase and PascalCase words in their pieces."""
    out: list[str] = []
    for word in _WORD.findall(segment):
        if not word.islower() and not word.isupper():
            pieces = _PIECE.findall(word)
            if len(pieces) > 1:
                out += [piece.lower() for piece in pieces if len(piece) > 1]
                continue
        out.append(word.lower())
    return out


def _delimiter(line: str) -> str:
    if line.count("|") >= 2:
        return "|"
    if "\t" in line:
        return "\t"
    if line.count(",") >= 2:
        return ","
    return " " if "  " in line.strip() else ""


_RULE_LINE = frozenset("|-: +=")
_REACH = 2000
_CELL = LazyRegex(r"\S+")


def header_words(text: str, line_start: int, line_end: int, start: int) -> list[str]:
    """The words of the header cell above the word at `start` in a table (Markdown, CSV, TSV, or
    aligned by spaces): the first line of the block of lines split like the word's own."""
    if line_start == 0:
        return []
    delimiter = _delimiter(text[line_start:line_end])
    if not delimiter:
        return []
    top = None
    for line in reversed(text[max(0, line_start - 2000) : line_start].split("\n")[-16:-1]):
        if _delimiter(line) != delimiter:
            break
        top = line
    if top is None or set(top.strip()) <= _RULE_LINE:
        return []
    if delimiter == " ":
        column = start - line_start
        for cell in _CELL.finditer(top):
            if cell.start() <= column + 2 and cell.end() >= column:
                return words(cell.group())
        return []
    index = text[line_start:start].count(delimiter)
    cells = top.split(delimiter)
    return words(cells[index]) if index < len(cells) else []


def _unmarked(segment: str) -> str:
    """A redaction marker as the word `redacted` (what the rules found is context too)."""
    return _MARKER.sub(" redacted ", segment) if "[REDACTED:" in segment else segment


def _around(chars: str) -> str:
    return "".join(classes(char) if char.isalnum() else char for char in chars)


def coarse(word: str) -> str:
    """The word's broad form: hex digits, groups, a person's (a word and a few digits or symbols)
    or random; the nearest context's features are also learned per form (a hex string under `key`
    is not a password under `key`)."""
    if " " in word:
        return "grp"
    if len(word) >= 16 and is_hex(word):
        return "hex"
    longest = max(map(len, _LETTERS.findall(word)), default=0)
    return "hum" if longest >= 4 and longest * 2 >= len(word) else "rnd"


def context_features(text: str, start: int, end: int, key: str, form: str = "") -> list[str]:
    """What stands around the word text[start:end]: words before (near: the two nearest) and after
    it on its line, the words at the end of the line above, the header above it in a table, the
    pieces of the key it is given to, the characters on each side, how its line begins; with its
    `form` (coarse), the nearest of these once more, per form."""
    # a line's ends are looked for within _REACH (a minified file or a JSON blob is one line of
    # megabytes: its start is then unknown, and so are its header and its first character)
    floor = max(0, start - _REACH)
    line_start = text.rfind("\n", floor, start) + 1
    known = line_start > 0 or floor == 0
    if not known:
        line_start = floor
    line_end = text.find("\n", end, end + _REACH)
    if line_end < 0:
        line_end = min(len(text), end + _REACH)
    left = words(_unmarked(text[max(line_start, start - 80) : start]))
    right = words(_unmarked(text[end : min(line_end, end + 40)]))
    out: list[str] = []
    crossed: list[str] = []  # the nearest context's names, learned once more per form
    for index, word in enumerate(reversed(left[-8:])):
        if index < 2:
            crossed.append("Ln:" + word)
            out += [crossed[-1], "L4:" + word[:4]]
        else:
            out += ["Lf:" + word, "L4:" + word[:4]]
    for word in right[:4]:
        out += ["R:" + word, "R4:" + word[:4]]
    if line_start and known:
        above_start = text.rfind("\n", max(0, line_start - 1 - _REACH), line_start - 1) + 1
        for word in words(_unmarked(text[max(above_start, line_start - 80) : line_start]))[-6:]:
            crossed.append("P:" + word)
            out += [crossed[-1], "P4:" + word[:4]]
    for word in header_words(text, line_start, line_end, start)[:3] if known else ():
        crossed.append("H:" + word)
        out += [crossed[-1], "H4:" + word[:4]]
    if key:
        for piece in words(key):
            crossed.append("Kp:" + piece)
            out += [crossed[-1], "K4:" + piece[:4]]
    else:
        out.append("nokey")
    out += ["b:" + _around(text[max(line_start, start - 2) : start]), "a:" + _around(text[end : end + 2])]
    lead = text[line_start : line_start + 1] if known else ""
    if lead and lead in "+-|#>$*":
        out.append("line:" + lead)
    if not left:
        out.append("linestart")
    if not right:
        out.append("lineend")
    if form:
        out += [form + "|" + name for name in crossed]
    return out


def prepare_bulk() -> None:
    """For a process about to redact megabytes (ingest): every pattern of this module compiled
    now and used as itself, not through its LazyRegex (a hook compiles only those its few short
    texts need; the call through the wrapper costs bulk redaction about 4%)."""
    module = globals()
    for name, value in list(module.items()):
        if isinstance(value, LazyRegex):
            module[name] = value.compiled
    module["_FORMS"] = tuple(
        (name, needs, form.compiled if isinstance(form, LazyRegex) else form) for name, needs, form in _FORMS
    )


# The names context_features writes (a word before, after or above, a header, a key's piece, the
# characters around, the line's lead; each of the nearest once more per coarse form); every other
# name is shape_features' (the two never share a name: the weights are kept in two modules by it).
_CONTEXT_NAME = LazyRegex(
    r"(?:(?:hex|grp|hum|rnd)\|)?(?:Ln|L4|Lf|R|R4|P|P4|H|H4|Kp|K4|b|a|line):|(?:nokey|linestart|lineend)\Z"
)


def context_feature(name: str) -> bool:
    """Whether a feature's name is one context_features writes (else shape_features does)."""
    return _CONTEXT_NAME.match(name) is not None


def features(text: str, start: int, end: int, key: str) -> list[str]:
    """Every feature of the candidate text[start:end] (scripts/train_secret_model.py learns their
    weights from the same function)."""
    word = text[start:end]
    return shape_features(word) + context_features(text, start, end, key, coarse(word))


_SHAPE_SCORES: dict[str, tuple[float, str]] = {}
_ZEROS = repeat(0.0)  # the weight of a feature the model has none for (map's second argument)
_SHAPE_SCORES_SIZE = 65536


def _shape_score(word: str, weights: dict[str, float]) -> tuple[float, str]:
    """The sum of the word's shape weights, and its coarse form (kept per spelling)."""
    found = _SHAPE_SCORES.get(word)
    if found is None:
        if len(_SHAPE_SCORES) >= _SHAPE_SCORES_SIZE:
            _SHAPE_SCORES.clear()
        score = sum(map(weights.get, set(shape_features(word)), _ZEROS))
        found = _SHAPE_SCORES[word] = (score, coarse(word))
    return found


def scored(text: str) -> list[tuple[int, int, float]]:
    """(start, end, probability) of every candidate of `text` whose shape may make it a secret."""
    found = candidates(text)
    if not found:
        return []  # (the shape weights are loaded by the first text that has a candidate)
    from lessonloop.secrets.learned_weights import BIAS, SHAPE_CUT, SHAPE_WEIGHTS

    weights: dict[str, float] | None = None
    out: list[tuple[int, int, float]] = []
    for start, end, key in found:
        score, form = _shape_score(text[start:end], SHAPE_WEIGHTS)
        shape = BIAS + score
        if shape < SHAPE_CUT:
            continue
        if weights is None:  # (16k weights: loaded by the first candidate whose shape passes)
            weights = context_weights()
        z = shape + sum(map(weights.get, set(context_features(text, start, end, key, form)), _ZEROS))
        out.append((start, end, 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))))
    return out


# The context weights, written by scripts/train_secret_model.py beside learned_weights.py: a count
# (uint32), that many weights (float32), then their names (UTF-8, joined by NUL); little-endian.
CONTEXT_FILE = os.path.join(os.path.dirname(__file__), "learned_weights_context.bin")
_context_weights: dict[str, float] | None = None


def read_weights(path: str) -> dict[str, float]:
    """A weights file (CONTEXT_FILE's format): feature name -> weight."""
    with open(path, "rb") as file:
        data = file.read()
    end = 4 + 4 * int.from_bytes(data[:4], "little")
    weights = array("f")
    weights.frombytes(data[4:end])
    if sys.byteorder != "little":
        weights.byteswap()
    return dict(zip(data[end:].decode().split("\0"), weights, strict=True))


def context_weights() -> dict[str, float]:
    """The context weights (feature name -> weight), read from CONTEXT_FILE on the first call."""
    global _context_weights
    if _context_weights is None:
        _context_weights = read_weights(CONTEXT_FILE)
    return _context_weights


# In code (and a tool's output, read as code), `name = word` with a bare identifier is a variable
# given to a name (`token = abc123def`), as the assignment rules read it (secrets/redaction.py).
_CODE_ASSIGNMENT = LazyRegex(r"[ \t]*[+-]?[ \t]*[A-Za-z_][\w.]* = ([A-Za-z_]\w*)[ \t]*[;,)]?[ \t]*$", re.M)


def learned_spans(text: str, scope: str = "prose") -> list[tuple[int, int, str]]:
    """The candidates of `text` the model takes for secrets (probability THRESHOLD or more); in
    code and output, not a variable given to a name."""
    scores = scored(text)
    if not scores:
        return []
    from lessonloop.secrets.learned_weights import THRESHOLD

    found = [(start, end) for start, end, probability in scores if probability >= THRESHOLD]
    if found and scope in ("code", "output") and " = " in text:
        variables = {match.span(1) for match in _CODE_ASSIGNMENT.finditer(text)}
        found = [span for span in found if span not in variables]
    return [(start, end, KIND) for start, end in found]
