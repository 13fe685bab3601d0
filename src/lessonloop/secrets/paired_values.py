"""Secrets told by what stands beside them rather than by a key of their own (issue 60):

- a name/value pair whose name names a secret: `- name: SECRET_KEY_BASE` then `value: ...`,
  `{"name": "Cookie", "value": "..."}`, `<add key="SmtpPassword" value="..."/>`,
  `<entry key="smtp.password">...</entry>`, `ParameterKey=DbPassword,ParameterValue=...`;
- a password field of a form: `<input type="password" value="...">`;
- a literal after a literal that names a secret: `define('AUTH_KEY', '...')`,
  `writeText "adminpass" "..."`, `setenv("API_TOKEN", "...")`;
- a literal after a user's address: `NetworkCredential("me@x.io", "...")`, an SQL row's
  `'news@x.io','...'`;
- a long hex literal given to a call that is not about hashes: `Client("AC...", "<32 hex>")`.

Each finds its spans by a cheap test first (the characters its form needs).
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets import assignments
from lessonloop.secrets.structural import line_starts, matches_at, places, plain_case
from lessonloop.secrets.token_shape import is_hex, random_token

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Iterator

# Words that make a name a secret's, wherever they stand in it (`PasswordData`, `MACAROON_HEX`).
_SECRET_PARTS = (
    "password", "passwd", "passphrase", "secret", "token", "cookie", "session", "credential", "apikey", "api_key",
    "private_key", "privatekey", "macaroon", "pwd", "psk", "auth_key", "authkey", "access_key", "accesskey",
    "signing_key", "master_key", "encryption_key", "client_key", "app_key", "license_key", "community",
)  # fmt: skip
# Names that only speak about a secret (its name, id, length, where it is kept).
_META_ENDINGS = (
    "_name", "_id", "_ids", "_type", "_url", "_uri", "_path", "_file", "_length", "_len", "_policy", "_ref",
    "_arn", "_expiry", "_expires", "_expiration", "_ttl", "_hint", "_field", "_label", "_format", "_version",
    "_count", "_enabled", "_required", "_header", "_timeout", "_lifetime", "_age", "_duration", "_prefix",
    "_reset", "_changed", "_updated", "_created", "_strength", "_rule", "_rules", "_min", "_max", "_endpoint",
    "_provider", "_store", "_manager", "_mode", "_source", "_kind", "_scope", "_scopes", "_placeholder",
)  # fmt: skip


def secret_name(name: str) -> bool:
    """Whether a field's name names a secret held in it (`SmtpPassword`, `SECRET_KEY_BASE`,
    `Cookie`, `smtp.password`), not a fact about one (`password_policy`, `token_url`)."""
    core = _snake(name)
    if not core or len(core) > 80:
        return False
    if assignments.names_secret(core):
        return True
    return any(part in core for part in _SECRET_PARTS) and not core.endswith(_META_ENDINGS)


def _snake(name: str) -> str:
    """`SmtpPassword` -> `smtp_password`, `smtp.password` and `smtp-password` too."""
    out: list[str] = []
    for index, char in enumerate(name.strip()):
        if char.isupper() and index and (name[index - 1].islower() or name[index - 1].isdigit()):
            out.append("_")
        out.append("_" if char in ".- " else char.lower())
    return "".join(out)


def literal_ok(value: str) -> bool:
    """A value kept beside a secret's name: a secret unless it is a placeholder, a template, a
    variable, a path, a number or a word of plain letters."""
    if _salt_like(value):
        return True
    if any(c.isspace() for c in value):
        return False  # a message, a sentence (`"user-auth" "Add user authentication"`)
    # `<` and `>` mark a placeholder only around a name (`<your-token>`, _BRACED_NAME below)
    probe = value.replace("<", "").replace(">", "") if len(value) > 6 else value
    if not probe or not assignments.common_value_ok(probe, 4) or len(value) > 400:
        return False
    if value[0] in "$%<@" or "${" in value or "{{" in value or "%(" in value or _BRACED_NAME.fullmatch(value):
        return False
    if value.startswith(("/", "./", "~/", "http://", "https://", "file:")) or assignments.all_caps_name(value):
        return False
    if assignments.dotted_name(value) and not any(c.isdigit() for c in value):
        return False  # secrets.grafanaAdmin, form.password
    return not (value.isalpha() and (value.islower() or value.istitle()))


def _salt_like(value: str) -> bool:
    """Forty characters or more of every class (a generated salt or key, `12WHh:}1Vg:/io4ty...`):
    what reads as a template or a placeholder inside it is chance."""
    return (
        40 <= len(value) <= 400
        and " " not in value
        and "${" not in value
        and "{{" not in value
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
        and sum(not c.isalnum() for c in value) >= 4
    )


_BRACED_NAME = LazyRegex(r"\{[\w.]*\}|<[\w .-]*>|\[[\w .-]*\]")

# `name: N` / `"name": "N"` / `Name=N` and then, in the same item, `value: V`.
_NAME_FIELD = LazyRegex(
    r"(?i)(?<![\w-])[\"']?(?:name|key|parameter_?key|parameter_?name|header|variable|setting)[\"']?[ \t]*[:=][ \t]*"
    r"[\"']?([\w.\-]{2,80})[\"']?"
)
_VALUE_FIELD = LazyRegex(
    r"(?i)(?<![\w-])[\"']?(?:value|parameter_?value|secret_?value|default_?value|example)[\"']?[ \t]*[:=][ \t]*"
    r"(?:\"((?:[^\"\\\n]|\\.){1,400})\"|'([^'\n]{1,400})'|([^\s,}\]\"'#][^,}\]\n]{0,399}))"
)
# An XML or HTML tag's attributes naming a secret, and its value or its content.
_TAG = LazyRegex(r"<[A-Za-z][\w:.-]*(?:[ \t\r\n]+(?:[^<>\"']|\"[^\"\n]*\"|'[^'\n]*'){0,600}?)?/?>")
_ATTRIBUTE = LazyRegex(r"([\w:.-]+)[ \t]*=[ \t]*(?:\"([^\"]*)\"|'([^']*)')")
_CONTENT = LazyRegex(r"([^<\n]{1,400})</")


def pair_spans(text: str) -> list[tuple[int, int, str]]:
    """Values of name/value pairs and of tags whose name is a secret's."""
    out: list[tuple[int, int, str]] = []
    if "alue" in text:
        # a match starts at its field's name (`parameter_key` from its first word) or the quote before
        lowered = text.lower()
        fields = ("parameter", "name", "key", "header", "variable", "setting")
        names = matches_at(_NAME_FIELD, text, places(lowered, fields, 1)) if plain_case(text) else None
        for name in _NAME_FIELD.finditer(text) if names is None else names:
            if not secret_name(name.group(1)):
                continue
            stop = _item_end(text, name.end())
            value = _VALUE_FIELD.search(text, name.end(), stop)
            if value is None:
                continue
            group = value.lastindex or 1
            begin, end = value.span(group)
            raw = text[begin:end].rstrip()
            if literal_ok(raw) or _cookie(name.group(1), raw):
                out.append((begin, begin + len(raw), "named-value"))
    if "<" in text and "=" in text:
        out += _tag_spans(text)
    if "efault" in text or "alue" in text:
        out += _block_spans(text)
    return out


