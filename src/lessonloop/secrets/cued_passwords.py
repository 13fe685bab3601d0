# ruff: noqa: RUF001
"""A password by its shape on a line that speaks of logging in, wherever it stands on the line:
`staging box is 10.0.7.14, user admin, Tr0ub4dor&778`, `Schmetterling*64 ist das pw`, `bhai
password hai Dilwale@2000 try kar`, `Use demo@acme.io with Nu7~SV6az0!l` after a question about
logging in; and on one of the two lines after such a line when it stands alone there
(`[sudo] password for erik:`, then `$ Linnea1158!`) or in quotes (`**Q: How do I log in?**`, then
``A: use `demo@acme.io` with `Nu7~SV6az0!l` ``).

No verb or word order is read (a language's grammar is not needed): the line's cue (a word for
password, login, user or credentials in one of the languages people write to their agents) and
the value's shape together decide. The shape is a person's password's
(secrets/paired_values.human_password: letters, digits and a symbol, nothing of an expression, a
version, an address or an option); after a word for password in another language than English,
letters and digits mixed with two digits at least are one too (`qwerty412663zx`).
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.structural import matches_at, places

# words that say a line is about logging in (lower case; a word of its own, or the start of one:
# `passwordnya`, `Passwort`)
_CUE = LazyRegex(
    r"(?<![a-zа-я])(?:passw|password|passwd|passcode|passphrase|pwd|pw|pass|kennwort|mot de passe|mdp"
    r"|contrase|senha|clave|wachtwoord|hasło|haslo|heslo|jelsz|lösenord|losenord|salasana|passord|şifre|sifre"
    r"|mot de pas|wifi|wi-fi|wlan|sleutel|schlüssel"
    r"|parola|parol|пароль|паролем|логин|anmeld)"
    # English and other words that must end where the word ends (not `users`, `loginUrl`)
    r"|(?<![a-zа-я])(?:login|log in|log into|logon|sign in|signin|creds|credentials?|users?|username|usuario"
    r"|utilisateur|benutzer|identifiant|utente|usuário|gebruiker|użytkownik|пользователь|kullanıcı|ssh|sudo)(?![a-z])"
    r"|密码|密碼|口令|パスワード|ログイン|비밀번호|비번|암호|رمز|كلمة|סיסמה|पासवर्ड"
)
# What every cue starts with (_CUE's alternatives, an optional last letter left out): the places
# the cue pattern is tried at (structural.matches_at), not every character of the text.
CUE_WORDS = (
    "passw", "password", "passwd", "passcode", "passphrase", "pwd", "pw", "pass", "kennwort", "mot de passe",
    "mdp", "contrase", "senha", "clave", "wachtwoord", "hasło", "haslo", "heslo", "jelsz", "lösenord", "losenord",
    "salasana", "passord", "şifre", "sifre", "mot de pas", "wifi", "wi-fi", "wlan", "sleutel", "schlüssel",
    "parola", "parol", "пароль", "паролем", "логин", "anmeld", "login", "log in", "log into", "logon", "sign in",
    "signin", "creds", "credential", "user", "username", "usuario", "utilisateur", "benutzer", "identifiant",
    "utente", "usuário", "gebruiker", "użytkownik", "пользователь", "kullanıcı", "ssh", "sudo", "密码", "密碼",
    "口令", "パスワード", "ログイン", "비밀번호", "비번", "암호", "رمز", "كلمة", "סיסמה", "पासवर्ड",
)  # fmt: skip
# words for password other than English ones: after them a value needs no symbol
_FOREIGN = LazyRegex(
    r"(?<![a-zа-я])(?:kennwort|passwort|mot de passe|mdp|contrase|senha|clave|wachtwoord|hasło|haslo|heslo|jelsz"
    r"|lösenord|losenord|salasana|passord|şifre|sifre|parola|parol|пароль)|密码|密碼|パスワード|비밀번호|비번|رمز"
)
# a word of 8 or more, whole: of Latin or Cyrillic letters, digits and symbols (a sentence in
# Chinese, Japanese or Thai runs on without spaces: its script ends the word, `passはD0r@3m0n85!だよ`)
_TOKEN = LazyRegex(r"[!-~\u00a1-\u024f\u0400-\u04ff]{8,}")  # (at most _LONGEST)
_LONGEST = 80
_OPENERS = "\"'`([{<«“‘「"
_CLOSERS = "\"'`)]}>»”’」,;:."
_SHORT_NAME = LazyRegex(r"[A-Z0-9_\-]{1,6}~\d{1,2}")
_WORD_CHAIN = LazyRegex(r"[a-z]{3,12}(?:[-.][a-z]{3,12}){2,5}\d{1,4}")  # (not snake_case: a name)
_SYMBOLS = frozenset("!@#$%^&*?~+=_-.")  # what a password holds besides letters and digits
_MAX_TOKENS_ALONE = 3  # a line after the cue's: a value of its own, maybe a prompt's `$` before it
_AFTER_CUE = 2  # how many lines with text after a cue's line may hold its value


def cued_spans(text: str) -> list[tuple[int, int, str]]:
    """The spans of values shaped as passwords on lines with a cue, or alone on a line just after
    one (start, end, kind). The cues are found in one pass over the text; only their lines and the
    lines after them are read."""
    lowered = text.lower()
    if len(lowered) == len(text):
        found = []
        line = scanned = 0
        for cue in matches_at(_CUE, lowered, places(lowered, CUE_WORDS)):  # (= _CUE.finditer(lowered))
            # (each stretch of the text looked at once for a line break)
            newline = text.rfind("\n", scanned, cue.start())
            line = newline + 1 if newline >= 0 else line
            scanned = cue.start()
            found.append((line, cue.start() - line, cue.end() - line))
    else:  # a character whose lower case is longer (`İ`): read line by line
        found = _line_cues(text)
    cued: dict[int, list[tuple[int, int]]] = {}  # a cued line's start -> its cues, in the line
    for line, first, last in found:
        cued.setdefault(line, []).append((first, last))
    out: list[tuple[int, int, str]] = []
    done: set[int] = set()
    for line_start in sorted(cued):
        position, after = line_start, 0
        while position < len(text) and after <= _AFTER_CUE:
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
            cues = cued.get(position, [])
            if position != line_start and cues:
                break  # a cued line of its own: read from its own start
            if position not in done and text[position:end].strip():
                done.add(position)
                out += _line_spans(text, position, end, cues)
                after += 1
            position = end + 1
    return out


def _line_cues(text: str) -> list[tuple[int, int, int]]:
    """(line start, cue start, cue end in the line) of every cue, read line by line."""
    found: list[tuple[int, int, int]] = []
    position = 0
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        found += [(position, *cue.span()) for cue in _CUE.finditer(text[position:end].lower())]
        position = end + 1
    return found


def _line_spans(text: str, position: int, end: int, cues: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The password-shaped values of one line: a line with `cues`, or one after such a line."""
    out: list[tuple[int, int, str]] = []
    line = text[position:end]
    foreign = bool(cues) and _FOREIGN.search(line.lower()) is not None
    alone = len(line.split()) <= _MAX_TOKENS_ALONE
    for token in _TOKEN.finditer(text, position, end):
        if token.end() - token.start() > _LONGEST:
            continue
        start, stop = _unwrapped(text, token.start(), token.end())
        inside = (token.start() - position, token.end() - position)
        if cues and all(first < inside[1] and inside[0] < last for first, last in cues):
            continue  # the cue's own word (`passwordnya`), or a word holding it
        quoted = stop - start < token.end() - token.start() and text[token.start()] in _OPENERS
        if not cues and not (alone or quoted):
            continue  # after the cue's line: a value of its own on its line, or a quoted one
        value = text[start:stop]
        if _shaped(value) or (foreign and _letters_and_digits(value)):
            out.append((start, stop, "password-by-shape"))
    return out


