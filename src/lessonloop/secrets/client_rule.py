"""A credential in the options of a command-line client, read after the client's name: the rule
(`ClientRule`) and the reading (`client_spans`). The rules are in secrets/cli_flags.py and
secrets/password_options.py.

Each rule starts at the client's name (redaction.py finds it) and reads the rest of that simple
command, up to a newline, `;`, `|` or `&&`. Flags that say "password" (`--password X`,
`-storepass X`) are secrets/assignments.py's; `--password-stdin` and `-p` alone (a prompt) hold
nothing.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex

# A value: quoted (with blanks) or one shell word (ending before a closing tag of markup around the
# command, `...PW</bash-stdout>`, where the next copy of the command may start).
VALUE = r"(?P<secret>\"[^\"\n]{1,200}\"|'[^'\n]{1,200}'|(?:[^\s\"'`;&|<]|<(?!/)){1,200})"
# A value glued to its option (`-pSECRET`): `-p` alone prompts.
GLUED = VALUE
_NOT_SECRET = LazyRegex(r"[$%{<(\[]|\*{3}|(?i:x{3,})$|\d+$")
_COMMAND_END = LazyRegex(r"\n|;|\|\||\||&&")
_WINDOW = 2000  # the most of a command's options read after its client's name
_AT_NAME_WINDOW = 800  # the most read after a name for a rule matched right there (a few arguments)
_SYMBOLS = frozenset("!@#%^&*+=/~?")


class ClientRule:
    """A client (its name, lower-case, is the anchor) and where its credential is in its options:
    `source` is searched in the rest of the command, after the client's name."""

    __slots__ = ("anchors", "at_name", "keep", "kind", "min_length", "needs", "pattern", "shaped", "source")

    def __init__(
        self,
        anchors: tuple[str, ...],
        source: str,
        min_length: int = 3,
        kind: str = "cli-secret",
        needs: str = "",
        at_name: bool = False,
        shaped: bool = False,
        keep: frozenset[str] = frozenset(),
    ) -> None:
        self.anchors = anchors
        self.source = source
        self.min_length = min_length
        self.kind = kind
        self.needs = needs  # a credential of this option holds this (a cookie's `=`; else a file name)
        self.at_name = at_name  # matched right after the name, once (positional: `wpa_passphrase SSID PASS`)
        self.shaped = shaped  # an unquoted value must look like a secret (a digit and a letter, or a symbol)
        self.keep = keep  # values that are never secrets (lower-case: an SNMP community `public`)
        self.pattern = LazyRegex(source)


_LOGIN_CLIENTS = LazyRegex(
    r"(?:^|[^\w.\-]|(?:^|\n)-)(?:docker|podman|buildah|skopeo|helm registry|oras|nerdctl|az|crane auth)$"
)


def client_spans(
    rule: ClientRule, text: str, start: int, end: int, scanned: dict[int, int], index: int
) -> list[tuple[int, int, str]]:
    """The credentials in the options of the command whose client name is text[start:end].

    `scanned[index]` is where this rule's last look ended: a command's options are read once even
    when the client's name recurs among them (a text of repeated names stays linear)."""
    if rule.anchors == (" login",):
        if _LOGIN_CLIENTS.search(text, max(0, start - 40), start) is None:
            return []
    elif start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-.") and not _diff_line(text, start):
        return []  # part of another word (libcurl); after a space, `+`, `$`, `→`, `/`, ... it is the client
    if start < scanned.get(index, 0):
        return []  # inside the options of a command this rule has read
    window = _AT_NAME_WINDOW if rule.at_name else _WINDOW
    stop = _COMMAND_END.search(text, end, end + window)
    limit = stop.start() if stop is not None else min(len(text), end + window)
    if not rule.at_name:  # a rule read at its name reads only there: each occurrence is read
        scanned[index] = limit
    spans: list[tuple[int, int, str]] = []
    if rule.at_name:
        first = rule.pattern.match(text, end, limit)
        matches = [first] if first is not None else []
    else:
        matches = list(rule.pattern.finditer(text, end, limit))
    for found in matches:
        begin, finish = found.span("secret")
        secret = text[begin:finish]
        quoted = secret[:1] in "\"'" and len(secret) >= 2
        if quoted:
            begin, finish, secret = begin + 1, finish - 1, secret[1:-1]
        if len(secret) < rule.min_length or secret.startswith("[REDACTED") or _NOT_SECRET.match(secret):
            continue
        if (rule.needs and rule.needs not in secret) or secret.lower() in rule.keep:
            continue
        if rule.shaped and not quoted and not _shaped(secret):
            continue
        spans.append((begin, finish, rule.kind))
    return spans


def _shaped(value: str) -> bool:
    has_digit = any(c.isdigit() for c in value)
    return (has_digit and any(c.isalpha() for c in value)) or any(c in _SYMBOLS for c in value)


def _diff_line(text: str, start: int) -> bool:
    """The client's name starts a diff's removed line (`-curl ...`)."""
    return text[start - 1] == "-" and (start == 1 or text[start - 2] == "\n")