# A block or mapping named for a secret, and the value or default inside it: Terraform's
# `"db_password": {"value": "..."}`, HCL's `variable "winrm_password" { default = "..." }`,
# CloudFormation's `MasterUserPassword:` ... `Default: ...`.
_BLOCK_HEAD = LazyRegex(
    r"(?m)(?:^[ \t]*(?:variable[ \t]+)?[\"']?([\w.\-]{2,80})[\"']?[ \t]*(?::[ \t]*(?:\{|$)|=?[ \t]*\{))"
    r"|[\"']([\w.\-]{2,80})[\"'][ \t]*:[ \t]*\{"
)
_INNER_VALUE = LazyRegex(
    r"(?i)(?<![\w-])[\"']?(?:value|default|default_?value)[\"']?[ \t]*[:=][ \t]*"
    r"(?:\"((?:[^\"\\\n]|\\.){1,400})\"|'([^'\n]{1,400})'|([^\s,}\]\"'#][^,}\]\n]{0,399}))"
)


def _block_spans(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    # a head starts a line or at a quote, on a line holding its `{` or `:`
    starts = sorted({*line_starts(text, text, ("{", ":")), *places(text, ('"', "'"))})
    for head in matches_at(_BLOCK_HEAD, text, starts):
        name = head.group(1) or head.group(2)
        if not name or not secret_name(name):
            continue
        stop = min(len(text), head.end() + 400)
        closing = text.find("}", head.end(), stop)
        if closing >= 0:
            stop = closing
        inner = _INNER_VALUE.search(text, head.end(), stop)
        if inner is None:
            continue
        group = inner.lastindex or 1
        begin, end = inner.span(group)
        value = text[begin:end].rstrip()
        if literal_ok(value) or (value and assignments.common_value_ok(value, 6) and any(c.isdigit() for c in value)):
            out.append((begin, begin + len(value), "named-value"))
    return out


def _item_end(text: str, position: int) -> int:
    """Where the item that holds a name ends: the next `name`, a closing brace, a new list item, or
    240 characters on."""
    limit = min(len(text), position + 240)
    for stop in ("}", "\n- ", "\n  - ", "\n    - ", "\n      - ", "\n        - ", "name"):
        found = text.find(stop, position, limit)
        if found >= 0:
            limit = found
    return limit


def _cookie(name: str, value: str) -> bool:
    """A cookie header's value: its session values are secrets, whatever their shape."""
    return name.lower() in ("cookie", "set-cookie") and "=" in value and len(value) >= 8


def _tag_spans(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for tag in _TAG.finditer(text):
        attributes = [(a.group(1).lower(), a.start(2) if a.group(2) is not None else a.start(3), a.group(2) if a.group(2) is not None else a.group(3)) for a in _ATTRIBUTE.finditer(text, tag.start(), tag.end())]  # fmt: skip
        if not attributes:
            continue
        named = {name: value for name, _start, value in attributes}
        secret = named.get("type", "").lower() == "password" or any(
            name in ("key", "name", "id", "property") and secret_name(value) for name, _start, value in attributes
        )
        if not secret:
            continue
        found = False
        for name, start, value in attributes:
            if name in ("value", "content", "password", "secret") and value and _entity_ok(value):
                out.append((start, start + len(value), "named-value"))
                found = True
        if not found and not tag.group().endswith("/>"):
            content = _CONTENT.match(text, tag.end())
            if content is not None and _entity_ok(content.group(1).strip()):
                begin = tag.end() + len(content.group(1)) - len(content.group(1).lstrip())
                out.append((begin, begin + len(content.group(1).strip()), "named-value"))
    return out


def _entity_ok(value: str) -> bool:
    """`literal_ok` for a value that may be written with HTML entities (`a&amp;b`): either form."""
    if not value:
        return False
    if literal_ok(value):
        return True
    if "&" in value:
        import html

        return literal_ok(html.unescape(value))
    return False


# Two literals in a row, the first naming a secret: `define('AUTH_KEY', '...')`.
_LITERAL_PAIR = LazyRegex(r"([\"'])([\w.\-]{2,80})\1[ \t]*(?:,|[ \t])[ \t]*([\"'])((?:(?!\3)[^\n\\]|\\.){4,400})\3")
# A user's address, then a literal: `("me@x.io", "...")`, `'news@x.io','...'`.
_ADDRESS_PAIR = LazyRegex(
    r"([\"'])[\w.+\-]{1,64}@[\w\-]+(?:\.[\w\-]+)+\1[ \t]*,[ \t]*([\"'])((?:(?!\2)[^\s\\]){6,200})\2"
)
_DIGITS = LazyRegex(r"\d")
_KEY_AFTER = LazyRegex(r"[ \t]*(?::(?!:)|=>)")
_CALLEE = LazyRegex(r"([\w.:$]+)[ \t]*\([^()\n]*$")
_CREDENTIAL_CALL = LazyRegex(r"(?i)cred|auth|login|logon|sign_?in|connect|smtp|sasl|basic|client|account|user")


# a connection string's password, to its `;`, entities and all (as written: decoding `&quot;`
# would end it early): `...;User ID=app;Password=a&quot;b$c;Encrypt=True`
_CONN_PASSWORD = LazyRegex(
    r"(?i)(?:^|[;\"'])[ \t]*(?:password|pwd)[ \t]*=[ \t]*(?!\{)((?:&[a-z]{2,6};|&#\d{1,5};|[^;\"'\n]){3,200})(?=;|[\"']|$)"
)


def connection_spans(text: str) -> list[tuple[int, int, str]]:
    """Passwords of `key=value;` connection strings (ADO.NET, ODBC, JDBC properties)."""
    lowered = text.lower()
    if not any(word in lowered for word in ("server=", "data source=", "host=", "database=", "initial catalog=")):
        return []
    out: list[tuple[int, int, str]] = []
    for found in _CONN_PASSWORD.finditer(text):
        value = found.group(1).rstrip()
        variable = value[0] in "$<{" or (value.startswith("%") and value.endswith("%"))  # $(X), <pw>, %PW%
        if literal_ok(value) or (len(value) >= 6 and any(not c.isalnum() for c in value) and not variable):
            out.append((found.start(1), found.start(1) + len(value), "dsn-password"))
    return out


# A YAML list under a key naming secrets (`api_keys:` then `- ...` lines)
_LIST_HEAD = LazyRegex(r"(?m)^([ \t]*)([\w.\-]{2,80}):[ \t]*\r?\n")
_LIST_ITEM = LazyRegex(r"[ \t]*-[ \t]+[\"']?([^\s\"'#]{8,400})[\"']?[ \t]*\r?(?:\n|$)")
# bytes of a key given as numbers under a key's name: `network_key: [87, 237, ...]` (16 to 64 of them)
# (the bytes first, found by their bracket; the name then, read back from it: `APPKEY[16] = {`)
_BYTES = LazyRegex(
    r"[\[{(][ \t]*((?:(?:0x[0-9a-fA-F]{1,2}|\d{1,3})[ \t]*,[ \t]*){15,63}(?:0x[0-9a-fA-F]{1,2}|\d{1,3}))[ \t]*[\]})]"
)
_BYTES_NAME = LazyRegex(r"([\w.\-]{2,80})[\"']?[ \t]*(?:\[[^\]\n]{0,8}\])?[ \t]*[:=][ \t]*$")
# a token split into literals and joined again: `['ab', 'cd'].join('')`, `"".join(["ab", "cd"])`,
# `"{}{}".format("ab", "cd")`
_JOINED_LIST = LazyRegex(
    r"\[((?:[ \t]*([\"'])[^\"'\n]{1,200}\2[ \t]*,){1,15}[ \t]*([\"'])[^\"'\n]{1,200}\3[ \t]*)\][ \t]*\.join\([ \t]*([\"'])\4[ \t]*\)"
    r"|([\"'])\5[ \t]*\.join\([ \t]*[\[(]((?:[ \t]*([\"'])[^\"'\n]{1,200}\7[ \t]*,){1,15}[ \t]*([\"'])[^\"'\n]{1,200}\8[ \t]*)[\])]"
    r"|([\"'])(?:\{\})+\9[ \t]*\.format\(((?:[ \t]*([\"'])[^\"'\n]{1,200}\11[ \t]*,){1,15}[ \t]*([\"'])[^\"'\n]{1,200}\12[ \t]*)\)"
)
_PIECE = LazyRegex(r"([\"'])([^\"'\n]{1,200})\1")


_LIST_NAME_WORDS = ("pass", "secret", "token", "key", "cred", "auth", "cookie", "session", "pwd", "psk", "macaroon",
                    "community", "salt", "licen", "pw", "seed", "pin")  # fmt: skip


def list_spans(text: str) -> list[tuple[int, int, str]]:
    """Items of a YAML list under a key naming secrets, and byte arrays under a key's name."""
    out: list[tuple[int, int, str]] = []
    lowered = text.lower()
    if not any(word in lowered for word in _LIST_NAME_WORDS):
        return out  # every list's and array's name must hold one of these
    if "- " in text and ":" in text:
        for head in _LIST_HEAD.finditer(text):
            name = head.group(2)
            if not (secret_name(name) or secret_name(name.rstrip("s"))):
                continue
            position = head.end()
            for _ in range(64):
                item = _LIST_ITEM.match(text, position)
                if item is None:
                    break
                value = item.group(1)
                if literal_ok(value) or random_token(value) or (is_hex(value) and len(value) >= 16):
                    out.append((item.start(1), item.end(1), "named-value"))
                position = item.end()
    if "," in text and ("[" in text or "{" in text):
        for found in _BYTES.finditer(text):
            named = _BYTES_NAME.search(text, max(0, found.start() - 100), found.start())
            if named is None:
                continue
            count = found.group(1).count(",") + 1
            name = _snake(named.group(1))
            keyish = name.endswith(("key", "secret", "psk", "token", "seed")) and "public" not in name
            if count in (16, 24, 32, 48, 64) and (keyish or secret_name(named.group(1))):
                out.append((found.start(1), found.end(1), "key-bytes"))
    return out


def joined_spans(text: str, judge: object) -> list[tuple[int, int, str]]:
    """A token split into literals and joined in code: the pieces, when what they join is a
    secret by `judge(joined) -> bool` (the rules' own reading of the joined text)."""
    out: list[tuple[int, int, str]] = []
    for found in _JOINED_LIST.finditer(text):
        group = 1 if found.group(1) is not None else 6 if found.group(6) is not None else 10
        pieces = list(_PIECE.finditer(text, found.start(group), found.end(group)))
        joined = "".join(piece.group(2) for piece in pieces)
        if len(joined) >= 16 and callable(judge) and judge(joined):
            out.append((pieces[0].start(2), pieces[-1].end(2), "joined-secret"))
    return out


# A quoted literal with a person's password's shape: letters, digits and a symbol.
# (the lookbehind for the character before the opening quote follows the quote, so that the
# search looks for quotes first)
_QUOTED = LazyRegex(r"([\"'])(?<![\w\\][\"'])([^\s\"'\\]{8,64})\1(?![\w\\])")
_PASSWORD_SYMBOLS = frozenset("!@#$%^&*?~+=")
_VERSION = LazyRegex(r"[vV]?\d+(?:[.\-]\w+)*(?:\+[\w.]+)?")
_PACKAGE_SPEC = LazyRegex(r"@?[\w./-]+@[\w.^~<>=*|\- ]+")
_ESCAPE_OR_REFERENCE = LazyRegex(r"%[0-9A-Fa-f]{2}|#\d+$")  # `a%20b`, `issue#1234`
_KEY_VALUE = LazyRegex(r"[A-Za-z_][\w.\-]*[=:].*")


_YEAR_END = LazyRegex(r"(?<!\d)(?:19|20)\d\d$")
_MEMORABLE = LazyRegex(r"(?=[^.\-_]*[A-Z])[A-Za-z]{3,12}(?:[._\-][A-Za-z]{3,12}){1,4}[._\-]\d{2,5}")


def human_password(value: str) -> bool:
    """A password a person chose, by its shape: eight or more characters with letters (four at
    least), digits and a symbol such as `!@#$%*`, and nothing of an expression, a template, a
    version, a package's name, an address or an option (`Winter*2006`, `Sapphire_cricket_62@`)."""
    if not 8 <= len(value) <= 64 or value[0] in "$%@{*^~=+!&<>([#" or value.startswith("-"):
        return False
    if _MEMORABLE.fullmatch(value) is not None and not value.islower() and not _YEAR_END.search(value):
        return True  # a generator's memorable password: `Hummel.Kiwi.765`, `MARBLE-Winter-55`
    symbols = [c for c in value if c in _PASSWORD_SYMBOLS]
    if not symbols or sum(c.isalpha() for c in value) < 4 or not any(c.isdigit() for c in value):
        return False
    if any(part in value for part in ("://", "${", "{{", "&&", "||", "!=", "==", "+=", "->", "=>", "/", "%s", "%d")):
        return False
    if (
        "@" in value
        and _PACKAGE_SPEC.fullmatch(value) is not None
        and not value.endswith("@")
        and _version_after_at(value)
    ):
        return False  # an address, a package at a version (`typescript@5.3.3`)
    if _KEY_VALUE.fullmatch(value) is not None and value.find("=") > 0 and value[: value.find("=")].isidentifier():
        return False  # `retries=3`, `max_age=60*60`
    if (
        any(c in value for c in "(){}[]<>")
        or ";" in value
        or (":" in value and value[: value.find(":")].replace("-", "_").isidentifier())
    ):
        return False  # CSS (`padding:8px;color:#888`), `label:value`
    if _VERSION.fullmatch(value) is not None or _ESCAPE_OR_REFERENCE.search(value) is not None:
        return False
    return not all(c in "*+=" for c in symbols) or any(c.isupper() for c in value)  # `count*100` is arithmetic


def _version_after_at(value: str) -> bool:
    """`name@5.3.3`, `pkg@^1`, `lib@latest`, `user@example.com`: what follows `@` is a version, a
    tag or a domain, not a password's tail (`35Copper@oktober5`)."""
    tail = value[value.rfind("@") + 1 :]
    return not tail or tail[0] in "0123456789^~<>=*" or tail in ("latest", "next", "beta", "canary") or "." in tail


# Erlang's and Elixir's keyword tuples: `{password, "X"}`, `{:password, "X"}`
_TUPLE_PAIR = LazyRegex(r"\{[ \t]*:?(\w{2,40})[ \t]*,[ \t]*(?:<<)?\"([^\"\n]{4,300})\"(?:>>)?[ \t]*\}")


# a secret's name, blanks, and its value quoted to the line's end: Django's settings as its debug
# page prints them (`EMAIL_HOST_PASSWORD\t'...'`), Apache's and tools' `Name "value"` lines
_SPACED_PAIR = LazyRegex(r"(?m)^[ \t]*([A-Za-z][\w.\-]{2,60})[ \t]+([\"'])([^\"'\n]{4,300})\2[ \t]*,?[ \t]*$")
_SPACED_WORDS = ("pass", "pwd", "secret", "token", "key", "credential", "auth", "cookie", "salt")


# a secret's name told in prose with its quoted value: `SECRET_KEY is set to '...'`
_TOLD_PAIR = LazyRegex(
    r"\b([A-Za-z][\w.\-]{2,60})`?[ \t]+(?:is|was|has been|gets)[ \t]+(?:(?:still|now|currently)[ \t]+)?"
    r"(?:set|changed|hard-?coded|defined)[ \t]+(?:to|as)[ \t]+([\"'`])([^\"'`\n]{4,300})\2"
)
# a key/value table's row set by SQL: `UPDATE config SET value = 'X' WHERE key = 'smtp.password'`
_SQL_KEY_VALUE = LazyRegex(
    r"(?i)\bset[ \t]+[\"`]?(?:value|val|setting_value|option_value)[\"`]?[ \t]*=[ \t]*'([^'\n]{4,300})'[ \t]+"
    r"where[ \t]+[\"`]?(?:key|name|setting|setting_key|option_name)[\"`]?[ \t]*=[ \t]*'([\w.\-]{2,80})'"
)


# Terraform's plan of a change: `~ password = "old" -> "new"` (the new value after the arrow); a C++
# or Go brace initializer: `std::string kMqttPassword{"..."}`
_PLANNED = LazyRegex(r"([A-Za-z][\w.\-]{1,60})[ \t]*=[ \t]*\"[^\"\n]*\"[ \t]*->[ \t]*\"([^\"\n]{4,300})\"")
_BRACED = LazyRegex(r"\b([A-Za-z_]\w{2,60})[ \t]*\{[ \t]*\"([^\"\n]{4,300})\"[ \t]*\}")


def arrow_and_brace_spans(text: str) -> list[tuple[int, int, str]]:
    """Values planned after an arrow and given in braces, under a secret's name."""
    out: list[tuple[int, int, str]] = []
    found_in = []
    if "->" in text:
        found_in.append((_PLANNED, "->"))
    if '{"' in text.replace(" ", ""):
        found_in.append((_BRACED, "{"))
    for pattern, needle in found_in:
        for found in _on_lines_with(pattern, text, needle):
            value = found.group(2)
            if secret_name(found.group(1)) and (_named_literal(value)):
                out.append((found.start(2), found.end(2), "named-value"))
    return out


def _on_lines_with(pattern: LazyRegex, text: str, needle: str) -> Iterator[re.Match[str]]:
    """The matches of a pattern whose every match lies on one line and holds `needle`, searched on
    the lines that hold it only (the same matches as over the whole text, which Python's re would
    try at every character)."""
    for start in line_starts(text, text, (needle,)):
        end = text.find("\n", start)
        yield from pattern.finditer(text, start, len(text) if end < 0 else end)


# a line of two quoted strings, a user and its password (PgBouncer's auth_file, `"app" "X"`)
_USER_LINE = LazyRegex(r"(?m)^[ \t]*\"([\w.@\-]{1,64})\"[ \t]+\"([^\"\n]{4,300})\"[ \t]*\r?$")


def userlist_spans(text: str, told_ok: object) -> list[tuple[int, int, str]]:
    """Passwords of a user list's lines: a hash (`md5...`, `SCRAM-SHA-256$...`) or a password's
    shape."""
    judge = told_ok if callable(told_ok) else (lambda value: False)
    out: list[tuple[int, int, str]] = []
    for found in _USER_LINE.finditer(text):
        value = found.group(2)
        hashed = value.startswith(("md5", "SCRAM-SHA-256$"))
        if hashed or (judge(value) and any(not c.isalpha() for c in value) and " " not in value):
            out.append((found.start(2), found.end(2), "user-password"))
    return out


def told_pair_spans(text: str) -> list[tuple[int, int, str]]:
    """Quoted values a secret's name is told to be set to, in prose and in SQL."""
    out: list[tuple[int, int, str]] = []
    if " to " in text or " as " in text:
        for found in _TOLD_PAIR.finditer(text):
            value = found.group(3)
            if secret_name(found.group(1)) and (_named_literal(value)):
                out.append((found.start(3), found.end(3), "named-value"))
    if "where" in text.lower():
        for found in _SQL_KEY_VALUE.finditer(text):
            if secret_name(found.group(2)) and (literal_ok(found.group(1)) or assignments.letters_soup(found.group(1))):
                out.append((found.start(1), found.end(1), "named-value"))
    return out


def _named_literal(value: str) -> bool:
    """A quoted value under a secret's name in prose, a plan or an initializer: a literal, a random
    token or a generated key of symbols."""
    return literal_ok(value) or random_token(value) or _symbols(value)


def _symbols(value: str) -> bool:
    """Twenty characters or more of letters, digits and symbols, no blank: a generated key
    (Django's SECRET_KEY), which literal_ok reads as code for its parentheses."""
    return (
        len(value) >= 20
        and " " not in value
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and sum(not c.isalnum() for c in value) >= 3
    )


def spaced_pair_spans(text: str) -> list[tuple[int, int, str]]:
    """Quoted values after a secret's name and blanks, a line each."""
    lowered = text.lower()
    if not any(word in lowered for word in _SPACED_WORDS):
        return []
    out: list[tuple[int, int, str]] = []
    # the name is on the line a match starts
    starts = line_starts(text, lowered, _SPACED_WORDS) if plain_case(text) else None
    for found in _SPACED_PAIR.finditer(text) if starts is None else matches_at(_SPACED_PAIR, text, starts):
        if secret_name(found.group(1)) and (literal_ok(found.group(3)) or assignments.letters_soup(found.group(3))):
            out.append((found.start(3), found.end(3), "named-value"))
    return out


def literal_spans(text: str, told_ok: object) -> list[tuple[int, int, str]]:
    """Literals after a literal naming a secret, after a user's address, and with a person's
    password's shape."""
    out: list[tuple[int, int, str]] = []
    if text.count('"') + text.count("'") < 2:
        return out
    if _DIGITS.search(text) is not None:
        for found in _QUOTED.finditer(text):
            if human_password(found.group(2)):
                out.append((found.start(2), found.end(2), "password-shaped"))
    if text.count('"') + text.count("'") < 4:
        return out
    if "{" in text:
        for found in _TUPLE_PAIR.finditer(text):
            if assignments.names_secret(_snake(found.group(1))) and literal_ok(found.group(2)):
                out.append((found.start(2), found.end(2), "named-value"))
    for found in _LITERAL_PAIR.finditer(text):
        name, value = found.group(2), found.group(4)
        if not assignments.names_secret(_snake(name)) or secret_name(value):
            continue
        if not literal_ok(value) and not assignments.letters_soup(value):  # (an app password of letters)
            continue
        before = text[max(0, found.start() - 40) : found.start()].rstrip()
        listed = bool(before) and before[-1] == ","
        line_start = (
            not before or before.endswith("\n") or text[max(0, found.start() - 1) : found.start()] in ("", "\n")
        )
        if not (line_start or before[-1] in "(]_" or before[-1].isalnum() or listed):
            continue  # the first argument of a call (`define('AUTH_KEY', ...)`), not an item of a list
        if listed and (
            value.isidentifier()
            or name.lower() == "pwd"  # the shell's command in a list of commands
            or not any(c.isdigit() for c in value)
            or not callable(told_ok)
            or not told_ok(value)
        ):
            continue  # in a list of names and values (`'Password','X'`), X needs a password's shape
        if _KEY_AFTER.match(text, found.end()) is not None:
            continue  # `"a", "b": ...`: the second is a key
        out.append((found.start(4), found.end(4), "named-value"))
    if "@" in text:
        for found in _ADDRESS_PAIR.finditer(text):
            value = found.group(3)
            if "@" in value or "://" in value or value.startswith(("/", "./")) or value.replace(".", "").isdigit():
                continue
            callee = _CALLEE.search(text, max(0, found.start() - 120), found.start())
            credential = callee is not None and _CREDENTIAL_CALL.search(callee.group(1)) is not None
            if (callable(told_ok) and told_ok(value)) or (
                credential and len(value) >= 8 and assignments.common_value_ok(value, 8) and value[0] not in "$%{<"
            ):
                out.append((found.start(3), found.end(3), "user-password"))
    return out


# A quoted hex literal of 32 digits or more given to a call: a key (a hash is named by its call or label).
_HEX_ARGUMENT = LazyRegex(r"[(,][ \t]*([\"'])([0-9a-fA-F]{32,128})\1(?=[ \t]*[,)])")
_HASH_WORDS = LazyRegex(
    r"(?i)sha|hash|digest|md5|checksum|commit|revision|\brev\b|etag|integrity|fingerprint|blake|crc|"
    r"object_?id|oid|tree|parent|uuid|guid|trace|span|request|\bid\b|_id\b|Id\b|color|colour"
)


def hex_argument_spans(text: str) -> list[tuple[int, int, str]]:
    """Long hex literals given to calls whose name and line speak of no hash."""
    out: list[tuple[int, int, str]] = []
    for found in _HEX_ARGUMENT.finditer(text):
        line_start = text.rfind("\n", 0, found.start()) + 1
        before = text[line_start : found.start(2)]
        if _HASH_WORDS.search(before) is None and _in_call(before):
            out.append((found.start(2), found.end(2), "hex-key"))
    return out


def _in_call(before: str) -> bool:
    """Whether the line before a literal leaves it inside a call's parentheses (`Client("...", `),
    not inside a list, a tuple of data or a map (`{:hex, :ash, "3.16.0", "..."`)."""
    depth = 0
    for index in range(len(before) - 1, -1, -1):
        char = before[index]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth:
                depth -= 1
                continue
            return char == "(" and index > 0 and (before[index - 1].isalnum() or before[index - 1] in "_$")
    return False
