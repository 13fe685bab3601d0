"""Credentials in the options of common command-line clients, whose flags do not say "password":
`curl -u user:pw`, `mysql -pSECRET`, `sshpass -p pw`, `redis-cli -a pw`, `docker login -p pw`,
`sqlcmd -P pw`, `ldapsearch -w pw`, `smbclient -U user%pw`, `htpasswd -b file user pw`,
`ssh-keygen -N passphrase`, and a cookie string: `curl -b 'session=...'`.

Each rule starts at the client's name (redaction.py finds it) and reads the rest of that simple
command, up to a newline, `;`, `|` or `&&`. Flags that do say so (`--password X`, `-storepass X`)
are secrets/assignments.py's; `--password-stdin` and `-p` alone (a prompt) hold nothing.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex

_VALUE = r"(?P<secret>\"[^\"\n]{1,200}\"|'[^'\n]{1,200}'|[^\s\"'`;&|]{1,200})"
_NOT_SECRET = LazyRegex(r"[$%{<(\[]|\*{3}|(?i:x{3,})$|\d+$")
_COMMAND_END = LazyRegex(r"\n|;|\|\||\||&&")
_WINDOW = 2000  # the most of a command's options read after its client's name


class ClientRule:
    """A client (its name, lower-case, is the anchor) and where its credential is in its options:
    `source` is searched in the rest of the command, after the client's name."""

    __slots__ = ("anchors", "kind", "min_length", "needs", "pattern", "source")

    def __init__(
        self, anchors: tuple[str, ...], source: str, min_length: int = 3, kind: str = "cli-secret", needs: str = ""
    ) -> None:
        self.anchors = anchors
        self.source = source
        self.min_length = min_length
        self.kind = kind
        self.needs = needs  # a credential of this option holds this (a cookie's `=`; else a file name)
        self.pattern = LazyRegex(source)


CLIENT_RULES: tuple[ClientRule, ...] = (
    # curl -u user:pw, --user user:pw, -uuser:pw, --proxy-user user:pw; curl --oauth2-bearer TOKEN
    ClientRule(
        ("curl",),
        r"\s(?:-u|--user|--proxy-user|-U)(?:[ \t]+|=)?[\"']?[^\s:\"']+:(?P<secret>[^\s\"']{1,200})",
    ),
    ClientRule(("curl",), r"\s--oauth2-bearer[ \t]+" + _VALUE),
    # curl -b 'name=value; other=value' (a cookie string; `-b cookies.txt` names a file)
    # (its first cookie: the command's reading stops at a `;`, even one inside quotes)
    ClientRule(
        ("curl",), r"\s(?:-b|--cookie)(?:[ \t]+|=)[\"']?(?P<secret>[^\s\"'`;&|]{1,400})", kind="cookie", needs="="
    ),
    # ssh-keygen -N new_passphrase, -P old_passphrase (`-N ""`: no passphrase)
    ClientRule(("ssh-keygen",), r"\s-[NP][ \t]*" + _VALUE),
    # MySQL clients take the password glued to -p (`-p SECRET` prompts and names a database).
    ClientRule(("mysql", "mariadb"), r"\s-p(?P<secret>[^\s\"'`;&|]{1,200}|\"[^\"\n]{1,200}\"|'[^'\n]{1,200}')"),
    ClientRule(("sshpass",), r"\s-p[ \t]*" + _VALUE),
    ClientRule(("redis-cli",), r"\s-a[ \t]+" + _VALUE),
    ClientRule(("mongo",), r"\s-p[ \t]+" + _VALUE),
    ClientRule(("sqlcmd", "osql", "bcp "), r"\s-P[ \t]*" + _VALUE),
    ClientRule(("ldapsearch", "ldapmodify", "ldapadd", "ldapdelete", "ldapwhoami"), r"\s-w[ \t]+" + _VALUE),
    ClientRule(("smbclient", "rpcclient"), r"\s-U[ \t]+[^\s%]+%" + _VALUE),
    ClientRule(("htpasswd",), r"\s-b\w*[ \t]+(?:-\w+[ \t]+)*[^\s-]\S*[ \t]+\S+[ \t]+" + _VALUE),
    # docker/podman/buildah/skopeo/helm registry/oras/nerdctl login -p PW; az login -p PW
    ClientRule((" login",), r"\s-p[ \t]+" + _VALUE),
)
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
    stop = _COMMAND_END.search(text, end, end + _WINDOW)
    limit = stop.start() if stop is not None else min(len(text), end + _WINDOW)
    scanned[index] = limit
    spans: list[tuple[int, int, str]] = []
    for found in rule.pattern.finditer(text, end, limit):
        begin, finish = found.span("secret")
        secret = text[begin:finish]
        if secret[:1] in "\"'" and len(secret) >= 2:
            begin, finish, secret = begin + 1, finish - 1, secret[1:-1]
        if len(secret) < rule.min_length or secret.startswith("[REDACTED") or _NOT_SECRET.match(secret):
            continue
        if rule.needs and rule.needs not in secret:
            continue
        spans.append((begin, finish, rule.kind))
    return spans


def _diff_line(text: str, start: int) -> bool:
    """The client's name starts a diff's removed line (`-curl ...`)."""
    return text[start - 1] == "-" and (start == 1 or text[start - 2] == "\n")
