"""The redaction gate's anchors: every rule's anchor strings in the letter cases texts use, and for
each the rules it anchors (family, rule index).

Computing them reads every rule module (secrets/formats.py, gitleaks' vendored rules,
assignments' key words, the clients' flags), which costs a hook a few milliseconds; so they are
computed here, written once to secrets/anchor_table.py (generated: `python -m
lessonloop.secrets.anchors`), and redaction.py reads that table. tests/secrets/test_redaction_gates.py
fails, with the command to run, when the table no longer matches the rules.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The rule families an anchor can name (the first number of each (family, index) owner).
FORMAT = 0
KEY = 1
CLIENT = 2
VENDORED = 3

# Secret words whose keys secrets/assignments.py reads (`pass` also finds password, passwd, ...),
# as words: each is looked for in the spellings keys use (api_key, API_KEY, apiKey, Api-Key, ...).
KEY_WORDS: tuple[tuple[str, ...], ...] = (
    ("pass",),
    ("pwd",),
    ("pw",),
    ("auth",),
    ("creds",),
    ("license",),
    ("secret",),
    ("token",),
    ("credential",),
    *(
        (first, "key")
        for first in ("api", "access", "private", "app", "signing", "encryption", "master", "auth", "subscription")
    ),
    ("license", "key"),
    ("nonce", "key"),
    ("logged", "in", "key"),
    ("psk",),
    ("salt",),
    ("macaroon",),
    ("cookie",),
    ("sessionid",),
    ("sessid",),  # PHPSESSID
    # a personal access token's name (`AZURE_DEVOPS_EXT_PAT=`, `PAT: ...`): `pat` alone is in
    # every `path` and `update`
    ("_pat",),
    ("pat=",),
    ("pat:",),
    ("key", "string"),
    ("shared", "key"),
    ("authentication", "key"),
    ("management", "key"),
    ("honeycomb", "team"),
    ("art", "api"),
)
# An HTTP header's name ending in Key (X-Functions-Key, X-Insert-Key): assignments.py reads the
# name whole (any X-...-Key names a secret).
HEADER_KEY_ANCHORS = ("-Key", "-key", "-KEY")

# Format anchors written in any case.
FORMAT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "bearer": ("bearer", "Bearer", "BEARER"),
    "authorization": ("authorization", "Authorization", "AUTHORIZATION"),
    "accountkey=": ("AccountKey=", "accountkey=", "ACCOUNTKEY=", "accountKey="),
    "sharedaccesskey=": ("SharedAccessKey=", "sharedaccesskey=", "SHAREDACCESSKEY=", "sharedAccessKey="),
}

TABLE = Path(__file__).with_name("anchor_table.py")


def spellings(words: tuple[str, ...]) -> set[str]:
    """The spellings of a key word: lower, UPPER, Capitalized; for two words also camelCase,
    PascalCase, APIKey and each of these joined by nothing, `_` or `-`."""
    out: set[str] = set()
    for sep in ("", "_", "-") if len(words) > 1 else ("",):
        out.add(sep.join(words))
        out.add(sep.join(w.upper() for w in words))
        out.add(sep.join(w.capitalize() for w in words))
        out.add(sep.join([words[0], *(w.capitalize() for w in words[1:])]))
        out.add(sep.join([words[0].capitalize(), *words[1:]]))
        out.add(sep.join([words[0].upper(), *(w.capitalize() for w in words[1:])]))  # APIKey
    return out


def original_case(source: str, anchor: str) -> str:
    """The anchor as the rule's pattern spells it (the rules keep anchors lower-case)."""
    plain = source.replace("\\", "")
    at = plain.lower().find(anchor)
    return plain[at : at + len(anchor)] if at >= 0 else anchor


