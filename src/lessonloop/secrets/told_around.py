"""Secrets told by the text around them in forms of their own (issue 60): a column of an aligned
or tab-separated table whose header names a secret (pandas output, a spreadsheet pasted in), a
value pointed at from after it (`X <- that's the root pw`), a login told in a sentence
(`connected as svc with X`), a key's hex on the line after its heading (`Private (signing) key:`),
a hex dump of a file named for a key, a payment card with its context, and characters of a key
written one by one (`char key[] = {'8', 'C', ...}`, `String.fromCharCode(81, 67, ...)`).
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.assignments import letters_soup
from lessonloop.secrets.structural import line_starts, plain_case

_SECRET_HEADER = LazyRegex(
    r"(?i)^(?:[\w ]{0,20}[ _-])?(?:password|passwort|passwd|pass|pwd|secret|token|api[ _-]?key|private[ _-]?key"
    r"|credentials?|contraseña|mot de passe|senha|kennwort|pin)$"
)
_HEADER_CELL = LazyRegex(r"[^\W\d_][^\W\d]{0,30}(?:[ _-][^\W\d]{1,30}){0,3}")  # a column's name: words only
_ALIGNED_SPLIT = LazyRegex(r"\t|[ ]{2,}")


def table_spans(text: str) -> list[tuple[int, int, str]]:
    """Cells under a secret's column of a table aligned by spaces or split by tabs."""
    out: list[tuple[int, int, str]] = []
    lines = text.split("\n")
    offsets = []
    position = 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    for index, header in enumerate(lines[:-1]):
        if "\t" not in header and "  " not in header:
            continue
        cells = _cells(header)
        if len(cells) < 2 or len(cells) > 30:
            continue
        columns = [i for i, (_start, cell) in enumerate(cells) if _SECRET_HEADER.fullmatch(cell.strip()) is not None]
        if not columns or any(_HEADER_CELL.fullmatch(cell.strip()) is None for _start, cell in cells):
            continue  # a header names its columns; a row of data (`db-credentials  Opaque  2  3d`) is no header
        for row_index in range(index + 1, min(len(lines), index + 201)):
            row = lines[row_index]
            if not row.strip():
                break
            row_cells = _cells(row)
            shift = len(row_cells) - len(cells)  # pandas prints an index column without a header
            if shift not in (0, 1):
                break
            for column in columns:
                start, cell = row_cells[column + shift]
                value = cell.strip()
                shaped = any(not c.isalpha() for c in value) or any(c.isupper() for c in value[1:])
                if (
                    len(value) >= 6
                    and shaped
                    and " " not in value
                    and value.lower() not in ("none", "null", "nan", "****")
                ):
                    begin = offsets[row_index] + start + (len(cell) - len(cell.lstrip()))
                    out.append((begin, begin + len(value), "table-secret"))
    return out


def _cells(line: str) -> list[tuple[int, str]]:
    """A line's cells and where each starts (split at tabs or at two spaces or more)."""
    cells: list[tuple[int, str]] = []
    stripped = line.rstrip()
    lead = len(stripped) - len(stripped.lstrip())
    position = lead
    rest = stripped[lead:]
    for found in _ALIGNED_SPLIT.finditer(rest):
        cells.append((position, rest[position - lead : found.start()]))
        position = lead + found.end()
    cells.append((position, rest[position - lead :]))
    return [cell for cell in cells if cell[1].strip()] if "\t" not in line else cells


