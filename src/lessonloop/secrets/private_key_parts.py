"""Private keys written in pieces: the base64 body of a key without its `-----BEGIN` line (the
header split across strings, `"-----BEGIN RSA " + "PRIVATE KEY-----\\n" + "MIIE..."`), a PuTTY
key's `Private-Lines:`, and a key whose lines are the items of a list (a JSON array, one line each).

A key's body is recognised by how its DER encoding starts (the version and algorithm fields every
private key of a kind begins with, seen in base64: `MII..IBAAK` for PKCS#1 RSA and DSA, `MII..IBADAN`
for PKCS#8, `MHcCAQEE`/`MIGkAgEBBD` for EC, `MC4CAQAwBQYDK2Vw` for Ed25519, `b3BlbnNzaC1rZXktdjE`
for OpenSSH), not by its randomness; from there every following run of base64 belongs to the key,
across the quotes, `+`, commas, `\\n` escapes and line breaks that split it, up to its END line
or the first piece of other text.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.format_rule import FormatRule, rule

_RUN = LazyRegex(r"[A-Za-z0-9+/=]{16,}")
# What may stand between two pieces of a key: quotes, concatenation, commas, brackets, escapes, blanks.
_BETWEEN = LazyRegex(r"(?:\\[nr]|\\|[\"'`+,\s()\[\];]){0,60}")
_FIRST = LazyRegex(r"[A-Za-z0-9+/=]+")
_END_LINE = LazyRegex(r"-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----")
KEY_ITEM = LazyRegex(r"[\"'\s]*(?:[A-Za-z0-9+/=]{16,}|-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----)(?:\\n|\s)*[\"',]*")
# DER starts of private keys, in base64 (anchor, characters of the key before the anchor)
_STARTS: tuple[tuple[str, int], ...] = (
    ("IBAAK", 6),  # MII?..IBAAK: PKCS#1 RSA, DSA
    ("IBADAN", 6),  # MII?..IBADAN: PKCS#8 (unencrypted)
    ("BgkqhkiG9w0BBQ0w", 8),  # MII?..BO: PKCS#8 encrypted (PBES2)
    ("MHcCAQEE", 0),  # EC P-256 (SEC1)
    ("AgEBBD", 4),  # EC P-384 (SEC1): MIGkAgEBBDA
    ("AgEBBEI", 4),  # EC P-521 (SEC1): MIHcAgEBBEI
    ("AgEAMBMGByqGSM49", 4),  # EC (PKCS#8)
    ("MC4CAQAwBQYDK2Vw", 0),  # Ed25519 (PKCS#8)
    ("b3BlbnNzaC1rZXktdjE", 0),  # OpenSSH
)
_BACK = dict(_STARTS)
_PRIVATE_LINES = LazyRegex(r"Private-Lines:[ \t]*\d+[ \t]*(?:\\n|\r?\n)")


def key_body_spans(text: str, at: int) -> list[tuple[int, int, str]]:
    """The key whose DER start has its anchor at `at`: from that start to its last base64 piece."""
    anchor = next((a for a in _BACK if text.startswith(a, at)), None)
    if anchor is None:
        return []
    start = at - _BACK[anchor]
    if start < 0 or (_BACK[anchor] == 6 and not text.startswith("MII", start)):
        return []
    if anchor != "b3BlbnNzaC1rZXktdjE" and text[start] != "M":
        return []  # a DER SEQUENCE (0x30) starts with M in base64
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "+/"):
        return []  # inside a longer base64 run: not a key's start
    return [(start, _body_end(text, start), "private-key")]


def private_lines_spans(text: str, at: int) -> list[tuple[int, int, str]]:
    """A PuTTY key's private lines (`Private-Lines: N` and the base64 after it)."""
    found = _PRIVATE_LINES.match(text, at)
    if found is None or _RUN.match(text, _skip(text, found.end())) is None:
        return []
    return [(found.end(), _body_end(text, found.end()), "private-key")]


def _skip(text: str, position: int) -> int:
    gap = _BETWEEN.match(text, position)
    return gap.end() if gap is not None else position


def _body_end(text: str, position: int) -> int:
    first = _FIRST.match(text, position)
    end = first.end() if first is not None else position
    while True:
        after = _skip(text, end)
        piece = _RUN.match(text, after)
        if piece is None:
            tail = _END_LINE.match(text, after)
            return tail.end() if tail is not None else end
        end = piece.end()


MARKER = "[REDACTED:private-key]"


def continues_key(item: str) -> bool:
    """Whether a list item after a redacted key piece is more of it (a base64 line or its END)."""
    return KEY_ITEM.fullmatch(item) is not None


RANDOM_MARKER = "[REDACTED:random-token]"  # secrets/loose_tokens.py's


def redact_key_items(items: list[object]) -> int:
    """In a list whose items were redacted one by one: the items that follow a redacted piece of a
    private key and are more of it (its base64 lines, its END line), replaced in place. Returns
    how many were."""
    count = 0
    inside = False
    for index, item in enumerate(items):
        if not isinstance(item, str):
            inside = False
            continue
        if inside and item == RANDOM_MARKER:
            items[index] = MARKER  # a line of the key the random-token rule took first: one kind
            continue
        if inside and continues_key(item):
            items[index] = MARKER
            count += 1
            inside = "-----END" not in item
            continue
        inside = MARKER in item
    return count


KEY_PART_RULES: tuple[FormatRule, ...] = (
    rule(
        "private-key", tuple(a for a, _ in _STARTS), "", exact=True, search=False, random=False, finder=key_body_spans
    ),
    rule("private-key", "Private-Lines:", "", exact=True, search=False, random=False, finder=private_lines_spans),
)