def _shaped(value: str) -> bool:
    """A person's password's shape; on a line about logging in, an `@` followed by no version is
    one of its symbols (`Dilwale@2000`, `Sayangku@755bm`; not `react@18.2.0`, `user@host.com`)."""
    from lessonloop.secrets.paired_values import human_password

    if any(not (c.isalnum() or c in _SYMBOLS) for c in value) or "**" in value:
        return False  # a path, a grep's `file:line:`, markup, code (`Name","+`), a URL
    if _SHORT_NAME.fullmatch(value) is not None:
        return False  # a DOS short name (`RUNNER~1`, `PROGRA~2`)
    if "@" in value and "." in value[value.rfind("@") :]:
        return False  # an address (`69695708+dev@users.noreply.github.com`)
    if human_password(value) or _WORD_CHAIN.fullmatch(value) is not None:
        return True  # (or a passphrase of words and a number: `freedom-shadow-cookie6`)
    at = value.rfind("@")
    if at <= 0 or "." in value[at:] or value.count("@") > 1:
        return False
    head, tail = value[:at], value[at + 1 :]
    if not tail:
        return human_password(head + "!")  # `SunshineFootball33@`
    if not (any(c.isupper() for c in head) or not tail.isdigit()):
        return False
    return human_password(head + "!" + tail)


def _unwrapped(text: str, start: int, end: int) -> tuple[int, int]:
    """The token without the quotes, brackets and sentence punctuation around it (a password's own
    `!` or `?` at its end is kept)."""
    while start < end and text[start] in _OPENERS:
        start += 1
    while end > start and text[end - 1] in _CLOSERS:
        end -= 1
    return start, end


def _letters_and_digits(value: str) -> bool:
    """Eight or more letters and digits, maybe joined by `_`, two digits at least, a letter first:
    `qwerty412663zx`, `Медведь_9406I7` (not a number, a hex hash, a date or a version)."""
    digits = sum(c.isdigit() for c in value)
    return (
        value.replace("_", "").isalnum()
        and value[0].isalpha()
        and 2 <= digits <= len(value) - 4
        and not all(c in "0123456789abcdef" for c in value.lower())
    )


_PAIR = LazyRegex(r"\([ \t]*[\w.@+\-]{2,64}[ \t]+/[ \t]+([^\s/()]{6,100})[ \t]*\)")


def pair_spans(text: str) -> list[tuple[int, int, str]]:
    """A user and a password's shape in parentheses: `grafana: https://... (oncall / Me.j_pEyv8&7cU)`."""
    return [
        (found.start(1), found.end(1), "password-by-shape") for found in _PAIR.finditer(text) if _shaped(found.group(1))
    ]