# `X <- that's the root pw`, `X   <-- password`
_POINTED = LazyRegex(
    r"(?im)(?:^|[ \t])(\S{6,200})[ \t]*(?:<-+|←)[ \t]*[^\n]{0,40}?\b(?:pw|pwd|pass|password|passphrase|pin|passcode|token|key)\b"
)
# `connected as svc_ml with X`, `logged in as admin using X`
_LOGIN_TOLD = LazyRegex(
    r"(?i)\b(?:connect(?:ed|ing)?|log(?:ged|ging)?[ \t]*in(?:to)?|sign(?:ed)?[ \t]*in|authenticat(?:ed|ing))\b"
    r"[^\n]{0,40}?\bas[ \t]+\S{1,64}[ \t]+(?:with|using|and|/)[ \t]+(?:password[ \t]+|pw[ \t]+)?([^\s\"']{6,200})"
)
# a user and a password as a pair: `` `admin` / `X` ``, `DB: staging / X` (after a label), in a text
# that speaks of credentials; `` decodes to `user:X` `` (what a Basic header holds)
_SLASH_PAIR = LazyRegex(
    r"(?m)(?:`([^`\s/]{1,64})`[ \t]*/[ \t]*`([^`\s]{6,100})`"
    r"|^[ \t]*(?:[-*][ \t]+)?[\w .\-]{1,30}:[ \t]+([\w.@\-]{1,64})[ \t]+/[ \t]+([^\s/`]{6,100})[ \t]*\r?$)"
)
_PAIR_WORDS = ("credential", "creds", "login", "password", "passwort", "account", "admin", "user", "db", "database",
               "ssh", "ftp", "mysql", "postgres", "redis", "staging", "prod")  # fmt: skip
_DECODED_PAIR = LazyRegex(r"(?i)\bdecode[sd]?[ \t]+(?:to|as)[ \t]+`?[\w.@\-]{1,64}:([^\s`'\"]{4,200})`?")
# a user and password given as `user:password` to log in with: `login with ops:X on the jump host`
_LOGIN_WITH_PAIR = LazyRegex(
    r"(?i)\b(?:log(?:ged|ging)?[ \t]*in(?:to)?|login|sign(?:ed)?[ \t]*in|connect(?:ed|ing)?|authenticat(?:e|ed|ing))"
    r"[ \t]+(?:with|using|as)[ \t]+[\w.@\-]{1,64}:([^\s\"'/@]{6,200})(?=[\s,;)]|$)"
)
# a heading naming a private or secret key, and the key's hex or base64 on the line after it
_KEY_HEADING = LazyRegex(
    r"(?im)^[^\n]*\b(?:private|secret|signing)\b[^\n]{0,30}\bkey\b[^\n]{0,30}:[ \t]*\r?\n[ \t]*([0-9a-fA-F]{32,256}|[A-Za-z0-9+/]{32,256}={0,2})[ \t]*\r?$"
)
# a heading or a comment naming a secret, and a value alone on the line after it (a blank line may
# stand between): `Generated a new Django SECRET_KEY:` / `# Moonraker API key (Settings)` then the key
_SECRET_HEADING = LazyRegex(
    r"(?im)^(?:[ \t]*(?:#|//|--|;)[^\n]{0,80}|[^\n]{0,80}:[ \t]*)(?<=[^\n])\r?\n(?:[ \t]*\r?\n)?[ \t]*([^\s#]{16,300})[ \t]*\r?$"
)
_HEADING_PASSWORD = LazyRegex(r"(?i)password|passphrase|passwort|contraseña|senha")
_HEADING_WORDS = LazyRegex(
    r"(?i)secret|token|password|passphrase|api[ _-]?key|access[ _-]?key|private[ _-]?key|signing[ _-]?key"
)
# a user's id, then ` / ` and a password, after a word for a login: `my login is s6277157 / X`
_LOGIN_PAIR = LazyRegex(
    r"(?i)\b(?:login|logon|credentials|creds|account)\b[^\n/]{0,30}?\S{2,64}[ \t]+/[ \t]+([^\s/]{6,100})"
)
# a password glued to `-p` in an argument list: `['mysqldump', '-uroot', '-pX', ...]`
_GLUED_P = LazyRegex(r"(?i)(?:mysql\w*|mariadb\w*)[\"'][^\n]{0,120}?[\"']-p([^\"'\s]{4,200})[\"']")
# `xxd FILE` of a file named for a secret or a key: the dump's bytes
_DUMP_COMMAND = LazyRegex(r"(?i)\b(?:xxd|hexdump|od)\b[^\n]*(?:secret|private|_key\b|\.key\b|key\b)[^\n]*")
_DUMP_LINE = LazyRegex(r"(?m)^[0-9a-f]{7,8}:[ \t]+((?:[0-9a-f]{4}[ \t]){1,7}[0-9a-f]{4})")
# a payment card: a number of 13 to 19 digits passing Luhn's check, with a card's word near it
_CARD = LazyRegex(r"(?<![\d-])(?:\d{4}[ -]?){3}\d{1,7}(?![\d-])")
_CARD_WORDS = LazyRegex(
    r"(?i)\b(?:card|visa|mastercard|amex|credit|debit|cvv|cvc|karte|tarjeta|carte|cartão|kreditkarte)\b"
)
_CVV = LazyRegex(r"(?i)\b(?:cvv2?|cvc2?|csc)[ \t:=]*(\d{3,4})\b")
# a key's characters one by one: `char key[] = { '8', 'C', ... }`, `String.fromCharCode(81, 67, ...)`
_CHAR_ARRAY = LazyRegex(
    r"(?i)(\w*(?:key|secret|pass\w*|token|pwd)\w*)[ \t]*\[[^\]\n]{0,8}\][ \t]*=[ \t]*\{((?:[ \t]*'[^'\\\n]'[ \t]*,){7,}[^}\n]{0,40})\}"
)
_ARRAY_HINT = LazyRegex(r"\][ \t]*=[ \t]*\{[ \t]*'")
_CHAR_CODES = LazyRegex(r"fromCharCode\(((?:[ \t]*\d{2,3}[ \t]*,){7,}[ \t]*\d{2,3})[ \t]*\)")