def build() -> tuple[tuple[str, ...], tuple[tuple[tuple[int, int], ...], ...], int, int]:
    """(anchors, for each anchor (by index) the rules it anchors sorted, the number of format
    rules, the number of vendored rules), from the rule modules themselves."""
    from lessonloop.secrets.cli_flags import CLIENT_RULES
    from lessonloop.secrets.formats import FORMAT_RULES
    from lessonloop.secrets.gitleaks_rules import VENDORED_RULES, vendored_anchors

    owners: dict[str, set[tuple[int, int]]] = {}

    def add(spelling: str, family: int, index: int) -> None:
        if not spelling.isascii() or "?" in spelling:  # see redaction.py's docstring: ascii, replace
            raise ValueError(f"a redaction anchor must be ASCII without '?': {spelling!r}")
        owners.setdefault(spelling, set()).add((family, index))

    for index, rule in enumerate(FORMAT_RULES):
        for anchor in rule.anchors:
            # Formats are case-sensitive except a few words (bearer, authorization, accountkey=).
            spelled = (anchor,) if rule.exact else FORMAT_SPELLINGS.get(anchor)
            for spelling in spelled if spelled is not None else (original_case(rule.source, anchor),):
                add(spelling, FORMAT, index)
    for words in KEY_WORDS:
        for spelling in sorted(spellings(words)):
            add(spelling, KEY, 0)
    for spelling in HEADER_KEY_ANCHORS:
        add(spelling, KEY, 0)
    for index, client in enumerate(CLIENT_RULES):
        for anchor in client.anchors:
            add(anchor, CLIENT, index)
    for index, anchor in vendored_anchors():
        add(anchor, VENDORED, index)
    return (
        tuple(owners),
        tuple(tuple(sorted(rules)) for rules in owners.values()),
        len(FORMAT_RULES),
        len(VENDORED_RULES),
    )


def heads(anchors: tuple[str, ...]) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """The anchors by their first two characters ({head: (anchor index, ...)}), and those shorter
    than two: what secrets/anchor_gate.py's scan reads."""
    by_head: dict[str, list[int]] = {}
    short: list[int] = []
    for index, anchor in enumerate(anchors):
        if len(anchor) < 2:
            short.append(index)
        else:
            by_head.setdefault(anchor[:2], []).append(index)
    return {head: tuple(bucket) for head, bucket in by_head.items()}, tuple(short)


def table_source() -> str:
    """The text of secrets/anchor_table.py for the rules as they are."""
    anchors, owners, formats, vendored = build()
    by_head, short = heads(anchors)
    lines = [
        '"""Generated by `python -m lessonloop.secrets.anchors` from the redaction rules: do not edit.',
        "",
        "The redaction gate's anchors (secrets/anchors.py), for each the rules it anchors as",
        "(family, rule index), the sizes of the format and vendored rule lists (the priorities",
        "of redaction.py), and the anchors by their first two characters (secrets/anchor_gate.py's",
        'scan). tests/secrets/test_redaction_gates.py checks it against the rules."""',
        "",
        "# the rule families of OWNERS' (family, rule index)",
        f"FORMAT, KEY, CLIENT, VENDORED = {FORMAT}, {KEY}, {CLIENT}, {VENDORED}",
        f"FORMAT_RULES = {formats}",
        f"VENDORED_RULES = {vendored}",
        "ANCHORS = (",
        *(f"    {anchor!r}," for anchor in anchors),
        ")",
        "OWNERS = (",
        *(f"    {rules!r}," for rules in owners),
        ")",
        "# the anchors (their indexes) by their first two characters",
        "HEADS = {",
        *(f"    {head!r}: {bucket!r}," for head, bucket in by_head.items()),
        "}",
        f"SHORT = {short!r}  # anchors of fewer than two bytes",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    """Write secrets/anchor_table.py (or, with --check, say whether it is up to date)."""
    text = table_source()
    current = TABLE.read_text(encoding="utf-8") if TABLE.exists() else ""
    if "--check" in sys.argv[1:]:
        if current != text:
            print(f"{TABLE} is out of date: run `python -m lessonloop.secrets.anchors`", file=sys.stderr)
            return 1
        return 0
    if current != text:
        TABLE.write_text(text, encoding="utf-8")
        print(f"wrote {TABLE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