# a Markdown row with a cell naming a password and the value in the next cell
_ROW_SECRET_CELL = LazyRegex(
    r"(?i)(?:\b|_)(?:password|passwort|passwd|pass|pwd|secret|token|api[ _-]?key|pin|contraseña|senha|mot de passe)(?:\b|_)"
)
_LABEL = LazyRegex(r"[^\W\d][\w .()-]{0,40}")  # a cell naming what the next one holds (no code, no quotes)
_GROUPED_HINT = LazyRegex(r"[A-Z0-9]{4}-[A-Z0-9]{4}-")
# a Wi-Fi network and its password: `Wi-Fi: ACME-Guest / X`
_WIFI_PAIR = LazyRegex(r"(?i)\b(?:wi-?fi|wlan|ssid)\b[^\n/]{0,40}?/[ \t]*([^\s/]{6,100})")
# codes in groups: gift cards, licences, product keys (`PA03-DDVP-FCC2-Q3N8`)
_GROUPED_CODE = LazyRegex(r"(?<![\w-])[A-Z0-9]{4,5}(?:-[A-Z0-9]{4,5}){3,5}(?![\w-])")
# an RTMP URL's last segment: the stream key
_RTMP_KEY = LazyRegex(r"rtmps?://[^\s/]+/[^\s/]+/([^\s/?\"']{8,200})")
# PostgreSQL's md5 password hash, which logs in as well as the password (pgbouncer's userlist)
_PG_MD5 = LazyRegex(r"md5[0-9a-f]{32}(?![0-9a-f])")
# an app password as Google prints it: four groups of four letters
_APP_GROUPS = LazyRegex(r"(?<![a-z])[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}(?![a-z])")
# DER in base64 (a keystore, a PKCS#12 or #8 file) outside any armour: `MII...`
_DER_BASE64 = LazyRegex(r"(?<![A-Za-z0-9+/])MII[A-Za-z0-9+/]{100,}={0,2}")


def told_spans(text: str, lowered: str, told_ok: object) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    judge = told_ok if callable(told_ok) else (lambda value: False)
    # Rows, headings and Wi-Fi pairs are looked for on the lines that hold their words' letters (in
    # the lower-cased text when it has the text's places, `plain`): a search of the whole text
    # for a case-insensitive alternation of words tries it at every character.
    plain = plain_case(text)
    if "|" in text and (not plain or any(word in lowered for word in _ROW_WORDS)):
        for row_start in _lines_with(text, lowered, _ROW_WORDS, _ROW_SECRET_CELL, plain):
            row_end = text.find("\n", row_start)
            row = text[row_start : len(text) if row_end < 0 else row_end]
            if "|" not in row:
                continue
            cells = row.split("|")
            position = row_start
            for index, cell in enumerate(cells):
                label = cell.strip().strip("`")
                if (
                    index + 1 < len(cells) - 1
                    and _ROW_SECRET_CELL.search(label) is not None
                    and _LABEL.fullmatch(label)
                ):
                    value = cells[index + 1].strip().strip("`")
                    shaped = judge(value) and any(c.isdigit() for c in value) and not any(c in value for c in "`/ ")
                    if value and (shaped or letters_soup(value)):
                        begin = position + len(cell) + 1 + cells[index + 1].find(value)
                        out.append((begin, begin + len(value), "table-secret"))
                position += len(cell) + 1
    if "-" in text and _GROUPED_HINT.search(text) is not None:
        for found in _GROUPED_CODE.finditer(text):
            code = found.group()
            digit_count = sum(c.isdigit() for c in code)
            if (
                digit_count >= 2
                and sum(c.isalpha() for c in code) >= 2
                and not all(c in "0123456789ABCDEF-" for c in code)
            ):
                out.append((found.start(), found.end(), "grouped-code"))
    if "/" in text and (
        any(word in lowered for word in ("wifi", "wi-fi", "wlan", "ssid"))
        if plain
        else ("wi" in lowered or "wlan" in lowered or "ssid" in lowered)
    ):
        for found in _WIFI_PAIR.finditer(text):
            if judge(found.group(1)) and any(c.isdigit() for c in found.group(1)):
                out.append((found.start(1), found.end(1), "wifi-password"))
    if "rtmp" in lowered:
        out += [(f.start(1), f.end(1), "stream-key") for f in _RTMP_KEY.finditer(text)]
    if "md5" in lowered:
        out += [(f.start(), f.end(), "password-hash") for f in _PG_MD5.finditer(text)]
    if any(word in lowered for word in ("smtp", "sasl", "gmail", "app password", "app-password", "app_password")):
        for found in _APP_GROUPS.finditer(text):
            if sum(1 for group in found.group().split() if not any(c in "aeiou" for c in group)) >= 2:
                out.append((found.start(), found.end(), "app-password"))
    if "MII" in text:
        out += [(f.start(), f.end(), "random-token") for f in _DER_BASE64.finditer(text)]
    if "<-" in text or "←" in text:
        for found in _POINTED.finditer(text):
            pointed = found.group(1)
            if judge(pointed) and any(c.isdigit() for c in pointed) and not pointed.replace(".", "_").isidentifier():
                out.append((found.start(1), found.end(1), "password-in-prose"))
    if " as " in lowered and any(word in lowered for word in ("connect", "log", "sign", "authenticat")):
        for found in _LOGIN_TOLD.finditer(text):
            value = found.group(1).rstrip(".,;:!?)")
            if judge(value) and any(c.isdigit() for c in value):
                out.append((found.start(1), found.start(1) + len(value), "password-in-prose"))
    if "\n" in text and (not plain or any(word in lowered for word in _HEADING_NEEDLES)):
        from lessonloop.secrets.token_shape import is_hex, random_token

        for line_start in _lines_with(text, lowered, _HEADING_NEEDLES, _HEADING_WORDS, plain):
            heading_found = _SECRET_HEADING.match(text, line_start)
            if heading_found is None:
                continue
            value = heading_found.group(1)
            heading = text[heading_found.start() : heading_found.start(1)]
            if _HEADING_WORDS.search(heading) is None or "-----" in heading or "public" in heading.lower():
                continue  # a PEM block's armour, a public key's heading
            told = _HEADING_PASSWORD.search(heading) is not None and judge(value) and any(c.isdigit() for c in value)
            if random_token(value) or (is_hex(value) and len(value) >= 32) or told:
                out.append((heading_found.start(1), heading_found.end(1), "secret-output"))
    if "/" in text and any(word in lowered for word in _PAIR_WORDS):
        for found in _SLASH_PAIR.finditer(text):
            group = 2 if found.group(2) is not None else 4
            value = found.group(group).rstrip(".,;:?)")
            if judge(value) and any(c.isdigit() for c in value) and _chosen(value):
                out.append((found.start(group), found.start(group) + len(value), "password-in-prose"))
    if "decode" in lowered and ":" in text:
        for found in _DECODED_PAIR.finditer(text):
            if judge(found.group(1)):
                out.append((found.start(1), found.end(1), "password-in-prose"))
    if ":" in text and any(word in lowered for word in (" with ", " using ", " as ")):
        for found in _LOGIN_WITH_PAIR.finditer(text):
            value = found.group(1).rstrip(".,;:?)")  # (a password may end with `!`)
            if judge(value) and any(c.isdigit() for c in value):
                out.append((found.start(1), found.start(1) + len(value), "password-in-prose"))
    if "/" in text and any(word in lowered for word in ("login", "logon", "credentials", "creds", "account")):
        for found in _LOGIN_PAIR.finditer(text):
            # the value without the quotes or parentheses around it (`` (`admin` / `X`) ``)
            begin, end = found.start(1), found.end(1)
            while begin < end and text[begin] in "`'\"(":
                begin += 1
            while end > begin and text[end - 1] in "`'\").,;:":
                end -= 1
            value = text[begin:end]
            if judge(value) and any(c.isdigit() for c in value):
                out.append((begin, end, "password-in-prose"))
    if "-p" in text and ("mysql" in lowered or "mariadb" in lowered):
        out += [(f.start(1), f.end(1), "cli-secret") for f in _GLUED_P.finditer(text)]
    if "key" in lowered and "\n" in text and ("private" in lowered or "secret" in lowered or "signing" in lowered):
        out += [(f.start(1), f.end(1), "key-material") for f in _KEY_HEADING.finditer(text)]
    if "key" in lowered and "\n" in text and ("xxd" in lowered or "hexdump" in lowered or "od " in lowered):
        for command in _DUMP_COMMAND.finditer(text):
            for line in _DUMP_LINE.finditer(text, command.end(), command.end() + 4000):
                out.append((line.start(1), line.end(1), "key-material"))
    if any(
        word in lowered
        for word in ("card", "visa", "amex", "credit", "debit", "cvv", "cvc", "karte", "tarjeta", "carte")
    ):
        for found in _CARD.finditer(text):
            digits = "".join(c for c in found.group() if c.isdigit())
            window = text[max(0, found.start() - 60) : found.end() + 60]
            test_card = len(set(digits)) <= 4  # 4242 4242 4242 4242, 4111 1111 1111 1111: the processors' test numbers
            if (
                13 <= len(digits) <= 19
                and digits[0] in "23456"
                and _luhn(digits)
                and _CARD_WORDS.search(window)
                and not test_card
            ):
                out.append((found.start(), found.end(), "payment-card"))
        out += [(f.start(1), f.end(1), "payment-card") for f in _CVV.finditer(text)]
    if "'" in text and "{" in text and "]" in text and _ARRAY_HINT.search(text) is not None:
        for found in _CHAR_ARRAY.finditer(text):
            out.append((found.start(2), found.end(2), "key-material"))
    if "fromCharCode" in text:
        for found in _CHAR_CODES.finditer(text):
            decoded = "".join(chr(int(code)) for code in found.group(1).replace(" ", "").split(","))
            from lessonloop.secrets.token_shape import random_token

            if random_token(decoded, 12) or judge(decoded):
                out.append((found.start(1), found.end(1), "key-material"))
    return out


# what each match of _ROW_SECRET_CELL and of _HEADING_WORDS holds, lower-cased
_ROW_WORDS = ("pass", "pwd", "secret", "token", "api", "pin", "contraseña", "senha", "mot de passe")
_HEADING_NEEDLES = ("secret", "token", "password", "passphrase", "key")


def _lines_with(text: str, lowered: str, needles: tuple[str, ...], pattern: LazyRegex, plain: bool) -> list[int]:
    """Where each line holding a match of `pattern` starts, ascending; when `plain`, each line holding
    a needle instead (one of them is in every match: a line without a match is one more for the
    caller, which looks for the pattern in what it reads)."""
    if plain:
        return line_starts(text, lowered, needles)
    return sorted({text.rfind("\n", 0, found.start()) + 1 for found in pattern.finditer(text)})


def _chosen(value: str) -> bool:
    """A password a person chose: its shape (paired_values.human_password), or three parts or more
    joined by dots, dashes or underscores, a word of four letters among them and a number of two
    digits or more last (`flamengo.coração.2016`; not `dist-2024` nor `release-v2.1`)."""
    from lessonloop.secrets.paired_values import human_password

    if human_password(value):
        return True
    parts = value.replace("-", ".").replace("_", ".").split(".")
    return (
        len(parts) >= 3
        and any(part.isalpha() and len(part) >= 4 for part in parts)
        and parts[-1].isdigit()
        and len(parts[-1]) >= 2
    )


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0
